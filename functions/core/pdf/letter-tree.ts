import { parse } from "parse5";
import type { DefaultTreeAdapterTypes } from "parse5";
import { LetterpressError } from "../errors";
import type { ComputedStyle, StyledDocument } from "../style";
import type { TemplateAssets } from "../images/image-source";
import type { BidiIsolate } from "./paragraph";
import { IMAGE_ATTRIBUTES, type ImageContent, imageContent, soleImage } from "./images";
import { LETTER_PAGE_START } from "../template/markup-pieces";

/**
 * The parse stage and the formatting structure. The filled template is parsed as the HTML
 * edition's page shows it (`<html><body><main>` around the letter's `<article>`), its markup checked
 * against templates/VOCABULARY.md; once styled, it becomes the tree of boxes that layout reads:
 * blocks with their computed styles, and paragraphs of inline text.
 */

type Element = DefaultTreeAdapterTypes.Element;
type ChildNode = DefaultTreeAdapterTypes.ChildNode;
export type TextNode = DefaultTreeAdapterTypes.TextNode;

/** Text nodes read as other text: a letter of a known shape, its tree reused with another reader's words (render-pdf.ts). */
export type TextReplacements = ReadonlyMap<TextNode, string>;

export interface InlineStyle {
  bold: boolean;
  italic: boolean;
  /** The run's language when it differs from the letter's (`span lang`). */
  lang?: string;
  /** The bidi isolates the run is inside, outermost first: one per element of `unicode-bidi: isolate` (HTML's user-agent sheet: every `[dir]`, `bdi`). */
  isolates?: readonly BidiIsolate[];
  /**
   * The run's own font size, used line-height and baseline shift, in points, where an inline element (`sup`, `sub`,
   * `small`) sets them apart from its paragraph's (`inlineMetricsOf`); absent: the paragraph's.
   */
  metrics?: InlineMetrics;
}

/** An inline box's font size, its used line-height (CSS 2.1 §10.8.1: its inline box's height) and its baseline's shift up from its paragraph's. */
export interface InlineMetrics {
  size: number;
  lineHeight: number;
  /** Points above the paragraph's baseline (below: negative), the shifts of every enclosing inline element added up. */
  rise: number;
}

/** A run of text, a forced break (`<br>`), or an inline image (an atomic inline box, with the isolates and language it sits in). */
export type Inline = { kind: "text"; text: string; style: InlineStyle } | { kind: "break" } | { kind: "image"; image: ImageContent; style: InlineStyle };

/** ISO 32000 standard structure types the layout tags content with. */
export type StructType =
  | "Document"
  | "Sect"
  | "Div"
  | "H1"
  | "H2"
  | "H3"
  | "P"
  | "BlockQuote"
  | "L"
  | "LI"
  | "Lbl"
  | "LBody"
  | "Note"
  | "Figure"
  | "Table"
  | "Caption"
  | "THead"
  | "TBody"
  | "TFoot"
  | "TR"
  | "TH"
  | "TD";

/** A table's rows, each a box (its style) and its cells, each a block box. */
export interface TableRow {
  box: Box;
  cells: Box[];
}

/** A row group: the table's header or footer (repeated on every page), or a body. */
export interface TableGroup {
  box: Box;
  kind: "header" | "body" | "footer";
  rows: TableRow[];
}

/** A table's formatting structure (CSS 2.1 17.2): its caption, its columns' styles and its row groups in source order. */
export interface TableStructure {
  caption: Box | null;
  columns: ComputedStyle[];
  /** Each column's column group (`colgroup` around its `col`), if any. */
  columnGroups: (ComputedStyle | null)[];
  groups: TableGroup[];
}

/** A block box: an element (or an anonymous run of inline content) with its computed style. */
export interface Box {
  element: Element | null;
  style: ComputedStyle;
  dir: "ltr" | "rtl";
  /** The structure element the box makes; null for boxes that only group (html, body, main, article, hr). */
  struct: StructType | null;
  content: { kind: "inline"; inlines: Inline[] } | { kind: "blocks"; children: Box[] } | ImageContent | { kind: "table"; table: TableStructure };
  /** The number of a list item among its list's items (from 1). */
  ordinal?: number;
  /** A header cell's scope (PDF's /Scope): the column below it or the row beside it. */
  scope?: "Column" | "Row";
  /** A table cell's `colspan` and `rowspan` as written (rows 0: to the end of its row group). */
  span?: CellSpan;
}

/** How many columns and rows a table cell spans, as its attributes say (HTML's table model). */
export interface CellSpan {
  columns: number;
  /** 0: every row to the end of the cell's row group. */
  rows: number;
}

/** HTML's limits (the HTML Standard, "the td element"): colspan 1 to 1000, rowspan 0 to 65534. */
const SPAN_LIMITS: Readonly<Record<string, { min: number; max: number }>> = { colspan: { min: 1, max: 1000 }, rowspan: { min: 0, max: 65534 } };

/**
 * What is wrong with a cell's `colspan` or `rowspan` value, or null when it is a whole number within
 * HTML's limits. A browser would quietly read "2.5" as 2 and "0" as 1: here both are refused.
 */
export function spanProblem(name: "colspan" | "rowspan", value: string): string | null {
  const { min, max } = SPAN_LIMITS[name]!;
  if (/^[0-9]+$/.test(value.trim()) && Number(value) >= min && Number(value) <= max) return null;
  const meaning = name === "rowspan" ? " (0: to the end of the row group)" : "";
  return `has ${name}="${value.length > 20 ? `${value.slice(0, 20)}...` : value}": expected a whole number from ${min} to ${max}${meaning} (templates/VOCABULARY.md)`;
}

/** The parsed letter: the document's root element and the letter's language and direction. */
export interface ParsedLetter {
  root: Element;
  lang: string;
  dir: "ltr" | "rtl";
}

const BLOCK_TAGS = new Set([
  "html",
  "body",
  "main",
  "article",
  "header",
  "section",
  "footer",
  "div",
  "p",
  "h1",
  "h2",
  "h3",
  "blockquote",
  "address",
  "ul",
  "ol",
  "li",
  "hr",
  ...["table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"],
]);
const INLINE_TAGS = new Set(["strong", "em", "b", "i", "q", "abbr", "time", "a", "span", "bdi", "br", "cite", "img", "sup", "sub", "small"]);

/** Attributes that carry no layout; `class` and `data-*` are read by the stylesheets. */
const NEUTRAL_ATTRIBUTES = new Set(["id", "class", "lang", "dir", "role", "aria-labelledby", "aria-label", "title", "cite", "datetime", "href", "scope"]);

export function describe(element: Element): string {
  const cls = attribute(element, "class");
  return `<${element.tagName}${cls ? ` class="${cls}"` : ""}>`;
}

function attribute(element: Element, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

function fail(element: Element, why: string): never {
  throw new LetterpressError("TEMPLATE_ERROR", `${where(element)}: ${describe(element)} ${why}`);
}

function isElement(node: ChildNode | DefaultTreeAdapterTypes.Node): node is Element {
  return "tagName" in node;
}

function isBlank(node: ChildNode): boolean {
  return node.nodeName === "#comment" || (node.nodeName === "#text" && !/\S/.test((node as DefaultTreeAdapterTypes.TextNode).value));
}

/** Attributes that hold a URL: an `https:` address or a `#fragment` of the page, nothing a browser would run or fetch otherwise. */
const URL_ATTRIBUTES = new Set(["href", "cite"]);
const ALLOWED_URL = /^\s*(?:https:|#)/i;

/** One way an element is outside the letter vocabulary: the element, and the attribute at fault if one is. */
export interface VocabularyProblem {
  element: Element;
  /** The attribute at fault, with its value; none when the element itself is unknown. */
  attribute?: { name: string; value: string };
  /** What is wrong, after the element's description: "is not an element of the letter vocabulary (...)". */
  detail: string;
}

/**
 * Every element under `root` (itself included) is of the vocabulary, with attributes that carry no
 * layout of their own: every problem, in document order, so that a template or a letter is fixed in
 * one pass. `unknownText` marks text that comes from elsewhere (a template's `{{ }}` before it is filled):
 * a URL that could still become an allowed one there is not judged.
 */
export function vocabularyProblems(root: Element, unknownText?: string): VocabularyProblem[] {
  const problems: VocabularyProblem[] = [];
  const visit = (element: Element) => {
    const known = BLOCK_TAGS.has(element.tagName) || INLINE_TAGS.has(element.tagName);
    if (!known && !(unknownText && element.tagName.includes(unknownText))) {
      problems.push({ element, detail: "is not an element of the letter vocabulary (templates/VOCABULARY.md)" });
    }
    for (const { name, value } of element.attrs) {
      if (unknownText && name.includes(unknownText)) continue;
      if (URL_ATTRIBUTES.has(name) && !ALLOWED_URL.test(value)) {
        // Text still to come (a template's {{ }}) may yet make an https: address of what is written before it.
        const written = unknownText ? value.split(unknownText)[0]!.trim().toLowerCase() : null;
        if (written !== null && value.includes(unknownText!) && "https:".startsWith(written)) continue;
        problems.push({
          element,
          attribute: { name, value },
          detail: `has ${name}="${value.length > 60 ? `${value.slice(0, 60)}...` : value}": expected an https: address or a #fragment (templates/VOCABULARY.md)`,
        });
      }
    }
    for (const { name, value } of element.attrs) {
      if (unknownText && name.includes(unknownText)) continue;
      // A table cell's spans, which the table layout reads.
      if ((name === "colspan" || name === "rowspan") && (element.tagName === "td" || element.tagName === "th")) {
        // A value still to come from data is judged once filled.
        const problem = unknownText && value.includes(unknownText) ? null : spanProblem(name, value);
        if (problem) problems.push({ element, attribute: { name, value }, detail: problem });
        continue;
      }
      if (!NEUTRAL_ATTRIBUTES.has(name) && !name.startsWith("data-") && !(element.tagName === "img" && IMAGE_ATTRIBUTES.has(name))) {
        problems.push({ element, attribute: { name, value }, detail: `has an attribute the PDF layout does not know: ${name}` });
      }
    }
    for (const child of element.childNodes) if (isElement(child)) visit(child);
  };
  visit(root);
  return problems;
}

/** The letter's markup outside the vocabulary: every problem at once, each naming its line of the filled template. */
export class MarkupError extends LetterpressError {
  constructor(readonly problems: readonly VocabularyProblem[]) {
    super("TEMPLATE_ERROR", problems.map((problem) => `${where(problem.element)}: ${describe(problem.element)} ${problem.detail}`).join("\n"));
  }
}

/**
 * A filled letter that is not one `<article class="letter">` with nothing beside it: the template's
 * letter.hbs wrote it (its markup is checked when it loads, so what is left came through a `{{ }}`
 * or a partial); render-document.ts names the template's file.
 */
export class LetterShapeError extends LetterpressError {
  constructor(readonly found: string) {
    super("TEMPLATE_ERROR", `filled template: expected exactly one <article class="letter"> and nothing beside it; found ${found}`);
  }
}

function where(element: Element): string {
  const line = element.sourceCodeLocation?.startLine;
  return `filled template${line ? ` line ${line}` : ""}`;
}

/** The letter's markup that is outside the vocabulary, as one error naming every problem. */
function checkVocabulary(element: Element): void {
  const problems = vocabularyProblems(element);
  if (problems.length > 0) throw new MarkupError(problems);
}

/**
 * Parses the filled template (one `<article class="letter">`) inside the page the HTML edition
 * wraps it in, so that selectors on html, body and main match in both editions.
 */
export function parseLetter(filledTemplate: string, sourceCodeLocationInfo = false): ParsedLetter {
  // The wrapper is on the fragment's first line, so source lines are the fragment's own.
  const document = parse(`${LETTER_PAGE_START}${filledTemplate}</main></body></html>`, { sourceCodeLocationInfo });
  const html = document.childNodes.find(isElement)!;
  const body = html.childNodes.find((n): n is Element => isElement(n) && n.tagName === "body")!;
  const main = body.childNodes.find(isElement)!;
  const roots = main.childNodes.filter((n) => !isBlank(n));
  const article = roots[0];
  if (
    roots.length !== 1 ||
    body.childNodes.filter((n) => !isBlank(n)).length !== 1 ||
    !article ||
    !isElement(article) ||
    article.tagName !== "article" ||
    !attribute(article, "class")?.split(/\s+/).includes("letter")
  ) {
    const stray = [...roots, ...body.childNodes.filter((n) => n !== main && !isBlank(n))].find((n) => n !== article || !isElement(n) || n.tagName !== "article");
    throw new LetterShapeError(
      stray === undefined ? "nothing" : isElement(stray) ? describe(stray) : `text "${(stray as DefaultTreeAdapterTypes.TextNode).value.trim().slice(0, 40)}"`,
    );
  }
  checkVocabulary(article);
  const lang = attribute(article, "lang") ?? "";
  const dir = attribute(article, "dir") === "rtl" ? "rtl" : "ltr";
  // The HTML edition's page carries the letter's language and direction on <html>: so does this one.
  html.attrs.push({ name: "lang", value: lang }, { name: "dir", value: dir });
  html.childNodes = html.childNodes.filter((n) => !(isElement(n) && n.tagName === "head"));
  return { root: html, lang, dir };
}

/** HTML collapses white space in flow text; `pre-line` keeps line feeds as breaks. */
function collapse(inlines: readonly Inline[], whiteSpace: ComputedStyle["whiteSpace"]): Inline[] {
  const split: Inline[] = [];
  for (const inline of inlines) {
    if (inline.kind === "text" && whiteSpace === "pre-line" && inline.text.includes("\n")) {
      inline.text.split("\n").forEach((part, i) => {
        if (i > 0) split.push({ kind: "break" });
        split.push({ kind: "text", text: part, style: inline.style });
      });
    } else split.push(inline);
  }
  const out: Inline[] = [];
  let atLineStart = true;
  for (const inline of split) {
    if (inline.kind === "image") {
      out.push(inline);
      atLineStart = false;
      continue;
    }
    if (inline.kind === "break") {
      const last = out[out.length - 1];
      if (last?.kind === "text") last.text = last.text.replace(/ +$/, "");
      out.push(inline);
      atLineStart = true;
      continue;
    }
    let text = inline.text.replace(/[\t\n\r\f ]+/g, " ");
    if (atLineStart) text = text.replace(/^ +/, "");
    if (text === "") continue;
    // A text that collapses to itself stays the same inline, which `BoxBuilder`'s sources name.
    out.push(text === inline.text ? inline : { kind: "text", text, style: inline.style });
    atLineStart = text.endsWith(" ");
  }
  const last = out[out.length - 1];
  if (last?.kind === "text") {
    last.text = last.text.replace(/ +$/, "");
    if (last.text === "") out.pop();
  }
  return out;
}

/**
 * The property an inline element sets apart from its paragraph, which the PDF cannot: it sets a paragraph's lines in one
 * color and spacing. Font size and a baseline shift it can (`inlineMetricsOf`); a line-height of its own only as the
 * paragraph's factor or length carried to the inline's size, as CSS inherits it.
 */
function apartFromParagraph(inline: ComputedStyle, block: ComputedStyle): string | null {
  if (inline.color !== block.color) return "color";
  if (inline.letterSpacing !== block.letterSpacing) return "letter-spacing";
  if (inline.lineHeight.factor !== block.lineHeight.factor || inline.lineHeight.pt !== block.lineHeight.pt) return "line-height";
  if (typeof inline.verticalAlign === "string" && !TEXT_VERTICAL_ALIGN.has(inline.verticalAlign))
    return `vertical-align apart from its paragraph (${inline.verticalAlign} aligns a box: an image, a table cell; inline text takes baseline, super, sub, a length or a percentage)`;
  return null;
}

/** The values of `vertical-align` an inline element of text takes: a shift of its baseline (the others align boxes: images, cells). */
const TEXT_VERTICAL_ALIGN = new Set(["baseline", "super", "sub"]);

/** CSS pixels in a point: Blink works out `super` and `sub` in pixels. */
const PX_PER_PT = 96 / 72;

/**
 * How far (points, up) an inline element's `vertical-align` shifts its baseline from its parent's, as Chromium 156 shifts it
 * (Blink's InlineBoxState: `super` raises by a third of the parent's font size plus one pixel, `sub` lowers by a fifth
 * plus one pixel, the division in its 1/64 px layout units); a length as given; a percentage of the element's line-height.
 */
export function baselineShiftOf(align: ComputedStyle["verticalAlign"], parentSize: number, lineHeight: number): number {
  const layoutUnitsPx = (px: number) => Math.floor(px * 64) / 64;
  if (align === "super") return (layoutUnitsPx((parentSize * PX_PER_PT) / 3) + 1) / PX_PER_PT;
  if (align === "sub") return -(layoutUnitsPx((parentSize * PX_PER_PT) / 5) + 1) / PX_PER_PT;
  if (typeof align === "object") return "pt" in align ? align.pt : (align.percent / 100) * lineHeight;
  return 0;
}

/** An inline element's metrics within its parent's (`InlineStyle.metrics`); undefined while it and its ancestors keep the paragraph's. */
function inlineMetricsOf(computed: ComputedStyle, parent: InlineMetrics | undefined, block: ComputedStyle): InlineMetrics | undefined {
  const parentSize = parent?.size ?? block.fontSize;
  const lineHeight = computed.lineHeight.factor !== undefined ? computed.lineHeight.factor * computed.fontSize : computed.lineHeight.pt!;
  const rise = (parent?.rise ?? 0) + baselineShiftOf(computed.verticalAlign, parentSize, lineHeight);
  if (parent === undefined && computed.fontSize === block.fontSize && rise === 0) return undefined;
  return { size: computed.fontSize, lineHeight, rise };
}

/** Builds the box tree from the styled document. */
export class BoxBuilder {
  constructor(
    private readonly styled: StyledDocument,
    /** The template's images, which `<img src>` names. */
    private readonly assets?: TemplateAssets,
    /** Text nodes whose text this letter replaces (a reused tree, see `TextReplacements`). */
    private readonly replacements?: TextReplacements,
    /** Filled in when given: the text node each text inline was read from. */
    private readonly sources?: Map<Inline, TextNode>,
  ) {}

  build(letter: ParsedLetter): Box {
    const box = this.blockBox(letter.root);
    if (!box) throw new LetterpressError("TEMPLATE_ERROR", "filled template: the stylesheet hides the whole letter (display: none on its root)");
    return box;
  }

  private display(node: ChildNode): "none" | "inline" | "block" {
    if (!isElement(node)) return isBlank(node) || node.nodeName === "#comment" ? "none" : "inline";
    const { display } = this.styled.styleOf(node);
    if (display === "none") return "none";
    if (display === "block" || display === "list-item") return "block";
    if (display === "inline") return "inline";
    // A replaced element is an atomic inline either way: inline-block changes nothing for an <img>.
    if (display === "inline-block" && node.tagName === "img") return "inline";
    if (display === "table") return "block";
    return fail(node, `has display: ${display} outside a table; the PDF lays out table parts inside a display: table only`);
  }

  /** An image alone in its block, on the baseline: its block's one line (images.ts `imageLine`); other alignments are set as paragraphs. */
  private soleBaselineImage(nodes: readonly ChildNode[]): Element | null {
    const image = soleImage(nodes, isBlank);
    return image && this.styled.styleOf(image).verticalAlign === "baseline" ? image : null;
  }

  private structOf(element: Element): StructType | null {
    if (attribute(element, "role") === "note") return "Note";
    switch (element.tagName) {
      case "p":
      case "address":
        return "P";
      case "h1":
      case "h2":
      case "h3":
        return element.tagName.toUpperCase() as "H1" | "H2" | "H3";
      case "blockquote":
        return "BlockQuote";
      case "ul":
      case "ol":
        return "L";
      case "li":
        return "LI";
      case "table":
        return "Table";
      case "caption":
        return "Caption";
      case "thead":
        return "THead";
      case "tbody":
        return "TBody";
      case "tfoot":
        return "TFoot";
      case "tr":
        return "TR";
      case "th":
        return "TH";
      case "td":
        return "TD";
      case "header":
      case "section":
      case "footer":
      case "div":
        return "Sect";
      default:
        return null;
    }
  }

  private blockBox(element: Element, ordinal?: number): Box | null {
    const style = this.styled.styleOf(element);
    if (style.display === "none") return null;
    const dir = this.styled.dirOf(element);
    const struct = this.structOf(element);
    if (element.tagName === "img") return { element, style, dir, struct, ordinal, content: imageContent(element, style, this.assets, false) };
    if (style.height !== "auto") fail(element, "has a height; the PDF sizes only images by height (a box is as tall as its content)");
    if (style.display === "table") return { element, style, dir, struct, content: { kind: "table", table: this.tableStructure(element) } };
    const children = element.childNodes;
    const displays = children.map((child) => this.display(child));
    const image = displays.includes("block") ? null : this.soleBaselineImage(children);
    if (image) return { element, style, dir, struct, ordinal, content: imageContent(image, this.styled.styleOf(image), this.assets, true) };
    if (!displays.includes("block")) {
      return {
        element,
        style,
        dir,
        struct,
        ordinal,
        content: {
          kind: "inline",
          inlines: collapse(this.inlines(children, style, { bold: style.fontWeight >= 600, italic: style.fontStyle === "italic" }, []), style.whiteSpace),
        },
      };
    }
    // Inline content beside blocks goes into anonymous paragraphs, styled by inheritance alone.
    const boxes: Box[] = [];
    let run: ChildNode[] = [];
    let items = 0;
    const flush = () => {
      if (run.some((node) => !isBlank(node))) {
        const anonymous = this.styled.anonymousStyle(style);
        const image = this.soleBaselineImage(run);
        if (image) {
          boxes.push({ element: null, style: anonymous, dir, struct: "P", content: imageContent(image, this.styled.styleOf(image), this.assets, true) });
          run = [];
          return;
        }
        const inlines = collapse(this.inlines(run, anonymous, { bold: anonymous.fontWeight >= 600, italic: anonymous.fontStyle === "italic" }, []), anonymous.whiteSpace);
        if (inlines.length > 0) boxes.push({ element: null, style: anonymous, dir, struct: "P", content: { kind: "inline", inlines } });
      }
      run = [];
    };
    children.forEach((child, i) => {
      if (displays[i] === "block") {
        flush();
        const childElement = child as Element;
        const isItem = this.styled.styleOf(childElement).display === "list-item";
        const box = this.blockBox(childElement, isItem ? ++items : undefined);
        if (box) boxes.push(box);
      } else if (displays[i] === "inline") run.push(child);
    });
    flush();
    return { element, style, dir, struct, ordinal, content: { kind: "blocks", children: boxes } };
  }

  /**
   * A table's caption, columns and row groups (HTML's parser has already put stray rows into a
   * tbody). Anonymous table boxes are not made: a part in the wrong place is an error naming it.
   */
  private tableStructure(table: Element): TableStructure {
    const structure: TableStructure = { caption: null, columns: [], columnGroups: [], groups: [] };
    let header = false;
    let footer = false;
    for (const child of this.tableChildren(table)) {
      const style = this.styled.styleOf(child);
      switch (style.display) {
        case "table-caption":
          if (structure.caption) fail(child, "is a second caption of its table");
          structure.caption = this.blockBox(child);
          break;
        case "table-column":
          structure.columns.push(style);
          structure.columnGroups.push(null);
          break;
        case "table-column-group": {
          // Chromium draws a column group's collapsed borders along its edges; the PDF does not: refused rather than left out.
          if ([style.borderTopStyle, style.borderRightStyle, style.borderBottomStyle, style.borderLeftStyle].includes("solid")) {
            fail(child, "has a border; the PDF draws the borders of cells, rows, row groups, columns and the table, not of column groups");
          }
          const columns = this.tableChildren(child).filter((col) => this.styled.styleOf(col).display === "table-column");
          if (columns.length === 0) {
            // A column group without columns is one column (HTML's span="1").
            structure.columns.push(style);
            structure.columnGroups.push(null);
          }
          for (const col of columns) {
            structure.columns.push(this.styled.styleOf(col));
            structure.columnGroups.push(style);
          }
          break;
        }
        case "table-header-group":
        case "table-row-group":
        case "table-footer-group": {
          // The first header and the first footer repeat on every page (CSS 2.1 17.2); others are bodies.
          let kind: TableGroup["kind"] = "body";
          if (style.display === "table-header-group" && !header) {
            kind = "header";
            header = true;
          }
          if (style.display === "table-footer-group" && !footer) {
            kind = "footer";
            footer = true;
          }
          structure.groups.push(this.tableGroup(child, kind));
          break;
        }
        default:
          fail(child, `has display: ${style.display} inside a table; the PDF lays out a caption, columns, row groups and rows there`);
      }
    }
    return structure;
  }

  /** The element children of a table part that are displayed; text other than white space is an error. */
  private tableChildren(element: Element): Element[] {
    const children: Element[] = [];
    for (const child of element.childNodes) {
      if (!isElement(child)) {
        if (!isBlank(child)) fail(element, "has text outside its cells");
        continue;
      }
      if (this.styled.styleOf(child).display !== "none") children.push(child);
    }
    return children;
  }

  private tableGroup(group: Element, kind: TableGroup["kind"]): TableGroup {
    const rows: TableRow[] = [];
    for (const row of this.tableChildren(group)) {
      const rowStyle = this.styled.styleOf(row);
      if (rowStyle.display !== "table-row") fail(row, `has display: ${rowStyle.display} in a row group; the PDF expects rows (display: table-row) there`);
      if (rowStyle.height !== "auto") fail(row, "has a height; the PDF sizes only images by height (a row is as tall as its cells)");
      const cells = this.tableChildren(row).map((cell, index) => {
        const cellStyle = this.styled.styleOf(cell);
        if (cellStyle.display !== "table-cell") fail(cell, `has display: ${cellStyle.display} in a row; the PDF expects cells (display: table-cell) there`);
        const box = this.blockBox(cell)!;
        box.span = this.spanOf(cell);
        if (box.struct === "TH") box.scope = this.scopeOf(cell, kind, index);
        else if (box.struct !== "TD") box.struct = "TD";
        return box;
      });
      rows.push({ box: { element: row, style: rowStyle, dir: this.styled.dirOf(row), struct: "TR", content: { kind: "blocks", children: [] } }, cells });
    }
    const style = this.styled.styleOf(group);
    const struct = kind === "header" ? "THead" : kind === "footer" ? "TFoot" : "TBody";
    return { box: { element: group, style, dir: this.styled.dirOf(group), struct, content: { kind: "blocks", children: [] } }, kind, rows };
  }

  /** A cell's `colspan` and `rowspan` (checked with the vocabulary; checked again here, where the layout reads them). */
  private spanOf(cell: Element): CellSpan {
    const read = (name: "colspan" | "rowspan", fallback: number) => {
      const value = attribute(cell, name);
      if (value === undefined) return fallback;
      const problem = spanProblem(name, value);
      if (problem) fail(cell, problem);
      return Number(value);
    };
    return { columns: read("colspan", 1), rows: read("rowspan", 1) };
  }

  /** `scope` as written (col, colgroup, row, rowgroup); without it, a header cell of the table's header or not first in its row heads a column, else a row. */
  private scopeOf(cell: Element, kind: TableGroup["kind"], index: number): "Column" | "Row" {
    const scope = attribute(cell, "scope")?.toLowerCase();
    if (scope === "col" || scope === "colgroup") return "Column";
    if (scope === "row" || scope === "rowgroup") return "Row";
    if (scope !== undefined) fail(cell, `has scope="${scope}"; expected col, colgroup, row or rowgroup`);
    return kind === "header" || index > 0 ? "Column" : "Row";
  }

  /** The isolate an inline element opens: in its `dir` (`auto` and `bdi` without one: its first strong letter's), or as `plaintext` asks. */
  private isolateOf(element: Element, computed: ComputedStyle): BidiIsolate {
    const dir = attribute(element, "dir")?.toLowerCase();
    if (computed.unicodeBidi === "plaintext" || dir === "auto" || (dir === undefined && element.tagName === "bdi")) return { dir: "auto" };
    return { dir: this.styled.dirOf(element) };
  }

  private inlines(nodes: readonly ChildNode[], block: ComputedStyle, style: InlineStyle, out: Inline[]): Inline[] {
    for (const node of nodes) {
      if (node.nodeName === "#comment") continue;
      if (node.nodeName === "#text") {
        const text = node as TextNode;
        const inline: Inline = { kind: "text", text: this.replacements?.get(text) ?? text.value, style };
        this.sources?.set(inline, text);
        out.push(inline);
        continue;
      }
      if (!isElement(node)) continue;
      const computed = this.styled.styleOf(node);
      if (computed.display === "none") continue;
      if (!INLINE_TAGS.has(node.tagName)) fail(node, "is a block element inside a line of text");
      if (node.tagName === "img") {
        out.push({ kind: "image", image: imageContent(node, computed, this.assets, true), style });
        continue;
      }
      if (node.tagName === "br") {
        out.push({ kind: "break" });
        continue;
      }
      const apart = apartFromParagraph(computed, block);
      if (apart)
        fail(
          node,
          apart.startsWith("vertical-align") ? `sets ${apart}` : `sets ${apart} apart from its paragraph; the PDF sets a paragraph's text in one color, spacing and line-height`,
        );
      const metrics = inlineMetricsOf(computed, style.metrics, block);
      const lang = attribute(node, "lang");
      const isolates = computed.unicodeBidi === "normal" ? style.isolates : [...(style.isolates ?? []), this.isolateOf(node, computed)];
      const inner: InlineStyle = {
        bold: computed.fontWeight >= 600,
        italic: computed.fontStyle === "italic",
        ...(lang ? { lang } : style.lang ? { lang: style.lang } : {}),
        ...(isolates ? { isolates } : {}),
        ...(metrics ? { metrics } : {}),
      };
      this.inlines(node.childNodes, block, inner, out);
    }
    return out;
  }
}

/** A text inline. */
export type TextInline = Extract<Inline, { kind: "text" }>;

/**
 * A copy of a box tree, every box, table part and inline new (layout may key its work by a box),
 * each text inline's text as `textOf` gives it: a kept letter shape's boxes with another reader's words.
 */
export function copyBoxes(root: Box, textOf: (inline: TextInline) => string): Box {
  const copyInline = (inline: Inline): Inline => (inline.kind === "text" ? { ...inline, text: textOf(inline) } : { ...inline });
  const sameText = (inlines: readonly Inline[]) => inlines.every((inline) => inline.kind === "break" || (inline.kind === "text" && textOf(inline) === inline.text));
  const copyTable = (table: TableStructure): TableStructure => ({
    caption: table.caption && copy(table.caption),
    columns: table.columns,
    columnGroups: table.columnGroups,
    groups: table.groups.map((group) => ({ box: copy(group.box), kind: group.kind, rows: group.rows.map((row) => ({ box: copy(row.box), cells: row.cells.map(copy) })) })),
  });
  const copy = (box: Box): Box => {
    const { content } = box;
    switch (content.kind) {
      case "inline":
        // Text that is the kept letter's own keeps its inlines (read-only, as the kept boxes'): the
        // layout knows them again (Composer.setBlockText) without keying their paragraph anew.
        return { ...box, content: sameText(content.inlines) ? content : { kind: "inline", inlines: content.inlines.map(copyInline) } };
      case "blocks":
        return { ...box, content: { kind: "blocks", children: content.children.map(copy) } };
      case "table":
        return { ...box, content: { kind: "table", table: copyTable(content.table) } };
      default:
        return { ...box, content: { ...content } };
    }
  };
  return copy(root);
}

/** Every text inline of a box tree, in tree order. */
export function textInlines(root: Box): TextInline[] {
  const out: TextInline[] = [];
  const visit = (box: Box | null) => {
    if (!box) return;
    const { content } = box;
    if (content.kind === "inline") for (const inline of content.inlines) if (inline.kind === "text") out.push(inline);
    if (content.kind === "blocks") content.children.forEach(visit);
    if (content.kind === "table") {
      visit(content.table.caption);
      for (const group of content.table.groups) {
        visit(group.box);
        for (const row of group.rows) {
          visit(row.box);
          row.cells.forEach(visit);
        }
      }
    }
  };
  visit(root);
  return out;
}

/** The plain text of inlines (a running string's value, tests). */
export function inlineText(inlines: readonly Inline[]): string {
  return inlines.map((i) => (i.kind === "break" ? "\n" : i.kind === "image" ? "" : i.text)).join("");
}
