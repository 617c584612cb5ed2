import { createHash, type Hash, randomUUID } from "node:crypto";
import { InvalidLetterDataError } from "../errors";
import type { Letter } from "../letter/parse-letter";
import { formattingLocale, type LocaleId, localeInfo } from "../locales";
import { counterStyleOf } from "../style/counter-styles";
import { documentStylesheets, type Paper, stylesheetsAsHtmlCss } from "../style/document-stylesheets";
import type { StylesheetSource } from "../style/stylesheet";
import { marginBoxCuts } from "./margin-boxes";
import { type FaceId, type FontLibrary, facesInOrder } from "../pdf/font-library";
import { cacheKind, LruCache } from "../pdf/cache";
import {
  type FontUsage,
  fontCssBytesOf,
  fontLoadingMarkup,
  type StyledLetter,
  styleLetter,
  type UsageCollector,
  type UsageRun,
  usageOfRuns,
  usageRuns,
  usageKey,
  usageWithout,
  type WebFontSource,
} from "./web-fonts";
import type { TextNode } from "../pdf/letter-tree";
import { changedPlainPieces, markupPieces, textNodesOfPieces } from "../template/markup-pieces";
import { buildLetterView, type LetterView } from "../template/letter-view";
import type { TemplateEngine } from "../template/template-engine";
import { type HtmlHead, templateStylesheets } from "../template/template-library";
import { inlineImages } from "./inline-images";

export type { Paper } from "../style/document-stylesheets";

export interface FilledLetter {
  /** The filled letter template: the one source both editions are made from. */
  fragment: string;
  view: LetterView;
}

/**
 * A mail merge in one language: the same letter filled for each of its recipients. The HTML edition
 * of a personalized letter embeds the characters of every letter of its merge (`renderHtmlEdition`).
 */
export interface MailMerge {
  letter: Letter;
  /** One recipient's letter, filled as the document's own was (template, hyphenation). */
  fill(recipientId: string): FilledLetter;
  /** Names how `fill` fills (e.g. with or without hyphenation): merges filled differently keep their fonts apart. */
  fillKind: string;
}

/**
 * Fills the letter template for one language (and, optionally, one recipient). The letter's own
 * words the template prints must be in that language's file: one missing is an error naming the
 * file and the field, before anything is filled.
 */
export function fillLetter(engine: TemplateEngine, letter: Letter, locale: LocaleId, recipientId?: string): FilledLetter {
  const translation = letter.translations.get(locale);
  const missing = translation ? engine.letterWords.filter((word) => translation[word] === undefined) : [];
  if (missing.length > 0) {
    const file = `${letter.facts.id}/${locale}.json`;
    throw new InvalidLetterDataError(missing.map((word) => ({ file, path: word, message: `missing; the letter's template "${engine.set.name}" prints it` })));
  }
  const view = buildLetterView(letter, locale, recipientId);
  return { fragment: engine.fill("letter", view, locale), view };
}

/** The letter's words where only text can go: the HTML page's head, the PDF's document information and XMP, file names. */
export interface DocumentTexts {
  title: string;
  summary: string;
  sender: string;
  signatoryNames: string[];
}

/**
 * The letter's words as text for the places that take no markup (`TemplateEngine.fieldText`): a
 * template that prints the title as markup (`{{{title}}}`) has its `<em>` set in italics in the
 * letter, and its words, tags left out and references decoded once, in the title bar and the PDF's /Title.
 */
export function documentTexts(engine: TemplateEngine, view: LetterView): DocumentTexts {
  return {
    title: engine.fieldText("title", view.title),
    summary: engine.fieldText("summary", view.summary),
    sender: engine.fieldText("sender", view.sender),
    signatoryNames: view.signatories.map((signatory) => engine.fieldText("signatories.name", signatory.name)),
  };
}

/**
 * The stylesheets of one document, in cascade order, as both editions read them: the template's
 * ua.css and print.css around the render's settings (paper, font stack, localized page label, title).
 * `runningTitle` is the letter's title as its view holds it: the running title is its text (`fieldText`).
 */
export function editionStylesheets(engine: TemplateEngine, locale: LocaleId, runPaper: Paper, runningTitle = ""): readonly StylesheetSource[] {
  // A template that sets its own page size: the run's paper shapes no byte (nor the PDF's /ID).
  const paper = engine.paperFor(runPaper);
  // Made once per language, paper and title and kept by the template: every recipient's letter shares them.
  return templateStylesheets(engine).sources(`${locale}\u0000${paper}\u0000${runningTitle}`, () =>
    makeEditionStylesheets(engine, locale, paper, engine.fieldText("title", runningTitle)),
  );
}

// A language's default digits, found once per formatting locale: making an Intl object loads locale data.
const numberingSystems = new Map<string, string>();
function numberingSystemOf(formattingTag: string): string {
  let system = numberingSystems.get(formattingTag);
  if (system === undefined) {
    system = new Intl.NumberFormat(formattingTag).resolvedOptions().numberingSystem;
    numberingSystems.set(formattingTag, system);
  }
  return system;
}

function makeEditionStylesheets(engine: TemplateEngine, locale: LocaleId, paper: Paper, runningTitle: string): StylesheetSource[] {
  const messages = engine.messages(locale);
  // The page numbers in the digits the language's messages use (its CLDR default or its "$locale" override).
  const numberingSystem = numberingSystemOf(formattingLocale(locale, engine.set.localeOverrides?.[locale]));
  return documentStylesheets(
    { userAgent: engine.set.userAgentStylesheet, author: engine.set.stylesheet, authorName: `${engine.folder}/print.css` },
    {
      script: localeInfo(locale).script,
      paper,
      pageLabel: (page, pages) => messages.format("footer.page", { page, pages }),
      pageNumberStyle: counterStyleOf(numberingSystem),
      runningTitle,
    },
  );
}

/**
 * Wraps a filled letter into a standalone page: no script, no request, one inline style allowed by
 * hash, and fonts only from that style's data: URIs (`fontCss`, see `embeddedFontCss`).
 */
export function renderHtmlPage(engine: TemplateEngine, filled: FilledLetter, paper: Paper, fontCss = ""): string {
  const { view } = filled;
  return pageWithHead(engine, filled, pageHead(editionStylesheets(engine, view.locale, paper, view.title), fontCss));
}

/** The page's one `<style>`: the document's stylesheets, then what the page adds (its fonts), and the hash its CSP allows. */
function pageHead(sources: readonly StylesheetSource[], fontCss: string): HtmlHead {
  const css = pageCss(sources, fontCss);
  return { css, hash: createHash("sha256").update(css).digest("base64") };
}

/** The stylesheets' text as the page carries it, by the sources (which the template keeps): the same for every letter of a language. */
const htmlCssOfSources = new WeakMap<readonly StylesheetSource[], string>();

function pageCss(sources: readonly StylesheetSource[], fontCss: string): string {
  let stylesheets = htmlCssOfSources.get(sources);
  if (stylesheets === undefined) htmlCssOfSources.set(sources, (stylesheets = stylesheetsAsHtmlCss(sources)));
  return fontCss === "" ? stylesheets : `${stylesheets}\n${fontCss}`;
}

function pageWithHead(engine: TemplateEngine, { fragment, view }: FilledLetter, { css, hash }: HtmlHead, fontLoading = ""): string {
  const contentSecurityPolicy = ["default-src 'none'", `style-src 'sha256-${hash}'`, "img-src data:", "font-src data:", "base-uri 'none'", "form-action 'none'"].join("; ");
  return engine.fill(
    "page",
    {
      lang: view.lang,
      dir: view.dir,
      title: engine.fieldText("title", view.title),
      description: engine.fieldText("summary", view.summary),
      contentSecurityPolicy,
      css,
      letter: `${inlineImages(fragment, engine.set.assets)}${fontLoading}`,
    },
    view.locale,
  );
}

/**
 * The HTML edition of a filled letter with its fonts embedded: WOFF2 subsets of exactly the faces
 * and characters the PDF sets its text in, so the page looks the same on every machine; and its
 * margin boxes cut to one line as the PDF cuts them (`marginBoxCuts`).
 */
export async function renderHtmlEdition(engine: TemplateEngine, filled: FilledLetter, paper: Paper, webFonts: WebFontSource, merge?: MailMerge): Promise<string> {
  return (await renderHtmlEditionBytes(engine, filled, paper, webFonts, merge)).bytes.toString("utf8");
}

/** An HTML edition as its bytes and their SHA-256 (hex), which the stored document carries. */
export interface HtmlEditionBytes {
  bytes: Buffer;
  sha256: string;
}

/**
 * `renderHtmlEdition` as the UTF-8 bytes of the page, with their SHA-256: the same bytes. The
 * embedded fonts' rules are hundreds of kilobytes, the same for every letter of a merge: kept as
 * bytes by the font source, they are copied into the page, not joined, flattened and encoded again
 * for each letter, and the digest of the page up to the letter is taken once (`pagePrefix`).
 */
export async function renderHtmlEditionBytes(engine: TemplateEngine, filled: FilledLetter, paper: Paper, webFonts: WebFontSource, merge?: MailMerge): Promise<HtmlEditionBytes> {
  const sheets = templateStylesheets(engine);
  const sources = editionStylesheets(engine, filled.view.locale, paper, filled.view.title);
  const own = fontsOfLetter(engine, filled, sources, webFonts.fonts);
  const { cuts } = own;
  const usage = merge && filled.view.recipient ? mergeUsage(engine, filled, paper, sources, webFonts.fonts, merge, own.usage) : own.usage;
  const fontsKey = usageKey(usage);
  const fontCss = await fontCssBytesOf(webFonts, usage, fontsKey);
  // The page's style: the stylesheets, the margin boxes' cuts, then the fonts (as `pageCss` joins them).
  const leading = pageCss(sources, cuts === "" ? "" : `${cuts}\n`);
  const stylesBefore = cuts === "" ? `${leading}\n` : leading;
  // The style's hash (hundreds of kilobytes) once per characters per face and cuts.
  const hash = sheets.styleHash(sources, `${cuts}\u0000${fontsKey}`, () => `${stylesBefore}${Buffer.from(fontCss).toString("utf8")}`);
  return pageBytesWithHead(engine, filled, hash, stylesBefore, fontCss, fontLoadingMarkup(usage));
}

/** Stands for the page's style in the filled page template until its bytes are put in (no letter or template holds it). */
const STYLE_PLACE = `\u0000letterpress-style-${randomUUID()}\u0000`;

/** The page up to the end of its style: its head and stylesheets as bytes, and the digest of them and the fonts' rules. */
interface PagePrefix {
  head: string;
  stylesBefore: string;
  headBytes: Buffer;
  stylesBytes: Buffer;
  digest: Hash;
}

/**
 * The last page prefix made with each fonts' rules (kept weakly by the rules' bytes, which the web font source keeps;
 * a prefix is a few kilobytes against their hundreds): the letters of a merge share their head, style and fonts.
 */
const pagePrefixes = new WeakMap<Uint8Array, PagePrefix>();

function pagePrefix(head: string, stylesBefore: string, fontCss: Uint8Array): PagePrefix {
  const known = pagePrefixes.get(fontCss);
  if (known !== undefined && known.head === head && known.stylesBefore === stylesBefore) return known;
  const headBytes = Buffer.from(head, "utf8");
  const stylesBytes = Buffer.from(stylesBefore, "utf8");
  const prefix = { head, stylesBefore, headBytes, stylesBytes, digest: createHash("sha256").update(headBytes).update(stylesBytes).update(fontCss) };
  pagePrefixes.set(fontCss, prefix);
  return prefix;
}

/** The page around the letter with its style's bytes put in where the template prints `css` (`pageWithHead`). */
function pageBytesWithHead(engine: TemplateEngine, filled: FilledLetter, hash: string, stylesBefore: string, fontCss: Uint8Array, fontLoading: string): HtmlEditionBytes {
  const parts = pageWithHead(engine, filled, { css: STYLE_PLACE, hash }, fontLoading).split(STYLE_PLACE);
  if (parts.length === 2) {
    const prefix = pagePrefix(parts[0]!, stylesBefore, fontCss);
    const rest = Buffer.from(parts[1]!, "utf8");
    return { bytes: Buffer.concat([prefix.headBytes, prefix.stylesBytes, fontCss, rest]), sha256: prefix.digest.copy().update(rest).digest("hex") };
  }
  // A page template that prints the style other than once: filled with the text itself.
  const bytes = Buffer.from(parts.join(`${stylesBefore}${Buffer.from(fontCss).toString("utf8")}`), "utf8");
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** A merge's characters per face, with what they were made from (a letter read again is a new object). */
interface MergeFonts {
  letter: Letter;
  sources: readonly StylesheetSource[];
  fonts: FontLibrary;
  usage: FontUsage;
  /** The last letter usage found held. */
  held?: FontUsage;
}

const MERGE_USAGE = cacheKind<string, MergeFonts>("mergeUsage", {
  sizeOf: (key, merge) => LruCache.weigh.string(key) + [...merge.usage.values()].reduce((sum, characters) => sum + 64 + LruCache.weigh.string(characters), 0),
});

/**
 * The characters per face of every letter of a mail merge in one language (each recipient's, and
 * this document's own): the embedded subsets of a personalized letter. A subset per recipient
 * would differ from the next by the characters of a name, and its WOFF2 encoding (Brotli at its
 * best, in WebAssembly) cost three quarters of a batch of personalized letters in every language
 * (tens to hundreds of ms per subset, one per recipient and face); with the merge's characters
 * each face is encoded once per language. The page weighs the merge's few extra glyphs more, and
 * is the same for the same letter data, whichever recipients were made before.
 */
function mergeUsage(
  engine: TemplateEngine,
  filled: FilledLetter,
  paper: Paper,
  sources: readonly StylesheetSource[],
  fonts: FontLibrary,
  merge: MailMerge,
  own: FontUsage,
): FontUsage {
  const cache = fonts.caches.of(MERGE_USAGE);
  const key = `${merge.letter.facts.id}\u0000${merge.fillKind}\u0000${filled.view.locale}\u0000${paper}\u0000${engine.folder}`;
  let known = cache.get(key);
  if (!known || known.letter !== merge.letter || known.sources !== sources || known.fonts !== fonts) {
    const usages: FontUsage[] = [];
    for (const recipient of merge.letter.facts.recipients) {
      try {
        usages.push(fontsOfLetter(engine, merge.fill(recipient.id), sources, fonts).usage);
      } catch {
        // A recipient whose letter cannot be made (a field's markup, say) fails its own documents,
        // naming its field, not the others': this page has its own characters either way.
      }
    }
    known = { letter: merge.letter, sources, fonts, usage: unionOfUsages(usages) };
    cache.set(key, known);
  }
  // The document's own characters too: a merge made by another `fill` could lack none, but the page must never lack one.
  return mergeHolds(known, own) ? known.usage : unionOfUsages([known.usage, own]);
}

/** Whether a merge's characters hold every character of a letter's (nearly always: the letter is one of the merge's). */
function mergeHolds(merge: MergeFonts, own: FontUsage): boolean {
  if (merge.held === own) return true;
  for (const [face, characters] of own) {
    const known = merge.usage.get(face);
    if (known === characters) continue;
    if (known === undefined || !sortedHolds(known, characters)) return false;
  }
  // A letter of the same words as the last (a reader who adds no character) has the same usage object.
  merge.held = own;
  return true;
}

/** Whether every character of `part` is in `whole`, both in code point order (as a usage holds them): one walk, nothing made. */
function sortedHolds(whole: string, part: string): boolean {
  let at = 0;
  for (let i = 0; i < part.length; ) {
    const wanted = part.codePointAt(i)!;
    let found = -1;
    while (at < whole.length && (found = whole.codePointAt(at)!) < wanted) at += found > 0xffff ? 2 : 1;
    if (found !== wanted) return false;
    i += wanted > 0xffff ? 2 : 1;
  }
  return true;
}

/** Each face's characters in any of the usages, faces in registry order and characters in code point order (as `UsageCollector.result`). */
function unionOfUsages(usages: readonly FontUsage[]): FontUsage {
  const union = new Map<FaceId, string>();
  for (const face of facesInOrder(usages.flatMap((usage) => [...usage.keys()]))) {
    const texts = usages.map((usage) => usage.get(face)).filter((text): text is string => text !== undefined);
    if (texts.length === 0) continue;
    if (texts.every((text) => text === texts[0])) {
      union.set(face, texts[0]!);
      continue;
    }
    const codePoints = new Set<number>();
    for (const text of texts) for (const char of text) codePoints.add(char.codePointAt(0)!);
    union.set(face, String.fromCodePoint(...[...codePoints].sort((a, b) => a - b)));
  }
  return union;
}

/**
 * What styling one letter taught about every letter of its shape (the same markup, other text: a
 * mail merge's letters differ in an addressee's words): its text pieces, the runs its font usage
 * came from, which piece each replaceable run is, and its margin boxes' cuts.
 */
interface LetterShape {
  fonts: FontLibrary;
  texts: readonly string[];
  runs: readonly UsageRun[];
  /** Text piece index -> run index, for the pieces that are exactly one run's whole flow text. */
  runOfText: ReadonlyMap<number, number>;
  usage: FontUsage;
  cuts: string;
  /** The characters per face of all runs but the replaced ones, by the replaced runs' indices (a merge replaces the same ones each time). */
  others: Map<string, UsageCollector>;
}

/**
 * A text piece with a soft hyphen never stands for a run, kept or new: a run holds such text changed
 * (web-fonts.ts `withHyphens` adds the hyphens it may print). Otherwise a piece is plain text (PLAIN_TEXT), as for the PDF's shapes.
 */
const SOFT_HYPHEN = "\u00ad";

/**
 * The letter's embedded fonts (characters per face) and margin-box cuts. A letter of a shape seen
 * before (same markup and stylesheets) whose changed text pieces are each one run's whole plain
 * text is not parsed or styled again: the runs of the first are reused with those texts, so
 * per recipient only the changed runs' faces are looked up. Any other change styles the letter
 * anew. A test compares both ways in every language (test/core/html/html-caches.test.ts).
 */
function fontsOfLetter(engine: TemplateEngine, filled: FilledLetter, sources: readonly StylesheetSource[], fonts: FontLibrary): { usage: FontUsage; cuts: string } {
  const sheets = templateStylesheets(engine);
  const { parts, texts, skeleton } = markupPieces(filled.fragment);
  const known = sheets.shape(sources, skeleton) as LetterShape | undefined;
  const replaced = known?.fonts === fonts ? changedPlainPieces(texts, known.texts, (piece, text) => (text.includes(SOFT_HYPHEN) ? undefined : known.runOfText.get(piece))) : null;
  if (known && replaced) {
    if (replaced.size === 0) return { usage: known.usage, cuts: known.cuts };
    const which = [...replaced.keys()].join(",");
    let others = known.others.get(which);
    if (!others) {
      if (known.others.size >= 8) known.others.clear();
      known.others.set(which, (others = usageWithout(fonts, known.runs, new Set(replaced.keys()))));
    }
    return { usage: usageOfRuns(others, known.runs, replaced), cuts: known.cuts };
  }
  // With source locations when the shape is kept: its pieces are matched to runs by text node.
  const keeping = !known || known.fonts !== fonts;
  const letter = styleLetter(filled.fragment, sources, engine.set.assets, sheets.parsed(sources), keeping);
  const { usage, runs } = usageRuns(fonts, letter);
  const cuts = marginBoxCuts(fonts, localeInfo(filled.view.locale), letter, engine.set.assets);
  if (keeping) sheets.keepShape(sources, skeleton, { fonts, texts, runs, runOfText: runsOfTexts(parts, runs, letter), usage, cuts, others: new Map() } satisfies LetterShape);
  return { usage, cuts };
}

/**
 * Text pieces that are plain and are exactly the flow text of one run read from them: the run's index
 * by piece. Matched by text node, never by equal strings: a piece with no run of its own (hidden) must
 * not take the run of another text that reads the same once collapsed (test/core/pdf/shape-differential.test.ts).
 */
function runsOfTexts(parts: readonly string[], runs: readonly UsageRun[], letter: StyledLetter): Map<number, number> {
  const out = new Map<number, number>();
  if (!letter.root || !letter.sources) return out;
  const runOfNode = new Map<TextNode, number | null>();
  runs.forEach((run, i) => {
    const node = run.from && letter.sources!.get(run.from);
    if (node && run.inline !== null) runOfNode.set(node, runOfNode.has(node) ? null : i);
  });
  for (const [piece, node] of textNodesOfPieces(letter.root, parts)) {
    const run = runOfNode.get(node);
    const text = parts[piece * 2]!;
    if (run !== undefined && run !== null && !text.includes(SOFT_HYPHEN) && runs[run]!.inline === text) out.set(piece, run);
  }
  return out;
}

export interface RenderHtmlOptions {
  paper?: Paper;
  recipientId?: string;
}

/**
 * The HTML edition of a letter in one language: a standalone, accessible, print-ready page, with
 * its fonts embedded when a font source is given (`renderHtmlEdition`), else in the reader's fonts.
 * Pure and deterministic: the same letter, templates and options give the same string.
 */
export function renderHtml(engine: TemplateEngine, letter: Letter, locale: LocaleId, options: RenderHtmlOptions = {}): string {
  return renderHtmlPage(engine, fillLetter(engine, letter, locale, options.recipientId), options.paper ?? "A4");
}

/** `renderHtml` with the fonts embedded (the edition the service stores). */
export function renderHtmlWithFonts(engine: TemplateEngine, letter: Letter, locale: LocaleId, webFonts: WebFontSource, options: RenderHtmlOptions = {}): Promise<string> {
  const merge: MailMerge = { letter, fill: (recipientId) => fillLetter(engine, letter, locale, recipientId), fillKind: "unhyphenated" };
  return renderHtmlEdition(engine, fillLetter(engine, letter, locale, options.recipientId), options.paper ?? "A4", webFonts, merge);
}
