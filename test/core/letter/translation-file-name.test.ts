import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type LetterFile, parseLetter } from "../../../functions/core/letter/parse-letter";
import { translationFileNameProblem } from "../../../functions/core/letter/translation-file-name";

const SAMPLE = join(__dirname, "../../fixtures/letters/sample");

/** The sample letter's files, with some renamed (from -> to). */
function sampleFiles(renames: Record<string, string> = {}): LetterFile[] {
  return readdirSync(SAMPLE)
    .map((name) => ({ name: renames[name] ?? name, bytes: readFileSync(join(SAMPLE, name)) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * A `.json` file named by no language is skipped with a warning and never taken for a language of
 * the letter (the fresh user found "fr (copy)" listed among the letter's languages and documents).
 */
describe("a letter's .json files named by no language", () => {
  it.each(["fr (copy).json", "de_DE.json", "pt-br.json", "EN.json", "xx.json", "notes.json", "..%2fde.json", "fr.json.json"])("refuses %s as a translation's name", (name) => {
    expect(translationFileNameProblem(name)).toBeDefined();
  });

  it.each(["en.json", "pt-BR.json", "zh-Hant.json", "sr-Latn.json", "de-CH.json"])("takes %s as a translation's name", (name) => {
    expect(translationFileNameProblem(name)).toBeUndefined();
  });

  it("skips them with a warning each, and keeps them out of the letter's languages and failed languages", () => {
    const files = [...sampleFiles(), { name: "fr (copy).json", bytes: readFileSync(join(SAMPLE, "fr.json")) }, { name: "de_DE.json", bytes: new Uint8Array() }];
    const parsed = parseLetter("sample", files);
    expect([...parsed.letter.translations.keys()].sort()).toEqual(["en", "fr"]);
    expect([...parsed.localeErrors.keys()]).toEqual([]);
    expect(parsed.warnings.map((warning) => `${warning.file}: ${warning.message}`)).toEqual([
      "sample/fr (copy).json: skipped: unexpected file; expected letter.json or <locale>.json named by a BCP 47 language tag such as en, pt-BR or zh-Hant",
      'sample/de_DE.json: skipped: unexpected file; expected letter.json or <locale>.json named by a BCP 47 language tag such as en, pt-BR or zh-Hant; "de_DE" is not in canonical form, expected de-DE.json',
    ]);
  });

  it("names the misnamed file where the language it would be is missed: the source's", () => {
    expect(() => parseLetter("sample", sampleFiles({ "en.json": "EN.json" }))).toThrow(
      `sample/en.json: missing; the letter's source language is "en"; EN.json is skipped: "EN" is not in canonical form, expected en.json`,
    );
  });

  it("names the misnamed file where the language it would be is missed: a recipient's", () => {
    expect(() => parseLetter("sample", sampleFiles({ "fr.json": "fr_fr.json" }))).toThrow(
      /recipients\[0\]\.locale: "fr" is not a language of this letter \(no fr\.json\); expected one of en/,
    );
    expect(() => parseLetter("sample", sampleFiles({ "fr.json": "FR.json" }))).toThrow(
      `"fr" is not a language of this letter (no fr.json; FR.json is skipped: "FR" is not in canonical form, expected fr.json); expected one of en`,
    );
  });
});
