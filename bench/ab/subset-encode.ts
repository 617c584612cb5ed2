/**
 * fontkit's TTFSubset.encode against truetype-subset.ts's `encodeSubset` on the same subsets, in one
 * process, alternating, median of `--rounds`: the glyph programs are copied from a first encoding in
 * both (as pdfkit-adapter's copyGlyphsOnce does), so the figure is the writing of the tables alone.
 *
 *   npx tsx bench/ab/subset-encode.ts [--faces serif-regular,naskh-regular,sc-regular] [--glyphs 60,300,700] [--rounds 200]
 */
import { parseArgs } from "node:util";
import type { FaceId } from "../../functions/core/pdf/font-library";
import { subsetTemplate, writeFontkitSubset } from "../../functions/core/pdf/truetype-subset";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";

const { values } = parseArgs({
  options: {
    faces: { type: "string", default: "serif-regular,naskh-regular,sc-regular,kr-regular" },
    glyphs: { type: "string", default: "60,300,700" },
    rounds: { type: "string", default: "200" },
  },
});

interface Subset {
  glyphs: number[];
  includeGlyph(id: number): number;
  encode(): Uint8Array;
  _addGlyph(id: number): number;
  glyf: Uint8Array[];
  offset: number;
  loca: { offsets: number[]; version?: number };
  hmtx: { metrics: { advance: number; bearing: number }[]; bearings?: number[] };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const fonts = loadFontLibrary();
console.log("| face | glyphs | fontkit ms | ours ms | ours/fontkit |");
console.log("| --- | --- | --- | --- | --- |");
for (const face of values.faces.split(",") as FaceId[]) {
  const font = fonts.face(face) as unknown as { numGlyphs: number; createSubset(): Subset; loca: { version: number } };
  const template = subsetTemplate(font.createSubset().encode(), font.loca.version);
  for (const count of values.glyphs.split(",").map(Number)) {
    const subset = font.createSubset();
    const step = Math.max(1, Math.floor(font.numGlyphs / count));
    for (let id = 1; subset.glyphs.length < count && id < font.numGlyphs; id += step) subset.includeGlyph(id);
    subset.encode();
    const programs = subset.glyf.slice();
    const metrics = subset.hmtx.metrics.slice();
    // Replays the first encoding's glyphs: what copyGlyphsOnce gives both writers.
    subset._addGlyph = function (this: Subset) {
      const i = this.glyf.length;
      this.glyf.push(programs[i]!);
      this.loca.offsets.push(this.offset);
      this.hmtx.metrics.push(metrics[i]!);
      this.offset += programs[i]!.length;
      return i;
    };
    const ours = () => writeFontkitSubset(subset, template);
    if (!Buffer.from(ours()).equals(Buffer.from(subset.encode()))) throw new Error(`${face}: the two encodings differ`);
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < Number(values.rounds); r++) {
      for (const [run, times] of (r % 2
        ? [
            [ours, b],
            [() => subset.encode(), a],
          ]
        : [
            [() => subset.encode(), a],
            [ours, b],
          ]) as [() => Uint8Array, number[]][]) {
        const start = performance.now();
        run();
        times.push(performance.now() - start);
      }
    }
    console.log(`| ${face} | ${subset.glyphs.length} | ${median(a).toFixed(3)} | ${median(b).toFixed(3)} | ${(median(b) / median(a)).toFixed(3)} |`);
  }
}
