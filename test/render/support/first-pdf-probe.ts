/**
 * A fresh process's first PDF, and what it took: run by test/render/first-pdf-loads.test.ts as
 * `node --import tsx first-pdf-probe.ts <locale>`. Prints one JSON line: the files the process read
 * with readFileSync and the npm packages it loaded (require.cache), after one PDF of the seed letter.
 */
import { filesRead } from "./record-file-reads";
import { join } from "node:path";
import { renderDocument } from "../../../functions/core/render-document";
import { loadLetter } from "../../../functions/letters/load-letters";
import { createRenderer } from "../../../functions/render/create-renderer";

const REPO = join(__dirname, "../../..");

async function main(): Promise<void> {
  const locale = process.argv[2] ?? "en";
  const renderer = await createRenderer({ templatesDir: join(REPO, "templates"), paper: "A4" });
  const parsed = await loadLetter(join(REPO, "data"), "unsc-dprk-2015");
  const document = await renderDocument(renderer, parsed, { letterId: "unsc-dprk-2015", locale: locale as never, format: "pdf", recipientId: null });
  const packages = new Set<string>();
  for (const path of Object.keys(require.cache)) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path.slice(path.lastIndexOf("/node_modules/")));
    if (match?.[1]) packages.add(match[1]);
  }
  process.stdout.write(`${JSON.stringify({ pdfHeader: document.bytes.subarray(0, 5).toString("latin1"), filesRead, packages: [...packages].sort() })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
