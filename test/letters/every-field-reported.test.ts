import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { DataIssue, LetterpressError } from "../../functions/core/errors";
import { type LetterFile, parseLetter } from "../../functions/core/letter/parse-letter";
import { controlCharacterProblem, MAX_LISTED_CHARACTERS } from "../../functions/core/letter/text-rules";
import { fontCoverage } from "../../functions/fonts/coverage";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { ProgressTable } from "../../local/progress-table";
import { FIXTURES_DIR } from "../support/letters";

/**
 * A letter's problems are reported whole, so one round of corrections fixes them all (issue 13,
 * fresh-user finding): every field with a character no shipped face draws, each such character
 * listed once per field, however many other fields have it too; every control character of every
 * field, each where it is; and the command line prints every problem of a language it cannot make,
 * not the first line of them.
 */

const SAMPLE = join(FIXTURES_DIR, "letters/sample");
type Json = Record<string, any>;

function sample(): Record<string, Json> {
  return Object.fromEntries(readdirSync(SAMPLE).map((name) => [name, JSON.parse(readFileSync(join(SAMPLE, name), "utf8")) as Json]));
}

function filesOf(letter: Record<string, Json>): LetterFile[] {
  return Object.entries(letter).map(([name, value]) => ({ name, bytes: new TextEncoder().encode(JSON.stringify(value)) }));
}

const coverage = fontCoverage(loadFontLibrary());
const formatted = (issues: readonly DataIssue[]) => issues.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`);

/** The problems that make the letter invalid (source language), or else those of the French translation. */
function problemsOf(letter: Record<string, Json>): string[] {
  try {
    const parsed = parseLetter("sample", filesOf(letter), [], { coverage });
    return formatted((parsed.localeErrors.get("fr") as { issues?: DataIssue[] } | undefined)?.issues ?? []);
  } catch (error) {
    return formatted((error as { issues?: DataIssue[] }).issues ?? []);
  }
}

const HIEROGLYPH = "\u{13000}";
const NAMED = 'U+13000 EGYPTIAN HIEROGLYPH A001 "𓀀"';
const noGlyph = (listed: string) => `no shipped font has a glyph for ${listed}; expected text the shipped fonts draw (replace or remove it)`;

describe("characters no shipped face draws", () => {
  it.each(["en.json", "fr.json"])("are reported in every field of %s that has one, the same character in each", (file) => {
    const letter = sample();
    const json = letter[file]!;
    json.title = `Title ${HIEROGLYPH}`;
    json.summary = `Summary ${HIEROGLYPH}${HIEROGLYPH}`;
    json.sender = `${HIEROGLYPH} sender`;
    json.paragraphs[1].content[0].text = `Act ${HIEROGLYPH}.`;
    json.signatories["second-ngo"].name = `NGO ${HIEROGLYPH}`;
    expect(problemsOf(letter)).toEqual([
      `sample/${file}: title: ${noGlyph(`${NAMED} at character 6`)}`,
      `sample/${file}: summary: ${noGlyph(`${NAMED} at character 8`)}`,
      `sample/${file}: sender: ${noGlyph(`${NAMED} at character 0`)}`,
      `sample/${file}: paragraphs[1].content[0].text: ${noGlyph(`${NAMED} at character 4`)}`,
      `sample/${file}: signatories.second-ngo.name: ${noGlyph(`${NAMED} at character 4`)}`,
    ]);
  });

  it("are reported in the source and in a translation alike, and in letter.json", () => {
    const letter = sample();
    letter["en.json"]!.title = `Title ${HIEROGLYPH}`;
    letter["fr.json"]!.title = `Titre ${HIEROGLYPH}`;
    letter["letter.json"]!.recipients[0].representativeName = `Jane ${HIEROGLYPH}`;
    expect(problemsOf(letter)).toEqual([
      `sample/en.json: title: ${noGlyph(`${NAMED} at character 6`)}`,
      `sample/fr.json: title: ${noGlyph(`${NAMED} at character 6`)}`,
      `sample/letter.json: recipients[0].representativeName: ${noGlyph(`${NAMED} at character 5`)}`,
    ]);
  });

  it("describes the first 5 distinct characters of a field and names every other by code point", () => {
    const letter = sample();
    // Twelve Linear B syllables, each twice.
    const syllables = Array.from({ length: 12 }, (_, i) => String.fromCodePoint(0x10000 + i));
    letter["fr.json"]!.summary = [...syllables, ...syllables].join(" ");
    const [problem] = problemsOf(letter);
    expect(problem).toMatch(/^sample\/fr\.json: summary: no shipped font has a glyph for U\+10000 LINEAR B SYLLABLE B008 A "𐀀" at character 0, /);
    expect(problem?.match(/U\+100[0-9A-F]{2} LINEAR B/g)).toHaveLength(5);
    expect(problem?.match(/U\+100/g)).toHaveLength(12);
    // The rest by code point, each once: "and 7 more" hid them (a second script among them went unseen).
    expect(problem).toContain(`U+10004 LINEAR B SYLLABLE B010 U "𐀄" at character 8, and U+10005, U+10006, U+10007, U+10008, U+10009, U+1000A, U+1000B;`);
  });
});

describe("control characters", () => {
  it("are each reported, with where each is, counted in characters", () => {
    // The emoji before the bell is one character, two UTF-16 code units.
    expect(controlCharacterProblem("a\u0007b 😀\u0001c\u0002")).toBe(
      "contains 3 control or unpaired surrogate characters (U+0007 at character 1, U+0001 at character 5, U+0002 at character 7); remove them",
    );
    expect(controlCharacterProblem("broken \ud800 text")).toBe("contains a control or unpaired surrogate character (U+D800 at character 7); remove it");
    expect(controlCharacterProblem("clean text")).toBeUndefined();
  });

  it(`lists the first ${MAX_LISTED_CHARACTERS} of a field and counts the rest`, () => {
    const problem = controlCharacterProblem("x\u0001".repeat(15)) ?? "";
    expect(problem.match(/U\+0001 at character \d+/g)).toEqual(Array.from({ length: MAX_LISTED_CHARACTERS }, (_, i) => `U+0001 at character ${2 * i + 1}`));
    expect(problem).toMatch(/^contains 15 control .* and 5 more\); remove them$/);
  });

  it("are reported in every field that has them, with the fields' other problems", () => {
    const letter = sample();
    letter["fr.json"]!.title = "Titre\u0007 et\u0008 fin";
    letter["fr.json"]!.summary = `Résumé\u0085 ${HIEROGLYPH}`;
    letter["fr.json"]!.sender = "\u0000ONG";
    expect(problemsOf(letter)).toEqual([
      "sample/fr.json: title: contains 2 control or unpaired surrogate characters (U+0007 at character 5, U+0008 at character 9); remove them",
      "sample/fr.json: summary: contains a control or unpaired surrogate character (U+0085 at character 6); remove it",
      "sample/fr.json: sender: contains a control or unpaired surrogate character (U+0000 at character 0); remove it",
      `sample/fr.json: summary: ${noGlyph(`${NAMED} at character 8`)}`,
    ]);
  });
});

describe("the command line's report of a language it cannot make", () => {
  it("prints every problem of the language, one per line, not the first alone", () => {
    const letter = sample();
    letter["fr.json"]!.title = `Titre ${HIEROGLYPH}`;
    letter["fr.json"]!.summary = `Résumé ${HIEROGLYPH}`;
    letter["fr.json"]!.sender = "ONG\u0007";
    const error = parseLetter("sample", filesOf(letter), [], { coverage }).localeErrors.get("fr") as LetterpressError;
    const out = new PassThrough();
    let printed = "";
    out.on("data", (chunk: Buffer) => void (printed += chunk.toString("utf8")));
    const table = new ProgressTable(out as unknown as NodeJS.WriteStream);
    const request = { letterId: "sample", locale: "fr", format: "html", recipientId: null } as const;
    table.planned([request]);
    table.failed({ request, error });
    const lines = printed.split("\n").slice(1, -1);
    expect(lines).toEqual([
      `  ${"sample fr html".padEnd(38)} FAILED: sample/fr.json: sender: contains a control or unpaired surrogate character (U+0007 at character 3); remove it`,
      `    sample/fr.json: title: ${noGlyph(`${NAMED} at character 6`)}`,
      `    sample/fr.json: summary: ${noGlyph(`${NAMED} at character 7`)}`,
    ]);
  });
});
