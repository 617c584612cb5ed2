import { tmpdir } from "node:os";
import { join } from "node:path";
import { relativeToHere } from "../../local/shown-path";

/** Fresh user 12, item 10: messages named some folders absolute (`/home/me/letters/out`) and others relative (`data/`). */
describe("relativeToHere: a path as messages name it", () => {
  it.each([
    [join(process.cwd(), "out"), "out"],
    [join(process.cwd(), "data", "water-appeal"), join("data", "water-appeal")],
    [join(process.cwd(), ".local", "s3"), join(".local", "s3")],
    [process.cwd(), "."],
  ])("names %s, inside the working folder, relative to it: %s", (path, shown) => {
    expect(relativeToHere(path)).toBe(shown);
  });

  it("names a folder outside the working folder as given, never as ../../..", () => {
    const outside = join(tmpdir(), "letterpress-out");
    expect(relativeToHere(outside)).toBe(outside);
  });
});
