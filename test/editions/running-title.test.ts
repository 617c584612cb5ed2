import { type FilledLetter, fillLetter, renderHtmlEdition } from "../../functions/core/html/render-html";
import type { LocaleId } from "../../functions/core/locales";
import type { DocumentRenderer } from "../../functions/core/render-document";
import type { TemplateEngine } from "../../functions/core/template/template-engine";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { createWebFonts } from "../../functions/fonts/web-fonts";
import { createRenderer } from "../../functions/render/create-renderer";
import { toFile } from "../core/pdf/pdf-inspect";
import { browserAvailable, type LaunchedBrowser, launchChromium, printWhenFontsLoaded } from "../support/browser";
import { loadSeedLetter, TEMPLATES_DIR } from "../support/letters";
import { characters, containsLabel, footerLines as footers } from "../support/line-starts";

/** Each page's footer lines' texts. */
const footerLines = (path: string, bottomMargin: number) => footers(path, bottomMargin).map((page) => page.lines.map((line) => line.text));

/**
 * Nothing in a running footer pushes the page label off the page (issue 12 item 7): a title of
 * about 600 characters is cut to one line with an ellipsis, the same way in the PDF and in
 * Chromium's print of the HTML edition, and every page keeps its "Page X of Y".
 */

const MM = 72 / 25.4;
/** print.css's bottom margin. */
const BOTTOM_MARGIN = 26 * MM;

/** Titles of about 600 characters: words in three scripts, and one with no space to break at. */
const TITLES: readonly { locale: LocaleId; title: string }[] = [
  { locale: "en", title: "Joint letter on the situation of human rights defenders and the follow-up to the Commission of Inquiry ".repeat(6).slice(0, 600) },
  { locale: "ru", title: "Совместное письмо о положении правозащитников и о выполнении рекомендаций Комиссии по расследованию ".repeat(7).slice(0, 600) },
  { locale: "zh", title: "关于人权维护者处境以及调查委员会建议后续落实情况的联名信".repeat(22).slice(0, 600) },
  { locale: "ar", title: "رسالة مشتركة بشأن أوضاع المدافعين عن حقوق الإنسان ومتابعة توصيات لجنة التحقيق ".repeat(8).slice(0, 600) },
  { locale: "en", title: "Unbreakable".repeat(55) },
];

function withTitle(filled: FilledLetter, title: string): FilledLetter {
  return { ...filled, view: { ...filled.view, title } };
}

describe("a running title of 600 characters on US Letter", () => {
  let renderer: DocumentRenderer & { engine: TemplateEngine };
  let parsed: Awaited<ReturnType<typeof loadSeedLetter>>;
  beforeAll(async () => {
    const created = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "Letter" });
    parsed = await loadSeedLetter();
    renderer = { ...created, engine: created.templates.forLetter(parsed.letter) };
  });

  const labels = (locale: LocaleId, pages: number) => Array.from({ length: pages }, (_, i) => renderer.engine.messages(locale).format("footer.page", { page: i + 1, pages }));

  it.each(TITLES)("keeps the PDF's footer to one line with the $locale page label on every page", async ({ locale, title }) => {
    const filled = withTitle(fillLetter(renderer.engine, parsed.letter, locale), title);
    const pages = footerLines(toFile(await renderer.pdf(filled, "Letter", renderer.engine)), BOTTOM_MARGIN);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const expected = labels(locale, pages.length);
    pages.forEach((lines, index) => {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("…");
      expect(containsLabel(lines[0]!, expected[index]!)).toBe(true);
    });
  });

  const describeInBrowser = browserAvailable() ? describe : describe.skip;
  describeInBrowser("and in Chromium's print of the HTML edition", () => {
    let launched: LaunchedBrowser;
    const webFonts = createWebFonts(loadFontLibrary());
    // biome-ignore lint/suspicious/noDuplicateTestHooks: describeInBrowser is describe (or describe.skip without Chromium), a scope of its own that Biome does not recognize
    beforeAll(async () => {
      launched = await launchChromium();
    });
    afterAll(async () => launched?.close());

    it.each(TITLES)("prints the $locale footer the PDF prints: one line, the same cut title, every page label", async ({ locale, title }) => {
      const filled = withTitle(fillLetter(renderer.engine, parsed.letter, locale), title);
      const page = await launched.browser.newPage();
      await page.setContent(await renderHtmlEdition(renderer.engine, filled, "Letter", webFonts));
      const chromium = footerLines(toFile(await printWhenFontsLoaded(page)), BOTTOM_MARGIN);
      await page.close();
      const ours = footerLines(toFile(await renderer.pdf(filled, "Letter", renderer.engine)), BOTTOM_MARGIN);
      const expected = labels(locale, chromium.length);
      chromium.forEach((lines, index) => {
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain("…");
        expect(containsLabel(lines[0]!, expected[index]!)).toBe(true);
      });
      // The same cut: the footers hold the same characters.
      expect(chromium.map((lines) => characters(lines.join("")))).toEqual(ours.map((lines) => characters(lines.join(""))));
    });
  });
});
