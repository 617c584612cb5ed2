/**
 * A TrueType subset's font program, written as fontkit's TTFSubset.encode writes it, byte for byte,
 * without its generic encoder (restructure): fontkit sizes and then encodes each `loca` offset,
 * `hmtx` metric and `fpgm`/`prep`/`cvt ` byte through a field object of its own, and clones the
 * `head`, `hhea` and `maxp` tables, for every subset; a warm letter's new reader pays it again for
 * the whole subset (issue 13 item 8). Here the tables that do not depend on the glyphs are taken once
 * per font from fontkit's own encoding of a one-glyph subset, and the rest is copied in.
 *
 * The layout fontkit writes (fontkit src/subset/TTFSubset.js, src/tables/directory.js): a
 * directory tagged 'true' listing head, hhea, loca, maxp, cvt, prep, glyf, hmtx, fpgm (those the font
 * has) in that order, every checksum 0, the tables' data right after it in the same order, unpadded.
 */

/** The tables of a subset that depend on its glyphs, as fontkit's `_addGlyph` fills them. */
export interface SubsetTables {
  /** Each glyph's program, in subset order. */
  readonly glyf: readonly Uint8Array[];
  /** Each glyph's offset in `glyf`, and the end: glyf.length + 1 offsets, in bytes. */
  readonly locaOffsets: readonly number[];
  /** Each glyph's advance and left side bearing, in font units. */
  readonly metrics: readonly { readonly advance: number; readonly bearing: number }[];
}

/** What a font's subsets share: fontkit's bytes of the tables that do not depend on the glyphs. */
export interface SubsetTemplate {
  /** Table tags in fontkit's order, each with its bytes (`null` for the glyph-dependent ones, written per subset). */
  readonly tables: readonly { readonly tag: string; readonly bytes: Uint8Array | null }[];
  /** `loca`'s format: 0 for offsets / 2 in 16 bits, 1 for offsets in 32 bits (the font's own, as fontkit keeps it). */
  readonly locaVersion: 0 | 1;
}

const GLYPH_TABLES = new Set(["loca", "glyf", "hmtx"]);
/** Where `maxp` keeps numGlyphs and `hhea` numberOfMetrics (OpenType spec, both uint16). */
const MAXP_NUM_GLYPHS = 4;
const HHEA_NUMBER_OF_METRICS = 34;

/**
 * The template of a font's subsets, from fontkit's encoding of one of its subsets (`encoded`, any
 * glyphs) and its loca format. Throws when `encoded` is not laid out as fontkit writes (see the module comment).
 */
export function subsetTemplate(encoded: Uint8Array, locaVersion: number): SubsetTemplate {
  const bytes = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  if (bytes.toString("latin1", 0, 4) !== "true") throw new Error("truetype-subset: fontkit's subset is not tagged 'true'");
  if (locaVersion !== 0 && locaVersion !== 1) throw new Error(`truetype-subset: unknown loca format ${locaVersion}`);
  const count = bytes.readUInt16BE(4);
  const tables: { tag: string; bytes: Uint8Array | null }[] = [];
  let expected = 12 + 16 * count;
  for (let t = 0; t < count; t++) {
    const entry = 12 + 16 * t;
    const tag = bytes.toString("latin1", entry, entry + 4);
    const offset = bytes.readUInt32BE(entry + 8);
    const length = bytes.readUInt32BE(entry + 12);
    if (offset !== expected || bytes.readUInt32BE(entry + 4) !== 0) throw new Error(`truetype-subset: fontkit's '${tag}' is not where its layout puts it`);
    expected += length;
    tables.push({ tag, bytes: GLYPH_TABLES.has(tag) ? null : Uint8Array.from(bytes.subarray(offset, offset + length)) });
  }
  return { tables, locaVersion };
}

/** fontkit's TTFSubset as `writeFontkitSubset` drives it: its glyphs, and the tables its `_addGlyph` fills. */
export interface FontkitSubsetTables {
  glyphs: number[];
  _addGlyph(id: number): number;
  glyf: Uint8Array[];
  offset: number;
  loca: { offsets: number[]; version?: number };
  hmtx: { metrics: { advance: number; bearing: number }[]; bearings?: number[] };
}

/**
 * fontkit's TTFSubset.encode, the same bytes: fills `subset`'s tables through its `_addGlyph` as
 * fontkit does (components included as they come), then writes them with `template` (`encodeSubset`).
 */
export function writeFontkitSubset(subset: FontkitSubsetTables, template: SubsetTemplate): Uint8Array {
  subset.glyf = [];
  subset.offset = 0;
  subset.loca = { offsets: [], version: template.locaVersion };
  subset.hmtx = { metrics: [], bearings: [] };
  for (let i = 0; i < subset.glyphs.length; ) subset._addGlyph(subset.glyphs[i++]!);
  subset.loca.offsets.push(subset.offset);
  return encodeSubset(template, { glyf: subset.glyf, locaOffsets: subset.loca.offsets, metrics: subset.hmtx.metrics });
}

/** The subset's font program: `template`'s tables, with `tables` for the glyphs (see the module comment). */
export function encodeSubset(template: SubsetTemplate, tables: SubsetTables): Uint8Array {
  const glyphs = tables.glyf.length;
  const data = template.tables.map(({ tag, bytes }) => {
    switch (tag) {
      case "glyf":
        return Buffer.concat(tables.glyf);
      case "loca":
        return locaBytes(tables.locaOffsets, template.locaVersion);
      case "hmtx":
        return hmtxBytes(tables.metrics);
      case "maxp":
        return patchedUint16(bytes!, MAXP_NUM_GLYPHS, glyphs);
      case "hhea":
        return patchedUint16(bytes!, HHEA_NUMBER_OF_METRICS, tables.metrics.length);
      default:
        return bytes!;
    }
  });
  const count = data.length;
  const directory = Buffer.alloc(12 + 16 * count);
  directory.write("true", 0, "latin1");
  directory.writeUInt16BE(count, 4);
  const power = 2 ** Math.floor(Math.log2(count));
  directory.writeUInt16BE(power * 16, 6);
  directory.writeUInt16BE(Math.log2(power), 8);
  directory.writeUInt16BE(count * 16 - power * 16, 10);
  let offset = directory.length;
  template.tables.forEach(({ tag }, t) => {
    const entry = 12 + 16 * t;
    directory.write(tag, entry, "latin1");
    directory.writeUInt32BE(offset, entry + 8);
    directory.writeUInt32BE(data[t]!.length, entry + 12);
    offset += data[t]!.length;
  });
  return Buffer.concat([directory, ...data]);
}

function locaBytes(offsets: readonly number[], version: 0 | 1): Buffer {
  const bytes = Buffer.alloc(offsets.length * (version === 0 ? 2 : 4));
  // fontkit writes short offsets halved, dropping a low bit (`>>> 1`), as loca.preEncode does.
  if (version === 0) for (let i = 0; i < offsets.length; i++) bytes.writeUInt16BE((offsets[i]! >>> 1) & 0xffff, 2 * i);
  else for (let i = 0; i < offsets.length; i++) bytes.writeUInt32BE(offsets[i]!, 4 * i);
  return bytes;
}

function hmtxBytes(metrics: SubsetTables["metrics"]): Buffer {
  const bytes = Buffer.alloc(metrics.length * 4);
  for (let i = 0; i < metrics.length; i++) {
    // As a DataView writes them (restructure's way): truncated, then wrapped to 16 bits.
    bytes.writeUInt16BE(metrics[i]!.advance & 0xffff, 4 * i);
    bytes.writeUInt16BE(metrics[i]!.bearing & 0xffff, 4 * i + 2);
  }
  return bytes;
}

function patchedUint16(bytes: Uint8Array, at: number, value: number): Buffer {
  const out = Buffer.from(bytes);
  out.writeUInt16BE(value & 0xffff, at);
  return out;
}
