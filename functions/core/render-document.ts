import { type DocumentRequest, CONTENT_TYPES, type RenderedDocument, sha256Hex } from "./documents";
import { LetterpressError } from "./errors";
import { editionStylesheets, fillLetter, type FilledLetter, type MailMerge, type Paper, renderHtmlEditionBytes, renderHtmlPage } from "./html/render-html";
import type { WebFontSource } from "./html/web-fonts";
import type { TextCoverage } from "./letter/letter-context";
import type { TypesetterCaches } from "./pdf/cache";
import type { ParsedLetter } from "./letter/parse-letter";
import { LetterShapeError, MarkupError } from "./pdf/letter-tree";
import { TableTooWideError } from "./pdf/table-layout";
import { UncoveredCharacterError } from "./pdf/shaping";
import { uncoveredCharacterOfLetter } from "./letter/uncovered-at-render";
import { markupErrorOfLetter, unbalancedMarkupOfLetter } from "./template/markup-provenance";
import type { TemplateEngine } from "./template/template-engine";
import type { TemplateLibrary } from "./template/template-library";
import { type HyphenationPatterns, hyphenateFragment } from "./text/hyphenate";

/** Lays out a filled letter as PDF bytes; the composition root binds it to the PDF typesetter and its fonts. */
export type PdfRenderer = (filled: FilledLetter, paper: Paper, engine: TemplateEngine) => Promise<Buffer>;

/** Refuses a filled letter whose PDF layout is refused (core/pdf/check-print-width.ts), without making the PDF. */
export type PrintWidthCheck = (filled: FilledLetter, paper: Paper, engine: TemplateEngine) => void;

export interface DocumentRenderer {
  /** Every template, each compiled once; a letter is made with the one its letter.json names. */
  templates: TemplateLibrary;
  pdf: PdfRenderer;
  /**
   * The PDF's refusal of a table Chromium would print cut, made for an HTML edition too, so both
   * editions are one decision (without it, an HTML-only render makes no such check).
   */
  checkPrintWidth?: PrintWidthCheck;
  paper: Paper;
  /** Hyphenation patterns by language, for text whose style says `hyphens: auto`. */
  hyphenation: HyphenationPatterns;
  /** The HTML edition's embedded fonts (`createWebFonts`); without them the page uses the reader's fonts. */
  webFonts?: WebFontSource;
  /** The typesetter's caches of this renderer (its font library's): `caches.clear()` makes the next document cold. */
  caches: TypesetterCaches;
  /** Which characters the PDF's fonts draw, so letter data is checked against them before any document is made. */
  coverage?: TextCoverage;
}

/**
 * The hyphenation stage: soft hyphens where the document's stylesheets ask `hyphens: auto`, put into
 * the filled template that both editions are made from, so both break words at the same points.
 */
export function hyphenateLetter(renderer: DocumentRenderer, engine: TemplateEngine, filled: FilledLetter): FilledLetter {
  const { view } = filled;
  const stylesheets = editionStylesheets(engine, view.locale, renderer.paper, view.title);
  return { ...filled, fragment: hyphenateFragment(filled.fragment, stylesheets, renderer.hyphenation) };
}

/**
 * Makes one document. The letter template is filled once and both editions are made from that one
 * fragment, so the PDF and the HTML cannot say different things.
 */
export async function renderDocument(renderer: DocumentRenderer, parsed: ParsedLetter, request: DocumentRequest): Promise<RenderedDocument> {
  const unusable = parsed.localeErrors.get(request.locale);
  if (unusable) throw unusable;
  // A recipient whose words its language lacks, or has from older source words, fails only its own documents.
  const recipientProblem = request.recipientId ? parsed.recipientErrors.get(request.recipientId) : undefined;
  if (recipientProblem) throw recipientProblem;
  // The letter to all recipients lists every one: refused while its language lacks some recipients' words.
  const generalProblem = request.recipientId ? undefined : parsed.generalLetterErrors.get(request.locale);
  if (generalProblem) throw generalProblem;
  if (!parsed.letter.translations.has(request.locale)) {
    throw new LetterpressError("UNKNOWN_LOCALE", `letter "${request.letterId}" has no ${request.locale} translation`);
  }
  const engine = renderer.templates.forLetter(parsed.letter);
  // A field printed as markup goes into the letter as written: an unclosed <em> is the field's fault, named by it.
  const unbalanced = unbalancedMarkupOfLetter(parsed.letter, request.locale, engine);
  if (unbalanced) throw unbalanced;
  const fill = (recipientId?: string) => hyphenateLetter(renderer, engine, fillLetter(engine, parsed.letter, request.locale, recipientId));
  const filled = fill(request.recipientId ?? undefined);
  // A personalized page's fonts hold every recipient's characters: one subset per face serves the whole merge.
  const merge: MailMerge = { letter: parsed.letter, fill, fillKind: "hyphenated" };
  let bytes: Buffer;
  // The HTML edition's digest comes with it: most of its bytes are the same for every letter of a merge.
  let sha256: string | undefined;
  try {
    if (request.format === "pdf") bytes = await renderer.pdf(filled, renderer.paper, engine);
    else {
      // The HTML edition is refused where the PDF is: Chromium would print it cut.
      renderer.checkPrintWidth?.(filled, renderer.paper, engine);
      if (renderer.webFonts) ({ bytes, sha256 } = await renderHtmlEditionBytes(engine, filled, renderer.paper, renderer.webFonts, merge));
      else bytes = Buffer.from(renderHtmlPage(engine, filled, renderer.paper), "utf8");
    }
  } catch (error) {
    // The template's own markup was checked at load: what is left came from a field, named by its file and JSON path.
    if (error instanceof MarkupError) throw markupErrorOfLetter(error, parsed.letter, request.locale, engine, filled.fragment);
    // The letter's shape is letter.hbs's doing: name the file the person opens.
    if (error instanceof LetterShapeError)
      throw new LetterpressError(
        "TEMPLATE_ERROR",
        `${engine.folder}/letter.hbs (as filled): expected exactly one <article class="letter"> and nothing beside it; found ${error.found}`,
        { cause: error },
      );
    if (error instanceof TableTooWideError) throw new LetterpressError("TEMPLATE_ERROR", `${engine.folder}/letter.hbs (as filled): ${error.message}`, { cause: error });
    // A glyph no font has is the text's fault, named by the field that holds it: a retry would only repeat it.
    if (error instanceof UncoveredCharacterError) throw uncoveredCharacterOfLetter(error, parsed.letter, request.locale, request.recipientId, engine, renderer.coverage);
    throw error;
  }
  return { request, bytes, sha256: sha256 ?? sha256Hex(bytes), contentType: CONTENT_TYPES[request.format] };
}
