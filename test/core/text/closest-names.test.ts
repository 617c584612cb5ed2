import { closestNames } from "../../../functions/core/text/closest-names";

/** The one suggestion of a name not there (`--letter`, `--locale`): another case first, else the nearest misses. */
describe("the names a person most likely meant", () => {
  const letters = ["committee-hearing-defenders", "unsc-dprk-2015", "water-appeal", "water-appeal-2"];

  it.each([
    ["WATER-APPEAL", ["water-appeal"]],
    ["Water_Appeal", ["water-appeal"]],
    ["UNSC-DPRK-2015", ["unsc-dprk-2015"]],
  ])("takes %s for the id it is in another case (or with _ for -), before any near miss", (written, meant) => {
    expect(closestNames(written, letters)).toEqual(meant);
  });

  it.each([
    ["unsc-dprk2015", ["unsc-dprk-2015"]],
    ["unsc-dprk-2051", ["unsc-dprk-2015"]],
    ["usnc-dprk-2015", ["unsc-dprk-2015"]],
    ["watr-apeal", ["water-appeal"]],
    ["water-appeal-3", ["water-appeal-2"]],
    ["water-appeal-", ["water-appeal", "water-appeal-2"]],
    ["WATER-APEAL", ["water-appeal"]],
  ])("takes %s for the nearest misses, fewest edits first (a swap of neighbours is one edit)", (written, meant) => {
    expect(closestNames(written, letters)).toEqual(meant);
  });

  it.each([
    ["committee", ["committee-hearing-defenders"]],
    ["Committee-Hearing", ["committee-hearing-defenders"]],
    ["wat", ["water-appeal", "water-appeal-2"]],
  ])("takes %s, with no near miss, for the beginning of the names it begins", (written, meant) => {
    expect(closestNames(written, letters)).toEqual(meant);
  });

  it.each(["xyz", "dprk", "a", "co", "hearing"])("suggests nothing for %s: no known name is within 3 edits keeping most of it, or begins with it", (written) => {
    expect(closestNames(written, letters)).toEqual([]);
  });

  it("never suggests the name as written, and nothing among no names", () => {
    expect(closestNames("water-appeal", letters)).toEqual(["water-appeal-2"]);
    expect(closestNames("water-appeal", [])).toEqual([]);
  });
});
