import { dirname, join } from "node:path";
import type { FaceId } from "../core/pdf/font-library";

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

const font = (pkg: string, path: string) => asset(`${pkg}/package.json`, path);

/** The TTF file of every face. A Lambda bundle copies these (flat, by `fileName`) into its font directory. */
export const FONT_FILES: Readonly<Record<FaceId, AssetFile>> = {
  "serif-regular": font("@expo-google-fonts/noto-serif", "400Regular/NotoSerif_400Regular.ttf"),
  "serif-bold": font("@expo-google-fonts/noto-serif", "700Bold/NotoSerif_700Bold.ttf"),
  "serif-italic": font("@expo-google-fonts/noto-serif", "400Regular_Italic/NotoSerif_400Regular_Italic.ttf"),
  "serif-bold-italic": font("@expo-google-fonts/noto-serif", "700Bold_Italic/NotoSerif_700Bold_Italic.ttf"),
  "sans-regular": font("@expo-google-fonts/noto-sans", "400Regular/NotoSans_400Regular.ttf"),
  "sans-bold": font("@expo-google-fonts/noto-sans", "700Bold/NotoSans_700Bold.ttf"),
  "naskh-regular": font("@expo-google-fonts/noto-naskh-arabic", "400Regular/NotoNaskhArabic_400Regular.ttf"),
  "naskh-bold": font("@expo-google-fonts/noto-naskh-arabic", "700Bold/NotoNaskhArabic_700Bold.ttf"),
  "sc-regular": font("@expo-google-fonts/noto-sans-sc", "400Regular/NotoSansSC_400Regular.ttf"),
  "sc-bold": font("@expo-google-fonts/noto-sans-sc", "700Bold/NotoSansSC_700Bold.ttf"),
  "kr-regular": font("@expo-google-fonts/noto-sans-kr", "400Regular/NotoSansKR_400Regular.ttf"),
  "kr-bold": font("@expo-google-fonts/noto-sans-kr", "700Bold/NotoSansKR_700Bold.ttf"),
};

/** The sRGB profile of the PDF/A output intent; pdfkit ships it but would read it relative to its own module. */
export const ICC_PROFILE_FILE: AssetFile = asset("pdfkit", "data/sRGB_IEC61966_2_1.icc");

/** Every file a bundle must copy into its font directory. */
export const BUNDLE_FILES: readonly AssetFile[] = [...Object.values(FONT_FILES), ICC_PROFILE_FILE];

/** Where a file is: flat in `fontDir` (a bundle), or inside its npm package (the repository). */
export function assetPath(file: AssetFile, fontDir?: string): string {
  return fontDir ? join(fontDir, file.fileName) : join(dirname(require.resolve(file.anchor)), file.path);
}
