import { ColorError, type ComputedStyle, type ComputeContext, LONGHANDS, PROPERTIES } from "./properties";
import { type Direction, expandDeclaration } from "./shorthands";
import { checkDeclaration, type Declaration, type Origin, StyleError } from "./stylesheet";
import { parseValue, substituteVariables, type Token, ValueError } from "./values";
import { FONT_SIZE_RANGE_PT } from "./value-ranges";

/**
 * The cascade (origin and importance, specificity, order), inheritance, custom properties and
 * computed values in points, as CSS Cascading 4 and Values 4 define them for the supported table.
 */

export type CustomProperties = ReadonlyMap<string, string>;

export interface Cascaded {
  declaration: Declaration;
  origin: Origin;
  specificity: number;
  order: number;
}

/** Normal declarations by origin, then important ones in reverse origin order. */
function rank(origin: Origin, important: boolean): number {
  const normal = { "user-agent": 0, user: 1, author: 2 }[origin];
  return important ? 5 - normal : normal;
}

/** Sorts matched declarations so that each one overrides the ones before it. */
export function cascadeOrder(matched: readonly Cascaded[]): Cascaded[] {
  return matched
    .map((entry, index) => ({ entry, index, rank: rank(entry.origin, entry.declaration.important) }))
    .sort((a, b) => a.rank - b.rank || a.entry.specificity - b.entry.specificity || a.entry.order - b.entry.order || a.index - b.index)
    .map(({ entry }) => entry);
}

const valueCache = new Map<string, Token[]>();

function tokensOf(declaration: Declaration, custom: CustomProperties): Token[] {
  if (declaration.tokens) return declaration.tokens;
  try {
    const text = substituteVariables(declaration.text, (name) => custom.get(name));
    let tokens = valueCache.get(`${declaration.property}:${text}`);
    if (!tokens) {
      tokens = parseValue(text);
      checkDeclaration(declaration.property, tokens);
      if (valueCache.size > 2_000) valueCache.clear();
      valueCache.set(`${declaration.property}:${text}`, tokens);
    }
    return tokens;
  } catch (error) {
    if (error instanceof ValueError) throw new StyleError(`${declaration.where}: ${error.message}`);
    throw error;
  }
}

/** Custom properties inherit; each one's own var() references are substituted where it is set. */
export function customPropertiesOf(ordered: readonly Cascaded[], inherited: CustomProperties): CustomProperties {
  const declared = ordered.filter((entry) => entry.declaration.property.startsWith("--"));
  if (declared.length === 0) return inherited;
  const raw = new Map(inherited);
  for (const { declaration } of declared) raw.set(declaration.property, declaration.text);
  const resolved = new Map<string, string>();
  for (const { declaration } of declared) {
    try {
      resolved.set(
        declaration.property,
        substituteVariables(declaration.text, (name) => raw.get(name)),
      );
    } catch (error) {
      if (error instanceof ValueError) throw new StyleError(`${declaration.where}: ${error.message}`);
      throw error;
    }
  }
  for (const [name, value] of resolved) raw.set(name, value);
  return raw;
}

interface Specified {
  tokens: Token[];
  where: string;
}

/** The physical longhands an element's declarations specify, the last one in cascade order winning. */
export function specifiedValues(ordered: readonly Cascaded[], custom: CustomProperties, dir: Direction): Map<string, Specified> {
  const specified = new Map<string, Specified>();
  for (const { declaration } of ordered) {
    if (declaration.property.startsWith("--")) continue;
    for (const [name, tokens] of expandDeclaration(declaration.property, tokensOf(declaration, custom), dir)) {
      specified.set(name, { tokens, where: declaration.where });
    }
  }
  return specified;
}

const initialTokens = new Map<string, Token[]>();

function initialOf(property: string): Token[] {
  let tokens = initialTokens.get(property);
  if (!tokens) {
    tokens = parseValue(PROPERTIES[property]!.initial);
    initialTokens.set(property, tokens);
  }
  return tokens;
}

/**
 * Computes an element's (or a page's, or a margin box's) style from its specified values and its
 * parent's computed style: em against the parent's font size for font-size itself and against
 * the element's own for everything else, rem against the root's. `families`: the template's own
 * font families by lowercase name (font-faces.ts `templateFamilies`).
 */
export function computeStyle(
  specified: ReadonlyMap<string, Specified>,
  parent: ComputedStyle | null,
  rootFontSize: number | null,
  families?: ReadonlyMap<string, string>,
): ComputedStyle {
  const style = {} as Record<string, unknown>;
  const context: ComputeContext = {
    font: { em: parent?.fontSize ?? 12, rem: rootFontSize ?? parent?.fontSize ?? 12 },
    color: parent?.color ?? "#000000",
    ...(families ? { families } : {}),
  };
  for (const property of LONGHANDS) {
    const definition = PROPERTIES[property]!;
    const given = specified.get(property);
    const keyword = given?.tokens.length === 1 && given.tokens[0]!.type === "ident" ? given.tokens[0]!.name : null;
    const inherit = parent && (keyword === "inherit" || (keyword === "unset" && definition.inherited) || (!given && definition.inherited));
    if (inherit) style[definition.key] = parent[definition.key];
    else {
      const tokens = !given || keyword === "initial" || keyword === "unset" ? initialOf(property) : given.tokens;
      try {
        style[definition.key] = definition.compute(tokens, context);
      } catch (error) {
        if (error instanceof ValueError) {
          // A colour's error says what was expected itself.
          throw new StyleError(`${given?.where ?? property}: ${error.message}${error instanceof ColorError ? "" : `; expected ${definition.values}`}`);
        }
        throw error;
      }
    }
    if (property === "font-size") {
      // Each declaration is in range, but em and % compound through nesting (12em inside 12em):
      // the computed size is held to the same range, so no edition is made of a size the PDF cannot set.
      const size = style.fontSize as number;
      if (given && !(size >= FONT_SIZE_RANGE_PT[0] && size <= FONT_SIZE_RANGE_PT[1])) {
        throw new StyleError(
          `${given.where}: computes to ${Number(size.toPrecision(6))}pt here, through the font sizes it is relative to; expected a computed font size from ${FONT_SIZE_RANGE_PT[0]}pt to ${FONT_SIZE_RANGE_PT[1]}pt (templates/CSS.md, Ranges)`,
        );
      }
      context.font = { em: size, rem: rootFontSize ?? size };
    }
    if (property === "color") context.color = style.color as string;
  }
  return style as unknown as ComputedStyle;
}
