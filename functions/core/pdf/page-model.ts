import type { ImageSource } from "../images/image-source";
import type { StructType } from "./letter-tree";
import type { Line } from "./paragraph";

/**
 * The page model: what the layout produces and the writer draws. Pages of placed lines, rules and
 * images, each tied to its node of the logical structure tree. Kept apart from the layout so the
 * writer (and anything else that reads pages) depends on the data, not on how it was laid out.
 */

/** A node of the PDF's logical structure tree (ISO 32000 standard structure types). */
export interface StructNode {
  type: StructType;
  children: StructNode[];
  /** A Figure's text alternative (/Alt). */
  alt?: string;
  /** A table header cell's /Scope attribute. */
  scope?: "Column" | "Row";
  /** A table cell's /ColSpan and /RowSpan attributes, when it spans more than one column or row. */
  colSpan?: number;
  rowSpan?: number;
}

export interface PlacedLine {
  kind: "line";
  /** Left edge and top of the line box, in points from the page's top left corner. */
  x: number;
  y: number;
  line: Line;
  /** The structure element the line's text belongs to; null for page artifacts (the margin boxes). */
  node: StructNode | null;
  /** The Figure of each of the line's inline images (`line.images`' order; null for an ornament): the writer puts each in `node` between the words it stands between. */
  figures?: readonly (StructNode | null)[];
}

export interface PlacedRule {
  kind: "rule";
  x: number;
  y: number;
  width: number;
  height: number;
  color: string;
}

/** An image placed on a page: its content box in points from the page's top left corner. */
export interface PlacedImage {
  kind: "image";
  x: number;
  y: number;
  width: number;
  height: number;
  source: ImageSource;
}

/** An image on a page with the structure element it is tagged with (null for an ornament: an artifact). */
export type PlacedFigure = PlacedImage & { node: StructNode | null };

export type PageItem = PlacedLine | PlacedRule | PlacedFigure;

/**
 * How a page's flow, laid out on a larger page, is drawn on the paper: `paper = (dx, dy) + layout *
 * scale`, points from the page's top left corner (scale < 1). Chromium prints content wider than the
 * page's content box this way (layout.ts `shrinkFactor`); the margin boxes stay as they are.
 */
export interface FlowFrame {
  scale: number;
  dx: number;
  dy: number;
}

export interface Page {
  items: PageItem[];
  /** Set when the flow is drawn shrunk: its frame, and where the margin boxes' items start in `items` (the flow's come first). */
  shrunk?: { frame: FlowFrame; marginBoxesFrom: number };
}

export interface PageGeometry {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}
