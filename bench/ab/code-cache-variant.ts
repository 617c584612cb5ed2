/**
 * A variant of a bench bundle (bench/ab/build-bundle.ts) whose render-entry.js loads the bundled code
 * through a V8 code cache: the bundle moved to render-entry.bundle.js, a small loader compiling it
 * with `vm.Script` and `cachedData`, and the cache written at the end of one priming run (so it holds
 * the bytecode of every function that run compiled, not only the top level). This is what Node 22's
 * `module.enableCompileCache()` does for every module; Node 20 (this machine) has only the vm API.
 * V8 takes a cache only from the same V8 version and flags (else `cachedDataRejected`, and the code
 * compiles as without it): a measure of what a cache made by the runtime's own Node would save.
 *
 *   npx tsx bench/ab/code-cache-variant.ts --from /tmp/ab/after --out /tmp/ab/after-cached
 */
import { execFileSync } from "node:child_process";
import { cp, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { RENDER_NODE_OPTIONS } from "../../functions/render/node-options";

const LOADER = `"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const Module = require("node:module");
const file = path.join(__dirname, "render-entry.bundle.js");
const cacheFile = file + ".v8cache";
const cachedData = fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined;
const script = new vm.Script(Module.wrap(fs.readFileSync(file, "utf8")), { filename: file, cachedData });
if (process.env.CODE_CACHE_REPORT) process.stderr.write(JSON.stringify({ cached: cachedData !== undefined, rejected: script.cachedDataRejected === true }) + "\\n");
if (!cachedData || script.cachedDataRejected) process.on("exit", () => fs.writeFileSync(cacheFile, script.createCachedData()));
const bundled = new Module(file, module);
bundled.filename = file;
bundled.paths = Module._nodeModulePaths(__dirname);
script.runInThisContext().call(bundled.exports, bundled.exports, Module.createRequire(file), bundled, file, __dirname);
`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: "string" }, out: { type: "string" }, locale: { type: "string", default: "en" } } });
  if (!values.from || !values.out) throw new Error("usage: code-cache-variant.ts --from BUNDLE_DIR --out DIR");
  const out = resolve(values.out);
  await rm(out, { recursive: true, force: true });
  await cp(resolve(values.from), out, { recursive: true });
  await rename(join(out, "render-entry.js"), join(out, "render-entry.bundle.js"));
  await writeFile(join(out, "render-entry.js"), LOADER);
  // The priming run: one cold PDF, with the render function's flags (the cache is valid for these flags only).
  const args = { mode: "cold", locale: values.locale, templatesDir: join(out, "templates"), fontDir: join(out, "fonts"), dataDir: join(out, "data") };
  execFileSync(process.execPath, [join(out, "render-entry.js"), JSON.stringify(args)], {
    env: { ...process.env, NODE_OPTIONS: RENDER_NODE_OPTIONS },
    stdio: ["ignore", "ignore", "inherit"],
  });
  process.stdout.write(`${out}: primed with a cold ${values.locale} PDF\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`code-cache-variant: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
