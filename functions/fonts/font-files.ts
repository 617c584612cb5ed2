import { dirname, join } from "node:path";
import { FACE_IDS, type RegistryFaceId, type RegistryFamilyId } from "../core/pdf/font-library";

/** One file a render needs at run time: where it is in node_modules, and its flat name in a bundle. */
export interface AssetFile {
  /** A module specifier `require.resolve` accepts; the file's path is relative to that module's directory. */
  anchor: string;
  path: string;
  /** The flat file name it has when copied next to a bundle. */
  fileName: string;
}

function asset(anchor: string, path: string): AssetFile {
  return { anchor, path, fileName: path.slice(path.lastIndexOf("/") + 1) };
}

/**
 * The npm package of each family: Google's Noto fonts as @expo-google-fonts publishes them, one
 * static TTF per weight and style, under `<weight><Style>/<Name>_<weight><Style>.ttf`.
 */
const FAMILY_PACKAGES: Readonly<Record<RegistryFamilyId, { pkg: string; name: string }>> = {
  serif: { pkg: "noto-serif", name: "NotoSerif" },
  sans: { pkg: "noto-sans", name: "NotoSans" },
  naskh: { pkg: "noto-naskh-arabic", name: "NotoNaskhArabic" },
  hebrew: { pkg: "noto-serif-hebrew", name: "NotoSerifHebrew" },
  devanagari: { pkg: "noto-serif-devanagari", name: "NotoSerifDevanagari" },
  bengali: { pkg: "noto-serif-bengali", name: "NotoSerifBengali" },
  thai: { pkg: "noto-sans-thai", name: "NotoSansThai" },
  tamil: { pkg: "noto-sans-tamil", name: "NotoSansTamil" },
  telugu: { pkg: "noto-sans-telugu", name: "NotoSansTelugu" },
  kannada: { pkg: "noto-sans-kannada", name: "NotoSansKannada" },
  malayalam: { pkg: "noto-sans-malayalam", name: "NotoSansMalayalam" },
  gujarati: { pkg: "noto-sans-gujarati", name: "NotoSansGujarati" },
  gurmukhi: { pkg: "noto-sans-gurmukhi", name: "NotoSansGurmukhi" },
  oriya: { pkg: "noto-sans-oriya", name: "NotoSansOriya" },
  sinhala: { pkg: "noto-sans-sinhala", name: "NotoSansSinhala" },
  khmer: { pkg: "noto-sans-khmer", name: "NotoSansKhmer" },
  lao: { pkg: "noto-sans-lao", name: "NotoSansLao" },
  myanmar: { pkg: "noto-sans-myanmar", name: "NotoSansMyanmar" },
  georgian: { pkg: "noto-sans-georgian", name: "NotoSansGeorgian" },
  armenian: { pkg: "noto-sans-armenian", name: "NotoSansArmenian" },
  ethiopic: { pkg: "noto-sans-ethiopic", name: "NotoSansEthiopic" },
  sc: { pkg: "noto-sans-sc", name: "NotoSansSC" },
  tc: { pkg: "noto-sans-tc", name: "NotoSansTC" },
  jp: { pkg: "noto-sans-jp", name: "NotoSansJP" },
  kr: { pkg: "noto-sans-kr", name: "NotoSansKR" },
  symbols: { pkg: "noto-sans-symbols-2", name: "NotoSansSymbols2" },
  emoji: { pkg: "noto-emoji", name: "NotoEmoji" },
};

const STYLE_FOLDERS = { regular: "400Regular", bold: "700Bold", italic: "400Regular_Italic", "bold-italic": "700Bold_Italic" } as const;

function fontFile(face: RegistryFaceId): AssetFile {
  const split = face.indexOf("-");
  const { pkg, name } = FAMILY_PACKAGES[face.slice(0, split) as RegistryFamilyId];
  const folder = STYLE_FOLDERS[face.slice(split + 1) as keyof typeof STYLE_FOLDERS];
  return asset(`@expo-google-fonts/${pkg}/package.json`, `${folder}/${name}_${folder}.ttf`);
}

/** The TTF file of every face. A Lambda bundle copies these (flat, by `fileName`) into its font directory. */
export const FONT_FILES: Readonly<Record<RegistryFaceId, AssetFile>> = Object.fromEntries(FACE_IDS.map((face) => [face, fontFile(face)])) as Record<RegistryFaceId, AssetFile>;

/** The sRGB profile of the PDF/A output intent; pdfkit ships it but would read it relative to its own module. */
export const ICC_PROFILE_FILE: AssetFile = asset("pdfkit", "data/sRGB_IEC61966_2_1.icc");

/**
 * HarfBuzz compiled to WebAssembly (harfbuzzjs). Shipped as a file beside the fonts and
 * instantiated by `functions/fonts/harfbuzz.ts`, since harfbuzzjs's ES module cannot be bundled as CommonJS.
 */
export const HARFBUZZ_WASM_FILE: AssetFile = asset("harfbuzzjs/dist/harfbuzz.wasm", "harfbuzz.wasm");

/** HarfBuzz's subsetter (hb-subset), from the same harfbuzzjs build: the HTML edition's web fonts (`functions/fonts/web-fonts.ts`). */
export const HARFBUZZ_SUBSET_WASM_FILE: AssetFile = asset("harfbuzzjs/dist/harfbuzz-subset.wasm", "harfbuzz-subset.wasm");

/** Every file a bundle must copy into its font directory. */
export const BUNDLE_FILES: readonly AssetFile[] = [...Object.values(FONT_FILES), ICC_PROFILE_FILE, HARFBUZZ_WASM_FILE, HARFBUZZ_SUBSET_WASM_FILE];

/** Where a file is: flat in `fontDir` (a bundle), or inside its npm package (the repository). */
export function assetPath(file: AssetFile, fontDir?: string): string {
  return fontDir ? join(fontDir, file.fileName) : join(dirname(require.resolve(file.anchor)), file.path);
}
