import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startupSnapshot } from "node:v8";
import { asPreparedTemplates, PREPARED_TEMPLATES_FILE, type PreparedTemplates } from "../core/template/prepared-templates";

/**
 * The prepared file's CommonJS, evaluated as `require` would, for a startup snapshot's build, whose
 * `require` loads built-in modules only (functions/render/runtime/). The file is ours, written at
 * bundling time beside the code (prepare-templates.ts: `module.exports = {...}`, requiring nothing).
 */
function evaluateCommonJs(file: string): unknown {
  const module = { exports: {} as unknown };
  // The bundle's own precompiled templates: code, run as require would run it, never data.
  new Function("module", "exports", readFileSync(file, "utf8"))(module, module.exports);
  return module.exports;
}

/**
 * The prepared templates shipped beside this code (a Lambda bundle's index.js, or a startup
 * snapshot's entry: infra writes the file at bundling time), or none (run from the sources, by the
 * CLI, the server and the tests: every template compiled at run time). Read from the code's own
 * folder only, never from a templates folder: precompiled templates are code.
 */
export function preparedBesideCode(dir: string = __dirname): PreparedTemplates | undefined {
  const file = join(dir, PREPARED_TEMPLATES_FILE);
  if (!existsSync(file)) return undefined;
  // In a snapshot build too: Handlebars' compile() is lazy, so a template compiled while the snapshot
  // is built would be compiled (~35 ms of a cold start's CPU) by the first document after the restore.
  if (startupSnapshot.isBuildingSnapshot()) return asPreparedTemplates(evaluateCommonJs(file));
  // A plain require: the file is CommonJS beside the bundle, compiled (and code-cached) as the bundle is.
  return asPreparedTemplates(require(file));
}
