import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "parse5";
import type { DefaultTreeAdapterTypes } from "parse5";
import { parseStylesheets, StyleError, type StylesheetSource, styleDocument } from "../../../functions/core/style";
import { counterStyleOf, formatCounter } from "../../../functions/core/style/counter-styles";
import { documentStylesheets, pageLabelContent } from "../../../functions/core/style/document-stylesheets";
import { SEED_TEMPLATE_DIR } from "../../support/letters";

type Element = DefaultTreeAdapterTypes.Element;

const TEMPLATES = join(__dirname, "../../../templates");

function rootOf(html: string): Element {
  const document = parse(html);
  return document.childNodes.find((n): n is Element => "tagName" in n && n.tagName === "html")!;
}

function byId(root: Element, id: string): Element {
  const walk = (element: Element): Element | undefined => {
    if (element.attrs.some((a) => a.name === "id" && a.value === id)) return element;
    for (const child of element.childNodes) {
      if ("tagName" in child) {
        const found = walk(child);
        if (found) return found;
      }
    }
    return undefined;
  };
  const found = walk(root);
  if (!found) throw new Error(`no #${id}`);
  return found;
}

const UA: StylesheetSource = {
  name: "ua.css",
  origin: "user-agent",
  text: "html { font-size: 12pt; color: #000; line-height: 1.2 } p { margin-block: 1em; display: block } div, body, section { display: block }",
};

function styled(html: string, author: string, extra: StylesheetSource[] = []) {
  const root = rootOf(html);
  const document = styleDocument(root, parseStylesheets([UA, ...extra, { name: "test.css", origin: "author", text: author }]));
  return { document, style: (id: string) => document.styleOf(byId(root, id)) };
}

function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("the cascade", () => {
  const html = '<p id="a" class="x">one</p><p id="b">two</p>';

  it("lets the later of two rules of equal specificity win", () => {
    const { style } = styled(html, "p { color: #111111 }\np { color: #222222 }");
    expect(style("a").color).toBe("#222222");
  });

  it("lets the more specific rule win whatever the order", () => {
    const { style } = styled(html, "#a { color: #333333 }\n.x { color: #111111 }\np.x { color: #222222 }\np { color: #444444 }");
    expect(style("a").color).toBe("#333333");
    expect(style("b").color).toBe("#444444");
  });

  it("counts the most specific argument of :is() and :not(), and nothing for :where()", () => {
    const { style } = styled(html, ":is(#a, p) { color: #111111 }\n#a { color: #222222 }\n:where(#a) { font-size: 20pt }\np { font-size: 10pt }");
    expect(style("a").color).toBe("#222222");
    expect(style("a").fontSize).toBe(10);
  });

  it("puts author rules above user rules above the user-agent's, and !important in reverse", () => {
    const user: StylesheetSource = { name: "user.css", origin: "user", text: "#a { margin-top: 3pt !important } #b { margin-top: 4pt }" };
    const { style } = styled(html, "p { margin-top: 5pt }", [user]);
    expect(style("a").marginTop).toEqual({ pt: 3 });
    expect(style("b").marginTop).toEqual({ pt: 5 });
  });

  it("lets an author !important declaration beat a more specific normal one", () => {
    const { style } = styled(html, "p { color: #111111 !important }\n#a { color: #222222 }");
    expect(style("a").color).toBe("#111111");
  });

  it("lets the later of a logical and a physical declaration win, mapping inline-start to the right in rtl", () => {
    const { style } = styled(
      '<div dir="rtl"><p id="a">x</p></div><p id="b">y</p>',
      "p { margin-inline-start: 7pt; padding: 1pt 2pt 3pt 4pt; padding-inline-end: 9pt }\n#b { margin-left: 2pt }",
    );
    expect(style("a").marginRight).toEqual({ pt: 7 });
    expect(style("a").marginLeft).toEqual({ pt: 0 });
    expect(style("a").paddingLeft).toEqual({ pt: 9 });
    expect(style("b").marginLeft).toEqual({ pt: 2 });
    expect(style("b").paddingRight).toEqual({ pt: 9 });
  });

  it("matches :lang(), attribute and child selectors over the parse5 tree", () => {
    const { style } = styled(
      '<div lang="zh"><section><p id="a" data-x="1">x</p></section></div><p id="b">y</p>',
      ":lang(zh) p { font-style: italic }\nsection > [data-x] { font-weight: bold }",
    );
    expect(style("a").fontStyle).toBe("italic");
    expect(style("a").fontWeight).toBe(700);
    expect(style("b").fontStyle).toBe("normal");
  });
});

describe("inheritance", () => {
  it("inherits color and font-size but not margins, borders or backgrounds", () => {
    const { style } = styled('<div id="d"><p id="a">x</p></div>', "div { color: #123456; font-size: 9pt; margin-top: 4pt; border-top: 2pt solid; background-color: #eeeeee }");
    expect(style("a").color).toBe("#123456");
    expect(style("a").fontSize).toBe(9);
    // Its own margin from the user-agent sheet (1em), not the div's.
    expect(style("a").marginTop).toEqual({ pt: 9 });
    expect(style("a").borderTopStyle).toBe("none");
    expect(style("a").backgroundColor).toBeNull();
    expect(style("d").borderTopColor).toBe("#123456");
  });

  it("follows inherit, initial and unset", () => {
    const { style } = styled(
      '<div><p id="a">x</p><p id="b">y</p><p id="c">z</p></div>',
      "div { margin-top: 6pt; color: #123456 }\n#a { margin-top: inherit }\n#b { color: initial }\n#c { color: unset; margin-top: unset }",
    );
    expect(style("a").marginTop).toEqual({ pt: 6 });
    expect(style("b").color).toBe("#000000");
    expect(style("c").color).toBe("#123456");
    expect(style("c").marginTop).toEqual({ pt: 0 });
  });
});

describe("custom properties", () => {
  it("substitutes var(), inherited custom properties, nested references and fallbacks", () => {
    const { style } = styled(
      '<div id="d"><p id="a">x</p><p id="b">y</p></div>',
      ":root { --ink: #101010; --gap: 3pt }\ndiv { --rule: var(--ink) }\n#a { color: var(--rule); margin-top: var(--gap) }\n#b { color: var(--missing, var(--ink)); margin-top: var(--none, 5mm) }",
    );
    expect(style("a").color).toBe("#101010");
    expect(style("a").marginTop).toEqual({ pt: 3 });
    expect(style("b").color).toBe("#101010");
    expect(style("b").marginTop.pt).toBeCloseTo((5 * 72) / 25.4, 6);
  });

  it("expands a shorthand whose value holds var()", () => {
    const { style } = styled('<p id="a">x</p>', ":root { --rule: #b8b8b8 }\np { border-block-end: 1px solid var(--rule) }");
    expect(style("a").borderBottomWidth).toBe(0.75);
    expect(style("a").borderBottomStyle).toBe("solid");
    expect(style("a").borderBottomColor).toBe("#b8b8b8");
  });

  it("names the stylesheet, line, selector and property of a var() that is not set", () => {
    const error = errorOf(() => styled('<p id="a">x</p>', "p {\n  color: #000;\n  margin-top: var(--nowhere);\n}"));
    expect(error).toBeInstanceOf(StyleError);
    expect(error.message).toBe("test.css line 3, selector p, property margin-top: var(--nowhere) is not set and has no fallback");
  });

  it("names a value substituted by var() that the property does not accept", () => {
    const error = errorOf(() => styled('<p id="a">x</p>', ":root { --x: wobbly }\n\np { text-align: var(--x) }"));
    expect(error.message).toMatch(/^test\.css line 3, selector p, property text-align: not an accepted value; expected start \| end/);
  });
});

describe("units", () => {
  it("computes pt, px, mm, cm, in, em, rem and % into points", () => {
    const { style } = styled(
      '<div id="d"><p id="a">x</p></div>',
      "html { font-size: 10pt }\ndiv { font-size: 2em }\n#a { font-size: 50%; margin-top: 8px; margin-right: 10mm; margin-bottom: 1cm; margin-left: 1in; padding-top: 2em; padding-right: 1.5rem; padding-bottom: 10%; text-indent: 3pt }",
    );
    const a = style("a");
    expect(style("d").fontSize).toBe(20);
    expect(a.fontSize).toBe(10);
    expect(a.marginTop).toEqual({ pt: 6 });
    expect(a.marginRight.pt).toBeCloseTo(28.3465, 3);
    expect(a.marginBottom.pt).toBeCloseTo(28.3465, 3);
    expect(a.marginLeft).toEqual({ pt: 72 });
    expect(a.paddingTop).toEqual({ pt: 20 });
    expect(a.paddingRight).toEqual({ pt: 15 });
    expect(a.paddingBottom).toEqual({ percent: 10 });
    expect(a.textIndent).toEqual({ pt: 3 });
  });

  it("keeps a unitless line-height as a factor that children inherit, and computes lengths and % once", () => {
    const { style } = styled(
      '<div><p id="a">x</p></div><section><p id="b">y</p></section>',
      "div { font-size: 10pt; line-height: 1.5 }\n#a { font-size: 20pt }\nsection { font-size: 10pt; line-height: 150% }\n#b { font-size: 20pt }",
    );
    expect(style("a").lineHeight).toEqual({ factor: 1.5 });
    expect(style("b").lineHeight).toEqual({ pt: 15 });
  });
});

describe("media", () => {
  it("applies @media print and all, and ignores rules for the screen", () => {
    const { style } = styled(
      '<p id="a">x</p>',
      "@media print { p { color: #111111 } }\n@media screen { p { color: #222222; box-shadow: 0 0 1px red } }\n@media screen and (max-width: 40rem) { p { color: #333333 } }\n@media all { p { font-size: 9pt } }",
    );
    expect(style("a").color).toBe("#111111");
    expect(style("a").fontSize).toBe(9);
  });

  it("refuses media features it would have to evaluate for print", () => {
    expect(() => styled("<p>x</p>", "\n@media (max-width: 40rem) { p { color: red } }").document).toThrow(
      /test\.css line 2: @media \(max-width:40rem\): the PDF does not evaluate media features/,
    );
  });
});

describe("errors", () => {
  it("names the stylesheet, line, selector and property of an unknown property", () => {
    const error = errorOf(() => styled("<p>x</p>", "p { color: red }\n\nh1, .letter p {\n  colour: red;\n}"));
    expect(error.message).toBe("test.css line 4, selector h1, .letter p, property colour: not a property of the supported CSS (templates/CSS.md)");
  });

  it("names a value outside the table and says what is expected", () => {
    expect(errorOf(() => styled("<p>x</p>", "p {\n  text-align: middle;\n}")).message).toBe(
      "test.css line 2, selector p, property text-align: not an accepted value; expected start | end | left | right | center | justify",
    );
    expect(errorOf(() => styled("<p>x</p>", "p { margin-top: 2vh }")).message).toMatch(/property margin-top: the unit "vh" is not supported/);
    expect(errorOf(() => styled("<p>x</p>", "p { color: rgba(0, 0, 0, 0.5) }")).message).toMatch(
      /line 1, column 12, selector p, property color: "rgba\(0, 0, 0, 0.5\)" has alpha 0.5: the PDF draws opaque colours only/,
    );
    expect(errorOf(() => styled("<p>x</p>", "p { border-style: dotted }")).message).toMatch(/property border-style: not an accepted value; expected none \| solid/);
  });

  it("accepts properties of the browser's fixed behaviour only with the PDF's own value", () => {
    expect(() => styled("<p>x</p>", "p { overflow-wrap: break-word; font-kerning: normal; quotes: none }").document).not.toThrow();
    expect(errorOf(() => styled("<p>x</p>", "p { overflow-wrap: normal }")).message).toMatch(/property overflow-wrap: the PDF accepts only break-word \| anywhere/);
  });

  it("refuses generated content other than none, and unknown at-rules", () => {
    expect(() => styled("<p>x</p>", "q::before, q::after { content: none }").document).not.toThrow();
    expect(errorOf(() => styled("<p>x</p>", 'p::before { content: "x" }')).message).toMatch(/selector p::before, property content: pseudo-elements may only say content: none/);
    expect(errorOf(() => styled("<p>x</p>", "\n@keyframes fade { from { color: red } }")).message).toBe(
      "test.css line 2: @keyframes is not supported (the PDF reads @media, @page and @font-face)",
    );
    // A @font-face without its src is refused with what it lacks (test/templates/template-fonts.test.ts: the rest).
    expect(errorOf(() => styled("<p>x</p>", "\n@font-face { font-family: x }")).message).toMatch(/^test\.css line 2, @font-face: no src; expected @font-face/);
  });

  it("reports a stylesheet that does not parse with its line", () => {
    expect(errorOf(() => styled("<p>x</p>", "p { color: red }\n\np { : red }")).message).toBe('test.css line 3, column 5: Identifier is expected at ": red }"');
  });
});

describe("@page", () => {
  const page = (css: string) => styled("<p>x</p>", css).document;

  it("reads size by name, orientation and lengths, and margins with their shorthand", () => {
    const letter = page("@page { size: letter; margin: 20mm 1in 24mm }").page(false);
    expect([letter.width, letter.height]).toEqual([612, 792]);
    // On whole CSS pixels: 20 mm is 75.6 px, so the page area starts 76 px down and is 890 px tall (889.7 rounded up).
    expect(letter.margin.top).toBe(57);
    expect(letter.margin.right).toBe(72);
    expect(letter.margin.bottom).toBe(792 - 57 - 890 * 0.75);
    expect(letter.margin.left).toBe(72);
    const landscape = page("@page { size: A4 landscape }").page(false);
    expect([landscape.width, landscape.height]).toEqual([841.89, 595.28]);
    const custom = page("@page { size: 100mm 150mm }").page(false);
    expect(custom.width).toBeCloseTo(283.46, 2);
  });

  it("refuses margins that leave less than an inch of page area, and a page of no size, naming the declaration", () => {
    expect(errorOf(() => page("@page { size: letter; margin: 120mm; }").page(false)).message).toBe(
      "test.css line 1, selector @page, property margin: the page margins leave a page area of -68.3pt x 111.7pt on a 612pt x 792pt page; a letter needs at least 72pt (one inch) each way",
    );
    expect(errorOf(() => page("@page { margin: 60%; }").page(false)).message).toMatch(
      /^test\.css line 1, selector @page, property margin: the page margins leave a page area of -119\.1pt x -168\.4pt/,
    );
    expect(errorOf(() => page("@page { size: A5; }\n@page :first { margin-top: 590pt; }").page(true)).message).toMatch(
      /^test\.css line 2, selector @page :first, property margin-top: the page margins leave a page area of/,
    );
    expect(errorOf(() => page("@page { size: 0 0; }").page(false)).message).toMatch(
      /^test\.css line 1, selector @page, property size: a page must have a positive width and height; this one is 0pt x 0pt/,
    );
    // An inch each way is enough.
    expect(page("@page { size: 3in 3in; margin: 1in; }").page(false).width).toBe(216);
  });

  it("lets @page :first override the first page only", () => {
    const document = page("@page { margin: 10pt }\n@page :first { margin-top: 30pt }");
    expect(document.page(true).margin.top).toBe(30);
    // 10pt is 13.3 px: the page area starts 13 px from the top, on whole CSS pixels.
    expect(document.page(false).margin.top).toBe(9.75);
    // 10pt is 13.3 px: the page area starts 13 px from the left, on whole CSS pixels.
    expect(document.page(true).margin.left).toBe(9.75);
  });

  it("computes margin boxes: content with counters and strings, text style inherited from the page and the root", () => {
    const document = page(
      'html { color: #222222; font-size: 10pt } :root { --muted: #555555 }\n@page { font-size: 9pt; @bottom-center { content: "Page " counter(page) " of " counter(pages); color: var(--muted) } @top-left { content: string(title) } @top-right { content: none } }',
    );
    const boxes = document.page(false).boxes;
    expect(boxes["bottom-center"]?.content).toEqual([
      { kind: "text", text: "Page " },
      { kind: "counter", name: "page" },
      { kind: "text", text: " of " },
      { kind: "counter", name: "pages" },
    ]);
    expect(boxes["bottom-center"]?.style.color).toBe("#555555");
    expect(boxes["bottom-center"]?.style.fontSize).toBe(9);
    expect(boxes["top-left"]?.content).toEqual([{ kind: "string", name: "title" }]);
    expect(boxes["top-left"]?.style.color).toBe("#222222");
    expect(boxes["top-right"]).toBeUndefined();
  });

  it("reads counter(page, <numeric counter style>) and refuses a counter style it cannot print, naming the styles it can", () => {
    const document = page('@page { @bottom-center { content: counter(page, bengali) "/" counter(pages, persian) } }');
    expect(document.page(false).boxes["bottom-center"]?.content).toEqual([
      { kind: "counter", name: "page", style: "bengali" },
      { kind: "text", text: "/" },
      { kind: "counter", name: "pages", style: "persian" },
    ]);
    expect(errorOf(() => page("@page { @bottom-center { content: counter(page, upper-roman) } }")).message).toMatch(
      /counter style "upper-roman": expected one of decimal, arabic-indic, persian, bengali/,
    );
  });

  it("refuses page selectors, margin boxes and properties it does not read", () => {
    expect(errorOf(() => page("@page :left { margin: 1cm }")).message).toBe("test.css line 1: @page :left: the PDF reads @page and @page :first");
    expect(errorOf(() => page("@page {\n @left-middle { content: 'x' } }")).message).toMatch(/^test\.css line 2: @left-middle: the PDF reads the margin boxes @top-left/);
    expect(errorOf(() => page("@page { border-top: 1pt solid }")).message).toMatch(/selector @page, property border-top: not a property of @page or its margin boxes/);
  });
});

describe("the template's stylesheets", () => {
  const sheets = { userAgent: readFileSync(join(TEMPLATES, "ua.css"), "utf8"), author: readFileSync(join(SEED_TEMPLATE_DIR, "print.css"), "utf8") };
  const letter = (lang: string, dir = "ltr") =>
    rootOf(
      `<html lang="${lang}" dir="${dir}"><body><main><article class="letter" lang="${lang}" dir="${dir}"><section class="body"><p id="p1">x</p></section></article></main></body></html>`,
    );

  it("give the seed letter its print look: body size, justified paragraphs, the script's font stack and line height", () => {
    const root = letter("ar", "rtl");
    const document = styleDocument(root, parseStylesheets(documentStylesheets(sheets, { script: "Arab", paper: "A4", pageLabel: (p, n) => `${p} / ${n}` })));
    const p = document.styleOf(byId(root, "p1"));
    expect(p.fontSize).toBe(10.5);
    expect(p.textAlign).toBe("justify");
    expect(p.lineHeight).toEqual({ factor: 1.75 });
    expect(p.fontFamily[0]).toBe("Noto Naskh Arabic");
  });

  it("take the paper size from the render, and the margins and the localized label's margin box from print.css", () => {
    const root = letter("en");
    const document = styleDocument(
      root,
      parseStylesheets(documentStylesheets(sheets, { script: "Latn", paper: "Letter", pageLabel: (p, n) => `Page ${p} of ${n}`, runningTitle: 'A "title" </style>' })),
    );
    const page = document.page(false);
    expect([page.width, page.height]).toEqual([612, 792]);
    // 26 mm, less what rounds the page area up to whole CSS pixels.
    expect(page.margin.bottom).toBeGreaterThan((26 * 72) / 25.4 - 0.75);
    expect(page.margin.bottom).toBeLessThanOrEqual((26 * 72) / 25.4);
    expect(page.boxes["bottom-right"]?.content).toEqual([
      { kind: "text", text: "Page " },
      { kind: "counter", name: "page" },
      { kind: "text", text: " of " },
      { kind: "counter", name: "pages" },
    ]);
    expect(page.boxes["bottom-right"]?.style.fontSize).toBe(8);
    expect(page.boxes["bottom-left"]?.content).toEqual([{ kind: "text", text: 'A "title" </style>' }]);
  });

  // Fresh user 7, item 12: `size: auto` (CSS Paged Media 3: the UA's default size) was refused; it is the run's paper.
  it("read `@page { size: auto }` as the paper the run uses, even over a size the template set before", () => {
    const root = letter("en");
    const sizeOf = (author: string, paper: "A4" | "Letter") => {
      const page = styleDocument(root, parseStylesheets(documentStylesheets({ ...sheets, author }, { script: "Latn", paper, pageLabel: (p, n) => `${p} / ${n}` }))).page(false);
      return [page.width, page.height];
    };
    expect(sizeOf("@page { size: auto; margin: 20mm }", "Letter")).toEqual([612, 792]);
    expect(sizeOf("@page { size: AUTO }", "A4")).toEqual([595.28, 841.89]);
    expect(sizeOf("@page { size: A5 }\n@page { size: auto }", "Letter")).toEqual([612, 792]);
    expect(() => parseStylesheets([{ name: "print.css", text: "@page { size: auto landscape }", origin: "author" }])).toThrow(/expected auto, a page size/);
  });
});

describe("page numbers in the language's digits", () => {
  it.each([
    ["beng", "bengali", "১২"],
    ["arabext", "persian", "۱۲"],
    ["deva", "devanagari", "१२"],
    ["thai", "thai", "๑๒"],
    ["latn", "decimal", "12"],
  ])("numbering system %s is the counter style %s, printed %s", (system, style, twelve) => {
    expect(counterStyleOf(system)).toBe(style);
    expect(formatCounter(12, style)).toBe(twelve);
  });

  it("prints decimal as Intl does, whole numbers without it and the rest through it (-0, fractions, past 2^53)", () => {
    const intl = new Intl.NumberFormat("en", { numberingSystem: "latn", useGrouping: false, maximumFractionDigits: 0 });
    const values = [0, 7, 12, 1234567, -42, -0, 2.5, -2.5, 2 ** 53 - 1, 1e21, Number.NaN];
    expect(values.map((value) => formatCounter(value))).toEqual(values.map((value) => intl.format(value)));
  });

  it("is decimal for a numbering system CSS has no numeric style for (hanidec)", () => {
    expect(counterStyleOf("hanidec")).toBe("decimal");
  });

  it("puts the style into the page label's counters, and none for decimal", () => {
    expect(pageLabelContent((p, n) => `পৃষ্ঠা ${p}/${n}`, "bengali")).toBe('"পৃষ্ঠা " counter(page, bengali) "/" counter(pages, bengali)');
    expect(pageLabelContent((p, n) => `Page ${p} of ${n}`)).toBe('"Page " counter(page) " of " counter(pages)');
  });
});

describe("the render's settings", () => {
  it("write the title as a CSS string that cannot end the HTML edition's <style> element", () => {
    const [, settings] = documentStylesheets(
      { userAgent: "", author: "" },
      { script: "Latn", paper: "A4", pageLabel: (p, n) => `${p}/${n}`, runningTitle: 'Break </style><script>x</script> "out" \\ here' },
    );
    expect(settings!.text).not.toMatch(/[<>]/);
    expect(settings!.text).toContain('--running-title: "Break \\3c /style\\3e \\3c script\\3e x\\3c /script\\3e  \\"out\\" \\\\ here"');
  });
});
