import { parse } from "parse5";
import type { DefaultTreeAdapterTypes } from "parse5";
import { changedPlainPieces, LETTER_PAGE_START, markupPieces, textNodesOfPieces } from "../template/markup-pieces";
import { type ParsedStylesheets, parseStylesheets, type StylesheetSource, styleDocument } from "../style";

/**
 * The hyphenation stage: where the computed style says `hyphens: auto`, soft hyphens (U+00AD) go
 * into the words of the filled template, before either edition is made. The PDF breaks lines at
 * them and draws the hyphen; a browser honours them whether or not it has hyphenation dictionaries
 * of its own, so both editions hyphenate at the same points.
 */

type Element = DefaultTreeAdapterTypes.Element;
type ChildNode = DefaultTreeAdapterTypes.ChildNode;
type TextNode = DefaultTreeAdapterTypes.TextNode;

/** Puts soft hyphens between the syllables of one word (letters only, no soft hyphen in it yet). */
export type WordHyphenator = (word: string) => string;

/** Hyphenation patterns by language, loaded when a document first asks for its language (functions/hyphenation). */
export interface HyphenationPatterns {
  /** The hyphenator for a BCP 47 language tag, or null when no patterns cover the language: its words are left whole. */
  hyphenatorFor(lang: string): WordHyphenator | null;
}

/**
 * The limits of CSS `hyphenate-limit-chars: auto` as Chromium applies them: a word of at least
 * 5 characters, at least 2 before and 2 after a break. Characters are typographic character units
 * (grapheme clusters), as CSS Text counts them: a Tamil or Devanagari syllable such as "து" is one,
 * though two code points, so "மீறுவ-து" (one syllable left for the next line) is no break. The
 * hyphen package applies its TeX patterns with at least 2 code points on each side, which a cluster
 * count of 2 never goes below. Applied where the soft hyphens are put, so both editions break alike.
 */
export const HYPHENATE_LIMIT_CHARS = { word: 5, before: 2, after: 2 } as const;
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const SOFT_HYPHEN = "\u00ad";
/** What makes a character of more than one code unit in a word of letters: a mark, or a surrogate pair. */
const MAY_JOIN_CODE_UNITS = /[\p{M}\u{10000}-\u{10FFFF}]/u;
/** A word: letters with their marks. Digits, punctuation and soft hyphens end it. */
const WORD = /[\p{L}\p{M}]+/gu;
/**
 * Scripts written without hyphens: CJK lines break between characters, and Thai, Lao, Khmer and
 * Myanmar between dictionary words; Chromium has no hyphenation for them either.
 */
const UNHYPHENATED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const UPPERCASE_START = /^\p{Lu}/u;

/**
 * The words of a text with soft hyphens at the hyphenation points of the language's patterns.
 * As Chromium, English words that start with a capital (names, acronyms) are left whole.
 */
export function hyphenateText(text: string, lang: string, hyphenate: WordHyphenator): string {
  const keepCapitalized = /^en(-|$)/i.test(lang);
  const hyphenateWord = (word: string): string => {
    // A word shorter than the limit in code points is shorter in characters too: no segmenting needed.
    if (word.length < HYPHENATE_LIMIT_CHARS.word || UNHYPHENATED_SCRIPT.test(word)) return word;
    if (keepCapitalized && UPPERCASE_START.test(word)) return word;
    return withinLimits(word, hyphenate(word));
  };
  if (!MAY_HOLD_ADDRESS.test(text)) return text.replace(WORD, hyphenateWord);
  return text.replace(NON_SPACE, (token) => (isAddress(token) ? token : token.replace(WORD, hyphenateWord)));
}

/** A run of characters between white space: where an address is looked for. */
const NON_SPACE = /\S+/gu;
/** What an e-mail address, a URL or a domain name has and a word does not: an "@", "://", or a dot between letters or digits. */
const MAY_HOLD_ADDRESS = /@|:\/\/|[\p{L}\p{N}]\.[\p{L}\p{N}]/u;
/**
 * An e-mail address (`water@example.org`), a URL (`https://…`, `www.…`) or a domain name
 * (`example.org`, two or more labels, the last of two or more letters, and any path after it:
 * `example.org/reports`), with any punctuation around
 * it. Never hyphenated: a reader of the printed copy would type the hyphen drawn at the line's end.
 * Both editions follow the soft hyphens this stage puts, so neither breaks an address.
 */
const ADDRESS = /^[\p{P}\p{S}]*(?:[^\s@]+@[^\s@]+\.[^\s@]+|[\p{L}][\p{L}\p{N}+.-]*:\/\/\S+|www\.\S+|(?:[\p{L}\p{N}-]+\.)+\p{L}{2,}(?:[/?#]\S*)?)[\p{P}\p{S}]*$/u;

function isAddress(token: string): boolean {
  return ADDRESS.test(token);
}

/**
 * The hyphenated word with only the soft hyphens `HYPHENATE_LIMIT_CHARS` allows: between two
 * characters (grapheme clusters, never inside one), with enough of them on each side.
 */
function withinLimits(word: string, hyphenated: string): string {
  if (!hyphenated.includes(SOFT_HYPHEN)) return hyphenated;
  // Where each character of the word starts (in code units), and its index as a character; a word
  // without marks or surrogates (most Latin, Cyrillic, Greek, Ethiopic words) is a character per code unit.
  let characterAt: (offset: number) => number | undefined = (offset) => offset;
  let characters = word.length;
  if (MAY_JOIN_CODE_UNITS.test(word)) {
    const starts = new Map<number, number>();
    characters = 0;
    for (const { index } of GRAPHEMES.segment(word)) starts.set(index, characters++);
    characterAt = (offset) => starts.get(offset);
  }
  if (characters < HYPHENATE_LIMIT_CHARS.word) return word;
  let out = "";
  let at = 0;
  for (const part of hyphenated.split(SOFT_HYPHEN)) {
    if (at > 0) {
      const before = characterAt(at);
      if (before !== undefined && before >= HYPHENATE_LIMIT_CHARS.before && characters - before >= HYPHENATE_LIMIT_CHARS.after) out += SOFT_HYPHEN;
    }
    out += part;
    at += part.length;
  }
  return out;
}

/** Whether any of the stylesheets may say `hyphens: auto` (the property appears at all): otherwise the stage has nothing to do. */
function mayHyphenate(sources: readonly StylesheetSource[]): boolean {
  return sources.some((source) => /\bhyphens\s*:/i.test(source.text));
}

/** The last stylesheets parsed by this stage: one template's sheets serve a whole mail merge. */
let lastSheets: { sources: readonly StylesheetSource[]; key: string; sheets: ParsedStylesheets } | null = null;

function parsedSheets(sources: readonly StylesheetSource[]): ParsedStylesheets {
  // The same sources array (the template keeps one per language, paper and title) needs no key made.
  if (lastSheets?.sources === sources) return lastSheets.sheets;
  const key = JSON.stringify(sources);
  if (lastSheets?.key !== key) lastSheets = { sources, key, sheets: parseStylesheets(sources) };
  else lastSheets = { ...lastSheets, sources };
  return lastSheets.sheets;
}

/** Where a text node is in the fragment: a part of its `markupPieces` and an offset in it (a text changed elsewhere moves it). */
interface PartOffset {
  part: number;
  at: number;
}

/** A text node the stage hyphenates: its source range, its value and language, and the text piece it is exactly, if one. */
interface HyphenatedNode {
  start: PartOffset;
  end: PartOffset;
  value: string;
  lang: string;
  /** The index (in `texts`) of the plain text piece the node is made of alone; null for any other text node. */
  piece: number | null;
}

/**
 * What hyphenating one letter taught about every letter of its shape (same markup, same sheets,
 * other words: a mail merge): the text nodes the style hyphenates and in which language, and which
 * text pieces are whole text nodes of plain text, so another letter's words are hyphenated without
 * parsing and styling it again (as the PDF's letter shapes, render-pdf.ts formatLetter).
 */
interface HyphenationShape {
  sheets: ParsedStylesheets;
  skeleton: string;
  texts: readonly string[];
  nodes: readonly HyphenatedNode[];
  /** Text pieces that are whole text nodes of plain text, hyphenated or not: only these may differ in a letter of this shape. */
  wholeNodes: ReadonlySet<number>;
}

/** The last shape hyphenated: a mail merge hyphenates one shape per language. */
let lastShape: HyphenationShape | null = null;

/** The offset of each part in the fragment, and one past its end. */
function partStarts(parts: readonly string[]): number[] {
  const starts = [0];
  for (const part of parts) starts.push(starts[starts.length - 1]! + part.length);
  return starts;
}

/** Where a fragment offset is, as a part and an offset in it; an end offset (`end`) is placed at the end of its part, not the start of the next. */
function partOffset(starts: readonly number[], offset: number, end: boolean): PartOffset {
  let low = 0;
  let high = starts.length - 2;
  // The last part starting before the offset (at or before it for a start).
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (end ? starts[mid]! < offset : starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { part: low, at: offset - starts[low]! };
}

function isElement(node: ChildNode | DefaultTreeAdapterTypes.Node): node is Element {
  return "tagName" in node;
}

function attribute(element: Element, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

/** Text as HTML text content: the characters that would be read as markup, and no-break spaces (kept visible in the source). */
function escapeText(text: string): string {
  return text.replace(/[&<>\u00a0]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&nbsp;"));
}

/**
 * Puts soft hyphens into the filled template wherever its computed style says `hyphens: auto`, in
 * each text's language (the nearest `lang`, else the document's). Markup outside the changed text
 * is kept byte for byte; a template whose stylesheets never mention `hyphens` is returned as it is,
 * without parsing. Languages without patterns are left unhyphenated.
 *
 * @param fragment the filled letter template (one `<article class="letter">`)
 * @param stylesheets the document's stylesheets in cascade order, as both editions read them
 */
export function hyphenateFragment(fragment: string, stylesheets: readonly StylesheetSource[], patterns: HyphenationPatterns): string {
  if (!mayHyphenate(stylesheets)) return fragment;
  const sheets = parsedSheets(stylesheets);
  const { parts, texts, skeleton } = markupPieces(fragment);
  const known = lastShape;
  const shape =
    known?.sheets === sheets && known.skeleton === skeleton && changedPlainPieces(texts, known.texts, (piece) => (known.wholeNodes.has(piece) ? piece : undefined)) !== null
      ? known
      : (lastShape = hyphenationShape(fragment, parts, texts, skeleton, sheets));
  const starts = partStarts(parts);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const node of shape.nodes) {
    const hyphenate = patterns.hyphenatorFor(node.lang);
    if (!hyphenate) continue;
    const value = node.piece === null ? node.value : texts[node.piece]!;
    const text = hyphenateText(value, node.lang, hyphenate);
    if (text === value) continue;
    // A node that is a whole piece is as long as this letter's piece; any other is as the first letter had it, where its parts now start.
    const range =
      node.piece === null
        ? { start: starts[node.start.part]! + node.start.at, end: starts[node.end.part]! + node.end.at }
        : { start: starts[node.piece * 2]!, end: starts[node.piece * 2 + 1]! };
    edits.push({ ...range, text: escapeText(text) });
  }
  if (edits.length === 0) return fragment;
  let out = "";
  let at = 0;
  for (const edit of edits.sort((a, b) => a.start - b.start)) {
    out += fragment.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + fragment.slice(at);
}

/** Parses and styles the letter to find the text nodes its style hyphenates, in which language each (`HyphenationShape`). */
function hyphenationShape(fragment: string, parts: readonly string[], texts: readonly string[], skeleton: string, sheets: ParsedStylesheets): HyphenationShape {
  // Parsed inside the page the HTML edition wraps it in, as the PDF parses it (letter-tree.ts), so
  // that selectors on html, body and main match alike.
  const prefix = LETTER_PAGE_START;
  const document = parse(`${prefix}${fragment}</main></body></html>`, { sourceCodeLocationInfo: true });
  const html = document.childNodes.find(isElement)!;
  const article = html.childNodes
    .find((n): n is Element => isElement(n) && n.tagName === "body")
    ?.childNodes.find(isElement)
    ?.childNodes.find(isElement);
  const lang = article ? (attribute(article, "lang") ?? "") : "";
  html.attrs.push({ name: "lang", value: lang }, { name: "dir", value: (article && attribute(article, "dir")) || "ltr" });
  const styled = styleDocument(html, sheets);
  const wholeNodes = textNodesOfPieces(html, parts);
  const pieceOf = new Map([...wholeNodes].map(([piece, node]) => [node, piece]));
  const starts = partStarts(parts);
  const nodes: HyphenatedNode[] = [];
  const visit = (element: Element, elementLang: string) => {
    const here = attribute(element, "lang") ?? elementLang;
    const auto = styled.styleOf(element).hyphens === "auto";
    for (const child of element.childNodes) {
      if (isElement(child)) visit(child, here);
      else if (auto && child.nodeName === "#text") {
        const node = child as TextNode;
        const location = node.sourceCodeLocation;
        if (!location) continue;
        nodes.push({
          start: partOffset(starts, location.startOffset - prefix.length, false),
          end: partOffset(starts, location.endOffset - prefix.length, true),
          value: node.value,
          lang: here,
          piece: pieceOf.get(node) ?? null,
        });
      }
    }
  };
  visit(html, lang);
  return { sheets, skeleton, texts, nodes, wholeNodes: new Set(wholeNodes.keys()) };
}
