import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DataIssue } from "../../../functions/core/errors";
import { type LetterFile, parseLetter } from "../../../functions/core/letter/parse-letter";

/**
 * A schema error in one file must not hide the checks between files that need its parsed value
 * (issue 15 item 9): each case below breaks one file's schema and, at the same time, a reference
 * between files, and expects both problems in one report.
 */
const SAMPLE = join(__dirname, "../../fixtures/letters/sample");

type Json = Record<string, any>;
type SampleFile = "letter.json" | "en.json" | "fr.json";

/** The sample letter's files as JSON, for a test to break. */
function sample(): Record<SampleFile, Json> {
  return Object.fromEntries(readdirSync(SAMPLE).map((name) => [name, JSON.parse(readFileSync(join(SAMPLE, name), "utf8")) as Json])) as Record<SampleFile, Json>;
}

function filesOf(letter: Record<string, Json | string>): LetterFile[] {
  return Object.entries(letter)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => ({ name, bytes: new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value)) }));
}

const formatted = (issues: readonly DataIssue[]) => issues.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`);

/**
 * Every problem of a letter, as "file: path: message": those of an invalid letter, or those that
 * disable a translation's language (a translation's problems do not stop the others).
 */
function problemsOf(letter: Record<string, Json | string>): string[] {
  let parsed: ReturnType<typeof parseLetter>;
  try {
    parsed = parseLetter("sample", filesOf(letter));
  } catch (error) {
    return formatted((error as { issues?: DataIssue[] }).issues ?? []);
  }
  const problems = [...parsed.localeErrors.values()].flatMap((error) => formatted((error as { issues?: DataIssue[] }).issues ?? []));
  if (problems.length === 0) throw new Error("expected problems in the letter");
  return problems;
}

describe("parseLetter reports every file's problems at once", () => {
  it("reports a signatory missing from the source language together with that file's missing title", () => {
    const letter = sample();
    delete letter["en.json"].title;
    delete letter["en.json"].signatories["second-ngo"];
    const problems = problemsOf(letter);
    expect(problems).toContain("sample/en.json: title: missing; expected a string");
    expect(problems).toContain('sample/en.json: signatories.second-ngo: missing; expected the signatory "second-ngo"');
  });

  it("checks every language's signatories and recipients against letter.json while letter.json has a schema error elsewhere", () => {
    const letter = sample();
    letter["letter.json"].date = "2026-13-01";
    letter["fr.json"].signatories["third-ngo"] = { name: "Troisième ONG" };
    delete letter["en.json"].recipients.gb;
    const problems = problemsOf(letter);
    expect(problems).toEqual([
      'sample/en.json: recipients.gb: missing; expected the recipient "gb"',
      'sample/fr.json: signatories.third-ngo: unexpected signatory "third-ngo"; it is not in letter.json',
      'sample/letter.json: date: "2026-13-01" is not a calendar date: there is no month 13; expected YYYY-MM-DD',
    ]);
  });

  it("compares a translation with a schema error of its own with the source: paragraphs and sources", () => {
    const letter = sample();
    letter["fr.json"].summary = 42;
    letter["fr.json"].paragraphs.pop();
    letter["fr.json"].sources.annex = "Une annexe";
    const problems = problemsOf(letter);
    expect(problems).toEqual(
      expect.arrayContaining([
        "sample/fr.json: summary: expected a string, received a number",
        'sample/fr.json: sources.annex: unexpected source "annex"; it is not in en.json',
        'sample/fr.json: paragraphs[1]: missing; expected paragraph "request" (the source has 2 paragraphs)',
      ]),
    );
  });

  it("compares the translations with a source that has a schema error elsewhere", () => {
    const letter = sample();
    letter["en.json"].sender = "";
    letter["fr.json"].paragraphs[1].id = "closing";
    const problems = problemsOf(letter);
    expect(problems).toContain("sample/en.json: sender: expected non-empty text");
    expect(problems).toContain('sample/fr.json: paragraphs[1].id: expected paragraph "request" here, found "closing"');
  });

  it("reports an unknown quotation source in a file whose schema fails elsewhere", () => {
    const letter = sample();
    letter["fr.json"].extra = true;
    letter["fr.json"].paragraphs[0].content[1].source = "rapport";
    const problems = problemsOf(letter);
    expect(problems).toContain('sample/fr.json: : unexpected field "extra"');
    expect(problems).toContain('sample/fr.json: paragraphs[0].content[1].source: unknown source "rapport"; expected one of the keys of "sources"');
  });

  it("compares the translations with the source their translationOf names when letter.json cannot be read", () => {
    const letter: Record<string, Json | string> = sample();
    (letter["fr.json"] as Json).paragraphs.pop();
    letter["letter.json"] = '{ "id": "sample", "sourceLocale": "en", ';
    const problems = problemsOf(letter);
    expect(problems).toEqual([
      'sample/fr.json: paragraphs[1]: missing; expected paragraph "request" (the source has 2 paragraphs)',
      expect.stringMatching(/^sample\/letter\.json: : malformed JSON at line 1, column \d+/),
    ]);
  });

  it("does not call a language's ids unexpected when letter.json's own list could not be read whole", () => {
    const letter = sample();
    letter["letter.json"].signatories[1] = { website: "https://example.org" };
    const problems = problemsOf(letter);
    expect(problems).toEqual([
      "sample/letter.json: signatories[1].id: missing; expected an id of lowercase letters, digits and hyphens (1-64 characters, no leading or trailing hyphen)",
    ]);
  });

  it("keeps checking the languages against letter.json when a recipient's language is malformed", () => {
    const letter = sample();
    letter["letter.json"].recipients[0].locale = "French";
    letter["fr.json"].signatories["third-ngo"] = { name: "Troisième ONG" };
    const problems = problemsOf(letter);
    expect(problems.some((problem) => problem.startsWith("sample/letter.json: recipients[0].locale:"))).toBe(true);
    expect(problems).toContain('sample/fr.json: signatories.third-ngo: unexpected signatory "third-ngo"; it is not in letter.json');
  });
});

/**
 * An out-of-date translation is one more problem of the letter (the fresh user's finding): it is said
 * in the same run as every other problem, naming the file, the field and the fingerprint to record,
 * not first once everything else is fixed.
 */
describe("parseLetter reports an out-of-date translation with the letter's other problems", () => {
  const OLD = "0".repeat(64);
  /** A translation recording the fingerprint OLD, as a file older than paragraph fingerprints records it (none: stale-by-part.test.ts tests them). */
  const recordOld = (translation: Json) => {
    translation.translationOf.sourceSha256 = OLD;
    delete translation.translationOf.paragraphs;
  };
  /** The current fingerprint, as the sample's own (valid) reading computes it. */
  const current = () => parseLetter("sample", filesOf(sample())).letter.sourceFingerprint;
  const staleLine = (file: string) =>
    `sample/${file}: translationOf.sourceSha256: the translation was made from source revision ${OLD.slice(0, 12)}, but the source text has changed since; update the translation, then record "sourceSha256": "${current()}"`;

  it("while letter.json has a schema error", () => {
    const letter = sample();
    recordOld(letter["fr.json"]);
    letter["letter.json"].date = "2026-02-30";
    const problems = problemsOf(letter);
    expect(problems).toContain(staleLine("fr.json"));
    expect(problems.some((problem) => problem.startsWith("sample/letter.json: date:"))).toBe(true);
  });

  it("while the same translation has a schema error of its own", () => {
    const letter = sample();
    recordOld(letter["fr.json"]);
    letter["fr.json"].title = 5;
    expect(problemsOf(letter)).toEqual(["sample/fr.json: title: expected a string, received a number", staleLine("fr.json")]);
  });

  it("in every stale language at once, beside another language's unrelated problem and letter.json's", () => {
    const letter: Record<string, Json> = sample();
    letter["de.json"] = { ...structuredClone(letter["fr.json"] as Json), locale: "de" };
    letter["it.json"] = { ...structuredClone(letter["fr.json"] as Json), locale: "it" };
    recordOld(letter["de.json"] as Json);
    recordOld(letter["fr.json"] as Json);
    delete (letter["it.json"] as Json).summary;
    (letter["letter.json"] as Json).date = "30 February 2026";
    const problems = problemsOf(letter);
    expect(problems).toEqual(expect.arrayContaining([staleLine("de.json"), staleLine("fr.json"), "sample/it.json: summary: missing; expected a string"]));
    expect(problems.filter((problem) => problem.includes("has changed since"))).toHaveLength(2);
  });

  it("alone: the language fails as STALE_TRANSLATION with the fingerprint to record, the others are made", () => {
    const letter = sample();
    recordOld(letter["fr.json"]);
    const parsed = parseLetter("sample", filesOf(letter));
    expect([...parsed.letter.translations.keys()]).toEqual(["en"]);
    expect(parsed.localeErrors.get("fr" as never)).toMatchObject({ code: "STALE_TRANSLATION", message: staleLine("fr.json") });
  });

  it("claims nothing while the source itself is invalid: its fingerprint is not known yet", () => {
    const letter = sample();
    recordOld(letter["fr.json"]);
    delete letter["en.json"].title;
    const problems = problemsOf(letter);
    expect(problems).toContain("sample/en.json: title: missing; expected a string");
    expect(problems.join("\n")).not.toContain("has changed since");
  });
});

describe("parseLetter on a translation that is no JSON object", () => {
  it.each([["[]"], ['"hello"'], ["42"], ["null"]])("reports only what %s is, not the fields it lacks (translationOf and the others)", (text) => {
    const problems = problemsOf({ ...sample(), "fr.json": text });
    expect(problems).toEqual([expect.stringMatching(/^sample\/fr\.json: : expected an object with the fields "locale", "translationOf"\?, "title", .*, received /)]);
  });
});

describe("parseLetter says what a language or date field holds and what to write", () => {
  it.each([
    ["EN", '; write "en"'],
    ["pt_br", '; write "pt-BR"'],
    ["zh-hant", '; write "zh-Hant"'],
    ["English", ""],
  ])("sourceLocale %j", (value, hint) => {
    const letter = sample();
    letter["letter.json"].sourceLocale = value;
    expect(problemsOf(letter)).toContain(
      `sample/letter.json: sourceLocale: expected a BCP 47 language tag in canonical form (e.g. en, pt-BR, zh-Hant), got ${JSON.stringify(value)}${hint}`,
    );
  });

  it.each([
    [20150101, 'expected a date as "YYYY-MM-DD" (a string), got 20150101'],
    [null, 'expected a date as "YYYY-MM-DD" (a string), got null'],
    ["1 March 2015", 'expected a date as YYYY-MM-DD, got "1 March 2015"'],
    ["2015-3-1", 'expected a date as YYYY-MM-DD, got "2015-3-1"'],
  ])("date %j", (value, message) => {
    const letter = sample();
    letter["letter.json"].date = value;
    expect(problemsOf(letter)).toContain(`sample/letter.json: date: ${message}`);
  });

  // A key written twice used to be the only problem said of its file: the rest of the file was read
  // only once it was fixed (found by trying it). Now the file is read on with the value JSON kept.
  it("reports a key written twice together with the same file's other problems, and the other files'", () => {
    const letter = sample();
    delete letter["fr.json"].signatories["second-ngo"];
    delete letter["en.json"].title;
    // "title" twice, the second (which JSON keeps) with a control character in it.
    const fr = JSON.stringify(letter["fr.json"], null, 2).replace(/\n {2}"title": "/, '\n  "title": "Un autre titre",\n  "title": "\\u0007');
    const problems = problemsOf({ ...letter, "fr.json": fr });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sample\/fr\.json: title: duplicate key "title" at line \d+; it is first written at line \d+/),
        expect.stringMatching(/^sample\/fr\.json: signatories\.second-ngo: missing/),
        expect.stringMatching(/^sample\/fr\.json: title: .*U\+0007/),
        "sample/en.json: title: missing; expected a string",
      ]),
    );
  });
});
