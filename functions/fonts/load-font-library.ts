import { readFileSync } from "node:fs";
// A require, as pdfkit requires it: esbuild then bundles fontkit's one CommonJS build for both, not
// that and its ES build beside it (two copies of 240 kB, each decoding its Unicode tables at start).
import fontkit = require("fontkit");
import { LetterpressError } from "../core/errors";
import { TypesetterCaches } from "../core/pdf/cache";
import { type FaceId, type FontLibrary, type GlyphShaper, isTemplateFont, templateFaceParts } from "../core/pdf/font-library";
import { assetPath, FONT_FILES, HARFBUZZ_WASM_FILE, ICC_PROFILE_FILE } from "./font-files";
import { type HarfBuzz, instantiateHarfBuzz } from "./harfbuzz";

/** Per process, by absolute path: font files read, fonts parsed, shapers made, one HarfBuzz per wasm file. */
const fileBytes = new Map<string, Buffer>();
const parsedFonts = new Map<string, fontkit.Font>();
const shapers = new Map<string, GlyphShaper>();
const harfBuzzes = new Map<string, HarfBuzz>();
const iccProfiles = new Map<string, Uint8Array>();
/**
 * The font files templates bring, by content hash (`registerTemplateFont`): read once when a
 * template folder is loaded, so a face is found by its id alone wherever the template is rendered.
 */
const templateFontFiles = new Map<string, Buffer>();
/** Bumped by `releaseFontFaces`: a library whose faces are of an older generation lets them go. */
let faceGeneration = 0;

/**
 * Lets go of the parsed fonts (fontkit) and the font files every font library of the process holds;
 * their HarfBuzz faces stay (a few hundred kB each without outlines, see functions/fonts/harfbuzz.ts).
 * A worker that has finished one language's letters calls it before the next language's, so it does
 * not hold every script's faces at once (a CJK face is 10 MB of file, kept while parsed). A face used
 * again is read and parsed again; a document being rendered keeps the fonts it already has.
 */
export function releaseFontFaces(): void {
  // Every file read so far: the faces', and the wasm and ICC files, already made into what is kept.
  fileBytes.clear();
  parsedFonts.clear();
  faceGeneration += 1;
}

/**
 * Makes a template's font file known to every font library of the process under its content hash
 * (the hash of `templateFamilyId`): the template loader (functions/templates/template-fonts.ts)
 * registers each face it has read and checked. The same bytes registered twice are kept once.
 */
export function registerTemplateFont(hash: string, bytes: Buffer): void {
  if (!templateFontFiles.has(hash)) templateFontFiles.set(hash, bytes);
}

/** The file of a template face, by its id (`@<style>.<hash>:<family>`); an error when no template loaded it. */
export function templateFontBytes(face: `@${string}`): Buffer {
  const { hash, family } = templateFaceParts(face);
  const bytes = templateFontFiles.get(hash);
  if (!bytes) throw new LetterpressError("CONFIG_ERROR", `the font file of the template family "${family}" (content hash ${hash}) was not loaded with its template`);
  return bytes;
}

/** The key a template face's parsed font and shaper are kept under beside the registry's paths. */
function templateFontKey(hash: string): string {
  return `template font ${hash}`;
}

/**
 * Whether one of the template faces named by content hash (a letter's template's own, `fontFaceHashes`)
 * has a glyph for the code point (its cmap, as fontkit reads it): validation counts such a character
 * as drawn, as the template that brings the face draws it. A hash no loaded template registered has none.
 */
export function templateFontCovers(codePoint: number, hashes: readonly string[]): boolean {
  for (const hash of hashes) {
    const bytes = templateFontFiles.get(hash);
    if (!bytes) continue;
    const key = templateFontKey(hash);
    let font = parsedFonts.get(key);
    if (!font) {
      const parsed = fontkit.create(bytes);
      // The template loader accepts single faces only.
      if (!("layout" in parsed)) continue;
      parsedFonts.set(key, (font = parsed));
    }
    if (font.hasGlyphForCodePoint(codePoint)) return true;
  }
  return false;
}

// assetPath lives with the file list, which infra reads without loading fontkit.
export { assetPath };

/** A font or asset file's bytes, read once per process and shared by fontkit and HarfBuzz. */
function readAsset(path: string): Buffer {
  let bytes = fileBytes.get(path);
  if (!bytes) {
    bytes = readFile(path);
    fileBytes.set(path, bytes);
  }
  return bytes;
}

/**
 * A font file's bytes for a reader that does not keep them (the HTML edition's subsetter): the copy
 * the PDF's faces hold when there is one (a CJK face is 10 MB, and a second copy beside it was 10 MB
 * more resident), else read for this use only, so an HTML-only process does not keep every face.
 */
export function fontFileBytes(path: string): Buffer {
  return fileBytes.get(path) ?? readFile(path);
}

function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new LetterpressError("CONFIG_ERROR", `font file ${path} cannot be read (${(error as Error).message})`, { cause: error });
  }
}

function harfBuzzAt(path: string): HarfBuzz {
  let hb = harfBuzzes.get(path);
  if (!hb) {
    hb = instantiateHarfBuzz(readAsset(path));
    harfBuzzes.set(path, hb);
  }
  return hb;
}

/**
 * The fonts of the PDF edition. Nothing is read until a document asks for a face, so a Latin letter
 * never pays for the 10 MB Chinese font; each file is read, parsed (fontkit, for embedding) and
 * loaded into HarfBuzz (for shaping) at most once per process.
 *
 * @param fontDir a directory holding the files of `BUNDLE_FILES` under their flat names (a bundled
 *   Lambda); by default each file is found in its npm package under node_modules.
 */
export function loadFontLibrary(fontDir?: string): FontLibrary {
  // The typesetter asks for a face once per character (font fallback); resolving its path each time
  // (require.resolve) cost more than the rest of a warm render, so each library keeps its own faces.
  const faces = new Map<FaceId, fontkit.Font>();
  const faceShapers = new Map<FaceId, GlyphShaper>();
  const paths = new Map<FaceId, string>();
  const pathOf = (id: FaceId): string => {
    let path = paths.get(id);
    // A template's face is kept by content hash: its "path" is a key of its own.
    if (!path) paths.set(id, (path = isTemplateFont(id) ? templateFontKey(templateFaceParts(id).hash) : assetPath(FONT_FILES[id], fontDir)));
    return path;
  };
  // A template face's bytes are the registered file's (never read from a path).
  const bytesOf = (id: FaceId, path: string): Buffer => (isTemplateFont(id) ? templateFontBytes(id) : readAsset(path));
  let profile: Uint8Array | undefined;
  let harfBuzz: HarfBuzz | undefined;
  let generation = faceGeneration;
  return {
    // The parsed files above are shared by the process (read-only); the typesetter's caches are this library's own.
    caches: new TypesetterCaches(),
    face(id: FaceId): fontkit.Font {
      if (generation !== faceGeneration) {
        faces.clear();
        generation = faceGeneration;
      }
      let font = faces.get(id);
      if (font) return font;
      const path = pathOf(id);
      font = parsedFonts.get(path);
      if (!font) {
        const parsed = fontkit.create(bytesOf(id, path));
        if (!("layout" in parsed)) throw new LetterpressError("CONFIG_ERROR", `${path} is a font collection, not a font`);
        font = parsed;
        parsedFonts.set(path, font);
      }
      faces.set(id, font);
      return font;
    },
    shaper(id: FaceId): GlyphShaper {
      let shaper = faceShapers.get(id);
      if (shaper) return shaper;
      const path = pathOf(id);
      shaper = shapers.get(path);
      if (!shaper) {
        harfBuzz ??= harfBuzzAt(assetPath(HARFBUZZ_WASM_FILE, fontDir));
        shaper = harfBuzz.shaper(bytesOf(id, path));
        shapers.set(path, shaper);
      }
      faceShapers.set(id, shaper);
      return shaper;
    },
    iccProfile(): Uint8Array {
      if (profile) return profile;
      const path = assetPath(ICC_PROFILE_FILE, fontDir);
      profile = iccProfiles.get(path);
      if (!profile) {
        profile = new Uint8Array(readAsset(path));
        iccProfiles.set(path, profile);
      }
      return profile;
    },
  };
}
