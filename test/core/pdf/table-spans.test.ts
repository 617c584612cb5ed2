import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderHtml } from "../../../functions/core/html/render-html";
import { type LocaleId, localeInfo } from "../../../functions/core/locales";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { templateMarkupProblems } from "../../../functions/core/template/template-markup";
import { loadLetter } from "../../../functions/letters/load-letters";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { DATA_DIR, TEMPLATES_DIR } from "../../support/letters";
import { filledRects, findWord, options, run, stylesheetsFor, toFile, type WordBox, wordBoxes } from "./pdf-inspect";

/**
 * Cells spanning columns and rows (HTML's colspan and rowspan) in the PDF, read back with poppler
 * (where each word is), qpdf (the structure elements' attributes and the rules drawn) and the
 * template check (bad values named by file, line and value).
 */

/** The page area's left edge on the test sheet (A4, 20 mm margins, on whole CSS pixels as Chromium prints it). */
const LEFT = 76 * 0.75;
/** One line of the test body: 10pt at line-height 1.4. */
const LINE = 14;
const BASE = `@page { size: A4; margin: 20mm; } body { margin: 0; font-family: "Noto Serif", serif; font-size: 10pt; line-height: 1.4; } p { margin: 0 0 6pt; }`;
/** No spacing, padding or border: a column's left edge is its first word's left edge. */
const BARE = "table { border-spacing: 0; } td, th { padding: 0; vertical-align: top; text-align: start; }";

async function render(body: string, css: string, locale: LocaleId = "en"): Promise<string> {
  const { tag, dir } = localeInfo(locale);
  const html = `<article class="letter" lang="${tag}" dir="${dir}">${body}</article>`;
  return toFile(await renderPdf(html, options(locale, { stylesheets: stylesheetsFor(locale, "A4", `${BASE}\n${css}`) })));
}

const fails = async (body: string, css = "") =>
  render(body, css).then(
    () => "",
    (error: Error) => error.message,
  );

describe("the slot grid (HTML's forming a table)", () => {
  it("puts a cell after the slots a rowspan cell above still covers, and a colspan cell over several columns", async () => {
    const html = [
      "<table>",
      "<tr><td rowspan='2'>Aa</td><td>Bb</td><td>Cc</td></tr>",
      "<tr><td>Dd</td><td>Ee</td></tr>",
      "<tr><td colspan='2'>Ff</td><td>Gg</td></tr>",
      "</table>",
    ].join("");
    const all = wordBoxes(await render(html, `${BARE} td { padding-right: 20pt; }`));
    const x = (text: string) => findWord(all, text).xMin;
    // Dd stands in the second column, under Bb: the first slot of its row is Aa's.
    expect(x("Dd")).toBeCloseTo(x("Bb"), 1);
    expect(x("Ee")).toBeCloseTo(x("Cc"), 1);
    // Ff spans the first two columns; Gg is in the third.
    expect(x("Ff")).toBeCloseTo(x("Aa"), 1);
    expect(x("Gg")).toBeCloseTo(x("Cc"), 1);
    // Rows: Dd one line below Bb, Ff one line below Dd (Aa's two rows are one line each).
    expect(findWord(all, "Dd").yMin - findWord(all, "Bb").yMin).toBeCloseTo(LINE, 1);
    expect(findWord(all, "Ff").yMin - findWord(all, "Dd").yMin).toBeCloseTo(LINE, 1);
  });

  it("reads rowspan='0' as every row to the end of the row group, and cuts a longer rowspan there", async () => {
    const html = [
      "<table><tbody>",
      "<tr><td rowspan='0'>Zero</td><td>One</td></tr><tr><td>Two</td></tr><tr><td>Three</td></tr>",
      "</tbody><tbody>",
      "<tr><td rowspan='9'>Nine</td><td>Four</td></tr><tr><td>Five</td></tr>",
      "</tbody><tbody><tr><td>Six</td><td>Seven</td></tr></tbody></table>",
    ].join("");
    const all = wordBoxes(await render(html, `${BARE} td { padding-right: 20pt; }`));
    const x = (text: string) => findWord(all, text).xMin;
    // Zero covers the first column of its group's three rows: Two and Three stand in the second.
    expect(x("Two")).toBeCloseTo(x("One"), 1);
    expect(x("Three")).toBeCloseTo(x("One"), 1);
    expect(x("Five")).toBeCloseTo(x("Four"), 1);
    // Nine's rowspan ends with its row group: the next group starts again in the first column.
    expect(x("Six")).toBeCloseTo(x("Zero"), 1);
    expect(x("Seven")).toBeCloseTo(x("One"), 1);
  });

  it("puts a right-to-left table's spanning cell at the right, over the columns it spans", async () => {
    const html = "<table><tr><td colspan='2'>عنوان</td><td>ثالث</td></tr><tr><td>أول</td><td>ثان</td><td>ثالث</td></tr></table>";
    const all = wordBoxes(await render(html, `${BARE} td { padding-left: 20pt; }`, "ar"));
    // poppler writes Arabic words in visual order.
    const word = (text: string, nth = 0) => all.filter((w) => w.text === text || w.text === [...text].reverse().join(""))[nth]!;
    // The spanning cell begins where the first column begins: at the right, as "أول" does.
    expect(word("عنوان").xMax).toBeCloseTo(word("أول").xMax, 0);
    // The third column is at the left in both rows.
    expect(word("ثالث", 0).xMin).toBeCloseTo(word("ثالث", 1).xMin, 0);
    expect(word("ثالث").xMax).toBeLessThan(word("ثان").xMin);
  });
});

describe("column widths with spanning cells (CSS Tables 3 distribution)", () => {
  it("spreads a spanning cell's max-content width over its columns in proportion to theirs", async () => {
    const wide = "This heading spans both columns";
    const html = `<table><tr><td colspan="2">${wide}</td></tr><tr><td>Alpha</td><td>Beta</td></tr></table>`;
    const all = wordBoxes(await render(html, BARE));
    const alpha = findWord(all, "Alpha");
    const beta = findWord(all, "Beta");
    const span = findWord(all, "columns").xMax - findWord(all, "This").xMin;
    const a = alpha.xMax - alpha.xMin;
    const b = beta.xMax - beta.xMin;
    // The table is as wide as the spanning cell; each column takes its share by its own width.
    expect(beta.xMin - LEFT).toBeCloseTo((a * span) / (a + b), 0);
    expect(beta.xMax - LEFT).toBeLessThanOrEqual(span + 0.5);
  });

  it("widens no column for a spanning cell narrower than the columns it spans", async () => {
    const html = `<table><tr><td colspan="2">Hi</td></tr><tr><td>Alphabetical</td><td>Beta</td></tr></table>`;
    const all = wordBoxes(await render(html, `${BARE} td { padding-right: 10pt; }`));
    expect(findWord(all, "Beta").xMin - findWord(all, "Alphabetical").xMax).toBeCloseTo(10, 0);
  });

  it("counts the border spacing inside a spanning cell as its own width", async () => {
    const css = "table { border-spacing: 10pt 0; } td { padding: 0; }";
    const html = `<table><tr><td colspan="2">Wide heading over both</td></tr><tr><td>Al</td><td>Be</td></tr></table>`;
    const all = wordBoxes(await render(html, css));
    const spanRight = findWord(all, "both").xMax;
    const beta = findWord(all, "Be");
    // The second column ends where the spanning cell ends: the spacing between the columns is inside it.
    expect(beta.xMin).toBeLessThan(spanRight);
    const columnsRight = Math.max(beta.xMax, spanRight);
    expect(columnsRight - (LEFT + 10)).toBeCloseTo(spanRight - (LEFT + 10), 0);
  });

  it("shares a fixed-layout first-row spanning cell's width equally among its columns", async () => {
    const css = "table { table-layout: fixed; width: 400pt; border-spacing: 0; } td { padding: 0; } td.head { width: 200pt; }";
    const html = `<table><tr><td class="head" colspan="2">Head</td><td>Rest</td></tr><tr><td>A</td><td>B</td><td>C</td></tr></table>`;
    const all = wordBoxes(await render(html, css));
    expect(findWord(all, "B").xMin - LEFT).toBeCloseTo(100, 0);
    expect(findWord(all, "C").xMin - LEFT).toBeCloseTo(200, 0);
  });
});

describe("row heights with rowspan cells", () => {
  const five = "one<br>two<br>three<br>four<br>five";

  it("spreads a rowspan cell's excess height over its rows in proportion to their heights", async () => {
    const html = `<table><tr><td rowspan="2">${five}</td><td>Bb</td></tr><tr><td>Dd<br>Dd2<br>Dd3</td></tr><tr><td>Ee</td><td>Ff</td></tr></table>`;
    const all = wordBoxes(await render(html, `${BARE} td { padding-right: 10pt; }`));
    // Five lines over rows of one and three lines: the extra line goes a quarter to the first, three quarters to the second.
    const first = findWord(all, "Dd").yMin - findWord(all, "Bb").yMin;
    expect(first).toBeCloseTo(LINE + LINE / 4, 0);
    expect(findWord(all, "Ee").yMin - findWord(all, "one").yMin).toBeCloseTo(5 * LINE, 0);
  });

  it("gives the excess to a row where another rowspan cell begins, and centres a middle-aligned rowspan cell in its rows", async () => {
    const html = [
      "<table>",
      `<tr><td rowspan="2">${five}</td><td>Bb</td><td>Cc</td></tr>`,
      `<tr><td rowspan="2">Dd</td><td class="m" rowspan="2">Mid</td></tr>`,
      "<tr><td>Ee</td></tr>",
      "</table>",
    ].join("");
    const all = wordBoxes(await render(html, `${BARE} td { padding-right: 10pt; } td.m { vertical-align: middle; }`));
    // The second row, where Dd's rowspan begins, takes the four extra lines.
    expect(findWord(all, "Dd").yMin - findWord(all, "Bb").yMin).toBeCloseTo(LINE, 0);
    expect(findWord(all, "Ee").yMin - findWord(all, "one").yMin).toBeCloseTo(5 * LINE, 0);
    // Mid is centred in rows two and three (four lines and one line).
    expect(findWord(all, "Mid").yMin - findWord(all, "Dd").yMin).toBeCloseTo((5 * LINE - LINE) / 2, 0);
  });
});

describe("pages and rowspan", () => {
  const css = "table { border-collapse: collapse; width: 100%; } th, td { border: 0.75pt solid #444; padding: 3pt 5pt; vertical-align: top; }";
  // Groups of four rows, the first cell of each spanning them.
  const groups = (count: number) =>
    Array.from({ length: count }, (_, g) =>
      Array.from({ length: 4 }, (_, i) => `<tr>${i === 0 ? `<th rowspan="4">Group${g + 1}</th>` : ""}<td>Row ${g + 1}.${i + 1}</td></tr>`).join(""),
    ).join("");
  const rowWord = (all: readonly WordBox[], g: number, i: number) => findWord(all, `${g}.${i}`);

  /** Every "Row g.i" in reading order of the table: its group, row and where it stands. */
  const rowsOf = (all: readonly WordBox[]) =>
    Array.from({ length: 30 }, (_, g) => Array.from({ length: 4 }, (_, i) => ({ g: g + 1, i: i + 1, word: rowWord(all, g + 1, i + 1) }))).flat();

  it("breaks between the rows a rowspan cell covers where the page is full, as Chromium does, the cell cut across the pages", async () => {
    const all = wordBoxes(await render(`<table><thead><tr><th>Group</th><th>Row</th></tr></thead><tbody>${groups(30)}</tbody></table>`, css));
    const pages = Math.max(...all.map((w) => w.page));
    expect(pages).toBeGreaterThanOrEqual(2);
    const rows = rowsOf(all);
    // Rows in order; a page ends with the last row that fits (less than a row's height left), so
    // a group's rows go on two pages: its label stays on its first row's page, set at its top.
    const rowHeight = rows[1]!.word.yMin - rows[0]!.word.yMin;
    const pageBottom = 842 - 20 * (72 / 25.4);
    let cut = 0;
    for (let k = 1; k < rows.length; k++) {
      const [before, after] = [rows[k - 1]!, rows[k]!];
      expect(after.word.page > before.word.page || after.word.yMin > before.word.yMin).toBe(true);
      if (after.word.page === before.word.page) continue;
      expect(pageBottom - before.word.yMax).toBeLessThan(1.5 * rowHeight);
      if (after.i > 1) {
        cut++;
        const label = findWord(all, `Group${after.g}`);
        expect(label.page).toBe(rows.find((r) => r.g === after.g && r.i === 1)!.word.page);
        expect(label.yMin).toBeCloseTo(rows.find((r) => r.g === after.g && r.i === 1)!.word.yMin, 0);
      }
    }
    expect(cut).toBeGreaterThan(0);
    // Each page after the first starts with the repeated header, then the next row.
    for (let page = 2; page <= pages; page++) {
      const words = all.filter((w) => w.page === page).sort((a, b) => a.yMin - b.yMin);
      expect(words[0]!.text).toBe("Group");
    }
  });

  it("keeps the rows of a row group with break-inside: avoid together, moving them whole to the next page", async () => {
    const body = groups(30)
      .replace(/<tr><th/g, "</tbody><tbody><tr><th")
      .replace(/^<\/tbody>/, "");
    const all = wordBoxes(await render(`<table><thead><tr><th>Group</th><th>Row</th></tr></thead><tbody>${body}</tbody></table>`, `${css} tbody { break-inside: avoid; }`));
    expect(Math.max(...all.map((w) => w.page))).toBeGreaterThanOrEqual(2);
    for (let g = 1; g <= 30; g++) {
      const page = findWord(all, `Group${g}`).page;
      for (let i = 1; i <= 4; i++) expect({ group: g, row: i, page: rowWord(all, g, i).page }).toEqual({ group: g, row: i, page });
    }
  });

  it("repeats a header of two rows bound by rowspan and colspan cells on every page", async () => {
    const header = "<thead><tr><th rowspan='2'>Name</th><th colspan='2'>Money</th></tr><tr><th>Asked</th><th>Given</th></tr></thead>";
    const body = Array.from({ length: 80 }, (_, i) => `<tr><td>Member ${i + 1}</td><td>${i}</td><td>${i * 2}</td></tr>`).join("");
    const all = wordBoxes(await render(`<table>${header}<tbody>${body}</tbody></table>`, `${css} th { text-align: start; }`));
    const pages = Math.max(...all.map((w) => w.page));
    expect(pages).toBeGreaterThanOrEqual(2);
    for (let page = 1; page <= pages; page++) {
      const words = all.filter((w) => w.page === page);
      const [name, money, asked] = ["Name", "Money", "Asked"].map((text) => findWord(words, text));
      // Name spans both header rows: it stands above Asked's row; Money spans the two money columns above Asked and Given.
      expect(name!.yMin).toBeCloseTo(money!.yMin, 0);
      expect(asked!.yMin).toBeGreaterThan(money!.yMax);
      expect(money!.xMin).toBeCloseTo(asked!.xMin, 0);
      const firstMember = words.filter((w) => w.text === "Member").sort((a, b) => a.yMin - b.yMin)[0]!;
      expect(firstMember.yMin).toBeGreaterThan(asked!.yMax);
    }
  });

  it("splits the rows of a rowspan cell taller than a page between its rows, the cell's lines carried on", async () => {
    const tall = Array.from({ length: 80 }, (_, i) => `Line ${i + 1}`).join("<br>");
    const rows = Array.from({ length: 6 }, (_, i) => `<tr>${i === 0 ? `<td rowspan="6">${tall}</td>` : ""}<td>Row ${i + 1}.0</td></tr>`).join("");
    // A first row that fits: the table starts on page 1 (a first row taller than the page moves the table to the next).
    const all = wordBoxes(await render(`<p>Before.</p><table><tr><td>First</td><td>Row 0.0</td></tr>${rows}</table>`, css));
    const lineWords = Array.from(
      { length: 80 },
      (_, i) => all.find((w) => w.text === `${i + 1}` && all.some((o) => o.text === "Line" && o.page === w.page && Math.abs(o.yMin - w.yMin) < 1))!,
    );
    expect(lineWords.every(Boolean)).toBe(true);
    expect(lineWords[0]!.page).toBe(1);
    expect(lineWords[79]!.page).toBeGreaterThan(1);
    expect(findWord(all, "0.0").page).toBe(1);
    for (let i = 1; i < 80; i++) expect(lineWords[i]!.page > lineWords[i - 1]!.page || lineWords[i]!.yMin > lineWords[i - 1]!.yMin).toBe(true);
    // The short rows beside it are whole, each on one page, in order.
    const shortRows = Array.from({ length: 6 }, (_, i) => findWord(all, `${i + 1}.0`));
    for (let i = 1; i < 6; i++) expect(shortRows[i]!.page > shortRows[i - 1]!.page || shortRows[i]!.yMin > shortRows[i - 1]!.yMin).toBe(true);
  });
});

describe("collapsed borders around spanning cells", () => {
  it("draws no border inside a spanning cell, and the edges around it", async () => {
    const css = "table { border-collapse: collapse; } td { border: 2pt solid #ff0000; padding: 6pt; }";
    const path = await render("<table><tr><td colspan='2' rowspan='2'>Big cell</td><td>c</td></tr><tr><td>f</td></tr><tr><td>g</td><td>h</td><td>i</td></tr></table>", css);
    const qdf = `${path}.qdf`;
    run("qpdf", ["--qdf", "--object-streams=disable", path, qdf]);
    const content = readFileSync(qdf, "latin1");
    const fills = filledRects(content).filter((rect) => rect.rgb === "1 0 0");
    const all = wordBoxes(path);
    const page = 841.89;
    // The column edge between g and h, and the row edge between the big cell's rows (below c).
    // (h's column starts 6pt of padding and half a 2pt border, snapped to 1.5pt, left of its text.)
    const columnEdge = findWord(all, "h").xMin - 6 - 0.75;
    const rowEdge = page - (findWord(all, "c").yMax + findWord(all, "f").yMin) / 2;
    const bigTop = page - findWord(all, "Big").yMin;
    const bigLeft = findWord(all, "Big").xMin;
    const bigRight = findWord(all, "c").xMin - 6;
    const crosses = (f: (typeof fills)[number], x: number, y: number) => f.x < x && f.x + f.width > x && f.y < y && f.y + f.height > y;
    // Inside the big cell: no vertical rule at the column edge, no horizontal rule at the row edge.
    expect(fills.filter((f) => crosses(f, columnEdge, bigTop))).toEqual([]);
    expect(fills.filter((f) => crosses(f, (bigLeft + columnEdge) / 2, rowEdge))).toEqual([]);
    // Beside it, the row edge is drawn under c; below it, the column edge between g and h.
    expect(fills.filter((f) => crosses(f, (bigRight + 6 + findWord(all, "c").xMax) / 2, rowEdge)).length).toBeGreaterThan(0);
    expect(fills.filter((f) => crosses(f, columnEdge, page - findWord(all, "g").yMin - 3)).length).toBeGreaterThan(0);
  });
});

describe("structure: ColSpan and RowSpan (ISO 32000-1, 14.8.5.7)", () => {
  it("gives a spanning TD or TH its /ColSpan and /RowSpan, the rows a rowspan covers as laid out", async () => {
    const html = [
      "<table><thead><tr><th rowspan='2'>Line</th><th colspan='2' scope='colgroup'>Years</th></tr><tr><th>2026</th><th>2027</th></tr></thead>",
      "<tbody><tr><th rowspan='9'>Travel</th><td>1</td><td>2</td></tr><tr><td colspan='2'>3</td></tr></tbody></table>",
    ].join("");
    const path = await render(html, "th, td { border: 1pt solid #000; }");
    type Dictionary = { "/S"?: string; "/A"?: Record<string, string | number> };
    const json = JSON.parse(run("qpdf", ["--json", "--json-key=qpdf", path])) as { qpdf: [unknown, Record<string, { value?: Dictionary }>] };
    const cells = Object.values(json.qpdf[1])
      .map((o) => o.value)
      .filter((value): value is Dictionary => typeof value === "object" && value !== null && (value["/S"] === "/TH" || value["/S"] === "/TD"));
    expect(cells.map((cell) => [cell["/S"], cell["/A"] ?? null])).toEqual([
      ["/TH", { "/O": "/Table", "/Scope": "/Column", "/RowSpan": 2 }],
      ["/TH", { "/O": "/Table", "/Scope": "/Column", "/ColSpan": 2 }],
      ["/TH", { "/O": "/Table", "/Scope": "/Column" }],
      ["/TH", { "/O": "/Table", "/Scope": "/Column" }],
      // rowspan="9" in a row group of two rows covers two.
      ["/TH", { "/O": "/Table", "/Scope": "/Row", "/RowSpan": 2 }],
      ["/TD", null],
      ["/TD", null],
      ["/TD", { "/O": "/Table", "/ColSpan": 2 }],
    ]);
  });
});

describe("colspan and rowspan values, checked", () => {
  it.each([
    ["colspan", "0"],
    ["colspan", "1001"],
    ["colspan", "2.5"],
    ["colspan", "two"],
    ["colspan", ""],
    ["rowspan", "-1"],
    ["rowspan", "65535"],
    ["rowspan", "1e3"],
  ])("refuses %s=%p when the letter is laid out, naming the cell and the value", async (name, value) => {
    const limits = name === "colspan" ? "from 1 to 1000" : "from 0 to 65534";
    const message = await fails(`<table><tr><td ${name}="${value}">a</td></tr></table>`);
    expect(message).toContain(`<td> has ${name}="${value}": expected a whole number ${limits}`);
    expect(message).toMatch(/^filled template line \d+: /);
  });

  it("accepts HTML's limits: colspan 1 and 1000, rowspan 0 and 65534", async () => {
    for (const [name, value] of [
      ["colspan", "1"],
      ["colspan", "1000"],
      ["rowspan", "0"],
      ["rowspan", "65534"],
    ]) {
      // No spacing: a thousand columns' border spacing alone is wider than the page, which is refused (table-too-wide.test.ts).
      expect(await fails(`<table><tr><td ${name}="${value}">a</td><td>b</td></tr></table>`, "td { padding: 0; } table { border-spacing: 0; }")).toBe("");
    }
  });

  it("refuses colspan and rowspan on anything but a table cell", async () => {
    expect(await fails(`<p colspan="2">a</p>`)).toMatch(/<p> has an attribute the PDF layout does not know: colspan/);
  });

  it("names a bad value in a template by its file, line and column, and leaves one that data fills to be judged filled", () => {
    const source = ["<table>", "  <tr><td colspan='3'>ok</td></tr>", '  <tr><td rowspan="x{{n}}">from data</td><td colspan="0">bad</td></tr>', "</table>"].join("\n");
    expect(templateMarkupProblems({ "templates/budget/letter.hbs": source })).toEqual([
      'templates/budget/letter.hbs line 3, column 46: <td> has colspan="0": expected a whole number from 1 to 1000 (templates/VOCABULARY.md)',
    ]);
  });
});

describe("a template's spanning cells in the HTML edition", () => {
  const TEMPLATE = "parliamentary-committee";
  const HEADER = '<tr><th scope="col">{{t "signatories.organization"}}</th>';
  let templates: string;
  beforeAll(() => {
    templates = mkdtempSync(join(tmpdir(), "table-spans-"));
    cpSync(TEMPLATES_DIR, templates, { recursive: true });
  });
  afterAll(() => rmSync(templates, { recursive: true, force: true }));

  /** The committee template with a first header row of the given markup, its engine as a renderer compiles it. */
  const withHeaderRow = async (row: string) => {
    const path = join(templates, TEMPLATE, "partials", "signatories.hbs");
    const source = readFileSync(join(TEMPLATES_DIR, TEMPLATE, "partials", "signatories.hbs"), "utf8");
    expect(source).toContain(HEADER);
    writeFileSync(path, source.replace(HEADER, `${row}\n${HEADER}`));
    return new TemplateEngine(await loadTemplateSet(templates, TEMPLATE));
  };

  it("keeps colspan and rowspan on the page it writes", async () => {
    const engine = await withHeaderRow('<tr><th colspan="2" rowspan="1" scope="colgroup">{{t "signatories.heading"}}</th></tr>');
    const { letter } = await loadLetter(DATA_DIR, "committee-hearing-defenders");
    const html = renderHtml(engine, letter, "en");
    expect(html).toMatch(/<th colspan="2" rowspan="1" scope="colgroup">[^<]+<\/th><\/tr>/);
  });

  it("refuses the template when it loads, naming the partial, line, column and value", async () => {
    // The row goes in on the header row's line of the shipped partial, wherever the partial has it.
    const source = readFileSync(join(TEMPLATES_DIR, TEMPLATE, "partials", "signatories.hbs"), "utf8");
    const line = source.slice(0, source.indexOf(HEADER)).split("\n").length;
    await expect(withHeaderRow('<tr><th colspan="1001">{{t "signatories.heading"}}</th></tr>')).rejects.toThrow(
      `partials/signatories.hbs line ${line}, column 9: <th> has colspan="1001": expected a whole number from 1 to 1000`,
    );
  });
});
