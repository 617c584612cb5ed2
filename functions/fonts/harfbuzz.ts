import type { GlyphShaper, ShapingResult } from "../core/pdf/font-library";

/*
 * HarfBuzz, compiled to WebAssembly by harfbuzzjs, driven through its C API. harfbuzzjs's own
 * JavaScript wrapper is an ES module with top-level await and `import.meta.url`, which neither a
 * CommonJS Lambda bundle nor Jest's CommonJS transform can load; its wasm binary needs only five
 * trivial imports, so this adapter instantiates it synchronously and owns every call into it.
 */

/** The HarfBuzz C functions this adapter calls (pointers and enums are numbers). */
interface HarfBuzzExports {
  memory: WebAssembly.Memory;
  __wasm_call_ctors(): void;
  malloc(size: number): number;
  free(pointer: number): void;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_get_upem(face: number): number;
  hb_font_create(face: number): number;
  hb_font_set_scale(font: number, x: number, y: number): void;
  hb_font_get_nominal_glyph(font: number, codePoint: number, glyph: number): number;
  hb_font_get_glyph_h_advance(font: number, glyph: number): number;
  hb_buffer_create(): number;
  hb_buffer_clear_contents(buffer: number): void;
  hb_buffer_add_utf16(buffer: number, text: number, length: number, offset: number, itemLength: number): void;
  hb_buffer_set_direction(buffer: number, direction: number): void;
  hb_buffer_set_language(buffer: number, language: number): void;
  hb_buffer_guess_segment_properties(buffer: number): void;
  hb_buffer_get_length(buffer: number): number;
  hb_buffer_get_glyph_infos(buffer: number, length: number): number;
  hb_buffer_get_glyph_positions(buffer: number, length: number): number;
  hb_language_from_string(text: number, length: number): number;
  hb_shape(font: number, buffer: number, features: number, featureCount: number): void;
}

const HB_MEMORY_MODE_READONLY = 1;
const HB_DIRECTION_LTR = 4;
const HB_DIRECTION_RTL = 5;
/** hb_glyph_info_t and hb_glyph_position_t are both five 32-bit words. */
const RECORD_WORDS = 5;

/**
 * Tables HarfBuzz does not read to shape horizontal text with advances: the glyph outlines (and
 * their index) and outline-only extras. Outlines are 95% of a CJK face (10.1 of Noto Sans SC's
 * 10.6 MB); fontkit keeps the whole file for embedding and drawing, so the copy in HarfBuzz's memory
 * leaves them out. Fallback mark positioning would read outline extents, but only for a face
 * without GPOS mark positioning, which no face of ours lacks (the warm A/B's digests compare every
 * language's bytes with and without).
 */
const OUTLINE_TABLES = new Set(["glyf", "loca", "CFF ", "CFF2", "hdmx", "DSIG"]);

/**
 * The font file without `OUTLINE_TABLES`: the sfnt header and directory rewritten for the tables
 * kept, each at a 4-byte aligned offset, their bytes and checksums unchanged. A file that is not a
 * plain sfnt (a collection, or a directory that does not fit) is returned as it is.
 */
export function shapingTables(font: Uint8Array): Uint8Array {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  if (font.byteLength < 12) return font;
  const version = view.getUint32(0);
  if (version !== 0x00010000 && version !== 0x4f54544f && version !== 0x74727565) return font;
  const count = view.getUint16(4);
  if (12 + count * 16 > font.byteLength) return font;
  const kept: { record: number; offset: number; length: number }[] = [];
  for (let i = 0; i < count; i++) {
    const record = 12 + i * 16;
    const tag = String.fromCharCode(font[record]!, font[record + 1]!, font[record + 2]!, font[record + 3]!);
    const offset = view.getUint32(record + 8);
    const length = view.getUint32(record + 12);
    if (offset + length > font.byteLength) return font;
    if (!OUTLINE_TABLES.has(tag)) kept.push({ record, offset, length });
  }
  if (kept.length === count) return font;
  const headerLength = 12 + kept.length * 16;
  const total = kept.reduce((sum, table) => sum + ((table.length + 3) & ~3), headerLength);
  const out = new Uint8Array(total);
  const outView = new DataView(out.buffer);
  // searchRange, entrySelector and rangeShift follow from the new table count (OpenType spec, "Table Directory").
  const entrySelector = kept.length > 0 ? Math.floor(Math.log2(kept.length)) : 0;
  outView.setUint32(0, version);
  outView.setUint16(4, kept.length);
  outView.setUint16(6, 2 ** entrySelector * 16);
  outView.setUint16(8, entrySelector);
  outView.setUint16(10, kept.length * 16 - 2 ** entrySelector * 16);
  let at = headerLength;
  kept.forEach((table, i) => {
    const record = 12 + i * 16;
    out.set(font.subarray(table.record, table.record + 8), record); // tag and checksum
    outView.setUint32(record + 8, at);
    outView.setUint32(record + 12, table.length);
    out.set(font.subarray(table.offset, table.offset + table.length), at);
    at += (table.length + 3) & ~3;
  });
  return out;
}

/** One HarfBuzz instance: its memory holds every face it shapes with, for the life of the process. */
export interface HarfBuzz {
  /** A shaper for one font file (a TrueType or OpenType font, not a collection). */
  shaper(fontFile: Uint8Array): GlyphShaper;
}

/**
 * Instantiates HarfBuzz from the bytes of harfbuzzjs's `harfbuzz.wasm`, synchronously: compiling
 * the 440 kB module takes a few milliseconds, and a synchronous font library keeps the core simple.
 */
export function instantiateHarfBuzz(wasm: Uint8Array): HarfBuzz {
  let hb: HarfBuzzExports | undefined;
  const imports = {
    env: {
      _emscripten_runtime_keepalive_clear: () => {},
      _abort_js: () => {
        throw new Error("HarfBuzz aborted");
      },
      _setitimer_js: () => 0,
      // malloc asks for more memory: grow to at least the requested size, in 64 KiB pages.
      emscripten_resize_heap: (requested: number) => {
        const memory = hb!.memory;
        const needed = Math.ceil(((requested >>> 0) - memory.buffer.byteLength) / 65536);
        try {
          if (needed > 0) memory.grow(Math.max(needed, memory.buffer.byteLength / 65536 / 4) | 0);
          return 1;
        } catch {
          return 0;
        }
      },
    },
    wasi_snapshot_preview1: {
      proc_exit: (code: number) => {
        throw new Error(`HarfBuzz exited with status ${code}`);
      },
    },
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>), imports);
  hb = instance.exports as unknown as HarfBuzzExports;
  hb.__wasm_call_ctors();
  const exports = hb;

  // One buffer, one scratch word and one growing text area serve every shaping call: shaping is synchronous.
  const buffer = exports.hb_buffer_create();
  const scratch = exports.malloc(4);
  let textArea = 0;
  let textCapacity = 0;
  const languages = new Map<string, number>();
  const languageOf = (tag: string): number => {
    let language = languages.get(tag);
    if (language === undefined) {
      const pointer = exports.malloc(tag.length + 1);
      const bytes = new Uint8Array(exports.memory.buffer, pointer, tag.length + 1);
      for (let i = 0; i < tag.length; i++) bytes[i] = tag.charCodeAt(i) & 0x7f;
      bytes[tag.length] = 0;
      language = exports.hb_language_from_string(pointer, -1);
      exports.free(pointer);
      languages.set(tag, language);
    }
    return language;
  };

  return {
    shaper(fontFile: Uint8Array): GlyphShaper {
      const tables = shapingTables(fontFile);
      const data = exports.malloc(tables.length);
      new Uint8Array(exports.memory.buffer, data, tables.length).set(tables);
      const blob = exports.hb_blob_create(data, tables.length, HB_MEMORY_MODE_READONLY, 0, 0);
      const face = exports.hb_face_create(blob, 0);
      const unitsPerEm = exports.hb_face_get_upem(face);
      const font = exports.hb_font_create(face);
      // Positions in font units, as the PDF writer and the paragraph setter expect.
      exports.hb_font_set_scale(font, unitsPerEm, unitsPerEm);
      return {
        unitsPerEm,
        covers(codePoint: number): boolean {
          return exports.hb_font_get_nominal_glyph(font, codePoint, scratch) !== 0;
        },
        advance(glyph: number): number {
          return exports.hb_font_get_glyph_h_advance(font, glyph);
        },
        shape(text: string, direction: "ltr" | "rtl", language: string): ShapingResult {
          if (text.length * 2 > textCapacity) {
            if (textArea) exports.free(textArea);
            textCapacity = Math.max(1024, text.length * 4);
            textArea = exports.malloc(textCapacity);
          }
          const units = new Uint16Array(exports.memory.buffer, textArea, text.length);
          for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
          exports.hb_buffer_clear_contents(buffer);
          exports.hb_buffer_add_utf16(buffer, textArea, text.length, 0, text.length);
          exports.hb_buffer_set_direction(buffer, direction === "rtl" ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
          exports.hb_buffer_set_language(buffer, languageOf(language));
          exports.hb_buffer_guess_segment_properties(buffer);
          exports.hb_shape(font, buffer, 0, 0);
          const length = exports.hb_buffer_get_length(buffer);
          // Read after shaping: shaping may grow the memory, which detaches earlier views.
          const words = new Uint32Array(exports.memory.buffer);
          const infos = exports.hb_buffer_get_glyph_infos(buffer, 0) / 4;
          const positions = new Int32Array(exports.memory.buffer, exports.hb_buffer_get_glyph_positions(buffer, 0), length * RECORD_WORDS);
          const result: ShapingResult = {
            glyphs: new Uint32Array(length),
            clusters: new Uint32Array(length),
            xAdvances: new Int32Array(length),
            xOffsets: new Int32Array(length),
            yOffsets: new Int32Array(length),
          };
          for (let i = 0; i < length; i++) {
            result.glyphs[i] = words[infos + i * RECORD_WORDS]!;
            result.clusters[i] = words[infos + i * RECORD_WORDS + 2]!;
            result.xAdvances[i] = positions[i * RECORD_WORDS]!;
            result.xOffsets[i] = positions[i * RECORD_WORDS + 2]!;
            result.yOffsets[i] = positions[i * RECORD_WORDS + 3]!;
          }
          return result;
        },
      };
    },
  };
}
