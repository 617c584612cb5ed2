import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { DataIssue } from "../../functions/core/errors";
import { type LetterContext, templateOffersOf } from "../../functions/core/letter/letter-context";
import { type LetterFile, parseLetter } from "../../functions/core/letter/parse-letter";
import { sourceFingerprint } from "../../functions/core/letter/source-fingerprint";
import { fontFaceHashes } from "../../functions/core/style/font-faces";
import { TemplateLibrary } from "../../functions/core/template/template-library";
import { fontCoverage } from "../../functions/fonts/coverage";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { loadTemplateSets } from "../../functions/templates/load-template-set";
import { FIXTURES_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * A character only one template's own face draws: U+EA60, a private-use glyph of the codicon icon
 * face that ships with playwright-core (no registry face has it). A template "icons" declares that
 * face; un-security-council does not. Validation counted every loaded template's faces, so a letter
 * of un-security-council with U+EA60 passed and then failed at render: it is refused when checked,
 * naming the field, and passes for the template whose face draws it.
 */
const SAMPLE = join(FIXTURES_DIR, "letters/sample");
const ICON = "\uEA60";

/** The codicon face of playwright-core (its file name carries a build hash). */
function codiconFile(): string {
  const assets = join(dirname(require.resolve("playwright-core/package.json")), "lib/vite/recorder/assets");
  const name = readdirSync(assets).find((file) => /^codicon.*\.ttf$/.test(file));
  if (!name) throw new Error(`no codicon*.ttf in ${assets}`);
  return join(assets, name);
}

let dir: string;
let context: LetterContext;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "letterpress-template-font-coverage-"));
  cpSync(TEMPLATES_DIR, dir, { recursive: true });
  const icons = join(dir, "icons");
  cpSync(join(dir, "un-security-council"), icons, { recursive: true });
  mkdirSync(join(icons, "fonts"));
  cpSync(codiconFile(), join(icons, "fonts/Codicon.ttf"));
  appendFileSync(join(icons, "print.css"), '\n@font-face { font-family: "Icons"; src: url("fonts/Codicon.ttf"); }\nbody { font-family: "Icons", var(--font-body); }\n');
  context = { templates: templateOffersOf(new TemplateLibrary(await loadTemplateSets(dir))), coverage: fontCoverage(loadFontLibrary()) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, any>;

/** The sample letter for `template` (none: the default, un-security-council), with U+EA60 in its English title. */
function letterFor(template: string | undefined): LetterFile[] {
  const read = (name: string) => JSON.parse(readFileSync(join(SAMPLE, name), "utf8")) as Json;
  const facts = read("letter.json");
  const english = { ...read("en.json"), title: `A sample letter ${ICON}` };
  const french = read("fr.json");
  french.translationOf.sourceSha256 = sourceFingerprint(english);
  const files = { "letter.json": template ? { ...facts, template } : facts, "en.json": english, "fr.json": french };
  return Object.entries(files).map(([name, value]) => ({ name, bytes: new TextEncoder().encode(JSON.stringify(value)) }));
}

const refusalOf = (files: LetterFile[]): string[] => {
  try {
    parseLetter("sample", files, [], context);
    return [];
  } catch (error) {
    return ((error as { issues?: DataIssue[] }).issues ?? [{ file: "", path: "", message: (error as Error).message }]).map(
      (issue) => `${issue.file}: ${issue.path}: ${issue.message}`,
    );
  }
};

describe("a letter's text is checked against its own template's faces and the registry's, not another template's", () => {
  it("refuses a character only another template's face draws, naming the field", () => {
    expect(refusalOf(letterFor(undefined))).toEqual([
      "sample/en.json: title: no shipped font has a glyph for U+EA60 <private-use-EA60> at character 16; expected text the shipped fonts draw (replace or remove it)",
    ]);
  });

  it("accepts it in a letter of the template whose face draws it, and still refuses it for the other after", () => {
    expect(refusalOf(letterFor("icons"))).toEqual([]);
    // The answer for one template is not kept for another: the same process, the other template, refused again.
    expect(refusalOf(letterFor("un-security-council"))).toHaveLength(1);
  });

  it("the coverage counts the faces it is given by content hash, and no other loaded face", () => {
    const coverage = context.coverage!;
    const iconsFaces = context.templates!.get("icons")!.fontFaces!();
    expect(iconsFaces).toHaveLength(1);
    expect(context.templates!.get("un-security-council")!.fontFaces!()).toEqual([]);
    expect(coverage.uncovered(ICON, iconsFaces)).toEqual([]);
    expect(coverage.uncovered(ICON).map((character) => character.codePoint)).toEqual([0xea60]);
    // The hashes as the loader wrote them into the sheet, each once.
    expect(fontFaceHashes(`@font-face { font-family: "A"; src: url("fonts/a.ttf#letterpress-sha256=ab12"); }\np { color: red }`)).toEqual(["ab12"]);
    expect(fontFaceHashes('@font-face { font-family: "A"; src: url("fonts/a.ttf"); }')).toEqual([]);
  });
});
