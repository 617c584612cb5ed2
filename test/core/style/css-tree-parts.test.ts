import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import csstree = require("css-tree");
import * as parts from "../../../functions/core/style/css-tree-parts";
import { TEMPLATES_DIR } from "../../support/letters";

/**
 * The style stage reads CSS with css-tree's parser, generator and walker built alone, without the
 * lexer `require("css-tree")` builds at load (issue 17 item 1: less code compiled and run at a cold
 * start). They must read every stylesheet exactly as the whole css-tree does.
 */
function stylesheets(): { name: string; text: string }[] {
  const sheets = [{ name: "ua.css", text: readFileSync(join(TEMPLATES_DIR, "ua.css"), "utf8") }];
  for (const entry of readdirSync(TEMPLATES_DIR, { withFileTypes: true })) {
    const file = join(TEMPLATES_DIR, entry.name, "print.css");
    if (entry.isDirectory() && readdirSync(join(TEMPLATES_DIR, entry.name)).includes("print.css"))
      sheets.push({ name: `${entry.name}/print.css`, text: readFileSync(file, "utf8") });
  }
  return sheets;
}

/** Hand-written sheets with what a template author may get wrong or reach for: unclosed blocks, bad values, at-rules, escapes. */
const OWN_SHEETS = [
  'h1 { color: red; margin: 1em 2px calc(100% - 3mm) var(--x, 4pt) !important; }\n@media print and (min-width: 3in) { p { font: italic 12pt/1.4 "Noto Serif", serif } }',
  '@page :first { size: A4; @top-center { content: "a\\"b" counter(page) " / " counter(pages, persian); } }\n.x::before { content: none }',
  "p { color: ; } @font-face { src: url(x.woff2) } a[href^='https:' i] > b ~ c + d:not(.e, #f):nth-child(2n+1) { width: 10px",
  '/* unclosed comment\n:root { --font-body: "Noto Naskh Arabic", serif; --page-label: "صفحة " counter(page); }',
  "@import url(x.css); @layer a, b; @supports (display: grid) { div { display: grid } } h2 { unknown-thing: 1px 2px; }",
];

describe("css-tree's parts without its lexer", () => {
  const all = [...stylesheets(), ...OWN_SHEETS.map((text, index) => ({ name: `own-${index}.css`, text }))];

  it("parse every template's stylesheet and hand-written ones to the same tree, with the same errors, as the whole css-tree", () => {
    expect(all.length).toBeGreaterThan(OWN_SHEETS.length + 1);
    for (const { name, text } of all) {
      const errors: [string[], string[]] = [[], []];
      const options = (list: string[]) => ({ positions: true, filename: name, parseCustomProperty: false, onParseError: (error: { message: string }) => list.push(error.message) });
      const whole = csstree.parse(text, options(errors[0]));
      const alone = parts.parse(text, options(errors[1]));
      expect(csstree.toPlainObject(alone)).toEqual(csstree.toPlainObject(whole));
      expect(errors[1]).toEqual(errors[0]);
      expect(parts.generate(alone)).toBe(csstree.generate(whole));
    }
  });

  it("parse declaration values in the value context as the whole css-tree does", () => {
    for (const value of ["1em 2px", 'counter(page) " of " counter(pages, bengali)', "calc(100% - 2 * 3mm)", "#fff rgb(1 2 3 / 50%)", "var(--a, 1px)", "1px 2px {"]) {
      const options = { context: "value", onParseError: () => undefined };
      // A value that does not parse throws the same error from both.
      const outcome = (parse: typeof csstree.parse) => {
        try {
          return { tree: csstree.toPlainObject(parse(value, options)) };
        } catch (error) {
          return { error: (error as Error).message };
        }
      };
      expect(outcome(parts.parse)).toEqual(outcome(csstree.parse));
    }
  });

  it("walk and find the same nodes", () => {
    for (const { text } of all) {
      const types: [string[], string[]] = [[], []];
      const whole = csstree.parse(text, { onParseError: () => undefined });
      const alone = parts.parse(text, { onParseError: () => undefined });
      csstree.walk(whole, (node) => void types[0].push(node.type));
      parts.walk(alone, (node) => void types[1].push(node.type));
      expect(types[1]).toEqual(types[0]);
      const firstSelector = (found: csstree.CssNode | null) => (found ? csstree.generate(found) : null);
      expect(firstSelector(parts.find(alone, (node) => node.type === "Selector"))).toBe(firstSelector(csstree.find(whole, (node) => node.type === "Selector")));
    }
  });
});
