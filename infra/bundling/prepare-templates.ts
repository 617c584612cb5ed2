import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { parse as parseMessage } from "@formatjs/icu-messageformat-parser";
import { transform } from "esbuild";
import Handlebars from "handlebars";
import { LetterpressError } from "../../functions/core/errors";
import type { Paper } from "../../functions/core/style/document-stylesheets";
import { type Origin, parseStylesheets } from "../../functions/core/style/stylesheet";
import {
  messageKey,
  PREPARED_FORMAT,
  PREPARED_TEMPLATES_FILE,
  type PreparedStylesheet,
  prepareStylesheet,
  stylesheetKey,
  TEMPLATE_COMPILE_OPTIONS,
  templateKey,
} from "../../functions/core/template/prepared-templates";
import { unknownHelperProblems } from "../../functions/core/template/template-helpers";
import { sourceImages } from "../../functions/core/template/template-images";
import { templateMarkupProblems } from "../../functions/core/template/template-markup";
import { sourceReferences } from "../../functions/core/template/template-references";
import { checkedTemplateLibrary } from "../../functions/templates/check-templates";
import { loadTemplateSets } from "../../functions/templates/load-template-set";

export { PREPARED_TEMPLATES_FILE };

/** What preparing a templates folder made, for the build's log and the tests. */
export interface PreparedSummary {
  templates: number;
  stylesheets: number;
  messages: number;
  /** Sources left to run time (they do not compile or parse: run time reports them as it does without this file). */
  skipped: string[];
}

/** The name a prepared sheet is parsed under; each declaration's place is kept without it (see prepareStylesheet). */
const SHEET_PLACEHOLDER = "stylesheet";

/**
 * The prepared-templates module of a templates folder (see functions/core/template/prepared-templates.ts):
 * every Handlebars source of every template precompiled with what it reads, ua.css and each
 * print.css parsed and checked, every catalog message parsed to its ICU tree. A source that does
 * not compile or parse is left out, so run time reports it exactly as it would without this file.
 * Data as `JSON.parse` of a string literal: V8 reads that faster than the same object literal.
 * Minified by esbuild, as the bundle is (its header comment goes with the minification).
 */
export async function preparedTemplatesModule(templatesDir: string): Promise<{ text: string; summary: PreparedSummary }> {
  const sets = await loadTemplateSets(templatesDir);
  const templates = new Map<string, string>();
  const stylesheets = new Map<string, PreparedStylesheet>();
  const messages = new Map<string, unknown>();
  const skipped: string[] = [];
  for (const set of sets) {
    const sources = [
      ...Object.entries(set.templates).map(([name, source]) => [`${set.name}/${name}.hbs`, source] as const),
      ...Object.entries(set.partials).map(([name, source]) => [`${set.name}/partials/${name}.hbs`, source] as const),
    ];
    for (const [file, source] of sources) {
      const key = templateKey(source);
      if (templates.has(key)) continue;
      try {
        const options = { ...TEMPLATE_COMPILE_OPTIONS, knownHelpers: { ...TEMPLATE_COMPILE_OPTIONS.knownHelpers } };
        const spec = Handlebars.precompile(source, options) as string;
        const { paths, calls, dynamicKeys } = sourceReferences(source);
        // A source whose markup has problems, or that calls a helper the template does not have, is checked again
        // at run time, which names its file there; its images are found here, once (the engine checks them against the assets).
        const markupChecked = templateMarkupProblems({ [file]: source }).length === 0;
        const helpersChecked = unknownHelperProblems(file, source).length === 0;
        const images = sourceImages(source);
        templates.set(
          key,
          `{spec:${spec},paths:${JSON.stringify(paths)},calls:${JSON.stringify(calls)},dynamicKeys:${dynamicKeys},markupChecked:${markupChecked},` +
            `helpersChecked:${helpersChecked},images:${JSON.stringify(images)}}`,
        );
      } catch {
        skipped.push(file);
      }
    }
    const sheets: [string, Origin, string][] = [
      ["ua.css", "user-agent", set.userAgentStylesheet],
      [`${set.name}/print.css`, "author", set.stylesheet],
    ];
    for (const [file, origin, text] of sheets) {
      const key = stylesheetKey(origin, text);
      if (stylesheets.has(key)) continue;
      try {
        stylesheets.set(key, prepareStylesheet(parseStylesheets([{ name: SHEET_PLACEHOLDER, origin, text }]), SHEET_PLACEHOLDER));
      } catch {
        skipped.push(file);
      }
    }
    for (const [locale, catalog] of Object.entries(set.catalogs)) {
      for (const [name, message] of Object.entries(catalog ?? {})) {
        const key = messageKey(message);
        if (messages.has(key)) continue;
        try {
          messages.set(key, parseMessage(message));
        } catch {
          skipped.push(`${set.name}/messages/${locale}.json: ${name}`);
        }
      }
    }
  }
  const json = (value: unknown) => `JSON.parse(${JSON.stringify(JSON.stringify(value))})`;
  const text = [
    '"use strict";',
    "// Generated at bundling time by infra/bundling/prepare-templates.ts from the templates folder; see",
    "// functions/core/template/prepared-templates.ts. Entries are keyed by hashes of their sources.",
    `module.exports = {format:${PREPARED_FORMAT},`,
    `templates:{${[...templates].map(([key, entry]) => `${JSON.stringify(key)}:${entry}`).join(",\n")}},`,
    `stylesheets:${json(Object.fromEntries(stylesheets))},`,
    `messages:${json(Object.fromEntries(messages))}};`,
    "",
  ].join("\n");
  // Minified as the bundle is: less for V8 to read at a cold start (the precompiled templates are indented code).
  const minified = await transform(text, { loader: "js", format: "cjs", minify: true, target: "node22" });
  return { text: `${minified.code}`, summary: { templates: templates.size, stylesheets: stylesheets.size, messages: messages.size, skipped } };
}

/** The paper the render function renders on (functions/render/render-environment.ts): a template's own `@page { size }` wins. */
const RENDER_FUNCTION_PAPER: Paper = "A4";

/**
 * Refuses a templates folder the render function could not load: the same whole check `generate` and
 * `serve` make (checkedTemplateLibrary: every folder's sources, partials, markup, helpers, images and
 * every catalog, ua.css and each print.css, the margin boxes' images). The render function refuses
 * such a folder at its cold start, so one broken template would fail every render of every letter,
 * sound templates' too; a local run sets the folder aside with a warning, a deployment has no one to
 * read it. The problems are the lines `generate` prints, each naming its file and line or key.
 * A catalog under a template's `messages/` named by no language (`vi_VN.json`, `vi (copy).json`) is
 * refused too, with the name `generate`'s warning suggests: a local run skips it with that warning,
 * the render function would skip it with none, and the language it was meant for would be missing.
 *
 * @throws LetterpressError TEMPLATE_ERROR, the problems one a line
 */
export async function refuseUndeployableTemplates(templatesDir: string, paper: Paper = RENDER_FUNCTION_PAPER): Promise<void> {
  const sets = await loadTemplateSets(templatesDir);
  const problems = sets
    .flatMap((set) => set.skippedFiles ?? [])
    .map((warning) => warning.replace(/: skipped: /, ": not a catalog of the template, which the render function would skip without a word: "));
  let cause: LetterpressError | undefined;
  try {
    checkedTemplateLibrary(sets, undefined, paper, "refuse");
  } catch (error) {
    if (!(error instanceof LetterpressError)) throw error;
    cause = error;
    problems.push(...error.message.split("\n"));
  }
  if (problems.length === 0) return;
  throw new LetterpressError(
    "TEMPLATE_ERROR",
    `${templatesDir}: the render function would refuse these templates at every cold start (every letter's render would fail), or leave files of them unread, so they are not bundled. Their problems:\n${problems
      .map((line) => `  ${line}`)
      .join("\n")}`,
    { cause },
  );
}

/**
 * Writes the prepared-templates module of `templatesDir` to `outFile` (beside a bundle's index.js:
 * PREPARED_TEMPLATES_FILE), once the folder passes the render function's whole check (refuseUndeployableTemplates).
 */
export async function writePreparedTemplates(templatesDir: string, outFile: string, paper: Paper = RENDER_FUNCTION_PAPER): Promise<PreparedSummary> {
  await refuseUndeployableTemplates(templatesDir, paper);
  const { text, summary } = await preparedTemplatesModule(templatesDir);
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, text);
  return summary;
}
