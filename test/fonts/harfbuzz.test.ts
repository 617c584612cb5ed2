import { readFileSync } from "node:fs";
import { FACE_IDS, type FaceId, type ShapingResult } from "../../functions/core/pdf/font-library";
import { assetPath, FONT_FILES, HARFBUZZ_WASM_FILE } from "../../functions/fonts/font-files";
import { instantiateHarfBuzz, shapingTables } from "../../functions/fonts/harfbuzz";
import { sfntTables } from "../support/font-faces";

/** Text each family sets, with marks, ligatures, joining forms, conjuncts and localized forms where its script has them. */
const SAMPLES: Record<string, { text: string; language: string; direction: "ltr" | "rtl" }> = {
  serif: { text: "Office: ﬁnal “Résolution” ǅ Ωμέγα Съезд ẞ ffi 1⁄2", language: "fr", direction: "ltr" },
  sans: { text: "Security Council 2270 (2016) — fi ffl", language: "en", direction: "ltr" },
  naskh: { text: "مجلس الأمن، قرارٌ مُتَّخَذٌ ١٢٣ لا", language: "ar", direction: "rtl" },
  hebrew: { text: "מוֹעֶצֶת הַבִּטָּחוֹן שָׁלוֹם", language: "he", direction: "rtl" },
  devanagari: { text: "सुरक्षा परिषद् क्षत्रिय द्ध र्क", language: "hi", direction: "ltr" },
  bengali: { text: "নিরাপত্তা পরিষদ ক্ষ্ম র্ক", language: "bn", direction: "ltr" },
  thai: { text: "คณะมนตรีความมั่นคง ปั่ป้ ญู", language: "th", direction: "ltr" },
  tamil: { text: "பாதுகாப்புச் சபை க்ஷ ஸ்ரீ கொ கௌ", language: "ta", direction: "ltr" },
  telugu: { text: "భద్రతా మండలి క్ష శ్రీ కొ", language: "te", direction: "ltr" },
  kannada: { text: "ಭದ್ರತಾ ಮಂಡಳಿ ಕ್ಷ ಶ್ರೀ ಕೊ", language: "kn", direction: "ltr" },
  malayalam: { text: "സുരക്ഷാ സമിതി ക്ഷ ന്റ അവൾ കൊ", language: "ml", direction: "ltr" },
  gujarati: { text: "સુરક્ષા પરિષદ ક્ષ શ્રી ર્ક", language: "gu", direction: "ltr" },
  gurmukhi: { text: "ਸੁਰੱਖਿਆ ਪ੍ਰੀਸ਼ਦ ਕਿ ਖੁੱ", language: "pa", direction: "ltr" },
  oriya: { text: "ସୁରକ୍ଷା ପରିଷଦ କ୍ଷ ର୍କ କୋ", language: "or", direction: "ltr" },
  sinhala: { text: "ආරක්ෂක කවුන්සිලය ශ්‍රී ක්‍ර කෝ", language: "si", direction: "ltr" },
  khmer: { text: "ក្រុមប្រឹក្សាសន្តិសុខ ស្ត្រី", language: "km", direction: "ltr" },
  lao: { text: "ສະພາຄວາມໝັ້ນຄົງ ເກົ້າ", language: "lo", direction: "ltr" },
  myanmar: { text: "လုံခြုံရေးကောင်စီ ကြို့", language: "my", direction: "ltr" },
  georgian: { text: "უშიშროების საბჭო ᲛᲐᲓᲚᲝᲑᲐ", language: "ka", direction: "ltr" },
  armenian: { text: "Անվտանգության խորհուրդ ﬓ", language: "hy", direction: "ltr" },
  ethiopic: { text: "የፀጥታው ምክር ቤት ፩፪", language: "am", direction: "ltr" },
  sc: { text: "安全理事会决议，“朝鲜”。", language: "zh", direction: "ltr" },
  tc: { text: "安全理事會決議，「朝鮮」。", language: "zh-Hant", direction: "ltr" },
  jp: { text: "安全保障理事会の決議「北朝鮮」。", language: "ja", direction: "ltr" },
  kr: { text: "안전보장이사회 결의 「조선」。", language: "ko", direction: "ltr" },
  symbols: { text: "☐☑⚠", language: "en", direction: "ltr" },
  emoji: { text: "✉📄🇺🇳", language: "en", direction: "ltr" },
};

const sampleOf = (face: FaceId) => SAMPLES[face.slice(0, face.indexOf("-"))]!;
const plain = (result: ShapingResult) => ({
  glyphs: [...result.glyphs],
  clusters: [...result.clusters],
  xAdvances: [...result.xAdvances],
  xOffsets: [...result.xOffsets],
  yOffsets: [...result.yOffsets],
});

describe("the faces HarfBuzz shapes with", () => {
  const wasm = readFileSync(assetPath(HARFBUZZ_WASM_FILE));

  it.each(FACE_IDS.map((face) => [face]))("%s shapes and measures the same without its outlines, and HarfBuzz holds a fraction of the file", (face) => {
    const file = readFileSync(assetPath(FONT_FILES[face]));
    const tables = shapingTables(file);
    const full = instantiateHarfBuzz(wasm).shaper(file);
    const stripped = instantiateHarfBuzz(wasm).shaper(tables);
    const { text, language, direction } = sampleOf(face);

    expect(plain(stripped.shape(text, direction, language))).toEqual(plain(full.shape(text, direction, language)));
    expect(stripped.unitsPerEm).toBe(full.unitsPerEm);
    for (const char of text) expect(stripped.covers(char.codePointAt(0)!)).toBe(full.covers(char.codePointAt(0)!));
    const glyphs = [...full.shape(text, direction, language).glyphs];
    expect(glyphs.map((glyph) => stripped.advance(glyph))).toEqual(glyphs.map((glyph) => full.advance(glyph)));

    // Every table but the outlines, byte for byte; the outlines are most of the file.
    const before = sfntTables(file);
    const after = sfntTables(tables);
    expect([...after.keys()].sort()).toEqual([...before.keys()].filter((tag) => !["glyf", "loca", "CFF ", "CFF2", "hdmx", "DSIG"].includes(tag)).sort());
    for (const [tag, bytes] of after) expect(bytes.equals(before.get(tag)!)).toBe(true);
    expect(tables.byteLength).toBeLessThan(file.byteLength - (before.get("glyf")?.length ?? before.get("CFF ")?.length ?? 0) + 4);
  });

  it("leaves a file that is not a plain sfnt as it is", () => {
    const notAFont = Buffer.from("wOF2 is not for HarfBuzz's copy");
    const truncated = readFileSync(assetPath(FONT_FILES["serif-regular"])).subarray(0, 100);
    expect(shapingTables(notAFont)).toBe(notAFont);
    expect(shapingTables(truncated)).toBe(truncated);
  });
});
