import { editionStylesheets } from "../../../functions/core/html/render-html";
import { type ParsedStylesheets, parseStylesheets } from "../../../functions/core/style";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { templateStylesheets } from "../../../functions/core/template/template-library";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { SEED_TEMPLATE, SHIPPED_LOCALES, TEMPLATES_DIR } from "../../support/letters";

/** Parsed stylesheets without the compiled selector matchers (functions, which differ per parse). */
function comparable(sheets: ParsedStylesheets) {
  return { rules: sheets.rules.map(({ matches: _matches, ...rule }) => rule), pages: sheets.pages };
}

describe("a template's parsed stylesheets", () => {
  let engine: TemplateEngine;
  beforeAll(async () => {
    engine = new TemplateEngine(await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE));
  });

  it.each(SHIPPED_LOCALES)("in %s are what parsing the document's sheets together gives: rules, origins, specificity and order", (locale) => {
    for (const paper of ["A4", "Letter"] as const) {
      const sources = editionStylesheets(engine, locale, paper, `A title in ${locale}`);
      expect(comparable(templateStylesheets(engine).parsed(sources))).toEqual(comparable(parseStylesheets(sources)));
    }
  });

  it("are parsed once per template: every document shares the parse of ua.css and print.css, and one language and title share the whole cascade", () => {
    const sheets = templateStylesheets(engine);
    const first = sheets.parsed(editionStylesheets(engine, "en", "A4", "One title"));
    expect(sheets.parsed(editionStylesheets(engine, "en", "A4", "One title"))).toBe(first);
    const other = sheets.parsed(editionStylesheets(engine, "ar", "Letter", "Another title"));
    expect(other).not.toBe(first);
    const ua = first.rules.filter((rule) => rule.origin === "user-agent");
    const author = first.rules.filter((rule) => rule.origin === "author");
    expect(ua.length).toBeGreaterThan(0);
    expect(author.length).toBeGreaterThan(0);
    // The same rule objects: parsed once, not again for the second document.
    expect(other.rules.filter((rule) => rule.origin === "user-agent")).toEqual(ua);
    expect(other.rules.filter((rule) => rule.origin === "user-agent").every((rule, i) => rule === ua[i])).toBe(true);
    expect(other.rules.filter((rule) => rule.origin === "author").every((rule, i) => rule.matches === author[i]!.matches)).toBe(true);
  });

  it("the document's sources are made once per language, paper and title", () => {
    expect(editionStylesheets(engine, "fr", "A4", "t")).toBe(editionStylesheets(engine, "fr", "A4", "t"));
    expect(editionStylesheets(engine, "fr", "A4", "t")).not.toBe(editionStylesheets(engine, "fr", "A4", "u"));
  });

  it("problems of several sheets are reported together, as parsing them together reports them", () => {
    const broken = new TemplateEngine({ ...engine.set, name: "both-broken", userAgentStylesheet: "p { float: left; }", stylesheet: "p {\n  colour: red;\n}" });
    const sources = editionStylesheets(broken, "en", "A4");
    expect(() => parseStylesheets(sources)).toThrow(/float[\s\S]*colour|colour[\s\S]*float/);
    expect(() => templateStylesheets(broken).parsed(sources)).toThrow(/float[\s\S]*colour|colour[\s\S]*float/);
  });

  it("a stylesheet error still names the sheet, line and property", () => {
    const broken = new TemplateEngine({ ...engine.set, name: "broken", folder: "templates/broken", stylesheet: "p {\n  colour: red;\n}" });
    expect(() => templateStylesheets(broken).parsed(editionStylesheets(broken, "en", "A4"))).toThrow(/templates\/broken\/print\.css line 2.*colour/);
  });
});
