import { extractedFlow, htmlParagraphs, normalizeParagraph, paragraphsExact } from "../../bench/paragraphs";
import { pageBottomMarginPt } from "../../bench/measure-agreement";

/** The bench's extraction figure: exact paragraphs after white space and NFC normalization, checked on made-up pages. */
describe("paragraphs found exactly in extracted text", () => {
  const html = `<h1>Joint letter</h1><p>Excellencies,</p><p>We write to you about the <em>long-standing</em> crisis.</p>
    <ul><li>First item</li><li>Second item</li></ul><p>中文段落，没有空格。</p><p class="footer-title">Joint letter</p><footer class="page-footer"><p>Page 1</p></footer>`;

  it("takes each innermost paragraph-like element's text, without the running footer", () => {
    expect(htmlParagraphs(html)).toEqual([
      "Joint letter",
      "Excellencies,",
      "We write to you about the long-standing crisis.",
      "First item",
      "Second item",
      "中文段落，没有空格。",
      "Joint letter",
    ]);
  });

  it("counts a paragraph whose words an extractor split over two lines and two pages, with a footer between", () => {
    const pages = [
      "Joint letter\nExcellencies,\nWe write to you about the long-\nstanding\nJoint letter Page 1 of 2",
      "crisis.\nFirst item\nSecond item\n中文段\n落，没有空格。\nJoint letter\nJoint letter Page 2 of 2",
    ];
    const flow = extractedFlow(pages, ["Page 1 of 2", "Page 2 of 2"], "Joint letter");
    expect(paragraphsExact(htmlParagraphs(html), flow)).toEqual({ paragraphs: 7, exact: 7 });
  });

  it("misses a paragraph whose words run together, are reordered, or lose their space", () => {
    const paragraphs = ["We write to you about the crisis.", "First item"];
    expect(paragraphsExact(paragraphs, "Wewrite to you about the crisis. First item")).toMatchObject({ exact: 1, firstMiss: "We write to you about the crisis." });
    expect(paragraphsExact(paragraphs, "First item We write to you about the crisis.")).toMatchObject({ exact: 1 });
    expect(paragraphsExact(paragraphs, "We write to you about thecrisis. First item")).toMatchObject({ exact: 1 });
  });

  it("normalizes to NFC and drops format characters and soft hyphens on both sides", () => {
    expect(normalizeParagraph("Cafe\u0301 Menschen\u00adrechte \u200Fx\u2060y")).toBe("Café Menschenrechte xy");
  });

  it("reads the bottom page margin from the stylesheet's @page rule, or says which file lacks one", () => {
    expect(pageBottomMarginPt("@page { margin: 22mm 22mm 26mm; }", "print.css")).toBeCloseTo((26 * 72) / 25.4, 6);
    expect(pageBottomMarginPt("@page { size: A4; margin: 1in; }", "print.css")).toBe(72);
    expect(() => pageBottomMarginPt("body { margin: 0 }", "templates/x/print.css")).toThrow(/templates\/x\/print\.css: expected an @page rule/);
  });
});
