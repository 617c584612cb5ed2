import type { Font } from "fontkit";
import type { Script } from "../locales";

/**
 * The font faces the typesetter can use. Each is one TTF file; `functions/fonts` knows where the files
 * are, the core only knows what they cover.
 */
export const FACE_IDS = [
  "serif-regular",
  "serif-bold",
  "serif-italic",
  "serif-bold-italic",
  "sans-regular",
  "sans-bold",
  "naskh-regular",
  "naskh-bold",
  "sc-regular",
  "sc-bold",
  "kr-regular",
  "kr-bold",
] as const;

export type FaceId = (typeof FACE_IDS)[number];

/** The loaded fonts, shared by every document of a process. Faces are parsed on first use. */
export interface FontLibrary {
  /** The parsed font of one face; parses the file the first time it is asked for. */
  face(id: FaceId): Font;
  /** The sRGB ICC profile a PDF/A output intent embeds. */
  iccProfile(): Uint8Array;
}

export interface TextStyle {
  bold: boolean;
  italic: boolean;
}

/** The face family a script's text is set in. */
export type FamilyId = "serif" | "naskh" | "sc" | "kr" | "sans";

export const PRIMARY_FAMILY: Readonly<Record<Script, FamilyId>> = {
  Latn: "serif",
  Cyrl: "serif",
  Arab: "naskh",
  Hans: "sc",
  Kore: "kr",
};

/** Families without italics set emphasis upright (Arabic, Chinese and Korean have no italic tradition). */
export function faceOf(family: FamilyId, style: TextStyle): FaceId {
  if (family === "serif") {
    if (style.bold && style.italic) return "serif-bold-italic";
    if (style.bold) return "serif-bold";
    return style.italic ? "serif-italic" : "serif-regular";
  }
  return `${family}-${style.bold ? "bold" : "regular"}` as FaceId;
}
