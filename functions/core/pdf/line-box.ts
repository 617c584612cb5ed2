import type { Font } from "fontkit";
import { LetterpressError } from "../errors";
import { type FamilyId, faceOf, type FontLibrary } from "./font-library";

/**
 * The line box's height and where its baseline sits: the CSS inline formatting model's vertical
 * half, as CSS 2.1 §10.8 ("Line height calculations") and CSS Inline Layout 3 §4 ("Baselines and
 * alignment metrics") define it, with the font metrics a browser reads.
 *
 * Every inline box of a line, and the line's strut, is as tall as its used line-height; the
 * difference between that and the font's ascent A plus descent D (its "A+D") is the leading, half of
 * it added above the ascent and half below the descent (§10.8.1). A negative leading, a font taller
 * than the line-height, shrinks the box the same way. The baseline therefore sits
 * `(lineHeight - (A + D)) / 2 + A` below the line box's top: it depends on the *font's* ascent and
 * descent, not on the font size alone (CJK and Devanagari faces are taller than Latin ones).
 *
 * Our paragraphs set every inline box in one size and one family (the paragraph's primary family;
 * other faces only stand in for characters it lacks), so all the line's inline boxes and its strut
 * share one A+D and one line-height and the line box is exactly the used line-height. That the
 * fallback faces do not count is what Blink/LayoutNG does when line-height is a number or a length
 * (it unites the used fonts' heights only for `line-height: normal`, which our stylesheets refuse).
 */

/** A face's ascent and descent (both positive, in ems) as CSS's "A" and "D" take them. */
export interface FontExtents {
  ascent: number;
  descent: number;
}

/** A line box: its height and its baseline's distance from its top, in points. */
export interface LineBox {
  height: number;
  baseline: number;
}

/** OS/2 fsSelection bit 7: the face asks to be measured by its typographic ascent and descent. */
interface Os2Metrics {
  typoAscender: number;
  typoDescender: number;
  winAscent: number;
  winDescent: number;
  fsSelection?: { useTypoMetrics?: boolean };
}

interface HheaMetrics {
  ascent: number;
  descent: number;
}

/**
 * The ascent and descent a browser lays a face's text out with (the "A" and "D" of CSS 2.1
 * §10.8.1). FreeType, which Chromium uses on Linux, takes the OS/2 typographic values when the face
 * sets USE_TYPO_METRICS (OpenType OS/2 fsSelection bit 7), the hhea values otherwise, and the
 * typographic and then the Windows values when hhea has none; so do we, so both editions agree.
 */
export function fontExtents(font: Font): FontExtents {
  const tables = font as unknown as { hhea?: HheaMetrics; "OS/2"?: Os2Metrics; unitsPerEm: number };
  const os2 = tables["OS/2"];
  const hhea = tables.hhea;
  const em = tables.unitsPerEm;
  if (os2?.fsSelection?.useTypoMetrics) return { ascent: os2.typoAscender / em, descent: -os2.typoDescender / em };
  if (hhea && (hhea.ascent !== 0 || hhea.descent !== 0)) return { ascent: hhea.ascent / em, descent: -hhea.descent / em };
  if (os2 && (os2.typoAscender !== 0 || os2.typoDescender !== 0)) return { ascent: os2.typoAscender / em, descent: -os2.typoDescender / em };
  if (os2) return { ascent: os2.winAscent / em, descent: os2.winDescent / em };
  throw new LetterpressError("RENDER_ERROR", `font ${font.postscriptName}: it has neither an hhea nor an OS/2 table, so it has no ascent and descent for a line box`);
}

/** CSS pixels in a point (CSS Values 4 §6.2: 96px = 72pt = 1in), the unit Blink rounds font metrics in. */
const PX_PER_PT = 96 / 72;

/** Blink's layout unit: 1/64 of a CSS pixel. */
const LAYOUT_UNITS_PER_PX = 64;

/**
 * A length (points) in whole layout units, rounded down, as Blink holds a used line-height
 * (ComputedStyle::ComputedLineHeightAsFixed, LayoutUnit::FromFloatFloor): 1.45 x 12pt is 23.2 px,
 * 23.1875 px in layout units. A letter's lines add the difference up over a page: without it, a
 * line that ends a page in Chromium by a fraction of a point ran over ours.
 */
function layoutUnits(length: number): number {
  return Math.floor(length * PX_PER_PT * LAYOUT_UNITS_PER_PX) / LAYOUT_UNITS_PER_PX / PX_PER_PT;
}

/**
 * The line box of a line whose inline boxes all have `extents` at `fontSize` and the used
 * `lineHeight` (both in points): the line-height tall, the baseline half the leading below the
 * ascent's top (CSS 2.1 §10.8.1), in whole CSS pixels as Chromium places it: Blink rounds the
 * font's ascent and descent to whole pixels (its FontMetrics) and floors the half-leading above the
 * ascent (CalculateLeadingSpace), so its baseline sits a whole number of pixels below the line's
 * top; the line-height itself in whole layout units (`layoutUnits`). Measured against Chromium 156 for six of our faces at three sizes and three line-heights:
 * the same baseline in every case, where the unrounded formula was up to 0.9 px (0.7 pt) lower.
 */
export function lineBox(fontSize: number, lineHeight: number, extents: FontExtents): LineBox {
  const ascent = Math.round(extents.ascent * fontSize * PX_PER_PT);
  const descent = Math.round(extents.descent * fontSize * PX_PER_PT);
  const halfLeading = Math.floor((lineHeight * PX_PER_PT - (ascent + descent)) / 2);
  return { height: layoutUnits(lineHeight), baseline: (halfLeading + ascent) / PX_PER_PT };
}

/** Each face's extents, read once per parsed font. */
const extentsCache = new WeakMap<Font, FontExtents>();

/**
 * The strut of a block whose text is set in `family` at `fontSize` with the used `lineHeight` (in
 * points): the line box of every line of its paragraphs (see above: one family and size per
 * paragraph), and the box an inline image's line grows from. Our families' bold and italic faces
 * have their regular face's ascent and descent, so the regular face speaks for the paragraph.
 */
export function strutOf(fonts: FontLibrary, family: FamilyId, fontSize: number, lineHeight: number): LineBox {
  const font = fonts.face(faceOf(family, { bold: false, italic: false }));
  let extents = extentsCache.get(font);
  if (!extents) {
    extents = fontExtents(font);
    extentsCache.set(font, extents);
  }
  return lineBox(fontSize, lineHeight, extents);
}

/**
 * A line box grown to hold inline boxes of text set apart from the paragraph (`sup`, `sub`, `small`; CSS 2.1 §10.8.1):
 * each box is its own line-height tall, its baseline (`lineBox` of its size and line-height, rounded as Blink rounds
 * it) raised by `rise` points above the strut's (negative: lowered); the line box reaches from the highest top to the
 * lowest bottom of the strut and every box, its baseline where the strut's top is then. A superscript at a paragraph's
 * line-height 1.2 reaches above the strut, and its line is taller than the others, as in browsers.
 */
export function lineBoxWithText(strut: LineBox, boxes: readonly { box: LineBox; rise: number }[]): LineBox {
  let above = strut.baseline;
  let below = strut.height - strut.baseline;
  for (const { box, rise } of boxes) {
    above = Math.max(above, box.baseline + rise);
    below = Math.max(below, box.height - box.baseline - rise);
  }
  return above === strut.baseline && below === strut.height - strut.baseline ? strut : { height: above + below, baseline: above };
}

/**
 * `vertical-align` of an atomic inline box (an inline image), the values CSS 2.1 §10.8.1 defines
 * without a length or a percentage. `sub`, `super`, lengths and percentages are refused by the
 * stylesheet (templates/CSS.md).
 */
export type InlineAlign = "baseline" | "middle" | "top" | "bottom" | "text-top" | "text-bottom";

/** An atomic inline box on a line: its content box in points and how it aligns; the layout's `image` rides along. */
export interface AtomicInline<Content = unknown> {
  width: number;
  height: number;
  align: InlineAlign;
  /** What a set paragraph holding it is cached by: its content's identity (the image's digest). */
  key: string;
  content: Content;
  /** Its parent's style (an image inherits font-weight and font-style): `vertical-align` reads that face, a bold paragraph's bold face. */
  parentStyle?: { bold: boolean; italic: boolean };
}

/** The parent's font as `vertical-align` reads it, in points: its content area's ascent and descent above and below the baseline, and its x-height. */
export interface ParentFont {
  ascent: number;
  descent: number;
  xHeight: number;
}

/**
 * The parent font `vertical-align` reads for a paragraph set in `family` at `fontSize` (points): the
 * content area's ascent and descent rounded to whole CSS pixels as Blink's FontMetrics holds them
 * (as `lineBox` does), and the face's x-height (`xHeightOf`) unrounded.
 */
export function parentFontOf(fonts: FontLibrary, family: FamilyId, fontSize: number, style: { bold: boolean; italic: boolean } = { bold: false, italic: false }): ParentFont {
  const font = fonts.face(faceOf(family, style));
  let extents = extentsCache.get(font);
  if (!extents) {
    extents = fontExtents(font);
    extentsCache.set(font, extents);
  }
  const xHeight = xHeightOf(font);
  return {
    ascent: Math.round(extents.ascent * fontSize * PX_PER_PT) / PX_PER_PT,
    descent: Math.round(extents.descent * fontSize * PX_PER_PT) / PX_PER_PT,
    xHeight: xHeight * fontSize,
  };
}

/**
 * A face's x-height in ems as Chromium reads it on Linux (Skia's FreeType backend): the OS/2 sxHeight
 * when the face sets one, else the top of its "x" glyph's outline (Noto Naskh Arabic has sxHeight 0
 * and an "x" 0.536 em tall: with 0 the `middle` image sat 2pt off Chromium's), else Blink's fallback
 * of 0.56 of the ascent.
 */
function xHeightOf(font: Font): number {
  const em = font.unitsPerEm;
  const table = (font as unknown as { "OS/2"?: { xHeight?: number } })["OS/2"];
  if (table?.xHeight) return table.xHeight / em;
  const x = font.glyphForCodePoint(0x78);
  if (x && x.id !== 0 && x.bbox.maxY > 0) return x.bbox.maxY / em;
  return 0.56 * fontExtents(font).ascent;
}

/**
 * A line box grown to contain its atomic inline boxes (CSS 2.1 §10.8 "Line height calculations"):
 * each box aligned to the baseline (`baseline`, `middle`, `text-top`, `text-bottom`) extends the
 * strut's height above and below the baseline where it reaches further; then a box aligned to the
 * line's `top` or `bottom` taller than the line so far grows it downward (top) or upward (bottom),
 * as browsers do. Returns the line box and each box's top, in points from the line box's top.
 */
export function lineBoxWith(
  strut: LineBox,
  paragraphFont: ParentFont,
  boxes: readonly { height: number; align: InlineAlign; parent?: ParentFont }[],
): { box: LineBox; tops: number[] } {
  let above = strut.baseline;
  let below = strut.height - strut.baseline;
  // Each box's height above the baseline (null: aligned to the line box, placed once it is known).
  const raised = boxes.map(({ height, align, parent = paragraphFont }): number | null => {
    switch (align) {
      case "baseline":
        return height;
      case "middle":
        return height / 2 + parent.xHeight / 2;
      case "text-top":
        return parent.ascent;
      case "text-bottom":
        return height - parent.descent;
      default:
        return null;
    }
  });
  boxes.forEach(({ height }, i) => {
    const up = raised[i];
    if (up === null || up === undefined) return;
    above = Math.max(above, up);
    below = Math.max(below, height - up);
  });
  let height = above + below;
  for (const box of boxes) {
    if (box.align === "top" && box.height > height) {
      below += box.height - height;
      height = box.height;
    } else if (box.align === "bottom" && box.height > height) {
      above += box.height - height;
      height = box.height;
    }
  }
  const tops = boxes.map((box, i) => {
    const up = raised[i];
    if (up !== null && up !== undefined) return above - up;
    return box.align === "top" ? 0 : height - box.height;
  });
  return { box: { height, baseline: above }, tops };
}
