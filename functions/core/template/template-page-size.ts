import { parseStylesheets } from "../style";
import type { Paper } from "../style/document-stylesheets";

/** Where a template's stylesheet sets the page size, and to what. */
export interface TemplatePageSize {
  /** "templates/x/print.css line 73, selector @page, property size". */
  where: string;
  /** The value as written: `letter`, `A5 landscape`, `210mm 297mm`. */
  value: string;
  /** Set for every page, not for the first only (`@page :first`): the run's paper then shapes no page. */
  everyPage: boolean;
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
  // `size: auto` asks for the run's paper, and an orientation alone turns it: neither sets a paper of its own.
  return chosen && !["auto", "portrait", "landscape"].includes(chosen.declaration.text.trim().toLowerCase())
    ? { where: chosen.declaration.where, value: chosen.declaration.text.trim(), everyPage: !chosen.first }
    : undefined;
}

/**
 * The paper a document of a template is made on, as far as it shapes its bytes: the run's, unless the
 * template sets every page's size itself; then one paper for every run (A4, the default), so that a
 * run's `--paper` gives no new revision or PDF /ID to letters whose pages it does not change.
 */
export function effectivePaper(pageSize: TemplatePageSize | undefined, paper: Paper): Paper {
  return pageSize?.everyPage ? "A4" : paper;
}
