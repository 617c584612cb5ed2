import type { Font } from "fontkit";
import type { Script } from "../locales";
import type { TypesetterCaches } from "./cache";

/**
 * The font families the typesetter can use, as data: which scripts each sets and which styles it
 * has. Adding a script is a row here and its files in `functions/fonts/font-files.ts`; the fallback
 * per character, the faces a document loads and the warm-up all read this table.
 */
export const FAMILIES = {
  serif: { name: "Noto Serif", scripts: ["Latn", "Cyrl", "Grek"], styles: ["regular", "bold", "italic", "bold-italic"] },
  sans: { name: "Noto Sans", scripts: [], styles: ["regular", "bold"] },
  naskh: { name: "Noto Naskh Arabic", scripts: ["Arab"], styles: ["regular", "bold"] },
  hebrew: { name: "Noto Serif Hebrew", scripts: ["Hebr"], styles: ["regular", "bold"] },
  devanagari: { name: "Noto Serif Devanagari", scripts: ["Deva"], styles: ["regular", "bold"] },
  bengali: { name: "Noto Serif Bengali", scripts: ["Beng"], styles: ["regular", "bold"] },
  thai: { name: "Noto Sans Thai", scripts: ["Thai"], styles: ["regular", "bold"] },
  tamil: { name: "Noto Sans Tamil", scripts: ["Taml"], styles: ["regular", "bold"] },
  telugu: { name: "Noto Sans Telugu", scripts: ["Telu"], styles: ["regular", "bold"] },
  kannada: { name: "Noto Sans Kannada", scripts: ["Knda"], styles: ["regular", "bold"] },
  malayalam: { name: "Noto Sans Malayalam", scripts: ["Mlym"], styles: ["regular", "bold"] },
  gujarati: { name: "Noto Sans Gujarati", scripts: ["Gujr"], styles: ["regular", "bold"] },
  gurmukhi: { name: "Noto Sans Gurmukhi", scripts: ["Guru"], styles: ["regular", "bold"] },
  oriya: { name: "Noto Sans Oriya", scripts: ["Orya"], styles: ["regular", "bold"] },
  sinhala: { name: "Noto Sans Sinhala", scripts: ["Sinh"], styles: ["regular", "bold"] },
  khmer: { name: "Noto Sans Khmer", scripts: ["Khmr"], styles: ["regular", "bold"] },
  lao: { name: "Noto Sans Lao", scripts: ["Laoo"], styles: ["regular", "bold"] },
  myanmar: { name: "Noto Sans Myanmar", scripts: ["Mymr"], styles: ["regular", "bold"] },
  georgian: { name: "Noto Sans Georgian", scripts: ["Geor"], styles: ["regular", "bold"] },
  armenian: { name: "Noto Sans Armenian", scripts: ["Armn"], styles: ["regular", "bold"] },
  ethiopic: { name: "Noto Sans Ethiopic", scripts: ["Ethi"], styles: ["regular", "bold"] },
  // Han characters take the document's CJK family (Japanese, Korean or Traditional Chinese forms); else Simplified.
  sc: { name: "Noto Sans SC", scripts: ["Hans", "Hani", "Bopo"], styles: ["regular", "bold"], cjk: true },
  tc: { name: "Noto Sans TC", scripts: ["Hant"], styles: ["regular", "bold"], cjk: true },
  jp: { name: "Noto Sans JP", scripts: ["Jpan", "Hira", "Kana"], styles: ["regular", "bold"], cjk: true },
  kr: { name: "Noto Sans KR", scripts: ["Kore", "Hang"], styles: ["regular", "bold"], cjk: true },
  symbols: { name: "Noto Sans Symbols 2", scripts: [], styles: ["regular"] },
  emoji: { name: "Noto Emoji", scripts: ["Zsye"], styles: ["regular", "bold"] },
} as const satisfies Record<string, FamilySpec>;

interface FamilySpec {
  /** The family's name as CSS knows it (`font-family`), for the HTML edition's font stacks. */
  name: string;
  /** ISO 15924 codes: Unicode scripts of the characters it sets, and document scripts (Hans, Jpan) it is the body family of. */
  scripts: readonly string[];
  styles: readonly FaceStyle[];
  /** A CJK family sets Latin in the sans family, and Han characters when it is the document's family. */
  cjk?: boolean;
}

export type FaceStyle = "regular" | "bold" | "italic" | "bold-italic";

/** A family of the registry above. */
export type RegistryFamilyId = keyof typeof FAMILIES;

/**
 * A family a template brings (`@font-face` in its print.css, files in its folder): `@` then the
 * content hash of the face each of the four styles the typesetter sets is drawn in (regular, bold,
 * italic, bold italic, as CSS Fonts 4 font matching chose them among the declared faces), then `:`
 * and the family's name as the stylesheet names it, lowercase (`templateFamilyId`).
 */
export type TemplateFamilyId = `@${string}`;

/** The face family a script's text is set in: a registry family, or a template's own. */
export type FamilyId = RegistryFamilyId | TemplateFamilyId;

/** One TTF file of the registry: a family in one style. */
export type RegistryFaceId = { [F in RegistryFamilyId]: `${F}-${(typeof FAMILIES)[F]["styles"][number]}` }[RegistryFamilyId];

/** One font file: a registry face, or a template's face (`@<style>.<content hash>:<family name>`, see `faceOf`). */
export type FaceId = RegistryFaceId | `@${string}`;

export const FAMILY_IDS = Object.keys(FAMILIES) as RegistryFamilyId[];

export const FACE_IDS: readonly RegistryFaceId[] = FAMILY_IDS.flatMap((family) => FAMILIES[family].styles.map((style) => `${family}-${style}` as RegistryFaceId));

/**
 * Faces in the one order documents list them in (the HTML edition's rules, font usages): the
 * registry's in registry order, then templates' by id. Each face once.
 */
export function facesInOrder(faces: Iterable<FaceId>): FaceId[] {
  const given = new Set(faces);
  const own = [...given].filter(isTemplateFont).sort();
  return [...FACE_IDS.filter((face) => given.has(face)), ...own];
}

/** The four styles the typesetter sets, in the order a template family id lists its faces. */
const TEMPLATE_STYLES = ["regular", "bold", "italic", "bold-italic"] as const satisfies readonly FaceStyle[];

/** Whether a family or face is a template's own (not the registry's). */
export function isTemplateFont(id: FamilyId | FaceId): id is `@${string}` {
  return id.startsWith("@");
}

/**
 * The id of a template family: its name (any case) and the content hash of the face each style is
 * set in, in the order regular, bold, italic, bold italic (hex digits).
 */
export function templateFamilyId(name: string, faceHashes: readonly [string, string, string, string]): TemplateFamilyId {
  return `@${faceHashes.join(",")}:${name.toLowerCase()}`;
}

/** A template face's parts: its content hash, the style it stands for in the HTML edition's `@font-face`, and its family's name. */
export function templateFaceParts(face: `@${string}`): { hash: string; style: FaceStyle; family: string } {
  const colon = face.indexOf(":");
  const dot = face.indexOf(".");
  return { style: face.slice(1, dot) as FaceStyle, hash: face.slice(dot + 1, colon), family: face.slice(colon + 1) };
}

/** A template family's face for a style: the first style set in the same file names it, so one file is one face. */
function templateFaceOf(family: TemplateFamilyId, wanted: FaceStyle): FaceId {
  const colon = family.indexOf(":");
  const hashes = family.slice(1, colon).split(",");
  const hash = hashes[TEMPLATE_STYLES.indexOf(wanted as (typeof TEMPLATE_STYLES)[number])]!;
  return `@${TEMPLATE_STYLES[hashes.indexOf(hash)]}.${hash}:${family.slice(colon + 1)}`;
}

/** Glyphs of one shaping call, in visual order; clusters are UTF-16 offsets into the shaped text. */
export interface ShapingResult {
  glyphs: Uint32Array;
  clusters: Uint32Array;
  xAdvances: Int32Array;
  xOffsets: Int32Array;
  yOffsets: Int32Array;
}

/** One face's shaping engine (HarfBuzz), in font units. */
export interface GlyphShaper {
  unitsPerEm: number;
  /** Whether the face's character map has a glyph for the code point. */
  covers(codePoint: number): boolean;
  /** A glyph's own advance, as the PDF's width array records it. */
  advance(glyph: number): number;
  /** Shapes text of one direction; `language` is a BCP 47 tag (it selects localized forms). */
  shape(text: string, direction: "ltr" | "rtl", language: string): ShapingResult;
}

/** The loaded fonts, shared by every document of a process. Faces are read on first use. */
export interface FontLibrary {
  /** The parsed font of one face, for embedding and outlines; parses the file the first time it is asked for. */
  face(id: FaceId): Font;
  /** The face's HarfBuzz shaper; reads the file the first time it is asked for. */
  shaper(id: FaceId): GlyphShaper;
  /** The sRGB ICC profile a PDF/A output intent embeds. */
  iccProfile(): Uint8Array;
  /**
   * The typesetter's caches for documents set in these fonts (shaped runs, paragraphs, subsets,
   * streams), handed down with the library to every stage: a new library starts cold, and
   * `caches.clear()` is the one way to empty them.
   */
  readonly caches: TypesetterCaches;
}

export interface TextStyle {
  bold: boolean;
  italic: boolean;
}

/** The family whose row lists a document script (ISO 15924), or the serif family for a script no row lists. */
export function primaryFamilyOf(script: string): RegistryFamilyId {
  return FAMILY_IDS.find((family) => (FAMILIES[family].scripts as readonly string[]).includes(script)) ?? "serif";
}

/** The body family of each document script the table knows; any other script is set in serif, with fallback per character. */
export const PRIMARY_FAMILY: Readonly<Record<Script, FamilyId>> = new Proxy({} as Record<Script, FamilyId>, {
  get: (_target, script) => (typeof script === "string" ? primaryFamilyOf(script) : undefined),
});

/**
 * Families without italics set emphasis upright (Arabic, Chinese and Korean have no italic tradition);
 * a template family sets each style in the face font matching chose for it (`templateFamilyId`).
 */
export function faceOf(family: RegistryFamilyId, style: TextStyle): RegistryFaceId;
export function faceOf(family: FamilyId, style: TextStyle): FaceId;
export function faceOf(family: FamilyId, style: TextStyle): FaceId {
  const wanted: FaceStyle = style.bold && style.italic ? "bold-italic" : style.bold ? "bold" : style.italic ? "italic" : "regular";
  if (isTemplateFont(family)) return templateFaceOf(family, wanted);
  return FACE_OF[family][wanted];
}

/**
 * `faceOf`'s answers, made once: the same id string each time, so the maps keyed by face (shapers,
 * fonts) find it without hashing a new string (a tenth of setting a paragraph's text).
 */
const FACE_OF = Object.fromEntries(
  FAMILY_IDS.map((family) => {
    const styles = FAMILIES[family].styles as readonly FaceStyle[];
    const faceFor = (wanted: FaceStyle, bold: boolean): RegistryFaceId =>
      `${family}-${styles.includes(wanted) ? wanted : bold && styles.includes("bold") ? "bold" : "regular"}` as RegistryFaceId;
    return [family, { regular: faceFor("regular", false), italic: faceFor("italic", false), bold: faceFor("bold", true), "bold-italic": faceFor("bold-italic", true) }];
  }),
) as Record<RegistryFamilyId, Record<FaceStyle, RegistryFaceId>>;

/** Whether a family sets Latin itself, or hands it to the sans family (CJK documents). */
export function isCjkFamily(family: FamilyId): boolean {
  return !isTemplateFont(family) && "cjk" in FAMILIES[family];
}
