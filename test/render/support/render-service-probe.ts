/**
 * A fresh process's first render through the render function's use case (RenderService), and what it
 * read: run by test/render/coverage-scope.test.ts as `node --import tsx render-service-probe.ts <how>`.
 * `en-pdf`: one English PDF asked for (the render path); `changed-letter`: the letter planned as the
 * data-change render plans it; `generate-en`: one English HTML as `generate --locale en` renders it.
 * Prints one JSON line: the files read with readFileSync.
 */
import { filesRead } from "./record-file-reads";
import { join } from "node:path";
import { DirectoryLetterSource } from "../../../functions/letters/letter-source";
import { createRenderer } from "../../../functions/render/create-renderer";
import { RenderService } from "../../../functions/render/render-service";
import { rendererFingerprint } from "../../../functions/render/renderer-fingerprint";
import { startHarness } from "../../storage/embedded-s3-harness";

const REPO = join(__dirname, "../../..");
const LETTER = "unsc-dprk-2015";

async function main(): Promise<void> {
  const how = process.argv[2];
  const harness = await startHarness();
  try {
    const renderer = await createRenderer({ templatesDir: join(REPO, "templates"), paper: "A4" });
    const service = new RenderService(renderer, harness.store(), new DirectoryLetterSource(join(REPO, "data")), "all");
    // A Lambda bundle carries the renderer's fingerprint from build time; run from the repository it
    // hashes every font file, once per process. Taken first, so that only what the use case reads counts.
    rendererFingerprint();
    filesRead.length = 0;
    let outcome: unknown;
    if (how === "en-pdf") {
      const result = await service.render({ letterId: LETTER, locales: ["en"], formats: ["pdf"] }, { bounded: true });
      outcome = { stored: result.stored.length, failures: result.failures.map((failure) => failure.error.message) };
    } else if (how === "changed-letter") {
      outcome = { parts: (await service.planParts(LETTER)).parts.length };
    } else if (how === "generate-en") {
      const result = await service.render({ letterId: LETTER, locales: ["en"], formats: ["html"] }, { checkEveryLanguage: true });
      outcome = { stored: result.stored.length, failures: result.failures.map((failure) => failure.error.message) };
    } else throw new Error(`unknown probe ${how}`);
    process.stdout.write(`${JSON.stringify({ outcome, filesRead })}\n`);
  } finally {
    await harness.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
