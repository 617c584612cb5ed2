import { lengthOf } from "./units";
import { type Token, ValueError } from "./values";

/**
 * The values a letter can have, per property: a stylesheet's value outside them is refused when the
 * stylesheet is checked, so that both editions fail together. Before, `font-size: 1e9pt` was
 * accepted by the check, stored as the HTML edition, and failed the PDF alone at layout. Each range
 * is wide enough for any letter a person would design and says why it ends where it does
 * (templates/CSS.md lists them). Lengths are in points (1in = 72pt); em and rem are factors of the
 * font size; a bare number is a factor too (line-height).
 */
interface ValueRange {
  /** Absolute lengths (pt, px, mm, cm, in, pc, q), in points. */
  pt: readonly [number, number];
  /** em and rem, as a factor of the font size. */
  em: readonly [number, number];
  percent: readonly [number, number];
  /** Bare numbers, where the property takes them (line-height), as a factor; none elsewhere. */
  number?: readonly [number, number];
  why: string;
}

/** The longest side a PDF page may have (ISO 32000-1 Annex C: 200 in): no box of a letter is larger than its page. */
const PAGE_SIDE_PT = 14_400;

const BOX: ValueRange = {
  pt: [-PAGE_SIDE_PT, PAGE_SIDE_PT],
  em: [-1200, 1200],
  percent: [-1000, 1000],
  why: "no box of a letter is larger than the largest PDF page, 14400pt (200in) a side",
};

/** The font sizes a letter can have, in points: as written, and as computed through nested em and %. */
export const FONT_SIZE_RANGE_PT: readonly [number, number] = [1, 144];

const RANGES: readonly { matches: (property: string) => boolean; range: ValueRange }[] = [
  {
    matches: (p) => p === "font-size",
    range: {
      pt: FONT_SIZE_RANGE_PT,
      em: [0.1, 12],
      percent: [10, 1200],
      why: "from 1pt, below which no print can be read, to 144pt (2in), above a poster's heading: a line of a letter must fit its page",
    },
  },
  {
    matches: (p) => p === "line-height",
    range: {
      pt: [1, 288],
      em: [0.5, 5],
      percent: [50, 500],
      number: [0.5, 5],
      why: "from half the font size (lines overlap below it) to five times it (a line per page well before)",
    },
  },
  {
    matches: (p) => p === "letter-spacing" || p === "word-spacing",
    range: { pt: [-36, 72], em: [-0.5, 2], percent: [-50, 200], why: "from -0.5em (letters drawn over each other beyond it) to 2em (a word no longer reads as one)" },
  },
  {
    matches: (p) => /^border-(top|right|bottom|left)-width$/.test(p) || p === "border-spacing",
    range: { pt: [0, 72], em: [0, 6], percent: [0, 100], why: "at most 72pt (1in): a rule, not a block of ink" },
  },
  {
    matches: (p) => /^(margin|padding)-(top|right|bottom|left)$/.test(p) || ["text-indent", "width", "max-width", "height"].includes(p),
    range: BOX,
  },
];

const unitOf = (token: Token): "pt" | "em" | "percent" | "number" | undefined =>
  token.type === "percentage" ? "percent" : token.type === "number" ? "number" : token.type !== "dimension" ? undefined : token.unit === "em" || token.unit === "rem" ? "em" : "pt";

const format = (n: number) => String(Number(n.toPrecision(6)));

/**
 * Throws ValueError for a longhand's value outside the range a letter can have, naming the range
 * and why; a value of another kind (a keyword, a colour) is left to the property's own check.
 */
export function checkValueRange(property: string, tokens: readonly Token[]): void {
  const range = RANGES.find((candidate) => candidate.matches(property))?.range;
  if (!range) return;
  for (const token of tokens) {
    const unit = unitOf(token);
    if (!unit || (token.type === "number" && token.value === 0 && unit === "number" && !range.number)) continue;
    const bounds = unit === "number" ? range.number : range[unit];
    if (!bounds) continue;
    const value = unit === "pt" ? (lengthOf(token, { em: 1, rem: 1 }) ?? 0) : (token as { value: number }).value;
    if (Number.isFinite(value) && value >= bounds[0] && value <= bounds[1]) continue;
    const written = token.type === "dimension" ? `${format(token.value)}${token.unit}` : token.type === "percentage" ? `${format(token.value)}%` : format(value);
    const allowed =
      unit === "pt"
        ? `${format(bounds[0])}pt to ${format(bounds[1])}pt`
        : unit === "em"
          ? `${format(bounds[0])}em to ${format(bounds[1])}em`
          : unit === "percent"
            ? `${format(bounds[0])}% to ${format(bounds[1])}%`
            : `${format(bounds[0])} to ${format(bounds[1])}`;
    throw new ValueError(
      `${written} is outside the range a letter can have: ${allowed}${unit === "pt" && token.type === "dimension" && token.unit !== "pt" ? ` (here ${format(value)}pt)` : ""}, ${range.why}`,
    );
  }
}
