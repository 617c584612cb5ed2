// The `linebreak` package reads UAX 14 as it was before Unicode 15.1 (LB19: never break beside a
// quotation mark). Which characters are East Asian is East_Asian_Width data, kept current by
// get-east-asian-width (Unicode 17) rather than copied here as ranges.
import { eastAsianWidthType } from "get-east-asian-width";
import LineBreaker = require("linebreak");

/** Quotation marks that open (Pi) or close (Pf); ASCII's `"` and `'` do neither and never break (LB19). */
const OPENING_QUOTE = /^\p{Pi}$/u;
const CLOSING_QUOTE = /^\p{Pf}$/u;
const ANY_QUOTE = /[\p{Pi}\p{Pf}]/u;
/** An ideograph (class ID): a stand-in for what the quote's neighbour would meet without the quote. */
const IDEOGRAPH = "\u4e00";

/**
 * UAX 14's $EastAsian (LB19a, Unicode 15.1): East_Asian_Width Fullwidth, Wide or Halfwidth. This
 * takes in fullwidth punctuation too ("。", "，", "！", "」" are W or F), not only letters: "。”"
 * followed by "特" may break after the quote.
 */
export function isEastAsian(codePoint: number | undefined): boolean {
  if (codePoint === undefined) return false;
  const type = eastAsianWidthType(codePoint);
  return type === "fullwidth" || type === "wide" || type === "halfwidth";
}

/** Whether `first` then `second` may break between them, by the rules the `linebreak` package applies. */
function breaksBetween(first: string, second: string): boolean {
  const breaker = new LineBreaker(first + second);
  for (let b = breaker.nextBreak(); b; b = breaker.nextBreak()) if (b.position === first.length) return true;
  return false;
}

/**
 * The break opportunities beside quotation marks that UAX 14 since Unicode 15.1 adds (LB19, LB19a),
 * as ICU, and so Chromium's line breaker, apply them: a closing (Pf) quote between two East Asian
 * characters may be followed by a break, an opening (Pi) quote between two may be preceded by one.
 * Measured in Chromium 156 on B5: "…最弱势群体。”" ends a line and "特别" starts the next, where the
 * old rule glued "体。”特" into one word that did not fit. The rules before LB19 still hold: a break
 * before the quote's neighbour is taken only where an ideograph in the quote's place would take it
 * (no break before "。", "！" or "ー" after the closing quote: LB13, LB21; none after "（" before an
 * opening one: LB14). Returns positions (UTF-16 offsets) where a line may break.
 */
export function quotationBreaks(text: string): number[] {
  if (!ANY_QUOTE.test(text)) return [];
  const positions: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const opening = OPENING_QUOTE.test(c);
    if (!opening && !CLOSING_QUOTE.test(c)) continue;
    // The characters either side, whole code points (an ideograph of plane 2 is a surrogate pair).
    const before = i > 0 ? String.fromCodePoint(codePointEndingAt(text, i)) : "";
    const after = i + 1 < text.length ? String.fromCodePoint(text.codePointAt(i + 1)!) : "";
    if (!isEastAsian(before.codePointAt(0)) || !isEastAsian(after.codePointAt(0))) continue;
    if (opening && breaksBetween(before, IDEOGRAPH)) positions.push(i);
    else if (!opening && breaksBetween(IDEOGRAPH, after)) positions.push(i + 1);
  }
  return positions;
}

/** The code point that ends just before `end` in `text`. */
function codePointEndingAt(text: string, end: number): number {
  const low = text.charCodeAt(end - 1);
  if (end >= 2 && low >= 0xdc00 && low <= 0xdfff) {
    const high = text.charCodeAt(end - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.codePointAt(end - 2)!;
  }
  return low;
}
