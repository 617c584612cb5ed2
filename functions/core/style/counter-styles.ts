/**
 * CSS's predefined numeric counter styles (CSS Counter Styles 3, §6.1) by the Unicode numbering
 * system whose digits they use. `counter(page, bengali)` prints the page number in Bengali digits
 * in the browser; the PDF formats it through `Intl` with the same numbering system, so both editions
 * number pages as the language's own number format does (bn, fa, and any language added later).
 */
const NUMBERING_SYSTEM_OF_STYLE: Readonly<Record<string, string>> = {
  decimal: "latn",
  "arabic-indic": "arab",
  persian: "arabext",
  bengali: "beng",
  devanagari: "deva",
  gujarati: "gujr",
  gurmukhi: "guru",
  kannada: "knda",
  khmer: "khmr",
  cambodian: "khmr",
  lao: "laoo",
  malayalam: "mlym",
  mongolian: "mong",
  myanmar: "mymr",
  oriya: "orya",
  tamil: "tamldec",
  telugu: "telu",
  thai: "thai",
  tibetan: "tibt",
};

/** Whether a name is a numeric counter style this stage can print. */
export function isNumericCounterStyle(name: string): boolean {
  return Object.hasOwn(NUMBERING_SYSTEM_OF_STYLE, name);
}

/** The numeric counter style names this stage knows, for error messages. */
export const NUMERIC_COUNTER_STYLES: readonly string[] = Object.keys(NUMBERING_SYSTEM_OF_STYLE);

/** A counter's value in a numeric counter style: digits only, no grouping, as CSS counters print. */
export function formatCounter(value: number, style = "decimal"): string {
  const numberingSystem = NUMBERING_SYSTEM_OF_STYLE[style] ?? "latn";
  // A whole number in ASCII digits is its own String (as Intl prints it without grouping): no Intl call per page label.
  if (numberingSystem === "latn" && Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
  // Made once per numbering system: a new Intl.NumberFormat per list item and page label was 2-5% of a warm PDF.
  let format = counterFormats.get(numberingSystem);
  if (!format) counterFormats.set(numberingSystem, (format = new Intl.NumberFormat("en", { numberingSystem, useGrouping: false, maximumFractionDigits: 0 })));
  return format.format(value);
}

/** Number formats by numbering system: at most one per entry of NUMBERING_SYSTEM_OF_STYLE, and "latn". */
const counterFormats = new Map<string, Intl.NumberFormat>();

/**
 * The counter style whose digits are a numbering system's (`beng` -> `bengali`), or `decimal` for
 * Latin digits and for a numbering system CSS has no predefined numeric style for.
 */
export function counterStyleOf(numberingSystem: string): string {
  if (numberingSystem === "latn") return "decimal";
  return Object.entries(NUMBERING_SYSTEM_OF_STYLE).find(([, system]) => system === numberingSystem)?.[0] ?? "decimal";
}
