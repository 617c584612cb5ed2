import type { DefaultTreeAdapterTypes } from "parse5";
import { type Cascaded, cascadeOrder, computeStyle, type CustomProperties, customPropertiesOf, specifiedValues } from "./cascade";
import type { Element } from "./dom-adapter";
import { presentationalHints } from "./presentational-hints";
import { templateFamilies } from "./font-faces";
import type { ComputedStyle, ContentPart } from "./properties";
import type { Direction } from "./shorthands";
import { type Declaration, MARGIN_BOXES, type MarginBoxName, PAGE_SIZES, type ParsedStylesheets, pageAreaProblem, pageSizeOf, StyleError } from "./stylesheet";
import { resolveLength } from "./units";
import { parseValue, substituteVariables, type Token, ValueError } from "./values";

export interface PageBox {
  style: ComputedStyle;
  content: readonly ContentPart[];
}

/** A page's geometry and margin boxes, in points. */
export interface PageStyle {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
  boxes: Partial<Record<MarginBoxName, PageBox>>;
}

/** The document with every element's computed style, and its pages'. */
export interface StyledDocument {
  root: Element;
  styleOf(element: Element): ComputedStyle;
  /** The element's direction, from the nearest `dir` attribute (HTML's presentational hint). */
  dirOf(element: Element): Direction;
  /** The first page's style, or every other page's. */
  page(first: boolean): PageStyle;
  /**
   * The page laid out `factor` times larger, as Chromium lays out a document it prints shrunk to fit
   * (layout.ts `shrinkFactor`): the page's size and margins times `factor`, then snapped to CSS pixels
   * as a page's are (its @page style takes a zoom that cancels the shrink, so its margins keep their size on paper).
   */
  enlargedPage(first: boolean, factor: number): PageStyle;
  /** The style of an anonymous block box inside `parent` (a run of inline content beside blocks): inheritance alone. */
  anonymousStyle(parent: ComputedStyle): ComputedStyle;
}

/** A CSS pixel, in points. */
const CSS_PX = 0.75;

/** Blink's LayoutUnit: 1/64 of a CSS pixel, the grain its layout stores every length in. */
const LAYOUT_UNITS_PER_PX = 64;

/** A margin in points as Blink stores it: truncated to LayoutUnits, in CSS pixels (the epsilon keeps 75px, a hair under in floating point, 75px). */
function toLayoutUnits(points: number): number {
  return Math.trunc((points / CSS_PX) * LAYOUT_UNITS_PER_PX + 1e-6) / LAYOUT_UNITS_PER_PX;
}

/**
 * Chromium lays a printed page out on whole CSS pixels: the page area is as wide and as tall as the
 * rest of the page rounded up to a pixel, and starts at the start margin (left, or right in a
 * right-to-left document; the top margin) rounded to a pixel (22 mm margins on A4 give a 628 px
 * measure, not 627.4, from 83 px, not 83.15; the end margin takes the difference). Before that, the
 * page's side is rounded to Blink's LayoutUnit (1/64 px) and each margin truncated to one: B4
 * landscape's 944.882 px side is 944.875, so margins of 75.9375 px leave 793 px, not 794, and a
 * page that just fits ours overflowed Chromium's (issue: B4 landscape, one page against two).
 * Measured in its printed PDFs by bisection (test/core/style/page-area-rounding.test.ts). The PDF takes
 * the same page area, so lines fill the same width and pages the same height in both editions
 * (issue 12 item 8: 27 mm and 32 mm margins on US Letter leave 833.008 px, which Chromium makes 834
 * px, and a line that ended its page ran over ours).
 */
function snapToCssPixels<Start extends string, End extends string>(margin: Record<Start | End, number>, pageSize: number, dir: Direction, start: Start, end: End): void {
  const side = Math.round((pageSize / CSS_PX) * LAYOUT_UNITS_PER_PX) / LAYOUT_UNITS_PER_PX;
  const startPx = toLayoutUnits(margin[start]);
  const endPx = toLayoutUnits(margin[end]);
  // The epsilon keeps a length that is whole pixels (in floating point, a hair over) from growing a pixel.
  const content = Math.ceil(side - startPx - endPx - 1e-6) * CSS_PX;
  const [from, to] = dir === "rtl" ? [end, start] : [start, end];
  margin[from] = Math.round(from === start ? startPx : endPx) * CSS_PX;
  margin[to] = pageSize - margin[from] - content;
}

/** Refuses a page that pageAreaProblem refuses, naming the declaration that decided it. */
function checkPageArea(width: number, height: number, margin: PageStyle["margin"], where: { size: string | undefined; margin: string | undefined }): void {
  const problem = pageAreaProblem(width, height, margin);
  if (problem) throw new StyleError(`${(problem.by === "size" ? where.size : (where.margin ?? where.size)) ?? "@page"}: ${problem.detail}`);
}

function isElement(node: DefaultTreeAdapterTypes.Node): node is Element {
  return "tagName" in node;
}

function pageSize(tokens: readonly Token[], where: string, font: { em: number; rem: number }, paper?: readonly [number, number]): [number, number] {
  try {
    return pageSizeOf(tokens, font, paper);
  } catch (error) {
    if (error instanceof ValueError) throw new StyleError(`${where}: ${error.message}`);
    throw error;
  }
}

interface StyledElement {
  /** Interned signature of the element's ancestry and matched rules: equal ids, equal styles. */
  id: number;
  style: ComputedStyle;
  custom: CustomProperties;
}

/** What one set of parsed stylesheets has computed, for every document styled by them. */
interface SheetStyles {
  /** Element styles by signature. */
  elements: Map<string, StyledElement>;
  /** Page styles by the root element's signature id and first or other page: they depend on nothing else. */
  pages: Map<string, PageStyle>;
  /** Anonymous block styles by their parent's style (an object of `elements`). */
  anonymous: WeakMap<ComputedStyle, ComputedStyle>;
}

/**
 * Computed styles by signature, per parsed stylesheets: an element's style depends only on its
 * parent's, its direction and the rules it matches, so a mail merge styles each kind of element once.
 * Page styles and anonymous boxes' styles are kept beside them: each was computed anew for every
 * document (a margin box's declarations expanded and computed per page style per letter).
 */
const styleCache = new WeakMap<ParsedStylesheets, SheetStyles>();
const STYLE_CACHE_LIMIT = 20_000;

/**
 * Styles a parsed HTML document: every element's computed style, custom properties resolved, and
 * the page styles of `@page`. The page context inherits from the root element, its margin boxes
 * from the page context.
 */
export function styleDocument(root: Element, sheets: ParsedStylesheets): StyledDocument {
  const elements = new Map<Element, StyledElement>();
  const dirs = new Map<Element, Direction>();
  let rootFontSize: number | null = null;
  // The template's @font-face families: their names compute to the font library's ids for their faces.
  const families = templateFamilies(sheets.fontFaces);
  let sheetStyles = styleCache.get(sheets);
  if (!sheetStyles || sheetStyles.elements.size > STYLE_CACHE_LIMIT) {
    // Ids restart with a new map: the page styles keyed by them go with it.
    sheetStyles = { elements: new Map(), pages: new Map(), anonymous: new WeakMap() };
    styleCache.set(sheets, sheetStyles);
  }
  const cache = sheetStyles.elements;
  const { pages: pageCache, anonymous } = sheetStyles;

  const visit = (element: Element, parent: StyledElement | null, parentDir: Direction) => {
    const dirAttribute = element.attrs.find((a) => a.name === "dir")?.value;
    const dir: Direction = dirAttribute === "rtl" || dirAttribute === "ltr" ? dirAttribute : parentDir;
    const rules = sheets.rules.filter((rule) => rule.matches(element));
    const hints = presentationalHints(element);
    const signature = `${parent?.id ?? "root"}|${dir}|${rules.map((rule) => rule.order).join(",")}|${hints.key}`;
    let styled = cache.get(signature);
    if (!styled) {
      const matched: Cascaded[] = [...hints.entries];
      for (const rule of rules) {
        for (const declaration of rule.declarations) matched.push({ declaration, origin: rule.origin, specificity: rule.specificity, order: rule.order });
      }
      const ordered = cascadeOrder(matched);
      const custom = customPropertiesOf(ordered, parent ? parent.custom : new Map());
      const style = computeStyle(specifiedValues(ordered, custom, dir), parent ? parent.style : null, parent ? rootFontSize : null, families);
      styled = { id: cache.size, style, custom };
      cache.set(signature, styled);
    }
    rootFontSize ??= styled.style.fontSize;
    elements.set(element, styled);
    dirs.set(element, dir);
    for (const child of element.childNodes) if (isElement(child)) visit(child, styled, dir);
  };
  visit(root, null, "ltr");

  const rootStyle = elements.get(root)!.style;
  const rootCustom = elements.get(root)!.custom;
  const pages = new Map<boolean, PageStyle>();

  const pageStyle = (first: boolean, factor = 1): PageStyle => {
    const rules = sheets.pages.filter((rule) => first || !rule.first);
    const ordered = cascadeOrder(
      rules.flatMap((rule) => rule.declarations.map((declaration) => ({ declaration, origin: rule.origin, specificity: rule.specificity, order: rule.order }))),
    );
    // `size` is a property of the page alone; the rest computes like an element's style.
    // `size: auto` is the run's paper: the render's own (user-origin) size declaration.
    const sizes = ordered.filter((entry) => entry.declaration.property === "size");
    const lastSize = sizes.at(-1);
    const runPaper = sizes.filter((entry) => entry.origin === "user").at(-1);
    const lastText = lastSize?.declaration.text.trim().toLowerCase();
    const sizeDeclaration = lastText === "auto" ? runPaper : lastSize;
    // An orientation alone turns the run's paper (CSS Paged Media 3: the UA's size in that orientation).
    const orientationOf = lastText === "portrait" || lastText === "landscape" ? runPaper : undefined;
    const context = cascadeOrder(ordered.filter((entry) => entry.declaration.property !== "size"));
    const specified = specifiedValues(context, rootCustom, "ltr");
    const style = computeStyle(specified, rootStyle, rootFontSize, families);
    const font = { em: style.fontSize, rem: rootFontSize ?? style.fontSize };
    // A size through var() reads the root's custom properties, as the page's other values do (it was read as none: A4).
    const sizeTokens = (declaration: Declaration): readonly Token[] => {
      try {
        return declaration.tokens ?? parseValue(substituteVariables(declaration.text, (name) => rootCustom.get(name)));
      } catch (error) {
        if (error instanceof ValueError) throw new StyleError(`${declaration.where}: ${error.message}`);
        throw error;
      }
    };
    const paper = orientationOf ? pageSize(sizeTokens(orientationOf.declaration), orientationOf.declaration.where, font) : PAGE_SIZES.a4!;
    const [paperWidth, paperHeight] = sizeDeclaration ? pageSize(sizeTokens(sizeDeclaration.declaration), sizeDeclaration.declaration.where, font, paper) : PAGE_SIZES.a4!;
    const [width, height] = [paperWidth * factor, paperHeight * factor];
    // Page margins in percent refer to the page's width (left, right) and height (top, bottom).
    const margin = {
      top: resolveLength(style.marginTop, paperHeight) * factor,
      right: resolveLength(style.marginRight, paperWidth) * factor,
      bottom: resolveLength(style.marginBottom, paperHeight) * factor,
      left: resolveLength(style.marginLeft, paperWidth) * factor,
    };
    checkPageArea(width, height, margin, {
      size: sizeDeclaration?.declaration.where,
      margin: [...ordered].reverse().find((entry) => entry.declaration.property.startsWith("margin"))?.declaration.where,
    });
    snapToCssPixels(margin, width, dirs.get(root) ?? "ltr", "left", "right");
    snapToCssPixels(margin, height, "ltr", "top", "bottom");
    const boxes: PageStyle["boxes"] = {};
    for (const name of MARGIN_BOXES) {
      const declared = rules.flatMap((rule) =>
        (rule.marginBoxes[name] ?? []).map((declaration) => ({ declaration, origin: rule.origin, specificity: rule.specificity, order: rule.order })),
      );
      if (declared.length === 0) continue;
      const boxStyle = computeStyle(specifiedValues(cascadeOrder(declared), rootCustom, "ltr"), style, rootFontSize, families);
      // A margin box is drawn only when its content is not none.
      if (boxStyle.content && boxStyle.content.length > 0) boxes[name] = { style: boxStyle, content: boxStyle.content };
    }
    return { width, height, margin, boxes };
  };

  return {
    root,
    styleOf(element) {
      const styled = elements.get(element);
      if (!styled) throw new ValueError(`<${element.tagName}> is not part of the styled document`);
      return styled.style;
    },
    dirOf: (element) => dirs.get(element) ?? "ltr",
    page(first) {
      let page = pages.get(first);
      if (!page) {
        const key = `${elements.get(root)!.id}|${first}`;
        page = pageCache.get(key);
        if (!page) {
          page = pageStyle(first);
          pageCache.set(key, page);
        }
        pages.set(first, page);
      }
      return page;
    },
    enlargedPage: (first, factor) => pageStyle(first, factor),
    anonymousStyle(parent) {
      let style = anonymous.get(parent);
      if (!style) anonymous.set(parent, (style = computeStyle(new Map(), parent, rootFontSize, families)));
      return style;
    },
  };
}
