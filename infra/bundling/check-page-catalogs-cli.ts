/**
 * A bundle's afterBundling step (infra/constructs/letter-function.ts): checks letterpress's own page
 * catalogs (templates/share-pages) whole, failing the build with every problem by file and key, and
 * writes their digest beside the bundle's index.js, so the download function's cold start skips the
 * check for these very catalogs. Run with tsx, as the CDK app itself runs.
 *   tsx infra/bundling/check-page-catalogs-cli.ts <templatesDir> <outFile>
 */
import { writeCheckedPageCatalogs } from "../../functions/templates/page-catalogs";

const [templatesDir, outFile] = process.argv.slice(2);
if (!templatesDir || !outFile) {
  process.stderr.write("usage: check-page-catalogs-cli.ts <templatesDir> <outFile>\n");
  process.exit(2);
}
writeCheckedPageCatalogs(templatesDir, outFile).catch((error: unknown) => {
  process.stderr.write(`check-page-catalogs: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
