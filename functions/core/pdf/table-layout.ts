import { LetterpressError } from "../errors";
import { borderWidthsOf, type ComputedStyle, resolveLength, type SideWidths } from "../style";
import { imageSize } from "./images";
import type { Page, PageItem, PlacedRule, StructNode } from "./page-model";
import type { Box, TableGroup, TableStructure } from "./letter-tree";

/**
 * Tables (CSS 2.1 chapter 17, as Chromium's table layout reads it): column widths by content (the
 * automatic algorithm's min/max-content widths, distributed as CSS Tables 3 describes) or fixed
 * (`table-layout: fixed`), separated borders with `border-spacing` or collapsed borders resolved
 * per edge, cells aligned by `vertical-align`; then rows put on pages, the header (and footer)
 * repeated on every page, a row split only when it is taller than a page.
 */

/** What the table needs from the block layout around it: the intrinsic widths and the lines of a cell's content. */
export interface TableHost {
  /** min-content and max-content widths of a paragraph's lines. */
  inlineWidths(box: Box): { min: number; max: number };
  /**
   * Lays a cell's content out at `x`, `width` points wide, its TH or TD structure element (with its
   * scope) added to `row`: the placed items (y from the content's top), the content's height and
   * the first line's baseline (null without lines).
   */
  layoutContent(box: Box, x: number, width: number, row: StructNode): { items: PageItem[]; height: number; baseline: number | null };
}

/** A collapsed border: the winning side's width and color (CSS 2.1 17.6.2.1). */
interface Border {
  width: number;
  color: string;
}

interface CellLayout {
  box: Box;
  /** The cell's left edge and width: its border box (separated) or between its grid lines (collapsed). */
  x: number;
  width: number;
  /** The space above and below the content inside the cell: border (or half the collapsed border) and padding. */
  insetTop: number;
  insetBottom: number;
  /** Content items, y from the row's top. */
  items: PageItem[];
  /** Where the content ends, from the row's top. */
  contentBottom: number;
  /** Collapsed borders of the cell's four edges (collapsed model only). */
  collapsed: { top: Border; right: Border; bottom: Border; left: Border } | null;
  /** Backgrounds behind the cell: its row group's, its row's and its own, in painting order. */
  backgrounds: string[];
}

interface RowLayout {
  height: number;
  cells: CellLayout[];
}

/** A table laid out, ready to be put on pages. */
export interface TableLayout {
  box: Box;
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
  header: RowLayout[];
  body: RowLayout[];
  footer: RowLayout[];
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
    return { min: width, max: width };
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

/** The table's grid: rows of cells in visual order (left to right), with their row, group and column styles. */
interface Grid {
  rows: { box: Box; group: TableGroup; cells: (Box | null)[] }[];
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
  const count = Math.max(structure.columns.length, ...ordered.flatMap((g) => g.rows.map((r) => r.cells.length)), 0);
  const rtl = table.dir === "rtl";
  const visual = <T>(list: readonly T[]): (T | null)[] => {
    const padded: (T | null)[] = [...list, ...new Array<null>(count - list.length).fill(null)];
    return rtl ? padded.reverse() : padded;
  };
  return {
    rows: ordered.flatMap((group) => group.rows.map((row) => ({ box: row.box, group, cells: visual(row.cells) }))),
    columns: visual(structure.columns),
    columnGroups: visual(structure.columnGroups),
    count,
  };
}

/** Collapsed borders: each horizontal edge (rows + 1 lines of `count` edges) and vertical edge (rows of `count + 1` edges). */
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
      const candidates: Border[] = [];
      // Cells, then rows, then row groups (at a group's edge), then columns and the table at the outer edges.
      const upper = above?.cells[c];
      const lower = below?.cells[c];
      if (upper) candidates.push(borderOf(upper.style, "Bottom"));
      if (lower) candidates.push(borderOf(lower.style, "Top"));
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
  const vertical = rows.map((row) => {
    const line: Border[] = [];
    for (let c = 0; c <= n; c++) {
      const left = row.cells[c - 1];
      const right = row.cells[c];
      const candidates: Border[] = [];
      if (left) candidates.push(borderOf(left.style, "Right"));
      if (right) candidates.push(borderOf(right.style, "Left"));
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
  const spacing = collapse ? 0 : s.borderSpacing.horizontal;
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
  grid.rows.forEach((row, r) => {
    row.cells.forEach((cell, c) => {
      if (!cell) return;
      const extras = cellExtras(cell, collapsed ? collapsed.vertical[r]![c]!.width : null, collapsed ? collapsed.vertical[r]![c + 1]!.width : null, 0);
      const content = contentWidths(cell, host);
      const column = columns[c]!;
      column.min = Math.max(column.min, content.min + extras);
      const width = cell.style.width;
      if (width !== "auto" && width.pt !== undefined) {
        const outer = cell.style.boxSizing === "border-box" ? Math.max(width.pt, extras) : width.pt + extras;
        column.fixed = Math.max(column.fixed ?? 0, outer);
      } else if (width !== "auto" && width.percent !== undefined) column.percent = Math.max(column.percent ?? 0, width.percent);
      column.max = Math.max(column.max, content.max + extras);
    });
  });
  for (const column of columns) {
    // A column given a width is as wide as that unless its content cannot fit (CSS Tables 3, 3.9.2).
    if (column.fixed !== null) column.max = Math.max(column.min, column.fixed);
    column.max = Math.max(column.max, column.min);
  }
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
  const first = p.grid.rows[0];
  first?.cells.forEach((cell, c) => {
    if (!cell || widths[c] !== null || cell.style.width === "auto") return;
    const extras = cellExtras(cell, p.collapsed ? p.collapsed.vertical[0]![c]!.width : null, p.collapsed ? p.collapsed.vertical[0]![c + 1]!.width : null, available);
    const width = resolveLength(cell.style.width, available);
    widths[c] = cell.style.boxSizing === "border-box" ? Math.max(width, extras) : width + extras;
  });
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
 * Lays the table out at the width its container gives: column widths, every cell's lines, the
 * rows' heights and the cells' vertical alignment. `node` is the table's structure element.
 */
export function layoutTable(table: Box, container: { x: number; width: number; dir: "ltr" | "rtl" }, node: StructNode, host: TableHost): TableLayout {
  const p = prepare(table, host);
  const s = table.style;
  const marginLeft = resolveLength(s.marginLeft, container.width);
  const marginRight = resolveLength(s.marginRight, container.width);
  const { width, columns } = widthsOf(table, p, container.width, marginLeft + marginRight);
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
  const vSpacing = collapse ? 0 : s.borderSpacing.vertical;
  const groupNodes = new Map<TableGroup, StructNode>();
  const rowsOf = (kind: TableGroup["kind"]) => p.grid.rows.map((row, r) => ({ row, r })).filter(({ row }) => row.group.kind === kind);
  const layRow = ({ row, r }: { row: Grid["rows"][number]; r: number }): RowLayout => {
    let groupNode = groupNodes.get(row.group);
    if (!groupNode) {
      groupNode = { type: row.group.box.struct ?? "TBody", children: [] };
      groupNodes.set(row.group, groupNode);
      node.children.push(groupNode);
    }
    const rowNode: StructNode = { type: "TR", children: [] };
    groupNode.children.push(rowNode);
    // Cells in reading order for the structure tree, visual order for drawing.
    const order = table.dir === "rtl" ? [...row.cells.keys()].reverse() : [...row.cells.keys()];
    const laid: (CellLayout & { baseline: number | null; height: number; align: ComputedStyle["verticalAlign"] })[] = [];
    for (const c of order) {
      const cell = row.cells[c];
      if (!cell) continue;
      const cs = cell.style;
      const own = borderWidthsOf(cs);
      const collapsedEdges = p.collapsed
        ? { top: p.collapsed.horizontal[r]![c]!, bottom: p.collapsed.horizontal[r + 1]![c]!, left: p.collapsed.vertical[r]![c]!, right: p.collapsed.vertical[r]![c + 1]! }
        : null;
      const border = collapsedEdges
        ? { top: collapsedEdges.top.width / 2, right: collapsedEdges.right.width / 2, bottom: collapsedEdges.bottom.width / 2, left: collapsedEdges.left.width / 2 }
        : own;
      const padding = {
        top: resolveLength(cs.paddingTop, width),
        right: resolveLength(cs.paddingRight, width),
        bottom: resolveLength(cs.paddingBottom, width),
        left: resolveLength(cs.paddingLeft, width),
      };
      const cellX = columnX[c]!;
      const cellWidth = columns[c]!;
      const contentX = cellX + border.left + padding.left;
      const contentWidth = Math.max(0, cellWidth - border.left - border.right - padding.left - padding.right);
      const content = host.layoutContent(cell, contentX, contentWidth, rowNode);
      const insetTop = border.top + padding.top;
      const insetBottom = border.bottom + padding.bottom;
      // Painted in CSS 2.1's order (17.5.1): column group, column, row group, row, cell.
      const backgrounds = [
        p.grid.columnGroups[c]?.backgroundColor,
        p.grid.columns[c]?.backgroundColor,
        row.group.box.style.backgroundColor,
        row.box.style.backgroundColor,
        cs.backgroundColor,
      ].filter((color): color is string => typeof color === "string");
      laid.push({
        box: cell,
        x: cellX,
        width: cellWidth,
        insetTop,
        insetBottom,
        items: content.items,
        contentBottom: content.height,
        collapsed: collapsedEdges,
        backgrounds,
        baseline: content.baseline,
        height: insetTop + content.height + insetBottom,
        align: cs.verticalAlign,
      });
    }
    // Baseline-aligned cells share the row's baseline (CSS 2.1 17.5.3); a cell without lines aligns its content's bottom.
    const baselineOf = (cell: (typeof laid)[number]) => cell.insetTop + (cell.baseline ?? cell.contentBottom);
    const baselined = laid.filter((cell) => cell.align === "baseline");
    const rowBaseline = Math.max(0, ...baselined.map(baselineOf));
    const height = Math.max(0, ...laid.map((cell) => cell.height), ...baselined.map((cell) => rowBaseline - baselineOf(cell) + cell.height));
    const cells: CellLayout[] = laid.map((cell) => {
      const free = height - cell.height;
      const offset = cell.align === "middle" ? free / 2 : cell.align === "bottom" ? free : cell.align === "baseline" ? rowBaseline - baselineOf(cell) : 0;
      const shift = cell.insetTop + offset;
      return {
        box: cell.box,
        x: cell.x,
        width: cell.width,
        insetTop: cell.insetTop,
        insetBottom: cell.insetBottom,
        items: cell.items.map((item) => ({ ...item, y: item.y + shift })),
        contentBottom: cell.contentBottom + shift,
        collapsed: cell.collapsed,
        backgrounds: cell.backgrounds,
      };
    });
    // Drawn left to right; the structure already has reading order.
    cells.sort((a, b) => a.x - b.x);
    return { height, cells };
  };
  const header = rowsOf("header").map(layRow);
  const body = rowsOf("body").map(layRow);
  const footer = rowsOf("footer").map(layRow);
  const collapsedTop = p.collapsed ? Math.max(0, ...(p.collapsed.horizontal[0] ?? []).map((b) => b.width)) / 2 : 0;
  const collapsedBottom = p.collapsed ? Math.max(0, ...(p.collapsed.horizontal[p.grid.rows.length] ?? []).map((b) => b.width)) / 2 : 0;
  return {
    box: table,
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

function rowsHeight(table: TableLayout, rows: readonly RowLayout[]): number {
  return rows.reduce((sum, row) => sum + row.height + table.after, 0);
}

/** What must fit on a page for the table to start there: its top, header, first row and footer (the whole table when it may not break). */
export function tableHead(table: TableLayout, whole: boolean): number {
  const rows = whole ? table.body : table.body.slice(0, 1);
  return table.top + rowsHeight(table, table.header) + rowsHeight(table, rows) + rowsHeight(table, table.footer) + table.bottom;
}

/**
 * Splits a row taller than a page at `cut` points from its top: each cell keeps the lines that end
 * above the cut and carries the rest, from its first line that does not fit, to the row's remainder.
 */
function splitRow(row: RowLayout, cut: number): [RowLayout, RowLayout] {
  const heads: CellLayout[] = [];
  const tails: CellLayout[] = [];
  let tailHeight = 0;
  for (const cell of row.cells) {
    const limit = cut - cell.insetBottom;
    let cellCut = limit;
    // Lines and images are not cut; a rule (a background, a border) is.
    const heightOf = (item: PageItem) => (item.kind === "line" ? item.line.height : item.height);
    for (const item of cell.items) if (item.kind !== "rule" && item.y < limit && item.y + heightOf(item) > limit) cellCut = Math.min(cellCut, item.y);
    const head: PageItem[] = [];
    const tail: PageItem[] = [];
    for (const item of cell.items) {
      if (item.y + heightOf(item) <= cellCut + 0.01) head.push(item);
      else if (item.kind === "rule" && item.y < cellCut) {
        head.push({ ...item, height: cellCut - item.y });
        tail.push({ ...item, y: cell.insetTop, height: item.y + item.height - cellCut });
      } else tail.push({ ...item, y: item.y - cellCut + cell.insetTop });
    }
    const rest = Math.max(0, cell.contentBottom - cellCut);
    heads.push({ ...cell, items: head, contentBottom: Math.min(cell.contentBottom, cellCut) });
    tails.push({ ...cell, items: tail, contentBottom: cell.insetTop + rest });
    tailHeight = Math.max(tailHeight, cell.insetTop + rest + cell.insetBottom);
  }
  return [
    { height: cut, cells: heads },
    { height: tailHeight, cells: tails },
  ];
}

/** Draws a row (or a fragment of one) at `top`: backgrounds, content, borders. Repeated rows are artifacts, not structure. */
function drawRow(row: RowLayout, top: number, page: Page, options: { first: boolean; last: boolean; artifact: boolean }): void {
  for (const cell of row.cells) {
    for (const color of cell.backgrounds) page.items.push({ kind: "rule", x: cell.x, y: top, width: cell.width, height: row.height, color });
  }
  for (const cell of row.cells) {
    for (const item of cell.items) {
      const placed = { ...item, y: item.y + top };
      // A repeated header's lines and images are page artifacts, tagged once on the first page.
      page.items.push(placed.kind !== "rule" && options.artifact ? { ...placed, node: null } : placed);
    }
  }
  for (const cell of row.cells) page.items.push(...cellBorders(cell, top, row.height, options));
}

function cellBorders(cell: CellLayout, top: number, height: number, options: { first: boolean; last: boolean }): PlacedRule[] {
  const rules: PlacedRule[] = [];
  const rule = (x: number, y: number, width: number, h: number, color: string) => {
    if (width > 0 && h > 0) rules.push({ kind: "rule", x, y, width, height: h, color });
  };
  if (cell.collapsed) {
    // Collapsed borders are centred on the grid lines; each cell draws the four edges it shares.
    const { top: t, right: r, bottom: b, left: l } = cell.collapsed;
    const left = cell.x - l.width / 2;
    const right = cell.x + cell.width + r.width / 2;
    if (options.first) rule(left, top - t.width / 2, right - left, t.width, t.color);
    if (options.last) rule(left, top + height - b.width / 2, right - left, b.width, b.color);
    rule(cell.x - l.width / 2, top, l.width, height, l.color);
    rule(cell.x + cell.width - r.width / 2, top, r.width, height, r.color);
    return rules;
  }
  const s = cell.box.style;
  const e = borderWidthsOf(s);
  if (options.first) rule(cell.x, top, cell.width, e.top, s.borderTopColor);
  if (options.last) rule(cell.x, top + height - e.bottom, cell.width, e.bottom, s.borderBottomColor);
  rule(cell.x, top, e.left, height, s.borderLeftColor);
  rule(cell.x + cell.width - e.right, top, e.right, height, s.borderRightColor);
  return rules;
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
 * foot of every fragment. A row moves whole to the next page unless it is taller than a page.
 */
export function placeTable(table: TableLayout, cursor: TableCursor): void {
  const footerHeight = rowsHeight(table, table.footer);
  const headerHeight = rowsHeight(table, table.header);
  let first = true;
  let fragmentTop = cursor.y;
  let backgroundAt = cursor.page.items.length;
  let rowsHere = 0;
  const startFragment = () => {
    fragmentTop = cursor.y;
    backgroundAt = cursor.page.items.length;
    cursor.y += first ? table.top : table.continuationTop;
    for (const row of table.header) {
      drawRow(row, cursor.y, cursor.page, { first: true, last: true, artifact: !first });
      cursor.y += row.height + table.after;
    }
    rowsHere = 0;
  };
  const endFragment = (last: boolean) => {
    for (const row of table.footer) {
      drawRow(row, cursor.y, cursor.page, { first: true, last: true, artifact: !last });
      cursor.y += row.height + table.after;
    }
    if (last) cursor.y += table.bottom;
    drawTableFragment(table, cursor.page, fragmentTop, cursor.y, first, last, backgroundAt);
  };
  startFragment();
  const queue = [...table.body];
  let continued = false;
  const place = (row: RowLayout, last: boolean) => {
    drawRow(row, cursor.y, cursor.page, { first: !continued, last, artifact: false });
    cursor.y += row.height + (last ? table.after : 0);
    rowsHere++;
    continued = !last;
  };
  while (queue.length > 0) {
    const row = queue.shift()!;
    const room = cursor.bottom - cursor.y - footerHeight - (queue.length === 0 ? table.bottom : 0) - table.after;
    if (row.height <= room + 0.01) {
      place(row, true);
      continue;
    }
    const freshRoom = cursor.freshHeight - table.continuationTop - headerHeight - footerHeight - table.after;
    // On a page this fragment began by a break with no row yet, another break gains nothing.
    const fresh = rowsHere === 0 && !first;
    if (row.height > freshRoom + 0.01 || fresh) {
      // Taller than any page: as much of it as fits here, the rest on the next page; a row whose
      // first line alone is taller than the room is set whole, past the page's foot.
      const [head, tail] = room > 0 ? splitRow(row, room) : [null, row];
      if (head?.cells.some((cell) => cell.items.length > 0)) {
        place(head, false);
        queue.unshift(tail);
      } else if (fresh) {
        place(row, true);
        continue;
      } else queue.unshift(row);
    } else queue.unshift(row);
    endFragment(false);
    cursor.breakPage();
    first = false;
    startFragment();
  }
  endFragment(true);
}
