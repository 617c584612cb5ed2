import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DataIssue } from "../../functions/core/errors";
import { type LetterContext, templateOffersOf } from "../../functions/core/letter/letter-context";
import { type LetterFile, parseLetter } from "../../functions/core/letter/parse-letter";
import { sourceFingerprint } from "../../functions/core/letter/source-fingerprint";
import { TemplateLibrary } from "../../functions/core/template/template-library";
import { fontCoverage } from "../../functions/fonts/coverage";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { loadTemplateSets } from "../../functions/templates/load-template-set";
import { FIXTURES_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * The words a document prints that are in no letter file are checked against the fonts when the
 * letter is validated too (issue 13 item 3): the template's catalog (messages/<tag>.json) and what
 * Intl formats in the language (the date, counts, the recipients' list). Against a copy of the real
 * templates with catalogs added, and the real fonts: no shipped face has Cherokee or Tibetan (Dzongkha). Tamil and Khmer were the examples until their
 * families joined the registry (test/core/pdf/script-families.test.ts).
 */
const SAMPLE = join(FIXTURES_DIR, "letters/sample");
type Json = Record<string, any>;

let dir: string;
let context: LetterContext;
const english = JSON.parse(readFileSync(join(TEMPLATES_DIR, "un-security-council/messages/en.json"), "utf8")) as Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "letterpress-template-coverage-"));
  cpSync(TEMPLATES_DIR, dir, { recursive: true });
  const messages = join(dir, "un-security-council/messages");
  // A language Intl formats in its own script, with the English words: only Intl's words are Cherokee (or Dzongkha, in Tibetan script).
  writeFileSync(join(messages, "chr.json"), JSON.stringify(english));
  // Dzongkha selects no plural category but "other".
  writeFileSync(join(messages, "dz.json"), JSON.stringify({ ...english, "signatories.cosigned": "Co-signed by {count, plural, other {# organizations}}" }));
  writeFileSync(join(messages, "de.json"), JSON.stringify(english));
  // A catalog with one word no font draws, and one count Intl formats in Latin digits.
  writeFileSync(join(messages, "it.json"), JSON.stringify({ ...english, "signatories.heading": "Firmatari ᏣᎳ", "translation.label": "Traduzione ཀ non ufficiale" }));
  context = { templates: templateOffersOf(new TemplateLibrary(await loadTemplateSets(dir))), coverage: fontCoverage(loadFontLibrary()) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The sample letter, dated, with the languages named: each a copy of the French with its own tag. */
function letterIn(...locales: string[]): LetterFile[] {
  const files = Object.fromEntries(readdirSync(SAMPLE).map((name) => [name, JSON.parse(readFileSync(join(SAMPLE, name), "utf8")) as Json]));
  files["letter.json"]!.date = "2026-12-24";
  const fr = files["fr.json"]!;
  fr.translationOf.sourceSha256 = sourceFingerprint(files["en.json"]!);
  for (const locale of locales) files[`${locale}.json`] = { ...fr, locale };
  return Object.entries(files).map(([name, value]) => ({ name, bytes: new TextEncoder().encode(JSON.stringify(value)) }));
}

const formatted = (issues: readonly DataIssue[]) => issues.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`);
const issuesOf = (error: unknown) => formatted((error as { issues?: DataIssue[] }).issues ?? []);
/** The problems of a letter parseLetter refuses whole (none when it parses). */
const refusalOf = (files: Parameters<typeof parseLetter>[1]): string[] => {
  try {
    parseLetter("sample", files, [], context);
    return [];
  } catch (error) {
    return issuesOf(error);
  }
};
const folder = () => `${dir}/un-security-council`;

describe("what Intl formats in a letter's language is checked against the fonts at validation", () => {
  it("disables a language whose date Intl writes in a script no font has, naming the message, the date and each character", () => {
    const parsed = parseLetter("sample", letterIn("chr", "dz"), [], context);
    expect(parsed.letter.translations.has("en")).toBe(true);
    expect(parsed.letter.translations.has("fr")).toBe(true);
    expect(issuesOf(parsed.localeErrors.get("chr"))).toEqual([
      `${folder()}/messages/chr.json: document.date: prints "ᎥᏍᎩᏱ 24, 2026" for letter "sample", the date as Intl formats it for chr: no shipped font has a glyph for ` +
        'U+13A5 CHEROKEE LETTER V "Ꭵ" at character 0, U+13CD CHEROKEE LETTER S "Ꮝ" at character 1, U+13A9 CHEROKEE LETTER GI "Ꭹ" at character 2, ' +
        'U+13F1 CHEROKEE LETTER YI "Ᏹ" at character 3; expected a language whose script the shipped fonts draw (add a font for it)',
      // The recipients' list, joined by Intl.ListFormat with the Cherokee "and".
      `${folder()}/messages/chr.json: addressee.members: prints "Members of the Council: France ᎠᎴ Royaume-Uni" for letter "sample", a list as Intl joins it for chr: ` +
        'no shipped font has a glyph for U+13A0 CHEROKEE LETTER A "Ꭰ" at character 31, U+13B4 CHEROKEE LETTER LE "Ꮄ" at character 32; expected a language whose script the shipped fonts draw (add a font for it)',
    ]);
    const dz = issuesOf(parsed.localeErrors.get("dz"));
    // Dzongkha writes its digits in Tibetan too: the count and the page label are named as well.
    expect(dz.map((issue) => issue.slice(0, issue.indexOf(": prints")))).toEqual(
      ["document.date", "addressee.members", "signatories.cosigned", "footer.page"].map((key) => `${folder()}/messages/dz.json: ${key}`),
    );
    expect(dz[0]).toMatch(
      /: prints "སྤྱི་ལོ་༢༠༢༦ ཟླ་བཅུ་གཉིས་པ་ ཚེས་ ༢༤" .* the date as Intl formats it for dz: no shipped font has a glyph for U\+0F66 TIBETAN LETTER SA "ས" at character 0, .* and U\+0F63, U\+0F7C, /,
    );
    expect(dz[1]).toMatch(/a list as Intl joins it for dz: no shipped font has a glyph for U\+0F51 TIBETAN LETTER DA "ད" at character 31/);
  });

  it("refuses the whole letter when its source language is one the fonts cannot print the date of, with the other languages' problems", () => {
    const files = letterIn("chr").map((file) => {
      if (!("bytes" in file) || !["letter.json", "en.json", "fr.json", "chr.json"].includes(file.name)) return file;
      const json = JSON.parse(new TextDecoder().decode(file.bytes)) as Json;
      if (file.name === "letter.json") json.sourceLocale = "chr";
      if (file.name === "chr.json") delete json.translationOf;
      else if (file.name !== "letter.json") json.translationOf = { locale: "chr", sourceSha256: "0".repeat(64) };
      return { name: file.name, bytes: new TextEncoder().encode(JSON.stringify(json)) };
    });
    // en and fr become translations of ta, made from another revision: stale, and said with the source's problem.
    const problems = refusalOf(files);
    expect(problems.some((problem) => problem.startsWith(`${folder()}/messages/chr.json: document.date: prints "ᎥᏍᎩᏱ 24, 2026"`))).toBe(true);
  });

  // issue 13: a bad id in letter.json made the letter invalid before what the catalogs print was checked; both are said now.
  it.each([
    ["a signatory's id", (facts: Json) => (facts.signatories[0].id = "Bad Id")],
    ["the letter's id", (facts: Json) => (facts.id = "sample!")],
    ["a recipient's id", (facts: Json) => (facts.recipients[0].id = "--")],
  ])("says what a catalog prints beside a bad id in letter.json (%s)", (_what, spoil) => {
    const files = letterIn("chr").map((file) => {
      if (!("bytes" in file) || file.name !== "letter.json") return file;
      const json = JSON.parse(new TextDecoder().decode(file.bytes)) as Json;
      spoil(json);
      return { name: file.name, bytes: new TextEncoder().encode(JSON.stringify(json)) };
    });
    const problems = refusalOf(files);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sample\/letter\.json: (signatories\[0\]\.id|id|recipients\[0\]\.id): /),
        expect.stringMatching(new RegExp(`^${folder()}/messages/chr\\.json: document\\.date: prints "ᎥᏍᎩᏱ 24, 2026"`)),
      ]),
    );
    // The other languages, sound, say nothing; each problem is said once.
    expect(problems.filter((problem) => /messages\/(en|fr)\.json/.test(problem))).toEqual([]);
    expect(new Set(problems).size).toBe(problems.length);
  });

  it("names a catalog's own word no font draws by its file and key, every one at once, and never formats what is refused", () => {
    const parsed = parseLetter("sample", letterIn("it"), [], context);
    expect(issuesOf(parsed.localeErrors.get("it"))).toEqual([
      `${folder()}/messages/it.json: signatories.heading: no shipped font has a glyph for U+13E3 CHEROKEE LETTER TSA "Ꮳ" at character 10, U+13B3 CHEROKEE LETTER LA "Ꮃ" at character 11; expected words the shipped fonts draw (replace or remove them)`,
      `${folder()}/messages/it.json: translation.label: no shipped font has a glyph for U+0F40 TIBETAN LETTER KA "ཀ" at character 11; expected words the shipped fonts draw (replace or remove them)`,
    ]);
  });

  it("checks only the languages asked (a render of one language reads no other's fonts) and passes a language the fonts print", () => {
    const parsed = parseLetter("sample", letterIn("chr", "de"), [], { ...context, coverageLocales: new Set(["de"]) });
    expect(parsed.localeErrors.size).toBe(0);
    expect([...parsed.letter.translations.keys()].sort()).toEqual(["chr", "de", "en", "fr"]);
  });
});
