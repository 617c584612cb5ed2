import { appendFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStylesheets, StyleError } from "../../../functions/core/style";
import type { LocaleId } from "../../../functions/core/locales";
import { renderDocument } from "../../../functions/core/render-document";
import { createRenderer } from "../../../functions/render/create-renderer";
import { loadSeedLetter, SEED_LETTER, SEED_TEMPLATE, TEMPLATES_DIR } from "../../support/letters";

/**
 * Values of the right kind but beyond what a letter can have (issue 15 item 9): `font-size: 1e9pt`
 * passed the stylesheet check, the HTML edition was stored and the PDF alone failed at layout. Now
 * the check refuses them, naming the sheet, line, selector, property and the range allowed, so
 * neither edition is made.
 */
function problemsOf(css: string): readonly string[] {
  try {
    parseStylesheets([{ name: "mine/print.css", text: css, origin: "author" }], { wholeDocument: true });
  } catch (error) {
    if (!(error instanceof StyleError)) throw error;
    return error.problems;
  }
  return [];
}

describe("absurd lengths are refused when the stylesheet is checked", () => {
  it.each([
    ["h1 {\n  font-size: 1e9pt;\n}", /^mine\/print\.css line 2, selector h1, property font-size: 1000000000pt is outside the range a letter can have: 1pt to 144pt, /],
    ["h1 { font-size: 0.2pt }", /font-size: 0\.2pt is outside .*1pt to 144pt/],
    ["h1 { font-size: 40em }", /font-size: 40em is outside .*0\.1em to 12em/],
    ["h1 { font-size: 5000% }", /font-size: 5000% is outside .*10% to 1200%/],
    ["p { line-height: 1e9 }", /property line-height: 1000000000 is outside .*0\.5 to 5/],
    ["p { line-height: 1e4pt }", /property line-height: 10000pt is outside .*1pt to 288pt/],
    ["p { letter-spacing: 99em }", /property letter-spacing: 99em is outside .*-0\.5em to 2em/],
    ["p { margin: 0 0 1e9mm }", /property margin: 1000000000mm is outside .*-14400pt to 14400pt \(here 2834650000pt\)/],
    ["p { padding-inline-start: 3e5px }", /property padding-inline-start: 300000px is outside .*14400pt \(here 225000pt\)/],
    ["table { width: 1e7pt }", /property width: 10000000pt is outside/],
    ["p { text-indent: -1e6pt }", /property text-indent: -1000000pt is outside/],
    ["p { border-bottom: 200pt solid red }", /property border-bottom: 200pt is outside .*0pt to 72pt/],
    ["@page { margin: 1e9pt }", /selector @page, property margin: 1000000000pt is outside/],
    [":root { --big: 1e9pt }\nh1 { font-size: var(--big) }", /line 2, selector h1, property font-size: 1000000000pt is outside .*\(through --big is 1e9pt/],
  ])("%s", (css, expected) => {
    expect(problemsOf(css)).toEqual([expect.stringMatching(expected)]);
  });

  it("every value within range stands, at both ends", () => {
    expect(
      problemsOf(
        "h1 { font-size: 144pt; line-height: 5; letter-spacing: -0.5em }\np { font-size: 1pt; line-height: 50%; margin: -14400pt 0 2in; width: 100%; border: 72pt solid red; text-indent: 2em }",
      ),
    ).toEqual([]);
  });

  it("the shipped stylesheets are within range", async () => {
    await expect(createRenderer({ templatesDir: TEMPLATES_DIR, paper: "Letter" })).resolves.toHaveProperty("templates");
  });
});

describe("neither edition is made when one would fail", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "lp-ranges-"));
    cpSync(TEMPLATES_DIR, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("a template with font-size: 1e9pt is refused before any document, for the HTML edition too", async () => {
    appendFileSync(join(dir, SEED_TEMPLATE, "print.css"), "\n.summary { font-size: 1e9pt }\n");
    await expect(createRenderer({ templatesDir: dir, paper: "A4" })).rejects.toThrow(
      /print\.css line \d+, selector \.summary, property font-size: 1000000000pt is outside the range/,
    );
  });

  // Each declaration in range, but em compounding through nesting: 12em of the initial 12pt is the
  // range's top (144pt), and anything larger than 1em inside it is beyond (the seed's .sender at 1.1em: 158.4pt). Before, the HTML edition was made of it
  // and the PDF failed at layout; now the computed size is held to the same range, for both editions.
  it.each(["html", "pdf"] as const)("a font size compounded through nesting beyond the range is refused for the %s edition, naming the declaration", async (format) => {
    appendFileSync(join(dir, SEED_TEMPLATE, "print.css"), "\nbody { font-size: 12em }\np { font-size: 12em }\n");
    const renderer = await createRenderer({ templatesDir: dir, paper: "A4" });
    const parsed = await loadSeedLetter();
    await expect(renderDocument(renderer, parsed, { letterId: SEED_LETTER, locale: "en" as LocaleId, format, recipientId: null })).rejects.toThrow(
      /print\.css line \d+, selector [^,]+, property font-size: computes to (1[5-9]\d|[2-9]\d\d|\d{4,})(\.\d+)?pt here, through the font sizes it is relative to; expected a computed font size from 1pt to 144pt/,
    );
  });
});
