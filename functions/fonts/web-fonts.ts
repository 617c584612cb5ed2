import { LetterpressError } from "../core/errors";
import type { WebFontSource } from "../core/html/web-fonts";
import { type FaceId, type FontLibrary, isTemplateFont } from "../core/pdf/font-library";
import { assetPath, FONT_FILES, HARFBUZZ_SUBSET_WASM_FILE } from "./font-files";
import { fontFileBytes, templateFontBytes } from "./load-font-library";
import { encodeWoff2 } from "./woff2";

/**
 * The most bytes of WOFF2 subsets a process keeps. A CJK letter's subsets weigh a few hundred kB;
 * 16 MiB keeps every language of a mail merge warm while no run of letters can grow it further.
 */
export const WEB_FONT_CACHE_BYTES = 16 * 1024 * 1024;

/*
 * Subsetting is HarfBuzz's own (hb-subset, the harfbuzz-subset.wasm of the harfbuzzjs build the PDF
 * shapes with): it keeps the layout tables a face's characters need (Arabic joining forms,
 * Devanagari conjuncts, CJK localized forms). The WOFF2 container is ours, on Node's Brotli
 * (functions/fonts/woff2.ts: why not wawoff2's WebAssembly). The calls follow the subset-font package, which cannot be
 * bundled: it finds the wasm with require.resolve, and a Lambda bundle has no node_modules, so this
 * adapter reads the file from the font directory as functions/fonts/harfbuzz.ts does for shaping.
 */

/** The hb-subset C functions this adapter calls (pointers and enums are numbers). */
interface HbSubsetExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  malloc(size: number): number;
  free(pointer: number): void;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, length: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, value: number): void;
  hb_set_clear(set: number): void;
  hb_set_invert(set: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_set(input: number, which: number): number;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_input_get_flags(input: number): number;
  hb_subset_input_set_flags(input: number, flags: number): void;
  hb_subset_or_fail(face: number, input: number): number;
}

const HB_MEMORY_MODE_WRITABLE = 2;
const HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6;
const HB_SUBSET_FLAGS_NO_HINTING = 0x1;

/** One hb-subset instance per wasm file, for the life of the process. */
const subsetters = new Map<string, HbSubsetExports>();

function hbSubsetAt(path: string): HbSubsetExports {
  let hb = subsetters.get(path);
  if (!hb) {
    // The module needs no imports; compiling it synchronously takes a few milliseconds, once.
    const instance = new WebAssembly.Instance(new WebAssembly.Module(fontFileBytes(path) as Uint8Array<ArrayBuffer>), {});
    hb = instance.exports as unknown as HbSubsetExports;
    hb._initialize();
    subsetters.set(path, hb);
  }
  return hb;
}

/**
 * A TrueType subset of the font with the glyphs of exactly these characters and every glyph their
 * layout features reach; all layout features are kept, hinting is dropped (browsers ignore most of
 * it at text sizes, and it is a third of a Latin face's bytes).
 */
function subsetTrueType(hb: HbSubsetExports, font: Uint8Array, characters: string, fontPath: string): Uint8Array {
  const input = hb.hb_subset_input_create_or_fail();
  if (input === 0) throw new LetterpressError("RENDER_ERROR", `hb-subset could not start a subset of ${fontPath}`);
  const data = hb.malloc(font.byteLength);
  new Uint8Array(hb.memory.buffer, data, font.byteLength).set(font);
  const blob = hb.hb_blob_create(data, font.byteLength, HB_MEMORY_MODE_WRITABLE, 0, 0);
  const face = hb.hb_face_create(blob, 0);
  hb.hb_blob_destroy(blob);
  try {
    const features = hb.hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG);
    hb.hb_set_clear(features);
    hb.hb_set_invert(features);
    hb.hb_subset_input_set_flags(input, hb.hb_subset_input_get_flags(input) | HB_SUBSET_FLAGS_NO_HINTING);
    const unicodes = hb.hb_subset_input_unicode_set(input);
    for (const char of characters) hb.hb_set_add(unicodes, char.codePointAt(0)!);
    const subset = hb.hb_subset_or_fail(face, input);
    if (subset === 0) throw new LetterpressError("RENDER_ERROR", `hb-subset failed on ${fontPath}`);
    const result = hb.hb_face_reference_blob(subset);
    const offset = hb.hb_blob_get_data(result, 0);
    const length = hb.hb_blob_get_length(result);
    // Copied out before anything else runs: the memory may grow, which detaches earlier views.
    const bytes = new Uint8Array(hb.memory.buffer, offset, length).slice();
    hb.hb_blob_destroy(result);
    hb.hb_face_destroy(subset);
    if (length === 0) throw new LetterpressError("RENDER_ERROR", `hb-subset made an empty subset of ${fontPath}`);
    return bytes;
  } finally {
    hb.hb_subset_input_destroy(input);
    hb.hb_face_destroy(face);
    hb.free(data);
  }
}

/**
 * The WOFF2 subsets of the HTML edition, cached per (face, characters), and the UTF-8 `@font-face`
 * rules that embed them, cached per font usage; one budget of bytes for both: a mail merge subsets
 * each face once per character set and encodes its rules once.
 *
 * @param fonts the PDF's font library, whose fallback decides which face sets which character
 * @param fontDir the flat font directory of a bundle (`BUNDLE_FILES`); the npm packages when omitted
 */
export function createWebFonts(fonts: FontLibrary, fontDir?: string, maxBytes = WEB_FONT_CACHE_BYTES): WebFontSource & { readonly cachedBytes: number } {
  // Settled subsets, least recently used first (Map keeps insertion order), and the ones being made.
  const done = new Map<string, Uint8Array>();
  const pending = new Map<string, Promise<Uint8Array>>();
  let bytes = 0;
  const keep = (key: string, subset: Uint8Array) => {
    // A subset larger than the whole budget would only push everything else out.
    if (subset.byteLength > maxBytes) return;
    done.set(key, subset);
    bytes += subset.byteLength;
    for (const [oldest, value] of done) {
      if (bytes <= maxBytes) break;
      done.delete(oldest);
      bytes -= value.byteLength;
    }
  };
  const makeSubset = async (face: FaceId, characters: string): Promise<Uint8Array> => {
    const fontPath = isTemplateFont(face) ? `the template face ${face}` : assetPath(FONT_FILES[face], fontDir);
    const hb = hbSubsetAt(assetPath(HARFBUZZ_SUBSET_WASM_FILE, fontDir));
    const font = isTemplateFont(face) ? templateFontBytes(face) : fontFileBytes(fontPath);
    return encodeWoff2(subsetTrueType(hb, font, characters, fontPath), fontPath);
  };
  // One cache for both kinds of bytes: a subset by its face and characters, a usage's rules by "rules" and its key.
  const remembered = (key: string, make: () => Promise<Uint8Array>): Promise<Uint8Array> => {
    const cached = done.get(key);
    if (cached) {
      done.delete(key);
      done.set(key, cached);
      return Promise.resolve(cached);
    }
    let making = pending.get(key);
    if (!making) {
      making = make().then(
        (value) => {
          pending.delete(key);
          keep(key, value);
          return value;
        },
        (error: unknown) => {
          // A failure is not kept: the next document asks again.
          pending.delete(key);
          throw error;
        },
      );
      pending.set(key, making);
    }
    return making;
  };
  return {
    fonts,
    get cachedBytes() {
      return bytes;
    },
    subset: (face: FaceId, characters: string): Promise<Uint8Array> => remembered(`${face}\u0000${characters}`, () => makeSubset(face, characters)),
    ruleBytes: (usageKey: string, rules: () => Promise<Uint8Array>): Promise<Uint8Array> => remembered(`rules\u0000${usageKey}`, rules),
  };
}
