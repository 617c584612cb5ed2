import { type Token, ValueError } from "./values";

/** Points per unit: the PDF's user space is in points, and CSS fixes 96 px to the inch. */
const POINTS_PER: Readonly<Record<string, number>> = { pt: 1, px: 0.75, in: 72, cm: 72 / 2.54, mm: 72 / 25.4, pc: 12, q: 72 / 101.6 };

/** A length that is known only once the containing block is: a percentage of its width. */
export type LengthPercentage = { pt: number; percent?: undefined } | { percent: number; pt?: undefined };

export interface FontContext {
  /** The element's font size (em), its parent's for font-size itself. */
  em: number;
  /** The root element's font size (rem). */
  rem: number;
}

/** A length in points, or null when the token is not a length. */
export function lengthOf(token: Token | undefined, font: FontContext): number | null {
  if (!token) return null;
  if (token.type === "number" && token.value === 0) return 0;
  if (token.type !== "dimension") return null;
  if (token.unit === "em") return token.value * font.em;
  if (token.unit === "rem") return token.value * font.rem;
  const factor = POINTS_PER[token.unit];
  if (factor === undefined) throw new ValueError(`the unit "${token.unit}" is not supported (pt, px, mm, cm, in, em, rem, %)`);
  return token.value * factor;
}

export function lengthPercentageOf(token: Token | undefined, font: FontContext): LengthPercentage | null {
  if (token?.type === "percentage") return { percent: token.value };
  const pt = lengthOf(token, font);
  return pt === null ? null : { pt };
}

/** Resolves a length-percentage against the containing block's width. */
export function resolveLength(value: LengthPercentage, containingWidth: number): number {
  return value.percent === undefined ? value.pt : (value.percent / 100) * containingWidth;
}
