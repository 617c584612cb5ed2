import { compile } from "css-select";
// css-tree's parser, generator and walker without its lexer (see css-tree-parts.ts).
import * as csstree from "./css-tree-parts";
import { LetterpressError } from "../errors";
import { type Element, PARSE5_ADAPTER } from "./dom-adapter";
import { cascadeOrder } from "./cascade";
import { checkFontFamilies, checkVariableValues, registryFamilyOf } from "./font-families";
import { type FontFaceRule, readFontFace } from "./font-faces";
import { ColorError, FIXED_BEHAVIOUR, PROPERTIES } from "./properties";
import { expandDeclaration } from "./shorthands";
import { lengthPercentageOf, resolveLength } from "./units";
import { hasVariables, parseValue, type Token, ValueError } from "./values";
import { checkValueRange } from "./value-ranges";

/**
 * Stage one of styling: stylesheets parsed (css-tree, with positions) into rules whose selectors are
 * compiled (css-select) and whose declarations are checked against the supported CSS. The PDF is
 * print media: `@media print` applies, rules for other media are left to the HTML edition.
 */

/** Where a stylesheet stands in the cascade: the defaults, the render's own settings, the template's. */
export type Origin = "user-agent" | "user" | "author";

export interface StylesheetSource {
  /** How errors name the stylesheet, e.g. `templates/print.css`. */
  name: string;
  text: string;
  origin: Origin;
}

export interface Declaration {
  property: string;
  /** The value as written; substituted and read per element when it holds `var()`. */
  text: string;
  /** The value read once, when it holds no `var()`. */
  tokens: Token[] | null;
  important: boolean;
  /** "templates/print.css line 12, selector h1, property color", for errors found later. */
  where: string;
  /** `where` with the value's column ("templates/print.css line 12, column 10, selector h1, property color"), for a problem of the value itself (a colour). */
  at?: string;
}

export interface StyleRule {
  selector: string;
  matches: (element: Element) => boolean;
  /** (a, b, c) packed into one comparable number. */
  specificity: number;
  origin: Origin;
  /** Position among every rule of every sheet: later wins among equals. */
  order: number;
  declarations: Declaration[];
}

export const MARGIN_BOXES = ["top-left", "top-center", "top-right", "bottom-left", "bottom-center", "bottom-right"] as const;
export type MarginBoxName = (typeof MARGIN_BOXES)[number];

export interface PageRule {
  first: boolean;
  specificity: number;
  origin: Origin;
  order: number;
  declarations: Declaration[];
  marginBoxes: Partial<Record<MarginBoxName, Declaration[]>>;
}

export interface ParsedStylesheets {
  rules: StyleRule[];
  pages: PageRule[];
  /** What is drawn as written but not as meant, one line each with its location (a font-family naming a family the registry lacks before one it has). */
  warnings?: readonly string[];
  /** The template's own faces (`@font-face`), in the order declared: see font-faces.ts. */
  fontFaces?: readonly FontFaceRule[];
}

export class StyleError extends LetterpressError {
  /** Every problem found, one line each (a stylesheet's problems are reported together). */
  readonly problems: readonly string[];
  /**
   * The sheets' warnings (`ParsedStylesheets.warnings`), said after the problems, each marked
   * "warning: ": an author who fixes the errors should not meet a warning first on the next run.
   */
  readonly warnings: readonly string[];
  constructor(problems: string | readonly string[], warnings: readonly string[] = []) {
    const list = typeof problems === "string" ? [problems] : problems;
    super("TEMPLATE_ERROR", [...list, ...warnings.map((warning) => `warning: ${warning}`)].join("\n"));
    this.problems = list;
    this.warnings = warnings;
  }
}

type Location = csstree.CssLocation | undefined;

function lineOf(loc: Location): string {
  return loc ? `line ${loc.start.line}` : "line ?";
}

function specificityOf(selector: csstree.CssNode): [number, number, number] {
  const total: [number, number, number] = [0, 0, 0];
  (selector as csstree.Selector).children.forEach((node) => {
    switch (node.type) {
      case "IdSelector":
        total[0]++;
        break;
      case "ClassSelector":
      case "AttributeSelector":
        total[1]++;
        break;
      case "TypeSelector":
        if (node.name !== "*") total[2]++;
        break;
      case "PseudoElementSelector":
        total[2]++;
        break;
      case "PseudoClassSelector": {
        const name = node.name.toLowerCase();
        if (name === "where") break;
        if ((name === "is" || name === "not" || name === "has") && node.children) {
          // The most specific selector of the argument list counts.
          let best: [number, number, number] = [0, 0, 0];
          node.children.forEach((list) => {
            if (list.type !== "SelectorList") return;
            list.children.forEach((inner) => {
              const s = specificityOf(inner);
              if (s[0] * 1e6 + s[1] * 1e3 + s[2] > best[0] * 1e6 + best[1] * 1e3 + best[2]) best = s;
            });
          });
          total[0] += best[0];
          total[1] += best[1];
          total[2] += best[2];
          break;
        }
        total[1]++;
        break;
      }
    }
  });
  return total;
}

function hasPseudoElement(selector: csstree.CssNode): boolean {
  return csstree.find(selector, (node) => node.type === "PseudoElementSelector") !== null;
}

/** Names of properties this stage knows: the table's longhands, the fixed-behaviour ones, and shorthands of them. */
function knownProperty(property: string, context: "element" | "page" | "margin-box"): boolean {
  if (property.startsWith("--") || (property === "size" && context === "page")) return true;
  const inherit: Token[] = [{ type: "ident", name: "inherit" }];
  try {
    return expandDeclaration(property, inherit, "ltr").every(([name]) => name in PROPERTIES || name in FIXED_BEHAVIOUR);
  } catch {
    return false;
  }
}

const CHECK_CONTEXT = { font: { em: 12, rem: 12 }, color: "#000000" };

/** Checks a declaration's value against the table; throws ValueError with what was expected. */
export function checkDeclaration(property: string, tokens: readonly Token[]): void {
  for (const [name, value] of expandDeclaration(property, tokens, "ltr")) {
    if (value.length === 1 && value[0]!.type === "ident" && ["inherit", "initial", "unset"].includes(value[0]!.name)) continue;
    const fixed = FIXED_BEHAVIOUR[name];
    if (fixed) {
      const token = value[0];
      if (value.length !== 1 || token?.type !== "ident" || !fixed.values.includes(token.name)) {
        throw new ValueError(`the PDF accepts only ${fixed.values.join(" | ")} (${fixed.why})`);
      }
      continue;
    }
    const definition = PROPERTIES[name]!;
    // A value of the right kind but beyond what a letter can have fails here, for both editions, not in the PDF's layout alone.
    checkValueRange(name, value);
    try {
      definition.compute(value, CHECK_CONTEXT);
    } catch (error) {
      // A colour's error says what was expected itself.
      if (error instanceof ValueError && !(error instanceof ColorError)) throw new ValueError(`${error.message}; expected ${definition.values}`);
      throw error;
    }
  }
}

/**
 * Paper sizes by name, in points (portrait), from their standard millimetres (ISO 216 A and B,
 * JIS P 0138 B) or inches: every name CSS Paged Media 3 gives `size` (section 7.1.1), which are the
 * names Chromium honours too (it prints any other name, A6 or tabloid, on its default paper, Letter).
 * Chromium lays a page out at these sizes and writes its MediaBox rounded to whole points and then to
 * 1/300 in (A4's is 594.96 x 841.92): the page edge moves, the lines do not.
 */
export const PAGE_SIZES: Readonly<Record<string, [number, number]>> = {
  a5: [419.53, 595.28],
  a4: [595.28, 841.89],
  a3: [841.89, 1190.55],
  b5: [498.9, 708.66],
  b4: [708.66, 1000.63],
  "jis-b5": [515.91, 728.5],
  "jis-b4": [728.5, 1031.81],
  letter: [612, 792],
  legal: [612, 1008],
  ledger: [792, 1224],
};

/** The page size names as CSS spells them, for messages. */
const PAGE_SIZE_NAMES = Object.keys(PAGE_SIZES)
  .map((name) => (/^(letter|legal|ledger)$/.test(name) ? name : name.toUpperCase()))
  .join(", ");

/** PDF's largest page side: 14,400 units (200 in), ISO 32000-1 Annex C; a larger page is no longer PDF/A. */
const MAX_PAGE_SIDE_PT = 14_400;

/**
 * The page size a `size` value gives, in points, by CSS Paged Media 3's grammar: `auto`, one or two
 * lengths, or a named size and an orientation, each at most once (`A5 landscape`). An orientation
 * alone turns `paper`, the size `auto` would give (the run's), that way. Throws ValueError for a value
 * that is not one (`A5 landscape landscape`, `B5 jis-b5`, `8in 5in landscape` are declarations a
 * browser drops), or whose sides are not positive or exceed PDF's limit.
 */
export function pageSizeOf(tokens: readonly Token[], font: { em: number; rem: number }, paper: readonly [number, number] = PAGE_SIZES.a4!): [number, number] {
  let size: [number, number] | null = null;
  let orientation: string | null = null;
  const lengths: number[] = [];
  // `auto` (CSS Paged Media 3: the UA's default, here the run's paper) stands alone.
  if (isAutoPageSize(tokens)) return [...paper];
  const grammar = `expected auto, a page size (${PAGE_SIZE_NAMES}), portrait or landscape, or one or two lengths`;
  for (const token of tokens) {
    if (token.type === "ident" && PAGE_SIZES[token.name]) {
      if (size) throw new ValueError(`${grammar}: two page sizes`);
      size = [...PAGE_SIZES[token.name]!];
    } else if (token.type === "ident" && (token.name === "portrait" || token.name === "landscape")) {
      if (orientation) throw new ValueError(`${grammar}: two orientations`);
      orientation = token.name;
    } else {
      const length = lengthPercentageOf(token, font);
      if (!length || length.pt === undefined) throw new ValueError(grammar);
      lengths.push(length.pt);
    }
  }
  if (lengths.length > 2) throw new ValueError("expected at most two lengths, the page's width and height");
  if (lengths.length > 0 && (size || orientation)) throw new ValueError(`${grammar}: lengths stand alone, without a page size name or orientation`);
  if (lengths.length > 0) size = [lengths[0]!, lengths[1] ?? lengths[0]!];
  size ??= [...paper];
  if (orientation === "landscape") size = [Math.max(...size), Math.min(...size)];
  if (orientation === "portrait") size = [Math.min(...size), Math.max(...size)];
  if (!(size[0] > 0 && size[1] > 0)) throw new ValueError(`a page must have a positive width and height; this one is ${pt(size[0])} x ${pt(size[1])}`);
  if (size[0] > MAX_PAGE_SIDE_PT || size[1] > MAX_PAGE_SIDE_PT)
    throw new ValueError(`a PDF page may be at most ${MAX_PAGE_SIDE_PT}pt (200in) each way (ISO 32000-1 Annex C); this one is ${pt(size[0])} x ${pt(size[1])}`);
  return size;
}

/** Whether a `size` value is an orientation alone (`landscape`): it turns the run's paper, as `auto` takes it. */
export function isOrientationOnly(tokens: readonly Token[]): boolean {
  return tokens.length === 1 && tokens[0]!.type === "ident" && (tokens[0]!.name === "portrait" || tokens[0]!.name === "landscape");
}

/** Whether a `size` value is `auto`: the page size of the run's paper (the `--paper` the render asks for). */
export function isAutoPageSize(tokens: readonly Token[]): boolean {
  return tokens.length === 1 && tokens[0]!.type === "ident" && tokens[0]!.name === "auto";
}

function pt(value: number): string {
  return `${Number(value.toFixed(1))}pt`;
}

/** The smallest page area (the page less its margins) a letter is set in, each way: one inch. */
const MIN_PAGE_AREA_PT = 72;

/**
 * What is wrong with a page's geometry, if anything: a side not positive (`by: "size"`), or margins
 * that leave less than an inch of page area each way (`margin: 120mm` on US Letter set a 211-page PDF
 * of one character a line).
 */
export function pageAreaProblem(
  width: number,
  height: number,
  margin: { top: number; right: number; bottom: number; left: number },
): { by: "size" | "margin"; detail: string } | undefined {
  if (!(width > 0 && height > 0)) return { by: "size", detail: `a page must have a positive width and height; this one is ${pt(width)} x ${pt(height)}` };
  const areaWidth = width - margin.left - margin.right;
  const areaHeight = height - margin.top - margin.bottom;
  if (areaWidth < MIN_PAGE_AREA_PT || areaHeight < MIN_PAGE_AREA_PT)
    return {
      by: "margin",
      detail: `the page margins leave a page area of ${pt(areaWidth)} x ${pt(areaHeight)} on a ${pt(width)} x ${pt(height)} page; a letter needs at least ${MIN_PAGE_AREA_PT}pt (one inch) each way`,
    };
  return undefined;
}

const SIDES = ["top", "right", "bottom", "left"] as const;

/**
 * The first page's and the other pages' geometry from the sheets' @page rules, checked at load as the
 * render checks it (pageAreaProblem). A margin in em or through var() is known only at render (it
 * reads the page's font and the letter's custom properties), so a page that has one is left to it.
 */
function pageGeometryProblems(sheets: ParsedStylesheets): string[] {
  const problems: string[] = [];
  for (const first of [true, false]) {
    const ordered = cascadeOrder(
      sheets.pages
        .filter((rule) => first || !rule.first)
        .flatMap((rule) => rule.declarations.map((declaration) => ({ declaration, origin: rule.origin, specificity: rule.specificity, order: rule.order }))),
    );
    const size = [...ordered].reverse().find((entry) => entry.declaration.property === "size")?.declaration;
    // A size through var() is read at render.
    if (size && size.tokens === null) continue;
    let width: number;
    let height: number;
    try {
      [width, height] = size ? pageSizeOf(size.tokens!, CHECK_CONTEXT.font) : PAGE_SIZES.a4!;
    } catch {
      continue; // Its declaration's own check has said what is wrong.
    }
    const margin = { top: 0, right: 0, bottom: 0, left: 0 };
    let lastMargin: Declaration | undefined;
    let known = true;
    for (const { declaration } of ordered) {
      if (!declaration.property.startsWith("margin")) continue;
      lastMargin = declaration;
      if (declaration.tokens === null) {
        known = false;
        continue;
      }
      for (const [name, value] of expandDeclaration(declaration.property, declaration.tokens, "ltr")) {
        const side = SIDES.find((s) => name === `margin-${s}`);
        const token = value[0];
        if (!side || value.length !== 1 || !token) continue;
        if (token.type === "dimension" && (token.unit === "em" || token.unit === "rem")) {
          known = false;
          continue;
        }
        const length = lengthPercentageOf(token, CHECK_CONTEXT.font);
        if (!length) {
          known = false;
          continue;
        }
        margin[side] = resolveLength(length, side === "left" || side === "right" ? width : height);
      }
    }
    if (!known) continue;
    const problem = pageAreaProblem(width, height, margin);
    if (problem) problems.push(`${(problem.by === "size" ? size?.where : (lastMargin?.where ?? size?.where)) ?? "@page"}: ${problem.detail}`);
  }
  return [...new Set(problems)];
}

/**
 * The checks that read sheets together (a var() of print.css may read what another sheet sets;
 * ua.css may give the size and print.css the margins): font families always, and, when the sheets
 * are a document's whole cascade (`wholeDocument`), every value through the custom properties it
 * reads and the page's geometry, which a sheet read alone cannot decide. Errors fail the
 * stylesheets; warnings do not.
 */
export function checkAcrossSheets(sheets: ParsedStylesheets, wholeDocument: boolean): { errors: string[]; warnings: string[] } {
  const families = checkFontFamilies(sheets);
  const whole = wholeDocument ? [...checkVariableValues(sheets), ...pageGeometryProblems(sheets)] : [];
  return { errors: [...families.errors, ...whole], warnings: families.warnings };
}

/**
 * Problems sorted by stylesheet (in cascade order) and line, so an author reads them top to bottom;
 * problems of the same line keep the order they were found in.
 */
export function inLineOrder(problems: readonly string[], sourceNames: readonly string[]): string[] {
  const key = (problem: string): [number, number] => {
    const at = /^(.*?) line (\d+)\b/.exec(problem);
    if (!at) return [sourceNames.length, 0];
    const sheet = sourceNames.indexOf(at[1]!);
    return [sheet === -1 ? sourceNames.length : sheet, Number(at[2])];
  };
  return problems
    .map((problem, index) => ({ problem, index, key: key(problem) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.index - b.index)
    .map(({ problem }) => problem);
}

interface ParseState {
  source: StylesheetSource;
  out: ParsedStylesheets;
  order: { next: number };
  /** Every problem of the stylesheets, in order: what cannot be read is skipped and said, and reading goes on. */
  problems: string[];
  /** Whether a rule or at-rule holds a syntax error of its sheet (it is not read). */
  holdsError?: (node: csstree.CssNode) => boolean;
}

function declarationsOf(block: csstree.Block, state: ParseState, selector: string, context: "element" | "page" | "margin-box"): Declaration[] {
  const declarations: Declaration[] = [];
  block.children.forEach((node) => {
    if (node.type !== "Declaration") return;
    const property = node.property.toLowerCase();
    const where = `${state.source.name} ${lineOf(node.loc)}, selector ${selector}, property ${property}`;
    const valueStart = node.value.loc?.start;
    const at = valueStart ? `${state.source.name} line ${valueStart.line}, column ${valueStart.column}, selector ${selector}, property ${property}` : where;
    const text = node.value.type === "Raw" ? node.value.value : valueText(node.value, state.source.text);
    const problem = (detail: string) => state.problems.push(`${where}: ${detail}`);
    if (!knownProperty(property, context)) return problem("not a property of the supported CSS (templates/CSS.md)");
    if (property === "content" && context === "element") return problem("content is read only in @page margin boxes (and as none on ::before and ::after)");
    if ((property === "overflow" || property === "text-overflow") && context === "element") {
      return problem(`${property} is read only in @page margin boxes (a running title cut to one line)`);
    }
    if (
      context !== "element" &&
      !["content", "size", "margin", "margin-top", "margin-right", "margin-bottom", "margin-left"].includes(property) &&
      !isTextProperty(property) &&
      !(context === "margin-box" && MARGIN_BOX_BOUNDS.includes(property)) &&
      !property.startsWith("--")
    ) {
      return problem("not a property of @page or its margin boxes");
    }
    let tokens: Token[] | null = null;
    if (!property.startsWith("--") && !hasVariables(text)) {
      try {
        tokens = parseValue(text);
        if (property === "size") pageSizeOf(tokens, CHECK_CONTEXT.font);
        else checkDeclaration(property, tokens);
      } catch (error) {
        if (error instanceof ColorError) return void state.problems.push(`${at}: ${error.message}`);
        if (error instanceof ValueError) return problem(error.message);
        throw error;
      }
    }
    declarations.push({ property, text: property.startsWith("--") ? text.trim() : text, tokens, important: node.important === true, where, at });
  });
  return declarations;
}

/**
 * A declaration's value as its sheet writes it when it reads var(): css-tree's generate drops the
 * space between a function and what follows (`var(--gap) 0` became `var(--gap)0`, read as "4mm0"
 * once substituted), and substitution works on the text. Other values are generated as before.
 */
function valueText(value: csstree.CssNode, sheet: string): string {
  const generated = csstree.generate(value);
  if (!hasVariables(generated) || !value.loc) return generated;
  return sheet.slice(value.loc.start.offset, value.loc.end.offset).trim();
}

/** What bounds a margin box: its width and a cut line (the running title against the page label), and the height its image may take. */
const MARGIN_BOX_BOUNDS = ["width", "height", "overflow", "text-overflow"];

function isTextProperty(property: string): boolean {
  return ["font-family", "font-size", "font-weight", "font-style", "color", "line-height", "text-align", "letter-spacing", "white-space"].includes(property);
}

/** A selector compiled to the function that tells whether it matches an element of the parsed letter. */
export function compileSelector(selector: string): (element: Element) => boolean {
  return compile<unknown, Element>(selector, { adapter: PARSE5_ADAPTER as never, xmlMode: false }) as (element: Element) => boolean;
}

function readRule(rule: csstree.Rule, state: ParseState): void {
  if (rule.prelude.type !== "SelectorList") {
    state.problems.push(`${state.source.name} ${lineOf(rule.loc)}: a rule without selectors`);
    return;
  }
  const loc = rule.prelude.loc;
  // Errors quote the selector list as written; its declarations are read once for all its selectors.
  const written = loc ? state.source.text.slice(loc.start.offset, loc.end.offset).replace(/\s+/g, " ").trim() : csstree.generate(rule.prelude);
  let declarations: Declaration[] | null = null;
  rule.prelude.children.forEach((selectorNode) => {
    const selector = csstree.generate(selectorNode);
    if (hasPseudoElement(selectorNode)) {
      // Generated content is the HTML edition's business: the PDF accepts a pseudo-element rule only when it generates nothing.
      const block = rule.block as csstree.Block;
      block.children.forEach((node) => {
        if (node.type !== "Declaration") return;
        const value = csstree.generate(node.value).trim();
        if (node.property !== "content" || value !== "none") {
          state.problems.push(`${state.source.name} ${lineOf(node.loc)}, selector ${written}, property ${node.property}: pseudo-elements may only say content: none`);
        }
      });
      return;
    }
    let matches: (element: Element) => boolean;
    try {
      matches = compileSelector(selector);
    } catch (error) {
      state.problems.push(`${state.source.name} ${lineOf(selectorNode.loc)}, selector ${selector}: not a selector the PDF can match (${(error as Error).message})`);
      return;
    }
    const [a, b, c] = specificityOf(selectorNode);
    state.out.rules.push({
      selector,
      matches,
      specificity: a * 1e6 + b * 1e3 + c,
      origin: state.source.origin,
      order: state.order.next++,
      declarations: (declarations ??= declarationsOf(rule.block as csstree.Block, state, written, "element")),
    });
  });
}

/** Whether a media query list selects print; media features are not evaluated, so print with one is an error. */
function appliesToPrint(prelude: csstree.AtrulePrelude | csstree.Raw | null, state: ParseState, loc: Location): boolean {
  if (prelude?.type !== "AtrulePrelude") return true;
  let applies = false;
  csstree.walk(prelude, (node) => {
    if (node.type !== "MediaQuery") return;
    const query = node as csstree.MediaQuery & { mediaType?: string | null; modifier?: string | null; condition?: unknown };
    const type = (query.mediaType ?? "all").toLowerCase();
    let selectsPrint = type === "print" || type === "all";
    if (query.modifier === "not") selectsPrint = !selectsPrint;
    if (selectsPrint && query.condition) {
      state.problems.push(
        `${state.source.name} ${lineOf(loc)}: @media ${csstree.generate(prelude)}: the PDF does not evaluate media features; write @media screen and (...) for rules of the screen`,
      );
      selectsPrint = false;
    }
    applies ||= selectsPrint;
  });
  return applies;
}

function readPage(atrule: csstree.Atrule, state: ParseState): void {
  const prelude = atrule.prelude ? csstree.generate(atrule.prelude).trim() : "";
  if (prelude !== "" && prelude !== ":first") {
    state.problems.push(`${state.source.name} ${lineOf(atrule.loc)}: @page ${prelude}: the PDF reads @page and @page :first`);
    return;
  }
  const selector = `@page${prelude ? ` ${prelude}` : ""}`;
  const block = atrule.block as csstree.Block;
  const marginBoxes: PageRule["marginBoxes"] = {};
  block.children.forEach((node) => {
    if (node.type !== "Atrule") return;
    const name = node.name.toLowerCase() as MarginBoxName;
    if (!MARGIN_BOXES.includes(name) || !node.block) {
      state.problems.push(`${state.source.name} ${lineOf(node.loc)}: @${node.name}: the PDF reads the margin boxes ${MARGIN_BOXES.map((m) => `@${m}`).join(", ")}`);
      return;
    }
    marginBoxes[name] = [...(marginBoxes[name] ?? []), ...declarationsOf(node.block, state, `${selector} @${name}`, "margin-box")];
  });
  state.out.pages.push({
    first: prelude === ":first",
    specificity: prelude === ":first" ? 1 : 0,
    origin: state.source.origin,
    order: state.order.next++,
    declarations: declarationsOf(block, state, selector, "page"),
    marginBoxes,
  });
}

/** One `url()` a margin box's `content` writes, and where: its file is checked when the template loads (`marginBoxImageProblems`). */
export interface MarginBoxUrl {
  /** `templates/x/print.css line 4, selector @page @top-left, property content`, as a problem of the declaration names it. */
  where: string;
  src: string;
}

/**
 * Every `url()` a stylesheet writes in the `content` of an `@page` margin box, in source order, read
 * from the sheet's syntax tree alone: a template's running logo is checked when the template loads,
 * whatever else its sheets say (every problem at once), rather than first when a letter is drawn.
 * None when the sheet does not parse: parseStylesheets says its syntax error.
 */
export function marginBoxUrls(source: Pick<StylesheetSource, "name" | "text">): MarginBoxUrl[] {
  return marginBoxUrlsOf([source]);
}

/**
 * The margin boxes' `url()`s of a document's sheets read together: those written in `content`, and
 * those a `content` reaches through `var(--name)` (a logo set once as `--logo: url(...)`, in any rule
 * of any of the sheets, or a var()'s fallback), which the render draws as it draws a url() written out
 * and so are checked when the template loads too. Each names the content declaration and, through a
 * var(), the custom property's sheet and line.
 */
export function marginBoxUrlsOf(sources: readonly Pick<StylesheetSource, "name" | "text">[]): MarginBoxUrl[] {
  const trees = sources
    .filter((source) => /url\(/i.test(source.text))
    .flatMap((source) => {
      let broken = false;
      const ast = csstree.parse(source.text, {
        positions: true,
        parseCustomProperty: false,
        onParseError: () => {
          broken = true;
        },
      });
      return broken ? [] : [{ source, ast }];
    });
  if (trees.length === 0) return [];
  // Every custom property that holds a url(), by name, wherever it is set: which rule applies is the render's business; each may.
  const customUrls = new Map<string, { where: string; src: string }[]>();
  for (const { source, ast } of trees) {
    csstree.walk(ast, {
      visit: "Declaration",
      enter(node) {
        if (!node.property.startsWith("--")) return;
        const text = node.value.type === "Raw" ? node.value.value : csstree.generate(node.value);
        for (const src of urlsIn(text)) customUrls.set(node.property, [...(customUrls.get(node.property) ?? []), { where: `${source.name} ${lineOf(node.loc)}`, src }]);
      },
    });
  }
  const urls: MarginBoxUrl[] = [];
  for (const { source, ast } of trees) {
    csstree.walk(ast, {
      visit: "Atrule",
      enter(page) {
        if (page.name.toLowerCase() !== "page" || !page.block) return;
        const prelude = page.prelude ? csstree.generate(page.prelude).trim() : "";
        page.block.children.forEach((box) => {
          const name = box.type === "Atrule" ? box.name.toLowerCase() : "";
          if (box.type !== "Atrule" || !box.block || !MARGIN_BOXES.includes(name as MarginBoxName)) return;
          box.block.children.forEach((node) => {
            if (node.type !== "Declaration" || node.property.toLowerCase() !== "content") return;
            const where = `${source.name} ${lineOf(node.loc)}, selector @page${prelude ? ` ${prelude}` : ""} @${name}, property content`;
            const text = node.value.type === "Raw" ? node.value.value : csstree.generate(node.value);
            // Written out, and var() fallbacks (`var(--logo, url(...))`): both are in the value's own text.
            for (const src of urlsIn(text)) urls.push({ where, src });
            for (const [, property] of text.matchAll(/var\(\s*(--[\w-]+)/g))
              for (const custom of customUrls.get(property!) ?? []) urls.push({ where: `${where} (var(${property}), set at ${custom.where})`, src: custom.src });
          });
        });
      },
    });
  }
  return urls;
}

/** The url()s of a value's text, read by css-tree (a custom property's value is kept raw). */
function urlsIn(text: string): string[] {
  if (!/url\(/i.test(text)) return [];
  const found: string[] = [];
  try {
    csstree.walk(csstree.parse(text, { context: "value", parseCustomProperty: true }), {
      visit: "Url",
      enter(url) {
        found.push(url.value);
      },
    });
  } catch {
    // A value css-tree cannot read is said by the stylesheet's own checks.
  }
  return found;
}

function readChildren(children: csstree.List<csstree.CssNode>, state: ParseState): void {
  children.forEach((node) => {
    // An @media around a syntax error: its other rules are still read.
    if (state.holdsError?.(node) && !(node.type === "Atrule" && node.name.toLowerCase() === "media" && node.block)) return;
    if (node.type === "Rule") readRule(node, state);
    else if (node.type === "Atrule") {
      const name = node.name.toLowerCase();
      if (name === "media") {
        if (node.block && appliesToPrint(node.prelude, state, node.loc)) readChildren(node.block.children, state);
      } else if (name === "page") readPage(node, state);
      else if (name === "font-face") {
        const face = readFontFace(node, state.source.name, state.problems, (family) => registryFamilyOf(family) !== undefined);
        if (face) state.out.fontFaces = [...(state.out.fontFaces ?? []), face];
      } else state.problems.push(`${state.source.name} ${lineOf(node.loc)}: @${node.name} is not supported (the PDF reads @media, @page and @font-face)`);
    }
  });
}

/**
 * Parses stylesheets in cascade order. Every problem of every sheet is reported together, in one
 * StyleError, sorted by sheet and line: each names the stylesheet, the line, the selector and the
 * property, and says what was expected, so an author fixes a sheet in one pass rather than one error
 * per run. `wholeDocument`: the sources are a document's whole cascade, so what needs every sheet
 * (checkAcrossSheets) is checked too.
 */
export function parseStylesheets(sources: readonly StylesheetSource[], options: { wholeDocument?: boolean } = {}): ParsedStylesheets {
  const out: ParsedStylesheets = { rules: [], pages: [] };
  const order = { next: 0 };
  const problems: string[] = [];
  let wellFormed = true;
  for (const source of sources) {
    const syntax: SyntaxProblem[] = [];
    const ast = csstree.parse(source.text, {
      positions: true,
      filename: source.name,
      parseCustomProperty: false,
      onParseError: (error) => {
        const at = error as unknown as { offset?: number; line?: number; column?: number; message: string };
        syntax.push({ offset: at.offset ?? source.text.length, line: at.line ?? 0, column: at.column ?? 0, message: at.message });
      },
    });
    problems.push(...syntaxProblems(source, ast, syntax));
    wellFormed &&= syntax.length === 0;
    // What css-tree recovered around a syntax error is read, but not a rule or at-rule that holds one: its
    // text may not be what its author meant (an unclosed block holds the rest of the sheet), so it is left out, unchecked.
    // A node's end is the offset after it: an error there is the next node's, unless the sheet ends there.
    const holdsError = (node: csstree.CssNode) =>
      node.loc !== undefined &&
      syntax.some(
        (error) => error.offset >= node.loc!.start.offset && (error.offset < node.loc!.end.offset || (error.offset === node.loc!.end.offset && error.offset >= source.text.length)),
      );
    readChildren((ast as csstree.StyleSheet).children, { source, out, order, problems, holdsError });
  }
  // Some checks read the sheets together: a var() of print.css may read what another sheet sets. Those
  // of the whole document (custom properties, the page's geometry) only when every sheet parsed: a rule
  // left out at a syntax error could be the one that sets the property or the margin.
  const across = checkAcrossSheets(out, options.wholeDocument === true && wellFormed);
  problems.push(...across.errors);
  if (problems.length > 0)
    throw new StyleError(
      inLineOrder(
        problems,
        sources.map((source) => source.name),
      ),
      across.warnings,
    );
  if (across.warnings.length > 0) out.warnings = across.warnings;
  return out;
}

/** A syntax error css-tree reports while it parses on (its `onParseError`). */
interface SyntaxProblem {
  offset: number;
  line: number;
  column: number;
  message: string;
}

/** Where a sheet opens a block, a parenthesis or a string it never closes (CSS closes them at its end, CSS Syntax 3, 5.4). */
interface Unclosed {
  offset: number;
  kind: "{" | "(" | "[" | "string" | "comment";
}

// css-tree's token types (CSS Syntax 3, in css-tree/tokenizer's numbering).
const TOKEN = {
  function: 2,
  string: 5,
  badString: 6,
  leftSquare: 19,
  rightSquare: 20,
  leftParenthesis: 21,
  rightParenthesis: 22,
  leftCurly: 23,
  rightCurly: 24,
  comment: 25,
} as const;

/**
 * What a sheet leaves open, read from css-tree's tokens as CSS Syntax 3 matches them: a closing
 * bracket closes the innermost open one when it matches it and is ignored otherwise (a `}` inside an
 * open `(` closes nothing); a string cut by the end of its line is a bad string.
 */
function unclosedOpenings(text: string): Unclosed[] {
  const open: { offset: number; kind: "{" | "(" | "["; closer: number }[] = [];
  const badStrings: Unclosed[] = [];
  csstree.tokenize(text, (type, start, end) => {
    if (type === TOKEN.leftCurly) open.push({ offset: start, kind: "{", closer: TOKEN.rightCurly });
    else if (type === TOKEN.leftParenthesis || type === TOKEN.function) open.push({ offset: end - 1, kind: "(", closer: TOKEN.rightParenthesis });
    else if (type === TOKEN.leftSquare) open.push({ offset: start, kind: "[", closer: TOKEN.rightSquare });
    else if (type === TOKEN.badString) badStrings.push({ offset: start, kind: "string" });
    // A string or comment the sheet's end cuts is a token of its own kind, ended by the end and not by its closer.
    else if (type === TOKEN.string && end === text.length && !closesString(text.slice(start, end))) badStrings.push({ offset: start, kind: "string" });
    else if (type === TOKEN.comment && end === text.length && (end - start < 4 || !text.endsWith("*/"))) badStrings.push({ offset: start, kind: "comment" });
    else if (open.length > 0 && type === open.at(-1)!.closer) open.pop();
  });
  return [...open.map(({ offset, kind }) => ({ offset, kind })), ...badStrings].sort((a, b) => a.offset - b.offset);
}

/** Whether a string token ends with its own quote, not an escaped one (`"a\\"` is still open). */
function closesString(token: string): boolean {
  if (token.length < 2 || token.at(-1) !== token[0]) return false;
  const backslashes = token.slice(1, -1).match(/\\*$/)![0].length;
  return backslashes % 2 === 0;
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split("\n").length, column: offset - before.lastIndexOf("\n") };
}

/** The sheet's text from an offset to the end of its line, shortened: what the author looks for. */
function excerpt(text: string, offset: number): string {
  const rest = text.slice(offset).split("\n")[0]!.trim();
  return rest.length > 32 ? `${rest.slice(0, 31)}…` : rest;
}

/**
 * A sheet's syntax errors said so that an author finds the cause: a block, parenthesis or string left
 * open is named with where it opens (`the block ".z {" opened at line 95 is never closed`), and the
 * errors css-tree meets after it, which it causes, are said with it; any other error with its line,
 * column and the text there. An opening closed only by the end of the sheet, with no error after it,
 * is an error too: CSS closes it there, but its author almost always lost a "}" (issue 13).
 */
function syntaxProblems(source: StylesheetSource, ast: csstree.CssNode, errors: readonly SyntaxProblem[]): string[] {
  const { name, text } = source;
  // An error at a bad string's first character is the string's (css-tree stops where the string starts).
  const follows = (error: SyntaxProblem, opening: Unclosed) => error.offset > opening.offset || (opening.kind === "string" && error.offset === opening.offset);
  const openings = unclosedOpenings(text);
  if (errors.length === 0 && openings.length === 0) return [];
  // Rules and at-rules by where their block opens: a block's heading is its selector or at-rule prelude as written.
  const headings = new Map<number, string>();
  csstree.walk(ast, (node) => {
    const block = (node as { block?: csstree.Block | null }).block;
    if ((node.type === "Rule" || node.type === "Atrule") && block?.loc && node.loc)
      headings.set(block.loc.start.offset, text.slice(node.loc.start.offset, block.loc.start.offset).replace(/\s+/g, " ").trim());
  });
  const consequences = new Map<Unclosed, SyntaxProblem[]>();
  const problems: string[] = [];
  for (const error of errors) {
    // The innermost opening before the error (the latest) is what the error comes from.
    const cause = openings.filter((opening) => follows(error, opening)).at(-1);
    if (cause) consequences.set(cause, [...(consequences.get(cause) ?? []), error]);
    else problems.push(`${name} line ${error.line}, column ${error.column}: ${error.message}${excerpt(text, error.offset) ? ` at "${excerpt(text, error.offset)}"` : ""}`);
  }
  // Openings only the sheet's end closes, after every one errors come from (one before is outer to a said one).
  const lastCause = Math.max(-1, ...[...consequences.keys()].map((cause) => cause.offset));
  for (const opening of openings) if (opening.offset > lastCause && !consequences.has(opening)) consequences.set(opening, []);
  // Only the openings errors come from: an outer block left open by an inner one is said by the inner one.
  for (const [cause, caused] of consequences) {
    const { line, column } = positionOf(text, cause.offset);
    const after = caused.map((error) => `line ${error.line}, column ${error.column}: ${error.message}`);
    const atEnd = caused.length === 0;
    const then = atEnd ? " (CSS closes it at the end of the sheet, so what was meant to follow it may be lost)" : ` (css-tree then reads ${after.join("; ")})`;
    if (cause.kind === "comment") {
      problems.push(`${name} line ${line}, column ${column}: the comment opened here is never closed: a "*/" is missing${then}`);
      continue;
    }
    if (cause.kind === "string") {
      problems.push(
        `${name} line ${line}, column ${column}: the string ${excerpt(text, cause.offset)} is never closed${atEnd ? "" : ": a string ends on its own line"}; add its closing quote${then}`,
      );
      continue;
    }
    if (cause.kind === "{") {
      const heading = headings.get(cause.offset) ?? text.slice(text.lastIndexOf("\n", cause.offset) + 1, cause.offset).trim();
      problems.push(
        `${name} line ${line}: the block \`${heading ? `${heading} ` : ""}{\` opened at line ${line} is never closed: a "}" is missing (its own, or that of a block inside it)${atEnd ? "" : ", so the rest of the sheet is read as part of it"}${then}`,
      );
      continue;
    }
    const closer = cause.kind === "(" ? ")" : "]";
    problems.push(
      `${name} line ${line}, column ${column}: the "${cause.kind}" opened here is never closed: a "${closer}" is missing${atEnd ? "" : ', so what follows it (a "}" too) is read inside it'}${then}`,
    );
  }
  return problems;
}

/** Balanced forms of stylesheets already served, by source text (a template has few sheets). */
const balancedSheets = new Map<string, string>();

/**
 * A stylesheet as the HTML edition gives it to the browser: re-serialized from css-tree's parse, so
 * every block, string and comment is closed where the sheet ends. CSS closes what the end of a sheet
 * leaves open (CSS Syntax 3, 5.4), so a sheet cut short means the same alone; but inside one
 * `<style>` element an open block of the author's sheet would swallow the rules after it (the
 * embedded `@font-face` faces), and the HTML would differ from the PDF, which parsed the sheet alone.
 */
export function balancedStylesheet(text: string): string {
  let balanced = balancedSheets.get(text);
  if (balanced === undefined) {
    const ast = csstree.parse(text) as csstree.StyleSheet;
    // The template's @font-face rules name files of its folder, which the page cannot load: the HTML
    // edition embeds the faces the PDF sets (functions/core/html/web-fonts.ts) under the same names.
    csstree.walk(ast, {
      visit: "Atrule",
      enter(node, item, list) {
        if (node.name.toLowerCase() === "font-face" && list) list.remove(item);
      },
    });
    balanced = csstree.generate(ast);
    if (balancedSheets.size >= 32) balancedSheets.clear();
    balancedSheets.set(text, balanced);
  }
  return balanced;
}
