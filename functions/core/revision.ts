import { createHash } from "node:crypto";
import type { Paper } from "./html/render-html";
import { assetsDigest } from "./images/image-source";
import type { Letter } from "./letter/parse-letter";
import type { TemplateSet } from "./template/template-engine";

/** Everything besides the letter that shapes a document's bytes. */
export interface RevisionInputs {
  /** Every file the renderer reads from the template folder: templates, partials, stylesheet, message catalogs. */
  templates: TemplateSet;
  paper: Paper;
  /** A digest of the renderer's code, its packages and its fonts (see functions/render/renderer-fingerprint.ts). */
  renderer: string;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value instanceof Map) return canonical(Object.fromEntries([...value].sort(([a], [b]) => (a < b ? -1 : 1))));
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The revision of a letter's documents: a digest of the validated data and of everything else that
 * shapes the bytes (templates, paper, the renderer's code and fonts). The same inputs always give the
 * same revision, so storage keys are stable and a re-run stores nothing new; any change of text,
 * template, paper, code or font gives a new one, so a key handed out never names other bytes.
 */
export function revisionOf(letter: Letter, inputs: RevisionInputs): string {
  // The template's images by content, not by the folder they were read from (a laptop's, a Lambda's);
  // the folder's name in error messages (`folder`) and where the catalogs write their keys (`catalogLayouts`) shape no byte.
  const templates = {
    ...inputs.templates,
    folder: undefined,
    catalogLayouts: undefined,
    assets: inputs.templates.assets?.files.size ? assetsDigest(inputs.templates.assets) : undefined,
  };
  const input = canonical({ facts: letter.facts, translations: letter.translations, templates, paper: inputs.paper, renderer: inputs.renderer });
  return createHash("sha256").update(input).digest("hex").slice(0, 16);
}
