/**
 * The render function's afterBundling step (infra/constructs/letter-function.ts): writes the
 * prepared-templates module of a templates folder beside the bundle's index.js, once the folder passes the
 * check `generate` makes (a broken template fails the synth, exit 1, naming its problems). Run with tsx, as
 * the CDK app itself runs.
 *   tsx infra/bundling/prepare-templates-cli.ts <templatesDir> <outFile>
 */
import { LetterpressError } from "../../functions/core/errors";
import { writePreparedTemplates } from "./prepare-templates";

const [templatesDir, outFile] = process.argv.slice(2);
if (!templatesDir || !outFile) {
  process.stderr.write("usage: prepare-templates-cli.ts <templatesDir> <outFile>\n");
  process.exit(2);
}
writePreparedTemplates(templatesDir, outFile).then(
  (summary) => {
    // A source left out is compiled at run time (and fails there as it would have): said, not fatal.
    if (summary.skipped.length > 0) process.stderr.write(`prepare-templates: left to run time (they do not compile or parse): ${summary.skipped.join(", ")}\n`);
  },
  (error: unknown) => {
    // A template's problems are the user's to fix: said by file and line, as `generate` says them; anything else with its stack.
    const text = error instanceof LetterpressError ? `${error.code}: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`prepare-templates: ${text}\n`);
    process.exit(1);
  },
);
