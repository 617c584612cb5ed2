import { createHash } from "node:crypto";
import type { LocaleInfo } from "../locales";
import type { FontLibrary } from "./font-library";
import { Composer, PAPER } from "./layout";
import { readLetterTree } from "./letter-tree";
import { type PdfMetadata, writePdf } from "./pdf-writer";

export { resetCaches } from "./cache";
export type { FontLibrary } from "./font-library";
export type { PdfMetadata } from "./pdf-writer";

export interface RenderPdfOptions {
  locale: LocaleInfo;
  paper: "A4" | "Letter";
  /** The localized "Page X of Y" (the template's `footer.page` message). */
  pageLabel: (page: number, pages: number) => string;
  /** Document metadata; the creation date comes from the letter, never the clock. */
  metadata: PdfMetadata;
  /** The shared, lazily loaded fonts (`loadFontLibrary` in functions/fonts). */
  fonts: FontLibrary;
}

/**
 * Lays out the filled letter template (the HTML edition's fragment, see templates/VOCABULARY.md) as a
 * tagged PDF/A-2a document. Same input, same fonts: same bytes.
 *
 * @throws LetterpressError TEMPLATE_ERROR for an element or class outside the vocabulary,
 *   RENDER_ERROR for a character no shipped font covers (naming its code point and context).
 */
export async function renderPdf(filledTemplate: string, options: RenderPdfOptions): Promise<Buffer> {
  const tree = readLetterTree(filledTemplate);
  const geometry = PAPER[options.paper];
  const composer = new Composer({ fonts: options.fonts, locale: options.locale, geometry });
  const pages = composer.layout(tree);
  const labels = pages.map((_, i) => options.pageLabel(i + 1, pages.length));
  composer.addFooters(tree.footer, (page) => labels[page - 1]!);
  const { metadata } = options;
  // The file identifier is derived from everything that determines the bytes, so it is stable and unique per content.
  const documentId = createHash("sha256")
    .update(JSON.stringify([filledTemplate, options.locale, options.paper, labels, { ...metadata, creationDate: metadata.creationDate.toISOString() }]))
    .digest()
    .subarray(0, 16);
  return writePdf(pages, composer.root, { geometry, lang: options.locale.tag, metadata, documentId, fonts: options.fonts });
}
