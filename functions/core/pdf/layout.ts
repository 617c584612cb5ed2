import { LetterpressError } from "../errors";
import { type ImageSource, resolveImage, type TemplateAssets } from "../images/image-source";
import type { LocaleInfo } from "../locales";
import { formatCounter } from "../style/counter-styles";
import { borderWidthsOf, type ComputedStyle, type ContentPart, type MarginBoxName, type PageStyle, resolveLength, type StyledDocument } from "../style";
import { stackFallbacks } from "../style/font-faces";
import { FAMILY_NAMES, registryFamilyOf } from "../style/font-families";
import { type FamilyId, faceOf, type FontLibrary, isCjkFamily } from "./font-library";
import { atomicImageRun, checkFitsPage, forMaxContent, checkLinesFitPage, type ImageContent, imageLine, imageSize, lineFigures, placeLineImages } from "./images";
import { type Box, type Inline, inlineText } from "./letter-tree";
import { strutOf } from "./line-box";
import type { Page, PageGeometry, PageItem, PlacedLine, PlacedRule, StructNode } from "./page-model";
import { type Align, intrinsicWidths, keptParagraph, type Line, type ParagraphSpec, type ScriptRules, setKeyedParagraph, setParagraph, type StyledText } from "./paragraph";
import { layoutTable, placeTable, type TableHost, type TableLayout, TableTooWideError, tableHead } from "./table-layout";

/**
 * Break lines and paginate: the box tree, with its computed styles, becomes pages of placed lines
 * and rules. Every size, space, color and rule of the layout is a computed style; this module holds
 * the CSS box model (margins that collapse, borders, padding, widths), fragmentation (break-*,
 * orphans, widows) and the page's margin boxes.
 */

/** Sub-point tolerance for lines that fill a page exactly. */
const EPSILON = 0.01;

/** The most Chromium shrinks a printed page to fit its content: Blink's kPrintingMaximumShrinkFactor. */
const MAXIMUM_SHRINK = 2;

/**
 * How good a place to break a page is, higher is better: CSS Fragmentation 3 §4.4's rules, ranked
 * as Chromium ranks their violations (break_appeal.h), so that both editions relax the same rule
 * when no break keeps them all. `none`: no break point at all.
 */
const APPEAL = { none: -1, lastResort: 0, violatingAvoid: 1, violatingOrphansWidows: 2, perfect: 3 } as const;
type Appeal = (typeof APPEAL)[keyof typeof APPEAL];

/** A place to break: before line `line` of the lines event `event` (0: before the event), or inside a table. */
interface BreakAt {
  event: number;
  line: number;
}

/** A break point pagination may choose, with the boxes it is in: inside `path`'s first `depth` boxes. */
interface BreakCandidate extends BreakAt {
  appeal: Appeal;
  path: readonly Box[];
  depth: number;
}
type Candidate = BreakCandidate;

/** `BreakAt.line` of a break between a table's rows, which the table layout places (placeTable). */
const TABLE_ROWS = -1;

/** The space between an outside list marker and the item's text, in ems: Chromium's marker suffix is a space. */
const MARKER_GAP_EM = 0.5;

export interface LayoutContext {
  fonts: FontLibrary;
  locale: LocaleInfo;
  styled: StyledDocument;
  /** The template's images, which a margin box's `content: url()` names (TemplateSet.assets). */
  images?: TemplateAssets;
}

/**
 * The first family of a font stack that the font registry has: the family the PDF sets the text in
 * (and the HTML edition embeds). A stack without one would be drawn in another face than the browser's: say so.
 */
export function familyOfStack(fontFamily: readonly string[]): FamilyId {
  const family = fontFamily.map(registryFamilyOf).find((f) => f !== undefined);
  if (!family) {
    throw new LetterpressError(
      "TEMPLATE_ERROR",
      `font-family ${fontFamily.map((name) => `"${name}"`).join(", ")}: none of these families is in the font registry (${Object.keys(FAMILY_NAMES).join(", ")})`,
    );
  }
  return family;
}

/** The CJK families a font stack names, in order: where Han goes that the stack's first family lacks (`hanFamilyOf`). */
export function cjkFamiliesOfStack(fontFamily: readonly string[]): FamilyId[] {
  return fontFamily.map(registryFamilyOf).filter((family): family is FamilyId => family !== undefined && isCjkFamily(family));
}

/** What a stack's first registry family and its CJK families make of a paragraph (`stackRulesOf`). */
interface StackRules {
  normal: ScriptRules;
  keepAll: ScriptRules;
  /** Whether the primary family has an italic face: one without sets emphasis upright. */
  italics: boolean;
}

/**
 * A font stack's rules, once per stack (the styles of a letter's shape share theirs, so one memo
 * serves every letter of a merge): per paragraph, reading the stack's names twice cost 2-5% of a
 * warm PDF. A function of the names alone (the font registry is constant); a stack none of whose
 * families is known throws each time and is not kept.
 */
const stackRules = new WeakMap<readonly string[], StackRules>();

function stackRulesOf(fontFamily: readonly string[]): StackRules {
  let rules = stackRules.get(fontFamily);
  if (!rules) {
    const primary = familyOfStack(fontFamily);
    const cjk = cjkFamiliesOfStack(fontFamily);
    const fallbacks = stackFallbacks(fontFamily);
    rules = {
      normal: { primary, keepAll: false, cjk, fallbacks },
      keepAll: { primary, keepAll: true, cjk, fallbacks },
      italics: faceOf(primary, { bold: false, italic: true }) !== faceOf(primary, { bold: false, italic: false }),
    };
    stackRules.set(fontFamily, rules);
  }
  return rules;
}

/** What `Composer.set` reads in place of the style's own value: no copy of the whole style. */
interface SetOverride {
  textAlign?: ComputedStyle["textAlign"];
  whiteSpace?: ComputedStyle["whiteSpace"];
}

/** A list marker is set flush left in either direction, on one line, so that the line's width is the marker's own. */
const MARKER_SETTING: SetOverride = { textAlign: "left", whiteSpace: "nowrap" };
/** A margin box's text measured on one line. */
const MEASURE_SETTING: SetOverride = { textAlign: "start", whiteSpace: "nowrap" };
/** Text set upright and regular (a marker, a line break). */
const UPRIGHT = { bold: false, italic: false } as const;

/**
 * Per page style (the styled document's, which a letter's shape keeps), the margin-box rows already
 * drawn (`Composer.marginBoxItems`), for one font library and one template's images.
 */
const marginBoxRows = new WeakMap<PageStyle, { fonts: FontLibrary; images: TemplateAssets | undefined; rows: Map<string, readonly PageItem[]> }>();
const MARGIN_ROWS_PER_PAGE_STYLE = 64;

/** What a paragraph's spec was made of besides its inlines, and the key its lines were set by (`Composer.setBlockText`). */
interface KnownParagraph {
  style: ComputedStyle;
  width: number;
  dir: "ltr" | "rtl";
  indent: number;
  override: SetOverride | undefined;
  language: string;
  key: string;
}

/**
 * The paragraph keys each block's inlines were last set by, the latest last (`Composer.setBlockText`).
 * By the inlines array, which a letter shape's kept boxes own and its letters share; the lines
 * themselves stay in the font library's cache, under the key. A few per array: one marker's inlines
 * ("•") are set in each list's style, and a single entry was replaced twice a letter.
 */
const paragraphKeys = new WeakMap<readonly Inline[], KnownParagraph[]>();
const KEYS_PER_INLINES = 4;

/** A list marker's text as inlines, one array per text (so `paragraphKeys` knows a marker again). Bounded: a list numbers only so far. */
const markerInlineArrays = new Map<string, readonly Inline[]>();
const MARKER_TEXTS_LIMIT = 256;

function markerInlines(text: string): readonly Inline[] {
  let inlines = markerInlineArrays.get(text);
  if (!inlines) {
    if (markerInlineArrays.size >= MARKER_TEXTS_LIMIT) markerInlineArrays.clear();
    markerInlineArrays.set(text, (inlines = [{ kind: "text", text, style: UPRIGHT }]));
  }
  return inlines;
}

/**
 * The geometry last made for a style in a container (`Composer.geometryOf`): the styles of a letter's
 * shape are every letter's, and their boxes sit in the same containers. Read-only once made.
 */
const geometries = new WeakMap<ComputedStyle, { x: number; width: number; dir: "ltr" | "rtl"; geometry: Geometry }>();

/** The space between two events of the flow, and whether a break there is forced or to be avoided (`Composer.between`). */
interface Between {
  space: number;
  forced: boolean;
  avoid: boolean;
}

/** A block box placed in its containing block: its border box and content box, in points. */
interface Geometry {
  x: number;
  width: number;
  contentX: number;
  contentWidth: number;
  margin: { top: number; bottom: number };
  border: { top: number; right: number; bottom: number; left: number };
  padding: { top: number; bottom: number };
}

interface OpenEvent {
  kind: "open";
  box: Box;
  geometry: Geometry;
}

interface CloseEvent {
  kind: "close";
  box: Box;
  geometry: Geometry;
}

interface LinesEvent {
  kind: "lines";
  lines: Line[];
  x: number;
  node: StructNode;
  style: ComputedStyle;
  /** The outermost box around the lines that avoids breaks inside (break-inside: avoid), if any. */
  keptIn: Box | null;
  marker: { line: Line; x: number; node: StructNode } | null;
  strings: { name: string; value: string }[];
  /** An image's line: the image, where it sits on the line, and its Figure (null for an ornament). */
  image?: { content: ImageContent; width: number; height: number; dx: number; dy: number; node: StructNode | null };
  /** Per line, the Figure of each of its inline images (null for an ornament), made once as the lines flow. */
  figures?: (StructNode | null)[][];
}

/** A table, laid out, that pagination puts on pages row by row. */
interface TableEvent {
  kind: "table";
  table: TableLayout;
  keptIn: Box | null;
}

type FlowEvent = OpenEvent | CloseEvent | LinesEvent | TableEvent;

/** A list item whose marker is still to be placed, and the structure element it is tagged with. */
interface ListMarker {
  item: Box;
  label: StructNode;
}

/** CSS 2 margin collapsing: the largest positive margin plus the most negative one. */
function collapseMargins(margins: readonly number[]): number {
  let positive = 0;
  let negative = 0;
  for (const m of margins) {
    if (m > positive) positive = m;
    if (m < negative) negative = m;
  }
  return positive + negative;
}

function lineHeightFactor(style: ComputedStyle): number {
  return style.lineHeight.factor ?? style.lineHeight.pt! / style.fontSize;
}

function alignOf(textAlign: ComputedStyle["textAlign"], dir: "ltr" | "rtl"): Align {
  switch (textAlign) {
    case "left":
      return dir === "ltr" ? "start" : "end";
    case "right":
      return dir === "ltr" ? "end" : "start";
    default:
      return textAlign;
  }
}

/** The text of a list item's marker, as the PDF draws it (the HTML edition embeds its characters too). */
export function markerText(style: ComputedStyle, ordinal: number): string | null {
  switch (style.listStyleType) {
    case "disc":
      return "•";
    case "circle":
      return "◦";
    case "square":
      return "▪";
    case "decimal":
      return `${ordinal}.`;
    case "none":
      return null;
  }
}

export type MarginBoxPosition = "left" | "center" | "right";

const MARGIN_BOX_POSITIONS: readonly MarginBoxPosition[] = ["left", "center", "right"];

/** A margin box's image (`content: url()`): the checked file, and its size and place within the box. */
export interface MarginBoxImage {
  source: ImageSource;
  /** Points. */
  width: number;
  height: number;
  /** Its side of the box (the box's `text-align`, else the box's own side). */
  align: "left" | "center" | "right";
}

/** A margin box of a row, sized and bounded (`Composer.marginBoxRow`). */
export interface MarginBoxText {
  /** What the box prints: its text, or the start of it that fits, ending in an ellipsis. */
  text: string;
  /** Its width, in points. */
  width: number;
  /** Whether `text` was cut. */
  cut: boolean;
  /** Whether the box is narrower than its text on one line (it wraps, or was cut). */
  squeezed: boolean;
  /** The box's image, when its content is a `url()` (its text is then empty). */
  image?: MarginBoxImage;
}

/** Points in a CSS pixel: an image's intrinsic size is in CSS pixels. */
export const PT_PER_PX = 0.75;

/**
 * The size of a margin box's image in a box `width` wide and `height` high: its intrinsic ratio,
 * as large as fits (as `background-size: contain`) when the stylesheet sizes the box (`grow`),
 * else its intrinsic size, scaled down only to fit.
 */
function imageInBox(image: ImageSource, width: number, height: number, grow: boolean): { width: number; height: number } {
  const [intrinsicWidth, intrinsicHeight] = [image.width * PT_PER_PX, image.height * PT_PER_PX];
  const scale = Math.min(width / intrinsicWidth, height / intrinsicHeight, grow ? Number.POSITIVE_INFINITY : 1);
  return { width: intrinsicWidth * scale, height: intrinsicHeight * scale };
}

const ELLIPSIS = "\u2026";

// One segmenter for every call: making an Intl object loads locale data, which costs more than the cut itself.
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * The longest start of `text` (whole grapheme clusters, trailing spaces dropped) that fits `width`
 * with `ending` after it, as CSS `text-overflow` cuts a line; just the ending when nothing fits.
 */
export function fitToWidth(text: string, ending: string, width: number, measure: (text: string) => number): string {
  const graphemes = [...GRAPHEMES.segment(text)].map((s) => s.segment);
  const candidate = (count: number) => `${graphemes.slice(0, count).join("").trimEnd()}${ending}`;
  let low = 0;
  let high = graphemes.length;
  // Widths grow with the count of graphemes kept: the longest start that fits, by bisection.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (measure(candidate(mid)) <= width) low = mid;
    else high = mid - 1;
  }
  return candidate(low);
}

/** Lays the letter out into pages, then draws each page's margin boxes once the page count is known. */
export class Composer {
  readonly pages: Page[] = [];
  readonly root: StructNode = { type: "Document", children: [] };
  private readonly events: FlowEvent[] = [];
  private readonly pageStrings: Map<string, { first: string; last: string }>[] = [];
  /** The page styles the flow is laid out in: the paper's, or `enlargement` times larger (`shrinkFactor`). */
  private readonly first: PageStyle;
  private readonly other: PageStyle;
  /** The paper's page styles, which the margin boxes are drawn in. */
  private readonly paperFirst: PageStyle;
  private readonly paperOther: PageStyle;
  /** The tables that reach farthest past the page's content box, right and left of its left edge (the first layout's; none once enlarged). */
  private farthestRight: { table: TableLayout; reach: number } | null = null;
  private farthestLeft: { table: TableLayout; reach: number } | null = null;
  /** Where the flow ended (after its last margins), on an unbounded page. */
  private end = 0;
  /** `between`'s answers, by pair of events. */
  private readonly betweens = new Map<number, Between>();

  /**
   * `unbounded`: one endless page, for a table cell's content. `enlargement`: how many times larger
   * than the paper the pages are laid out (set by `layout` itself when content overflows the page).
   */
  constructor(
    private readonly ctx: LayoutContext,
    private readonly unbounded = false,
    private readonly enlargement = 1,
  ) {
    this.paperFirst = ctx.styled.page(true);
    this.paperOther = ctx.styled.page(false);
    this.first = enlargement === 1 ? this.paperFirst : ctx.styled.enlargedPage(true, enlargement);
    this.other = enlargement === 1 ? this.paperOther : ctx.styled.enlargedPage(false, enlargement);
    // Lines are set once, at one width, before they are put on pages.
    if (
      this.first.width !== this.other.width ||
      this.first.height !== this.other.height ||
      this.first.margin.left !== this.other.margin.left ||
      this.first.margin.right !== this.other.margin.right
    ) {
      throw new LetterpressError("TEMPLATE_ERROR", "@page :first may change the top and bottom margins only: the PDF sets every page's lines at one width");
    }
  }

  /** The page size the writer draws on. */
  get geometry(): PageGeometry {
    return { width: this.paperOther.width, height: this.paperOther.height, margin: this.paperOther.margin };
  }

  private pageStyle(index: number): PageStyle {
    return index === 0 ? this.first : this.other;
  }

  /** Lays out the box tree and returns the pages, margin boxes included. */
  layout(root: Box): Page[] {
    this.flowPage(root);
    const factor = this.shrinkFactor();
    if (factor > 1) return this.layoutEnlarged(root, factor);
    this.paginate();
    this.drawMarginBoxes();
    return this.pages;
  }

  /**
   * Flows the letter as `layout` does and refuses it as `layout` would (`shrinkFactor`: a table
   * Chromium prints cut), without paginating or drawing: the HTML edition's check.
   * @throws TableTooWideError
   */
  checkPrintWidth(root: Box): void {
    this.flowPage(root);
    this.shrinkFactor();
  }

  /** The letter's boxes flowed into the page's content box, before pagination. */
  private flowPage(root: Box): void {
    const page = this.other;
    const contentWidth = page.width - page.margin.left - page.margin.right;
    this.flow(root, { x: page.margin.left, width: contentWidth, dir: this.ctx.styled.dirOf(this.ctx.styled.root) }, this.root, null, null);
  }

  /**
   * How many times smaller than laid out Chromium prints the pages: its CalculateOverflowShrinkForPrinting
   * (Blink's pagination_utils.cc), the farthest any content reaches right of the page's content box's
   * left edge over that box's width, at most kPrintingMaximumShrinkFactor (2). Tables are the content
   * here that can be wider than their box. Chromium then lays the document out again on a page that
   * many times larger, margins too (a zoom on the @page style), and draws each page shrunk: line
   * lengths and page breaks change, the page count with them (measured in its print: a 300 px wide
   * block on a 231 px content box, factor 300/231; margin boxes unshrunk). Beyond 2 the content
   * would be printed cut, and Chromium measures overflow on the right only (a right-to-left table
   * reaching past the left edge is cut): both are refused (TableTooWideError), not drawn cut.
   */
  private shrinkFactor(): number {
    const page = this.other;
    const contentWidth = page.width - page.margin.left - page.margin.right;
    const { farthestLeft: left, farthestRight: right } = this;
    if (left) throw new TableTooWideError(left.table.name, left.table.width, contentWidth, "right-to-left");
    if (!right) return 1;
    const factor = right.reach / contentWidth;
    if (factor > MAXIMUM_SHRINK + EPSILON / contentWidth) throw new TableTooWideError(right.table.name, right.reach, contentWidth, "beyond-half-size");
    return Math.min(factor, MAXIMUM_SHRINK);
  }

  /**
   * The letter laid out again on pages `factor` times larger (`shrinkFactor`), each page's flow drawn
   * that many times smaller in the paper's content box, its margin boxes at their own size.
   */
  private layoutEnlarged(root: Box, factor: number): Page[] {
    const enlarged = new Composer(this.ctx, false, factor);
    enlarged.layout(root);
    this.root.children.splice(0, this.root.children.length, ...enlarged.root.children);
    this.pages.push(...enlarged.pages);
    return this.pages;
  }

  /** Notes how far a table reaches past the page's content box on either side (on the first layout of a page-bounded flow). */
  private noteOverflow(table: TableLayout): void {
    if (this.unbounded || this.enlargement !== 1) return;
    const page = this.other;
    const right = table.x + table.width - page.margin.left;
    const left = page.margin.left - table.x;
    if (right > page.width - page.margin.left - page.margin.right + EPSILON && right > (this.farthestRight?.reach ?? 0)) this.farthestRight = { table, reach: right };
    if (left > EPSILON && left > (this.farthestLeft?.reach ?? 0)) this.farthestLeft = { table, reach: left };
  }

  // ---- break lines -------------------------------------------------------------------------

  private rulesOf(style: ComputedStyle): ScriptRules {
    const stack = stackRulesOf(style.fontFamily);
    return style.wordBreak === "keep-all" ? stack.keepAll : stack.normal;
  }

  private set(inlines: readonly Inline[], style: ComputedStyle, width: number, dir: "ltr" | "rtl", indent = 0, override?: SetOverride): Line[] {
    return setParagraph(this.ctx.fonts, this.paragraphSpec(inlines, style, width, dir, indent, override));
  }

  /**
   * A block's text set into lines, as `set` does. A mail merge's letters share the inlines of every
   * paragraph that is the same in both (copyBoxes): such a paragraph, set before with the same
   * style, width, direction, indent and language, is the same spec, so its lines are looked up by
   * the key kept from then, without making its spec and key again (a JSON string of the paragraph,
   * ~3% of a warm PDF with the cache's hashing of it). The lines stay the library cache's own.
   */
  private setBlockText(inlines: readonly Inline[], style: ComputedStyle, width: number, dir: "ltr" | "rtl", indent: number, override?: SetOverride): Line[] {
    const { fonts, locale } = this.ctx;
    let knownKeys = paragraphKeys.get(inlines);
    let known: KnownParagraph | undefined;
    for (const candidate of knownKeys ?? [])
      if (
        candidate.style === style &&
        candidate.width === width &&
        candidate.dir === dir &&
        candidate.indent === indent &&
        candidate.override === override &&
        candidate.language === locale.tag
      )
        known = candidate;
    if (known) {
      const lines = keptParagraph(fonts, known.key);
      if (lines) return lines;
    }
    const { key, lines } = setKeyedParagraph(fonts, this.paragraphSpec(inlines, style, width, dir, indent, override));
    if (!knownKeys) paragraphKeys.set(inlines, (knownKeys = []));
    if (known) known.key = key;
    else {
      if (knownKeys.length === KEYS_PER_INLINES) knownKeys.shift();
      knownKeys.push({ style, width, dir, indent, override, language: locale.tag, key });
    }
    return lines;
  }

  /**
   * What a paragraph's lines depend on (setParagraph, and a table's intrinsic widths). `override`
   * sets it as if the style said so (a marker flush left, a margin box's alignment): a copy of the
   * whole style per paragraph cost a list item's marker 4% of a warm PDF, and made every style read here polymorphic.
   */
  private paragraphSpec(inlines: readonly Inline[], style: ComputedStyle, width: number, dir: "ltr" | "rtl", indent: number, override?: SetOverride): ParagraphSpec {
    const rules = this.rulesOf(style);
    // A family without an italic face sets emphasis upright, fallback characters included.
    const italics = stackRulesOf(style.fontFamily).italics;
    const runs: StyledText[] = inlines.map((inline) =>
      inline.kind === "break"
        ? { text: "\n", style: UPRIGHT }
        : inline.kind === "image"
          ? atomicImageRun(inline.image, inline.style, width)
          : {
              text: inline.text,
              style: { bold: inline.style.bold, italic: italics && inline.style.italic },
              ...(inline.style.lang ? { lang: inline.style.lang } : {}),
              ...(inline.style.isolates ? { isolates: inline.style.isolates } : {}),
              ...(inline.style.metrics ? { metrics: inline.style.metrics } : {}),
            },
    );
    return {
      runs,
      size: style.fontSize,
      color: style.color,
      leading: lineHeightFactor(style),
      width,
      align: alignOf(override?.textAlign ?? style.textAlign, dir),
      dir,
      rules,
      indent,
      noWrap: (override?.whiteSpace ?? style.whiteSpace) === "nowrap",
      letterSpacing: style.letterSpacing,
      hyphens: style.hyphens,
      language: this.ctx.locale.tag,
    };
  }

  /** A box's geometry in its container: a function of its style and the container alone, kept per style (`geometries`). */
  private geometryOf(box: Box, containerX: number, containerWidth: number, containerDir: "ltr" | "rtl"): Geometry {
    const known = geometries.get(box.style);
    if (known && known.x === containerX && known.width === containerWidth && known.dir === containerDir) return known.geometry;
    const geometry = this.placeBox(box, containerX, containerWidth, containerDir);
    geometries.set(box.style, { x: containerX, width: containerWidth, dir: containerDir, geometry });
    return geometry;
  }

  private placeBox(box: Box, containerX: number, containerWidth: number, containerDir: "ltr" | "rtl"): Geometry {
    const s = box.style;
    const r = (v: Parameters<typeof resolveLength>[0]) => resolveLength(v, containerWidth);
    const border = borderWidthsOf(s);
    const padding = { top: r(s.paddingTop), right: r(s.paddingRight), bottom: r(s.paddingBottom), left: r(s.paddingLeft) };
    const marginLeft = r(s.marginLeft);
    const marginRight = r(s.marginRight);
    const extras = border.left + border.right + padding.left + padding.right;
    const toBorderBox = (w: number) => (s.boxSizing === "border-box" ? Math.max(w, extras) : w + extras);
    let width = s.width === "auto" ? containerWidth - marginLeft - marginRight : toBorderBox(r(s.width));
    if (s.maxWidth !== "none") width = Math.min(width, toBorderBox(r(s.maxWidth)));
    // Over-constrained: the box keeps its start margin, in its containing block's direction.
    const x = containerDir === "rtl" ? containerX + containerWidth - marginRight - width : containerX + marginLeft;
    return {
      x,
      width,
      contentX: x + border.left + padding.left,
      contentWidth: width - extras,
      margin: { top: r(s.marginTop), bottom: r(s.marginBottom) },
      border,
      padding: { top: padding.top, bottom: padding.bottom },
    };
  }

  /**
   * Sets a box's lines and records the events pagination reads: the box opening, its lines, its
   * children, the box closing. `marker` is the list item whose marker goes beside the first lines.
   */
  private flow(box: Box, container: { x: number; width: number; dir: "ltr" | "rtl" }, parent: StructNode, keptIn: Box | null, marker: ListMarker | null): void {
    // A block image's width is its own (CSS 2.1 10.3.4), not its container's.
    const blockImage = box.content.kind === "image" && !box.content.inline ? imageSize(box.content, container.width) : null;
    const sized: Box = blockImage ? { ...box, style: { ...box.style, width: { pt: blockImage.width }, maxWidth: "none", boxSizing: "content-box" } } : box;
    const geometry = this.geometryOf(sized, container.x, container.width, container.dir);
    let node = parent;
    if (box.struct) {
      node = { type: box.struct, children: [] };
      parent.children.push(node);
    }
    const keep = keptIn ?? (box.style.breakInside === "avoid" ? box : null);
    if (box.content.kind === "table") {
      this.flowTable(box, container, node, keep);
      return;
    }
    this.events.push({ kind: "open", box, geometry });
    let itemMarker = marker;
    let body = node;
    if (box.style.display === "list-item" && box.ordinal !== undefined) {
      const label: StructNode = { type: "Lbl", children: [] };
      body = { type: "LBody", children: [] };
      node.children.push(label, body);
      itemMarker = { item: box, label };
    }
    if (box.content.kind === "image") {
      this.flowImage(box, box.content, blockImage, geometry, body, keep, itemMarker);
    } else if (box.content.kind === "inline") {
      const indent = resolveLength(box.style.textIndent, geometry.contentWidth);
      const lines = this.setBlockText(box.content.inlines, box.style, geometry.contentWidth, box.dir, indent);
      const strings = box.style.stringSet
        ? [{ name: box.style.stringSet.name, value: box.style.stringSet.value === "text" ? inlineText(box.content.inlines).replace(/\n/g, " ") : box.style.stringSet.value }]
        : [];
      if (lines.length > 0) {
        let target = body;
        if (!box.struct) {
          target = { type: "P", children: [] };
          body.children.push(target);
        }
        const placedMarker = itemMarker ? this.marker(itemMarker, geometry) : null;
        const figures = lineFigures(lines, target);
        if (figures) checkLinesFitPage(lines, Math.min(...[this.first, this.other].map((page) => page.height - page.margin.top - page.margin.bottom)));
        this.events.push({
          kind: "lines",
          lines,
          x: geometry.contentX,
          node: target,
          style: box.style,
          keptIn: keep,
          marker: placedMarker,
          strings,
          ...(figures ? { figures } : {}),
        });
      }
    } else {
      for (const child of box.content.children) {
        this.flow(child, { x: geometry.contentX, width: geometry.contentWidth, dir: box.dir }, body, keep, itemMarker);
        itemMarker = null;
      }
    }
    this.events.push({ kind: "close", box, geometry });
  }

  /** An image's one line: unbreakable, tagged as a Figure with its alt text (an artifact when decorative). */
  private flowImage(
    box: Box,
    image: ImageContent,
    blockSize: { width: number; height: number } | null,
    geometry: Geometry,
    body: StructNode,
    keptIn: Box | null,
    item: ListMarker | null,
  ): void {
    const size = blockSize ?? imageSize(image, geometry.contentWidth);
    const indent = resolveLength(box.style.textIndent, geometry.contentWidth);
    const strut = strutOf(this.ctx.fonts, this.rulesOf(box.style).primary, box.style.fontSize, box.style.fontSize * lineHeightFactor(box.style));
    const { line, dx, dy } = imageLine(image, size, { style: box.style, dir: box.dir, contentWidth: geometry.contentWidth, indent, strut });
    checkFitsPage(image, line.height, Math.min(...[this.first, this.other].map((page) => page.height - page.margin.top - page.margin.bottom)));
    let node: StructNode | null = null;
    if (!image.decorative) {
      node = { type: "Figure", children: [], alt: image.alt };
      body.children.push(node);
    }
    const marker = item ? this.marker(item, geometry) : null;
    // A list marker sits on its item's first baseline: an image line's is the image's bottom.
    const shift = marker ? line.ascent - marker.line.ascent : 0;
    if (marker && shift > 0) marker.line = { ...marker.line, ascent: marker.line.ascent + shift, height: marker.line.height + shift };
    const placed = { content: image, ...size, dx, dy, node };
    this.events.push({ kind: "lines", lines: [line], x: geometry.contentX, node: body, style: box.style, keptIn, marker, strings: [], image: placed });
  }

  /**
   * A table: its box opens and closes like a block's (margins, breaks) with its borders, padding
   * and background left to the table layout, which sets every cell (table-layout.ts); a caption
   * flows as a block of the table's width above or below it.
   */
  private flowTable(box: Box, container: { x: number; width: number; dir: "ltr" | "rtl" }, node: StructNode, keep: Box | null): void {
    const s = box.style;
    const r = (v: Parameters<typeof resolveLength>[0]) => resolveLength(v, container.width);
    const none = { top: 0, bottom: 0 };
    const geometry: Geometry = {
      x: container.x,
      width: container.width,
      contentX: container.x,
      contentWidth: container.width,
      margin: { top: r(s.marginTop), bottom: r(s.marginBottom) },
      border: { ...none, left: 0, right: 0 },
      padding: none,
    };
    const frame: Box = { ...box, style: { ...s, backgroundColor: null } };
    this.events.push({ kind: "open", box: frame, geometry });
    const table = layoutTable(box, container, node, this.tableHost());
    this.noteOverflow(table);
    const caption = box.content.kind === "table" ? box.content.table.caption : null;
    const flowCaption = () => {
      if (!caption) return;
      this.flow(caption, { x: table.x, width: table.width, dir: box.dir }, node, keep, null);
      // The caption's structure element comes first in the table's, wherever it is drawn.
      node.children.unshift(node.children.pop()!);
    };
    // caption-side is the caption's own property (CSS 2.1 17.4.1).
    const side = caption?.style.captionSide ?? "top";
    if (side === "top") flowCaption();
    this.events.push({ kind: "table", table, keptIn: keep });
    if (side === "bottom") flowCaption();
    this.events.push({ kind: "close", box: frame, geometry });
  }

  /** What the table layout asks of the block layout: intrinsic widths of lines, and a cell's content laid out on its own. */
  private tableHost(): TableHost {
    return {
      inlineWidths: (box) => {
        if (box.content.kind !== "inline") return { min: 0, max: 0 };
        const widthsOf = (inlines: readonly Inline[]) =>
          intrinsicWidths(this.ctx.fonts, this.paragraphSpec(inlines, box.style, 0, box.dir, resolveLength(box.style.textIndent, 0)));
        const { inlines } = box.content;
        const widths = widthsOf(inlines);
        // A percentage-sized image counts as nothing in the min-content width, as its own size in the max-content one (forMaxContent).
        if (!inlines.some((inline) => inline.kind === "image" && forMaxContent(inline.image) !== inline.image)) return widths;
        const maxContent = inlines.map((inline) => (inline.kind === "image" ? { ...inline, image: forMaxContent(inline.image) } : inline));
        return { min: widths.min, max: widthsOf(maxContent).max };
      },
      layoutContent: (box, x, width, row) => {
        // The cell's own border, padding and background are the table's to draw; its content flows inside.
        const content: Box = {
          ...box,
          struct: box.struct === "TH" ? "TH" : "TD",
          style: {
            ...box.style,
            display: "block",
            width: "auto",
            maxWidth: "none",
            backgroundColor: null,
            ...Object.fromEntries(
              ["Top", "Right", "Bottom", "Left"].flatMap((side) => [
                [`margin${side}`, { pt: 0 }],
                [`padding${side}`, { pt: 0 }],
                [`border${side}Style`, "none"],
              ]),
            ),
          },
        };
        const cell = new Composer(this.ctx, true, this.enlargement);
        cell.flow(content, { x, width, dir: box.dir }, row, null, null);
        cell.paginate();
        const node = row.children[row.children.length - 1]!;
        if (box.scope) node.scope = box.scope;
        const items = cell.pages[0]?.items ?? [];
        const first = items.find((item): item is PlacedLine => item.kind === "line");
        // Where a page may break inside the content: before a paragraph, or between its lines with
        // at least `orphans` before and `widows` after (the content's items are its events' lines, in order).
        const breaks: number[] = [];
        const placed = items.filter((item) => item.kind !== "rule");
        let at = 0;
        for (const event of cell.events) {
          if (event.kind !== "lines") continue;
          if (event.marker) at++;
          const lines = placed.slice(at, at + event.lines.length);
          at += event.lines.length;
          if (lines.length === 0) continue;
          breaks.push(lines[0]!.y);
          const { orphans, widows } = event.style;
          for (let i = orphans; i <= lines.length - widows; i++) if (i > 0 && i < lines.length) breaks.push(lines[i]!.y);
        }
        const lead = cell.events.find((event): event is LinesEvent => event.kind === "lines");
        const firstBreak = first && lead ? first.y + lead.lines.slice(0, lead.style.orphans).reduce((sum, line) => sum + line.height, 0) : null;
        return { items, height: cell.end, baseline: first ? first.y + first.line.ascent : null, firstBreak, breaks };
      },
    };
  }

  /** An outside list marker, set in the item's style and placed just before its content's start. */
  private marker({ item, label }: ListMarker, content: Geometry): LinesEvent["marker"] {
    const text = markerText(item.style, item.ordinal ?? 1);
    if (text === null) return null;
    // Set flush left in either direction, so that the line's width is the marker's own.
    const [line] = this.setBlockText(markerInlines(text), item.style, content.contentWidth, item.dir, 0, MARKER_SETTING);
    if (!line) return null;
    // Browsers put the marker's box (its text and a space) against the content's start edge.
    const gap = item.style.fontSize * MARKER_GAP_EM;
    const x = item.dir === "rtl" ? content.contentX + content.contentWidth + gap : content.contentX - line.width - gap;
    return { line, x, node: label };
  }

  // ---- paginate ----------------------------------------------------------------------------

  private top(page: number): number {
    return this.unbounded ? 0 : this.pageStyle(page).margin.top;
  }

  private bottom(page: number): number {
    if (this.unbounded) return Number.POSITIVE_INFINITY;
    const style = this.pageStyle(page);
    return style.height - style.margin.bottom;
  }

  /**
   * Space between the end of event `from` and the first line of the lines event `to`, and what
   * forces a break in it. Once per pair of events: choosing a page's break asks it of every pair it
   * passes, twice (chooseBreak, classA), and the events are fixed once the flow is laid out.
   */
  private between(from: number, to: number): Between {
    const key = from * (this.events.length + 1) + to;
    let known = this.betweens.get(key);
    if (!known) this.betweens.set(key, (known = this.measureBetween(from, to)));
    return known;
  }

  private measureBetween(from: number, to: number): Between {
    let space = 0;
    let margins: number[] = [];
    let forced = false;
    let avoid = false;
    for (let i = from + 1; i < to; i++) {
      const event = this.events[i]!;
      if (event.kind === "lines" || event.kind === "table") break;
      const { geometry, box } = event;
      if (event.kind === "close") {
        const fixed = geometry.padding.bottom + geometry.border.bottom;
        if (fixed > 0) {
          space += collapseMargins(margins) + fixed;
          margins = [];
        }
        margins.push(geometry.margin.bottom);
        if (box.style.breakAfter === "page") forced = true;
        if (box.style.breakAfter === "avoid") avoid = true;
      } else {
        margins.push(geometry.margin.top);
        const fixed = geometry.padding.top + geometry.border.top;
        if (fixed > 0) {
          space += collapseMargins(margins) + fixed;
          margins = [];
        }
        if (box.style.breakBefore === "page") forced = true;
        if (box.style.breakBefore === "avoid") avoid = true;
      }
    }
    return { space: space + collapseMargins(margins), forced, avoid };
  }

  /**
   * The bottom padding and borders of the boxes that close right after event `k`, with the margins
   * between them (inside a padding, not truncated at a break): what must fit below its last line.
   */
  private closingEdge(k: number): number {
    let space = 0;
    let margins: number[] = [];
    for (let i = k + 1; i < this.events.length; i++) {
      const event = this.events[i]!;
      if (event.kind !== "close") break;
      const fixed = event.geometry.padding.bottom + event.geometry.border.bottom;
      if (fixed > 0) {
        space += collapseMargins(margins) + fixed;
        margins = [];
      }
      margins.push(event.geometry.margin.bottom);
    }
    return space;
  }

  private nextLines(from: number): number {
    for (let i = from + 1; i < this.events.length; i++) if (this.events[i]!.kind === "lines" || this.events[i]!.kind === "table") return i;
    return -1;
  }

  private previousLines(from: number): number {
    for (let i = from - 1; i >= 0; i--) if (this.events[i]!.kind === "lines" || this.events[i]!.kind === "table") return i;
    return -1;
  }

  /**
   * The appeal of a break between the lines (or table) events `at` and `next` (a class A break point,
   * CSS Fragmentation 3 §4.4 rule 1): lower where break-after or break-before: avoid meet there.
   * Rule 2 (break-inside: avoid) lowers it where it is weighed against breaks outside that box.
   */
  private appealBetween(at: number, next: number): Appeal {
    return this.between(at, next).avoid ? APPEAL.violatingAvoid : APPEAL.perfect;
  }

  /**
   * The best place to break between two of a block's `count` lines when they all fit (class B,
   * §4.4 rule 3), as Chromium weighs it (block_layout_algorithm.cc, UpdateEarlyBreakBetweenLines):
   * as late as leaves `widows` lines after it and `orphans` before; where the block is too short for
   * both, before its last line, with lower appeal.
   */
  private breakBetweenLines(count: number, style: ComputedStyle): { line: number; appeal: Appeal } {
    const line = Math.max(count - style.widows, Math.min(count - 1, style.orphans));
    if (line >= style.orphans && count - line >= style.widows) return { line, appeal: APPEAL.perfect };
    return { line: count - 1, appeal: APPEAL.violatingOrphansWidows };
  }

  /** The boxes open around each lines or table event, outermost first, the event's own block last. */
  private ancestorsOfEvents(): (readonly Box[])[] {
    const open: Box[] = [];
    return this.events.map((event) => {
      if (event.kind === "open") open.push(event.box);
      else if (event.kind === "close") open.pop();
      return [...open];
    });
  }

  /**
   * Where this page breaks: the flow from event `e`'s line `from` (whose top is at `y`, on page
   * `pageIndex`) is followed to where it first runs over the page, collecting every break point
   * on the way, and the break is chosen among them as CSS Fragmentation 3 §4.4 relaxes its rules
   * and as Chromium (LayoutNG) weighs them, so that both editions break alike: from the innermost
   * box out, a box keeps the break found inside its child unless breaking before that child, or
   * at the best earlier break inside the box (highest appeal, then latest), is more appealing; an
   * earlier break taken that way counts as perfect further out, as Chromium lays the box out again
   * with it. Null when nothing runs over the page (the flow ends, or a forced break comes first).
   */
  private chooseBreak(e: number, from: number, y: number, pageIndex: number, paths: readonly (readonly Box[])[], pageStart = this.top(pageIndex)): BreakAt | null {
    const bottom = this.bottom(pageIndex) + EPSILON;
    const candidates: Candidate[] = [];
    // The break before the first event counts unless it is where the page's content starts: a break there makes no progress.
    if (from === 0 && y > pageStart + EPSILON) {
      const previous = this.previousLines(e);
      if (previous !== -1) candidates.push(this.classA(previous, e, paths));
    }
    let overflow: Candidate | null = null;
    for (let k = e, start = from; overflow === null; ) {
      const event = this.events[k] as LinesEvent | TableEvent;
      const path = paths[k]!;
      if (event.kind === "table") {
        // A table breaks between its rows (placeTable) once its first row is on the page.
        const whole = tableHead(event.table, true);
        if (y + whole > bottom) {
          const inside = y + tableHead(event.table, false, this.bottom(pageIndex + 1) - this.top(pageIndex + 1)) <= bottom;
          overflow = { event: k, line: inside ? TABLE_ROWS : 0, appeal: inside ? APPEAL.perfect : APPEAL.none, path, depth: path.length };
          break;
        }
        y += whole;
      } else {
        const { lines, style } = event;
        let fit = start;
        while (fit < lines.length && y + lines[fit]!.height <= bottom) y += lines[fit++]!.height;
        // The bottom padding and borders of the boxes the lines end must fit below the last line too:
        // where they do not, the page runs over before that line (Chromium breaks inside the box, or
        // before it where it avoids breaks inside: the translation notice on 8in x 1.5in paper).
        if (fit === lines.length && fit > start && y + this.closingEdge(k) > bottom) y -= lines[--fit]!.height;
        if (fit < lines.length) {
          // Lines run over the page. Chromium breaks after `orphans` of them or more (after a break
          // before them too, as many as `widows`), leaving `widows` for the next page where the block
          // is long enough and breaking after `orphans` where it is not, and counts either as good
          // as any (FinalizeForFragmentation); fewer than `orphans` violate rule 3.
          const here = fit - start;
          const minimum = start === 0 ? style.orphans : Math.max(style.orphans, style.widows);
          const count = lines.length - start;
          let line = fit;
          let appeal: Appeal = here === 0 ? APPEAL.none : APPEAL.violatingOrphansWidows;
          if (here >= minimum) {
            appeal = APPEAL.perfect;
            if (count - here < style.widows) line = start + Math.max(count - style.widows, Math.min(count, style.orphans));
          }
          overflow = { event: k, line, appeal, path, depth: path.length };
          break;
        }
        if (lines.length - start >= 2) {
          const between = this.breakBetweenLines(lines.length - start, style);
          candidates.push({ event: k, line: start + between.line, appeal: between.appeal, path, depth: path.length });
        }
      }
      const next = this.nextLines(k);
      if (next === -1) return null;
      const between = this.between(k, next);
      if (between.forced) return null;
      candidates.push(this.classA(k, next, paths));
      y += between.space;
      k = next;
      start = 0;
    }
    return this.resolveBreak(overflow!, candidates);
  }

  /** The class A break point between events `at` and `next`: inside every box open across it. */
  private classA(at: number, next: number, paths: readonly (readonly Box[])[]): Candidate {
    const before = paths[at]!;
    const path = paths[next]!;
    let depth = 0;
    while (depth < before.length && depth < path.length && before[depth] === path[depth]) depth++;
    return { event: next, line: 0, appeal: this.appealBetween(at, next), path, depth };
  }

  /** Chromium's choice of break, from the box that holds where the page runs over out to the root (see chooseBreak). */
  private resolveBreak(overflow: Candidate, candidates: readonly Candidate[]): BreakAt {
    const avoidsInside = (box: Box) => box.style.breakInside === "avoid";
    let chosen: BreakAt = overflow;
    let appeal: Appeal = overflow.appeal;
    const path = overflow.path;
    for (let level = overflow.depth - 2; level >= 0; level--) {
      const box = path[level]!;
      const child = path[level + 1]!;
      // Rule 2: a break inside a child that avoids breaks inside is worse, seen from outside it.
      if (avoidsInside(child)) appeal = Math.min(appeal, APPEAL.violatingAvoid) as Appeal;
      const before = candidates.find((c) => c.depth === level + 1 && c.path[level] === box && c.path[level + 1] === child);
      const beforeAppeal: Appeal = before ? before.appeal : APPEAL.lastResort;
      let earlier: { at: Candidate; appeal: Appeal } | null = null;
      for (const c of candidates) {
        if (c.depth < level + 1 || c.path[level] !== box || c.path[level + 1] === child) continue;
        let effective = c.appeal;
        for (let d = level + 1; d < c.depth; d++) if (avoidsInside(c.path[d]!)) effective = Math.min(effective, APPEAL.violatingAvoid) as Appeal;
        if (earlier === null || effective >= earlier.appeal) earlier = { at: c, appeal: effective };
      }
      const earlierAppeal = earlier?.appeal ?? APPEAL.none;
      if (appeal >= beforeAppeal && appeal >= earlierAppeal) continue;
      if (earlier !== null && earlierAppeal > beforeAppeal) {
        chosen = earlier.at;
        appeal = APPEAL.perfect;
      } else if (before) {
        chosen = before;
        appeal = beforeAppeal;
      }
    }
    return { event: chosen.event, line: chosen.line };
  }

  private heightOf(lines: readonly Line[], from = 0, to = lines.length): number {
    let h = 0;
    for (let i = from; i < to; i++) h += lines[i]!.height;
    return h;
  }

  private paginate(): void {
    let pageIndex = 0;
    let page = this.newPage();
    let y = this.top(0);
    // Margins at the top of a page that follows a break are truncated, as in browsers.
    let truncate = false;
    let margins: number[] = [];
    let forceBreak = false;
    // Where the current page is to break, chosen when the page's flow is first looked at (undefined:
    // not yet; null: nothing runs over this page).
    let target: BreakAt | null | undefined;
    const paths = this.ancestorsOfEvents();
    interface Fragment {
      geometry: Geometry;
      box: Box;
      top: number | null;
      background: PlacedRule | null;
      first: boolean;
      /** Whether no content of the box has been placed yet: a break before its first line moves it whole. */
      empty: boolean;
      /** Where the page's items drawn for the box (background, top border) begin. */
      itemsFrom: number;
    }
    const open: Fragment[] = [];
    // Where the current page's content starts: its top, or below the top edges of the boxes a break moved to it.
    let pageStart = this.top(0);

    const settle = () => {
      // Pending margins collapse into one space; boxes waiting for their top edge get it here.
      y += truncate ? 0 : collapseMargins(margins);
      margins = [];
      truncate = false;
      for (const fragment of open) {
        if (fragment.top !== null) continue;
        fragment.itemsFrom = page.items.length;
        this.startFragment(fragment, page, y);
      }
    };
    const closeFragment = (fragment: Fragment, bottom: number, last: boolean) => {
      this.endFragment(fragment as Required<Fragment> & { top: number }, page, bottom, last);
    };
    const breakPage = () => {
      for (const fragment of open) if (fragment.top !== null) closeFragment(fragment, this.bottom(pageIndex), false);
      page = this.newPage();
      pageIndex++;
      y = this.top(pageIndex);
      pageStart = y;
      truncate = true;
      margins = [];
      forceBreak = false;
      target = undefined;
      // Boxes split by the break continue at the new page's top, without their top border or padding.
      for (const fragment of open) {
        fragment.first = false;
        fragment.top = null;
        fragment.background = null;
      }
      for (const fragment of open) this.startFragment(fragment, page, y);
    };
    /**
     * A break before the first line of a box that holds nothing yet is a break before the box (CSS
     * Fragmentation 3 §4.4: the top edge of a box goes with its first content): the boxes opened
     * since the last content leave this page, drawings and all, and open on the next with their top
     * border and padding, as Chromium moves them. Their top margins adjoin the break and are
     * truncated; margins inside their padding stay. Without this, a bordered box (the translation
     * notice) left its top edge at the foot of one page and began the next 6.75pt higher than
     * Chromium's, on paper short enough for the difference to move a paragraph across a page.
     */
    const breakBeforeContent = (): boolean => {
      const moving = open.filter((fragment) => fragment.empty && fragment.top !== null);
      if (moving.length === 0) {
        breakPage();
        return false;
      }
      page.items.splice(moving[0]!.itemsFrom);
      const inside = moving.some((fragment) => fragment.geometry.border.top + fragment.geometry.padding.top > 0) ? margins : [];
      for (const fragment of moving) fragment.top = null;
      breakPage();
      for (const fragment of moving) {
        fragment.first = true;
        fragment.itemsFrom = page.items.length;
        this.startFragment(fragment, page, y);
        y += fragment.geometry.border.top + fragment.geometry.padding.top;
      }
      pageStart = y;
      margins = inside;
      truncate = inside.length === 0;
      return true;
    };

    for (let e = 0; e < this.events.length; e++) {
      const event = this.events[e]!;
      if (event.kind === "open") {
        if (event.box.style.breakBefore === "page" && y > this.top(pageIndex) + EPSILON && !this.unbounded) forceBreak = true;
        margins.push(event.geometry.margin.top);
        const fragment: Fragment = { geometry: event.geometry, box: event.box, top: null, background: null, first: true, empty: true, itemsFrom: 0 };
        open.push(fragment);
        const fixed = event.geometry.border.top + event.geometry.padding.top;
        if (fixed > 0) {
          if (forceBreak) breakPage();
          settle();
          y += fixed;
        }
        continue;
      }
      if (event.kind === "close") {
        const fixed = event.geometry.border.bottom + event.geometry.padding.bottom;
        if (fixed > 0) {
          settle();
          y += fixed;
        }
        const fragment = open.pop()!;
        if (fragment.top !== null) closeFragment(fragment, y, true);
        margins.push(event.geometry.margin.bottom);
        if (event.box.style.breakAfter === "page" && !this.unbounded) forceBreak = true;
        continue;
      }
      if (forceBreak) breakPage();
      // A break chosen before this event that did not happen (a table placed its rows otherwise) is chosen again.
      if (target && target.event < e) target = undefined;
      if (target === undefined) target = this.unbounded ? null : this.chooseBreak(e, 0, y + (truncate ? 0 : collapseMargins(margins)), pageIndex, paths);
      if (target && target.event === e && target.line === 0 && y > pageStart + EPSILON) {
        breakBeforeContent();
        target = this.chooseBreak(e, 0, y + (truncate ? 0 : collapseMargins(margins)), pageIndex, paths, pageStart);
      }
      settle();
      if (event.kind === "table") {
        const pageBottom = (index: number) => this.bottom(index);
        const pageTop = (index: number) => this.top(index);
        placeTable(event.table, {
          get y() {
            return y;
          },
          set y(value) {
            y = value;
          },
          get page() {
            return page;
          },
          get bottom() {
            return pageBottom(pageIndex);
          },
          get freshHeight() {
            return pageBottom(pageIndex + 1) - pageTop(pageIndex + 1);
          },
          breakPage: () => {
            breakPage();
            truncate = false;
          },
        });
        for (const fragment of open) fragment.empty = false;
        continue;
      }
      const { lines } = event;
      if (event.marker) page.items.push({ kind: "line", x: event.marker.x, y, line: event.marker.line, node: event.marker.node });
      this.recordStrings(pageIndex, event.strings);
      let i = 0;
      while (i < lines.length) {
        const remaining = lines.length - i;
        let fit = 0;
        let h = 0;
        while (fit < remaining && y + h + lines[i + fit]!.height <= this.bottom(pageIndex) + EPSILON) h += lines[i + fit++]!.height;
        // The chosen break, when it is in these lines (the lines that fit bound it, whatever happens).
        if (target && target.event === e) fit = Math.min(fit, target.line - i);
        if (fit === 0 && y <= pageStart + EPSILON) fit = Math.max(1, Math.min(remaining, fit));
        for (let j = 0; j < fit; j++) {
          const line = lines[i + j]!;
          const { image } = event;
          page.items.push(
            image
              ? { kind: "image", x: event.x + image.dx, y: y + image.dy, width: image.width, height: image.height, source: image.content.source, node: image.node }
              : { kind: "line", x: event.x, y, line, node: event.node, ...(line.images && event.figures ? { figures: event.figures[i + j] } : {}) },
          );
          if (line.images) page.items.push(...placeLineImages(line, event.x, y, event.figures?.[i + j] ?? []));
          y += line.height;
        }
        if (fit > 0) for (const fragment of open) fragment.empty = false;
        i += fit;
        if (i < lines.length) {
          // After a line of its own, no box is empty: this is a plain break.
          const moved = breakBeforeContent();
          truncate = false;
          target = this.chooseBreak(e, i, y + collapseMargins(margins), pageIndex, paths, pageStart);
          settle();
          // The list marker went with the boxes' drawings: it is drawn beside the first line, now on this page.
          if (moved && event.marker) page.items.push({ kind: "line", x: event.marker.x, y, line: event.marker.line, node: event.marker.node });
        }
      }
    }
    this.end = y + (truncate ? 0 : collapseMargins(margins));
  }

  private startFragment(fragment: { geometry: Geometry; box: Box; top: number | null; background: PlacedRule | null; first: boolean }, page: Page, y: number): void {
    fragment.top = y;
    const color = fragment.box.style.backgroundColor;
    if (color) {
      fragment.background = { kind: "rule", x: fragment.geometry.x, y, width: fragment.geometry.width, height: 0, color };
      page.items.push(fragment.background);
    }
    const { border } = fragment.geometry;
    if (fragment.first && border.top > 0) {
      page.items.push({ kind: "rule", x: fragment.geometry.x, y, width: fragment.geometry.width, height: border.top, color: fragment.box.style.borderTopColor });
    }
  }

  private endFragment(fragment: { geometry: Geometry; box: Box; top: number; background: PlacedRule | null; first: boolean }, page: Page, bottom: number, last: boolean): void {
    const { geometry, box, top } = fragment;
    const height = bottom - top;
    if (fragment.background) fragment.background.height = height;
    const { border } = geometry;
    const s = box.style;
    if (last && border.bottom > 0)
      page.items.push({ kind: "rule", x: geometry.x, y: bottom - border.bottom, width: geometry.width, height: border.bottom, color: s.borderBottomColor });
    if (border.left > 0) page.items.push({ kind: "rule", x: geometry.x, y: top, width: border.left, height, color: s.borderLeftColor });
    if (border.right > 0) page.items.push({ kind: "rule", x: geometry.x + geometry.width - border.right, y: top, width: border.right, height, color: s.borderRightColor });
  }

  private newPage(): Page {
    const page: Page = { items: [] };
    this.pages.push(page);
    this.pageStrings.push(new Map());
    return page;
  }

  private recordStrings(pageIndex: number, strings: readonly { name: string; value: string }[]): void {
    const map = this.pageStrings[pageIndex]!;
    for (const { name, value } of strings) {
      const entry = map.get(name);
      if (entry) entry.last = value;
      else map.set(name, { first: value, last: value });
    }
  }

  // ---- margin boxes ------------------------------------------------------------------------

  /** A running string's value on a page: its first setting there, else the last one before (string(name, first)). */
  private stringOn(pageIndex: number, name: string): string {
    const here = this.pageStrings[pageIndex]!.get(name);
    if (here) return here.first;
    for (let p = pageIndex - 1; p >= 0; p--) {
      const before = this.pageStrings[p]!.get(name);
      if (before) return before.last;
    }
    return "";
  }

  private contentText(parts: readonly ContentPart[], pageIndex: number): string {
    return parts
      .map((part) =>
        part.kind === "text"
          ? part.text
          : part.kind === "counter"
            ? formatCounter(part.name === "page" ? pageIndex + 1 : this.pages.length, part.style)
            : part.kind === "string"
              ? this.stringOn(pageIndex, part.name)
              : "",
      )
      .join("");
  }

  /**
   * A margin box's text before the letter is laid out, for the HTML edition's sizing of its margin
   * boxes (`marginBoxCuts`): page counters as on the first of one page (our faces' figures are
   * tabular, so as wide as on any page of a letter of fewer than ten), running strings empty.
   */
  marginBoxTextBeforeLayout(parts: readonly ContentPart[]): string {
    return parts.map((part) => (part.kind === "text" ? part.text : part.kind === "counter" ? formatCounter(1, part.style) : "")).join("");
  }

  /**
   * The image a margin box shows (`content: url("assets/logo.svg")`), checked as an `<img>`'s file
   * is (a file of the template's assets, within the limits, no remote address); null for a box of text.
   *
   * @throws LetterpressError TEMPLATE_ERROR naming the file, or the margin box for an address that names none
   */
  marginBoxImageOf(name: MarginBoxName, content: readonly ContentPart[]): ImageSource | null {
    const part = content[0];
    if (part?.kind !== "image") return null;
    return resolveImage(part.src, this.ctx.images, `@page @${name} content: url("${part.src.slice(0, 80)}")`);
  }

  private drawMarginBoxes(): void {
    const dir = this.ctx.styled.dirOf(this.ctx.styled.root);
    this.pages.forEach((page, index) => {
      // Drawn on the paper whatever the flow's enlargement: Chromium's @page zoom cancels it for them.
      const style = index === 0 ? this.paperFirst : this.paperOther;
      if (this.enlargement !== 1) {
        const laid = this.pageStyle(index);
        const scale = 1 / this.enlargement;
        // The content box's corner on the paper is the laid-out one's, shrunk: Chromium draws the page's area from its margin.
        const frame = { scale, dx: style.margin.left - laid.margin.left * scale, dy: style.margin.top - laid.margin.top * scale };
        page.shrunk = { frame, marginBoxesFrom: page.items.length };
      }
      for (const edge of ["top", "bottom"] as const) {
        const texts = new Map<MarginBoxPosition, string>();
        for (const position of MARGIN_BOX_POSITIONS) {
          const box = style.boxes[`${edge}-${position}` as MarginBoxName];
          if (box) texts.set(position, this.contentText(box.content, index));
        }
        if (texts.size === 0) continue;
        // Copies: a page's items are its own, the memo's are every letter's.
        for (const item of this.marginBoxItems(style, edge, texts, dir)) page.items.push({ ...item });
      }
    });
  }

  /**
   * The items a row of margin boxes draws, given the text each prints, once per page style, row,
   * texts, direction, language, font library and images: every letter of a merge prints the same
   * page labels, and sizing, cutting and setting them again per page cost ~5% of a warm PDF.
   * Bounded: past MARGIN_ROWS_PER_PAGE_STYLE a page style's rows are forgotten and made again.
   */
  private marginBoxItems(style: PageStyle, edge: "top" | "bottom", texts: ReadonlyMap<MarginBoxPosition, string>, dir: "ltr" | "rtl"): readonly PageItem[] {
    const { fonts, images, locale } = this.ctx;
    let memo = marginBoxRows.get(style);
    if (!memo || memo.fonts !== fonts || memo.images !== images) marginBoxRows.set(style, (memo = { fonts, images, rows: new Map() }));
    let key = `${edge}\u0000${dir}\u0000${locale.tag}`;
    for (const [position, text] of texts) key += `\u0000${position}\u0000${text}`;
    let items = memo.rows.get(key);
    if (!items) {
      items = this.drawMarginBoxRow(style, edge, texts, dir);
      if (memo.rows.size >= MARGIN_ROWS_PER_PAGE_STYLE) memo.rows.clear();
      memo.rows.set(key, items);
    }
    return items;
  }

  /** The items of one row of margin boxes: its images, and its texts' lines centred vertically in the margin. */
  private drawMarginBoxRow(style: PageStyle, edge: "top" | "bottom", texts: ReadonlyMap<MarginBoxPosition, string>, dir: "ltr" | "rtl"): PageItem[] {
    const items: PageItem[] = [];
    const left = style.margin.left;
    const width = style.width - style.margin.left - style.margin.right;
    // Margin boxes centre their content vertically in the margin, as CSS Paged Media's defaults do.
    const area = edge === "top" ? { top: 0, height: style.margin.top } : { top: style.height - style.margin.bottom, height: style.margin.bottom };
    for (const [position, { text, width: boxWidth, image }] of this.marginBoxRow(style, edge, texts)) {
      const box = style.boxes[`${edge}-${position}` as MarginBoxName]!;
      const x = position === "left" ? left : position === "right" ? left + width - boxWidth : left + (width - boxWidth) / 2;
      if (image) {
        const offset = image.align === "left" ? 0 : image.align === "right" ? boxWidth - image.width : (boxWidth - image.width) / 2;
        // A running logo is the page's decoration: an artifact (node null: /Artifact of type Pagination), no Figure.
        items.push({
          kind: "image",
          x: x + offset,
          y: area.top + (area.height - image.height) / 2,
          width: image.width,
          height: image.height,
          source: image.source,
          node: null,
        });
        continue;
      }
      // A margin box aligns its text to its own side unless the stylesheet says otherwise.
      const textAlign = box.style.textAlign === "start" ? (position === "center" ? "center" : position) : box.style.textAlign;
      const lines = this.set(this.textInlines(text, box.style), box.style, boxWidth, dir, 0, { textAlign });
      let y = area.top + (area.height - this.heightOf(lines)) / 2;
      for (const line of lines) {
        items.push({ kind: "line", x, y, line, node: null });
        y += line.height;
      }
    }
    return items;
  }

  /**
   * The boxes of one row of a page's margin (`edge`), given the text each prints: each box's width
   * (`marginBoxWidths`) and its text, cut to that width where the stylesheet bounds the box to one
   * line (`white-space: nowrap; overflow: hidden`), ending in an ellipsis with `text-overflow:
   * ellipsis`. Every other box is bounded to its margin area too (CSS Paged Media 3 §5.3: a top or
   * bottom box is as tall as the page margin): text that, wrapped to the box's width, would be taller
   * than the margin is cut to one line ending in an ellipsis, whatever the stylesheet says, so that
   * nothing a box prints can run over the body, off the page, or push another box's text (the page
   * label) away. `cut` says which texts were cut, `squeezed` which boxes are narrower than their text
   * on one line. The HTML edition asks the same question of the same
   * page style (`marginBoxCuts`).
   */
  marginBoxRow(style: PageStyle, edge: "top" | "bottom", texts: ReadonlyMap<MarginBoxPosition, string>): Map<MarginBoxPosition, MarginBoxText> {
    const dir = this.ctx.styled.dirOf(this.ctx.styled.root);
    const width = style.width - style.margin.left - style.margin.right;
    const boxOf = (position: MarginBoxPosition) => style.boxes[`${edge}-${position}` as MarginBoxName]!;
    const measure = (text: string, boxStyle: ComputedStyle) =>
      Math.max(0, ...this.set(this.textInlines(text, boxStyle), boxStyle, width, dir, 0, MEASURE_SETTING).map((l) => l.width));
    const areaHeight = style.margin[edge];
    // An image's box: its image bounded by the box's height (at most the margin's) and by the row.
    const images = new Map(
      [...texts.keys()].flatMap((position) => {
        const { style: boxStyle, content } = boxOf(position);
        if (boxStyle.height !== "auto" && content[0]?.kind !== "image") {
          throw new LetterpressError(
            "TEMPLATE_ERROR",
            `@page @${edge}-${position}: height bounds a margin box's image (content: url()); a box of text is as tall as the page margin`,
          );
        }
        const source = this.marginBoxImageOf(`${edge}-${position}` as MarginBoxName, content);
        if (!source) return [];
        const height = boxStyle.height === "auto" ? areaHeight : Math.min(boxStyle.height.pt, areaHeight);
        return [[position, { source, height, grow: boxStyle.width !== "auto" || boxStyle.height !== "auto" }] as const];
      }),
    );
    const natural = new Map(
      [...texts].map(([position, text]) => {
        const image = images.get(position);
        return [position, image ? imageInBox(image.source, width, image.height, image.grow).width : measure(text, boxOf(position).style)];
      }),
    );
    const declared = new Map(
      [...texts.keys()].flatMap((position) => {
        const declaredWidth = boxOf(position).style.width;
        return declaredWidth === "auto" ? [] : [[position, Math.min(width, resolveLength(declaredWidth, width))] as const];
      }),
    );
    const widths = this.marginBoxWidths(width, natural, declared);
    const row = new Map<MarginBoxPosition, MarginBoxText>();
    for (const [position, text] of texts) {
      const boxStyle = boxOf(position).style;
      const boxWidth = widths.get(position)!;
      const image = images.get(position);
      if (image) {
        const align = boxStyle.textAlign === "left" || boxStyle.textAlign === "right" || boxStyle.textAlign === "center" ? boxStyle.textAlign : position;
        const size = imageInBox(image.source, boxWidth, image.height, image.grow);
        row.set(position, { text: "", width: boxWidth, cut: false, squeezed: natural.get(position)! > boxWidth, image: { source: image.source, ...size, align } });
        continue;
      }
      const squeezed = natural.get(position)! > boxWidth;
      const oneLine = boxStyle.whiteSpace === "nowrap" && boxStyle.overflow === "hidden";
      if (oneLine) {
        row.set(position, {
          text: squeezed ? fitToWidth(text, boxStyle.textOverflow === "ellipsis" ? ELLIPSIS : "", boxWidth, (t) => measure(t, boxStyle)) : text,
          width: boxWidth,
          cut: squeezed,
          squeezed,
        });
        continue;
      }
      const overflows = this.heightOf(this.set(this.textInlines(text, boxStyle), boxStyle, boxWidth, dir)) > areaHeight + EPSILON;
      const cut = overflows ? fitToWidth(text.replace(/\s+/g, " "), ELLIPSIS, boxWidth, (t) => measure(t, boxStyle)) : text;
      row.set(position, { text: cut, width: boxWidth, cut: overflows, squeezed });
    }
    return row;
  }

  private textInlines(text: string, style: ComputedStyle): Inline[] {
    const inlineStyle = { bold: style.fontWeight >= 600, italic: style.fontStyle === "italic" };
    return text
      .split("\n")
      .flatMap((part, i): Inline[] => (i > 0 ? [{ kind: "break" }, { kind: "text", text: part, style: inlineStyle }] : [{ kind: "text", text: part, style: inlineStyle }]));
  }

  /**
   * The widths of a row of margin boxes (CSS Paged Media 3, 5.3.2, simplified): a box with a
   * declared `width` gets it; a centre box otherwise gets its natural width and the sides share
   * the rest equally; two side boxes without declared widths share the width in proportion to
   * their natural widths when they do not both fit, and one side beside a declared one gets the rest.
   */
  private marginBoxWidths(
    width: number,
    natural: ReadonlyMap<MarginBoxPosition, number>,
    declared: ReadonlyMap<MarginBoxPosition, number> = new Map(),
  ): Map<MarginBoxPosition, number> {
    const widths = new Map<MarginBoxPosition, number>();
    const center = natural.get("center");
    if (center !== undefined) {
      // A long centre box leaves each side what the wider side needs (a page label), when it can.
      const sideNeed = Math.max(0, ...(["left", "right"] as const).map((side) => (natural.has(side) ? (declared.get(side) ?? natural.get(side)!) : 0)));
      const c = declared.get("center") ?? Math.min(center, Math.max(0, width - 2 * sideNeed));
      widths.set("center", c);
      for (const side of ["left", "right"] as const) if (natural.has(side)) widths.set(side, declared.get(side) ?? (width - c) / 2);
      return widths;
    }
    const sides = (["left", "right"] as const).filter((side) => natural.has(side));
    const [one, other] = sides;
    if (one !== undefined && other !== undefined && (declared.has(one) || declared.has(other))) {
      for (const [side, opposite] of [
        [one, other],
        [other, one],
      ] as const) {
        widths.set(side, declared.get(side) ?? Math.max(0, width - declared.get(opposite)!));
      }
      return widths;
    }
    const l = natural.get("left") ?? 0;
    const r = natural.get("right") ?? 0;
    if (natural.has("left") && natural.has("right") && l + r > width && Math.min(l, r) <= width / 2) {
      // A short box beside one too long for the row (a page label beside a long running title) keeps
      // its natural width, and the long one, which marginBoxRow then cuts, takes the rest. §5.3.2's
      // flex rule would leave the short box little more than its min-content width and wrap the
      // label over several lines; the HTML edition declares the long box's width, so both agree.
      widths.set(l <= r ? "left" : "right", Math.min(l, r));
      widths.set(l <= r ? "right" : "left", width - Math.min(l, r));
      return widths;
    }
    const scale = l + r > width ? width / (l + r) : 1;
    if (natural.has("left")) widths.set("left", declared.get("left") ?? (natural.has("right") ? l * scale : width));
    if (natural.has("right")) widths.set("right", declared.get("right") ?? (natural.has("left") ? r * scale : width));
    return widths;
  }
}
