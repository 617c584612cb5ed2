import { fontUsage, styleLetter } from "../../../functions/core/html/web-fonts";
import type { LocaleId } from "../../../functions/core/locales";
import type { FamilyId } from "../../../functions/core/pdf/font-library";
import { type Line, setParagraph, type StyledText } from "../../../functions/core/pdf/paragraph";
import { assignFamilies, cjkFamilyOfLanguage, hanFamilyOf } from "../../../functions/core/pdf/shaping";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { stylesheetsFor } from "./pdf-inspect";
import { PLAIN, paragraphSpec } from "./paragraph-spec";

/**
 * Han is a script several languages share, each with its own glyph forms (直, 骨, 今 differ between
 * Noto Sans SC, TC, JP and KR): a Han character the font stack's first family lacks takes the face
 * of its content language, or the CJK family the stack names, never the registry's Simplified
 * Chinese default because the first family is a Latin one (issue 13 item 3).
 */

const fonts = loadFontLibrary();
/** The CJK families the render's --font-body names, in its order (sc, tc, jp, kr). */
const ALL_CJK: FamilyId[] = ["sc", "tc", "jp", "kr"];

describe("the CJK face of a content language", () => {
  it.each([
    ["ja", "jp"],
    ["ja-JP", "jp"],
    ["ko", "kr"],
    ["ko-KR", "kr"],
    ["zh-Hant", "tc"],
    ["zh-Hant-HK", "tc"],
    ["zh-TW", "tc"],
    ["zh-HK", "tc"],
    ["zh-MO", "tc"],
    ["yue", "tc"],
    ["zh", "sc"],
    ["zh-Hans", "sc"],
    ["zh-CN", "sc"],
    ["zh-Hans-SG", "sc"],
    ["ZH-hant", "tc"],
  ])("%s -> %s", (language, family) => {
    expect(cjkFamilyOfLanguage(language)).toBe(family);
  });

  it.each(["en", "de", "", "jam", "kok", "zha"])("none for %j", (language) => {
    expect(cjkFamilyOfLanguage(language)).toBeNull();
  });
});

describe("the family of Han the first family lacks", () => {
  it("is the language's own face where the stack names it", () => {
    expect(hanFamilyOf(ALL_CJK, "ja")).toBe("jp");
    expect(hanFamilyOf(ALL_CJK, "zh-TW")).toBe("tc");
    expect(hanFamilyOf(ALL_CJK, "ko")).toBe("kr");
    expect(hanFamilyOf(ALL_CJK, "zh")).toBe("sc");
  });

  it("is a later family the author names, not skipped for the registry default (CSS Fonts 4 §5)", () => {
    expect(hanFamilyOf(["tc"], "ja")).toBe("tc");
    expect(hanFamilyOf(["kr", "sc"], "fr")).toBe("kr");
    expect(hanFamilyOf(["jp"], "")).toBe("jp");
  });

  it("is the language's face where the stack names none, and SC for any other language", () => {
    expect(hanFamilyOf([], "ja")).toBe("jp");
    expect(hanFamilyOf([], "zh-HK")).toBe("tc");
    expect(hanFamilyOf([], "en")).toBe("sc");
    expect(hanFamilyOf(ALL_CJK, "en")).toBe("sc");
  });
});

describe("Han after a Latin first family, in the PDF's fallback", () => {
  const REGULAR = { bold: false, italic: false };

  it("sets Han, and the CJK punctuation between it, in the chosen family; Latin stays in the first family", () => {
    const text = "Re: 直骨今、骨。";
    const families = assignFamilies(fonts, text, "sans", REGULAR, "jp");
    expect(families.slice(0, 4)).toEqual(["sans", "sans", "sans", "sans"]);
    expect(new Set(families.slice(4))).toEqual(new Set(["jp"]));
  });

  it("still gives kana and Hangul their own faces whatever the Han family", () => {
    expect(assignFamilies(fonts, "かな", "sans", REGULAR, "tc")).toEqual(["jp", "jp"]);
    expect(assignFamilies(fonts, "한", "sans", REGULAR, "jp")).toEqual(["kr"]);
  });

  it("leaves a CJK first family its own Han (the stack's first family that has the glyph)", () => {
    expect(assignFamilies(fonts, "直", "jp", REGULAR, "tc")).toEqual(["jp"]);
  });

  /** The faces of the Han glyphs a paragraph draws, in order. */
  function hanFaces(lines: Line[]): string[] {
    return lines.flatMap((line) => line.runs.filter((placed) => /\p{Script=Han}/u.test(placed.run.glyphs.map((g) => g.text).join(""))).map((placed) => placed.run.face));
  }

  it("follows each run's language inside one paragraph (span lang), with the stack's CJK families named", () => {
    const runs: StyledText[] = [
      { text: "Before 直 ", style: PLAIN, lang: "ja" },
      { text: "骨 ", style: PLAIN, lang: "zh-Hant" },
      { text: "今 ", style: PLAIN, lang: "ko" },
      { text: "直 after", style: PLAIN },
    ];
    const lines = setParagraph(fonts, paragraphSpec("", { runs, rules: { primary: "sans", keepAll: false, cjk: ALL_CJK }, language: "en" }));
    expect(hanFaces(lines)).toEqual(["jp-regular", "tc-regular", "kr-regular", "sc-regular"]);
  });
});

describe("Han after a Latin first family, in the HTML edition's embedded faces", () => {
  const AUTHOR = `body { font-family: "Noto Sans", var(--font-body); }`;
  const letter = (lang: string, body: string) => `<article class="letter" lang="${lang}"><h1>Title</h1><p>${body}</p></article>`;
  const usageOf = (lang: LocaleId, body: string, author = AUTHOR) => fontUsage(fonts, styleLetter(letter(lang, body), stylesheetsFor(lang, "A4", author)));

  it.each([
    ["ja", "jp-regular"],
    ["zh-Hant", "tc-regular"],
    ["ko", "kr-regular"],
  ] as const)("embeds the Han of a %s letter in %s only", (lang, face) => {
    const usage = usageOf(lang, "Noto 直骨今。");
    expect(usage.get(face)).toContain("直");
    const others = ["sc-regular", "tc-regular", "jp-regular", "kr-regular"].filter((other) => other !== face) as ("sc-regular" | "tc-regular" | "jp-regular" | "kr-regular")[];
    for (const other of others) expect(usage.get(other) ?? "").not.toMatch(/[直骨今]/u);
  });

  it("embeds each span's Han in its language's face in an English letter", () => {
    const usage = usageOf("en", `<span lang="ja">直</span> <span lang="zh-HK">骨</span> <span lang="ko">今</span> 中`);
    expect(usage.get("jp-regular")).toContain("直");
    expect(usage.get("tc-regular")).toContain("骨");
    expect(usage.get("kr-regular")).toContain("今");
    expect(usage.get("sc-regular")).toBe("中");
  });

  it("takes the CJK family the author's stack names before the language's generic choice", () => {
    const usage = usageOf("ja", "直骨今", `body { font-family: "Noto Sans", "Noto Sans TC"; }`);
    expect(usage.get("tc-regular")).toContain("直");
    expect(usage.has("jp-regular")).toBe(false);
  });
});
