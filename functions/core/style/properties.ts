import { type FontContext, type LengthPercentage, lengthOf, lengthPercentageOf } from "./units";
import { isNumericCounterStyle, NUMERIC_COUNTER_STYLES } from "./counter-styles";
import { displayable, formatHex, parse as parseCssColor } from "culori";
import { type Token, tokenText, ValueError } from "./values";

/**
 * The supported CSS (templates/CSS.md is the same table for people): every property the PDF reads,
 * its values, whether it is inherited and its initial value. A property or value outside this table
 * is an error, so nothing is drawn differently from the HTML edition without a word.
 */

export type Color = string;
export type LineHeight = { factor: number; pt?: undefined } | { pt: number; factor?: undefined };
export type BorderStyle = "none" | "solid";
export type Display =
  | "block"
  | "inline"
  | "inline-block"
  | "none"
  | "list-item"
  | "table"
  | "table-row-group"
  | "table-header-group"
  | "table-footer-group"
  | "table-row"
  | "table-cell"
  | "table-caption"
  | "table-column"
  | "table-column-group";
/** `counter(page)` / `counter(pages)`, optionally with a numeric counter style (`counter(page, bengali)`). */
export type ContentPart =
  | { kind: "text"; text: string }
  | { kind: "counter"; name: "page" | "pages"; style?: string }
  | { kind: "string"; name: string }
  /** `url("assets/logo.svg")`, alone in a margin box: a running logo, drawn as the page's decoration. */
  | { kind: "image"; src: string };

export interface ComputedStyle {
  fontFamily: readonly string[];
  /** Points. */
  fontSize: number;
  /** 100-900. */
  fontWeight: number;
  fontStyle: "normal" | "italic";
  color: Color;
  backgroundColor: Color | null;
  lineHeight: LineHeight;
  textAlign: "start" | "end" | "left" | "right" | "center" | "justify";
  textIndent: LengthPercentage;
  /** Points. */
  letterSpacing: number;
  wordBreak: "normal" | "keep-all";
  hyphens: "none" | "manual" | "auto";
  whiteSpace: "normal" | "nowrap" | "pre-line";
  /**
   * Inline elements: `isolate` sets the element's text apart in the bidi algorithm (UAX #9
   * isolates, in its `dir` direction), `plaintext` the same with the direction of its first strong
   * letter; `normal` leaves it in its paragraph's flow.
   */
  unicodeBidi: "normal" | "isolate" | "plaintext";
  /** Whether content wider than its box is cut at the box's edge (the margin boxes: a running title). */
  overflow: "visible" | "hidden";
  /** How a line cut by `overflow: hidden` ends: at the edge, or with an ellipsis. */
  textOverflow: "clip" | "ellipsis";
  marginTop: LengthPercentage;
  marginRight: LengthPercentage;
  marginBottom: LengthPercentage;
  marginLeft: LengthPercentage;
  paddingTop: LengthPercentage;
  paddingRight: LengthPercentage;
  paddingBottom: LengthPercentage;
  paddingLeft: LengthPercentage;
  borderTopWidth: number;
  borderRightWidth: number;
  borderBottomWidth: number;
  borderLeftWidth: number;
  borderTopStyle: BorderStyle;
  borderRightStyle: BorderStyle;
  borderBottomStyle: BorderStyle;
  borderLeftStyle: BorderStyle;
  borderTopColor: Color;
  borderRightColor: Color;
  borderBottomColor: Color;
  borderLeftColor: Color;
  width: LengthPercentage | "auto";
  maxWidth: LengthPercentage | "none";
  /** Points; images only (the PDF lays out no other box of a fixed height). */
  height: { pt: number } | "auto";
  boxSizing: "content-box" | "border-box";
  display: Display;
  listStyleType: "disc" | "circle" | "square" | "decimal" | "none";
  breakBefore: "auto" | "avoid" | "page";
  breakAfter: "auto" | "avoid" | "page";
  breakInside: "auto" | "avoid";
  orphans: number;
  widows: number;
  stringSet: { name: string; value: "text" | string } | null;
  content: readonly ContentPart[] | null;
  borderCollapse: "separate" | "collapse";
  /** Points between the borders of adjacent cells (separated borders), across and down. */
  borderSpacing: { horizontal: number; vertical: number };
  tableLayout: "auto" | "fixed";
  /**
   * Read on table cells (where their content sits in the row's height; text-top and text-bottom act as baseline), on inline
   * images, and on inline elements (`sup`, `sub`): `super`, `sub`, a length (points, up) or a percentage of the element's
   * line-height raise or lower its baseline (CSS 2.1 §10.8.1).
   */
  verticalAlign: VerticalAlign;
  captionSide: "top" | "bottom";
}

export type StyleKey = keyof ComputedStyle;

/** `vertical-align`'s keywords, or a baseline shift: a length in points (up) or a percentage of the element's line-height. */
export type VerticalAlign = "baseline" | "top" | "middle" | "bottom" | "text-top" | "text-bottom" | "super" | "sub" | { pt: number } | { percent: number };

/** The keyword values of `vertical-align` that align a box rather than shift a baseline: what an inline image and a table cell read. */
export type BoxAlign = Extract<VerticalAlign, string>;

/**
 * The size `font-size: smaller` or `larger` makes of the parent's: Blink's ratio (FontDescription::SmallerSize, LargerSize:
 * the parent's size divided or multiplied by 1.2), which the HTML edition's Chromium computes too.
 */
export const FONT_SIZE_STEP = 1.2;

/** What a value is computed against: the font sizes for em and rem, the element's color for currentcolor. */
export interface ComputeContext {
  font: FontContext;
  color: Color;
  /** The template's own families (`@font-face`) by lowercase name, as font library ids (font-faces.ts `templateFamilies`). */
  families?: ReadonlyMap<string, string>;
}

interface PropertyDefinition<K extends StyleKey> {
  key: K;
  inherited: boolean;
  initial: string;
  /** The accepted values, as CSS.md and error messages state them. */
  values: string;
  compute(tokens: readonly Token[], context: ComputeContext): ComputedStyle[K];
}

function single(tokens: readonly Token[]): Token {
  if (tokens.length !== 1) throw new ValueError("expected one value");
  return tokens[0]!;
}

function keyword<T extends string>(allowed: readonly T[]) {
  return (tokens: readonly Token[]): T => {
    const token = single(tokens);
    if (token.type === "ident" && (allowed as readonly string[]).includes(token.name)) return token.name as T;
    throw new ValueError("not an accepted value");
  };
}

function nonNegative<T extends { pt?: number; percent?: number }>(value: T): T {
  if ((value.pt ?? value.percent ?? 0) < 0) throw new ValueError("must not be negative");
  return value;
}

function lengthPercentage(tokens: readonly Token[], context: ComputeContext): LengthPercentage {
  const value = lengthPercentageOf(single(tokens), context.font);
  if (!value) throw new ValueError("expected a length or a percentage");
  return value;
}

/** The colour functions read through culori: sRGB's own, and the wider spaces where a colour lies inside sRGB. */
const SRGB_FUNCTIONS: readonly string[] = ["rgb", "rgba", "hsl", "hsla", "hwb"];
const WIDE_GAMUT_FUNCTIONS: readonly string[] = ["lab", "lch", "oklab", "oklch", "color"];

/** What a colour value may be, as messages and CSS.md say it. */
export const COLOR_VALUES = "an opaque colour (#rgb, #rrggbb, rgb(), hsl(), hwb(), a CSS named colour, currentcolor; lab(), lch(), oklab(), oklch(), color() inside sRGB)";

/** A colour value the PDF cannot draw as Chromium does: what was written, and why. */
export class ColorError extends ValueError {
  constructor(
    readonly written: string,
    reason: string,
  ) {
    super(`"${written}" ${reason}; expected ${COLOR_VALUES}`);
  }
}

/**
 * A colour as #rrggbb, as Chromium computes it (CSS Color 4): culori reads the value (named colours
 * with rebeccapurple, hex with 3, 4, 6 or 8 digits, rgb/hsl/hwb in both syntaxes with `none`, hue
 * units and wrapping; lab, lch, oklab, oklch and color()) and rounds it to 8 bits a channel, as
 * Chromium keeps legacy colours. Refused, with ColorError: alpha below 1 (`transparent` too: the
 * PDF writes opaque colours only, so both editions refuse rather than differ), a colour outside
 * sRGB (Chromium maps it to the screen's gamut, the PDF has sRGB only), and what CSS Color 5 adds
 * (color-mix(), relative colours, light-dark()).
 */
export function colorOf(token: Token, context: ComputeContext): Color {
  if (token.type === "ident" && token.name === "currentcolor") return context.color;
  const written = tokenText(token);
  if (token.type === "function" && !SRGB_FUNCTIONS.includes(token.name) && !WIDE_GAMUT_FUNCTIONS.includes(token.name)) {
    throw new ColorError(written, `is not a colour the PDF reads (${token.name}() is not supported)`);
  }
  if (token.type === "function" && token.args.some((arg) => arg.type === "ident" && arg.name === "from")) {
    throw new ColorError(written, "is a relative colour, which the PDF does not read");
  }
  const color = token.type === "hash" || token.type === "ident" || token.type === "function" ? parseCssColor(written) : undefined;
  if (!color) throw new ColorError(written, unreadColorReason(token, written));
  if (color.alpha !== undefined && color.alpha < 1) {
    throw new ColorError(written, `has alpha ${Number(color.alpha.toFixed(3))}: the PDF draws opaque colours only, so the editions would differ`);
  }
  if (token.type === "function" && WIDE_GAMUT_FUNCTIONS.includes(token.name) && !displayable(color)) {
    throw new ColorError(written, "lies outside sRGB, which the PDF draws in (a browser maps it to its screen's gamut)");
  }
  return formatHex(color);
}

/** CSS Color 4's system colours (section 6.2): a browser paints them from its platform's theme. */
const SYSTEM_COLORS: readonly string[] = [
  "accentcolor",
  "accentcolortext",
  "activetext",
  "buttonborder",
  "buttonface",
  "buttontext",
  "canvas",
  "canvastext",
  "field",
  "fieldtext",
  "graytext",
  "highlight",
  "highlighttext",
  "linktext",
  "mark",
  "marktext",
  "selecteditem",
  "selecteditemtext",
  "visitedtext",
];

/** Why culori read no colour in a value: a hex value's digits, a system colour, or plainly none. */
function unreadColorReason(token: Token, written: string): string {
  if (token.type === "hash") {
    const digits = written.slice(1);
    const strays = [...new Set(digits.replace(/[0-9a-f]/gi, ""))];
    if (strays.length > 0) return `is not a colour: a hex colour is written with the digits 0-9 and a-f, not ${strays.map((c) => `"${c}"`).join(", ")}`;
    return `is not a colour: a hex colour has 3, 4, 6 or 8 digits, not ${digits.length}`;
  }
  if (token.type === "ident" && SYSTEM_COLORS.includes(token.name.toLowerCase())) {
    return "is a system colour, which a browser takes from its platform's theme and the PDF cannot know";
  }
  return "is not a colour";
}

function borderWidth(tokens: readonly Token[], context: ComputeContext): number {
  const token = single(tokens);
  // CSS's keyword widths, in points.
  const named: Record<string, number> = { thin: 0.75, medium: 2.25, thick: 3.75 };
  if (token.type === "ident" && named[token.name] !== undefined) return named[token.name]!;
  const pt = lengthOf(token, context.font);
  if (pt === null || pt < 0) throw new ValueError("expected a non-negative length, thin, medium or thick");
  return snapAsBorderWidth(pt);
}

/** CSS pixels in a point (96px = 72pt); on paper a device pixel is a CSS pixel, as Chromium prints. */
const PX_PER_PT = 96 / 72;

/**
 * CSS Values 4's "snap as a border width" (the <line-width> type): a width under one device pixel
 * becomes one, a wider one is rounded down to whole pixels (a 2pt rule is 2px, 1.5pt). Chromium
 * lays out and draws borders so; a box's height, and every line below it, moves with it.
 */
function snapAsBorderWidth(pt: number): number {
  const px = pt * PX_PER_PT;
  if (px === 0) return 0;
  // The tolerance keeps lengths that are whole pixels (0.75pt) whole despite floating point.
  return (px < 1 ? 1 : Math.floor(px + 1e-9)) / PX_PER_PT;
}

function contentOf(tokens: readonly Token[]): ContentPart[] | null {
  if (tokens.length === 1 && tokens[0]!.type === "ident" && tokens[0]!.name === "none") return null;
  // Chromium 156 draws an image beside text in one margin box at a size CSS cannot set, the text
  // below it in a narrow box (measured); a logo and a text are two boxes (`@top-left`, `@top-right`).
  if (tokens.some((token) => token.type === "url")) {
    if (tokens.length !== 1) throw new ValueError("url() stands alone in a margin box's content: put text beside an image in another margin box");
    return [{ kind: "image", src: (tokens[0] as { value: string }).value }];
  }
  return tokens.map((token): ContentPart => {
    if (token.type === "string") return { kind: "text", text: token.value };
    if (token.type === "function" && token.args.length === 1 && token.args[0]!.type === "ident") {
      const name = token.args[0]!.name;
      if (token.name === "counter" && (name === "page" || name === "pages")) return { kind: "counter", name };
      if (token.name === "string") return { kind: "string", name };
    }
    // counter(page, <counter-style>): the page number in another script's digits.
    const [first, comma, last] = token.type === "function" && token.name === "counter" && token.args.length === 3 ? token.args : [];
    if (first?.type === "ident" && comma?.type === "operator" && comma.value === "," && last?.type === "ident") {
      const [counter, style] = [first.name, last.name];
      if ((counter === "page" || counter === "pages") && isNumericCounterStyle(style)) return { kind: "counter", name: counter, style };
      if (counter === "page" || counter === "pages") throw new ValueError(`counter style "${style}": expected one of ${NUMERIC_COUNTER_STYLES.join(", ")}`);
    }
    throw new ValueError("expected strings, counter(page), counter(pages) (optionally with a numeric counter style) and string(name), or one url()");
  });
}

const side = (name: "Top" | "Right" | "Bottom" | "Left") => ({
  margin: {
    key: `margin${name}` as StyleKey,
    inherited: false,
    initial: "0",
    values: "<length> | <percentage>",
    compute: lengthPercentage,
  },
  padding: {
    key: `padding${name}` as StyleKey,
    inherited: false,
    initial: "0",
    values: "<length> | <percentage> (not negative)",
    compute: (t: readonly Token[], c: ComputeContext) => nonNegative(lengthPercentage(t, c)),
  },
  borderWidth: { key: `border${name}Width` as StyleKey, inherited: false, initial: "medium", values: "<length> | thin | medium | thick", compute: borderWidth },
  borderStyle: { key: `border${name}Style` as StyleKey, inherited: false, initial: "none", values: "none | solid", compute: keyword(["none", "solid"] as const) },
  borderColor: {
    key: `border${name}Color` as StyleKey,
    inherited: false,
    initial: "currentcolor",
    values: COLOR_VALUES,
    compute: (t: readonly Token[], c: ComputeContext) => colorOf(single(t), c),
  },
});

const TOP = side("Top");
const RIGHT = side("Right");
const BOTTOM = side("Bottom");
const LEFT = side("Left");

export const PROPERTIES: Readonly<Record<string, PropertyDefinition<StyleKey>>> = {
  "font-family": {
    key: "fontFamily",
    inherited: true,
    initial: "serif",
    values: "a list of family names (the font registry's, with per-script fallback)",
    compute: (tokens, context) => {
      const names: string[] = [];
      let current: string[] = [];
      for (const token of [...tokens, { type: "operator", value: "," } as Token]) {
        if (token.type === "operator" && token.value === ",") {
          if (current.length === 0) throw new ValueError("an empty family name");
          names.push(current.join(" "));
          current = [];
        } else if (token.type === "string") current.push(token.value);
        else if (token.type === "ident") current.push(token.name);
        else throw new ValueError("expected family names separated by commas");
      }
      // A family the template declares is named by its faces (its id), so the PDF finds them by the name alone.
      const families = context.families;
      return families ? names.map((name) => families.get(name.toLowerCase()) ?? name) : names;
    },
  },
  "font-size": {
    key: "fontSize",
    inherited: true,
    initial: "12pt",
    values: "<length> | <percentage> | smaller | larger",
    compute: (tokens, context) => {
      const token = single(tokens);
      // For font-size itself, em is the parent's size (units.ts FontContext).
      if (token.type === "ident" && token.name === "smaller") return context.font.em / FONT_SIZE_STEP;
      if (token.type === "ident" && token.name === "larger") return context.font.em * FONT_SIZE_STEP;
      const value = lengthPercentageOf(token, context.font);
      if (!value) throw new ValueError("expected a length or a percentage");
      return value.percent === undefined ? nonNegative(value).pt : (value.percent / 100) * context.font.em;
    },
  },
  "font-weight": {
    key: "fontWeight",
    inherited: true,
    initial: "normal",
    values: "normal | bold | 100-900",
    compute: (tokens) => {
      const token = single(tokens);
      if (token.type === "ident" && token.name === "normal") return 400;
      if (token.type === "ident" && token.name === "bold") return 700;
      if (token.type === "number" && token.value >= 1 && token.value <= 1000) return token.value;
      throw new ValueError("expected normal, bold or a number");
    },
  },
  "font-style": {
    key: "fontStyle",
    inherited: true,
    initial: "normal",
    values: "normal | italic | oblique",
    compute: (tokens) => (keyword(["normal", "italic", "oblique"] as const)(tokens) === "normal" ? "normal" : "italic"),
  },
  color: { key: "color", inherited: true, initial: "#000", values: COLOR_VALUES, compute: (t, c) => colorOf(single(t), c) },
  "background-color": {
    key: "backgroundColor",
    inherited: false,
    initial: "transparent",
    values: `transparent, or ${COLOR_VALUES}`,
    compute: (tokens, context) => {
      const token = single(tokens);
      return token.type === "ident" && token.name === "transparent" ? null : colorOf(token, context);
    },
  },
  "line-height": {
    key: "lineHeight",
    inherited: true,
    initial: "1.2",
    values: "<number> | <length> | <percentage> (not normal: it depends on each font's metrics)",
    compute: (tokens, context) => {
      const token = single(tokens);
      if (token.type === "number" && token.value >= 0) return { factor: token.value };
      if (token.type === "percentage") return { pt: (token.value / 100) * context.font.em };
      const pt = lengthOf(token, context.font);
      if (pt === null || pt < 0) throw new ValueError("expected a number, a length or a percentage");
      return { pt };
    },
  },
  "text-align": {
    key: "textAlign",
    inherited: true,
    initial: "start",
    values: "start | end | left | right | center | justify",
    compute: keyword(["start", "end", "left", "right", "center", "justify"] as const),
  },
  "text-indent": { key: "textIndent", inherited: true, initial: "0", values: "<length> | <percentage>", compute: lengthPercentage },
  "letter-spacing": {
    key: "letterSpacing",
    inherited: true,
    initial: "normal",
    values: "normal | <length>",
    compute: (tokens, context) => {
      const token = single(tokens);
      if (token.type === "ident" && token.name === "normal") return 0;
      const pt = lengthOf(token, context.font);
      if (pt === null) throw new ValueError("expected normal or a length");
      return pt;
    },
  },
  "word-break": { key: "wordBreak", inherited: true, initial: "normal", values: "normal | keep-all", compute: keyword(["normal", "keep-all"] as const) },
  hyphens: { key: "hyphens", inherited: true, initial: "manual", values: "none | manual | auto", compute: keyword(["none", "manual", "auto"] as const) },
  "white-space": {
    key: "whiteSpace",
    inherited: true,
    initial: "normal",
    values: "normal | nowrap | pre-line",
    compute: keyword(["normal", "nowrap", "pre-line"] as const),
  },
  // Not inherited (CSS Writing Modes); the user-agent sheet isolates [dir] and bdi, as HTML's does.
  "unicode-bidi": {
    key: "unicodeBidi",
    inherited: false,
    initial: "normal",
    values: "normal | isolate | plaintext",
    compute: keyword(["normal", "isolate", "plaintext"] as const),
  },
  overflow: { key: "overflow", inherited: false, initial: "visible", values: "visible | hidden", compute: keyword(["visible", "hidden"] as const) },
  "text-overflow": { key: "textOverflow", inherited: false, initial: "clip", values: "clip | ellipsis", compute: keyword(["clip", "ellipsis"] as const) },
  "margin-top": TOP.margin,
  "margin-right": RIGHT.margin,
  "margin-bottom": BOTTOM.margin,
  "margin-left": LEFT.margin,
  "padding-top": TOP.padding,
  "padding-right": RIGHT.padding,
  "padding-bottom": BOTTOM.padding,
  "padding-left": LEFT.padding,
  "border-top-width": TOP.borderWidth,
  "border-right-width": RIGHT.borderWidth,
  "border-bottom-width": BOTTOM.borderWidth,
  "border-left-width": LEFT.borderWidth,
  "border-top-style": TOP.borderStyle,
  "border-right-style": RIGHT.borderStyle,
  "border-bottom-style": BOTTOM.borderStyle,
  "border-left-style": LEFT.borderStyle,
  "border-top-color": TOP.borderColor,
  "border-right-color": RIGHT.borderColor,
  "border-bottom-color": BOTTOM.borderColor,
  "border-left-color": LEFT.borderColor,
  width: {
    key: "width",
    inherited: false,
    initial: "auto",
    values: "auto | <length> | <percentage>",
    compute: (tokens, context) => {
      const token = single(tokens);
      return token.type === "ident" && token.name === "auto" ? "auto" : nonNegative(lengthPercentage(tokens, context));
    },
  },
  "max-width": {
    key: "maxWidth",
    inherited: false,
    initial: "none",
    values: "none | <length> | <percentage>",
    compute: (tokens, context) => {
      const token = single(tokens);
      return token.type === "ident" && token.name === "none" ? "none" : nonNegative(lengthPercentage(tokens, context));
    },
  },
  height: {
    key: "height",
    inherited: false,
    initial: "auto",
    values: "auto | <length>",
    compute: (tokens, context) => {
      const token = single(tokens);
      if (token.type === "ident" && token.name === "auto") return "auto";
      const value = nonNegative(lengthPercentage(tokens, context));
      // A percentage height needs a containing block of a fixed height, which the letter's boxes never have.
      if (value.pt === undefined) throw new ValueError("a percentage height is not supported");
      return { pt: value.pt };
    },
  },
  "box-sizing": { key: "boxSizing", inherited: false, initial: "content-box", values: "content-box | border-box", compute: keyword(["content-box", "border-box"] as const) },
  display: {
    key: "display",
    inherited: false,
    initial: "inline",
    values:
      "block | inline | inline-block (images) | none | list-item | table | table-row-group | table-header-group | table-footer-group | table-row | table-cell | table-caption | table-column | table-column-group",
    compute: keyword([
      "block",
      "inline",
      "inline-block",
      "none",
      "list-item",
      "table",
      "table-row-group",
      "table-header-group",
      "table-footer-group",
      "table-row",
      "table-cell",
      "table-caption",
      "table-column",
      "table-column-group",
    ] as const),
  },
  "list-style-type": {
    key: "listStyleType",
    inherited: true,
    initial: "disc",
    values: "disc | circle | square | decimal | none",
    compute: keyword(["disc", "circle", "square", "decimal", "none"] as const),
  },
  "break-before": { key: "breakBefore", inherited: false, initial: "auto", values: "auto | avoid | page", compute: keyword(["auto", "avoid", "page"] as const) },
  "break-after": { key: "breakAfter", inherited: false, initial: "auto", values: "auto | avoid | page", compute: keyword(["auto", "avoid", "page"] as const) },
  "break-inside": { key: "breakInside", inherited: false, initial: "auto", values: "auto | avoid", compute: keyword(["auto", "avoid"] as const) },
  orphans: { key: "orphans", inherited: true, initial: "2", values: "<integer> (1 or more)", compute: (t) => positiveInteger(t) },
  widows: { key: "widows", inherited: true, initial: "2", values: "<integer> (1 or more)", compute: (t) => positiveInteger(t) },
  "string-set": {
    key: "stringSet",
    inherited: false,
    initial: "none",
    values: "none | <name> content(text) | <name> <string>",
    compute: (tokens) => {
      if (tokens.length === 1 && tokens[0]!.type === "ident" && tokens[0]!.name === "none") return null;
      const [name, value] = tokens;
      if (tokens.length === 2 && name?.type === "ident") {
        if (value?.type === "string") return { name: name.name, value: value.value };
        if (value?.type === "function" && value.name === "content" && value.args.length === 1 && value.args[0]!.type === "ident" && value.args[0]!.name === "text") {
          return { name: name.name, value: "text" };
        }
      }
      throw new ValueError("expected none, a name and content(text), or a name and a string");
    },
  },
  content: {
    key: "content",
    inherited: false,
    initial: "none",
    values: "none | strings, counter(page), counter(pages), string(<name>); or one url() of the template's assets (in @page margin boxes)",
    compute: contentOf,
  },
  "border-collapse": {
    key: "borderCollapse",
    inherited: true,
    initial: "separate",
    values: "separate | collapse",
    compute: keyword(["separate", "collapse"] as const),
  },
  "border-spacing": {
    key: "borderSpacing",
    inherited: true,
    initial: "0",
    values: "<length> [<length>] (not negative)",
    compute: (tokens, context) => {
      const [across, down = across] = tokens.map((token) => lengthOf(token, context.font));
      if (tokens.length > 2 || typeof across !== "number" || typeof down !== "number" || across < 0 || down < 0) {
        throw new ValueError("expected one or two non-negative lengths");
      }
      return { horizontal: across, vertical: down };
    },
  },
  "table-layout": { key: "tableLayout", inherited: false, initial: "auto", values: "auto | fixed", compute: keyword(["auto", "fixed"] as const) },
  "vertical-align": {
    key: "verticalAlign",
    inherited: false,
    initial: "baseline",
    values: "baseline | top | middle | bottom | text-top | text-bottom (table cells, images) | super | sub | <length> | <percentage> (inline text)",
    compute: (tokens, context): VerticalAlign => {
      const token = single(tokens);
      if (token.type === "ident") return keyword(["baseline", "top", "middle", "bottom", "text-top", "text-bottom", "super", "sub"] as const)(tokens);
      // Negative values lower the baseline: allowed, as in CSS.
      const value = lengthPercentageOf(token, context.font);
      if (!value) throw new ValueError("expected a keyword, a length or a percentage");
      return value.percent === undefined ? { pt: value.pt } : { percent: value.percent };
    },
  },
  "caption-side": { key: "captionSide", inherited: true, initial: "top", values: "top | bottom", compute: keyword(["top", "bottom"] as const) },
};

function positiveInteger(tokens: readonly Token[]): number {
  const token = single(tokens);
  if (token.type === "number" && Number.isInteger(token.value) && token.value >= 1) return token.value;
  throw new ValueError("expected a whole number of lines, 1 or more");
}

/**
 * Properties the HTML edition needs for the browser to draw what the PDF always draws; the PDF
 * accepts them only with the values that describe its own fixed behaviour.
 */
export const FIXED_BEHAVIOUR: Readonly<Record<string, { values: readonly string[]; why: string }>> = {
  "overflow-wrap": { values: ["break-word", "anywhere"], why: "the PDF always breaks a word wider than the line" },
  "font-kerning": { values: ["auto", "normal"], why: "the PDF always kerns" },
  "text-rendering": { values: ["auto", "optimizelegibility", "geometricprecision"], why: "a screen rendering hint" },
  "text-decoration": { values: ["none"], why: "the PDF draws no text decoration" },
  quotes: { values: ["none"], why: "quotation marks are part of the letter's text" },
  "color-scheme": { values: ["light", "normal"], why: "the PDF is printed on white paper" },
};

/** Every longhand property name, in the order the stage computes them (font-size and color first). */
export const LONGHANDS: readonly string[] = ["font-size", "color", ...Object.keys(PROPERTIES).filter((name) => name !== "font-size" && name !== "color")];

/** Widths of a box's four sides in points. */
export interface SideWidths {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** The used border widths of a box, in points: a side whose style is not `solid` has none (CSS Backgrounds 3, 4.3: `none` computes the width to 0). */
export function borderWidthsOf(style: ComputedStyle): SideWidths {
  return {
    top: style.borderTopStyle === "solid" ? style.borderTopWidth : 0,
    right: style.borderRightStyle === "solid" ? style.borderRightWidth : 0,
    bottom: style.borderBottomStyle === "solid" ? style.borderBottomWidth : 0,
    left: style.borderLeftStyle === "solid" ? style.borderLeftWidth : 0,
  };
}
