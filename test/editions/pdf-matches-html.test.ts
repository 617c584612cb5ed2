import { rmSync } from "node:fs";
import { renderDocument, type DocumentRenderer } from "../../functions/core/render-document";
import { createRenderer } from "../../functions/render/create-renderer";
import { footerTitle, fragmentText, normalize, pdfjsPages, popplerPages, withoutRunningTitle, similarity, toFile } from "../core/pdf/pdf-inspect";
import { loadSeedLetter, SEED_LETTER, TEMPLATES_DIR, SHIPPED_LOCALES } from "../support/letters";
import { fillLetter } from "../../functions/core/html/render-html";

/**
 * The two editions come from one filled template: what a reader extracts from the PDF must be the
 * HTML edition's text, word for word and in order, in every language (Arabic included).
 */
describe("the PDF edition says what the HTML edition says", () => {
  let renderer: DocumentRenderer;
  let parsed: Awaited<ReturnType<typeof loadSeedLetter>>;
  beforeAll(async () => {
    renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    parsed = await loadSeedLetter();
  });

  describe.each(SHIPPED_LOCALES)("in %s", (locale) => {
    let pages: { poppler: string[]; pdfjs: string[] };
    let expected: string;
    let title: string;
    let labels: string[];
    beforeAll(async () => {
      const { bytes } = await renderDocument(renderer, parsed, { letterId: SEED_LETTER, locale, format: "pdf", recipientId: null });
      const { fragment } = fillLetter(renderer.templates.forLetter(parsed.letter), parsed.letter, locale);
      expected = normalize(fragmentText(fragment));
      title = footerTitle(fragment);
      const file = toFile(bytes);
      try {
        pages = { poppler: popplerPages(file), pdfjs: pdfjsPages(file) };
      } finally {
        rmSync(file, { force: true });
      }
      const messages = renderer.templates.forLetter(parsed.letter).messages(locale);
      labels = pages.poppler.map((_page, index) => messages.format("footer.page", { page: index + 1, pages: pages.poppler.length }));
    });

    /** The text of the pages without each page's running footer (the title and "Page X of Y"). */
    const body = (texts: string[]) =>
      texts
        .map((text, index) => {
          let page = normalize(text);
          const label = normalize(labels[index]!);
          const at = page.lastIndexOf(label);
          if (at >= 0) page = page.slice(0, at) + page.slice(at + label.length);
          return withoutRunningTitle(page, normalize(title));
        })
        .join("");

    it("extracts with poppler's pdftotext as the HTML's text", () => {
      expect(similarity(expected, body(pages.poppler))).toBeGreaterThanOrEqual(0.98);
    });

    it("extracts with pdf.js as the HTML's text", () => {
      expect(similarity(expected, body(pages.pdfjs))).toBeGreaterThanOrEqual(0.98);
    });

    it("numbers every page with the localized page label", () => {
      expect(pages.poppler.length).toBeGreaterThanOrEqual(2);
      pages.poppler.forEach((page, index) => expect(normalize(page)).toContain(normalize(labels[index]!)));
    });
  });
});
