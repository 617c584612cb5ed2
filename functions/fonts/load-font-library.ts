import { readFileSync } from "node:fs";
import * as fontkit from "fontkit";
import { LetterpressError } from "../core/errors";
import type { FaceId, FontLibrary } from "../core/pdf/font-library";
import { type AssetFile, assetPath, FONT_FILES, ICC_PROFILE_FILE } from "./font-files";

/** Parsed fonts by absolute path: one parse per process, whichever library asks. */
const parsedFonts = new Map<string, fontkit.Font>();
const iccProfiles = new Map<string, Uint8Array>();

// assetPath lives with the file list, which infra reads without loading fontkit.
export { assetPath };

function readAsset(file: AssetFile, fontDir?: string): Buffer {
  const path = assetPath(file, fontDir);
  try {
    return readFileSync(path);
  } catch (error) {
    throw new LetterpressError("CONFIG_ERROR", `font file ${path} cannot be read (${(error as Error).message})`, { cause: error });
  }
}

/**
 * The fonts of the PDF edition. Nothing is read until a document asks for a face, so a Latin letter
 * never pays for the 10 MB Chinese font; each file is parsed once per process.
 *
 * @param fontDir a directory holding the files of `BUNDLE_FILES` under their flat names (a bundled
 *   Lambda); by default each file is found in its npm package under node_modules.
 */
export function loadFontLibrary(fontDir?: string): FontLibrary {
  // The typesetter asks for a face once per character (font fallback); resolving its path each time
  // (require.resolve) cost more than the rest of a warm render, so each library keeps its own faces.
  const faces = new Map<FaceId, fontkit.Font>();
  let profile: Uint8Array | undefined;
  return {
    face(id: FaceId): fontkit.Font {
      let font = faces.get(id);
      if (font) return font;
      const path = assetPath(FONT_FILES[id], fontDir);
      font = parsedFonts.get(path);
      if (!font) {
        const parsed = fontkit.create(readAsset(FONT_FILES[id], fontDir));
        if (!("layout" in parsed)) throw new LetterpressError("CONFIG_ERROR", `${path} is a font collection, not a font`);
        font = parsed;
        parsedFonts.set(path, font);
      }
      faces.set(id, font);
      return font;
    },
    iccProfile(): Uint8Array {
      if (profile) return profile;
      const path = assetPath(ICC_PROFILE_FILE, fontDir);
      profile = iccProfiles.get(path);
      if (!profile) {
        profile = new Uint8Array(readAsset(ICC_PROFILE_FILE, fontDir));
        iccProfiles.set(path, profile);
      }
      return profile;
    },
  };
}
