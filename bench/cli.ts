/** `npm run bench -- [--quick] [flags]`: see bench/README.md. */
import { relative } from "node:path";
import { REPO_ROOT } from "./bundle";
import { parseBenchArgs } from "./options";
import { runBench } from "./run-bench";

const options = parseBenchArgs(process.argv.slice(2));
const started = performance.now();
runBench(options, (line) => process.stderr.write(`bench: ${line}\n`))
  .then((results) => {
    const unmet = results.targets.filter((target) => target.met === false).length;
    process.stderr.write(
      `bench: done in ${((performance.now() - started) / 1000).toFixed(0)} s; ${unmet} target checks not met; results in ${relative(REPO_ROOT, options.outDir) || "."}/latest.{json,md,svg}\n`,
    );
  })
  .catch((error: unknown) => {
    process.stderr.write(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
