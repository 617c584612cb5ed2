import type { Cascaded } from "./cascade";
import type { Element } from "./dom-adapter";
import { parseValue } from "./values";

/**
 * HTML's presentational hints that the supported CSS reads: an `<img>`'s `width` and `height`
 * attributes (the HTML Standard, "Dimension attributes") map to the `width` and `height`
 * properties in CSS pixels, author-level but below every author rule, so `img { height: auto }`
 * in a stylesheet overrides them, as in browsers.
 */
export interface PresentationalHints {
  /** What the hints are, for the style cache's signature ("" for none). */
  key: string;
  entries: Cascaded[];
}

const NONE: PresentationalHints = { key: "", entries: [] };

/**
 * A dimension attribute's value as CSS: a number of CSS pixels ("120", "120.5") or a percentage
 * ("50%"), as the HTML Standard's rules for dimension values read it; anything else is ignored, as
 * browsers do.
 */
function dimension(value: string | undefined): string | null {
  const match = value === undefined ? null : /^\s*(\d+(?:\.\d+)?)(%?)/.exec(value);
  return match ? `${Number(match[1])}${match[2] ? "%" : "px"}` : null;
}

export function presentationalHints(element: Element): PresentationalHints {
  if (element.tagName !== "img") return NONE;
  const entries: Cascaded[] = [];
  let key = "";
  for (const property of ["width", "height"] as const) {
    const value = element.attrs.find((a) => a.name === property)?.value;
    const text = dimension(value);
    if (text === null) continue;
    key += `${property}=${text};`;
    entries.push({
      declaration: { property, text, tokens: parseValue(text), important: false, where: `<img ${property}="${value}"> attribute` },
      origin: "author",
      // Below any selector's specificity and before any rule, so every author rule overrides it.
      specificity: -1,
      order: -1,
    });
  }
  return entries.length === 0 ? NONE : { key, entries };
}
