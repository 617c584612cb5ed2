import { createHash } from "node:crypto";
import type { LocaleInfo } from "../locales";
import { LetterpressError } from "../errors";
import { assetsDigest, type TemplateAssets } from "../images/image-source";
import { type ParsedStylesheets, parseStylesheets, type StyledDocument, type StylesheetSource, styleDocument } from "../style";
import type { FontLibrary } from "./font-library";
import { Composer } from "./layout";
import { CACHE_BUDGETS, cacheKind, type TypesetterCaches } from "./cache";
import { type Box, BoxBuilder, copyBoxes, type Inline, type ParsedLetter, parseLetter, type TextInline, type TextNode, textInlines } from "./letter-tree";
import { changedPlainPieces, markupPieces, textNodesOfPieces } from "../template/markup-pieces";
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
  /** Told of each line drawn: true when drawn anew, false when an earlier letter's bytes of it served (pdf-writer.ts `DrawnLine`); for tests. */
  onLineDrawn?: (anew: boolean) => void;
  /** Told of each shaped run whose glyphs the writer numbers (pdf-writer.ts `numberGlyphsFromTheEnd`), once per run and document; for tests. */
  onRunNumbered?: () => void;
}

/**
 * What parsing and styling one letter taught about every letter of its shape (the same markup, other
 * words: a mail merge's letters differ in a reader's words): its tree and computed styles, its text
 * between tags, and the text nodes that are exactly one such piece of plain text.
 */
interface LetterShape {
  sheets: ParsedStylesheets;
  letter: ParsedLetter;
  styled: StyledDocument;
  texts: readonly string[];
  /** Text piece index -> the text node made of exactly that piece, for pieces of plain text. */
  nodeOfText: ReadonlyMap<number, TextNode>;
  /** The images the boxes were built with, and the boxes, never handed out (each letter gets a copy). */
  images: TemplateAssets | undefined;
  boxes: Box;
  /** The text inline each plain text node became (its text the node's, as written). */
  inlineOfNode: ReadonlyMap<TextNode, TextInline>;
}

/** Selectors that read an element's text (css-select's `:contains`, `:icontains`): a style that may change with the words. */
const TEXT_SELECTOR = /:i?contains\b/i;

/**
 * Estimated heap of a shape per character of its letter: its tree, styles, markup and texts
 * (measured 24 to 33 bytes per character, the boxes kept too, on the seed letter's fixture, bench/ab/shape-memory.ts).
 */
const SHAPE_BYTES_PER_CHARACTER = 32;
const shapeBytes = (characters: number) => 256 + SHAPE_BYTES_PER_CHARACTER * characters;

const LETTER_SHAPES = cacheKind<string, LetterShape>("letterShapes", {
  sizeOf: (skeleton, shape) => shapeBytes(shape.texts.reduce((sum, text) => sum + text.length, skeleton.length)),
});

/** Parse and style: the letter's box tree, each box with its computed style. */
function parseAndStyle(filledTemplate: string, sheets: ParsedStylesheets, images: TemplateAssets | undefined, sourceCodeLocationInfo: boolean) {
  const letter = parseLetter(filledTemplate, sourceCodeLocationInfo);
  const styled = styleDocument(letter.root, sheets);
  const sources = new Map<Inline, TextNode>();
  return { letter, styled, boxes: new BoxBuilder(styled, images, undefined, sources).build(letter), sources };
}

/**
 * Parse and style, once per shape of letter. A letter of a shape seen before (same markup, same
 * parsed stylesheets) whose changed texts are each a whole text node of plain text (PLAIN_TEXT) is
 * not parsed or styled again: the first letter's tree and styles serve, its changed text nodes read
 * as this letter's (the box tree is built anew). A style cannot depend on the words (no selector
 * reads text), and plain text in place of plain text parses to the same tree, so the boxes are the
 * ones a parse would give: a test renders a mail merge both ways (test/core/pdf/letter-shapes.test.ts).
 * Any other letter is parsed and styled, and its shape kept when no selector reads text.
 */
export function formatLetter(
  filledTemplate: string,
  sheets: ParsedStylesheets,
  images: TemplateAssets | undefined,
  caches: TypesetterCaches,
): { styled: StyledDocument; boxes: Box } {
  const { parts, texts, skeleton } = markupPieces(filledTemplate);
  const shapes = caches.of(LETTER_SHAPES);
  const known = shapes.get(skeleton);
  const replacements = known?.sheets === sheets ? changedPlainPieces(texts, known.texts, (piece) => known.nodeOfText.get(piece)) : null;
  if (known && replacements) {
    // The kept boxes, copied with this letter's words, when each replaced node is one inline of them; else built anew.
    const byInline = new Map<Inline, string>();
    for (const [node, text] of replacements) {
      const inline = known.inlineOfNode.get(node);
      if (inline) byInline.set(inline, text);
    }
    if (known.images === images && byInline.size === replacements.size) {
      return { styled: known.styled, boxes: copyBoxes(known.boxes, (inline) => byInline.get(inline) ?? inline.text) };
    }
    return { styled: known.styled, boxes: new BoxBuilder(known.styled, images, replacements).build(known.letter) };
  }
  // A letter too large for the cache's budget is not kept: its parse needs no source locations.
  const shapeable = shapeBytes(filledTemplate.length) <= CACHE_BUDGETS.letterShapes && !sheets.rules.some((rule) => TEXT_SELECTOR.test(rule.selector));
  let formatted: ReturnType<typeof parseAndStyle>;
  try {
    // Source locations cost parse5 a tenth of its time; a shape kept needs them once, to find its text nodes.
    formatted = parseAndStyle(filledTemplate, sheets, images, shapeable);
  } catch (error) {
    // Only an error in the markup needs source locations to name the line: the template is read again with them.
    if (!shapeable && error instanceof LetterpressError && error.message.startsWith("filled template")) formatted = parseAndStyle(filledTemplate, sheets, images, true);
    else throw error;
  }
  if (!shapeable) return { styled: formatted.styled, boxes: formatted.boxes };
  const nodeOfText = textNodesOfPieces(formatted.letter.root, parts);
  const plainNodes = new Set(nodeOfText.values());
  const inlineOfNode = new Map<TextNode, TextInline>();
  for (const inline of textInlines(formatted.boxes)) {
    const node = formatted.sources.get(inline);
    if (node && plainNodes.has(node) && inline.text === node.value) inlineOfNode.set(node, inline);
  }
  const { letter, styled, boxes } = formatted;
  shapes.set(skeleton, { sheets, letter, styled, texts, nodeOfText, images, boxes, inlineOfNode });
  return { styled, boxes: copyBoxes(boxes, (inline) => inline.text) };
}

/** The stylesheets as JSON, once per sources array (the template keeps one per language, paper and title): each letter's identifier hashes them. */
const stylesheetsJson = new WeakMap<readonly StylesheetSource[], string>();

/**
 * The PDF's file identifier: the first 16 bytes of the SHA-256 of everything that determines the
 * bytes, as the JSON array [filled template, locale, stylesheets (text and origin), metadata, images' digest]. Hashed
 * piece by piece, the stylesheets' JSON made once: the same bytes as the array's JSON in one string.
 */
function documentIdOf(filledTemplate: string, options: RenderPdfOptions): Buffer {
  const { metadata, stylesheets, images } = options;
  let sheets = stylesheetsJson.get(stylesheets);
  // A sheet's text and origin, not its name: the name is the folder it was read from, and a template
  // folder moved or given with another --templates path makes the same document (the revision agrees).
  if (sheets === undefined) stylesheetsJson.set(stylesheets, (sheets = JSON.stringify(stylesheets.map(({ text, origin }) => ({ text, origin })))));
  const hash = createHash("sha256")
    .update(`[${JSON.stringify(filledTemplate)},${JSON.stringify(options.locale)},`)
    .update(sheets)
    .update(`,${JSON.stringify({ ...metadata, creationDate: metadata.creationDate.toISOString() })}`);
  if (images?.files.size) hash.update(`,${JSON.stringify(assetsDigest(images))}`);
  return hash.update("]").digest().subarray(0, 16);
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
  const { styled, boxes } = formatLetter(filledTemplate, options.parsedStylesheets ?? parseStylesheets(options.stylesheets), options.images, options.fonts.caches);
  const composer = new Composer({ fonts: options.fonts, locale: options.locale, styled, images: options.images });
  const pages = composer.layout(boxes);
  const { metadata } = options;
  // The file identifier is derived from everything that determines the bytes, so it is stable and unique per content.
  const documentId = documentIdOf(filledTemplate, options);
  // Object streams take a fifth to a third off a tagged letter (object-streams.ts), written as pdfkit makes the objects.
  return writePdf(pages, composer.root, {
    geometry: composer.geometry,
    lang: options.locale.tag,
    metadata,
    documentId,
    fonts: options.fonts,
    objectStreams: options.objectStreams !== false,
    ...(options.onLineDrawn ? { onLineDrawn: options.onLineDrawn } : {}),
    ...(options.onRunNumbered ? { onRunNumbered: options.onRunNumbered } : {}),
  });
}
