import { createHash } from "node:crypto";
import type { Letter } from "./letter/parse-letter";
import type { TemplateSet } from "./template/template-engine";

/**
 * Changes whenever the layout code changes the bytes it makes for the same input; part of every
 * revision, so documents made by older code are never mistaken for current ones.
 */
export const RENDERER_VERSION = "letterpress-renderer/2";

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value instanceof Map) return canonical(Object.fromEntries([...value].sort(([a], [b]) => (a < b ? -1 : 1))));
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().filter((key) => record[key] !== undefined).map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The revision of a letter's documents: a digest of the validated data, the templates and the
 * renderer version. The same inputs always give the same revision, so storage keys are stable and
 * a re-run stores nothing new; any change of text, template or layout gives a new one.
 */
export function revisionOf(letter: Letter, templates: TemplateSet, rendererVersion: string = RENDERER_VERSION): string {
  const input = canonical({ facts: letter.facts, translations: letter.translations, templates, rendererVersion });
  return createHash("sha256").update(input).digest("hex").slice(0, 16);
}
