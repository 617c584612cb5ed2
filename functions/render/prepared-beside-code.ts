import { existsSync } from "node:fs";
import { join } from "node:path";
import { startupSnapshot } from "node:v8";
import { asPreparedTemplates, PREPARED_TEMPLATES_FILE, type PreparedTemplates } from "../core/template/prepared-templates";

/**
 * The prepared templates shipped beside this code (a Lambda bundle's index.js: infra writes the file
 * at bundling time), or none (run from the sources, by the CLI, the server and the tests: every
 * template compiled at run time). Read from the code's own folder only, never from a templates
 * folder: precompiled templates are code.
 */
export function preparedBesideCode(dir: string = __dirname): PreparedTemplates | undefined {
  // A startup snapshot's renderer compiles its templates once, while the snapshot is built, and a
  // snapshot build's require loads built-in modules only (functions/render/runtime/).
  if (startupSnapshot.isBuildingSnapshot()) return undefined;
  const file = join(dir, PREPARED_TEMPLATES_FILE);
  if (!existsSync(file)) return undefined;
  // A plain require: the file is CommonJS beside the bundle, compiled (and code-cached) as the bundle is.
  return asPreparedTemplates(require(file));
}
