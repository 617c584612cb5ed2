import { appendFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { editionStylesheets } from "../../../functions/core/html/render-html";
import { parseStylesheets, StyleError, type StylesheetSource } from "../../../functions/core/style";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { templateStylesheets } from "../../../functions/core/template/template-library";
import { createRenderer } from "../../../functions/render/create-renderer";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { SEED_TEMPLATE, TEMPLATES_DIR } from "../../support/letters";

/**
 * A font-family no font registry entry provides is a stylesheet error, found when the template is
 * loaded and reported with the other CSS errors (file, line, selector, property, the families there
 * are), not a render-time failure of every document. CSS takes the first available family of a list,
 * so a list with an available family later in it is drawn, with a warning naming the one skipped.
 */
function check(...sheets: [name: string, text: string, origin?: StylesheetSource["origin"]][]): { problems: readonly string[]; warnings: readonly string[] } {
  try {
    const parsed = parseStylesheets(sheets.map(([name, text, origin]) => ({ name, text, origin: origin ?? "author" })));
    return { problems: [], warnings: parsed.warnings ?? [] };
  } catch (error) {
    if (!(error instanceof StyleError)) throw error;
    return { problems: error.problems, warnings: [] };
  }
}

describe("font-family against the font registry", () => {
  it("refuses a family the registry lacks, naming the sheet, line, selector, property and the families there are", () => {
    const { problems } = check(["brand/print.css", 'p { color: #333 }\nh1, h2 {\n  font-family: "Brand Sans";\n}']);
    expect(problems).toEqual([
      expect.stringMatching(/^brand\/print\.css line 3, selector h1, h2, property font-family: the family "Brand Sans" is not in the font registry; expected one of /),
    ]);
    expect(problems[0]).toContain('"Brand Sans"');
    expect(problems[0]).toContain('expected one of "Noto Serif", "Noto Sans"');
    expect(problems[0]).toContain("sans-serif");
  });

  it("refuses a list none of whose families the registry has, generics it lacks included, together with the sheet's other problems", () => {
    const { problems } = check(["mine/print.css", "p { font-family: Helvetica, Arial, monospace; float: left }\nblockquote { font-family: cursive }"]);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe("mine/print.css line 1, selector p, property float: not a property of the supported CSS (templates/CSS.md)");
    expect(problems[1]).toMatch(
      /^mine\/print\.css line 1, selector p, property font-family: none of the families "Helvetica", "Arial", "monospace" is in the font registry; expected one of /,
    );
    expect(problems[2]).toMatch(/^mine\/print\.css line 2, selector blockquote, property font-family: the family "cursive"/);
  });

  it("checks the user-agent sheet too", () => {
    const { problems } = check(["templates/ua.css", "html { font-family: Times }", "user-agent"]);
    expect(problems).toEqual([expect.stringMatching(/^templates\/ua\.css line 1, selector html, property font-family: the family "Times"/)]);
  });

  it("checks @page and its margin boxes", () => {
    const { problems } = check(["x/print.css", '@page {\n  font-family: "Page Face";\n  @bottom-right { content: counter(page); font-family: "Footer Face" }\n}']);
    expect(problems).toEqual([
      expect.stringMatching(/^x\/print\.css line 2, selector @page, property font-family: the family "Page Face"/),
      expect.stringMatching(/^x\/print\.css line 3, selector @page @bottom-right, property font-family: the family "Footer Face"/),
    ]);
  });

  it("follows custom properties through var(), naming where the property is set", () => {
    const { problems } = check(["x/print.css", ':root { --brand: "Brand Sans" }\n.note { --other: var(--brand) }\nh1 { font-family: var(--other) }']);
    expect(problems).toEqual([
      expect.stringMatching(
        /^x\/print\.css line 3, selector h1, property font-family: the family "Brand Sans" is not in the font registry \(through --other is var\(--brand\) \(x\/print\.css line 2, selector \.note\); --brand is "Brand Sans" \(x\/print\.css line 1, selector :root\)\); expected one of /,
      ),
    ]);
  });

  it("checks every rule that sets a custom property, and a var() fallback when none sets it", () => {
    const twoSettings = check(["x/print.css", ':root { --face: "Noto Sans" }\n.brand { --face: "Brand Sans" }\np { font-family: var(--face) }']);
    expect(twoSettings.problems).toEqual([
      expect.stringMatching(/^x\/print\.css line 3, selector p, property font-family: the family "Brand Sans" .*--face is "Brand Sans" \(x\/print\.css line 2, selector \.brand\)/),
    ]);
    const fallback = check(["x/print.css", 'p { font-family: var(--unset, "Brand Serif") }']);
    expect(fallback.problems).toEqual([expect.stringMatching(/^x\/print\.css line 1, selector p, property font-family: the family "Brand Serif"/)]);
  });

  it("warns, and draws, when a family later in the list is available: CSS takes the first available one", () => {
    const { problems, warnings } = check(["x/print.css", 'h1 { font-family: "Brand Sans", "Noto Serif" }\np { font-family: Georgia, Palatino, serif }']);
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^x\/print\.css line 1, selector h1, property font-family: "Brand Sans" is not in the font registry; the PDF sets the text in the list's first family that is \("Noto Serif"\), as does the HTML page wherever the reader has no font of that name installed/,
      ),
      expect.stringMatching(
        /^x\/print\.css line 2, selector p, property font-family: "Georgia", "Palatino" are not in the font registry; the PDF sets the text in the list's first family that is \("serif"\)/,
      ),
    ]);
  });

  it("accepts the registry's families in any case, its generics, aliases and the CSS-wide keywords, without a word", () => {
    const { problems, warnings } = check([
      "x/print.css",
      'p { font-family: "noto serif" }\nh1 { font-family: NOTO SANS }\nh2 { font-family: sans-serif }\nh3 { font-family: "Noto Sans CJK KR", serif }\nli { font-family: inherit }',
    ]);
    expect({ problems, warnings }).toEqual({ problems: [], warnings: [] });
  });
});

describe("font-family at template load", () => {
  const engineWith = async (printCss: string) => {
    const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    return new TemplateEngine({ ...set, stylesheet: `${set.stylesheet}\n${printCss}` });
  };

  it("refuses an unknown family read through the document's own sheets, as the renderer parses them at load", async () => {
    const engine = await engineWith(':root { --brand-face: "Brand Sans" }\n.letter h1 { font-family: var(--brand-face) }');
    const lines = engine.set.stylesheet.split("\n").length;
    expect(() => templateStylesheets(engine).parsed(editionStylesheets(engine, "en", "A4"))).toThrow(
      new RegExp(`^templates/${SEED_TEMPLATE}/print\\.css line ${lines}, selector \\.letter h1, property font-family: the family "Brand Sans"`),
    );
  });

  it("warns of a family before the document's stack (var(--font-body), set by the render's settings), and draws", async () => {
    const engine = await engineWith('.letter h1 { font-family: "Brand Sans", var(--font-body) }');
    const parsed = templateStylesheets(engine).parsed(editionStylesheets(engine, "ar", "A4"));
    expect(parsed.warnings).toEqual([
      expect.stringMatching(
        /print\.css line \d+, selector \.letter h1, property font-family: "Brand Sans" is not in the font registry \(through --font-body is the render's setting for the document's language\); the PDF sets the text in the list's first family that is, as does the HTML page/,
      ),
    ]);
  });

  it("the shipped templates name only families the registry has", async () => {
    for (const name of ["un-security-council", "parliamentary-committee"]) {
      const engine = new TemplateEngine(await loadTemplateSet(TEMPLATES_DIR, name));
      expect(templateStylesheets(engine).parsed(editionStylesheets(engine, "en", "A4")).warnings ?? []).toEqual([]);
    }
  });

  it("the renderer refuses every template's unknown families at once, before any document", async () => {
    const root = mkdtempSync(join(tmpdir(), "letterpress-families-"));
    try {
      cpSync(TEMPLATES_DIR, join(root, "templates"), { recursive: true });
      appendFileSync(join(root, "templates", "un-security-council", "print.css"), '\nh1 { font-family: "Brand Serif"; }\n');
      appendFileSync(join(root, "templates", "parliamentary-committee", "print.css"), '\nh2 { font-family: "Brand Sans"; }\n');
      const error = await createRenderer({ templatesDir: join(root, "templates"), paper: "A4" }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(StyleError);
      expect((error as StyleError).problems).toEqual([
        expect.stringMatching(/parliamentary-committee\/print\.css line \d+, selector h2, property font-family: the family "Brand Sans" is not in the font registry/),
        expect.stringMatching(/un-security-council\/print\.css line \d+, selector h1, property font-family: the family "Brand Serif" is not in the font registry/),
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
