import { appendFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { editionStylesheets } from "../../../functions/core/html/render-html";
import { parseFragment } from "parse5";
import { parseStylesheets, StyleError, type StylesheetSource, styleDocument } from "../../../functions/core/style";
import type { Element } from "../../../functions/core/style/dom-adapter";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { templateStylesheets } from "../../../functions/core/template/template-library";
import { createRenderer } from "../../../functions/render/create-renderer";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { SEED_TEMPLATE, TEMPLATES_DIR } from "../../support/letters";

/**
 * Every stylesheet error is found when the template loads, none first at render (issue 12 item 2,
 * issue 15 item 9): values read through var(), the page's size and what its margins leave, and the
 * problems listed by sheet and line.
 */
function problemsOf(sheets: [name: string, text: string, origin?: StylesheetSource["origin"]][], wholeDocument = true): readonly string[] {
  try {
    parseStylesheets(
      sheets.map(([name, text, origin]) => ({ name, text, origin: origin ?? "author" })),
      { wholeDocument },
    );
  } catch (error) {
    if (!(error instanceof StyleError)) throw error;
    return error.problems;
  }
  return [];
}

describe("values read through var(), checked at load", () => {
  it("refuses a var() no rule sets and that has no fallback, as the literal value would be", () => {
    expect(problemsOf([["x/print.css", ".callout {\n  border: 1pt dashed var(--warm);\n}"]])).toEqual([
      "x/print.css line 2, selector .callout, property border: var(--warm) is not set and has no fallback",
    ]);
  });

  it("refuses a custom property whose value is wrong for the property that reads it, naming where it is set", () => {
    const problems = problemsOf([["x/print.css", ":root { --warm: 12pt }\n.callout { border: 1pt dashed var(--warm) }"]]);
    expect(problems).toEqual([
      expect.stringMatching(/^x\/print\.css line 2, selector \.callout, property border: .* \(through --warm is 12pt \(x\/print\.css line 1, selector :root\)\)$/),
    ]);
    // The same value written out is refused the same way, by the same check.
    const literal = problemsOf([["x/print.css", ":root { }\n.callout { border: 1pt dashed 12pt }"]]);
    expect(problems[0]!.replace(/ \(through .*\)$/, "")).toBe(literal[0]);
  });

  it("tries every rule that sets the property and the fallback, and accepts values that all read", () => {
    const sheet = [
      ":root { --gap: 4mm; --ink: #333 }", // 1
      ".wide { --gap: red }", // 2: a colour where a length is read
      "p { margin-top: var(--gap) }", // 3
      "h1 { color: var(--ink, 3pt) }", // 4: the fallback, read where --ink is not set, is no colour
      "h2 { color: var(--ink, navy); padding: var(--none, 2pt) 1mm }", // 5: all fine
    ].join("\n");
    const problems = problemsOf([["mine/print.css", sheet]]);
    expect(problems).toEqual([
      expect.stringMatching(/^mine\/print\.css line 3, selector p, property margin-top: .*through --gap is red \(mine\/print\.css line 2, selector \.wide\)/),
      expect.stringMatching(/^mine\/print\.css line 4, column 13, selector h1, property color: "3pt" is not a colour; .*through --ink is not set where it is read/),
    ]);
    expect(problemsOf([["mine/print.css", ":root { --gap: 4mm; --ink: #333 }\np { margin: var(--gap) 0; color: var(--ink) }"]])).toEqual([]);
  });

  it("reads a property another sheet of the document sets, and leaves a sheet read alone to its document", () => {
    const ua: [string, string, StylesheetSource["origin"]] = ["ua.css", ":root { --rule: #999 }", "user-agent"];
    expect(problemsOf([ua, ["x/print.css", "hr { border-top: 1pt solid var(--rule) }"]])).toEqual([]);
    expect(problemsOf([["x/print.css", "hr { border-top: 1pt solid var(--rule) }"]], false)).toEqual([]);
  });

  it("refuses custom properties that refer to each other in a cycle", () => {
    expect(problemsOf([["x/print.css", ":root { --a: var(--b); --b: var(--a) }\np { color: var(--a) }"]])).toEqual([
      "x/print.css line 2, selector p, property color: custom properties refer to each other in a cycle",
    ]);
  });

  it("refuses the issue's callout when the template loads, before any document", async () => {
    const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    const engine = new TemplateEngine({ ...set, stylesheet: `${set.stylesheet}\n.callout { border: 1pt dashed var(--warm) }` });
    const lines = engine.set.stylesheet.split("\n").length;
    expect(() => templateStylesheets(engine).parsed(editionStylesheets(engine, "en", "A4"))).toThrow(
      `templates/${SEED_TEMPLATE}/print.css line ${lines}, selector .callout, property border: var(--warm) is not set and has no fallback`,
    );
  });
});

describe("the page's size and margins, checked at load", () => {
  it.each([
    ["0mm 0mm", /a page must have a positive width and height; this one is 0pt x 0pt/],
    ["-10mm 100mm", /a page must have a positive width and height; this one is -28\.3pt x 283\.5pt/],
    ["6000mm 6000mm", /at most 14400pt \(200in\) each way .*; this one is 17007\.9pt x 17007\.9pt/],
    ["100mm 14401pt", /at most 14400pt/],
    ["10in 201in", /at most 14400pt/],
    ["1in 2in 3in", /at most two lengths/],
  ])("refuses size: %s with the line that says it, even in a sheet read alone", (size, expected) => {
    const problems = problemsOf([["x/print.css", `p { color: red }\n@page {\n  size: ${size};\n}`]], false);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^x\/print\.css line 3, selector @page, property size: /);
    expect(problems[0]).toMatch(expected);
  });

  it("reads a size through var() as the page's other values are read: checked at load, drawn at render", () => {
    expect(problemsOf([["x/print.css", ":root { --paper: 6000mm 10mm }\n@page { size: var(--paper) }"]])).toEqual([
      expect.stringMatching(/^x\/print\.css line 2, selector @page, property size: a PDF page may be at most 14400pt .* \(through --paper is 6000mm 10mm/),
    ]);
    // At render it was read as no size at all (A4).
    const sheets = parseStylesheets([{ name: "x/print.css", origin: "author", text: ":root { --paper: 100mm 150mm }\n@page { size: var(--paper) }" }], { wholeDocument: true });
    const root = parseFragment("<div><p>x</p></div>").childNodes[0] as unknown as Element;
    const page = styleDocument(root, sheets).page(false);
    expect(page.width).toBeCloseTo(283.46, 2);
    expect(page.height).toBeCloseTo(425.2, 1);
  });

  it("accepts PDF's largest page, and the named sizes", () => {
    expect(problemsOf([["x/print.css", "@page { size: 200in 14400pt }\n@page :first { size: letter landscape }"]])).toEqual([]);
  });

  it("refuses margins that leave less than an inch of page area, reading the size and margins of every sheet", () => {
    const problems = problemsOf([
      ["ua.css", "@page { size: 100mm 100mm; margin: 10mm }", "user-agent"],
      ["x/print.css", "p { color: red }\n@page :first {\n  margin-left: 40mm;\n  margin-right: 40%;\n}"],
    ]);
    expect(problems).toEqual([
      "x/print.css line 4, selector @page :first, property margin-right: the page margins leave a page area of 56.7pt x 226.8pt on a 283.5pt x 283.5pt page; a letter needs at least 72pt (one inch) each way",
    ]);
  });

  it("leaves margins in em (the page's font) to the render, and accepts margins that leave room", () => {
    expect(problemsOf([["x/print.css", "@page { size: 100mm 100mm; margin: 20em }"]])).toEqual([]);
    expect(problemsOf([["x/print.css", "@page { size: A5; margin: 20mm 25mm }"]])).toEqual([]);
  });

  it("refuses at template load the margins the render refused first (margin: 120mm on US Letter)", async () => {
    const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    const engine = new TemplateEngine({ ...set, stylesheet: `${set.stylesheet}\n@page { margin: 120mm }` });
    expect(() => templateStylesheets(engine).parsed(editionStylesheets(engine, "en", "Letter"))).toThrow(
      /print\.css line \d+, selector @page, property margin: the page margins leave a page area of -68\.3pt x 111\.7pt on a 612pt x 792pt page/,
    );
  });
});

describe("problems in sheet and line order", () => {
  it("lists a sheet's problems by line, whichever check found them, then the next sheet's", () => {
    const problems = problemsOf([
      ["ua.css", "@page {\n  color: 12pt;\n  @top-center { color: 3pt }\n}\nh1 { font-family: Nope }\nh2 { float: left }", "user-agent"],
      ["x/print.css", "p { color: var(--missing) }\nq { zoom: 1 }"],
    ]);
    expect(problems.map((problem) => /^(.*? line \d+)/.exec(problem)![1])).toEqual([
      "ua.css line 2",
      "ua.css line 3",
      "ua.css line 5",
      "ua.css line 6",
      "x/print.css line 1",
      "x/print.css line 2",
    ]);
  });
});

describe("the renderer at load", () => {
  it("refuses a var() value and a page too large before any document, each with its line", async () => {
    const root = mkdtempSync(join(tmpdir(), "letterpress-load-checks-"));
    try {
      cpSync(TEMPLATES_DIR, join(root, "templates"), { recursive: true });
      appendFileSync(join(root, "templates", SEED_TEMPLATE, "print.css"), "\n.callout { border: 1pt dashed var(--warm) }\n@page { size: 6000mm 6000mm }\n");
      const error = await createRenderer({ templatesDir: join(root, "templates"), paper: "A4" }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(StyleError);
      expect((error as StyleError).problems).toEqual([
        expect.stringMatching(/print\.css line \d+, selector \.callout, property border: var\(--warm\) is not set and has no fallback$/),
        expect.stringMatching(/print\.css line \d+, selector @page, property size: a PDF page may be at most 14400pt/),
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
