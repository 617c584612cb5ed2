import LineBreaker from "linebreak";
import { LruCache } from "./cache";
import { type FaceId, type FamilyId, faceOf, type FontLibrary, type TextStyle } from "./font-library";
import { assignFamilies, bidi, shape, type ShapedRun } from "./shaping";

/** A run of paragraph text in one style; `\n` is a forced line break (`<br>`). */
export interface StyledText {
  text: string;
  style: TextStyle;
}

export type Align = "start" | "end" | "justify" | "center";

/** How the letter's script breaks and justifies lines. */
export interface ScriptRules {
  primary: FamilyId;
  /** Korean: break only at spaces, never between the syllables of a word (CSS `word-break: keep-all`). */
  keepAll: boolean;
  /** Chinese: justify by spacing every character, since lines have few or no spaces. */
  interCharacter: boolean;
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
}

/** A shaped piece of one line, placed at `x` from the line's left edge. */
export interface PlacedRun {
  x: number;
  run: ShapedRun;
  size: number;
  color: string;
  /** Extra space (points) after each glyph, from justification. */
  extra: Float32Array | null;
  /** The run's place in reading order; pdf.js extracts runs in the order they are drawn. */
  logical: number;
}

export interface Line {
  runs: PlacedRun[];
  /** Distance from the line's top to its baseline. */
  ascent: number;
  height: number;
  width: number;
}

interface Piece {
  start: number;
  end: number;
  face: FaceId;
  level: number;
  space: boolean;
  run: ShapedRun;
  width: number;
}

interface Word {
  pieces: Piece[];
  /** Width without trailing white space, and with it. */
  width: number;
  fullWidth: number;
  forcedBreakAfter: boolean;
}

const WHITESPACE = /\s/u;
const HANGUL_OR_HAN = /[\p{Script=Hangul}\p{Script=Han}]/u;
/** Scripts whose words are not separated by spaces and whose breaks UAX 14 leaves to a dictionary (line break class SA). */
const COMPLEX_CONTEXT = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: "word" });

/** Where a line may break in `text` (position -> whether the break is required), by UAX 14 and, for SA-class scripts, ICU's word dictionary. */
export function breakPositions(text: string, rules: ScriptRules): Map<number, boolean> {
  const breaks = new Map<number, boolean>();
  const breaker = new LineBreaker(text);
  for (let b = breaker.nextBreak(); b; b = breaker.nextBreak()) {
    if (!b.required && rules.keepAll && b.position < text.length) {
      const before = text[b.position - 1] ?? " ";
      const after = text[b.position] ?? " ";
      if (!WHITESPACE.test(before) && (HANGUL_OR_HAN.test(before) || HANGUL_OR_HAN.test(after))) continue;
    }
    breaks.set(b.position, b.required);
  }
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

function styleIndex(runs: readonly StyledText[]): { text: string; styles: TextStyle[] } {
  let text = "";
  const styles: TextStyle[] = [];
  for (const run of runs) {
    text += run.text;
    for (let i = 0; i < run.text.length; i++) styles.push(run.style);
  }
  return { text, styles };
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

function emptyWord(): Word {
  return { pieces: [], width: 0, fullWidth: 0, forcedBreakAfter: false };
}

/** A piece of text shaped in its face and bidi direction, and its width at the paragraph's size. */
function shapeText(fonts: FontLibrary, spec: ParagraphSpec, face: FaceId, level: number, text: string): { run: ShapedRun; width: number } {
  const run = shape(fonts, face, text, level % 2 === 1 ? "rtl" : "ltr");
  const characters = spec.letterSpacing === 0 ? 0 : run.glyphs.filter((g) => g.text !== "").length;
  return { run, width: (run.advance / run.unitsPerEm) * spec.size + characters * spec.letterSpacing };
}

function addPiece(word: Word, piece: Piece): void {
  word.pieces.push(piece);
  word.fullWidth += piece.width;
  if (!piece.space) word.width = word.fullWidth;
}

/**
 * CSS `overflow-wrap: break-word`, as the HTML edition's stylesheet asks: a word wider than the line
 * (a long link, an identifier) is broken between grapheme clusters into pieces that each fit a line,
 * instead of running past the margin. Each piece is shaped on its own, as a browser does.
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
    const widthOf = (from: number, to: number) => shapeText(fonts, spec, piece.face, piece.level, text.slice(from, to));
    let chunkStart = piece.start;
    let chunkWidth = 0;
    for (const { index, segment } of graphemes.segment(text.slice(piece.start, end))) {
      const at = piece.start + index;
      const width = widthOf(at, at + segment.length).width;
      if (current.width + chunkWidth + width > spec.width && (chunkWidth > 0 || current.pieces.length > 0)) {
        if (at > chunkStart) addPiece(current, { ...piece, start: chunkStart, end: at, ...widthOf(chunkStart, at) });
        parts.push(current);
        current = emptyWord();
        chunkStart = at;
        chunkWidth = 0;
      }
      chunkWidth += width;
    }
    if (end > chunkStart) addPiece(current, { ...piece, start: chunkStart, end, ...widthOf(chunkStart, end) });
  }
  current.forcedBreakAfter = word.forcedBreakAfter;
  parts.push(current);
  return parts;
}

/** Splits the paragraph into unbreakable words, each made of pieces of one face, direction and kind. */
function words(fonts: FontLibrary, spec: ParagraphSpec): Word[] {
  const { text, styles } = styleIndex(spec.runs);
  if (text === "") return [];
  const levels = bidi.getEmbeddingLevels(text, spec.dir).levels;
  const families = new Array<FamilyId>(text.length);
  for (let start = 0; start < text.length; ) {
    let end = start + 1;
    while (end < text.length && styles[end] === styles[start]) end++;
    assignFamilies(fonts, text.slice(start, end), spec.rules.primary, styles[start]!).forEach((f, i) => (families[start + i] = f));
    start = end;
  }
  const breaks = breakPositions(text, spec.rules);
  const result: Word[] = [];
  let word = emptyWord();
  let pieceStart = 0;
  const flushPiece = (end: number) => {
    if (end <= pieceStart) return;
    let chunk = text.slice(pieceStart, end);
    const forced = chunk.endsWith("\n");
    if (forced) chunk = chunk.replace(/\n$/, "");
    if (chunk !== "") {
      const level = levels[pieceStart]!;
      const face = faceOf(families[pieceStart]!, styles[pieceStart]!);
      addPiece(word, { start: pieceStart, end, face, level, space: WHITESPACE.test(chunk[0]!), ...shapeText(fonts, spec, face, level, chunk) });
    }
    if (forced) word.forcedBreakAfter = true;
    pieceStart = end;
  };
  for (let i = 1; i <= text.length; i++) {
    const atBreak = breaks.has(i) || i === text.length;
    const boundary =
      atBreak || styles[i] !== styles[i - 1] || families[i] !== families[i - 1] || levels[i] !== levels[i - 1] || WHITESPACE.test(text[i]!) !== WHITESPACE.test(text[i - 1]!);
    if (!boundary) continue;
    flushPiece(i);
    if (atBreak) {
      if (word.width > spec.width + 0.01) result.push(...breakOverwideWord(fonts, spec, text, word));
      else if (word.pieces.length > 0 || word.forcedBreakAfter) result.push(word);
      word = emptyWord();
    }
  }
  return result;
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

function buildLine(spec: ParagraphSpec, lineWords: Word[], last: boolean, indent: number): Line {
  const pieces = lineWords.flatMap((w) => w.pieces);
  // Rule L1: white space at the end of a line takes no room and is not drawn.
  while (pieces.length > 0 && pieces[pieces.length - 1]!.space) pieces.pop();
  const natural = pieces.reduce((sum, p) => sum + p.width, 0);
  const ordered = visualOrder(pieces);
  const slack = Math.max(0, spec.width - indent - natural);
  const justify = spec.align === "justify" && !last && slack > 0;
  let extraPerGap = 0;
  const gapsOf = (piece: Piece): boolean[] => piece.run.glyphs.map((g) => (spec.rules.interCharacter ? g.text !== "" : piece.space));
  if (justify) {
    let gaps = ordered.reduce((n, p) => n + gapsOf(p).filter(Boolean).length, 0);
    if (spec.rules.interCharacter) gaps -= 1;
    extraPerGap = gaps > 0 ? slack / gaps : 0;
  }
  const startAligned = spec.align === "start" || (spec.align === "justify" && (last || extraPerGap === 0));
  const rightAligned = (startAligned && spec.dir === "rtl") || (spec.align === "end" && spec.dir === "ltr");
  let x = (spec.dir === "ltr" ? indent : 0) + (spec.align === "center" ? slack / 2 : rightAligned ? slack : 0);
  const runs: PlacedRun[] = [];
  let remainingGaps = Number.POSITIVE_INFINITY;
  if (justify && spec.rules.interCharacter) remainingGaps = ordered.reduce((n, p) => n + gapsOf(p).filter(Boolean).length, 0) - 1;
  for (const piece of ordered) {
    let extra: Float32Array | null = null;
    let width = piece.width;
    if (spec.letterSpacing !== 0) {
      // The spacing is already in the piece's width; the writer adds it after each character's glyph.
      extra = new Float32Array(piece.run.glyphs.length);
      piece.run.glyphs.forEach((g, i) => (extra![i] = g.text !== "" ? spec.letterSpacing : 0));
    }
    if (extraPerGap > 0) {
      extra ??= new Float32Array(piece.run.glyphs.length);
      gapsOf(piece).forEach((gap, i) => {
        if (gap && remainingGaps > 0) {
          extra![i]! += extraPerGap;
          width += extraPerGap;
          remainingGaps--;
        }
      });
    }
    runs.push({ x, run: piece.run, size: spec.size, color: spec.color, extra, logical: pieces.indexOf(piece) });
    x += width;
  }
  const height = spec.size * spec.leading;
  runs.sort((a, b) => a.logical - b.logical);
  return { runs, ascent: (height - spec.size) / 2 + spec.size * 0.86, height, width: natural };
}

/**
 * Set paragraphs by everything their lines depend on; the lines are never changed once set, so
 * documents share them. Like shaped runs, they assume one font per face id in a process.
 */
const paragraphCache = new LruCache<string, Line[]>({ maxBytes: LruCache.budgets.paragraphs, sizeOf: (key, lines) => LruCache.weigh.string(key) + LruCache.weigh.lines(lines) });

function paragraphKey(spec: ParagraphSpec): string {
  const { rules } = spec;
  const runs = spec.runs.map((run) => [run.text, run.style.bold, run.style.italic]);
  return JSON.stringify([
    spec.size,
    spec.color,
    spec.leading,
    spec.width,
    spec.align,
    spec.dir,
    rules.primary,
    rules.keepAll,
    rules.interCharacter,
    spec.indent,
    spec.noWrap,
    spec.letterSpacing,
    runs,
  ]);
}

/**
 * Sets a paragraph into lines: break opportunities by UAX #14 (keep-all for Korean), greedy filling,
 * then per line the bidi reordering of UAX #9, alignment and justification. The lines are shared
 * with every other paragraph of the same text and style: treat them as read-only.
 */
export function setParagraph(fonts: FontLibrary, spec: ParagraphSpec): Line[] {
  const key = paragraphKey(spec);
  let lines = paragraphCache.get(key);
  if (!lines) {
    lines = breakLines(fonts, spec);
    paragraphCache.set(key, lines);
  }
  return lines;
}

function breakLines(fonts: FontLibrary, spec: ParagraphSpec): Line[] {
  const all = words(fonts, spec);
  const lines: Line[] = [];
  let current: Word[] = [];
  let width = 0;
  for (let i = 0; i < all.length; i++) {
    const word = all[i]!;
    const indent = lines.length === 0 ? spec.indent : 0;
    if (current.length > 0 && !spec.noWrap && width + word.width > spec.width - indent + 0.01) {
      lines.push(buildLine(spec, current, false, indent));
      current = [];
      width = 0;
    }
    current.push(word);
    width += word.fullWidth;
    if (word.forcedBreakAfter) {
      lines.push(buildLine(spec, current, true, lines.length === 0 ? spec.indent : 0));
      current = [];
      width = 0;
    }
  }
  if (current.length > 0) lines.push(buildLine(spec, current, true, lines.length === 0 ? spec.indent : 0));
  return lines;
}

/**
 * The paragraph's min-content width (its widest unbreakable word) and max-content width (its widest
 * line when only forced breaks end lines), for table columns sized by content (CSS 2.1 17.5.2.2).
 * The first line's indent counts in both, as in browsers; `spec.width` is not read.
 */
export function intrinsicWidths(fonts: FontLibrary, spec: ParagraphSpec): { min: number; max: number } {
  const key = paragraphKey({ ...spec, width: 0 });
  let widths = widthsCache.get(key);
  if (!widths) {
    widths = measureWidths(fonts, spec);
    widthsCache.set(key, widths);
  }
  return widths;
}

/** A table's cells are measured on every render of it: their widths are kept like their lines. */
const widthsCache = new LruCache<string, { min: number; max: number }>({ maxBytes: LruCache.budgets.intrinsicWidths, sizeOf: (key) => LruCache.weigh.string(key) + 64 });

function measureWidths(fonts: FontLibrary, spec: ParagraphSpec): { min: number; max: number } {
  let min = 0;
  let max = 0;
  let line = spec.indent;
  let first = true;
  for (const word of words(fonts, { ...spec, width: Number.POSITIVE_INFINITY })) {
    min = Math.max(min, word.width + (first ? spec.indent : 0));
    max = Math.max(max, line + word.width);
    line += word.fullWidth;
    first = false;
    if (word.forcedBreakAfter) line = 0;
  }
  return { min, max };
}
