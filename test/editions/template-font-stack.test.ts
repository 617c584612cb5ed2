import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { LocaleId } from "../../functions/core/locales";
import { faceOf } from "../../functions/core/pdf/font-library";
import { assignFamilies } from "../../functions/core/pdf/shaping";
import { stackFallbacks, templateFamilies } from "../../functions/core/style/font-faces";
import { parseStylesheets } from "../../functions/core/style/stylesheet";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { loadTemplateFonts } from "../../functions/templates/template-fonts";
import { run } from "../core/pdf/pdf-inspect";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { paragraphsAtWidths } from "../support/edition-comparison";

/**
 * A stack of two template faces, `"Brand Serif", "Second Sans", var(--font-body)`: Source Serif 4
 * (test/fixtures) lacks ŧ, ɛ, ɔ and Ɓ, which Noto Sans Medium (OFL, node_modules; a face the
 * registry does not use) has. CSS Fonts 4 §5 and Chromium take each from the first listed family
 * that has it, Second Sans; the PDF took them from the registry's Noto Serif. Arabic, which neither
 * template face has, still comes from the registry (Noto Naskh Arabic) in both editions.
 */
const SOURCE_SERIF = join(__dirname, "../fixtures/fonts/source-serif-4/SourceSerif4-Regular.ttf");
const NOTO_SANS_MEDIUM = join(dirname(require.resolve("@expo-google-fonts/noto-sans/package.json")), "500Medium/NotoSans_500Medium.ttf");
const FACES = [
  '@font-face { font-family: "Brand Serif"; src: url("fonts/SourceSerif4-Regular.ttf"); font-weight: 100 900; }',
  '@font-face { font-family: "Second Sans"; src: url("fonts/NotoSans-Medium.ttf"); font-weight: 100 900; }',
].join("\n");
const STACK = 'font-family: "Brand Serif", "Second Sans", var(--font-body);';
const WORDS = ["Ŧuolla", "ŧiŋga", "ɛnɔ", "Ɓamako", "sámegiella", "letter", "سلام", "committee", "ɔkɔ", "reading"];
const PARAGRAPHS = [0, 3, 6].map((shift) => Array.from({ length: 36 }, (_, i) => WORDS[(i + shift) % WORDS.length]).join(" "));

describe("a font stack of two template faces: a character the first lacks comes from the second (CSS Fonts 4 §5)", () => {
  let root: string;
  let css: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "letterpress-font-stack-"));
    mkdirSync(join(root, "fonts"));
    copyFileSync(SOURCE_SERIF, join(root, "fonts/SourceSerif4-Regular.ttf"));
    copyFileSync(NOTO_SANS_MEDIUM, join(root, "fonts/NotoSans-Medium.ttf"));
    const loaded = await loadTemplateFonts(root, FACES, "t/print.css");
    expect(loaded.problems).toEqual([]);
    css = loaded.stylesheet;
  });
  let launched: LaunchedBrowser | undefined;
  afterAll(async () => {
    await launched?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("the PDF's fallback takes the stack's families in order, then the registry's family of the script", () => {
    const sheets = parseStylesheets([{ name: "t/print.css", text: css, origin: "author" }]);
    const families = templateFamilies(sheets.fontFaces)!;
    const brand = families.get("brand serif")!;
    const second = families.get("second sans")!;
    const stack = [brand, second, "Noto Serif", "Noto Naskh Arabic"];
    expect(stackFallbacks(stack)).toEqual([second]);
    // A stack naming no template family after its first keeps the registry's fallback alone.
    expect(stackFallbacks([brand, "Noto Serif"])).toEqual([]);
    // A registry family listed between two template faces is tried in its place.
    expect(stackFallbacks([brand, "Noto Sans", second])).toEqual(["sans", second]);
    const fonts = loadFontLibrary();
    const upright = { bold: false, italic: false };
    expect(fonts.face(faceOf(second, upright)).postscriptName).toBe("NotoSans-Medium");
    expect(assignFamilies(fonts, "aŧ ɛ س", brand, upright, "sc", stackFallbacks(stack))).toEqual([brand, second, brand, second, brand, "naskh"]);
  });

  const itInBrowser = browserAvailable() ? it : it.skip;

  itInBrowser("Chromium and our PDF draw them in the same faces and break the lines alike", async () => {
    launched ??= await launchChromium();
    const fonts = loadFontLibrary();
    const figures = await paragraphsAtWidths(launched.browser, fonts, {
      locale: "en" as LocaleId,
      paragraphs: PARAGRAPHS,
      widths: [11, 17, 23],
      align: "start",
      bodyCss: STACK,
      css,
    });
    const fontNames = (file: string) =>
      [
        ...new Set(
          run("pdffonts", [file])
            .split("\n")
            .slice(2)
            .map((row) => /^(?:[A-Z]{6}\+)?(\S+)/.exec(row)?.[1])
            .filter(Boolean),
        ),
      ].sort();
    const ours = fontNames(figures.files.ours);
    expect(ours).toEqual(expect.arrayContaining(["NotoSans-Medium", "SourceSerif4-Regular", "NotoNaskhArabic-Regular"]));
    expect(ours).not.toContain("NotoSerif-Regular");
    expect(fontNames(figures.files.chromium)).toEqual(ours);
    expect(figures.characters.ours).toBe(figures.characters.chromium);
    expect({ agreeing: figures.agreeing, met: figures.agreeing >= 0.99, pages: figures.pages.ours }).toEqual({
      agreeing: figures.agreeing,
      met: true,
      pages: figures.pages.chromium,
    });
  });
});
