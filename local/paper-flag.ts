import type { Paper } from "../functions/core/html/render-html";
import { parseStylesheets } from "../functions/core/style";

/** Where a template's stylesheet sets the page size, and to what. */
export interface TemplatePageSize {
  /** "templates/x/print.css line 73, selector @page, property size". */
  where: string;
  /** The value as written: `letter`, `A5 landscape`, `210mm 297mm`. */
  value: string;
}

/**
 * The `@page { size }` a template's own stylesheet sets (its last one, which the cascade keeps),
 * or undefined when it sets none. A stylesheet that does not parse sets nothing here: the render
 * reports its problems.
 */
export function templatePageSize(name: string, text: string): TemplatePageSize | undefined {
  let pages: ReturnType<typeof parseStylesheets>["pages"];
  try {
    pages = parseStylesheets([{ name, text, origin: "author" }]).pages;
  } catch {
    return undefined;
  }
  const sizes = pages.flatMap((page) => page.declarations.filter((declaration) => declaration.property === "size").map((declaration) => ({ first: page.first, declaration })));
  const chosen = sizes.filter((size) => !size.first).at(-1) ?? sizes.at(-1);
  // `size: auto` asks for the run's paper: it sets none of its own.
  return chosen && chosen.declaration.text.trim().toLowerCase() !== "auto" ? { where: chosen.declaration.where, value: chosen.declaration.text.trim() } : undefined;
}

/** Whether a size as written is the paper asked for (`a4`, `A4 portrait`, `letter`). */
function sameSize(value: string, paper: Paper): boolean {
  const words = value
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== "" && word !== "portrait");
  return words.length === 1 && words[0] === paper.toLowerCase();
}

/**
 * The rule for `--paper` (README, "The command line"): a template that sets `@page { size }` in its
 * stylesheet decides its letters' paper; `--paper` sets the paper of the templates that set none. A
 * `--paper` given explicitly that a template's size contradicts is refused, naming the stylesheet's
 * line, rather than silently losing: undefined when there is no conflict, else the message.
 */
export function paperConflict(flag: string, paper: Paper, size: TemplatePageSize | undefined, letterIds: readonly string[]): string | undefined {
  if (!size || sameSize(size.value, paper)) return undefined;
  return (
    `--paper ${flag}: ${size.where}: the template sets @page { size: ${size.value} }, which decides the paper of its letters (${letterIds.join(", ")}); ` +
    "leave out --paper to print them as the template says, change that line, or ask only for letters of other templates with --letter"
  );
}
