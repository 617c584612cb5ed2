/**
 * `npm run synth`'s check of what it deploys (infra/app.ts runs it before any construct exists): the
 * templates and the letter data, as `generate --format html` makes them (check-letter-data.ts).
 * Exit 1 with every problem on stderr, the cause alone (no stack); 0 when all deploys. Run with tsx,
 * as the CDK app itself runs, in a process of its own: the app loads nothing of the typesetter.
 *   tsx infra/bundling/check-letter-data-cli.ts <dataDir> <templatesDir>
 */
import { deployedLetterDataProblems } from "./check-letter-data";

const [dataDir, templatesDir] = process.argv.slice(2);
if (!dataDir || !templatesDir) {
  process.stderr.write("usage: check-letter-data-cli.ts <dataDir> <templatesDir>\n");
  process.exit(2);
}
deployedLetterDataProblems(dataDir, templatesDir).then(
  (problems) => {
    if (problems.length === 0) return;
    process.stderr.write("synth refused: the render would refuse these once deployed (as `npm run generate -- --format html` says them):\n");
    for (const line of problems) process.stderr.write(`  ${line}\n`);
    process.exit(1);
  },
  (error: unknown) => {
    process.stderr.write(`synth: checking the letter data failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
