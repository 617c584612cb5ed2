import type { Paper } from "../functions/core/html/render-html";
import { type TemplatePageSize, templatePageSize } from "../functions/core/template/template-page-size";

// The template's own size is read by the core too (a template that sets it gives no run's paper a revision).
export { type TemplatePageSize, templatePageSize };

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

/**
 * Every template of the run whose size contradicts an explicit `--paper`, in one refusal: one template
 * as `paperConflict` says it, several each on a line of its own under one heading (the refusal named
 * the first alone). Undefined when none does.
 */
export function paperConflicts(flag: string, paper: Paper, templates: readonly { size: TemplatePageSize | undefined; letterIds: readonly string[] }[]): string | undefined {
  const conflicting = templates.filter(({ size }) => size && !sameSize(size.value, paper));
  if (conflicting.length === 0) return undefined;
  if (conflicting.length === 1) return paperConflict(flag, paper, conflicting[0]!.size, conflicting[0]!.letterIds);
  return [
    `--paper ${flag}: ${conflicting.length} templates set @page { size } themselves, which decides the paper of their letters:`,
    ...conflicting.map(({ size, letterIds }) => `  ${size!.where}: @page { size: ${size!.value} } (${letterIds.length === 1 ? "letter" : "letters"} ${letterIds.join(", ")})`),
    "leave out --paper to print them as their templates say, change those lines, or ask only for letters of other templates with --letter",
  ].join("\n");
}
