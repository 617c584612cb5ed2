import { type LocaleId, localeInfo } from "../../../functions/core/locales";
import { lineBoxWithText } from "../../../functions/core/pdf/line-box";
import { setParagraph } from "../../../functions/core/pdf/paragraph";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { extractBoth, findWord, options, stylesheetsFor, toFile, wordBoxes } from "./pdf-inspect";
import { paragraphSpec } from "./paragraph-spec";

/**
 * `<sup>`, `<sub>`, `<small>` and the CSS they read on inline text (vertical-align super, sub, lengths, percentages;
 * font-size smaller, larger, em, %) in the PDF: each run at its own size and baseline, the line box grown as CSS 2.1
 * §10.8 says, copied by both extractors as the HTML edition's text reads, in a left-to-right and a right-to-left
 * paragraph. Against Chromium's print: test/editions/sup-sub-small.test.ts.
 */

const BASE = `@page { size: A4; margin: 20mm; } body { margin: 0; font-family: "Noto Serif", serif; font-size: 12pt; line-height: 1.2; } p { margin: 0 0 6pt; }`;

async function render(body: string, css = "", locale: LocaleId = "en"): Promise<Buffer> {
  const { tag, dir } = localeInfo(locale);
  const html = `<article class="letter" lang="${tag}" dir="${dir}">${body}</article>`;
  return renderPdf(html, options(locale, { stylesheets: stylesheetsFor(locale, "A4", `${BASE}\n${css}`) }));
}

describe("the line box grown by inline boxes of text (CSS 2.1 §10.8.1)", () => {
  const strut = { height: 20, baseline: 14 };
  it("keeps the strut when every box fits in it, and grows where a raised or lowered box reaches past it", () => {
    expect(lineBoxWithText(strut, [{ box: { height: 16, baseline: 12 }, rise: 1 }])).toBe(strut);
    // Raised 5: its top 17 above the baseline, 3 more than the strut's 14.
    expect(lineBoxWithText(strut, [{ box: { height: 16, baseline: 12 }, rise: 5 }])).toEqual({ height: 23, baseline: 17 });
    // Lowered 6: its bottom 10 below the baseline, 4 more than the strut's 6.
    expect(lineBoxWithText(strut, [{ box: { height: 16, baseline: 12 }, rise: -6 }])).toEqual({ height: 24, baseline: 14 });
  });
});

describe("a paragraph with runs of their own size and baseline", () => {
  const fonts = loadFontLibrary();
  const style = { bold: false, italic: false };
  const sup = { size: 10, lineHeight: 12, rise: 4.75 };
  it("sets each run at its size, raised by its rise; its line taller than a plain one; cached apart from the same text at the paragraph's size", () => {
    const spec = paragraphSpec("", { size: 12, leading: 1.2, rules: { primary: "serif", keepAll: false } });
    const plain = setParagraph(fonts, {
      ...spec,
      runs: [
        { text: "Note", style },
        { text: "1", style },
        { text: " here.", style },
      ],
    });
    const marked = setParagraph(fonts, {
      ...spec,
      runs: [
        { text: "Note", style },
        { text: "1", style, metrics: sup },
        { text: " here.", style },
      ],
    });
    expect(plain[0]!.runs.every((run) => run.size === 12 && run.rise === undefined)).toBe(true);
    const one = marked[0]!.runs.find((run) => run.run.glyphs.some((glyph) => glyph.text === "1"))!;
    expect([one.size, one.rise]).toEqual([10, 4.75]);
    expect(marked[0]!.height).toBeGreaterThan(plain[0]!.height);
    expect(marked[0]!.ascent - plain[0]!.ascent).toBeCloseTo(marked[0]!.height - plain[0]!.height, 6);
    // The smaller "1" is narrower: the words after it start earlier than after a full-size one.
    expect(marked[0]!.width).toBeLessThan(plain[0]!.width);
  });
});

describe("sup, sub and small in the PDF", () => {
  it("copies as the HTML edition's text reads, in both extractors: a marker joined to its word, a formula whole", async () => {
    const pdf = await render("<p>Signed by partners<sup>1</sup> and <small>in small print</small>; water is H<sub>2</sub>O and E = mc<sup>2</sup>.</p>");
    const { poppler, pdfjs } = extractBoth(pdf);
    for (const text of [poppler.join("\n"), pdfjs.join("\n")]) expect(text).toContain("Signed by partners1 and in small print; water is H2O and E = mc2.");
  });

  it("draws a superscript smaller and higher, a subscript smaller and lower, small print smaller on the baseline (ua.css)", async () => {
    const words = wordBoxes(toFile(await render("<p>Base<sup>supword</sup> base<sub>subword</sub> base <small>smallword</small> end</p>")));
    const [base, sup, sub, small] = ["Base", "supword", "subword", "smallword"].map((text) => findWord(words, text));
    const height = (word: typeof base) => word!.yMax - word!.yMin;
    // At 10pt (12pt / 1.2, font-size: smaller), each box five sixths of a 12pt word's.
    for (const word of [sup, sub, small]) expect(height(word) / height(base)).toBeCloseTo(10 / 12, 2);
    // super: raised a third of 16px plus a pixel (4.75pt); its box's bottom (a smaller descent) higher still.
    expect(base!.yMax - sup!.yMax).toBeGreaterThan(4.75);
    // sub: lowered a fifth of 16px plus a pixel (3.15pt).
    expect(sub!.yMax).toBeGreaterThan(base!.yMax + 2);
    // small print stays on the baseline: its box's bottom is its (smaller) descent below it.
    expect(small!.yMax).toBeLessThan(base!.yMax);
    expect(small!.yMin).toBeGreaterThan(base!.yMin);
  });

  it("takes vertical-align lengths and percentages and font-size steps on any inline element; refuses a color of its own", async () => {
    const css = ".up { vertical-align: 3pt; } .down { vertical-align: -20%; } .big { font-size: larger; } .em { font-size: 0.5em; } .red { color: #c00; }";
    const words = wordBoxes(
      toFile(await render("<p>plain <span class='up'>upword</span> <span class='down'>downword</span> <span class='big'>bigword</span> <span class='em'>emword</span></p>", css)),
    );
    const plain = findWord(words, "plain");
    expect(plain.yMax - findWord(words, "upword").yMax).toBeCloseTo(3, 0);
    // -20% of its line-height (14.4pt): 2.88pt lower.
    expect(findWord(words, "downword").yMax - plain.yMax).toBeCloseTo(2.88, 0);
    const height = (text: string) => findWord(words, text).yMax - findWord(words, text).yMin;
    expect(height("bigword") / height("plain")).toBeCloseTo(1.2, 1);
    expect(height("emword") / height("plain")).toBeCloseTo(0.5, 1);
    await expect(render("<p>a <span class='red'>b</span></p>", css)).rejects.toThrow(/<span class="red"> sets color apart from its paragraph/);
  });

  it("puts a footnote marker after its word in a right-to-left paragraph, copied after it in both extractors", async () => {
    const pdf = await render("<p>وقعت المنظمات<sup>1</sup> على الرسالة.</p>", "", "ar");
    const { poppler, pdfjs } = extractBoth(pdf);
    const copied = (pages: string[]) => pages.join("\n").replace(/[\u200e\u200f\u061c\u202a-\u202e]/g, "");
    expect(copied(poppler)).toContain("وقعت المنظمات1 على الرسالة.");
    // pdf.js reads the marker after its word too, but loses the word space after it (where the size changes back in a
    // right-to-left line; a shift alone keeps it): known, not yet fixed (see the builder's report).
    expect(copied(pdfjs)).toMatch(/^وقعت المنظمات1 ?على الرسالة\.$/m);
  });
});
