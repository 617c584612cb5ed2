import { readFileSync } from "node:fs";
import subsetFont from "subset-font";
import { LetterpressError } from "../core/errors";
import type { WebFontSource } from "../core/html/web-fonts";
import type { FaceId, FontLibrary } from "../core/pdf/font-library";
import { assetPath, FONT_FILES } from "./font-files";

/**
 * The most bytes of WOFF2 subsets a process keeps. A CJK letter's two subsets weigh about 250 kB;
 * 16 MiB keeps every language of a mail merge warm while no run of letters can grow it further.
 */
export const WEB_FONT_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * The WOFF2 subsets of the HTML edition, made with subset-font: HarfBuzz's own subsetter
 * (hb-subset, from the harfbuzzjs build the PDF's shaper comes from) keeps the layout tables a
 * face's characters need (Arabic joining forms, Devanagari conjuncts, CJK localized forms), and
 * wawoff2 is Google's reference WOFF2 encoder; writing either ourselves would be a font compiler.
 * Subsets are cached per (face, characters), bounded by bytes: a mail merge subsets each face once.
 *
 * @param fonts the PDF's font library, whose fallback decides which face sets which character
 * @param fontDir the flat font directory of a bundle; the npm packages when omitted
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
  return {
    fonts,
    get cachedBytes() {
      return bytes;
    },
    subset(face: FaceId, characters: string): Promise<Uint8Array> {
      const key = `${face}\u0000${characters}`;
      const cached = done.get(key);
      if (cached) {
        done.delete(key);
        done.set(key, cached);
        return Promise.resolve(cached);
      }
      let making = pending.get(key);
      if (!making) {
        making = makeSubset(face, characters, fontDir).then(
          (subset) => {
            pending.delete(key);
            keep(key, subset);
            return subset;
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
    },
  };
}

async function makeSubset(face: FaceId, characters: string, fontDir?: string): Promise<Uint8Array> {
  const path = assetPath(FONT_FILES[face], fontDir);
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (error) {
    throw new LetterpressError("CONFIG_ERROR", `font file ${path} cannot be read (${(error as Error).message})`, { cause: error });
  }
  // No hinting: browsers ignore most of it at text sizes, and it is a third of a Latin face's bytes.
  return new Uint8Array(await subsetFont(file, characters, { targetFormat: "woff2" }));
}
