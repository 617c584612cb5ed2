import { LetterpressError } from "../errors";
import { borderWidthsOf, type ComputedStyle, resolveLength, type SideWidths } from "../style";
import { forMaxContent, imageSize } from "./images";
import type { Page, PageItem, PlacedRule, StructNode } from "./page-model";
import { type Box, describe, type TableGroup, type TableStructure } from "./letter-tree";

/**
 * Tables (CSS 2.1 chapter 17, as Chromium's table layout reads it): cells on the slot grid of the
 * HTML Standard's table model (`colspan`, `rowspan`), column widths by content (the automatic
 * algorithm's min/max-content widths, spanning cells' spread over their columns, distributed as
 * CSS Tables 3 describes) or fixed (`table-layout: fixed`), separated borders with
 * `border-spacing` or collapsed borders resolved per slot edge, cells aligned by `vertical-align`;
 * then rows put on pages in blocks (a row, or the rows a rowspan cell binds), the header (and
 * footer) repeated on every page, a block split only when it is taller than a page.
 */

/** What the table needs from the block layout around it: the intrinsic widths and the lines of a cell's content. */
export interface TableHost {
  /** min-content and max-content widths of a paragraph's lines. */
  inlineWidths(box: Box): { min: number; max: number };
  /**
   * Lays a cell's content out at `x`, `width` points wide, its TH or TD structure element (with its
   * scope) added to `row`: the placed items (y from the content's top), the content's height and
   * the first line's baseline (null without lines) and where a page may first break inside it
   * (below its first paragraph's first `orphans` lines; null without lines), and every place a page
   * may break in it without leaving fewer than `orphans` or `widows` lines of a paragraph (y from the
   * content's top).
   */
  layoutContent(box: Box, x: number, width: number, row: StructNode): { items: PageItem[]; height: number; baseline: number | null; firstBreak: number | null; breaks: number[] };
}

/** A collapsed border: the winning side's width and color (CSS 2.1 17.6.2.1). */
interface Border {
  width: number;
  color: string;
}

/** A cell laid out inside its block of rows: where it stands and its content, y from the block's top. */
interface CellLayout {
  /** The cell's top and height in its block (a rowspan cell covers several rows). */
  top: number;
  height: number;
  /** The space above and below the content inside the cell: border (or half the collapsed border) and padding. */
  insetTop: number;
  insetBottom: number;
  /**
   * How far `vertical-align: middle` or `bottom` moved the content down. A cell cut by a page break
   * drops it, as Chromium does (its content starts at the top of its first fragment).
   */
  alignShift: number;
  /** Where a page may first break in the cell's content set from its top (its first `orphans` lines), y from the block's top; null without lines. */
  firstBreak: number | null;
  /** Where a page may break in the cell's content set from its top, honouring `orphans` and `widows`, y from the block's top. */
  breaks: number[];
  /** Content items, y from the block's top. */
  items: PageItem[];
  /** Whether the cell spans rows (its height after a cut is counted as Chromium counts a rowspan cell's). */
  spansRows: boolean;
}

/**
 * Rows that go on a page together: one row, or the rows a rowspan cell binds (a page breaks
 * between them only when they are taller than a page). Backgrounds and borders are rules drawn
 * under and over the cells' content, y from the block's top.
 */
interface RowBlock {
  height: number;
  cells: CellLayout[];
  under: PlacedRule[];
  over: PlacedRule[];
  /** The tops of the block's rows after its first, where a block taller than a page is best cut. */
  boundaries: number[];
  /**
   * Whether a page may break between its rows when they fit a page: rows that only a rowspan cell
   * binds break between them as Chromium's do (the cell cut across the pages); a row group with
   * `break-inside: avoid` does not.
   */
  breakable: boolean;
}

/**
 * A table whose narrowest layout is wider than its page's content box, beyond what Chromium's print
 * of the HTML edition shows whole. Chromium prints every page smaller to fit the widest content
 * (Blink's CalculateOverflowShrinkForPrinting), and the PDF does the same (layout.ts `shrinkFactor`),
 * but only down to half size (kPrintingMaximumShrinkFactor 2): a wider table is printed cut at the
 * page's edge, and so is one that overflows the left edge of a right-to-left letter (Chromium
 * measures the overflow on the right only). A cut table is refused rather than made in both editions.
 * `table` names it (`<table class="x">` and its first cell's words); `minimum` is how far it reaches
 * from the content box's start edge, `available` the content box's width, both in points.
 */
export class TableTooWideError extends LetterpressError {
  constructor(
    readonly table: string,
    readonly minimum: number,
    readonly available: number,
    readonly reason: "beyond-half-size" | "right-to-left",
  ) {
    super(
      "TEMPLATE_ERROR",
      `${table} is at least ${points(minimum)} wide, its page's content box ${points(available)}: ${
        reason === "right-to-left"
          ? "in a right-to-left letter Chromium prints it cut at the page's left edge, not smaller"
          : "Chromium prints the pages of the HTML edition at most half size to fit it, and would cut it at the page's edge"
      }, and so would the PDF; give it fewer or narrower columns, smaller text, or a wider page`,
    );
  }
}

function points(value: number): string {
  return `${Number(value.toFixed(1))}pt`;
}

/** The table as a reader finds it in the letter: its tag and class, and the words of its first cell. */
function tableName(table: Box, grid: Prepared["grid"]): string {
  const first = grid.cells[0]?.box;
  const words =
    first?.content.kind === "inline"
      ? first.content.inlines
          .map((inline) => (inline.kind === "text" ? inline.text : " "))
          .join("")
          .trim()
          .slice(0, 40)
      : "";
  return `${table.element ? describe(table.element) : "<table>"}${words ? ` (first cell "${words}")` : ""}`;
}

/** A table laid out, ready to be put on pages. */
export interface TableLayout {
  box: Box;
  /** How a reader finds it in the letter: its tag and class and its first cell's words (for messages). */
  name: string;
  x: number;
  width: number;
  collapse: boolean;
  /** Space above the first row: the table's border and padding and the spacing (or half the collapsed top border). */
  top: number;
  /** Space above the first row of a continuation on a later page. */
  continuationTop: number;
  /** Space after each row (the vertical border spacing). */
  after: number;
  bottom: number;
  header: RowBlock[];
  body: RowBlock[];
  footer: RowBlock[];
  /** The table's own border widths (separated model). */
  border: SideWidths;
}

/** Where the table is put: the paginator's running position, the page and a way to start the next one. */
export interface TableCursor {
  y: number;
  readonly page: Page;
  /** The bottom of the current page's area. */
  readonly bottom: number;
  /** The page area's height on a page after a break. */
  readonly freshHeight: number;
  breakPage(): void;
}

const ZERO_BORDER: Border = { width: 0, color: "#000000" };

function borderOf(style: ComputedStyle, side: "Top" | "Right" | "Bottom" | "Left"): Border {
  return style[`border${side}Style`] === "solid" ? { width: style[`border${side}Width`], color: style[`border${side}Color`] } : ZERO_BORDER;
}

/** The wider border wins; between equal widths the first candidate, ordered cell, row, row group, column, table (CSS 2.1 17.6.2.1). */
function winner(candidates: readonly Border[]): Border {
  let best = ZERO_BORDER;
  for (const candidate of candidates) if (candidate.width > best.width) best = candidate;
  return best;
}

/** Points in a CSS pixel. */
const CSS_PIXEL = 0.75;

/**
 * Border spacing in whole CSS pixels, cut down, as Chromium keeps it (an integer in its computed
 * style): 4pt (5.33px) spaces cells 5px (3.75pt) apart there, and must here too.
 */
function wholeCssPixels(pt: number): number {
  return Math.floor(pt / CSS_PIXEL + 1e-6) * CSS_PIXEL;
}

/** A length in points where a percentage of an unknown width counts as nothing (intrinsic widths). */
function fixedLength(value: ComputedStyle["paddingLeft"]): number {
  return value.pt ?? 0;
}

/** min- and max-content widths of a block box's content (its children's outer widths). */
function contentWidths(box: Box, host: TableHost): { min: number; max: number } {
  if (box.content.kind === "inline") return host.inlineWidths(box);
  if (box.content.kind === "table") {
    const widths = tableWidths(box, host);
    return { min: widths.min, max: widths.max };
  }
  if (box.content.kind === "image") {
    // An image's contribution is its own size; a percentage of a width not yet known counts as
    // nothing (CSS Sizing 3, 5.2.2: percentages of replaced elements are compressible).
    const { width } = imageSize({ ...box.content, style: { ...box.content.style, maxWidth: "none" } }, 0);
    // Its max-content contribution is its own size, a percentage counting as auto (forMaxContent).
    return { min: width, max: imageSize(forMaxContent(box.content), 0).width };
  }
  let min = 0;
  let max = 0;
  for (const child of box.content.children) {
    const outer = outerWidths(child, host);
    min = Math.max(min, outer.min);
    max = Math.max(max, outer.max);
  }
  return { min, max };
}

/** A block's outer widths: its content's (or its specified width), plus its padding, border and margins. */
function outerWidths(box: Box, host: TableHost): { min: number; max: number } {
  const s = box.style;
  const e = borderWidthsOf(s);
  const extras = fixedLength(s.paddingLeft) + fixedLength(s.paddingRight) + e.left + e.right;
  const margins = fixedLength(s.marginLeft) + fixedLength(s.marginRight);
  const content = box.content.kind === "table" ? tableWidths(box, host) : contentWidths(box, host);
  if (box.content.kind === "table") return { min: content.min + margins, max: content.max + margins };
  if (s.width !== "auto" && s.width.pt !== undefined) {
    const width = s.boxSizing === "border-box" ? Math.max(s.width.pt, extras) : s.width.pt + extras;
    return { min: width + margins, max: width + margins };
  }
  return { min: content.min + extras + margins, max: content.max + extras + margins };
}

/**
 * A cell on the table's slot grid (the HTML Standard's "forming a table"): its first row, its
 * leftmost visual column, and how many columns and rows it covers.
 */
interface GridCell {
  box: Box;
  row: number;
  column: number;
  columns: number;
  /** Rows covered: `rowspan` cut at the end of its row group (0 reaches that end), as browsers do. */
  rows: number;
}

/** The table's grid: its rows (with their group), its cells and the cell covering each slot, in visual order (left to right). */
interface Grid {
  rows: { box: Box; group: TableGroup }[];
  /** Cells row by row, each row's in reading order. */
  cells: GridCell[];
  /** The cell covering each slot, by row and visual column; null for a slot no cell covers. */
  slots: (GridCell | null)[][];
  columns: (ComputedStyle | null)[];
  columnGroups: (ComputedStyle | null)[];
  count: number;
}

function gridOf(table: Box, structure: TableStructure): Grid {
  const ordered = [
    ...structure.groups.filter((g) => g.kind === "header"),
    ...structure.groups.filter((g) => g.kind === "body"),
    ...structure.groups.filter((g) => g.kind === "footer"),
  ];
  const rows: Grid["rows"] = [];
  const cells: GridCell[] = [];
  // Logical columns first: each cell takes the first slot of its row that no cell above still covers.
  const covered: boolean[][] = [];
  for (const group of ordered) {
    const first = rows.length;
    const end = first + group.rows.length;
    for (const row of group.rows) {
      const r = rows.length;
      rows.push({ box: row.box, group });
      covered[r] ??= [];
      let column = 0;
      for (const box of row.cells) {
        while (covered[r]![column]) column++;
        const span = box.span ?? { columns: 1, rows: 1 };
        const rowsCovered = span.rows === 0 ? end - r : Math.min(span.rows, end - r);
        for (let y = r; y < r + rowsCovered; y++) for (let x = column; x < column + span.columns; x++) (covered[y] ??= [])[x] = true;
        cells.push({ box, row: r, column, columns: span.columns, rows: rowsCovered });
        column += span.columns;
      }
    }
  }
  const count = Math.max(structure.columns.length, ...cells.map((cell) => cell.column + cell.columns), 0);
  const rtl = table.dir === "rtl";
  // A right-to-left table's first column is at the right: visual columns count from the left.
  if (rtl) for (const cell of cells) cell.column = count - cell.column - cell.columns;
  const slots: (GridCell | null)[][] = rows.map(() => new Array<GridCell | null>(count).fill(null));
  for (const cell of cells) {
    for (let y = cell.row; y < cell.row + cell.rows; y++) for (let x = cell.column; x < cell.column + cell.columns; x++) slots[y]![x] = cell;
  }
  const visual = <T>(list: readonly T[]): (T | null)[] => {
    const padded: (T | null)[] = [...list, ...new Array<null>(count - list.length).fill(null)];
    return rtl ? padded.reverse() : padded;
  };
  return { rows, cells, slots, columns: visual(structure.columns), columnGroups: visual(structure.columnGroups), count };
}

/**
 * Collapsed borders: each horizontal edge (rows + 1 lines of `count` edges) and vertical edge
 * (rows of `count + 1` edges) of the slot grid; an edge inside a spanning cell has none.
 */
function collapsedBorders(table: Box, grid: Grid): { horizontal: Border[][]; vertical: Border[][] } {
  const t = table.style;
  const n = grid.count;
  const rows = grid.rows;
  const horizontal: Border[][] = [];
  for (let r = 0; r <= rows.length; r++) {
    const above = rows[r - 1];
    const below = rows[r];
    const line: Border[] = [];
    for (let c = 0; c < n; c++) {
      const upper = grid.slots[r - 1]?.[c] ?? null;
      const lower = grid.slots[r]?.[c] ?? null;
      if (upper && upper === lower) {
        line.push(ZERO_BORDER);
        continue;
      }
      const candidates: Border[] = [];
      // Cells, then rows, then row groups (at a group's edge), then columns and the table at the outer edges.
      if (upper) candidates.push(borderOf(upper.box.style, "Bottom"));
      if (lower) candidates.push(borderOf(lower.box.style, "Top"));
      if (above) candidates.push(borderOf(above.box.style, "Bottom"));
      if (below) candidates.push(borderOf(below.box.style, "Top"));
      if (above && above.group !== below?.group) candidates.push(borderOf(above.group.box.style, "Bottom"));
      if (below && below.group !== above?.group) candidates.push(borderOf(below.group.box.style, "Top"));
      const column = grid.columns[c];
      if (column && (!above || !below)) candidates.push(borderOf(column, above ? "Bottom" : "Top"));
      if (!above) candidates.push(borderOf(t, "Top"));
      if (!below) candidates.push(borderOf(t, "Bottom"));
      line.push(winner(candidates));
    }
    horizontal.push(line);
  }
  const vertical = rows.map((row, r) => {
    const line: Border[] = [];
    for (let c = 0; c <= n; c++) {
      const left = grid.slots[r]![c - 1] ?? null;
      const right = grid.slots[r]![c] ?? null;
      if (left && left === right) {
        line.push(ZERO_BORDER);
        continue;
      }
      const candidates: Border[] = [];
      if (left) candidates.push(borderOf(left.box.style, "Right"));
      if (right) candidates.push(borderOf(right.box.style, "Left"));
      if (c === 0 || c === n) {
        const side = c === 0 ? "Left" : "Right";
        candidates.push(borderOf(row.box.style, side), borderOf(row.group.box.style, side));
      }
      const leftColumn = grid.columns[c - 1];
      const rightColumn = grid.columns[c];
      if (leftColumn) candidates.push(borderOf(leftColumn, "Right"));
      if (rightColumn) candidates.push(borderOf(rightColumn, "Left"));
      if (c === 0) candidates.push(borderOf(t, "Left"));
      if (c === n) candidates.push(borderOf(t, "Right"));
      line.push(winner(candidates));
    }
    return line;
  });
  return { horizontal, vertical };
}

/** The widest collapsed border along each side of a cell (the half inside it is its border for layout). */
function collapsedSides(collapsed: ReturnType<typeof collapsedBorders>, cell: GridCell): { top: number; right: number; bottom: number; left: number } {
  const along = (edges: readonly Border[]) => Math.max(0, ...edges.map((edge) => edge.width));
  const columns = Array.from({ length: cell.columns }, (_, i) => cell.column + i);
  const rows = Array.from({ length: cell.rows }, (_, i) => cell.row + i);
  return {
    top: along(columns.map((c) => collapsed.horizontal[cell.row]![c]!)),
    bottom: along(columns.map((c) => collapsed.horizontal[cell.row + cell.rows]![c]!)),
    left: along(rows.map((r) => collapsed.vertical[r]![cell.column]!)),
    right: along(rows.map((r) => collapsed.vertical[r]![cell.column + cell.columns]!)),
  };
}

interface ColumnWidths {
  min: number;
  max: number;
  /** A width the author gave (a cell's or a column's), in points. */
  fixed: number | null;
  percent: number | null;
}

/** The horizontal space of a cell that is not content: padding and border (half the collapsed border). */
function cellExtras(cell: Box, collapsedLeft: number | null, collapsedRight: number | null, tableWidth: number): number {
  const s = cell.style;
  const e = borderWidthsOf(s);
  const left = collapsedLeft === null ? e.left : collapsedLeft / 2;
  const right = collapsedRight === null ? e.right : collapsedRight / 2;
  return resolveLength(s.paddingLeft, tableWidth) + resolveLength(s.paddingRight, tableWidth) + left + right;
}

interface Prepared {
  grid: Grid;
  collapsed: ReturnType<typeof collapsedBorders> | null;
  columns: ColumnWidths[];
  /** Horizontal space of the table that is not columns: its border and padding and the spacing, or half the outer collapsed borders. */
  chrome: number;
  /** The table's own border and padding widths at its left and right (separated), or half the collapsed outer borders. */
  left: number;
  spacing: number;
  min: number;
  max: number;
}

const prepared = new WeakMap<Box, Prepared>();

/** The grid, its borders and each column's intrinsic widths (cached per table box: measuring is the costly part). */
function prepare(table: Box, host: TableHost): Prepared {
  const known = prepared.get(table);
  if (known) return known;
  if (table.content.kind !== "table") throw new LetterpressError("RENDER_ERROR", "table layout: not a table box");
  const grid = gridOf(table, table.content.table);
  const s = table.style;
  const collapse = s.borderCollapse === "collapse";
  const collapsed = collapse ? collapsedBorders(table, grid) : null;
  const n = grid.count;
  const spacing = collapse ? 0 : wholeCssPixels(s.borderSpacing.horizontal);
  const e = borderWidthsOf(s);
  const outerLeft = collapsed ? Math.max(0, ...collapsed.vertical.map((line) => line[0]!.width)) / 2 : 0;
  const outerRight = collapsed ? Math.max(0, ...collapsed.vertical.map((line) => line[n]!.width)) / 2 : 0;
  const left = collapse ? outerLeft : e.left + fixedLength(s.paddingLeft);
  const right = collapse ? outerRight : e.right + fixedLength(s.paddingRight);
  const chrome = left + right + (n > 0 ? spacing * (n + 1) : 0);
  const columns: ColumnWidths[] = Array.from({ length: n }, (_, c) => {
    const column = grid.columns[c];
    const width = column && column.width !== "auto" ? column.width : null;
    return { min: 0, max: 0, fixed: width?.pt ?? null, percent: width?.percent ?? null };
  });
  const settle = () => {
    for (const column of columns) {
      // A column given a width is as wide as that unless its content cannot fit (CSS Tables 3, 3.9.2).
      if (column.fixed !== null) column.max = Math.max(column.min, column.fixed);
      column.max = Math.max(column.max, column.min);
    }
  };
  // A cell's own min- and max-content widths, its padding and border included.
  const cellWidths = (cell: GridCell) => {
    const sides = collapsed ? collapsedSides(collapsed, cell) : null;
    const extras = cellExtras(cell.box, sides?.left ?? null, sides?.right ?? null, 0);
    const content = contentWidths(cell.box, host);
    const width = cell.box.style.width;
    const outer = width !== "auto" && width.pt !== undefined ? (cell.box.style.boxSizing === "border-box" ? Math.max(width.pt, extras) : width.pt + extras) : null;
    return { min: content.min + extras, max: content.max + extras, outer, percent: width !== "auto" ? (width.percent ?? null) : null };
  };
  // Cells of one column first; then spanning cells, narrowest span first, spread over the columns
  // they span (CSS Tables 3, 3.9.1, as Chromium distributes them: their min-content and then their
  // max-content width, less the spacing inside, by the same distribution as the table's width).
  for (const cell of grid.cells) {
    if (cell.columns !== 1) continue;
    const widths = cellWidths(cell);
    const column = columns[cell.column]!;
    column.min = Math.max(column.min, widths.min);
    if (widths.outer !== null) column.fixed = Math.max(column.fixed ?? 0, widths.outer);
    else if (widths.percent !== null) column.percent = Math.max(column.percent ?? 0, widths.percent);
    column.max = Math.max(column.max, widths.max);
  }
  settle();
  const spanning = grid.cells.filter((cell) => cell.columns > 1).sort((a, b) => a.columns - b.columns);
  for (const cell of spanning) {
    const widths = cellWidths(cell);
    const spanned = columns.slice(cell.column, cell.column + cell.columns);
    const inside = spacing * (cell.columns - 1);
    if (widths.percent !== null) {
      // A spanning cell's percentage, less its columns' own, goes to its columns without one, by their max-content widths.
      const surplus = widths.percent - spanned.reduce((sum, column) => sum + (column.percent ?? 0), 0);
      const open = spanned.filter((column) => column.percent === null);
      const openMax = open.reduce((sum, column) => sum + column.max, 0);
      if (surplus > 0) for (const column of open) column.percent = openMax > 0 ? (surplus * column.max) / openMax : surplus / open.length;
    }
    const mins = distribute(spanned, widths.min - inside);
    spanned.forEach((column, i) => {
      column.min = Math.max(column.min, mins[i]!);
    });
    const maxs = distribute(spanned, (widths.outer !== null ? Math.max(widths.min, widths.outer) : widths.max) - inside);
    spanned.forEach((column, i) => {
      column.max = Math.max(column.min, column.max, maxs[i]!);
    });
  }
  settle();
  const min = columns.reduce((sum, c) => sum + c.min, 0) + chrome;
  const max = columns.reduce((sum, c) => sum + c.max, 0) + chrome;
  const result = { grid, collapsed, columns, chrome, left, spacing, min, max };
  prepared.set(table, result);
  return result;
}

/** The table's min- and max-content widths (its border box), for a table inside a cell. */
function tableWidths(table: Box, host: TableHost): { min: number; max: number } {
  const { min, max } = prepare(table, host);
  const width = table.style.width;
  if (width !== "auto" && width.pt !== undefined) return { min: Math.max(min, width.pt), max: Math.max(min, width.pt) };
  return { min, max };
}

/**
 * Distributes the columns' width (CSS Tables 3, 3.9.3): between the guesses min-content,
 * min-content with percentages, min-content with specified widths and max-content, the used widths
 * are interpolated; past max-content, auto columns take the excess in proportion to their widths.
 */
function distribute(columns: readonly ColumnWidths[], available: number): number[] {
  const percentOf = (c: ColumnWidths) => (c.percent === null ? null : Math.max(c.min, (c.percent / 100) * available));
  const guesses: number[][] = [
    columns.map((c) => c.min),
    columns.map((c) => percentOf(c) ?? c.min),
    columns.map((c) => percentOf(c) ?? (c.fixed !== null ? c.max : c.min)),
    columns.map((c) => percentOf(c) ?? c.max),
  ];
  const sum = (list: readonly number[]) => list.reduce((a, b) => a + b, 0);
  if (available <= sum(guesses[0]!)) return guesses[0]!;
  for (let g = 0; g < guesses.length - 1; g++) {
    const low = guesses[g]!;
    const high = guesses[g + 1]!;
    if (available <= sum(high)) {
      const span = sum(high) - sum(low);
      const t = span > 0 ? (available - sum(low)) / span : 0;
      return low.map((w, i) => w + (high[i]! - w) * t);
    }
  }
  const widths = [...guesses[3]!];
  const excess = available - sum(widths);
  const auto = columns.map((_, i) => i).filter((i) => columns[i]!.fixed === null && columns[i]!.percent === null);
  const share = (indices: readonly number[], weight: (i: number) => number) => {
    const total = indices.reduce((t, i) => t + weight(i), 0);
    for (const i of indices) widths[i]! += total > 0 ? (excess * weight(i)) / total : excess / indices.length;
  };
  if (auto.length > 0) share(auto, (i) => widths[i]!);
  else if (columns.some((c) => c.fixed !== null))
    share(
      columns.map((_, i) => i).filter((i) => columns[i]!.fixed !== null),
      (i) => widths[i]!,
    );
  else if (columns.length > 0)
    share(
      columns.map((_, i) => i),
      (i) => columns[i]!.percent ?? 1,
    );
  return widths;
}

/** `table-layout: fixed` (CSS 2.1 17.5.2.1): widths from the columns and the first row alone; the rest shares what is left equally. */
function fixedColumns(p: Prepared, available: number): number[] {
  const n = p.grid.count;
  const widths: (number | null)[] = p.grid.columns.map((column) => (column && column.width !== "auto" ? resolveLength(column.width, available) : null));
  while (widths.length < n) widths.push(null);
  // A first-row cell spanning columns shares its width equally among those still without one.
  for (const cell of p.grid.cells) {
    if (cell.row !== 0 || cell.box.style.width === "auto") continue;
    const spanned = Array.from({ length: cell.columns }, (_, i) => cell.column + i);
    const open = spanned.filter((c) => widths[c] === null);
    if (open.length === 0) continue;
    const sides = p.collapsed ? collapsedSides(p.collapsed, cell) : null;
    const extras = cellExtras(cell.box, sides?.left ?? null, sides?.right ?? null, available);
    const specified = resolveLength(cell.box.style.width, available);
    const outer = cell.box.style.boxSizing === "border-box" ? Math.max(specified, extras) : specified + extras;
    const taken = spanned.reduce((sum, c) => sum + (widths[c] ?? 0), 0) + p.spacing * (cell.columns - 1);
    for (const c of open) widths[c] = Math.max(0, outer - taken) / open.length;
  }
  const given = widths.reduce<number>((sum, w) => sum + (w ?? 0), 0);
  const open = widths.filter((w) => w === null).length;
  if (open > 0) return widths.map((w) => w ?? Math.max(0, available - given) / open);
  // Every column has a width: a wider table stretches them in proportion.
  return widths.map((w) => (given > 0 && available > given ? (w! * available) / given : w!));
}

/** The table's border-box width and its columns' widths. */
function widthsOf(table: Box, p: Prepared, containerWidth: number, margins: number): { width: number; columns: number[] } {
  const s = table.style;
  const extras = p.chrome;
  let width: number;
  if (s.width === "auto") width = Math.max(p.min, Math.min(containerWidth - margins, p.max));
  else {
    const specified = resolveLength(s.width, containerWidth);
    // The UA sheet makes a table's width its border box, as Chromium's does.
    width = Math.max(p.min, s.boxSizing === "border-box" ? specified : specified + p.chrome - p.spacing * (p.grid.count + 1));
  }
  const available = Math.max(0, width - extras);
  const fixed = s.tableLayout === "fixed" && s.width !== "auto";
  const columns = fixed ? fixedColumns(p, available) : distribute(p.columns, available);
  const total = columns.reduce((a, b) => a + b, 0) + extras;
  return { width: Math.max(width, total), columns };
}

/**
 * Grows the rows a rowspan cell covers when it is taller than they are, as Chromium does (CSS
 * Tables 3 leaves it open, csswg-drafts#4418): the excess goes in equal shares to the rows after
 * the first where another rowspan cell begins, else to the rows with height in proportion to it,
 * else to the last row.
 */
function growRows(heights: number[], cell: GridCell, needed: number, spacing: number, rowspanStarts: readonly boolean[]): void {
  const range = Array.from({ length: cell.rows }, (_, i) => cell.row + i);
  const total = range.reduce((sum, r) => sum + heights[r]!, 0);
  const excess = needed - spacing * (cell.rows - 1) - total;
  if (excess <= 0) return;
  const starting = range.filter((r) => r !== cell.row && rowspanStarts[r]);
  if (starting.length > 0) {
    for (const r of starting) heights[r]! += excess / starting.length;
    return;
  }
  const filled = range.filter((r) => heights[r]! > 0);
  if (filled.length > 0) {
    for (const r of filled) heights[r]! += (excess * heights[r]!) / total;
    return;
  }
  heights[range[range.length - 1]!]! += excess;
}

/**
 * Lays the table out at the width its container gives: column widths, every cell's lines, the
 * rows' heights (a rowspan cell's height spread over its rows) and the cells' vertical alignment,
 * in blocks of rows that rowspan cells bind together. `node` is the table's structure element.
 */
export function layoutTable(table: Box, container: { x: number; width: number; dir: "ltr" | "rtl" }, node: StructNode, host: TableHost): TableLayout {
  const p = prepare(table, host);
  const s = table.style;
  const marginLeft = resolveLength(s.marginLeft, container.width);
  const marginRight = resolveLength(s.marginRight, container.width);
  const { width, columns } = widthsOf(table, p, container.width, marginLeft + marginRight);
  // A table wider than its container overflows it, from its start edge, as Chromium's does; the
  // composer prints the pages smaller when it overflows the page's content box (layout.ts).
  const x = container.dir === "rtl" ? container.x + container.width - marginRight - width : container.x + marginLeft;
  const collapse = p.collapsed !== null;
  const e = borderWidthsOf(s);
  // Column edges, left to right.
  const columnX: number[] = [];
  let at = x + p.left + p.spacing;
  for (const w of columns) {
    columnX.push(at);
    at += w + p.spacing;
  }
  const columnRight = (c: number) => columnX[c]! + columns[c]!;
  const vSpacing = collapse ? 0 : wholeCssPixels(s.borderSpacing.vertical);
  const { grid } = p;
  // The structure: row groups and rows in the table's order, each cell in its first row's TR.
  const groupNodes = new Map<TableGroup, StructNode>();
  const rowNodes = grid.rows.map((row) => {
    let groupNode = groupNodes.get(row.group);
    if (!groupNode) {
      groupNode = { type: row.group.box.struct ?? "TBody", children: [] };
      groupNodes.set(row.group, groupNode);
      node.children.push(groupNode);
    }
    const rowNode: StructNode = { type: "TR", children: [] };
    groupNode.children.push(rowNode);
    return rowNode;
  });
  const laid = grid.cells.map((cell) => {
    const cs = cell.box.style;
    const sides = p.collapsed ? collapsedSides(p.collapsed, cell) : null;
    const border = sides ? { top: sides.top / 2, right: sides.right / 2, bottom: sides.bottom / 2, left: sides.left / 2 } : borderWidthsOf(cs);
    const padding = {
      top: resolveLength(cs.paddingTop, width),
      right: resolveLength(cs.paddingRight, width),
      bottom: resolveLength(cs.paddingBottom, width),
      left: resolveLength(cs.paddingLeft, width),
    };
    const cellX = columnX[cell.column]!;
    const cellWidth = columnRight(cell.column + cell.columns - 1) - cellX;
    const contentX = cellX + border.left + padding.left;
    const contentWidth = Math.max(0, cellWidth - border.left - border.right - padding.left - padding.right);
    const rowNode = rowNodes[cell.row]!;
    const content = host.layoutContent(cell.box, contentX, contentWidth, rowNode);
    // A spanning cell says so in its TD or TH (ISO 32000-1, 14.8.5.7): its rows as laid out, cut at its row group's end.
    const cellNode = rowNode.children[rowNode.children.length - 1]!;
    if (cell.columns > 1) cellNode.colSpan = cell.columns;
    if (cell.rows > 1) cellNode.rowSpan = cell.rows;
    const insetTop = border.top + padding.top;
    const insetBottom = border.bottom + padding.bottom;
    return {
      cell,
      x: cellX,
      width: cellWidth,
      insetTop,
      insetBottom,
      items: content.items,
      contentHeight: content.height,
      baseline: content.baseline,
      firstBreak: content.firstBreak,
      breaks: content.breaks,
      height: insetTop + content.height + insetBottom,
      // CSS 2.1 17.5.3: a cell's other values (text-top, text-bottom, sub, super, lengths, percentages) act as baseline.
      align: cs.verticalAlign === "top" || cs.verticalAlign === "middle" || cs.verticalAlign === "bottom" ? cs.verticalAlign : ("baseline" as const),
    };
  });
  // Row heights: the cells of one row, their baselines shared (CSS 2.1 17.5.3; a rowspan cell's
  // first line is on its first row's baseline), then each rowspan cell's height spread over its rows.
  const baselineOf = (cell: (typeof laid)[number]) => cell.insetTop + (cell.baseline ?? cell.contentHeight);
  const heights = grid.rows.map(() => 0);
  const ascents = grid.rows.map((): number | null => null);
  const descents = grid.rows.map(() => 0);
  for (const cell of laid) {
    const r = cell.cell.row;
    if (cell.cell.rows === 1) heights[r] = Math.max(heights[r]!, cell.height);
    if (cell.align !== "baseline") continue;
    ascents[r] = Math.max(ascents[r] ?? 0, baselineOf(cell));
    if (cell.cell.rows === 1) descents[r] = Math.max(descents[r]!, cell.height - baselineOf(cell));
  }
  grid.rows.forEach((_, r) => {
    if (ascents[r] !== null) heights[r] = Math.max(heights[r]!, ascents[r]! + descents[r]!);
  });
  const startingIn = grid.rows.map((): GridCell[] => []);
  for (const cell of grid.cells) startingIn[cell.row]!.push(cell);
  const rowspanStarts = startingIn.map((cells) => cells.some((cell) => cell.rows > 1));
  for (const cell of laid.filter((c) => c.cell.rows > 1).sort((a, b) => a.cell.rows - b.cell.rows)) {
    growRows(heights, cell.cell, cell.height, vSpacing, rowspanStarts);
  }
  // Blocks: from a row, every row that a rowspan cell begun in the block still covers, or the
  // whole row group when it may not break (break-inside: avoid).
  const blocks: { from: number; to: number; breakable: boolean }[] = [];
  for (let r = 0; r < grid.rows.length; ) {
    const group = grid.rows[r]!.group;
    let to = r;
    const avoid = group.box.style.breakInside === "avoid";
    if (avoid) while (grid.rows[to + 1]?.group === group) to++;
    for (let k = r; k <= to; k++) for (const cell of startingIn[k]!) to = Math.max(to, k + cell.rows - 1);
    blocks.push({ from: r, to, breakable: !avoid });
    r = to + 1;
  }
  const laidIn = grid.rows.map((): typeof laid => []);
  for (const cell of laid) laidIn[cell.cell.row]!.push(cell);
  const layBlock = ({ from, to, breakable }: { from: number; to: number; breakable: boolean }): RowBlock => {
    const tops: number[] = [];
    let y = 0;
    for (let r = from; r <= to; r++) {
      tops[r] = y;
      y += heights[r]! + (r < to ? vSpacing : 0);
    }
    const bottomOf = (r: number) => tops[r]! + heights[r]!;
    const block: RowBlock = { height: y, cells: [], under: [], over: [], boundaries: tops.slice(from + 1), breakable };
    const rule = (list: PlacedRule[], rx: number, ry: number, rw: number, rh: number, color: string) => {
      if (rw > 0 && rh > 0) list.push({ kind: "rule", x: rx, y: ry, width: rw, height: rh, color });
    };
    for (const cell of laidIn.slice(from, to + 1).flat()) {
      const { row, column, rows, columns: span } = cell.cell;
      const last = row + rows - 1;
      const top = tops[row]!;
      const height = bottomOf(last) - top;
      const free = height - cell.height;
      const offset = cell.align === "middle" ? free / 2 : cell.align === "bottom" ? free : cell.align === "baseline" ? (ascents[row] ?? 0) - baselineOf(cell) : 0;
      const shift = top + cell.insetTop + offset;
      block.cells.push({
        top,
        height,
        insetTop: cell.insetTop,
        insetBottom: cell.insetBottom,
        alignShift: cell.align === "middle" || cell.align === "bottom" ? offset : 0,
        firstBreak: cell.firstBreak === null ? null : top + cell.insetTop + cell.firstBreak,
        breaks: cell.breaks.map((b) => top + cell.insetTop + b),
        items: cell.items.map((item) => ({ ...item, y: item.y + shift })),
        spansRows: rows > 1,
      });
      // Painted in CSS 2.1's order (17.5.1): column group, column (each over its part of the cell), row group, row, cell.
      const spanned = Array.from({ length: span }, (_, i) => column + i);
      const sliceOf = (c: number) => {
        const left = c === column ? cell.x : columnX[c]!;
        return { left, width: (c === column + span - 1 ? cell.x + cell.width : columnX[c + 1]!) - left };
      };
      for (const styles of [grid.columnGroups, grid.columns]) {
        for (const c of spanned) {
          const color = styles[c]?.backgroundColor;
          if (color) rule(block.under, sliceOf(c).left, top, sliceOf(c).width, height, color);
        }
      }
      const rowBox = grid.rows[row]!;
      for (const color of [rowBox.group.box.style.backgroundColor, rowBox.box.style.backgroundColor, cell.cell.box.style.backgroundColor]) {
        if (color) rule(block.under, cell.x, top, cell.width, height, color);
      }
      if (p.collapsed) {
        // Collapsed borders are centred on the grid lines; a cell draws every edge it has, each slot's winner.
        const { horizontal, vertical } = p.collapsed;
        const leftEdge = (r: number) => vertical[r]![column]!;
        const rightEdge = (r: number) => vertical[r]![column + span]!;
        for (const [r, edgeRow, atY] of [
          [row, row, top],
          [last, last + 1, top + height],
        ] as const) {
          for (const c of spanned) {
            const b = horizontal[edgeRow]![c]!;
            const left = c === column ? cell.x - leftEdge(r).width / 2 : columnX[c]!;
            const right = c === column + span - 1 ? cell.x + cell.width + rightEdge(r).width / 2 : columnRight(c);
            rule(block.over, left, atY - b.width / 2, right - left, b.width, b.color);
          }
        }
        for (let r = row; r <= last; r++) {
          const rowHeight = bottomOf(r) - tops[r]!;
          rule(block.over, cell.x - leftEdge(r).width / 2, tops[r]!, leftEdge(r).width, rowHeight, leftEdge(r).color);
          rule(block.over, cell.x + cell.width - rightEdge(r).width / 2, tops[r]!, rightEdge(r).width, rowHeight, rightEdge(r).color);
        }
      } else {
        const cs = cell.cell.box.style;
        const b = borderWidthsOf(cs);
        rule(block.over, cell.x, top, cell.width, b.top, cs.borderTopColor);
        rule(block.over, cell.x, top + height - b.bottom, cell.width, b.bottom, cs.borderBottomColor);
        rule(block.over, cell.x, top, b.left, height, cs.borderLeftColor);
        rule(block.over, cell.x + cell.width - b.right, top, b.right, height, cs.borderRightColor);
      }
    }
    return block;
  };
  const blocksOf = (kind: TableGroup["kind"]) => blocks.filter((b) => grid.rows[b.from]!.group.kind === kind).map(layBlock);
  const header = blocksOf("header");
  const body = blocksOf("body");
  const footer = blocksOf("footer");
  const collapsedTop = p.collapsed ? Math.max(0, ...(p.collapsed.horizontal[0] ?? []).map((b) => b.width)) / 2 : 0;
  const collapsedBottom = p.collapsed ? Math.max(0, ...(p.collapsed.horizontal[grid.rows.length] ?? []).map((b) => b.width)) / 2 : 0;
  return {
    box: table,
    name: tableName(table, p.grid),
    x,
    width,
    collapse,
    top: collapse ? collapsedTop : e.top + resolveLength(s.paddingTop, container.width) + vSpacing,
    continuationTop: collapse ? collapsedTop : vSpacing,
    after: vSpacing,
    bottom: collapse ? collapsedBottom : resolveLength(s.paddingBottom, container.width) + e.bottom,
    header,
    body,
    footer,
    border: collapse ? { top: 0, right: 0, bottom: 0, left: 0 } : e,
  };
}

function rowsHeight(table: TableLayout, blocks: readonly RowBlock[]): number {
  return blocks.reduce((sum, block) => sum + block.height + table.after, 0);
}

/**
 * Chromium repeats a header (or footer) on the pages after the first only when it takes at most a
 * quarter of the page area (measured on A4, 717.2 pt: a header of 179.1 pt repeated, 181.4 pt not),
 * so that a tall one does not leave rows no room.
 */
const REPEATABLE_SHARE = 0.25;

/** The header or footer rows repeated on the pages after the first: all of them, or none when they are too tall. */
function repeated(table: TableLayout, blocks: readonly RowBlock[], freshHeight: number): readonly RowBlock[] {
  return rowsHeight(table, blocks) <= freshHeight * REPEATABLE_SHARE + EPSILON ? blocks : [];
}

/**
 * The space above the first row on a page after a break. Separated borders: Chromium sets a
 * repeated header at the fragment's top, with no spacing above it (measured on US Letter with
 * border-spacing 3pt: its header 3.3 pt higher than ours with the spacing), but keeps the spacing
 * above a body row that begins the fragment (no header, or one too tall to repeat).
 */
function continuationTop(table: TableLayout, header: readonly RowBlock[]): number {
  return !table.collapse && header.length > 0 ? 0 : table.continuationTop;
}

/** The room for body rows on a page after a break, below the repeated header and above the repeated footer. */
function freshRoom(table: TableLayout, freshHeight: number): number {
  const header = repeated(table, table.header, freshHeight);
  const repeats = [...header, ...repeated(table, table.footer, freshHeight)];
  return freshHeight - continuationTop(table, header) - rowsHeight(table, repeats) - table.after;
}

/**
 * What must fit on a page for the table to start there: its top, header, first rows and footer
 * (the whole table when it may not break; only the first row of rows a rowspan cell binds, which
 * break between them). First rows taller than a page after a break
 * (`freshHeight`) are cut on any page, so Chromium starts them where it is: then only the first
 * lines of every cell (as many as its `orphans`) must fit.
 */
export function tableHead(table: TableLayout, whole: boolean, freshHeight = Number.POSITIVE_INFINITY): number {
  const blocks = whole ? table.body : table.body.slice(0, 1);
  let rows = rowsHeight(table, blocks);
  const first = table.body[0];
  if (!whole && first?.breakable && first.boundaries.length > 0 && first.boundaries[0]! <= freshRoom(table, freshHeight) + table.after + EPSILON) {
    // Rows only a rowspan cell binds break between them (placeTable): the first row starts them,
    // as in Chromium; counting all of them (or every cell's first lines, later rows' too) moved a
    // table with a 40-row rowspan whole to the next page (issue 12 item 7). The first boundary is
    // the second row's top, so it counts the spacing below the first row, as rowsHeight does.
    rows = Math.min(rows, first.boundaries[0]!);
  } else if (!whole && first && first.height > freshRoom(table, freshHeight) + EPSILON) {
    // The cells of the first row: a later row of rows a rowspan cell binds starts below a first row
    // that is cut (taller than a page), so its cells' first lines are never on this page. Counting
    // them moved a heading kept with such a table to a page of its own, and the table to the next.
    const starts = first.cells.flatMap((cell) => (cell.firstBreak === null || cell.top > EPSILON ? [] : [cell.firstBreak]));
    rows = starts.length > 0 ? Math.max(...starts) : 0;
  }
  return table.top + rowsHeight(table, table.header) + rows + rowsHeight(table, table.footer) + table.bottom;
}

const EPSILON = 0.01;

function itemHeight(item: PageItem): number {
  return item.kind === "line" ? item.line.height : item.height;
}

/**
 * Splits a block within `room` points of its top: between its rows where one ends in the room,
 * else inside them (a row taller than a page), as Chromium fragments a table. A cell cut (a
 * rowspan cell between rows, every cell of a row taller than a page) keeps its lines down to the
 * page's end (`room`), past its rows on this page, and carries the rest to its remainder's top
 * (no padding at the cut either side: boxes are sliced); the rows after the cut keep their heights
 * unless the carried lines need more. Backgrounds and borders are cut and stretched with them.
 */
function splitBlock(whole: RowBlock, room: number): [RowBlock, RowBlock, boolean] {
  const cut = Math.max(0, ...whole.boundaries.filter((b) => b <= room + EPSILON)) || room;
  const crosses = (cell: CellLayout) => cell.top < cut - EPSILON && cell.top + cell.height > cut + EPSILON;
  // A cell cut by the break is set from its top: its vertical alignment is dropped, as Chromium drops it.
  const block: RowBlock = {
    ...whole,
    cells: whole.cells.map((cell) =>
      crosses(cell) && cell.alignShift !== 0 ? { ...cell, alignShift: 0, items: cell.items.map((item) => ({ ...item, y: item.y - cell.alignShift })) } : cell,
    ),
  };
  const cuts = new Map<CellLayout, number>();
  let lift = 0;
  // Whether a cell is cut where its paragraph's `orphans` or `widows` forbid (or before its first line).
  let forced = false;
  for (const cell of block.cells) {
    if (!crosses(cell)) continue;
    let cellCut = room;
    // Lines and images are not cut; a rule (a background, a border) is.
    for (const item of cell.items) if (item.kind !== "rule" && item.y < room && item.y + itemHeight(item) > room) cellCut = Math.min(cellCut, item.y);
    // At the last break that leaves a paragraph `orphans` and `widows` lines, when there is one here.
    const overflows = cell.items.some((item) => item.kind !== "rule" && item.y + itemHeight(item) > cellCut + EPSILON);
    const allowed = cell.breaks.filter((b) => b > cell.top + cell.insetTop + EPSILON && b <= cellCut + EPSILON);
    if (overflows && allowed.length > 0) cellCut = Math.max(...allowed);
    else if (overflows) forced = true;
    cuts.set(cell, cellCut);
    const carried = cell.items.filter((item) => item.y + itemHeight(item) > cellCut + EPSILON);
    if (carried.length === 0) continue;
    // Carried lines taller than what is left of the cell's rows make the remainder taller.
    const needed = Math.max(...carried.map((item) => item.y + itemHeight(item))) - cellCut + cell.insetBottom;
    // A rowspan cell needs, as Chromium counts it, its height unbroken less what its part on this
    // page took (to the cut), so the room its carried lines left unused here is not made up: they
    // may overrun its box (measured 9.4-10 pt on rowspan-tall with separated borders).
    const unused = cell.spansRows ? cut - cellCut : 0;
    lift = Math.max(lift, needed - unused - (cell.top + cell.height - cut));
  }
  const move = (y: number) => y - cut + lift;
  // A rule across the cut goes on from `tailTop` in the remainder.
  const splitRules = (rules: readonly PlacedRule[], at: number, tailTop: number, shift: (y: number) => number, head: PlacedRule[], tail: PlacedRule[]) => {
    for (const rule of rules) {
      if (rule.y + rule.height <= at + EPSILON) head.push(rule);
      else if (rule.y >= at - EPSILON) tail.push({ ...rule, y: shift(rule.y) });
      else {
        head.push({ ...rule, height: at - rule.y });
        tail.push({ ...rule, y: tailTop, height: shift(rule.y + rule.height) - tailTop });
      }
    }
  };
  const { breakable } = block;
  const head: RowBlock = { height: cut, cells: [], under: [], over: [], boundaries: block.boundaries.filter((b) => b < cut - EPSILON), breakable };
  const tail: RowBlock = { height: move(block.height), cells: [], under: [], over: [], boundaries: block.boundaries.filter((b) => b > cut + EPSILON).map(move), breakable };
  for (const cell of block.cells) {
    const cellCut = cuts.get(cell);
    if (cellCut === undefined) {
      if (cell.top < cut - EPSILON) head.cells.push(cell);
      else
        tail.cells.push({
          ...cell,
          top: move(cell.top),
          firstBreak: cell.firstBreak === null ? null : move(cell.firstBreak),
          breaks: cell.breaks.map(move),
          items: cell.items.map((item) => ({ ...item, y: move(item.y) })),
        });
      continue;
    }
    // The carried lines start at the remainder's top.
    const carry = (y: number) => y - cellCut;
    const above: PageItem[] = [];
    const below: PageItem[] = [];
    const aboveRules: PlacedRule[] = [];
    const belowRules: PlacedRule[] = [];
    for (const item of cell.items) {
      if (item.kind === "rule") continue;
      if (item.y + itemHeight(item) <= cellCut + EPSILON) above.push(item);
      else below.push({ ...item, y: carry(item.y) });
    }
    splitRules(
      cell.items.filter((item): item is PlacedRule => item.kind === "rule"),
      cellCut,
      carry(cellCut),
      carry,
      aboveRules,
      belowRules,
    );
    head.cells.push({ ...cell, height: cut - cell.top, breaks: cell.breaks.filter((b) => b <= cellCut + EPSILON), items: [...aboveRules, ...above] });
    const breaks = cell.breaks.filter((b) => b > cellCut + EPSILON).map(carry);
    tail.cells.push({ ...cell, top: 0, height: move(cell.top + cell.height), firstBreak: null, breaks, items: [...belowRules, ...below] });
  }
  // The remainder's backgrounds and borders start at its top, stretched by what the cut cells carry over.
  splitRules(block.under, cut, 0, move, head.under, tail.under);
  splitRules(block.over, cut, 0, move, head.over, tail.over);
  return [head, tail, forced];
}

/** Draws a block of rows (or a fragment of one) at `top`: backgrounds, content, borders. Repeated rows are artifacts, not structure. */
function drawBlock(block: RowBlock, top: number, page: Page, artifact: boolean): void {
  for (const rule of block.under) page.items.push({ ...rule, y: rule.y + top });
  for (const cell of block.cells) {
    for (const item of cell.items) {
      const placed = { ...item, y: item.y + top };
      // A repeated header's lines and images are page artifacts, tagged once on the first page.
      page.items.push(placed.kind !== "rule" && artifact ? { ...placed, node: null } : placed);
    }
  }
  for (const rule of block.over) page.items.push({ ...rule, y: rule.y + top });
}

/** The table box's own background and (separated) borders on one page's fragment. */
function drawTableFragment(table: TableLayout, page: Page, top: number, bottom: number, first: boolean, last: boolean, at: number): void {
  const s = table.box.style;
  const height = bottom - top;
  if (s.backgroundColor) page.items.splice(at, 0, { kind: "rule", x: table.x, y: top, width: table.width, height, color: s.backgroundColor });
  const b = table.border;
  const push = (x: number, y: number, width: number, h: number, color: string) => {
    if (width > 0 && h > 0) page.items.push({ kind: "rule", x, y, width, height: h, color });
  };
  if (first) push(table.x, top, table.width, b.top, s.borderTopColor);
  if (last) push(table.x, bottom - b.bottom, table.width, b.bottom, s.borderBottomColor);
  push(table.x, top, b.left, height, s.borderLeftColor);
  push(table.x + table.width - b.right, top, b.right, height, s.borderRightColor);
}

/**
 * Puts the table on pages from the cursor's position: the header at the top of every fragment
 * (tagged content on the first page, artifacts after), then the rows that fit, the footer at the
 * foot of every fragment (each repeated only when it takes at most a quarter of the page). A row
 * moves whole to the next page unless it is taller than a page; rows a rowspan cell binds break
 * between them (rows of a row group with `break-inside: avoid` do not, when they fit a page).
 */
export function placeTable(table: TableLayout, cursor: TableCursor): void {
  const header = repeated(table, table.header, cursor.freshHeight);
  const footer = repeated(table, table.footer, cursor.freshHeight);
  const footerHeight = rowsHeight(table, table.footer);
  const repeatedFooterHeight = rowsHeight(table, footer);
  let first = true;
  let fragmentTop = cursor.y;
  let backgroundAt = cursor.page.items.length;
  let rowsHere = 0;
  // Whether the page broke between the rows a rowspan cell binds (see startFragment).
  let betweenBoundRows = false;
  const startFragment = () => {
    fragmentTop = cursor.y;
    backgroundAt = cursor.page.items.length;
    cursor.y += first ? table.top : continuationTop(table, header);
    for (const block of first ? table.header : header) {
      drawBlock(block, cursor.y, cursor.page, !first);
      cursor.y += block.height + table.after;
    }
    // Separated borders: after a repeated header, Chromium sets the rows that go on from a page
    // broken between a rowspan cell's rows one spacing lower again (measured: 2.8 pt with
    // border-spacing 3pt on US Letter), though not rows after a break between unbound rows.
    if (!first && betweenBoundRows && header.length > 0 && !table.collapse) cursor.y += table.after;
    betweenBoundRows = false;
    rowsHere = 0;
  };
  const endFragment = (last: boolean) => {
    for (const block of last ? table.footer : footer) {
      drawBlock(block, cursor.y, cursor.page, !last);
      cursor.y += block.height + table.after;
    }
    if (last) cursor.y += table.bottom;
    drawTableFragment(table, cursor.page, fragmentTop, cursor.y, first, last, backgroundAt);
  };
  startFragment();
  const queue = [...table.body];
  const place = (block: RowBlock, last: boolean) => {
    drawBlock(block, cursor.y, cursor.page, false);
    cursor.y += block.height + (last ? table.after : 0);
    rowsHere++;
  };
  while (queue.length > 0) {
    const block = queue.shift()!;
    const room = cursor.bottom - cursor.y - (queue.length === 0 ? footerHeight + table.bottom : repeatedFooterHeight) - table.after;
    // A block cut here does not end the table on this page: the table's bottom edge is not in the
    // way, and a cut between rows keeps the spacing after the last row here (a row boundary is the next row's top).
    const cutRoom = room + (queue.length === 0 ? table.bottom : 0) + table.after;
    if (block.height <= room + 0.01) {
      place(block, true);
      continue;
    }
    // Rows a rowspan cell binds break between them where one ends in the room, as Chromium breaks
    // them: the spanning cell is cut, its lines that fit here stay, the rest go on the next page.
    // When none ends there (rows made tall by a spanning cell's height), Chromium starts the rows
    // and cuts inside the first when every cell cut there keeps its `orphans` and `widows` (a cell
    // whose lines all fit is not cut, only its row's height goes on); else the rows move. The
    // spacing below the rows stays on this page (its room is that of a row that fits).
    if (block.breakable && block.boundaries.some((b) => b <= cutRoom + EPSILON)) {
      const [head, tail] = splitBlock(block, cutRoom);
      place(head, false);
      queue.unshift(tail);
      endFragment(false);
      cursor.breakPage();
      first = false;
      betweenBoundRows = true;
      startFragment();
      continue;
    }
    const inside = block.breakable && block.boundaries.length > 0 && cutRoom > 0 && rowsHere > 0 ? splitBlock(block, cutRoom - table.after) : null;
    if (inside && !inside[2] && inside[0].cells.some((cell) => cell.items.some((item) => item.kind !== "rule"))) {
      place(inside[0], false);
      queue.unshift(inside[1]);
      endFragment(false);
      cursor.breakPage();
      first = false;
      startFragment();
      continue;
    }
    const roomAfterBreak = freshRoom(table, cursor.freshHeight);
    // On a page this fragment began by a break with no row yet, another break gains nothing.
    const fresh = rowsHere === 0 && !first;
    if (block.height > roomAfterBreak + 0.01 || fresh) {
      // Taller than any page: as much of it as fits here, the rest on the next page; a block whose
      // first line alone is taller than the room is set whole, past the page's foot.
      const [head, tail] = cutRoom > 0 ? splitBlock(block, cutRoom) : [null, block];
      if (head?.cells.some((cell) => cell.items.some((item) => item.kind !== "rule"))) {
        place(head, false);
        queue.unshift(tail);
      } else if (fresh) {
        place(block, true);
        continue;
      } else queue.unshift(block);
    } else queue.unshift(block);
    endFragment(false);
    cursor.breakPage();
    first = false;
    startFragment();
  }
  endFragment(true);
}
