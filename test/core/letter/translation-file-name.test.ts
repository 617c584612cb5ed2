import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseLetter } from "../../../functions/core/letter/parse-letter";
import { printableFileName, translationFileNameProblem } from "../../../functions/core/letter/translation-file-name";
import { listLettersOf, readLetter } from "../../../functions/letters/reader-rules";

const SAMPLE = join(__dirname, "../../fixtures/letters/sample");

/** The sample letter's files, with some renamed (from -> to). */
function sampleFiles(renames: Record<string, string> = {}): { name: string; bytes: Uint8Array }[] {
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

  // ISO 639-2's special codes are well-formed tags of no language; "und" made Intl.DisplayNames throw
  // (Intl.Locale("und").language is undefined in Node 20), which crashed generate and serve (the fresh user).
  it.each(["und.json", "und-Latn.json", "und-AQ.json", "mul.json", "zxx.json", "mis.json"])("refuses %s (a special code, no language) without throwing", (name) => {
    expect(translationFileNameProblem(name)).toMatch(/names no language known to Unicode CLDR/);
  });

  it("skips und.json in a letter with a warning, the letter's languages still read", () => {
    const parsed = parseLetter("sample", [...sampleFiles(), { name: "und.json", bytes: readFileSync(join(SAMPLE, "fr.json")) }]);
    expect([...parsed.letter.translations.keys()].sort()).toEqual(["en", "fr"]);
    expect(parsed.warnings.map((warning) => warning.file)).toEqual(["sample/und.json"]);
  });

  it("names a file with a line break or a bidi override in it escaped, so the name cannot break or fake a report line", () => {
    const name = "fr\nwarning: all good \u202Eevil.json";
    const problem = translationFileNameProblem(name) ?? "";
    expect(problem).not.toMatch(/[\n\u202e]/u);
    expect(printableFileName(name)).toBe("fr\\nwarning: all good \\u202eevil.json");
    expect(printableFileName("fr (copy).json")).toBe("fr (copy).json");
  });

  it("skips them with a warning each, and keeps them out of the letter's languages and failed languages", () => {
    const files = [...sampleFiles(), { name: "fr (copy).json", bytes: readFileSync(join(SAMPLE, "fr.json")) }, { name: "de_DE.json", bytes: new Uint8Array() }];
    const parsed = parseLetter("sample", files);
    expect([...parsed.letter.translations.keys()].sort()).toEqual(["en", "fr"]);
    expect([...parsed.localeErrors.keys()]).toEqual([]);
    expect(parsed.warnings.map((warning) => `${warning.file}: ${warning.message}`)).toEqual([
      'sample/fr (copy).json: skipped: unexpected file; expected letter.json or <locale>.json named by a BCP 47 language tag such as en, pt-BR or zh-Hant; "fr (copy)" holds " ", "(", ")": a language tag has only ASCII letters, digits and hyphens',
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

describe("a letter's files named with capitals the reader does not read", () => {
  /** The sample letter read by the shared reader rules from memory, its files renamed (from -> to). */
  async function readRenamed(renames: Record<string, string>) {
    const files = sampleFiles(renames);
    const entries = files.map((file) => ({ name: file.name, kind: "file" as const, bytes: file.bytes.length }));
    const bytesOf = new Map(files.map((file) => [file.name, file.bytes]));
    return readLetter("sample", entries, async (entry) => bytesOf.get(entry.name) as Uint8Array);
  }

  it("names Letter.json where letter.json is missed", async () => {
    await expect(readRenamed({ "letter.json": "Letter.json" })).rejects.toThrow(
      "sample/letter.json: missing; every letter folder needs a letter.json; Letter.json is skipped: rename it letter.json (names are read as written, in lower case)",
    );
  });

  it("skips fr.JSON with a warning saying the name to give it, and names it where its language is missed", async () => {
    await expect(readRenamed({ "fr.json": "fr.JSON" })).rejects.toThrow(
      '"fr" is not a language of this letter (no fr.json; fr.JSON is skipped: the extension is read in lower case, expected fr.json)',
    );
    const listing = await listLettersOf("data", [{ name: "sample", kind: "folder" }], async () => [{ name: "fr.JSON", kind: "file" }]);
    expect(listing.warnings).toEqual([
      {
        file: "sample/fr.JSON",
        path: "",
        message: "skipped: not a .json file (the extension is read in lower case: rename it fr.json); only letter.json and <locale>.json are read",
      },
    ]);
  });
});
