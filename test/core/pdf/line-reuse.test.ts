import type { LocaleId } from "../../../functions/core/locales";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { fixture, options } from "./pdf-inspect";

/**
 * A line drawn in one letter serves the next letter of a mail merge as bytes (pdf-writer.ts
 * `DrawnLine`) when the codes and names it drew with come out the same there. A reader's words
 * change a line or two; every other line is the paragraph cache's same object and is not drawn
 * again. In a right-to-left letter the invisible glyphs drawn for the extractors (the writer's
 * marks, the anchors) are numbered with the glyphs (`reserveMarks`): handed out as drawn, after every
 * glyph, a reader's glyph of their own moved their codes, and every line drawing one was drawn anew.
 * Counted through `onLineDrawn`; the bytes are held to a cold render's.
 */

/** The fixture letter with its salutation replaced by `salutation`. */
function withSalutation(locale: LocaleId, salutation: string): string {
  const html = fixture(`letter-${locale}.html`);
  expect(html).toMatch(/<p class="salutation">[^<]*<\/p>/);
  return html.replace(/<p class="salutation">[^<]*<\/p>/, `<p class="salutation">${salutation}</p>`);
}

/** Renders `html` with `fonts`, counting the lines drawn anew and the lines whose earlier bytes served. */
async function counted(locale: LocaleId, html: string, fonts: ReturnType<typeof loadFontLibrary>): Promise<{ pdf: Buffer; anew: number; reused: number }> {
  let anew = 0;
  let reused = 0;
  const pdf = await renderPdf(
    html,
    options(locale, {
      fonts,
      onLineDrawn: (drawnAnew) => {
        if (drawnAnew) anew++;
        else reused++;
      },
    }),
  );
  return { pdf, anew, reused };
}

/** A salutation of the letter's own glyphs, and one bringing glyphs the letter lacks (each a new code). */
const CASES: { locale: LocaleId; salutation: string; newGlyphs: string }[] = [
  { locale: "en", salutation: "Excellencies,", newGlyphs: "Dear Ms Żółkiewska-Ŋ," },
  { locale: "ar", salutation: "أصحاب السعادة،", newGlyphs: "أصحاب ڤيڤيان،" },
  { locale: "he", salutation: "כְּבוֹד הַחֲבֵרִים,", newGlyphs: "לכבוד ŋ ווינטר," },
];

describe("a mail merge's lines drawn once", () => {
  test.each(CASES)("$locale: the same letter again draws no line anew", async ({ locale, salutation }) => {
    const fonts = loadFontLibrary();
    const html = withSalutation(locale, salutation);
    // A line drawn twice in one letter (a running footer) may serve its second drawing already.
    const first = await counted(locale, html, fonts);
    expect(first.anew).toBeGreaterThan(5);
    const again = await counted(locale, html, fonts);
    expect({ anew: again.anew, reused: again.reused, same: again.pdf.equals(first.pdf) }).toEqual({ anew: 0, reused: first.anew + first.reused, same: true });
  });

  test.each(CASES)("$locale: a reader whose name brings new glyphs draws only the lines it changes anew, in a cold render's bytes", async ({ locale, salutation, newGlyphs }) => {
    const fonts = loadFontLibrary();
    const first = await counted(locale, withSalutation(locale, salutation), fonts);
    const reader = withSalutation(locale, newGlyphs);
    const warm = await counted(locale, reader, fonts);
    // The salutation's line, and the few lines above it (sender, title) whose glyphs the new ones renumber (numbered from the end).
    expect({ anew: warm.anew <= 6 ? "at most 6" : warm.anew, total: warm.anew + warm.reused }).toEqual({ anew: "at most 6", total: first.anew + first.reused });
    const cold = await counted(locale, reader, loadFontLibrary());
    expect(warm.pdf.equals(cold.pdf)).toBe(true);
  });

  it("en: lines ending in a hyphen-minus inside a word keep their bytes for a reader with new glyphs", async () => {
    // Compounds broken at their hyphen (encodeLineEndHyphen), on every line and page.
    const compounds = Array.from({ length: 120 }, (_, i) => `state-of-the-art long-standing follow-up${i % 10} well-being co-operation`).join(" ");
    const letter = (salutation: string) => withSalutation("en", salutation).replace(/(<p class="salutation">[^<]*<\/p>)/, `$1<p>${compounds}</p>`);
    const fonts = loadFontLibrary();
    const first = await counted("en", letter("Excellencies,"), fonts);
    expect(first.anew).toBeGreaterThan(40);
    const warm = await counted("en", letter("Dear Ms Żółkiewska-Ŋ,"), fonts);
    expect({ anew: warm.anew <= 6 ? "at most 6" : warm.anew }).toEqual({ anew: "at most 6" });
    expect(warm.pdf.equals((await counted("en", letter("Dear Ms Żółkiewska-Ŋ,"), loadFontLibrary())).pdf)).toBe(true);
  });

  it("words with a ZWNJ keep their lines' bytes for a reader with new glyphs", async () => {
    // Persian words joined by a ZWNJ ("می‌شود"): pdf.js needs the joiner in the next glyph's own text, a code
    // of its own (encodeMarked), numbered with the line's glyphs (handOutsOf) rather than as drawn after them all.
    const words = Array.from({ length: 80 }, (_, i) => `می‌شود بین‌المللی نمی‌توانند ${i % 10} خانه‌ها`).join(" ");
    const letter = (salutation: string) => withSalutation("ar", salutation).replace(/(<p class="salutation">[^<]*<\/p>)/, `$1<p>${words}</p>`);
    const fonts = loadFontLibrary();
    const first = await counted("ar", letter("أصحاب السعادة،"), fonts);
    expect(first.anew).toBeGreaterThan(30);
    const warm = await counted("ar", letter("أصحاب ڤيڤيان،"), fonts);
    expect({ anew: warm.anew <= 6 ? "at most 6" : warm.anew }).toEqual({ anew: "at most 6" });
    expect(warm.pdf.equals((await counted("ar", letter("أصحاب ڤيڤيان،"), loadFontLibrary())).pdf)).toBe(true);
  });
});
