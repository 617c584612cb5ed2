import type { Font } from "fontkit";
import { FACE_IDS } from "../../../functions/core/pdf/font-library";
import { encodeSubset, subsetTemplate } from "../../../functions/core/pdf/truetype-subset";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";

/** fontkit's TrueType subset, as it encodes it and as its tables stand after encoding. */
interface FontkitSubset {
  includeGlyph(id: number): number;
  encode(): Uint8Array;
  glyf: Uint8Array[];
  hmtx: { metrics: { advance: number; bearing: number }[] };
  cff?: unknown;
}

/** Every `step`-th glyph of the font (compound glyphs among them), at most `count`. */
function sampleGlyphs(font: Font, count: number): number[] {
  const step = Math.max(1, Math.floor(font.numGlyphs / count));
  const ids: number[] = [];
  for (let id = 1; id < font.numGlyphs && ids.length < count; id += step) ids.push(id);
  return ids;
}

const fonts = loadFontLibrary();
/** The faces whose subsets fontkit writes as TrueType (the others are CFF or variable: fontkit's own encoding stays). */
const TRUE_TYPE = FACE_IDS.filter((id) => {
  const font = fonts.face(id);
  return (font as unknown as { createSubset(): FontkitSubset }).createSubset().cff == null && !(font as unknown as { _variationProcessor?: unknown })._variationProcessor;
});

describe("TrueType subsets written without restructure", () => {
  test("the library's TrueType faces include the Latin, Arabic and CJK ones the seed letter uses", () => {
    expect(TRUE_TYPE).toEqual(expect.arrayContaining(["serif-regular", "naskh-regular", "sc-regular", "jp-regular", "kr-regular"]));
  });

  test.each(TRUE_TYPE)("%s: the same bytes as fontkit's encoding, from a template of another subset", (id) => {
    const font = fonts.face(id);
    const createSubset = () => (font as unknown as { createSubset(): FontkitSubset }).createSubset();
    const template = subsetTemplate(createSubset().encode(), (font as unknown as { loca: { version: number } }).loca.version);
    for (const count of [1, 40, 300]) {
      const subset = createSubset();
      for (const glyph of sampleGlyphs(font, count)) subset.includeGlyph(glyph);
      const fontkitBytes = Buffer.from(subset.encode());
      // The tables fontkit filled, offsets summed anew (fontkit halves its own for a short loca).
      const locaOffsets = [0];
      for (const program of subset.glyf) locaOffsets.push(locaOffsets.at(-1)! + program.length);
      const ours = Buffer.from(encodeSubset(template, { glyf: subset.glyf, locaOffsets, metrics: subset.hmtx.metrics }));
      expect({ id, count, equal: ours.equals(fontkitBytes), length: ours.length }).toEqual({ id, count, equal: true, length: fontkitBytes.length });
    }
  });
});
