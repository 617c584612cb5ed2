// A require, as pdfkit requires it: esbuild bundles linebreak's one CommonJS build, not that and its ES build (each inflates its Unicode table at start).
import LineBreaker = require("linebreak");
import { cacheKind, LruCache } from "./cache";
import { type FaceId, type FamilyId, faceOf, type FontLibrary, isCjkFamily, type TextStyle } from "./font-library";
import { type AtomicInline, type LineBox, lineBoxWith, lineBoxWithText, type ParentFont, parentFontOf, strutOf } from "./line-box";
import { quotationBreaks } from "../text/quotation-breaks";
import { assignFamilies, bidi, hanFamilyOf, shape, type ShapedRun } from "./shaping";

/** A run of paragraph text in one style; `\n` is a forced line break (`<br>`). */
export interface StyledText {
  text: string;
  style: TextStyle;
  /** The run's own language (BCP 47, an inline `lang`) where it differs from the paragraph's. */
  lang?: string;
  /**
   * The bidi isolates the run is inside, outermost first (CSS `unicode-bidi: isolate`): runs that
   * share an isolate share the object, so two isolates side by side stay two.
   */
  isolates?: readonly BidiIsolate[];
  /** An atomic inline box (an inline image): the run's text is one U+FFFC, which stands for it in line breaking and bidi as in browsers. */
  image?: AtomicInline;
  /** The run's own font size, line-height and baseline shift, when an inline element (`sup`, `sub`, `small`) sets them (absent: the paragraph's). */
  metrics?: InlineBoxMetrics;
}

/**
 * An inline box of text set apart from its paragraph (CSS 2.1 §10.8): its font size, its used line-height (the inline
 * box's height) and how far its baseline is raised above the paragraph's (negative: lowered), all in points. Runs of one
 * inline element share the object.
 */
export interface InlineBoxMetrics {
  size: number;
  lineHeight: number;
  rise: number;
}

/** An isolate of UAX #9 (X5a-X5c): its text gets its bidi levels apart from the text around it, in `dir` (`auto`: its first strong letter's). */
export interface BidiIsolate {
  dir: "ltr" | "rtl" | "auto";
}

export type Align = "start" | "end" | "justify" | "center";

/** How the letter's script breaks and justifies lines. */
export interface ScriptRules {
  primary: FamilyId;
  /** Korean: break only at spaces, never between the syllables of a word (CSS `word-break: keep-all`). */
  keepAll: boolean;
  /** The CJK families the font stack names, in order: with the content language they choose the face of Han the primary family lacks (`hanFamilyOf`). */
  cjk?: readonly FamilyId[];
  /** The stack's families after the primary that a character the primary lacks is looked for in first (`stackFallbacks`). */
  fallbacks?: readonly FamilyId[];
}

export interface ParagraphSpec {
  runs: readonly StyledText[];
  size: number;
  color: string;
  /** Line height as a multiple of the size. */
  leading: number;
  width: number;
  align: Align;
  dir: "ltr" | "rtl";
  rules: ScriptRules;
  /** The first line's indent at the start (CSS text-indent), in points. */
  indent: number;
  /** Break only where the text forces it (CSS white-space: nowrap). */
  noWrap: boolean;
  /** Space after every character (CSS letter-spacing), in points. */
  letterSpacing: number;
  /**
   * CSS `hyphens`: with `manual` or `auto` a soft hyphen (U+00AD) is a break opportunity and a line
   * broken there ends with a drawn hyphen; with `none` soft hyphens never break. (`auto` has put
   * its soft hyphens into the text before layout: functions/core/text/hyphenate.ts.)
   */
  hyphens: "none" | "manual" | "auto";
  /**
   * The content language (BCP 47, the letter's `lang`): text is shaped in it, as browsers shape an
   * element's text in its `lang`, so a face's language forms (OpenType `locl`) are the same in both
   * editions. Noto Sans KR's Korean space is 0.28 em, its default one 0.224 em. Empty: none.
   */
  language?: string;
}

/** A shaped piece of one line, placed at `x` from the line's left edge. */
export interface PlacedRun {
  x: number;
  run: ShapedRun;
  size: number;
  color: string;
  /** Extra space (points) after each glyph, from justification. */
  extra: Float32Array | null;
  /** How far (points) its baseline is raised above the line's (`sup`; negative: lowered, `sub`); absent: on it. */
  rise?: number;
  /** The run's place in reading order; pdf.js extracts runs in the order they are drawn. */
  logical: number;
}

export interface Line {
  runs: PlacedRun[];
  /** Distance from the line's top to its baseline. */
  ascent: number;
  height: number;
  width: number;
  /**
   * The line ends in a word broken at a soft hyphen: the hyphen is drawn as a shape (a glyph
   * without text), and the writer marks the line end so extractors join the word again.
   */
  hyphenated?: boolean;
  /** The line's atomic inline boxes (inline images): x from the line's left edge, top from the line box's top. */
  images?: LineImage[];
}

/** An atomic inline box placed on its line. */
export interface LineImage {
  box: AtomicInline;
  x: number;
  top: number;
  /** Its place in reading order among the line's runs (their `logical`): the writer tags its Figure between the words it stands between. */
  logical: number;
}

interface Piece {
  start: number;
  end: number;
  face: FaceId;
  level: number;
  /** The language it is shaped in. */
  language: string;
  space: boolean;
  /** Whether CSS letter-spacing is added after its characters (not between the letters of a cursive script: `letterSpacedCharacters`). */
  letterSpaced: boolean;
  run: ShapedRun;
  width: number;
  /** An atomic inline box: no glyphs, its width the box's. */
  image?: AtomicInline;
  /** Its inline box's size, line-height and rise, where not the paragraph's (StyledText.metrics). */
  metrics?: InlineBoxMetrics;
}

/** The paragraph's spec at a piece's own font size: what it is shaped and measured with. */
function sizedFor(spec: ParagraphSpec, metrics: InlineBoxMetrics | undefined): ParagraphSpec {
  return metrics === undefined || metrics.size === spec.size ? spec : { ...spec, size: metrics.size };
}

/** A piece's font size in points. */
const sizeOf = (spec: ParagraphSpec, piece: Piece) => piece.metrics?.size ?? spec.size;

interface Word {
  pieces: Piece[];
  /** Width without trailing white space, and with it. */
  width: number;
  fullWidth: number;
  forcedBreakAfter: boolean;
  /** Its range in the paragraph's text. */
  start: number;
  end: number;
  /** Positions inside the word just after a soft hyphen, where a line may break with a hyphen drawn. */
  softBreaks: number[];
  /** For the first part of a word broken at a soft hyphen: the hyphen drawn at the line's end. */
  hyphen: { run: ShapedRun; width: number } | null;
  /**
   * The kerning (font units) between its last glyph and the next word's first, on its last glyph's
   * advance (kernAcrossWords): in `fullWidth`, not in `width`, and taken off where a line ends after it.
   */
  kernAfter: number;
}

/**
 * White space: pieces of its own, taking no room at a line's end. U+FEFF (which `\s` includes) too:
 * on a run of its own it never joins the glyphs of the word around it, which pdf.js would split
 * there; it is no break opportunity (UAX 14 class WJ), so it never ends a line.
 */
const WHITESPACE = /\s/u;
/**
 * CSS Text 3 word-separator characters, the only ones justification stretches (besides the
 * spacing around CJK characters): never U+202F (French digit grouping), U+2009 or U+3000.
 */
const WORD_SEPARATOR = /^[\u0020\u00a0\u1361\u{10100}\u{10101}\u{1039f}\u{1091f}]$/u;
/**
 * Characters Chromium's `text-justify: auto` expands around (its IsCJKIdeographOrSymbol): Han,
 * kana, Bopomofo, CJK symbols and punctuation, fullwidth forms. Hangul is not among them, so
 * Korean, like Latin text, is justified at its spaces only.
 */
const CJK_EXPANSION =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\u2e80-\u2fff\u3000-\u302f\u3031-\u303f\u3200-\u33ff\ufe30-\ufe4f\uff00-\uff0c\uff0e-\uff19\uff1f-\uffef]/u;
const SOFT_HYPHEN = "\u00ad";
/** Fullwidth punctuation that text-spacing-trim may trim: a paragraph without any is not looked at glyph by glyph. */
const CJK_PUNCTUATION = /[\u3001-\u3003\u3008-\u3011\u3014-\u301f\u30fb\uff01-\uff0f\uff1a-\uff1f\uff3b-\uff3d\uff5b-\uff65]/u;
/**
 * What `word-break: keep-all` keeps together, as Blink decides it (ShouldKeepAfterKeepAll): a break
 * between two letters or numbers (general categories L and N, a mark counting as the letter it
 * follows), neither of a complex-context script. A break next to punctuation stays: Chromium breaks
 * Korean "조선민주주의인민공화국|(북한)" before the parenthesis, which the PDF once kept to the word.
 */
const KEEP_ALL_UNIT = /^[\p{L}\p{N}]$/u;
const COMBINING_MARK = /^\p{M}$/u;
/** Scripts whose words are not separated by spaces and whose breaks UAX 14 leaves to a dictionary (line break class SA). */
const COMPLEX_CONTEXT = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: "word" });

/**
 * Where a line may break in `text` (position -> whether the break is required), by UAX 14 and, for
 * SA-class scripts, ICU's word dictionary. With `hyphens: none` a soft hyphen is no break.
 */
export function breakPositions(text: string, rules: ScriptRules, hyphens: ParagraphSpec["hyphens"] = "manual"): Map<number, boolean> {
  const breaks = new Map<number, boolean>();
  const breaker = new LineBreaker(text);
  for (let b = breaker.nextBreak(); b; b = breaker.nextBreak()) {
    if (hyphens === "none" && !b.required && text[b.position - 1] === SOFT_HYPHEN) continue;
    if (!b.required && rules.keepAll && b.position < text.length && keptByKeepAll(text, b.position)) continue;
    breaks.set(b.position, b.required);
  }
  // UAX 14 since Unicode 15.1 (LB19a, as ICU and so Chromium apply it): beside a quotation mark
  // between East Asian characters a line may break, "社会|“加大", "保护”|的", "群体。”|特别". The
  // `linebreak` package predates the rule. Korean's keep-all keeps its words whole, quotes included.
  if (!rules.keepAll) for (const position of quotationBreaks(text)) if (!breaks.has(position)) breaks.set(position, false);
  // UAX 14 leaves Thai, Lao, Khmer and Myanmar (class SA) to a dictionary: without one a Thai phrase is
  // one unbreakable "word", later split at any grapheme (after a preposed vowel: "เ|กาหลี"). ICU's
  // dictionary, through Intl.Segmenter, gives the word boundaries browsers break at.
  if (COMPLEX_CONTEXT.test(text)) {
    for (const { index } of wordSegmenter.segment(text)) {
      if (index > 0 && COMPLEX_CONTEXT.test(text[index - 1]!) && COMPLEX_CONTEXT.test(text[index]!) && !breaks.has(index)) breaks.set(index, false);
    }
  }
  return breaks;
}

/** Whether `word-break: keep-all` suppresses the break opportunity before `position` (see KEEP_ALL_UNIT). */
function keptByKeepAll(text: string, position: number): boolean {
  let at = position;
  let before = codePointBefore(text, at);
  while (COMBINING_MARK.test(before) && at > before.length) {
    at -= before.length;
    before = codePointBefore(text, at);
  }
  const after = codePointAt(text, position);
  return KEEP_ALL_UNIT.test(before) && KEEP_ALL_UNIT.test(after) && !COMPLEX_CONTEXT.test(before) && !COMPLEX_CONTEXT.test(after);
}

function styleIndex(runs: readonly StyledText[], language: string): { text: string; styles: TextStyle[]; languages: string[]; metrics: (InlineBoxMetrics | undefined)[] | null } {
  let text = "";
  const styles: TextStyle[] = [];
  const languages: string[] = [];
  // Only a paragraph with an inline box of its own size or baseline keeps them per character.
  const metrics = runs.some((run) => run.metrics) ? ([] as (InlineBoxMetrics | undefined)[]) : null;
  for (const run of runs) {
    text += run.text;
    for (let i = 0; i < run.text.length; i++) {
      styles.push(run.style);
      languages.push(run.lang ?? language);
      metrics?.push(run.metrics);
    }
  }
  return { text, styles, languages, metrics };
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

function emptyWord(start = 0): Word {
  return { pieces: [], width: 0, fullWidth: 0, forcedBreakAfter: false, start, end: start, softBreaks: [], hyphen: null, kernAfter: 0 };
}

/**
 * A piece of text shaped in its face and bidi direction, and its width at the paragraph's size.
 * Soft hyphens are left out: they are break opportunities, never drawn inside a line.
 */
function shapeText(fonts: FontLibrary, spec: ParagraphSpec, face: FaceId, level: number, language: string, text: string, letterSpaced = true): { run: ShapedRun; width: number } {
  const run = shape(fonts, face, text.includes(SOFT_HYPHEN) ? text.replaceAll(SOFT_HYPHEN, "") : text, level % 2 === 1 ? "rtl" : "ltr", language);
  const characters = spec.letterSpacing === 0 || !letterSpaced ? 0 : run.glyphs.filter((g) => g.text !== "").length;
  return { run, width: (run.advance / run.unitsPerEm) * spec.size + characters * spec.letterSpacing };
}

/**
 * CSS `text-spacing-trim: normal` (the initial value, which Chromium applies): between two
 * fullwidth punctuation marks the blank half of one is removed, so "，“" or "。」" take one em and a
 * half, not two. Fullwidth closing punctuation (、。，．：； and closing brackets and quotes whose ink
 * sits in the left half of the em) loses its blank end half before an opening mark, another closing
 * mark or a middle mark (・ and centred commas and colons); after closing punctuation an opening
 * mark's blank start half is the one removed, which draws the same. An opening mark after another
 * opening or a middle mark ("（“", Japanese "：「") loses its blank start half. Whether a mark is fullwidth and where
 * its ink sits is read from the font, as Chromium does, so Traditional Chinese's centred commas are
 * never trimmed and Korean's proportional quotes are left alone.
 */
type PunctuationKind = "open" | "close" | "middle" | "other";

const punctuationKinds = new Map<string, PunctuationKind>();
const OPENING = /^[\p{Ps}\p{Pi}]$/u;
const CLOSING = /^[\p{Pe}\p{Pf}\u3001\u3002\uff0c\uff0e\uff1a\uff1b]$/u;
const MIDDLE = /^[\u30fb\uff1a\uff1b\u3001\u3002\uff0c\uff0e]$/u;

function punctuationKind(fonts: FontLibrary, face: FaceId, glyphId: number, text: string, upem: number, advance: number): PunctuationKind {
  if (text.length !== 1 || advance !== upem || !(OPENING.test(text) || CLOSING.test(text) || MIDDLE.test(text))) return "other";
  const key = `${face}:${glyphId}:${text}`;
  let kind = punctuationKinds.get(key);
  if (kind === undefined) {
    const { minX, maxX } = fonts.face(face).getGlyph(glyphId).bbox;
    const half = upem / 2;
    if (OPENING.test(text) && minX >= half * 0.9) kind = "open";
    else if (CLOSING.test(text) && maxX <= half * 1.1) kind = "close";
    else if (MIDDLE.test(text)) kind = "middle";
    else kind = "other";
    punctuationKinds.set(key, kind);
  }
  return kind;
}

/**
 * Trims adjacent fullwidth punctuation (see PunctuationKind) over a paragraph's words, across word
 * boundaries too ("、「" may break between): two marks are adjacent when no white space is between
 * them. A piece whose glyphs change gets a copy of its run; a trimmed mark that ends a line stays
 * half-width, as CSS allows closing punctuation at a line's end.
 */
function trimAdjacentPunctuation(fonts: FontLibrary, spec: ParagraphSpec, words: readonly Word[]): void {
  let previous: { word: Word; piece: number; index: number; kind: PunctuationKind } | null = null;
  for (const word of words) {
    for (let p = 0; p < word.pieces.length; p++) {
      const piece = word.pieces[p]!;
      if (piece.space || piece.run.direction === "rtl") {
        previous = null;
        continue;
      }
      for (let index = 0; index < piece.run.glyphs.length; index++) {
        const glyph = piece.run.glyphs[index]!;
        if (glyph.text === "") continue;
        const kind = punctuationKind(fonts, piece.face, glyph.id, glyph.text, piece.run.unitsPerEm, glyph.xAdvance);
        if (previous && previous.kind === "close" && kind !== "other") trimEnd(spec, previous.word, previous.piece, previous.index);
        else if (previous && kind === "open" && (previous.kind === "open" || previous.kind === "middle")) trimStart(spec, word, p, index);
        previous = { word, piece: p, index, kind };
      }
    }
    if (word.forcedBreakAfter) previous = null;
  }
}

/**
 * Removes the blank start half of a fullwidth opening mark: drawn half an em to the left; its text
 * keeps the full em, from there, so extractors see it touch the mark before it and the one after.
 */
function trimStart(spec: ParagraphSpec, word: Word, p: number, index: number): void {
  const piece = word.pieces[p]!;
  const run = piece.run;
  const half = run.unitsPerEm / 2;
  const glyphs = run.glyphs.slice();
  glyphs[index] = { ...glyphs[index]!, xOffset: glyphs[index]!.xOffset - half, xAdvance: glyphs[index]!.xAdvance - half };
  const trimmed = (half / run.unitsPerEm) * sizeOf(spec, piece);
  word.pieces[p] = { ...piece, run: { ...run, glyphs, advance: run.advance - half }, width: piece.width - trimmed };
  word.fullWidth -= trimmed;
  word.width -= trimmed;
}

/** Removes the blank end half of a fullwidth closing mark: from its advance, and from the width its text spans for extractors. */
function trimEnd(spec: ParagraphSpec, word: Word, p: number, index: number): void {
  const piece = word.pieces[p]!;
  const run = piece.run;
  const half = run.unitsPerEm / 2;
  const glyphs = run.glyphs.slice();
  glyphs[index] = { ...glyphs[index]!, xAdvance: glyphs[index]!.xAdvance - half, textAdvance: glyphs[index]!.textAdvance - half };
  const trimmed = (half / run.unitsPerEm) * sizeOf(spec, piece);
  word.pieces[p] = { ...piece, run: { ...run, glyphs, advance: run.advance - half }, width: piece.width - trimmed };
  word.fullWidth -= trimmed;
  // The piece is no white space: everything up to it counts in the word's width.
  word.width -= trimmed;
}

/**
 * A space shaped between the characters around it, for contextual and language forms; null where
 * there is no character on a side, the face lacks one of them, or they do not shape as three clusters.
 */
function spaceInContext(
  fonts: FontLibrary,
  spec: ParagraphSpec,
  face: FaceId,
  level: number,
  language: string,
  before: string,
  space: string,
  after: string,
): { run: ShapedRun; width: number } | null {
  if (level % 2 === 1 || before === "" || after === "" || WHITESPACE.test(before) || WHITESPACE.test(after)) return null;
  const { run } = shapeText(fonts, spec, face, level, language, `${before}${space}${after}`);
  // The glyphs that carry a cluster's text (a loop: flatMap was most of the cost of setting a space).
  const carriers: number[] = [];
  for (let i = 0; i < run.glyphs.length; i++) if (run.glyphs[i]!.text !== "") carriers.push(i);
  if (carriers.length !== 3 || run.glyphs[carriers[1]!]!.text !== space || carriers.some((i) => run.glyphs[i]!.id === 0)) return null;
  const glyphs = run.glyphs.slice(carriers[1], carriers[2]);
  const advance = glyphs.reduce((sum, glyph) => sum + glyph.xAdvance, 0);
  return { run: { ...run, glyphs, advance }, width: (advance / run.unitsPerEm) * spec.size + spec.letterSpacing };
}

/** The whole code point that ends before `index` (a surrogate pair's two units), or "". */
function codePointBefore(text: string, index: number): string {
  if (index <= 0) return "";
  const low = text.charCodeAt(index - 1);
  return low >= 0xdc00 && low <= 0xdfff && index >= 2 ? text.slice(index - 2, index) : text.slice(index - 1, index);
}

/** The whole code point that starts at `index`, or "". */
function codePointAt(text: string, index: number): string {
  const codePoint = text.codePointAt(index);
  return codePoint === undefined ? "" : String.fromCodePoint(codePoint);
}

function addPiece(word: Word, piece: Piece): void {
  word.pieces.push(piece);
  word.fullWidth += piece.width;
  if (!piece.space) word.width = word.fullWidth;
}

/**
 * The hyphen drawn where a line breaks at a soft hyphen, in the face of the text before it: the
 * face's HYPHEN (U+2010), or its hyphen-minus when it has none, as browsers draw it.
 */
function hyphenAfter(fonts: FontLibrary, spec: ParagraphSpec, piece: Piece): { run: ShapedRun; width: number } {
  const sized = sizedFor(spec, piece.metrics);
  const hyphen = shapeText(fonts, sized, piece.face, piece.level, piece.language, "\u2010", piece.letterSpaced);
  return hyphen.run.glyphs.every((glyph) => glyph.id !== 0) ? hyphen : shapeText(fonts, sized, piece.face, piece.level, piece.language, "-", piece.letterSpaced);
}

/**
 * CSS `overflow-wrap: break-word`, as the HTML edition's stylesheet asks: a word wider than the line
 * (a long link, an identifier) is broken between grapheme clusters into pieces that each fit a line,
 * instead of running past the margin. Each piece is shaped on its own, as a browser does. Where a
 * part ends follows Chromium's ShapingLineBreaker (chromiumBreak): positions are those of the piece
 * shaped whole, kerning included, so "AVAV…" in Noto Serif at 10pt fits 14 letters on a 90pt line
 * where graphemes summed alone fitted 13 (AV kerns −0.08 em); a part after a boundary with no
 * kerning across it (safe to break) is checked shaped alone; a part with none is taken as measured
 * whole, so it may draw a little wider than the line (Chromium 156: 18 letters 110.56pt wide on a
 * 110pt line). Pairs and parts are shaped through the run cache.
 */
function breakOverwideWord(fonts: FontLibrary, spec: ParagraphSpec, text: string, word: Word): Word[] {
  const parts: Word[] = [];
  let current = emptyWord();
  for (const piece of word.pieces) {
    if (piece.space) {
      addPiece(current, piece);
      continue;
    }
    // A word that ends a line with <br> keeps the "\n" in its range, not in its text.
    const end = text[piece.end - 1] === "\n" ? piece.end - 1 : piece.end;
    const sized = sizedFor(spec, piece.metrics);
    const widthOf = (from: number, to: number) => shapeText(fonts, sized, piece.face, piece.level, piece.language, text.slice(from, to), piece.letterSpaced);
    // Grapheme boundaries: grapheme g is [bounds[g], bounds[g + 1]).
    const bounds = [piece.start, ...[...graphemes.segment(text.slice(piece.start, end))].map(({ index, segment }) => piece.start + index + segment.length)];
    const count = bounds.length - 1;
    const alone = bounds.slice(0, count).map((from, g) => widthOf(from, bounds[g + 1]!).width);
    // x[b]: the position of boundary b in the piece shaped whole, each grapheme's advance carrying
    // its kerning toward the next (HarfBuzz puts a pair's kern on the first glyph). A boundary with
    // no kerning across it is safe to break: the parts either side shape as they do in the whole.
    const x = [0];
    const safe = [true];
    for (let g = 0; g < count; g++) {
      const kern = g + 1 < count ? widthOf(bounds[g]!, bounds[g + 2]!).width - alone[g]! - alone[g + 1]! : 0;
      x.push(x[g]! + alone[g]! + kern);
      safe.push(Math.abs(kern) < 1e-9);
    }
    let start = 0;
    while (start < count) {
      const room = fillWidth(spec, 0) + 0.01 - current.width;
      // The candidate: the furthest boundary whose position fits.
      let candidate = start;
      while (candidate < count && x[candidate + 1]! - x[start]! <= room) candidate++;
      if (candidate === count) break;
      const breakAt = chromiumBreak(start, candidate, room);
      if (breakAt <= start && current.pieces.length > 0) {
        parts.push(current);
        current = emptyWord();
        continue;
      }
      // Not one grapheme fits an empty line: it overflows it.
      const chunkEnd = Math.max(breakAt, start + 1);
      addPiece(current, { ...piece, start: bounds[start]!, end: bounds[chunkEnd]!, ...widthOf(bounds[start]!, bounds[chunkEnd]!) });
      parts.push(current);
      current = emptyWord();
      start = chunkEnd;
    }
    if (end > bounds[start]!) addPiece(current, { ...piece, start: bounds[start]!, end, ...widthOf(bounds[start]!, end) });

    /**
     * Where Chromium's ShapingLineBreaker::ShapeLine ends a line that starts at `from`, back from
     * the candidate: at a safe boundary as measured whole; when no safe boundary follows the line's
     * start before the break, the line is shaped anew and taken as measured whole (its last kern
     * counted, so it may draw a little wider); else the part after the last safe boundary, shaped
     * alone, must fit.
     */
    function chromiumBreak(from: number, candidate: number, room: number): number {
      let firstSafe = from;
      while (firstSafe < count && !safe[firstSafe]) firstSafe++;
      for (let at = candidate; at > from; at--) {
        if (safe[at] || firstSafe >= at) return at;
        let lastSafe = at;
        while (!safe[lastSafe]) lastSafe--;
        if (widthOf(bounds[lastSafe]!, bounds[at]!).width <= x[from]! + room - x[lastSafe]!) return at;
      }
      return from;
    }
  }
  current.forcedBreakAfter = word.forcedBreakAfter;
  parts.push(current);
  return parts;
}

/** A paragraph's text with, per UTF-16 unit, its style, bidi level and font family. */
interface PreparedText {
  /** The atomic inline boxes by their U+FFFC's index in the text (null: none). */
  images: Map<number, AtomicInline> | null;
  text: string;
  styles: TextStyle[];
  languages: string[];
  levels: Uint8Array;
  families: FamilyId[];
  /** Per UTF-16 unit, whether letter-spacing follows it (`letterSpacedCharacters`); null without letter-spacing. */
  letterSpaced: Uint8Array | null;
  /** Per UTF-16 unit, its inline box's metrics where not the paragraph's; null when every character has the paragraph's. */
  metrics: (InlineBoxMetrics | undefined)[] | null;
}

/**
 * Scripts whose letters join (CSS Text 3 §8.2, cursive scripts), as Blink lists them
 * (Character::IsCursiveScript): spacing between their letters would break the joins, so Chromium
 * adds no letter-spacing in a run of them (CSS: a UA that cannot stretch the joins "must not apply
 * spacing between any pair of that script's typographic letter units").
 */
const CURSIVE_SCRIPT = /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mandaic}\p{Script=Mongolian}\p{Script=Phags_Pa}\p{Script=Hanifi_Rohingya}]/u;
/** Characters of no script of their own: they take the script of the run they stand in. */
const SCRIPT_NEUTRAL = /[\p{Script=Common}\p{Script=Inherited}]/u;
const OPENING_BRACKET = /^\p{Ps}$/u;
const CLOSING_BRACKET = /^\p{Pe}$/u;

/**
 * Per UTF-16 unit of `text`, 1 where CSS letter-spacing is added after the character, as Chromium
 * 156 adds it (measured character by character): never in a run of a cursive script, where
 * punctuation, brackets, quotes and digits that stand in the run count as its script ("«كوريا»",
 * "كوريا، 2015" take none), and always after white space, even between Arabic words ("كوريا في"
 * takes it once, at the space). A neutral character takes the script before it; at the start, the
 * first one after it, and a closing bracket its opening one's ("abc (كوريا)": both brackets take it).
 */
function letterSpacedCharacters(text: string): Uint8Array {
  const cursive = new Array<boolean | null>(text.length).fill(null);
  let current: boolean | null = null;
  // Opening brackets' places: a closing bracket takes its opening one's script, as ICU's script runs pair them.
  const open: number[] = [];
  for (let i = 0; i < text.length; ) {
    const char = codePointAt(text, i);
    let value = current;
    if (!SCRIPT_NEUTRAL.test(char)) value = current = CURSIVE_SCRIPT.test(char);
    else if (OPENING_BRACKET.test(char)) open.push(i);
    else if (CLOSING_BRACKET.test(char) && open.length > 0) value = cursive[open.pop()!] ?? null;
    for (let k = 0; k < char.length; k++) cursive[i + k] = value;
    i += char.length;
  }
  const first = cursive.find((value) => value !== null) ?? false;
  const spaced = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) spaced[i] = WHITESPACE.test(text[i]!) || !(cursive[i] ?? first) ? 1 : 0;
  return spaced;
}

function prepare(fonts: FontLibrary, spec: ParagraphSpec): PreparedText {
  const { text, styles, languages, metrics } = styleIndex(spec.runs, spec.language ?? "");
  const levels = bidiLevels(spec, text);
  const families = new Array<FamilyId>(text.length);
  // Han takes the face of its language (ja: JP, zh-Hant: TC): a run of one style and one such face.
  const hanOf = new Map<string, FamilyId>();
  const han = (i: number) => {
    const language = languages[i]!;
    let family = hanOf.get(language);
    if (family === undefined) hanOf.set(language, (family = hanFamilyOf(spec.rules.cjk ?? [], language)));
    return family;
  };
  // Runs of one weight and slant are one stretch, whichever inline elements (spans, isolates) cut them:
  // a space between two words of another script stays in their face only when it sees both.
  const sameFaces = (a: TextStyle, b: TextStyle) => a === b || (a.bold === b.bold && a.italic === b.italic);
  for (let start = 0; start < text.length; ) {
    let end = start + 1;
    while (end < text.length && sameFaces(styles[end]!, styles[start]!) && han(end) === han(start)) end++;
    assignFamilies(fonts, text.slice(start, end), spec.rules.primary, styles[start]!, han(start), spec.rules.fallbacks).forEach((f, i) => (families[start + i] = f));
    start = end;
  }
  keepSpacesBetweenDirectionsInPrimary(text, levels, families, spec.rules.primary);
  return {
    text,
    styles,
    languages,
    levels,
    families,
    letterSpaced: spec.letterSpacing === 0 ? null : letterSpacedCharacters(text),
    images: atomicInlinesByIndex(spec.runs),
    metrics,
  };
}

/**
 * A space between two words of another script is set in their face (assignFamilies), so the phrase
 * is one piece for the extractors. Not when the space reads in another direction than the words
 * beside it, as between two right-to-left isolates in a left-to-right line ("Names <span dir=rtl>שרה</span>
 * <span dir=rtl>דוד</span>"): one piece of both words would be read right to left, the second name
 * first; in the paragraph's own face the space keeps them two pieces, each read apart.
 */
function keepSpacesBetweenDirectionsInPrimary(text: string, levels: Uint8Array, families: FamilyId[], primary: FamilyId): void {
  for (let i = 0; i < text.length; i++) {
    if (families[i] === primary || !SPACE_BETWEEN_WORDS.test(text[i]!)) continue;
    let before = i - 1;
    while (before >= 0 && SPACE_BETWEEN_WORDS.test(text[before]!)) before--;
    let after = i + 1;
    while (after < text.length && SPACE_BETWEEN_WORDS.test(text[after]!)) after++;
    const direction = levels[i]! % 2;
    if ((before >= 0 && levels[before]! % 2 !== direction) || (after < text.length && levels[after]! % 2 !== direction)) families[i] = primary;
  }
}

const SPACE_BETWEEN_WORDS = /^[ \u00a0]$/u;

const ISOLATE_INITIATOR: Readonly<Record<BidiIsolate["dir"], string>> = { ltr: "\u2066", rtl: "\u2067", auto: "\u2068" };
const POP_DIRECTIONAL_ISOLATE = "\u2069";

/**
 * The bidi level of each UTF-16 unit of the paragraph's text. Isolates are left to bidi-js, as
 * UAX #9 defines them: it reads the text with an LRI, RLI or FSI where an isolate opens and a PDI
 * where it closes. Only the levels are taken back, so the controls are never drawn nor copied.
 */
function bidiLevels(spec: ParagraphSpec, text: string): Uint8Array {
  if (!spec.runs.some((run) => run.isolates?.length)) return bidi.getEmbeddingLevels(text, spec.dir).levels;
  let withControls = "";
  const indexInControlled: number[] = [];
  let open: readonly BidiIsolate[] = [];
  for (const run of spec.runs) {
    const isolates = run.isolates ?? [];
    let shared = 0;
    while (shared < open.length && shared < isolates.length && open[shared] === isolates[shared]) shared++;
    withControls += POP_DIRECTIONAL_ISOLATE.repeat(open.length - shared);
    for (const isolate of isolates.slice(shared)) withControls += ISOLATE_INITIATOR[isolate.dir];
    for (let i = 0; i < run.text.length; i++) indexInControlled.push(withControls.length + i);
    withControls += run.text;
    open = isolates;
  }
  withControls += POP_DIRECTIONAL_ISOLATE.repeat(open.length);
  const levels = bidi.getEmbeddingLevels(withControls, spec.dir).levels;
  return Uint8Array.from(indexInControlled, (index) => levels[index]!);
}

/** The word over `[start, end)` of the text: pieces of one face, direction and kind, each shaped whole (kerning and ligatures across soft hyphens). */
function buildWord(
  fonts: FontLibrary,
  spec: ParagraphSpec,
  { text, styles, languages, levels, families, letterSpaced, images, metrics }: PreparedText,
  start: number,
  end: number,
): Word {
  const word = emptyWord(start);
  word.end = end;
  let pieceStart = start;
  for (let i = start + 1; i <= end; i++) {
    const boundary =
      i === end ||
      styles[i] !== styles[i - 1] ||
      languages[i] !== languages[i - 1] ||
      families[i] !== families[i - 1] ||
      levels[i] !== levels[i - 1] ||
      (letterSpaced !== null && letterSpaced[i] !== letterSpaced[i - 1]) ||
      (metrics !== null && metrics[i] !== metrics[i - 1]) ||
      (images !== null && (images.has(i) || images.has(i - 1))) ||
      WHITESPACE.test(text[i]!) !== WHITESPACE.test(text[i - 1]!);
    if (!boundary) continue;
    let chunk = text.slice(pieceStart, i);
    const forced = chunk.endsWith("\n");
    if (forced) chunk = chunk.replace(/\n$/, "");
    const image = images?.get(pieceStart);
    if (image) addPiece(word, atomicPiece(spec, image, pieceStart, levels[pieceStart]!, languages[pieceStart]!));
    else if (chunk !== "" && (!chunk.includes(SOFT_HYPHEN) || chunk.replaceAll(SOFT_HYPHEN, "") !== "")) {
      const level = levels[pieceStart]!;
      const face = faceOf(families[pieceStart]!, styles[pieceStart]!);
      const language = languages[pieceStart]!;
      const space = WHITESPACE.test(chunk[0]!);
      // A space is shaped between the characters around it, in its own face, as a browser shaping
      // the whole line shapes it: the face's contextual and language forms then apply (Noto Sans KR
      // widens a space between Hangul to 0.28 em, and every space of Korean text; 0.224 em alone).
      const own = metrics?.[pieceStart];
      const sized = sizedFor(spec, own);
      const context = space && chunk === " " ? spaceInContext(fonts, sized, face, level, language, codePointBefore(text, pieceStart), chunk, codePointAt(text, i)) : null;
      const spaced = letterSpaced === null || letterSpaced[pieceStart] === 1;
      addPiece(word, {
        start: pieceStart,
        end: i,
        face,
        level,
        language,
        space,
        letterSpaced: spaced,
        ...(own ? { metrics: own } : {}),
        ...(context ?? shapeText(fonts, sized, face, level, language, chunk, spaced)),
      });
    }
    if (forced) word.forcedBreakAfter = true;
    pieceStart = i;
  }
  return word;
}

/**
 * Splits the paragraph into unbreakable words. A soft hyphen does not end a word: as in Chromium,
 * the word is measured whole and broken there only when a line must end inside it (breakLines).
 */
function words(fonts: FontLibrary, spec: ParagraphSpec, prepared: PreparedText): Word[] {
  const { text } = prepared;
  if (text === "") return [];
  const breaks = breakPositions(text, spec.rules, spec.hyphens);
  const result: Word[] = [];
  let start = 0;
  let softBreaks: number[] = [];
  for (let i = 1; i <= text.length; i++) {
    if (i < text.length && !breaks.has(i)) continue;
    if (i < text.length && text[i - 1] === SOFT_HYPHEN && !breaks.get(i)) {
      softBreaks.push(i);
      continue;
    }
    const word = buildWord(fonts, spec, prepared, start, i);
    word.softBreaks = softBreaks;
    if (word.width > fillWidth(spec, 0) + 0.01 && softBreaks.length === 0 && !word.pieces.some((piece) => piece.image)) result.push(...breakOverwideWord(fonts, spec, text, word));
    else if (word.pieces.length > 0 || word.forcedBreakAfter) result.push(word);
    start = i;
    softBreaks = [];
  }
  kernAcrossWords(fonts, spec, result);
  if (CJK_PUNCTUATION.test(text)) trimAdjacentPunctuation(fonts, spec, result);
  return result;
}

/**
 * Kerning between adjacent words that touch (no space between them), as Chromium shapes it: it
 * shapes a run of one face, direction and language whole, so a font's kerning pairs apply across
 * break opportunities. Here every CJK character is a word of its own; without this Noto Sans JP's
 * kana pairs (アニ −0.02 em, スペ −0.07 em) were lost and a 40-character Japanese line measured
 * 403.31 pt where Chromium's measured 401.80 pt, fitting one character less. The pair's adjustment
 * goes on the first word's last glyph, as HarfBuzz puts a pair kern on the first glyph's advance,
 * and counts like a space after the word: in its full width, not in the width that must fit before
 * a break, and taken off the line's last glyph (buildLine). So a line broken between two characters
 * measures the kerned sum up to the break, as Blink's line breaker measures it (it reshapes a line
 * end that is unsafe to break, dropping the pair), and the drawn glyphs use the same advances.
 * Pairs are shaped through the run cache: a paragraph costs one cached lookup per boundary.
 */
function kernAcrossWords(fonts: FontLibrary, spec: ParagraphSpec, all: Word[]): void {
  for (let w = 0; w + 1 < all.length; w++) {
    const word = all[w]!;
    const next = all[w + 1]!;
    if (word.forcedBreakAfter || word.hyphen) continue;
    const p = word.pieces.length - 1;
    const left = word.pieces[p];
    const right = next.pieces[0];
    if (!left || !right || left.space || right.space || left.end !== right.start) continue;
    // One run in Chromium: same face, language, spacing and a left-to-right level.
    if (
      left.face !== right.face ||
      left.language !== right.language ||
      left.level !== right.level ||
      left.level % 2 === 1 ||
      left.letterSpaced !== right.letterSpaced ||
      left.metrics !== right.metrics
    )
      continue;
    const glyphs = left.run.glyphs;
    let carrier = glyphs.length - 1;
    while (carrier >= 0 && glyphs[carrier]!.text === "") carrier--;
    const first = right.run.glyphs[0];
    if (carrier < 0 || !first || first.text === "") continue;
    const before = glyphs[carrier]!.text;
    const after = first.text;
    const alone = [shape(fonts, left.face, before, "ltr", left.language), shape(fonts, left.face, after, "ltr", left.language)];
    const pair = shape(fonts, left.face, before + after, "ltr", left.language);
    // Only a pure positioning adjustment: a ligature or contextual form across the boundary is left alone.
    const separate = [...alone[0]!.glyphs, ...alone[1]!.glyphs];
    if (pair.glyphs.length !== separate.length || pair.glyphs.some((glyph, i) => glyph.id !== separate[i]!.id)) continue;
    const delta = pair.advance - alone[0]!.advance - alone[1]!.advance;
    if (delta === 0) continue;
    const kerned = glyphs.slice();
    const last = kerned.length - 1;
    kerned[last] = { ...kerned[last]!, xAdvance: kerned[last]!.xAdvance + delta };
    kerned[carrier] = { ...kerned[carrier]!, textAdvance: kerned[carrier]!.textAdvance + delta };
    const points = (delta / left.run.unitsPerEm) * sizeOf(spec, left);
    word.pieces[p] = { ...left, run: { ...left.run, glyphs: kerned, advance: left.run.advance + delta }, width: left.width + points };
    word.fullWidth += points;
    word.kernAfter = delta;
  }
}

/** The piece without the kerning toward a next word that is on the next line (kernAcrossWords). */
function withoutKernAfter(spec: ParagraphSpec, piece: Piece, kern: number): Piece {
  const glyphs = piece.run.glyphs.slice();
  const last = glyphs.length - 1;
  let carrier = last;
  while (carrier > 0 && glyphs[carrier]!.text === "") carrier--;
  glyphs[last] = { ...glyphs[last]!, xAdvance: glyphs[last]!.xAdvance - kern };
  glyphs[carrier] = { ...glyphs[carrier]!, textAdvance: glyphs[carrier]!.textAdvance - kern };
  return { ...piece, run: { ...piece.run, glyphs, advance: piece.run.advance - kern }, width: piece.width - (kern / piece.run.unitsPerEm) * sizeOf(spec, piece) };
}

/**
 * Breaks a word at its last soft hyphen where the part before it, with the hyphen drawn, fits in
 * `room`, as Chromium's line breaker does; null when no part fits. Each part is shaped anew.
 */
function hyphenateWord(fonts: FontLibrary, spec: ParagraphSpec, prepared: PreparedText, word: Word, room: number): [Word, Word] | null {
  for (let k = word.softBreaks.length - 1; k >= 0; k--) {
    const at = word.softBreaks[k]!;
    const head = buildWord(fonts, spec, prepared, word.start, at);
    const last = head.pieces[head.pieces.length - 1];
    if (!last || last.space) continue;
    const hyphen = hyphenAfter(fonts, spec, last);
    if (head.width + hyphen.width > room + 0.01) continue;
    head.hyphen = hyphen;
    const tail = buildWord(fonts, spec, prepared, at, word.end);
    tail.softBreaks = word.softBreaks.slice(k + 1);
    return [head, tail];
  }
  return null;
}

/** UAX #9 rule L2: reverse every run at or above each level, from the highest to the lowest odd level. */
function visualOrder(pieces: Piece[]): Piece[] {
  const order = [...pieces];
  const max = Math.max(0, ...order.map((p) => p.level));
  const minOdd = Math.min(...order.map((p) => (p.level % 2 === 1 ? p.level : p.level + 1)));
  for (let level = max; level >= minOdd; level--) {
    for (let i = 0; i < order.length; ) {
      if (order[i]!.level < level) {
        i++;
        continue;
      }
      let j = i;
      while (j < order.length && order[j]!.level >= level) j++;
      const reversed = order.slice(i, j).reverse();
      order.splice(i, j - i, ...reversed);
      i = j;
    }
  }
  return order;
}

/** A copy of a piece with the hyphen glyphs at its logical end, marked as carrying no text. */
function withHyphen(piece: Piece, hyphen: { run: ShapedRun; width: number }): Piece {
  const glyphs = hyphen.run.glyphs.map((glyph) => ({ ...glyph, text: "", textAdvance: 0 }));
  const rtl = piece.run.direction === "rtl";
  const run: ShapedRun = {
    ...piece.run,
    glyphs: rtl ? [...glyphs, ...piece.run.glyphs] : [...piece.run.glyphs, ...glyphs],
    advance: piece.run.advance + (hyphen.run.advance / hyphen.run.unitsPerEm) * piece.run.unitsPerEm,
  };
  return { ...piece, run, width: piece.width + hyphen.width };
}

/**
 * Where justification may add space after each glyph of a line (pieces in logical order): after a
 * word separator and, in a paragraph set in a CJK family, between two CJK characters
 * (CJK_EXPANSION); never after the line's last glyph. Chromium also expands around a CJK character
 * next to a Latin letter or parenthesis, and around CJK characters inside Latin text; the PDF does
 * not, since extractors read such a gap as a word space ("中 国 当 局", "( 中国当局 )"). Justification
 * only moves glyphs within a line: where lines break stays the same.
 */
function expansionOpportunities(pieces: readonly Piece[], cjk: boolean): Map<Piece, boolean[]> {
  const texts = pieces.map((piece) => piece.run.glyphs.map((glyph) => glyph.text));
  // The first character of the next glyph with text, in logical order across pieces.
  const flat: { piece: number; glyph: number; text: string }[] = [];
  pieces.forEach((piece, p) => {
    const order = piece.run.direction === "rtl" ? [...piece.run.glyphs.keys()].reverse() : [...piece.run.glyphs.keys()];
    for (const g of order) if (texts[p]![g] !== "") flat.push({ piece: p, glyph: g, text: texts[p]![g]! });
  });
  const gaps = new Map<Piece, boolean[]>(pieces.map((piece) => [piece, piece.run.glyphs.map(() => false)]));
  for (let k = 0; k < flat.length - 1; k++) {
    const { piece, glyph, text } = flat[k]!;
    const chars = [...text];
    const next = [...flat[k + 1]!.text][0]!;
    const separator = chars.length === 1 && WORD_SEPARATOR.test(chars[0]!);
    if (separator || (cjk && CJK_EXPANSION.test(chars[chars.length - 1]!) && CJK_EXPANSION.test(next))) gaps.get(pieces[piece]!)![glyph] = true;
  }
  return gaps;
}

/** The line box of an inline box of text at its own size and line-height (`lineBoxWithText`). */
type InlineBoxOf = (metrics: InlineBoxMetrics) => LineBox;

function buildLine(
  spec: ParagraphSpec,
  strut: LineBox,
  lineWords: Word[],
  last: boolean,
  indent: number,
  hyphenated: boolean,
  parent: ParentFontOf | null = null,
  inlineBoxOf: InlineBoxOf | null = null,
): Line {
  const pieces: Piece[] = [];
  for (const word of lineWords) for (const piece of word.pieces) pieces.push(piece);
  const lastWord = lineWords[lineWords.length - 1];
  // The next word is on the next line: no kerning toward it (kernAcrossWords).
  if (lastWord && lastWord.kernAfter !== 0 && pieces.length > 0) pieces[pieces.length - 1] = withoutKernAfter(spec, pieces[pieces.length - 1]!, lastWord.kernAfter);
  // Rule L1: white space at the end of a line takes no room and is not drawn.
  while (pieces.length > 0 && pieces[pieces.length - 1]!.space) pieces.pop();
  const hyphen = hyphenated ? lineWords[lineWords.length - 1]!.hyphen : null;
  if (hyphen && pieces.length > 0) pieces[pieces.length - 1] = withHyphen(pieces[pieces.length - 1]!, hyphen);
  const natural = pieces.reduce((sum, p) => sum + p.width, 0);
  // The inline boxes of text on this line (sup, sub, small) grow it where they reach past the strut (CSS 2.1 §10.8).
  const own = inlineBoxOf ? [...new Set(pieces.flatMap((piece) => (piece.metrics ? [piece.metrics] : [])))] : [];
  const box =
    own.length > 0
      ? lineBoxWithText(
          strut,
          own.map((metrics) => ({ box: inlineBoxOf!(metrics), rise: metrics.rise })),
        )
      : strut;
  const ordered = visualOrder(pieces);
  // Below zero where the line fits only in the browser's measure (browserAdvanceScale): a justified
  // line then narrows its gaps by that much, any other line runs past its end by a few hundredths of a point.
  const room = spec.width - indent - natural;
  const slack = Math.max(0, room);
  const fitsMeasure = room > 0 || natural <= fillWidth(spec, indent) + 0.01;
  const justify = spec.align === "justify" && !last && room !== 0 && fitsMeasure;
  const gaps = justify ? expansionOpportunities(pieces, isCjkFamily(spec.rules.primary)) : null;
  let extraPerGap = 0;
  if (gaps) {
    let count = 0;
    for (const flags of gaps.values()) count += flags.filter(Boolean).length;
    extraPerGap = count > 0 ? room / count : 0;
  }
  const startAligned = spec.align === "start" || (spec.align === "justify" && (last || extraPerGap === 0));
  const rightAligned = (startAligned && spec.dir === "rtl") || (spec.align === "end" && spec.dir === "ltr");
  let x = (spec.dir === "ltr" ? indent : 0) + (spec.align === "center" ? slack / 2 : rightAligned ? slack : 0);
  const runs: PlacedRun[] = [];
  const images: { box: AtomicInline; x: number; logical: number }[] = [];
  for (const piece of ordered) {
    if (piece.image) {
      images.push({ box: piece.image, x, logical: pieces.indexOf(piece) });
      x += piece.width;
      continue;
    }
    let extra: Float32Array | null = null;
    let width = piece.width;
    if (spec.letterSpacing !== 0 && piece.letterSpaced) {
      // The spacing is already in the piece's width; the writer adds it after each character's glyph.
      extra = new Float32Array(piece.run.glyphs.length);
      piece.run.glyphs.forEach((g, i) => (extra![i] = g.text !== "" ? spec.letterSpacing : 0));
    }
    if (gaps && extraPerGap !== 0) {
      extra ??= new Float32Array(piece.run.glyphs.length);
      gaps.get(piece)!.forEach((gap, i) => {
        if (gap) {
          extra![i]! += extraPerGap;
          width += extraPerGap;
        }
      });
    }
    runs.push({
      x,
      run: piece.run,
      size: sizeOf(spec, piece),
      color: spec.color,
      extra,
      logical: pieces.indexOf(piece),
      ...(piece.metrics?.rise ? { rise: piece.metrics.rise } : {}),
    });
    x += width;
  }
  runs.sort((a, b) => a.logical - b.logical);
  if (images.length > 0 && parent) return withAtomicInlines({ runs, ascent: box.baseline, height: box.height, width: natural, hyphenated: hyphen !== null }, box, parent, images);
  return { runs, ascent: box.baseline, height: box.height, width: natural, hyphenated: hyphen !== null };
}

/**
 * Set paragraphs by everything their lines depend on; the lines are never changed once set, so
 * documents share them. Like shaped runs, they assume one font per face id in a font library (whose caches they are).
 */
const PARAGRAPHS = cacheKind<string, Line[]>("paragraphs", { sizeOf: (key, lines) => LruCache.weigh.string(key) + LruCache.weigh.lines(lines) });

function paragraphKey(spec: ParagraphSpec): string {
  const { rules } = spec;
  // An isolate by its place among the paragraph's isolates, so that its runs key alike and two neighbours apart.
  const isolateIds = new Map<BidiIsolate, number>();
  const isolates = (run: StyledText) => (run.isolates ?? []).map((isolate) => `${isolate.dir}${isolateIds.get(isolate) ?? isolateIds.set(isolate, isolateIds.size).size - 1}`);
  // An image's run adds its box; a text run's key is as it was without images.
  // An inline box of its own size or baseline adds its metrics, by its place among the paragraph's (runs of one element share them).
  const metricsIds = new Map<InlineBoxMetrics, number>();
  const metrics = (run: StyledText) =>
    run.metrics ? [`${metricsIds.get(run.metrics) ?? metricsIds.set(run.metrics, metricsIds.size).size - 1}`, run.metrics.size, run.metrics.lineHeight, run.metrics.rise] : [];
  const runs = spec.runs.map((run) =>
    run.image
      ? [run.text, run.style.bold, run.style.italic, run.lang ?? null, isolates(run), run.image.key, run.image.width, run.image.height, run.image.align]
      : [run.text, run.style.bold, run.style.italic, run.lang ?? null, isolates(run), ...metrics(run)],
  );
  return JSON.stringify([
    spec.size,
    spec.color,
    spec.leading,
    spec.width,
    spec.align,
    spec.dir,
    rules.primary,
    rules.keepAll,
    rules.cjk ?? [],
    rules.fallbacks ?? [],
    spec.indent,
    spec.noWrap,
    spec.letterSpacing,
    spec.hyphens,
    spec.language ?? "",
    runs,
  ]);
}

/**
 * The word with its fullwidth closing quotation mark or bracket (see PunctuationKind) set
 * half-width, when that is what makes it fit the line's `room`, as Chromium sets it ("侵犯”" and
 * "谁能否认？』" end lines that the full em would not hold; CSS Text 4 §8.3's allow-end, which
 * `text-spacing-trim: normal` includes). Measured in Chromium 156 for closing quotes (Pf) and closing
 * brackets (Pe: 」』）): its other closing punctuation (，。、) keeps the full em.
 * Null when the word ends otherwise or does not fit either way.
 */
function closingMarkTrimmedAtLineEnd(fonts: FontLibrary, spec: ParagraphSpec, word: Word, room: number): Word | null {
  let p = word.pieces.length - 1;
  while (p >= 0 && word.pieces[p]!.space) p--;
  const piece = word.pieces[p];
  if (!piece || piece.run.direction === "rtl") return null;
  let index = piece.run.glyphs.length - 1;
  while (index >= 0 && piece.run.glyphs[index]!.text === "") index--;
  const glyph = piece.run.glyphs[index];
  if (!glyph || !TRIMMED_AT_LINE_END.test(glyph.text) || punctuationKind(fonts, piece.face, glyph.id, glyph.text, piece.run.unitsPerEm, glyph.xAdvance) !== "close") return null;
  if (word.width - spec.size / 2 > room + 0.01) return null;
  // A copy: the paragraph's words may be read again at another width.
  const copy: Word = { ...word, pieces: word.pieces.slice() };
  trimEnd(spec, copy, p, index);
  return copy;
}

/** Closing quotes and brackets: the closing punctuation Chromium trims at a line's end (closingMarkTrimmedAtLineEnd). */
const TRIMMED_AT_LINE_END = /^[\p{Pe}\p{Pf}]$/u;

/**
 * Sets a paragraph into lines: break opportunities by UAX #14 (keep-all for Korean), greedy filling,
 * then per line the bidi reordering of UAX #9, alignment and justification. The lines are shared
 * with every other paragraph of the same text and style: treat them as read-only.
 */
export function setParagraph(fonts: FontLibrary, spec: ParagraphSpec): Line[] {
  return setKeyedParagraph(fonts, spec).lines;
}

/** `setParagraph`, and the key its lines are kept by in the library's cache (for `keptParagraph`). */
export function setKeyedParagraph(fonts: FontLibrary, spec: ParagraphSpec): { key: string; lines: Line[] } {
  const key = paragraphKey(spec);
  const paragraphCache = fonts.caches.of(PARAGRAPHS);
  let lines = paragraphCache.get(key);
  if (!lines) {
    lines = breakLines(fonts, spec);
    paragraphCache.set(key, lines);
  }
  return { key, lines };
}

/**
 * The lines the library's cache keeps by a key `setKeyedParagraph` gave, if it still keeps them:
 * a caller that knows its paragraph's spec is the one it keyed before needs neither the spec nor its key again.
 */
export function keptParagraph(fonts: FontLibrary, key: string): Line[] | undefined {
  return fonts.caches.of(PARAGRAPHS).get(key);
}

/**
 * The factor from a font's advances at `size` (points) to the advances Chromium lays lines out with.
 * Chromium (Skia over FreeType) scales a face to its size in CSS pixels truncated to 1/64 px
 * (FreeType's 26.6 fixed point): 10pt (13.333 px) measures as 13.328 px, 11.025pt as 14.6875 px,
 * while 10.5pt (14 px) is exact. Lines are broken with advances so scaled, so a line that fits in
 * Chromium fits in the PDF (the Bengali letter's lines fitted a word less by 0.1 pt); they are drawn
 * with the face's own advances, a justified line closing the difference in its gaps.
 */
export function browserAdvanceScale(size: number): number {
  const px = (size * 4) / 3;
  // The epsilon keeps sizes that are whole 64ths (14 px from 10.5pt) from rounding down a step.
  return px > 0 ? Math.floor(px * 64 + 1e-6) / 64 / px : 1;
}

/** The width lines are filled to, in the face's own advances (see `browserAdvanceScale`). */
function fillWidth(spec: ParagraphSpec, indent: number): number {
  return (spec.width - indent) / browserAdvanceScale(spec.size);
}

function breakLines(fonts: FontLibrary, spec: ParagraphSpec): Line[] {
  const prepared = prepare(fonts, spec);
  const all = words(fonts, spec, prepared);
  const lines: Line[] = [];
  // Every line of the paragraph has its strut's box (line-box.ts: one family and size per paragraph).
  const box = strutOf(fonts, spec.rules.primary, spec.size, spec.size * spec.leading);
  // What vertical-align reads of the paragraph's font, when the paragraph holds images.
  const parent: ParentFontOf | null = prepared.images ? (style) => parentFontOf(fonts, spec.rules.primary, spec.size, style) : null;
  // An inline box of text at its own size: its line box as the paragraph's strut is made, in the paragraph's family.
  const inlineBoxOf: InlineBoxOf | null = prepared.metrics ? (metrics) => strutOf(fonts, spec.rules.primary, metrics.size, metrics.lineHeight) : null;
  let current: Word[] = [];
  let width = 0;
  const indentOf = () => (lines.length === 0 ? spec.indent : 0);
  const endLine = (hyphenated: boolean) => {
    lines.push(buildLine(spec, box, current, false, indentOf(), hyphenated, parent, inlineBoxOf));
    current = [];
    width = 0;
  };
  for (let i = 0; i < all.length; ) {
    let word = all[i]!;
    const room = fillWidth(spec, indentOf()) - width;
    const trimmedAtEnd = !spec.noWrap && word.width > room + 0.01 ? closingMarkTrimmedAtLineEnd(fonts, spec, word, room) : null;
    if (trimmedAtEnd) all[i] = trimmedAtEnd;
    else if (!spec.noWrap && word.width > room + 0.01) {
      // The line ends inside the word when a part of it fits, else before it.
      const parts = word.softBreaks.length > 0 ? hyphenateWord(fonts, spec, prepared, word, room) : null;
      if (parts) {
        current.push(parts[0]);
        endLine(true);
        all[i] = parts[1];
        // The tail is shaped anew: the kerning toward a word touching it ("schlag-|Team") too.
        kernAcrossWords(fonts, spec, all.slice(i, i + 2));
        continue;
      }
      if (current.length > 0) {
        endLine(false);
        continue;
      }
      // Alone on its line and still too wide, with no soft hyphen that helps: broken between characters.
      if (word.softBreaks.length > 0) {
        const parts = breakOverwideWord(fonts, spec, prepared.text, word);
        all.splice(i, 1, ...parts);
        // Its last part is shaped anew too: the kerning toward a word touching it as well.
        kernAcrossWords(fonts, spec, all.slice(i + parts.length - 1, i + parts.length + 1));
        continue;
      }
    }
    word = all[i]!;
    current.push(word);
    width += word.fullWidth;
    i++;
    if (word.forcedBreakAfter) {
      lines.push(buildLine(spec, box, current, true, indentOf(), false, parent, inlineBoxOf));
      current = [];
      width = 0;
    }
  }
  if (current.length > 0) lines.push(buildLine(spec, box, current, true, indentOf(), false, parent, inlineBoxOf));
  return lines;
}

/**
 * The paragraph's min-content width (its widest unbreakable word) and max-content width (its widest
 * line when only forced breaks end lines), for table columns sized by content (CSS 2.1 17.5.2.2).
 * The first line's indent counts in both, as in browsers; `spec.width` is not read.
 */
export function intrinsicWidths(fonts: FontLibrary, spec: ParagraphSpec): { min: number; max: number } {
  const key = paragraphKey({ ...spec, width: 0 });
  const widthsCache = fonts.caches.of(INTRINSIC_WIDTHS);
  let widths = widthsCache.get(key);
  if (!widths) {
    widths = measureWidths(fonts, spec);
    widthsCache.set(key, widths);
  }
  return widths;
}

/** A table's cells are measured on every render of it: their widths are kept like their lines. */
const INTRINSIC_WIDTHS = cacheKind<string, { min: number; max: number }>("intrinsicWidths", { sizeOf: (key) => LruCache.weigh.string(key) + 64 });

function measureWidths(fonts: FontLibrary, spec: ParagraphSpec): { min: number; max: number } {
  let min = 0;
  let max = 0;
  let line = spec.indent;
  let first = true;
  const unbounded = { ...spec, width: Number.POSITIVE_INFINITY };
  // In the browser's measure, as lines are filled (see `browserAdvanceScale`).
  const scale = browserAdvanceScale(spec.size);
  // Words whole, soft hyphens or not: the narrowest a cell gets is its widest unhyphenated word.
  for (const word of words(fonts, unbounded, prepare(fonts, unbounded))) {
    min = Math.max(min, word.width * scale + (first ? spec.indent : 0));
    max = Math.max(max, line + word.width * scale);
    line += word.fullWidth * scale;
    first = false;
    if (word.forcedBreakAfter) line = 0;
  }
  return { min, max };
}

// ---- atomic inline boxes (inline images) -------------------------------------------------------

/** The object replacement character: an atomic inline's place in the text, as browsers hold it (UAX 14 class CB: a break opportunity on both sides; bidi class ON). */
export const OBJECT_REPLACEMENT = "\ufffc";

/** The runs' atomic inline boxes by their character's index in the paragraph's text, or null when there are none. */
function atomicInlinesByIndex(runs: readonly StyledText[]): Map<number, AtomicInline> | null {
  let images: Map<number, AtomicInline> | null = null;
  let at = 0;
  for (const run of runs) {
    if (run.image) (images ??= new Map()).set(at, run.image);
    at += run.text.length;
  }
  return images;
}

/** An atomic inline's piece: no glyphs (nothing to copy, as Chromium's printed PDF has no text for an image), its box's width, its bidi level from its U+FFFC. */
function atomicPiece(spec: ParagraphSpec, image: AtomicInline, at: number, level: number, language: string): Piece {
  const face = faceOf(spec.rules.primary, { bold: false, italic: false });
  const run: ShapedRun = { face, direction: level % 2 === 1 ? "rtl" : "ltr", glyphs: [], advance: 0, unitsPerEm: 1000 };
  return { start: at, end: at + 1, face, level, language, space: false, letterSpaced: false, run, width: image.width, image };
}

/** What `vertical-align` reads of the paragraph's family in one style (line-box.ts `parentFontOf`). */
type ParentFontOf = (style: { bold: boolean; italic: boolean }) => ParentFont;

/** The line with its atomic inline boxes placed and its line box grown to hold them (line-box.ts `lineBoxWith`). */
function withAtomicInlines(line: Line, strut: LineBox, parent: ParentFontOf, images: readonly { box: AtomicInline; x: number; logical: number }[]): Line {
  const regular = { bold: false, italic: false };
  const { box, tops } = lineBoxWith(
    strut,
    parent(regular),
    // Each image reads its parent's face (a bold paragraph's bold x-height), as Chromium does.
    images.map(({ box }) => ({ height: box.height, align: box.align, parent: parent(box.parentStyle ?? regular) })),
  );
  return { ...line, ascent: box.baseline, height: box.height, images: images.map((image, i) => ({ ...image, top: tops[i]! })) };
}
