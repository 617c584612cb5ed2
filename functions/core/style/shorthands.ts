import { type Token, ValueError } from "./values";

/**
 * Shorthands and logical properties, expanded into the physical longhands the cascade compares.
 * Text runs horizontally, so block-start/end are top/bottom and inline-start/end follow `dir`.
 */

type Side = "top" | "right" | "bottom" | "left";
export type Direction = "ltr" | "rtl";

const WIDE_KEYWORDS = new Set(["inherit", "initial", "unset"]);

function logicalSide(name: string, dir: Direction): Side | null {
  switch (name) {
    case "block-start":
      return "top";
    case "block-end":
      return "bottom";
    case "inline-start":
      return dir === "rtl" ? "right" : "left";
    case "inline-end":
      return dir === "rtl" ? "left" : "right";
    case "top":
    case "right":
    case "bottom":
    case "left":
      return name;
    default:
      return null;
  }
}

/** One to four values for top, right, bottom, left, as `margin: 1em 2em` reads. */
function fourSides(tokens: readonly Token[]): Record<Side, Token[]> {
  const [t, r = t, b = t, l = r] = tokens;
  if (!t || tokens.length > 4) throw new ValueError("expected one to four values");
  return { top: [t], right: [r!], bottom: [b!], left: [l!] };
}

const BORDER_STYLES = new Set(["none", "solid", "hidden", "dotted", "dashed", "double", "groove", "ridge", "inset", "outset"]);
const BORDER_WIDTHS = new Set(["thin", "medium", "thick"]);

/** `border: 1px solid #ccc`: width, style and color in any order; a missing one is reset to its initial value. */
function borderParts(tokens: readonly Token[]): { width: Token[]; style: Token[]; color: Token[] } {
  if (tokens.length === 1 && tokens[0]!.type === "ident" && WIDE_KEYWORDS.has(tokens[0]!.name)) {
    return { width: [...tokens], style: [...tokens], color: [...tokens] };
  }
  const parts: { width?: Token; style?: Token; color?: Token } = {};
  for (const token of tokens) {
    const slot =
      token.type === "dimension" || (token.type === "number" && token.value === 0) || (token.type === "ident" && BORDER_WIDTHS.has(token.name))
        ? "width"
        : token.type === "ident" && BORDER_STYLES.has(token.name)
          ? "style"
          : "color";
    if (parts[slot]) throw new ValueError(`more than one border ${slot}`);
    parts[slot] = token;
  }
  return {
    width: [parts.width ?? { type: "ident", name: "medium" }],
    style: [parts.style ?? { type: "ident", name: "none" }],
    color: [parts.color ?? { type: "ident", name: "currentcolor" }],
  };
}

/**
 * Expands one declaration into physical longhands. Longhands and unknown names pass through
 * unchanged; the property table decides whether they are supported.
 */
export function expandDeclaration(property: string, tokens: readonly Token[], dir: Direction): [string, Token[]][] {
  const wide = tokens.length === 1 && tokens[0]!.type === "ident" && WIDE_KEYWORDS.has(tokens[0]!.name);
  const all = (names: readonly string[], value: readonly Token[]) => names.map((name): [string, Token[]] => [name, [...value]]);

  let match = /^(margin|padding)$/.exec(property);
  if (match) {
    const sides = wide ? fourSides([tokens[0]!, tokens[0]!, tokens[0]!, tokens[0]!]) : fourSides(tokens);
    return (["top", "right", "bottom", "left"] as const).map((s) => [`${match![1]}-${s}`, sides[s]]);
  }
  match = /^(margin|padding)-(block|inline)$/.exec(property);
  if (match) {
    const [start, end = start] = tokens;
    if (!start || tokens.length > 2) throw new ValueError("expected one or two values");
    return [
      [`${match[1]}-${logicalSide(`${match[2]}-start`, dir)}`, [start]],
      [`${match[1]}-${logicalSide(`${match[2]}-end`, dir)}`, [end!]],
    ];
  }
  match = /^(margin|padding)-((?:block|inline)-(?:start|end))$/.exec(property);
  if (match) return [[`${match[1]}-${logicalSide(match[2]!, dir)}`, [...tokens]]];

  if (property === "border") {
    const parts = borderParts(tokens);
    return (["top", "right", "bottom", "left"] as const).flatMap((s) => [
      [`border-${s}-width`, parts.width],
      [`border-${s}-style`, parts.style],
      [`border-${s}-color`, parts.color],
    ]);
  }
  match = /^border-(width|style|color)$/.exec(property);
  if (match) {
    const sides = wide ? fourSides([tokens[0]!, tokens[0]!, tokens[0]!, tokens[0]!]) : fourSides(tokens);
    return (["top", "right", "bottom", "left"] as const).map((s) => [`border-${s}-${match![1]}`, sides[s]]);
  }
  match = /^border-(block|inline)$/.exec(property);
  if (match) {
    return [...expandDeclaration(`border-${match[1]}-start`, tokens, dir), ...expandDeclaration(`border-${match[1]}-end`, tokens, dir)];
  }
  match = /^border-(top|right|bottom|left|block-start|block-end|inline-start|inline-end)$/.exec(property);
  if (match) {
    const s = logicalSide(match[1]!, dir)!;
    const parts = borderParts(tokens);
    return [
      [`border-${s}-width`, parts.width],
      [`border-${s}-style`, parts.style],
      [`border-${s}-color`, parts.color],
    ];
  }
  match = /^border-(block-start|block-end|inline-start|inline-end)-(width|style|color)$/.exec(property);
  if (match) return [[`border-${logicalSide(match[1]!, dir)}-${match[2]}`, [...tokens]]];
  match = /^border-(block|inline)-(width|style|color)$/.exec(property);
  if (match) {
    const [start, end = start] = tokens;
    if (!start || tokens.length > 2) throw new ValueError("expected one or two values");
    return [
      [`border-${logicalSide(`${match[1]}-start`, dir)}-${match[2]}`, [start]],
      [`border-${logicalSide(`${match[1]}-end`, dir)}-${match[2]}`, [end!]],
    ];
  }
  if (property === "max-inline-size") return [["max-width", [...tokens]]];
  if (property === "inline-size") return [["width", [...tokens]]];
  if (property === "block-size") return [["height", [...tokens]]];
  return all([property], tokens);
}
