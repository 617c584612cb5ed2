import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseLetter, type LetterFile } from "../../../functions/core/letter/parse-letter";

const FIXTURES = join(__dirname, "../../fixtures");

function readLetterFolder(dir: string): LetterFile[] {
  return readdirSync(dir)
    .filter((name) => name !== "case.json")
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
}

interface BadLetterCase {
  description: string;
  letterErrors: string[];
  localeErrors: Record<string, string[]>;
  /** The files skipped with a warning, as "file: message" (checked when the case lists them). */
  warnings?: string[];
}

describe("parseLetter", () => {
  it("accepts the sample letter with its French translation", () => {
    const { letter, localeErrors } = parseLetter("sample", readLetterFolder(join(FIXTURES, "letters/sample")));
    expect([...letter.translations.keys()]).toEqual(["en", "fr"]);
    expect(localeErrors.size).toBe(0);
    expect(letter.facts.excerpt).toBe(false);
    expect(letter.facts.date).toBeUndefined();
  });

  const badCases = readdirSync(join(FIXTURES, "bad-letters")).sort();

  it("has a fixture for each kind of bad data", () => {
    expect(badCases.length).toBeGreaterThanOrEqual(18);
  });

  describe.each(badCases)("bad letter fixture %s", (name) => {
    const dir = join(FIXTURES, "bad-letters", name);
    const spec = JSON.parse(readFileSync(join(dir, "case.json"), "utf8")) as BadLetterCase;

    it(`reports exactly the expected errors (${spec.description})`, () => {
      const files = readLetterFolder(dir);
      if (spec.letterErrors.length > 0) {
        expect(() => parseLetter("sample", files)).toThrow(spec.letterErrors.join("\n"));
        try {
          parseLetter("sample", files);
        } catch (error) {
          expect((error as Error & { issues: unknown[] }).issues).toHaveLength(spec.letterErrors.length);
          expect((error as Error).message).toBe(spec.letterErrors.join("\n"));
        }
      } else {
        const { localeErrors, warnings } = parseLetter("sample", files);
        const actual = Object.fromEntries([...localeErrors].map(([locale, error]) => [locale, error.message.split("\n")]));
        expect(actual).toEqual(spec.localeErrors);
        if (spec.warnings) expect(warnings.map((warning) => `${warning.file}: ${warning.message}`)).toEqual(spec.warnings);
      }
    });
  });

  it("never lets a __proto__ key reach an object's prototype", () => {
    const files = readLetterFolder(join(FIXTURES, "bad-letters/proto-key"));
    parseLetter("sample", files);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
