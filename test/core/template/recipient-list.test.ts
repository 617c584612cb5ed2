import { buildLetterView } from "../../../functions/core/template/letter-view";
import { loadSeedLetter } from "../../support/letters";

describe("the recipient list of a letter's view", () => {
  afterEach(() => jest.restoreAllMocks());

  it("is formatted once per letter and language, not once per personalized letter of a mail merge", async () => {
    const { letter } = await loadSeedLetter();
    const format = jest.spyOn(Intl.ListFormat.prototype, "format");
    const [first, second] = letter.facts.recipients;
    const lists = [buildLetterView(letter, "en", first!.id), buildLetterView(letter, "en", second!.id), buildLetterView(letter, "en")].map((view) => view.recipientList);
    expect(new Set(lists).size).toBe(1);
    expect(lists[0]).toContain(letter.translations.get("en")!.recipients[first!.id]!.country);
    expect(format).toHaveBeenCalledTimes(1);
    buildLetterView(letter, "fr");
    expect(format).toHaveBeenCalledTimes(2);
  });

  it("follows a changed translation of the same letter (a language file read again)", async () => {
    const { letter } = await loadSeedLetter();
    const [first] = letter.facts.recipients;
    const before = buildLetterView(letter, "en").recipientList;
    const english = letter.translations.get("en")!;
    const renamed = { ...english, recipients: { ...english.recipients, [first!.id]: { ...english.recipients[first!.id]!, country: "Ruritania" } } };
    const changed = { ...letter, translations: new Map([...letter.translations, ["en", renamed]]) };
    const after = buildLetterView(changed, "en").recipientList;
    expect(after).toContain("Ruritania");
    expect(before).not.toContain("Ruritania");
    expect(buildLetterView(letter, "en").recipientList).toBe(before);
  });
});
