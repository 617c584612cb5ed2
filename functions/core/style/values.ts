// css-tree's parser, generator and walker without its lexer (see css-tree-parts.ts).
import * as csstree from "./css-tree-parts";

/** A component value of a declaration, in the few shapes the supported properties use. */
export type Token =
  | { type: "ident"; name: string }
  | { type: "number"; value: number }
  | { type: "dimension"; value: number; unit: string }
  | { type: "percentage"; value: number }
  | { type: "string"; value: string }
  /** `url(...)`: an image of the template's assets/ folder (margin boxes' `content`). */
  | { type: "url"; value: string }
  | { type: "hash"; value: string }
  | { type: "function"; name: string; args: Token[] }
  | { type: "operator"; value: string };

/** Thrown for a value the stage cannot read; the caller adds the stylesheet, line, selector and property. */
export class ValueError extends Error {}

function tokenOf(node: csstree.CssNode): Token | null {
  switch (node.type) {
    case "Identifier":
      return { type: "ident", name: node.name.toLowerCase() };
    case "Number":
      return { type: "number", value: Number(node.value) };
    case "Dimension":
      return { type: "dimension", value: Number(node.value), unit: node.unit.toLowerCase() };
    case "Percentage":
      return { type: "percentage", value: Number(node.value) };
    case "String":
      return { type: "string", value: node.value };
    case "Url":
      return { type: "url", value: node.value };
    case "Hash":
      return { type: "hash", value: node.value.toLowerCase() };
    case "Function":
      return { type: "function", name: node.name.toLowerCase(), args: tokensOf(node.children) };
    case "Operator":
      return { type: "operator", value: node.value };
    default:
      throw new ValueError(`"${csstree.generate(node)}" is not a value the PDF reads`);
  }
}

function tokensOf(children: csstree.List<csstree.CssNode>): Token[] {
  const tokens: Token[] = [];
  children.forEach((child) => {
    const token = tokenOf(child);
    if (token) tokens.push(token);
  });
  return tokens;
}

/** Reads a declaration's value text into tokens. */
export function parseValue(text: string): Token[] {
  let failure: string | null = null;
  const ast = csstree.parse(text, { context: "value", onParseError: (error) => (failure ??= error.message) });
  if (failure) throw new ValueError(`"${text.trim()}" does not parse (${failure})`);
  return ast.type === "Value" ? tokensOf(ast.children) : [];
}

/** The index of the parenthesis closing the one opened just before `from`. */
function closingParen(text: string, from: number): number {
  let depth = 1;
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  throw new ValueError(`var() is not closed in "${text.trim()}"`);
}

/**
 * Replaces every `var(--name)` and `var(--name, fallback)` with the custom property's value, or the
 * fallback when the property is not set, as CSS Variables Level 1 does (fallbacks may nest).
 */
export function substituteVariables(text: string, lookup: (name: string) => string | undefined, depth = 0): string {
  if (depth > 16) throw new ValueError("custom properties refer to each other in a cycle");
  let out = "";
  let at = 0;
  for (let start = text.indexOf("var(", at); start !== -1; start = text.indexOf("var(", at)) {
    const end = closingParen(text, start + 4);
    const inner = text.slice(start + 4, end);
    const comma = inner.indexOf(",");
    const name = (comma === -1 ? inner : inner.slice(0, comma)).trim();
    if (!name.startsWith("--")) throw new ValueError(`var() expects a custom property name, found "${name}"`);
    const value = lookup(name) ?? (comma === -1 ? undefined : inner.slice(comma + 1));
    if (value === undefined) throw new ValueError(`var(${name}) is not set and has no fallback`);
    out += text.slice(at, start) + substituteVariables(value, lookup, depth + 1);
    at = end + 1;
  }
  return out + text.slice(at);
}

export function hasVariables(text: string): boolean {
  return /\bvar\(/i.test(text);
}

/** A token written back as CSS (`hsl(40 50% 50% / 0.5)`), for a library that reads values as text and for messages. */
export function tokenText(token: Token): string {
  switch (token.type) {
    case "ident":
      return token.name;
    case "number":
      return String(token.value);
    case "dimension":
      return `${token.value}${token.unit}`;
    case "percentage":
      return `${token.value}%`;
    case "string":
      return JSON.stringify(token.value);
    case "url":
      return `url(${JSON.stringify(token.value)})`;
    case "hash":
      return `#${token.value}`;
    case "function":
      return `${token.name}(${token.args.map(tokenText).join(" ").replaceAll(" ,", ",")})`;
    case "operator":
      return token.value;
  }
}
