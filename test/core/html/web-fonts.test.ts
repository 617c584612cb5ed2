import * as fontkit from "fontkit";
import { fillLetter, renderHtmlWithFonts } from "../../../functions/core/html/render-html";
import { fontFaceRules, fontUsage, styleLetter, usageOfRuns, usageRuns, usageWithout } from "../../../functions/core/html/web-fonts";
import type { LocaleId } from "../../../functions/core/locales";
import { FAMILIES, type FaceId } from "../../../functions/core/pdf/font-library";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { createWebFonts } from "../../../functions/fonts/web-fonts";
import { fixture, fragmentText, stylesheetsFor } from "../pdf/pdf-inspect";
import { createEngine, loadSeedLetter } from "../../support/letters";

const fonts = loadFontLibrary();

/** The characters of a WOFF2 font's character map, read back with fontkit (which decodes WOFF2). */
function characterMap(woff2: Uint8Array): string {
  const font = fontkit.create(Buffer.from(woff2)) as fontkit.Font;
  // U+FFFF is the end marker of a format 4 cmap's last segment, which fontkit lists; it maps to no glyph.
  return String.fromCodePoint(...[...font.characterSet].filter((c) => c !== 0xffff).sort((a, b) => a - b));
}

function usageOf(html: string, locale: LocaleId) {
  return fontUsage(fonts, styleLetter(html, stylesheetsFor(locale, "A4", undefined, "A running title")));
}

/** Every visible character of a text, once, in code point order (what the subsets must hold between them). */
function distinct(text: string): number[] {
  return [...new Set([...text.replace(/\n/g, "")].map((c) => c.codePointAt(0)!))].sort((a, b) => a - b);
}

describe("the faces and characters the HTML edition embeds", () => {
  it("covers every character of a mixed-script letter with the face the PDF sets it in", () => {
    const html = fixture("mixed-scripts.html");
    const usage = usageOf(html, "en");
    // Korean, Chinese, Russian and Arabic inside an English letter: each in its script's family.
    expect([...usage.keys()]).toEqual(expect.arrayContaining(["serif-regular", "serif-bold", "kr-regular", "naskh-regular"]));
    expect(usage.get("kr-regular")).toContain("김");
    expect(usage.get("naskh-regular")).toContain("ل");
    expect(usage.get("serif-regular")).toContain("Я");
    expect(usage.get("serif-regular")).not.toContain("김");
    // Han characters of an English letter take the Simplified Chinese family, as in the PDF.
    expect(usage.get("sc-regular")).toContain("中");
    const embedded = new Set([...usage.values()].flatMap((characters) => [...characters].map((c) => c.codePointAt(0)!)));
    const missing = distinct(fragmentText(html)).filter((codePoint) => !embedded.has(codePoint));
    expect(missing.map((codePoint) => String.fromCodePoint(codePoint))).toEqual([]);
  });

  it("embeds the bold and italic faces only where the text is bold or italic, and no face without text", () => {
    const usage = usageOf('<article class="letter" lang="en"><p>Plain and <strong>bold</strong>.</p></article>', "en");
    expect([...usage.keys()].sort()).toEqual(["serif-bold", "serif-regular"]);
    expect(usage.get("serif-bold")).toBe("bdlo");
  });

  it("sets italic Arabic upright, as the PDF does for a family without italics", () => {
    const usage = usageOf('<article class="letter" lang="ar" dir="rtl"><p>نص <em>مائل</em></p></article>', "ar");
    expect([...usage.keys()].some((face) => face.includes("italic"))).toBe(false);
    expect(usage.get("naskh-regular")).toContain("ئ");
  });

  it("keeps the characters a shaper decomposes a character into: Thai SARA AM, a precomposed accent", () => {
    const thai = usageOf('<article class="letter" lang="th"><p>คำแปล</p></article>', "th");
    expect(thai.get("thai-regular")).toEqual(expect.stringContaining("\u0e32"));
    expect(thai.get("thai-regular")).toEqual(expect.stringContaining("\u0e4d"));
    const latin = usageOf('<article class="letter" lang="fr"><p>Été</p></article>', "fr");
    expect(latin.get("serif-regular")).toEqual(expect.stringContaining("\u0301"));
  });

  it("holds the margin boxes' characters: every digit of the page label and the ellipsis that cuts a title", () => {
    const usage = usageOf('<article class="letter" lang="en"><p>x</p></article>', "en");
    expect(usage.get("serif-regular")).toEqual(expect.stringContaining("0123456789"));
    expect(usage.get("serif-regular")).toContain("…");
    for (const char of "A running title") expect(usage.get("serif-regular")).toContain(char);
  });

  it("names each face by the registry's family name, its weight range and style, as a data: URI", () => {
    const css = fontFaceRules(
      new Map<FaceId, Uint8Array>([
        ["serif-bold-italic", new Uint8Array([1, 2, 3])],
        ["kr-regular", new Uint8Array([4])],
      ]),
    );
    expect(css).toContain(
      `@font-face { font-family: "${FAMILIES.serif.name}"; font-weight: 600 1000; font-style: italic; font-display: block; src: url(data:font/woff2;base64,AQID) format("woff2"); }`,
    );
    expect(css).toContain(`font-family: "${FAMILIES.kr.name}"; font-weight: 1 599; font-style: normal;`);
    expect(css).toContain("font-synthesis: none");
  });
});

describe("a letter's usage from the runs of another of its shape (a mail merge's next reader)", () => {
  const letterTo = (name: string) => `<article class="letter" lang="zh"><p>致${name}</p><p>安全理事会成员：中国和法国。致意。</p></article>`;
  const usageOfLetter = (name: string) => fontUsage(fonts, styleLetter(letterTo(name), stylesheetsFor("zh", "A4")));

  it("is the letter's own usage, whether the reader's name adds characters or not, and the same object for readers who add none", () => {
    const { runs } = usageRuns(fonts, styleLetter(letterTo("甲"), stylesheetsFor("zh", "A4")));
    const nameRun = runs.findIndex((run) => run.inline === "致甲");
    expect(nameRun).toBeGreaterThanOrEqual(0);
    const others = usageWithout(fonts, runs, new Set([nameRun]));
    for (const name of ["中国", "法国和中国", "鑫淼", "中国鑫"]) {
      expect(usageOfRuns(others, runs, new Map([[nameRun, `致${name}`]]))).toEqual(usageOfLetter(name));
    }
    // Words of characters the rest of the letter has: nothing to add, nothing made.
    expect(usageOfRuns(others, runs, new Map([[nameRun, "致中国"]]))).toBe(usageOfRuns(others, runs, new Map([[nameRun, "致法国"]])));
    expect([...usageOfRuns(others, runs, new Map([[nameRun, "致鑫淼"]])).values()].join("")).toContain("鑫");
  });
});

describe("the WOFF2 subsets", () => {
  it("are WOFF2 fonts whose character map is exactly the characters asked for, in Latin, Arabic and Korean", async () => {
    const web = createWebFonts(fonts);
    for (const [face, characters] of [
      ["serif-regular", " ,.AJLaeinort€"],
      ["naskh-bold", " ءابةتسلمن"],
      ["kr-regular", " 가국김는다한"],
    ] as const) {
      const subset = await web.subset(face, characters);
      expect(Buffer.from(subset.subarray(0, 4)).toString("latin1")).toBe("wOF2");
      expect(characterMap(subset)).toBe(characters);
    }
  });

  it("stay intact while other subsets are made (the encoder reuses its memory)", async () => {
    const web = createWebFonts(fonts);
    const first = await web.subset("serif-regular", " Testimony");
    const copy = Buffer.from(first);
    await web.subset("serif-bold", " Another face, other characters 0123");
    await web.subset("naskh-regular", " ابت");
    expect(Buffer.compare(Buffer.from(first), copy)).toBe(0);
    expect(characterMap(first)).toBe(" Teimnosty");
  });

  it("are the same bytes for the same face and characters, from a warm cache or a new process's", async () => {
    const first = await createWebFonts(fonts).subset("serif-italic", "Testimony 2015");
    const cold = await createWebFonts(fonts).subset("serif-italic", "Testimony 2015");
    expect(Buffer.compare(Buffer.from(first), Buffer.from(cold))).toBe(0);
  });

  it("keep no more bytes than their budget, however many documents ask", async () => {
    const budget = 20_000;
    const web = createWebFonts(fonts, undefined, budget);
    for (let i = 0; i < 12; i++) await web.subset("serif-regular", `${String.fromCodePoint(0x41 + i)} abcdefghijklmnopqrstuvwxyz`);
    expect(web.cachedBytes).toBeGreaterThan(0);
    expect(web.cachedBytes).toBeLessThanOrEqual(budget);
  });

  it("name the font file that cannot be read", async () => {
    const web = createWebFonts(fonts, "/nonexistent-font-dir");
    await expect(web.subset("serif-regular", "a")).rejects.toThrow(/font file \/nonexistent-font-dir\/[\w.-]+ cannot be read/);
  });
});

describe("the HTML edition with its fonts", () => {
  it("is the same string every time, allows fonts from data: only, and keeps a Korean page small", async () => {
    const engine = await createEngine();
    const { letter } = await loadSeedLetter();
    const web = createWebFonts(fonts);
    const html = await renderHtmlWithFonts(engine, letter, "ko", web);
    expect(await renderHtmlWithFonts(engine, letter, "ko", createWebFonts(fonts))).toBe(html);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="[^"]*font-src data:[^"]*">/);
    expect(html).toContain(`font-family: "${FAMILIES.kr.name}"`);
    expect(Buffer.byteLength(html)).toBeLessThan(400_000);
    // The subsets hold the letter's own characters: the page would draw none of them from the machine.
    const { fragment } = fillLetter(engine, letter, "ko");
    expect(fragmentText(fragment)).toContain("북한");
  });
});
