import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DataIssue } from "../../functions/core/errors";
import { type LetterContext, templateOffersOf } from "../../functions/core/letter/letter-context";
import { type LetterFile, parseLetter } from "../../functions/core/letter/parse-letter";
import { sourceFingerprint } from "../../functions/core/letter/source-fingerprint";
import type { FaceId, FontLibrary } from "../../functions/core/pdf/font-library";
import { TemplateLibrary } from "../../functions/core/template/template-library";
import { fontCoverage } from "../../functions/fonts/coverage";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { loadTemplateSets } from "../../functions/templates/load-template-set";
import { FIXTURES_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * A letter is checked against the deployment when it is validated, with the data's other problems
 * (issue 15 item 9, issue 13 item 3): the template it names (a folder there is, with a catalog for
 * each of its languages and the letter's own words it prints) and a glyph in some shipped face for
 * every character. Against the real templates folder and the real fonts.
 */
const SAMPLE = join(FIXTURES_DIR, "letters/sample");

type Json = Record<string, any>;
type SampleFile = "letter.json" | "en.json" | "fr.json";

let context: LetterContext;
beforeAll(async () => {
  context = { templates: templateOffersOf(new TemplateLibrary(await loadTemplateSets(TEMPLATES_DIR))), coverage: fontCoverage(loadFontLibrary()) };
});

function sample(): Record<SampleFile, Json> {
  return Object.fromEntries(readdirSync(SAMPLE).map((name) => [name, JSON.parse(readFileSync(join(SAMPLE, name), "utf8")) as Json])) as Record<SampleFile, Json>;
}

/**
 * The sample letter for the committee template, its signatories renamed to two that template has a
 * signature image for (`assets/signatures/<id>.svg`), so that its images are none of its problems.
 */
function committeeSample(): Record<SampleFile, Json> {
  const renamed = JSON.stringify(sample()).replaceAll('"first-ngo"', '"example-network"').replaceAll('"second-ngo"', '"sample-legal-aid"');
  const letter = JSON.parse(renamed) as Record<SampleFile, Json>;
  letter["letter.json"].template = "parliamentary-committee";
  return letter;
}

function filesOf(letter: Record<string, Json>): LetterFile[] {
  return Object.entries(letter).map(([name, value]) => ({ name, bytes: new TextEncoder().encode(JSON.stringify(value)) }));
}

const formatted = (issues: readonly DataIssue[]) => issues.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`);

/** The problems that make the letter invalid, or else those that disable a language. */
function problemsOf(letter: Record<string, Json>, using: LetterContext = context): string[] {
  try {
    const parsed = parseLetter("sample", filesOf(letter), [], using);
    return [...parsed.localeErrors.values()].flatMap((error) => formatted((error as { issues?: DataIssue[] }).issues ?? []));
  } catch (error) {
    return formatted((error as { issues?: DataIssue[] }).issues ?? []);
  }
}

describe("a letter's template is checked when the letter is validated", () => {
  it("refuses a template folder that does not exist, naming the folders there are, together with the data's other problems", () => {
    const letter = sample();
    letter["letter.json"].template = "un-security-councill";
    letter["en.json"].title = " ";
    expect(problemsOf(letter)).toEqual([
      "sample/en.json: title: expected non-empty text",
      'sample/letter.json: template: no template "un-security-councill"; expected one of the folders of templates/: "parliamentary-committee", "un-security-council"',
    ]);
  });

  it("refuses the default template when the deployment has none by that name", () => {
    const letter = sample();
    const only = new Map([...(context.templates ?? [])].filter(([name]) => name === "parliamentary-committee"));
    expect(problemsOf(letter, { ...context, templates: only })).toEqual([
      'sample/letter.json: template: no template "un-security-council" (the default when letter.json names none); expected one of the folders of templates/: "parliamentary-committee"',
    ]);
  });

  it("disables a language its template has no messages for, naming the catalog file it would need", () => {
    const letter = committeeSample();
    for (const name of ["en.json", "fr.json"] as const)
      Object.assign(letter[name], { addressee: ["The Committee"], salutation: "Dear members,", valediction: "Yours,", senderKind: "NGOs" });
    // Made from the English as changed here, so that the template's problem is its only one.
    letter["fr.json"].translationOf.sourceSha256 = sourceFingerprint(letter["en.json"]);
    const parsed = parseLetter("sample", filesOf({ ...letter, "sw.json": { ...letter["fr.json"], locale: "sw" } }), [], context);
    expect(parsed.letter.translations.has("en")).toBe(true);
    expect(parsed.localeErrors.get("sw")?.message).toBe(
      'sample/sw.json: the letter\'s template "parliamentary-committee" has no messages in this language; expected templates/parliamentary-committee/messages/sw.json (it has de, en, fr)',
    );
    // Templates read from another folder (--templates s/tpl) are named there (fresh user 9, finding 7).
    const elsewhere = new Map([...(context.templates ?? [])].map(([name, offer]) => [name, { ...offer, folder: `s/tpl/${name}` }]));
    const moved = parseLetter("sample", filesOf({ ...letter, "sw.json": { ...letter["fr.json"], locale: "sw" } }), [], { ...context, templates: elsewhere });
    expect(moved.localeErrors.get("sw")?.message).toContain("expected s/tpl/parliamentary-committee/messages/sw.json (it has de, en, fr)");
  });

  it("makes the whole letter invalid when the source language has no catalog in its template", () => {
    const letter = sample();
    letter["letter.json"].template = "parliamentary-committee";
    letter["letter.json"].sourceLocale = "fr";
    letter["letter.json"].recipients[1].locale = "fr";
    delete letter["fr.json"].translationOf;
    letter["en.json"].translationOf = { locale: "fr", sourceSha256: "0".repeat(64) };
    for (const name of ["en.json", "fr.json"] as const)
      Object.assign(letter[name], { addressee: ["The Committee"], salutation: "Dear members,", valediction: "Yours,", senderKind: "NGOs" });
    const problems = problemsOf(letter, { ...context, templates: new Map([["parliamentary-committee", { locales: new Set(["en"]), letterWords: [] }]]) });
    expect(problems).toContain(
      'sample/fr.json: : the letter\'s template "parliamentary-committee" has no messages in this language; expected templates/parliamentary-committee/messages/fr.json (it has en)',
    );
  });

  it("reports the letter's own words its template prints, missing from a language file, before any render", () => {
    const letter = committeeSample();
    Object.assign(letter["en.json"], { addressee: ["The Committee"], salutation: "Dear members,", valediction: "Yours,", senderKind: "NGOs" });
    letter["fr.json"].translationOf.sourceSha256 = sourceFingerprint(letter["en.json"]);
    const problems = problemsOf(letter);
    expect(problems).toEqual(
      ["addressee", "salutation", "valediction", "senderKind"].map((word) => `sample/fr.json: ${word}: missing; the letter's template "parliamentary-committee" prints it`),
    );
  });
});

describe("every character of the data is checked against the shipped fonts when the letter is validated", () => {
  it("refuses a character no shipped face covers in the source language, with the file, the JSON path, the code point and its Unicode name", () => {
    const letter = sample();
    letter["en.json"].title = "The seated man \u{13000} speaks";
    letter["letter.json"].date = "2026-02-30";
    expect(problemsOf(letter)).toEqual([
      'sample/en.json: title: no shipped font has a glyph for U+13000 EGYPTIAN HIEROGLYPH A001 "𓀀" at character 15; expected text the shipped fonts draw (replace or remove it)',
      'sample/letter.json: date: "2026-02-30" is not a calendar date: February 2026 has 28 days',
    ]);
  });

  it("disables only the translation that has one, naming every distinct character of a text once", () => {
    const letter = sample();
    letter["fr.json"].paragraphs[1].content[0].text = "Linear B \u{10000}\u{10001} and \u{10000} again";
    const parsed = parseLetter("sample", filesOf(letter), [], context);
    expect([...parsed.letter.translations.keys()]).toEqual(["en"]);
    expect(parsed.localeErrors.get("fr")?.message).toBe(
      'sample/fr.json: paragraphs[1].content[0].text: no shipped font has a glyph for U+10000 LINEAR B SYLLABLE B008 A "𐀀" at character 9, U+10001 LINEAR B SYLLABLE B038 E "𐀁" at character 10; expected text the shipped fonts draw (replace or remove it)',
    );
  });

  it("checks letter.json's text (a representative's name) and names an unassigned code point by its label", () => {
    const letter = sample();
    letter["letter.json"].recipients[1].representativeName = "Jane \u0378Example";
    expect(problemsOf(letter)).toEqual([
      "sample/letter.json: recipients[1].representativeName: no shipped font has a glyph for U+0378 <reserved-0378> at character 5; expected text the shipped fonts draw (replace or remove it)",
    ]);
  });

  it.each([
    ["a text-style variation selector", "Pyongyang \u2194\uFE0E Seoul"],
    ["an emoji-style variation selector", "the campaign\u2122\uFE0F"],
    ["a zero-width joiner and non-joiner", "man\u200Dwoman \u200Cword"],
    ["a word joiner and a BOM inside a word", "Menschen\u2060rechte Be\uFEFFricht"],
    ["bidi marks", "text \u200E and \u200F and \u061C"],
    ["a soft hyphen", "Menschen\u00ADrechte"],
    ["a Mongolian free variation selector", "text\u180B here"],
    ["a tag character", "flag \u{E0067}\u{E0062}"],
  ])("never refuses default-ignorable code points: %s", (_kind, text) => {
    const letter = sample();
    letter["en.json"].summary = text;
    letter["fr.json"].summary = text;
    expect(() => parseLetter("sample", filesOf(letter), [], context)).not.toThrow();
    expect(parseLetter("sample", filesOf(letter), [], context).localeErrors.get("fr")?.message ?? "").not.toMatch(/glyph/);
  });

  it("reads no CJK face to check a Latin letter", () => {
    const asked = new Set<FaceId>();
    const real = loadFontLibrary();
    const recording: FontLibrary = {
      face: (id) => {
        asked.add(id);
        return real.face(id);
      },
      shaper: (id) => {
        asked.add(id);
        return real.shaper(id);
      },
      iccProfile: () => real.iccProfile(),
      caches: real.caches,
    };
    const letter = sample();
    parseLetter("sample", filesOf(letter), [], { ...context, coverage: fontCoverage(recording) });
    expect(asked.size).toBeGreaterThan(0);
    expect([...asked].filter((face) => /^(sc|tc|jp|kr)-/.test(face))).toEqual([]);
  });
});
