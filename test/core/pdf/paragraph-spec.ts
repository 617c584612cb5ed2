import type { ParagraphSpec } from "../../../functions/core/pdf/paragraph";

/** A plain (upright, regular) run style. */
export const PLAIN = { bold: false, italic: false } as const;

/**
 * A paragraph spec for tests of the line breaker: one plain run of `text` at 10pt, black, line
 * height 1.4, start-aligned, left to right, in the serif family, 10,000 pt wide (one line), with
 * `overrides` over these defaults.
 */
export function paragraphSpec(text: string, overrides: Partial<ParagraphSpec> = {}): ParagraphSpec {
  return {
    runs: [{ text, style: PLAIN }],
    size: 10,
    color: "#000000",
    leading: 1.4,
    width: 10_000,
    align: "start",
    dir: "ltr",
    rules: { primary: "serif", keepAll: false },
    indent: 0,
    noWrap: false,
    letterSpacing: 0,
    hyphens: "manual",
    ...overrides,
  };
}
