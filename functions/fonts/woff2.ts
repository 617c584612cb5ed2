import { brotliCompressSync, constants } from "node:zlib";
import { countOf, LetterpressError } from "../core/errors";

/*
 * A WOFF2 encoder (W3C WOFF File Format 2.0) on Node's own Brotli: every table kept as it is (the
 * null transform, which the format allows for glyf and loca too), all of them Brotli-compressed as
 * one stream in font mode. Google's reference encoder (wawoff2, in WebAssembly) also rewrites glyf
 * and loca, a few percent smaller, but its Brotli window of 4 MiB grew its memory to 76 MB for a
 * Latin subset (memory a WebAssembly instance never gives back) and took over 2 s of CPU for a
 * whole 0.5 MB face; Node's Brotli is native, sizes its window to the font, and frees it after.
 */

/** The tags WOFF2 encodes in one byte (section 5.1, "Known Table Tags"); any other is written out. */
const KNOWN_TAGS = [
  "cmap",
  "head",
  "hhea",
  "hmtx",
  "maxp",
  "name",
  "OS/2",
  "post",
  "cvt ",
  "fpgm",
  "glyf",
  "loca",
  "prep",
  "CFF ",
  "VORG",
  "EBDT",
  "EBLC",
  "gasp",
  "hdmx",
  "kern",
  "LTSH",
  "PCLT",
  "VDMX",
  "vhea",
  "vmtx",
  "BASE",
  "GDEF",
  "GPOS",
  "GSUB",
  "EBSC",
  "JSTF",
  "MATH",
  "CBDT",
  "CBLC",
  "COLR",
  "CPAL",
  "SVG ",
  "sbix",
  "acnt",
  "avar",
  "bdat",
  "bloc",
  "bsln",
  "cvar",
  "fdsc",
  "feat",
  "fmtx",
  "fvar",
  "gvar",
  "hsty",
  "just",
  "lcar",
  "mort",
  "morx",
  "opbd",
  "prop",
  "trak",
  "Zapf",
  "Silf",
  "Glat",
  "Gloc",
  "Feat",
  "Sill",
];

/** Transformation version 3: the null transform of glyf and loca (for every other table, version 0 is). */
const NULL_TRANSFORM_GLYF_LOCA = 3 << 6;

interface Table {
  tag: string;
  data: Uint8Array;
}

/** UIntBase128: 7 bits a byte, most significant first, the high bit set on every byte but the last. */
function base128(value: number): number[] {
  const bytes = [value & 0x7f];
  for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128)) bytes.unshift((rest & 0x7f) | 0x80);
  return bytes;
}

/** The tables of a TrueType or OpenType font (an sfnt), in the order WOFF2 stores them. */
function tablesOf(font: Uint8Array, name: string): { flavor: number; tables: Table[] } {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  if (font.byteLength < 12) throw new LetterpressError("RENDER_ERROR", `${name}: not a font (${countOf(font.byteLength, "byte")})`);
  const flavor = view.getUint32(0);
  const count = view.getUint16(4);
  const tables: Table[] = [];
  for (let i = 0; i < count; i++) {
    const record = 12 + i * 16;
    if (record + 16 > font.byteLength) throw new LetterpressError("RENDER_ERROR", `${name}: its table directory runs past the end of the file`);
    const tag = String.fromCharCode(font[record]!, font[record + 1]!, font[record + 2]!, font[record + 3]!);
    const offset = view.getUint32(record + 8);
    const length = view.getUint32(record + 12);
    if (offset + length > font.byteLength) throw new LetterpressError("RENDER_ERROR", `${name}: table ${tag} runs past the end of the file`);
    tables.push({ tag, data: font.subarray(offset, offset + length) });
  }
  // Tag order, except that loca follows glyf at once (section 5.1).
  tables.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  const loca = tables.findIndex((table) => table.tag === "loca");
  if (loca >= 0 && tables.some((table) => table.tag === "glyf")) {
    const [entry] = tables.splice(loca, 1);
    tables.splice(tables.findIndex((table) => table.tag === "glyf") + 1, 0, entry!);
  }
  return { flavor, tables };
}

/**
 * Brotli's quality for the subsets. Quality 11 (Brotli's best) was most of a language's first HTML
 * page: the seed letter's subsets took 542 ms to encode in Japanese, 498 in Bengali, 424 in Korean;
 * quality 7 takes 17, 14 and 17 ms for 4-9% more font bytes in the page (ja 126.7 -> 131.9 KB,
 * bn 141.0 -> 147.8, ko 112.6 -> 121.4, hi 79.8 -> 87.2 in base64). Quality 9 is no smaller than 7
 * and 3x slower; 10 is 1-2% larger than 11 and takes a third of its time (bench/ab/brotli-quality.ts,
 * one run, load average 7-8). The glyphs and their tables are the same: only their compression differs.
 */
export const WOFF2_BROTLI_QUALITY = 7;

/**
 * A font (TrueType or OpenType) as a WOFF2 file: the same tables, Brotli-compressed (quality
 * `WOFF2_BROTLI_QUALITY`, font mode, a window no larger than the tables need). Deterministic: the
 * same font gives the same bytes.
 */
export function encodeWoff2(font: Uint8Array, name: string): Uint8Array {
  const { flavor, tables } = tablesOf(font, name);
  const directory: number[] = [];
  let sfntSize = 12 + 16 * tables.length;
  for (const { tag, data } of tables) {
    const known = KNOWN_TAGS.indexOf(tag);
    const transform = tag === "glyf" || tag === "loca" ? NULL_TRANSFORM_GLYF_LOCA : 0;
    directory.push((known >= 0 ? known : 63) | transform);
    if (known < 0) for (let i = 0; i < 4; i++) directory.push(tag.charCodeAt(i));
    directory.push(...base128(data.byteLength));
    sfntSize += (data.byteLength + 3) & ~3;
  }
  const stream = Buffer.concat(tables.map((table) => table.data));
  const window = Math.min(24, Math.max(16, Math.ceil(Math.log2(stream.byteLength + 1))));
  const compressed = brotliCompressSync(stream, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: WOFF2_BROTLI_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_FONT,
      [constants.BROTLI_PARAM_LGWIN]: window,
      [constants.BROTLI_PARAM_SIZE_HINT]: stream.byteLength,
    },
  });
  const headerLength = 48;
  const unpadded = headerLength + directory.length + compressed.byteLength;
  const length = (unpadded + 3) & ~3;
  const out = Buffer.alloc(length);
  out.write("wOF2", 0, "latin1");
  out.writeUInt32BE(flavor, 4);
  out.writeUInt32BE(length, 8);
  out.writeUInt16BE(tables.length, 12);
  out.writeUInt32BE(sfntSize, 16);
  out.writeUInt32BE(compressed.byteLength, 20);
  out.writeUInt16BE(1, 24);
  // minorVersion, metadata and private block: none (zero).
  Buffer.from(directory).copy(out, headerLength);
  compressed.copy(out, headerLength + directory.length);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
