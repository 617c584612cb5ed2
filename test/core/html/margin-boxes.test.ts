import { marginBoxCuts } from "../../../functions/core/html/margin-boxes";
import { styleLetter } from "../../../functions/core/html/web-fonts";
import { localeInfo } from "../../../functions/core/locales";
import { fitToWidth } from "../../../functions/core/pdf/layout";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { stylesheetsFor } from "../pdf/pdf-inspect";

const fonts = loadFontLibrary();
const LETTER = '<article class="letter" lang="en"><p>Text.</p></article>';
/** One unit per character: a measure whose answers are easy to check. */
const byLength = (text: string) => [...text].length;

describe("cutting a line to a width (text-overflow)", () => {
  it("keeps the longest start that fits with the ellipsis, trailing spaces dropped", () => {
    expect(fitToWidth("Joint letter on rights", "…", 10, byLength)).toBe("Joint let…");
    expect(fitToWidth("Joint letter on rights", "…", 7, byLength)).toBe("Joint…");
  });

  it("cuts between grapheme clusters, never inside one", () => {
    // "é" as e + combining accent and a flag are one cluster each.
    // Code points as the measure: "Cafe" + "…" would fit 5, but the e belongs to its accent.
    expect(fitToWidth("Cafe\u0301s 🇫🇷🇫🇷", "…", 5, byLength)).toBe("Caf…");
    expect(fitToWidth("Cafe\u0301s 🇫🇷🇫🇷", "…", 6, byLength)).toBe("Cafe\u0301…");
    expect(fitToWidth("ab🇫🇷🇫🇷", "", 4, (text) => [...new Intl.Segmenter().segment(text)].length)).toBe("ab🇫🇷🇫🇷");
  });

  it("prints only the ending when nothing fits, and clips without one", () => {
    expect(fitToWidth("Title", "…", 0, byLength)).toBe("…");
    expect(fitToWidth("Title", "", 3, byLength)).toBe("Tit");
  });
});

describe("the HTML edition's cut margin boxes", () => {
  const cuts = (css: string, title: string) => marginBoxCuts(fonts, localeInfo("en"), styleLetter(LETTER, stylesheetsFor("en", "Letter", `@page { ${css} }`, title)));

  it("gives a bounded box whose text does not fit the text the PDF prints there, cut with an ellipsis", () => {
    const css = "@bottom-left { content: var(--running-title); width: 50%; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }";
    const rules = cuts(css, "A long running title ".repeat(30));
    expect(rules).toMatch(
      /^@page \{ @bottom-left \{ content: "A long running title [^"]*…"; white-space: nowrap; width: [\d.]+pt; \} \}\n@page :first \{ @bottom-left \{ content: "[^"]*…"; white-space: nowrap; width: [\d.]+pt; \} \}$/,
    );
  });

  it("leaves alone a title that fits, and one the stylesheet lets wrap while the lines fit the margin", () => {
    expect(cuts("@bottom-left { content: var(--running-title); width: 50%; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }", "Short")).toBe("");
    expect(cuts("@bottom-left { content: var(--running-title); width: 50%; }", "A long running title ".repeat(3))).toBe("");
  });

  it("cuts to one line a box the stylesheet lets wrap whose lines the margin cannot hold, as the PDF does", () => {
    const rules = cuts("@bottom-left { content: var(--running-title); width: 50%; }", "A long running title ".repeat(30));
    expect(rules).toMatch(/^@page \{ @bottom-left \{ content: "A long running title [^"]*…"; white-space: nowrap; width: [\d.]+pt; \} \}\n/);
  });

  it("does not cut a box whose text changes from page to page (page counters)", () => {
    const css = '@bottom-right { content: var(--running-title) " " counter(page); width: 10%; white-space: nowrap; overflow: hidden; }';
    expect(cuts(css, "A long running title ".repeat(30))).toBe("");
  });
});

describe("the margin-box bounds in the stylesheet", () => {
  it("are refused on elements, where the PDF would not cut a line the browser cuts", () => {
    const sheets = stylesheetsFor("en", "A4", "p { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }");
    expect(() => styleLetter(LETTER, sheets)).toThrow("templates/print.css line 1, selector p, property overflow: overflow is read only in @page margin boxes");
  });
});
