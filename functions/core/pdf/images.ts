import type { DefaultTreeAdapterTypes } from "parse5";
import { LetterpressError } from "../errors";
import { describeImage, readImageElement } from "../images/image-element";
import { type ImageSource, resolveImage, type TemplateAssets } from "../images/image-source";
import { borderWidthsOf, type ComputedStyle, resolveLength } from "../style";
import type { InlineStyle } from "./letter-tree";
import type { AtomicInline, InlineAlign, LineBox } from "./line-box";
import type { PlacedFigure, StructNode } from "./page-model";
import { type Line, OBJECT_REPLACEMENT, type StyledText } from "./paragraph";

/**
 * Images as replaced boxes of the layout: an `<img>` with `display: block` is a block box of its
 * own; an `<img>` alone in a block (a logo in the letterhead, a signature above a name) sits on that
 * block's one line, on the baseline of its strut, as browsers set it; an `<img>` beside text is an
 * atomic inline box of its paragraph (`atomicImageRun`; paragraph.ts sets it, line-box.ts grows its
 * line). Sized as CSS 2.1 sizes a
 * replaced element (10.3.2, 10.6.2, 10.4): `width`, `height`, `max-width` and the `width`/`height`
 * attributes (presentational hints), the intrinsic ratio kept where a dimension is `auto`.
 */

type Element = DefaultTreeAdapterTypes.Element;
type ChildNode = DefaultTreeAdapterTypes.ChildNode;

/** A box's content when it is an image. */
export interface ImageContent {
  kind: "image";
  source: ImageSource;
  alt: string;
  decorative: boolean;
  /** On its block's line (an inline image alone in a block), or a block box itself. */
  inline: boolean;
  /** The `<img>`'s own computed style (its size). */
  style: ComputedStyle;
}

/** A CSS pixel in points. */
const PX = 0.75;

function where(img: Element): string {
  const line = img.sourceCodeLocation?.startLine;
  return `filled template${line ? ` line ${line}` : ""}: ${describeImage(img.attrs)}`;
}

/** The attributes an `<img>` may carry beyond the neutral ones (class, id, role, ...). */
export const IMAGE_ATTRIBUTES: ReadonlySet<string> = new Set(["src", "alt", "width", "height"]);

/** Reads and checks an `<img>` of the filled template: its alt text and its file (see image-source.ts). */
export function imageContent(img: Element, style: ComputedStyle, assets: TemplateAssets | undefined, inline: boolean): ImageContent {
  const at = where(img);
  const { src, alt, decorative } = readImageElement(img.attrs, at);
  if (inline) {
    // On a line, the PDF places the image's content box alone; its own box model would be lost.
    const spaced = [style.marginTop, style.marginRight, style.marginBottom, style.marginLeft, style.paddingTop, style.paddingRight, style.paddingBottom, style.paddingLeft].some(
      (v) => (v.pt ?? v.percent) !== 0,
    );
    const bordered = [style.borderTopStyle, style.borderRightStyle, style.borderBottomStyle, style.borderLeftStyle].some((s) => s === "solid");
    if (spaced || bordered)
      throw new LetterpressError("TEMPLATE_ERROR", `${at}: an image on a line has no margin, padding or border in the PDF; give it display: block for a box of its own`);
    // A baseline shift is read on inline text (sup, sub); an image aligns as its box (line-box.ts InlineAlign).
    if (typeof style.verticalAlign !== "string" || style.verticalAlign === "super" || style.verticalAlign === "sub")
      throw new LetterpressError(
        "TEMPLATE_ERROR",
        `${at}: an image on a line takes vertical-align baseline, middle, top, bottom, text-top or text-bottom in the PDF (super, sub, lengths and percentages are for inline text)`,
      );
  }
  return { kind: "image", source: resolveImage(src, assets, at), alt, decorative, inline, style };
}

/** The `<img>` that is the only content of a run of inline nodes (blank text and comments aside), or null. */
export function soleImage(nodes: readonly ChildNode[], isBlank: (node: ChildNode) => boolean): Element | null {
  const content = nodes.filter((node) => !isBlank(node));
  const only = content[0];
  return content.length === 1 && only && "tagName" in only && only.tagName === "img" ? only : null;
}

/**
 * The image as a table's max-content measure sees it (CSS Sizing 3, 5.2.2: a percentage-sized
 * replaced element is compressible): a percentage `width` or `max-width` counts as `auto` or `none`,
 * its own size stands. Chromium's cell with "Jane Doe <img style="width: 50%">" (a 240px image) is
 * the text and 240px wide, the image then half of it; its min-content measure resolves the
 * percentage against zero (`imageSize` with a zero container), as ours does.
 */
export function forMaxContent(image: ImageContent): ImageContent {
  const { width, maxWidth } = image.style;
  const percentWidth = width !== "auto" && width.percent !== undefined;
  const percentMax = maxWidth !== "none" && maxWidth.percent !== undefined;
  if (!percentWidth && !percentMax) return image;
  return { ...image, style: { ...image.style, ...(percentWidth ? { width: "auto" } : {}), ...(percentMax ? { maxWidth: "none" } : {}) } };
}

/** The size of an image's content box, in points, within a containing block `containerWidth` wide. */
export function imageSize(image: ImageContent, containerWidth: number): { width: number; height: number } {
  const s = image.style;
  const intrinsic = { width: image.source.width * PX, height: image.source.height * PX };
  const ratio = intrinsic.width / intrinsic.height;
  // border-box sizes include the padding and border, which the content box does not.
  const border = borderWidthsOf(s);
  const horizontal = s.boxSizing === "border-box" ? resolveLength(s.paddingLeft, containerWidth) + resolveLength(s.paddingRight, containerWidth) + border.left + border.right : 0;
  const vertical = s.boxSizing === "border-box" ? resolveLength(s.paddingTop, containerWidth) + resolveLength(s.paddingBottom, containerWidth) + border.top + border.bottom : 0;
  const specifiedWidth = s.width === "auto" ? null : Math.max(0, resolveLength(s.width, containerWidth) - horizontal);
  const specifiedHeight = s.height === "auto" ? null : Math.max(0, s.height.pt - vertical);
  let width = specifiedWidth ?? (specifiedHeight !== null ? specifiedHeight * ratio : intrinsic.width);
  let height = specifiedHeight ?? (specifiedWidth !== null ? specifiedWidth / ratio : intrinsic.height);
  if (s.maxWidth !== "none") {
    const max = Math.max(0, resolveLength(s.maxWidth, containerWidth) - horizontal);
    if (width > max) {
      // With both dimensions auto the ratio holds (CSS 2.1 10.4's table); a set height stays.
      if (specifiedHeight === null) height = max / ratio;
      width = max;
    }
  }
  return { width, height };
}

/**
 * The line an image makes, for pagination (one unbreakable line) and where the image sits on it.
 * A block image's line is its content box. An inline image sits with its bottom on the baseline of
 * its block's strut: the line is as tall as the strut's ascent or the image, whichever is taller,
 * plus the strut's descent; the image is placed along the line by `text-align`.
 */
export function imageLine(
  image: ImageContent,
  size: { width: number; height: number },
  block: { style: ComputedStyle; dir: "ltr" | "rtl"; contentWidth: number; indent: number; strut: LineBox },
): { line: Line; dx: number; dy: number } {
  if (!image.inline) return { line: { runs: [], ascent: size.height, height: size.height, width: size.width }, dx: 0, dy: 0 };
  const { style, strut } = block;
  const ascent = strut.baseline;
  const descent = strut.height - strut.baseline;
  const above = Math.max(ascent, size.height);
  // text-indent comes first on the line, as a space would; the rest of the line is aligned.
  const free = block.contentWidth - block.indent - size.width;
  const align = style.textAlign === "left" ? (block.dir === "ltr" ? "start" : "end") : style.textAlign === "right" ? (block.dir === "ltr" ? "end" : "start") : style.textAlign;
  const fromStart = block.indent + (align === "center" ? free / 2 : align === "end" ? free : 0);
  const dx = block.dir === "ltr" ? fromStart : block.contentWidth - size.width - fromStart;
  return { line: { runs: [], ascent: above, height: above + descent, width: size.width }, dx, dy: above - size.height };
}

/** An image taller than the page area would be cut by any printer: said, never drawn differently. */
export function checkFitsPage(image: ImageContent, height: number, pageAreaHeight: number): void {
  if (height > pageAreaHeight + 0.01)
    throw new LetterpressError(
      "TEMPLATE_ERROR",
      `${image.source.file}: drawn ${height.toFixed(1)}pt tall, taller than the page area (${pageAreaHeight.toFixed(1)}pt); set a smaller height or max-width`,
    );
}

/**
 * An inline image as a run of its paragraph: one U+FFFC (what browsers hold an atomic inline as
 * for line breaking and bidi) carrying its box, sized within the paragraph's `containerWidth`.
 */
export function atomicImageRun(image: ImageContent, inline: InlineStyle, containerWidth: number): StyledText {
  const { width, height } = imageSize(image, containerWidth);
  // Lines are cached across documents: the key names everything of the image a line keeps.
  const key = JSON.stringify([image.source.digest, image.source.file, image.alt, image.decorative]);
  return {
    text: OBJECT_REPLACEMENT,
    // The parent's style, as the image inherits it: it keys the set paragraph, and vertical-align reads its face.
    style: { bold: inline.bold, italic: inline.italic },
    ...(inline.lang ? { lang: inline.lang } : {}),
    ...(inline.isolates ? { isolates: inline.isolates } : {}),
    image: {
      width,
      height,
      align: image.style.verticalAlign as InlineAlign,
      key,
      content: image,
      parentStyle: { bold: inline.bold, italic: inline.italic },
    } satisfies AtomicInline<ImageContent>,
  };
}

/** Per line, a Figure with its alt text for each inline image (an artifact, null, for a decorative one), added to the paragraph's `node`; undefined when no line holds an image. */
export function lineFigures(lines: readonly Line[], node: StructNode): (StructNode | null)[][] | undefined {
  if (!lines.some((line) => line.images)) return undefined;
  return lines.map((line) =>
    (line.images ?? []).map(({ box }) => {
      const image = box.content as ImageContent;
      if (image.decorative) return null;
      const figure: StructNode = { type: "Figure", children: [], alt: image.alt };
      node.children.push(figure);
      return figure;
    }),
  );
}

/** A line's inline images placed on the page, the line box's top left at (`x`, `y`). */
export function placeLineImages(line: Line, x: number, y: number, figures: readonly (StructNode | null)[]): PlacedFigure[] {
  return (line.images ?? []).map((placed, i) => {
    const image = placed.box.content as ImageContent;
    return { kind: "image", x: x + placed.x, y: y + placed.top, width: placed.box.width, height: placed.box.height, source: image.source, node: figures[i] ?? null };
  });
}

/** A line grown by its images past the page area would be cut as a block image would: said, naming the image (`checkFitsPage`). */
export function checkLinesFitPage(lines: readonly Line[], pageAreaHeight: number): void {
  for (const line of lines) for (const placed of line.images ?? []) checkFitsPage(placed.box.content as ImageContent, line.height, pageAreaHeight);
}
