import { createHash } from "node:crypto";
import type { LocaleInfo } from "../locales";
import { LetterpressError } from "../errors";
import { assetsDigest, type TemplateAssets } from "../images/image-source";
import { type ParsedStylesheets, parseStylesheets, type StyledDocument, type StylesheetSource, styleDocument } from "../style";
import type { FontLibrary } from "./font-library";
import { Composer } from "./layout";
import { type Box, BoxBuilder, parseLetter } from "./letter-tree";
import { type PdfMetadata, writePdf } from "./pdf-writer";

export type { FontLibrary } from "./font-library";
export type { PdfMetadata } from "./pdf-writer";

export interface RenderPdfOptions {
  locale: LocaleInfo;
  /** The document's stylesheets in cascade order: ua.css, the render's settings, print.css (`editionStylesheets`). */
  stylesheets: readonly StylesheetSource[];
  /**
   * The same stylesheets already parsed, by the template that owns them (`templateStylesheets`):
   * a mail merge parses its template's sheets once. Parsed here when not given.
   */
  parsedStylesheets?: ParsedStylesheets;
  /** Document metadata; the creation date comes from the letter, never the clock. */
  metadata: PdfMetadata;
  /** The shared, lazily loaded fonts (`loadFontLibrary` in functions/fonts). */
  fonts: FontLibrary;
  /** The template's images, which `<img src>` names (TemplateSet.assets). */
  images?: TemplateAssets;
  /** false: pdfkit's plain objects and xref table, for comparing a repacked file with what it repacked. */
  objectStreams?: boolean;
}

/** Parse and style: the letter's box tree, each box with its computed style. */
function formatLetter(filledTemplate: string, sheets: ParsedStylesheets, images: TemplateAssets | undefined): { styled: StyledDocument; boxes: Box } {
  const format = (sourceCodeLocationInfo: boolean) => {
    const letter = parseLetter(filledTemplate, sourceCodeLocationInfo);
    const styled = styleDocument(letter.root, sheets);
    return { styled, boxes: new BoxBuilder(styled, images).build(letter) };
  };
  try {
    return format(false);
  } catch (error) {
    // Source locations cost parse5 a tenth of its time on every render; only an error in the
    // markup needs them, so the template is read again with them to name the line.
    if (error instanceof LetterpressError && error.message.startsWith("filled template")) return format(true);
    throw error;
  }
}

/**
 * Lays out the filled letter template (the HTML edition's fragment, see templates/VOCABULARY.md) as a
 * tagged PDF/A-2a document, in the look its stylesheets give it (templates/CSS.md). Same input,
 * same fonts: same bytes. The stages: parse, style, break lines and paginate, write.
 *
 * @throws LetterpressError TEMPLATE_ERROR for markup outside the vocabulary or CSS outside the
 *   supported table (naming the stylesheet, line, selector and property), RENDER_ERROR for a
 *   character no shipped font covers (naming its code point and context).
 */
export async function renderPdf(filledTemplate: string, options: RenderPdfOptions): Promise<Buffer> {
  const { styled, boxes } = formatLetter(filledTemplate, options.parsedStylesheets ?? parseStylesheets(options.stylesheets), options.images);
  const composer = new Composer({ fonts: options.fonts, locale: options.locale, styled, images: options.images });
  const pages = composer.layout(boxes);
  const { metadata } = options;
  // The file identifier is derived from everything that determines the bytes, so it is stable and unique per content.
  const documentId = createHash("sha256")
    .update(
      JSON.stringify([
        filledTemplate,
        options.locale,
        options.stylesheets,
        { ...metadata, creationDate: metadata.creationDate.toISOString() },
        ...(options.images?.files.size ? [assetsDigest(options.images)] : []),
      ]),
    )
    .digest()
    .subarray(0, 16);
  // Object streams take a fifth to a third off a tagged letter (object-streams.ts), written as pdfkit makes the objects.
  return writePdf(pages, composer.root, {
    geometry: composer.geometry,
    lang: options.locale.tag,
    metadata,
    documentId,
    fonts: options.fonts,
    objectStreams: options.objectStreams !== false,
  });
}
