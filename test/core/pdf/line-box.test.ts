import type { Font } from "fontkit";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { fontExtents, lineBox, strutOf } from "../../../functions/core/pdf/line-box";

/** A face's tables as fontkit exposes them, for the branches our shipped faces do not take. */
function faceWith(tables: { hhea?: { ascent: number; descent: number }; os2?: Record<string, unknown>; unitsPerEm?: number }): Font {
  return { hhea: tables.hhea, "OS/2": tables.os2, unitsPerEm: tables.unitsPerEm ?? 1000, postscriptName: "Test-Regular" } as unknown as Font;
}

describe("the line box (CSS 2.1 §10.8.1)", () => {
  const fonts = loadFontLibrary();

  it("takes a face's typographic ascent and descent when it sets USE_TYPO_METRICS (Noto Serif)", () => {
    expect(fontExtents(fonts.face("serif-regular"))).toEqual({ ascent: 1.069, descent: 0.293 });
  });

  it("takes hhea's ascent and descent when the face does not set USE_TYPO_METRICS (Noto Sans SC: typo 0.88/0.12, hhea 1.16/0.288)", () => {
    expect(fontExtents(fonts.face("sc-regular"))).toEqual({ ascent: 1.16, descent: 0.288 });
  });

  it("falls back to the typographic, then the Windows values when hhea has none, in the face's own units", () => {
    const typo = { typoAscender: 1600, typoDescender: -448, winAscent: 2000, winDescent: 600, fsSelection: { useTypoMetrics: false } };
    expect(fontExtents(faceWith({ hhea: { ascent: 0, descent: 0 }, os2: typo, unitsPerEm: 2048 }))).toEqual({ ascent: 1600 / 2048, descent: 448 / 2048 });
    const win = { ...typo, typoAscender: 0, typoDescender: 0 };
    expect(fontExtents(faceWith({ hhea: { ascent: 0, descent: 0 }, os2: win, unitsPerEm: 2048 }))).toEqual({ ascent: 2000 / 2048, descent: 600 / 2048 });
  });

  it("refuses a face without hhea and OS/2, naming it", () => {
    expect(() => fontExtents(faceWith({}))).toThrow(/Test-Regular.*neither an hhea nor an OS\/2 table/);
  });

  it("puts the baseline half the leading below the ascent's top, the box as tall as the line-height", () => {
    // 15pt text = 20px, A = 0.9 em = 18px, D = 0.3 em = 6px: A+D = 24px; line-height 30px leaves 6px, 3px above.
    expect(lineBox(15, 22.5, { ascent: 0.9, descent: 0.3 })).toEqual({ height: 22.5, baseline: (3 + 18) * 0.75 });
    // A face taller than the line-height: the leading is negative and the baseline moves up.
    expect(lineBox(15, 15, { ascent: 0.9, descent: 0.3 })).toEqual({ height: 15, baseline: (-2 + 18) * 0.75 });
  });

  it("rounds the ascent and descent to whole CSS pixels and floors the half-leading, as Chromium places baselines", () => {
    // Noto Serif at 14px with line-height 1.45 (20.3px): A = 14.966 -> 15px, D = 4.102 -> 4px,
    // half-leading (20.3 - 19) / 2 = 0.65 -> 0: Chromium 156 puts the baseline 15px down.
    expect(lineBox(10.5, 10.5 * 1.45, { ascent: 1.069, descent: 0.293 }).baseline).toBeCloseTo(15 * 0.75, 9);
    // Noto Serif Devanagari at 16px, 1.45: A = 14.88 -> 15, D = 10, half-leading -0.91 -> -1: 14px.
    expect(lineBox(12, 12 * 1.45, { ascent: 0.93, descent: 0.625 }).baseline).toBeCloseTo(14 * 0.75, 9);
  });

  it("sets a Devanagari paragraph's baseline higher than a Latin one's at the same size and line-height (its face is taller)", () => {
    const latin = strutOf(fonts, "serif", 10.5, 10.5 * 1.45);
    const devanagari = strutOf(fonts, "devanagari", 10.5, 10.5 * 1.45);
    expect(latin.height).toBeCloseTo(devanagari.height, 9);
    // 14px text: Devanagari A = 13, D = 9, half-leading -1 -> 12px; Latin 15px (above).
    expect(devanagari.baseline).toBeCloseTo(12 * 0.75, 9);
    expect(latin.baseline).toBeCloseTo(15 * 0.75, 9);
  });
});
