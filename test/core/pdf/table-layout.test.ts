import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type LocaleId, localeInfo } from "../../../functions/core/locales";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { loadTemplateAssets } from "../../../functions/templates/template-assets";
import { IMAGE_TEMPLATE_DIR } from "../../fixtures/images/fixture-template";
import { filledRects, findWord, options, run, stylesheetsFor, toFile, wordBoxes } from "./pdf-inspect";

/**
 * Tables in the PDF, read back with poppler (pdftotext -bbox-layout: where each word is), qpdf (the
 * structure elements' attributes) and pdf.js (the structure tree and the text of each element).
 */

const MM = 72 / 25.4;
/** The page area of the test sheet: A4 with 20 mm margins. */
// The page area on whole CSS pixels, as Chromium prints it: 643 px wide, 20 mm margins start it 76 px
// from the left, or from the right in a right-to-left letter.
const LEFT = 76 * 0.75;
const RIGHT = (76 + 643) * 0.75;
const RIGHT_TO_LEFT_END = 595.28 - 76 * 0.75;
const BASE = `@page { size: A4; margin: 20mm; } body { margin: 0; font-family: "Noto Serif", serif; font-size: 10pt; line-height: 1.4; } p { margin: 0 0 6pt; }`;

async function render(body: string, css: string, locale: LocaleId = "en"): Promise<string> {
  const { tag, dir } = localeInfo(locale);
  const html = `<article class="letter" lang="${tag}" dir="${dir}">${body}</article>`;
  return toFile(await renderPdf(html, options(locale, { stylesheets: stylesheetsFor(locale, "A4", `${BASE}\n${css}`) })));
}

interface StructElement {
  role?: string;
  text?: string;
  children?: StructElement[];
}

/** The structure tree of each page, each element with its role and its marked content's text (pdf.js). */
function structure(path: string): StructElement[] {
  return JSON.parse(run(process.execPath, [join(__dirname, "table-structure.mjs"), path])) as StructElement[];
}

function elements(tree: StructElement, role: string): StructElement[] {
  const out: StructElement[] = [];
  const walk = (node: StructElement) => {
    if (node.role === role) out.push(node);
    for (const child of node.children ?? []) walk(child);
  };
  walk(tree);
  return out;
}

function textOf(node: StructElement): string {
  return (node.text ?? "") + (node.children ?? []).map(textOf).join("");
}

const cells = (row: readonly string[], tag = "td") => `<tr>${row.map((c) => `<${tag}>${c}</${tag}>`).join("")}</tr>`;

describe("column widths", () => {
  it("sizes an auto-width table to its content: separated borders, spacing and padding between the columns' text", async () => {
    const css = "table { border-spacing: 4pt; } td { border: 1pt solid #000; padding: 5pt; }";
    const all = wordBoxes(await render(`<table>${cells(["Alpha", "Beta"])}${cells(["Gamma", "Delta"])}</table>`, css));
    const alpha = findWord(all, "Alpha");
    const gamma = findWord(all, "Gamma");
    const beta = findWord(all, "Beta");
    // The first column is as wide as its widest word: the second column starts after it, its
    // padding and border, the spacing, and the next cell's border and padding.
    const firstColumnText = Math.max(alpha.xMax, gamma.xMax);
    // (A 1pt border is 1.33px, snapped to 1px: 0.75pt.)
    expect(beta.xMin - firstColumnText).toBeCloseTo(5 + 0.75 + 4 + 0.75 + 5, 0);
    // The table starts at the page area's left: border-spacing, border, padding.
    expect(alpha.xMin - LEFT).toBeCloseTo(4 + 0.75 + 5, 0);
    // Row two is below row one by a line, both paddings, both borders and the spacing.
    expect(gamma.yMin - alpha.yMin).toBeCloseTo(14 + 5 + 5 + 0.75 + 0.75 + 4, 0);
  });

  it("spaces cells by border-spacing in whole CSS pixels, cut down, as Chromium keeps it (4pt: 5px, 3.75pt; 2pt: 2px, 1.5pt)", async () => {
    const css = "table { border-spacing: 4pt 2pt; } td { padding: 0; }";
    const all = wordBoxes(await render(`<table>${cells(["Alpha", "Beta"])}${cells(["Gamma", "Delta"])}</table>`, css));
    const firstColumnText = Math.max(findWord(all, "Alpha").xMax, findWord(all, "Gamma").xMax);
    expect(findWord(all, "Beta").xMin - firstColumnText).toBeCloseTo(3.75, 1);
    expect(findWord(all, "Alpha").xMin - LEFT).toBeCloseTo(3.75, 1);
    expect(findWord(all, "Gamma").yMin - findWord(all, "Alpha").yMin).toBeCloseTo(14 + 1.5, 1);
  });

  it("shares collapsed borders between cells: one border's width between the columns' padding", async () => {
    const css = "table { border-collapse: collapse; } td { border: 2pt solid #000; padding: 5pt; }";
    const all = wordBoxes(await render(`<table>${cells(["Alpha", "Beta"])}${cells(["Gamma", "Delta"])}</table>`, css));
    const beta = findWord(all, "Beta");
    // (A 2pt border is 2.67px, snapped to 2px: 1.5pt.)
    expect(beta.xMin - Math.max(findWord(all, "Alpha").xMax, findWord(all, "Gamma").xMax)).toBeCloseTo(5 + 1.5 + 5, 0);
    // Half the outer border is inside the table's left edge, the other half too: the whole border lies in the table.
    expect(findWord(all, "Alpha").xMin - LEFT).toBeCloseTo(1.5 + 5, 0);
    expect(findWord(all, "Gamma").yMin - findWord(all, "Alpha").yMin).toBeCloseTo(14 + 5 + 1.5 + 5, 0);
  });

  it("shares a wider table's extra width among its columns in proportion to their max-content widths", async () => {
    const css = "table { width: 100%; border-spacing: 0; } td { padding: 0; }";
    const all = wordBoxes(await render(`<table>${cells(["Alpha", "Beta Gamma Delta"])}</table>`, css));
    const alpha = findWord(all, "Alpha");
    const second = findWord(all, "Delta").xMax - findWord(all, "Beta").xMin;
    const first = alpha.xMax - alpha.xMin;
    expect(findWord(all, "Beta").xMin - LEFT).toBeCloseTo(((RIGHT - LEFT) * first) / (first + second), 0);
  });

  it("wraps columns between their min- and max-content widths when the page is too narrow for every max-content width", async () => {
    const long = "This cell holds a sentence long enough that it cannot stand on one line of the page, so it wraps inside its column.";
    const css = "table { border-spacing: 0; } td { padding: 0 6pt 0 0; vertical-align: top; }";
    const all = wordBoxes(await render(`<table>${cells(["Label", long])}<tr><td>Unbreakableidentifierofthisrow</td><td>x</td></tr></table>`, css));
    const first = findWord(all, "This");
    const last = findWord(all, "column.");
    // The first column is at least as wide as its longest word, which does not break.
    expect(first.xMin - findWord(all, "Unbreakableidentifierofthisrow").xMax).toBeGreaterThanOrEqual(6 - 0.1);
    // The long text wraps over several lines, and the table fits the page area.
    expect(last.yMin).toBeGreaterThan(first.yMin + 10);
    expect(Math.max(...all.map((w) => w.xMax))).toBeLessThanOrEqual(RIGHT - 6 + 0.5);
  });

  it("takes fixed column widths from the columns and the first row (table-layout: fixed)", async () => {
    const css = "table { table-layout: fixed; width: 300pt; border-spacing: 0; } td { padding: 0; } col.narrow { width: 80pt; }";
    const html = `<table><colgroup><col class="narrow"><col></colgroup>${cells(["A", "B"])}${cells(["A much longer first cell", "C"])}</table>`;
    const all = wordBoxes(await render(html, css));
    expect(findWord(all, "B").xMin - LEFT).toBeCloseTo(80, 0);
    // The first column stays 80pt even though its second row's text is wider: that text wraps.
    expect(findWord(all, "C").xMin - LEFT).toBeCloseTo(80, 0);
    expect(findWord(all, "cell").yMin).toBeGreaterThan(findWord(all, "much").yMin);
  });

  it("reads a cell's width, and lays a right-to-left table's first column at the right", async () => {
    const css = "table { border-spacing: 0; } td { padding: 0; } td.wide { width: 150pt; }";
    const ltr = wordBoxes(await render(`<table><tr><td class="wide">one</td><td>two</td></tr></table>`, css));
    expect(findWord(ltr, "two").xMin - LEFT).toBeCloseTo(150, 0);
    const rtl = wordBoxes(await render(`<table><tr><td class="wide">واحد</td><td>اثنان</td></tr></table>`, css, "ar"));
    // poppler writes Arabic words in visual order.
    const word = (text: string) => rtl.find((w) => w.text === text || w.text === [...text].reverse().join(""))!;
    const first = word("واحد");
    const second = word("اثنان");
    expect(first.xMin).toBeGreaterThan(second.xMax);
    // The first (widest) column ends at the page area's right edge, the second starts 150pt to its left.
    expect(first.xMax).toBeCloseTo(RIGHT_TO_LEFT_END, 0);
    expect(RIGHT_TO_LEFT_END - second.xMax).toBeCloseTo(150, 0);
  });
});

describe("alignment in cells", () => {
  const tall = "one<br>two<br>three<br>four<br>five";
  it("aligns a cell's content to the row's middle, bottom or top (vertical-align)", async () => {
    const css = "table { border-spacing: 0; } td { padding: 0; } .m { vertical-align: middle; } .b { vertical-align: bottom; } .t { vertical-align: top; }";
    const all = wordBoxes(await render(`<table><tr><td>${tall}</td><td class="m">middle</td><td class="b">bottom</td><td class="t">top</td></tr></table>`, css));
    expect(findWord(all, "middle").yMin).toBeCloseTo(findWord(all, "three").yMin, 0);
    expect(findWord(all, "bottom").yMin).toBeCloseTo(findWord(all, "five").yMin, 0);
    expect(findWord(all, "top").yMin).toBeCloseTo(findWord(all, "one").yMin, 0);
  });

  it("aligns first lines on a common baseline (vertical-align: baseline), whatever the padding", async () => {
    const css = "table { border-spacing: 0; } td { padding: 0; vertical-align: baseline; } td.padded { padding-top: 20pt; }";
    const all = wordBoxes(await render(`<table><tr><td class="padded">${tall}</td><td>beside</td></tr></table>`, css));
    expect(findWord(all, "beside").yMin).toBeCloseTo(findWord(all, "one").yMin, 0);
    expect(findWord(all, "one").yMin - LEFT).toBeCloseTo(20 + (14 - 10 * 1.07) / 2, -1);
  });

  it("aligns text in a cell by text-align, th centred by the user-agent stylesheet", async () => {
    const css = "table { width: 200pt; border-spacing: 0; } td, th { padding: 0; } td.r { text-align: right; }";
    const all = wordBoxes(await render(`<table><tr><th>Head</th></tr><tr><td class="r">right</td></tr><tr><td>wide wide wide wide wide wide</td></tr></table>`, css));
    expect(findWord(all, "right").xMax).toBeCloseTo(LEFT + 200, 0);
    const head = findWord(all, "Head");
    expect((head.xMin + head.xMax) / 2).toBeCloseTo(LEFT + 100, 0);
  });
});

describe("backgrounds", () => {
  it("paints a column's, a row's and a cell's background behind the cells they cover", async () => {
    const css =
      "table { border-spacing: 0; } td { padding: 6pt; } col.shade { background-color: #ff0000; } tr.shade { background-color: #00ff00; } td.shade { background-color: #0000ff; }";
    const path = await render(`<table><col><col class="shade"><tr><td>alpha</td><td>beta</td></tr><tr class="shade"><td>gamma</td><td class="shade">delta</td></tr></table>`, css);
    const qdf = `${path}.qdf`;
    run("qpdf", ["--qdf", "--object-streams=disable", path, qdf]);
    const content = readFileSync(qdf, "latin1");
    const fills = (rgb: string) => filledRects(content).filter((rect) => rect.rgb === rgb);
    const all = wordBoxes(path);
    // The column's red behind both of its cells, from the second column's left edge.
    const red = fills("1 0 0");
    expect(red).toHaveLength(2);
    for (const fill of red) expect(fill.x).toBeCloseTo(findWord(all, "beta").xMin - 6, 0);
    // The row's green behind both of its cells, the cell's blue over the row's in the second.
    expect(fills("0 1 0")).toHaveLength(2);
    expect(fills("0 0 1").map(({ x, width }) => ({ x, width }))).toEqual([{ x: red[0]!.x, width: red[0]!.width }]);
  });
});

describe("structure", () => {
  let path: string;
  beforeAll(async () => {
    const html = [
      "<table><caption>Who signed</caption>",
      `<thead>${cells(["Organization", "Country"], "th")}</thead>`,
      "<tbody><tr><th>Alpha Trust</th><td>Kenya</td></tr><tr><th scope='row'>Beta Forum</th><td>Peru</td></tr></tbody>",
      "</table>",
    ].join("");
    path = await render(html, "th, td { border: 1pt solid #000; }");
  });

  it("tags the table as Table, Caption, THead, TBody, TR, TH and TD, each with its own text", () => {
    const [page] = structure(path);
    const [table] = elements(page!, "Table");
    expect(table!.children!.map((c) => c.role)).toEqual(["Caption", "THead", "TBody"]);
    expect(textOf(elements(table!, "Caption")[0]!)).toBe("Who signed");
    const rows = elements(table!, "TR").map((row) => row.children!.map((cell) => `${cell.role}:${textOf(cell).trim()}`));
    expect(rows).toEqual([
      ["TH:Organization", "TH:Country"],
      ["TH:Alpha Trust", "TD:Kenya"],
      ["TH:Beta Forum", "TD:Peru"],
    ]);
  });

  it("gives every header cell its /Scope: Column in the header, Row for a row's first cell (and as scope says)", () => {
    type Dictionary = { "/S"?: string; "/A"?: Record<string, string> };
    const json = JSON.parse(run("qpdf", ["--json", "--json-key=qpdf", path])) as { qpdf: [unknown, Record<string, { value?: Dictionary }>] };
    const headers = Object.values(json.qpdf[1])
      .map((o) => o.value)
      .filter((value): value is Dictionary => typeof value === "object" && value !== null && value["/S"] === "/TH");
    expect(headers.map((h) => h["/A"])).toEqual([
      { "/O": "/Table", "/Scope": "/Column" },
      { "/O": "/Table", "/Scope": "/Column" },
      { "/O": "/Table", "/Scope": "/Row" },
      { "/O": "/Table", "/Scope": "/Row" },
    ]);
  });
});

describe("signatories set as a table with a signature image each", () => {
  it("sizes the image column by the images, puts each image beside its name, and tags it a Figure inside its TD", async () => {
    const names = ["fidh", "freedom-house", "hrnk"];
    const rows = names.map((id) => `<tr><td><img src="assets/signatures/${id}.svg" alt="Signature for ${id}"></td><th>Name ${id}</th></tr>`).join("");
    const css = "table { border-collapse: collapse; } td, th { padding: 4pt; border-bottom: 0.5pt solid #999; text-align: start; } img { height: 12mm; width: auto; }";
    const { tag, dir } = localeInfo("en");
    const html = `<article class="letter" lang="${tag}" dir="${dir}"><table>${rows}</table></article>`;
    const path = toFile(await renderPdf(html, options("en", { stylesheets: stylesheetsFor("en", "A4", `${BASE}\n${css}`), images: await loadTemplateAssets(IMAGE_TEMPLATE_DIR) })));
    const all = wordBoxes(path);
    // Each name stands in the second column, to the right of the widest image, on its own row.
    const tops = names.map((id) => findWord(all, id).yMin);
    expect(new Set(names.map((id) => findWord(all, "Name", names.indexOf(id)).xMin.toFixed(1))).size).toBe(1);
    expect(tops[1]! - tops[0]!).toBeGreaterThan(12 * MM);
    // The image column is as wide as an image (12 mm tall, 3:1: 36 mm) and its padding on both sides.
    expect(findWord(all, "Name").xMin - LEFT).toBeCloseTo(4 + 36 * MM + 4 + 4, 0);
    const cellsOf = structure(path).flatMap((tree) => (tree ? elements(tree, "TD") : []));
    expect(cellsOf.map((cell) => cell.children?.map((child) => child.role))).toEqual(names.map(() => ["Figure"]));
  });
});

describe("an empty cell", () => {
  it("keeps its TD in the structure, so the row has as many cells as the table has columns", async () => {
    const path = await render(`<table>${cells(["alpha", "", "gamma"])}</table>`, "td { padding: 2pt; }");
    const json = JSON.parse(run("qpdf", ["--json", "--json-key=qpdf", path])) as { qpdf: [unknown, Record<string, { value?: { "/S"?: string } }>] };
    const types = Object.values(json.qpdf[1]).map((o) => o.value?.["/S"]);
    expect(types.filter((type) => type === "/TD")).toHaveLength(3);
    expect(types.filter((type) => type === "/TR")).toHaveLength(1);
    expect(run("qpdf", ["--check", path])).toContain("No syntax or stream encoding errors");
  });
});

describe("tables across pages", () => {
  const rows = Array.from({ length: 70 }, (_, i) => cells([`Organization number ${i + 1}`, `Country ${i + 1}`])).join("");
  const css = "table { border-collapse: collapse; width: 100%; } th, td { border: 0.75pt solid #444; padding: 3pt 5pt; }";

  it("repeats the header at the top of every page, as an artifact after the first", async () => {
    const path = await render(`<p>Before the table.</p><table><thead>${cells(["Name", "Where"], "th")}</thead><tbody>${rows}</tbody></table><p>After the table.</p>`, css);
    const all = wordBoxes(path);
    const pages = Math.max(...all.map((w) => w.page));
    expect(pages).toBeGreaterThanOrEqual(2);
    for (let page = 2; page <= pages; page++) {
      const top = all.filter((w) => w.page === page).sort((a, b) => a.yMin - b.yMin)[0]!;
      expect(top.text).toBe("Name");
      expect(top.yMin).toBeLessThan(20 * MM + 10);
    }
    // Every row once, in order, none cut between pages: a row's two words share a page.
    const besides = (word: string, text: string) =>
      all.filter((w) => w.text === text && all.some((o) => o.text === word && o.page === w.page && Math.abs(o.yMin - w.yMin) < 1 && w.xMin > o.xMax && w.xMin - o.xMax < 10));
    for (let i = 1; i <= 70; i++) {
      const [name, ...more] = besides("number", `${i}`);
      const country = besides("Country", `${i}`);
      expect(more).toEqual([]);
      expect(country).toHaveLength(1);
      expect(country[0]!.page).toBe(name!.page);
    }
    // The header is in the structure once: its copies on later pages are page artifacts.
    const trees = structure(path);
    const headerText = trees.flatMap((tree) => (tree ? elements(tree, "TH") : [])).map((cell) => textOf(cell).trim());
    expect(headerText.filter((text) => text !== "")).toEqual(["Name", "Where"]);
  });

  it("moves a row that does not fit to the next page whole, and splits only a row taller than a page", async () => {
    const tall = Array.from({ length: 90 }, (_, i) => `Line ${i + 1} of the tall cell.`).join("<br>");
    const html = `<table><thead>${cells(["Name", "Text"], "th")}</thead><tbody>${cells(["short", "before"])}<tr><td>tall</td><td>${tall}</td></tr>${cells(["short", "after"])}</tbody></table>`;
    const all = wordBoxes(await render(html, css));
    const lines = Array.from(
      { length: 90 },
      (_, i) => all.find((w) => w.text === `${i + 1}` && all.some((o) => o.text === "Line" && o.page === w.page && Math.abs(o.yMin - w.yMin) < 1 && w.xMin > o.xMax))!,
    );
    // All 90 lines are there, in order, over two pages at least; the row starts on page 1 after "before".
    expect(lines.every(Boolean)).toBe(true);
    expect(lines[0]!.page).toBe(1);
    expect(lines[89]!.page).toBeGreaterThan(1);
    for (let i = 1; i < 90; i++) {
      const [a, b] = [lines[i - 1]!, lines[i]!];
      expect(b.page > a.page || (b.page === a.page && b.yMin > a.yMin)).toBe(true);
    }
    // The header repeats above the rest of the split row.
    const secondPageTop = all.filter((w) => w.page === 2).sort((a, b) => a.yMin - b.yMin)[0]!;
    expect(secondPageTop.text).toBe("Name");
    expect(findWord(all, "after").page).toBe(lines[89]!.page);
  });

  it("repeats a header only when it takes at most a quarter of the page area, as Chromium does", async () => {
    // The page area is 728.5 pt (A4, 20 mm margins): a quarter is 182.1 pt. The header row is its
    // line (14 pt), its padding and borders; padding-bottom makes it 170 or 195 pt tall.
    const pagesWithHeader = async (padding: number) => {
      const all = wordBoxes(await render(`<table><thead>${cells(["Name", "Where"], "th")}</thead><tbody>${rows}</tbody></table>`, `${css} th { padding-bottom: ${padding}pt; }`));
      expect(Math.max(...all.map((w) => w.page))).toBeGreaterThanOrEqual(2);
      return [...new Set(all.filter((w) => w.text === "Name").map((w) => w.page))];
    };
    const lower = await pagesWithHeader(170 - 14 - 3 - 1.5);
    const higher = await pagesWithHeader(195 - 14 - 3 - 1.5);
    expect({ lower: lower.length > 1, higher }).toEqual({ lower: true, higher: [1] });
  });

  it("keeps a table that may not break whole on the next page, when it fits one (break-inside: avoid)", async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => cells([`Member ${i + 1}`, "x"])).join("");
    const room = 841.89 - 40 * MM - 200;
    const all = wordBoxes(await render(`<p>x</p><table class="whole">${twenty}</table>`, `${css} p { margin: 0 0 ${room}pt; } table.whole { break-inside: avoid; }`));
    expect(findWord(all, "Member").page).toBe(2);
    expect(findWord(all, "20").page).toBe(2);
  });

  it("repeats the footer at the foot of every page, tagged once", async () => {
    const path = await render(`<table><thead>${cells(["Name", "Where"], "th")}</thead><tfoot>${cells(["Totals", "all"])}</tfoot><tbody>${rows}</tbody></table>`, css);
    const all = wordBoxes(path);
    const pages = Math.max(...all.map((w) => w.page));
    for (let page = 1; page <= pages; page++) {
      const here = all.filter((w) => w.page === page).sort((a, b) => a.yMin - b.yMin);
      expect(here[here.length - 2]!.text).toBe("Totals");
    }
    const cellsText = structure(path)
      .flatMap((tree) => (tree ? elements(tree, "TFoot") : []))
      .map((footer) => textOf(footer).replace(/\s/g, ""));
    expect(cellsText.filter((text) => text !== "")).toEqual(["Totalsall"]);
  });

  it("keeps a heading with the table's header and first row (break-after: avoid)", async () => {
    // The spacer leaves room for the heading but not for the table's header and first row.
    const spacer = "<p>x</p>";
    const room = 841.89 - 40 * MM - 14 - 14 - 10;
    const all = wordBoxes(
      await render(
        `${spacer}<h2>Signatories</h2><table><thead>${cells(["Name", "Where"], "th")}</thead><tbody>${rows}</tbody></table>`,
        `${css} p { margin: 0 0 ${room}pt; } h2 { margin: 0; font-size: 10pt; line-height: 1.4; }`,
      ),
    );
    expect(findWord(all, "Signatories").page).toBe(2);
    expect(findWord(all, "Name").page).toBe(2);
  });
});

describe("refused table markup and values, each named", () => {
  const fails = async (body: string, css: string) =>
    render(body, css).then(
      () => "",
      (error: Error) => error.message,
    );

  it("refuses a cell that the stylesheet takes out of its row", async () => {
    expect(await fails(`<table>${cells(["a", "b"])}</table>`, "td { display: block; }")).toMatch(/<td> has display: block in a row; the PDF expects cells \(display: table-cell\)/);
  });

  it("refuses a row part outside a table", async () => {
    expect(await fails("<div class='row'>x</div>", ".row { display: table-row; }")).toMatch(/<div class="row"> has display: table-row outside a table/);
  });

  it("refuses a colspan that is not a whole number within HTML's limits, naming the attribute and its value", async () => {
    expect(await fails(`<table><tr><td colspan="0">a</td></tr></table>`, "")).toMatch(/<td> has colspan="0": expected a whole number from 1 to 1000/);
  });

  it("refuses a negative border-spacing and an unknown vertical-align, naming the stylesheet, selector and property", async () => {
    expect(await fails(`<table>${cells(["a"])}</table>`, "table { border-spacing: -2pt; }")).toMatch(
      // The range check merged from main (value-ranges) answers first: still the stylesheet, line, selector, property and value.
      /templates\/print\.css line \d+, selector table, property border-spacing: -2pt is outside the range a letter can have/,
    );
    expect(await fails(`<table>${cells(["a"])}</table>`, "td { vertical-align: sideways; }")).toMatch(
      /selector td, property vertical-align: not an accepted value; expected baseline \| top \| middle \| bottom/,
    );
    // super, sub, lengths and percentages are values of inline text; on a cell they act as baseline (CSS 2.1 17.5.3), as in browsers.
    expect(await fails(`<table>${cells(["a"])}</table>`, "td { vertical-align: super; }")).toBe("");
  });

  it("refuses a border on a column group, which the PDF does not draw", async () => {
    expect(await fails(`<table><colgroup class="g"><col></colgroup>${cells(["a"])}</table>`, "table { border-collapse: collapse; } .g { border: 1pt solid #000; }")).toMatch(
      /<colgroup class="g"> has a border; the PDF draws the borders of cells, rows, row groups, columns and the table, not of column groups/,
    );
  });

  it("refuses vertical-align on an inline element, which the PDF sets on its paragraph's baseline", async () => {
    expect(await fails("<p>a <span class='up'>b</span></p>", ".up { vertical-align: top; }")).toMatch(/<span class="up"> sets vertical-align apart from its paragraph/);
  });

  it("refuses a height on a row or a cell (a row is as tall as its content)", async () => {
    expect(await fails(`<table><tr class="tall"><td>a</td></tr></table>`, ".tall { height: 40pt; }")).toMatch(/<tr class="tall"> has a height/);
    expect(await fails(`<table><tr><td class="tall">a</td></tr></table>`, ".tall { height: 40pt; }")).toMatch(/<td class="tall"> has a height/);
  });

  it("refuses a bad scope", async () => {
    expect(await fails(`<table><tr><th scope="column">a</th></tr></table>`, "")).toMatch(/<th> has scope="column"; expected col, colgroup, row or rowgroup/);
  });
});
