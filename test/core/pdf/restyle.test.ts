import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { findWord, fixture, options, pdfInfo, run, stylesheetsFor, toFile, type WordBox, wordBoxes } from "./pdf-inspect";

/**
 * The stylesheet drives the PDF: a restyled print.css gives a PDF whose text boxes (poppler's
 * pdftotext -bbox-layout), page geometry and colors follow it.
 */

const PRINT_CSS = readFileSync(join(__dirname, "../../../templates/un-security-council/print.css"), "utf8");
const MM = 72 / 25.4;

/** Uncompressed content streams, to read the fill colors the text is drawn in. */
function content(path: string): string {
  const out = `${path}.qdf`;
  run("qpdf", ["--qdf", "--object-streams=disable", path, out]);
  return readFileSync(out, "latin1");
}

async function renderWith(css: string, html = fixture("letter-en.html")): Promise<string> {
  return toFile(await renderPdf(html, options("en", { stylesheets: stylesheetsFor("en", "A4", css) })));
}

describe("editing print.css changes the PDF", () => {
  let plain: string;
  let restyled: string;
  beforeAll(async () => {
    plain = await renderWith(PRINT_CSS);
    restyled = await renderWith(`${PRINT_CSS}\nbody { font-size: 13pt; }\nh1 { color: #ff0000; }\n@page { margin: 30mm 40mm 35mm; }\n`);
  });

  it("sets the body text at 13pt instead of 10.5pt", () => {
    // A body word's box is as tall as its font's ascent plus descent: it scales with the size.
    const height = (path: string) => {
      const w = findWord(wordBoxes(path), "Excellencies,");
      return w.yMax - w.yMin;
    };
    expect(height(restyled) / height(plain)).toBeCloseTo(13 / 10.5, 1);
  });

  it("draws the h1 in red and nothing in red before", () => {
    expect(content(plain)).not.toContain("1 0 0 rg");
    expect(content(restyled)).toContain("1 0 0 rg");
  });

  it("puts the text inside the new page margins", () => {
    const before = wordBoxes(plain).filter((w) => w.page === 1);
    const after = wordBoxes(restyled).filter((w) => w.page === 1);
    expect(Math.min(...before.map((w) => w.xMin))).toBeCloseTo(22 * MM, 0);
    expect(Math.min(...after.map((w) => w.xMin))).toBeCloseTo(40 * MM, 0);
    const body = (list: WordBox[]) => list.filter((w) => w.yMax < 841.89 - 35 * MM);
    expect(Math.min(...body(after).map((w) => w.yMin))).toBeGreaterThanOrEqual(30 * MM - 1);
    expect(Math.max(...body(after).map((w) => w.xMax))).toBeLessThanOrEqual(595.28 - 40 * MM + 0.5);
    // Bigger type in a smaller page area takes more pages.
    expect(Number(pdfInfo(restyled).Pages)).toBeGreaterThan(Number(pdfInfo(plain).Pages));
  });
});

describe("the box model and fragmentation follow the stylesheet", () => {
  it("collapses adjoining vertical margins as browsers do: siblings' and a parent's with its first child's", async () => {
    const gap = async (css: string, html = '<article class="letter" lang="en" dir="ltr"><p>First</p><p class="far">Second</p></article>') => {
      const all = wordBoxes(await renderWith(`${PRINT_CSS}\n${css}`, html));
      return findWord(all, "Second").yMin - findWord(all, "First").yMax;
    };
    const collapsed = await gap("p { margin: 0 0 20pt; } .far { margin-top: 30pt; }");
    const small = await gap("p { margin: 0 0 20pt; } .far { margin-top: 5pt; }");
    const bordered = await gap("p { margin: 0 0 20pt; } .far { margin-top: 30pt; border-top: 1pt solid #000; }");
    // The larger of two adjoining margins, not their sum; a border inside the box adds only itself.
    expect(collapsed - small).toBeCloseTo(10, 0);
    expect(bordered - collapsed).toBeCloseTo(1, 0);
    const nested = '<article class="letter" lang="en" dir="ltr"><p>First</p><div class="box"><p class="inner">Second</p></div></article>';
    const through = await gap("p { margin: 0 0 20pt; } .box { margin-top: 30pt; } .inner { margin-top: 40pt; }", nested);
    const apart = await gap("p { margin: 0 0 20pt; } .box { margin-top: 30pt; padding-top: 1pt; } .inner { margin-top: 40pt; }", nested);
    // Parent and first child: one margin of 40pt; padding on the parent separates them: 30 + 1 + 40.
    expect(apart - through).toBeCloseTo(31, 0);
  });

  it("starts a new page at break-before: page", async () => {
    const all = wordBoxes(await renderWith(`${PRINT_CSS}\n.summary { break-before: page; }`));
    expect(findWord(all, "Joint").page).toBe(1);
    expect(all.find((w) => w.text === "co-signers")!.page).toBe(2);
  });

  it("indents the first line by text-indent and aligns by text-align", async () => {
    const html = '<article class="letter" lang="en" dir="ltr"><p class="a">Alpha beta</p><p class="b">Gamma</p></article>';
    const all = wordBoxes(await renderWith(`${PRINT_CSS}\n.a { text-indent: 36pt; } .b { text-align: center; }`, html));
    expect(findWord(all, "Alpha").xMin - 22 * MM).toBeCloseTo(36, 0);
    const gamma = findWord(all, "Gamma");
    expect((gamma.xMin + gamma.xMax) / 2).toBeCloseTo(595.28 / 2, 0);
  });

  it("spaces the letters by letter-spacing", async () => {
    const html = '<article class="letter" lang="en" dir="ltr"><p>Spaced</p></article>';
    const width = async (css: string) => {
      const w = findWord(wordBoxes(await renderWith(`${PRINT_CSS}\n${css}`, html)), "Spaced");
      return w.xMax - w.xMin;
    };
    // Six letters, 2pt after each; poppler's box ends at the last glyph's advance, spacing included or not.
    expect((await width("p { letter-spacing: 2pt; }")) - (await width(""))).toBeGreaterThanOrEqual(10 - 0.5);
    expect((await width("p { letter-spacing: 2pt; }")) - (await width(""))).toBeLessThanOrEqual(12 + 0.5);
  });

  it("refuses a stylesheet error with the stylesheet, line, selector and property", async () => {
    await expect(renderWith(`${PRINT_CSS}\n.summary {\n  text-shadow: 1px 1px red;\n}`)).rejects.toThrow(
      `templates/print.css line ${PRINT_CSS.split("\n").length + 2}, selector .summary, property text-shadow: not a property of the supported CSS (templates/CSS.md)`,
    );
  });
});
