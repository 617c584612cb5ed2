/**
 * A/B of a manifest read under `npm run serve` (every download and share link opened): the readers'
 * store filtering a manifest with personal copies by the letter's recipients, A reading the letter on
 * every request (as before), B once per stamp of its folder (local/letter-folder-stamp.ts). Same run,
 * A and B alternating, over the embedded S3 server, the repository's seed letter (whose files are
 * settled). Read the medians' ratio with the load average printed beside it.
 *
 *   npx tsx bench/ab/manifest-read-ab.ts [--requests 200]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sha256Hex } from "../../functions/core/documents";
import { DirectoryLetterSource } from "../../functions/letters/letter-source";
import { dataBackedStore } from "../../functions/storage/data-backed-store";
import { createS3Client } from "../../functions/storage/s3-client";
import { S3DocumentStore } from "../../functions/storage/s3-document-store";
import { letterFolderStamp } from "../../local/letter-folder-stamp";
import { startEmbeddedS3 } from "../../local/s3/embedded-s3";
import { REPO_ROOT } from "../bundle";

const { values } = parseArgs({ options: { requests: { type: "string", default: "200" } } });
const LETTER = "unsc-dprk-2015";
const REVISION = "3f9a1c2b7d4e";
const dataDir = join(REPO_ROOT, "data");

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main(): Promise<void> {
  const s3Dir = await mkdtemp(join(tmpdir(), "manifest-read-ab-"));
  const s3 = await startEmbeddedS3({ dataDir: s3Dir });
  const client = createS3Client(s3.connection);
  try {
    const store = new S3DocumentStore({ client, bucket: s3.bucket, maxPresignExpirySeconds: 3_600 });
    const letters = new DirectoryLetterSource(dataDir);
    const { letter } = await letters.loadLetter(LETTER);
    const documents = [];
    for (const recipientId of [null, ...letter.facts.recipients.map((recipient) => recipient.id)]) {
      const bytes = Buffer.from(`%PDF-1.7\ncopy for ${recipientId}\n%%EOF\n`);
      const rendered = { request: { letterId: LETTER, locale: "en", format: "pdf" as const, recipientId }, bytes, sha256: sha256Hex(bytes), contentType: "application/pdf" };
      documents.push((await store.put(rendered, { revision: REVISION, downloadName: "Letter" })).document);
    }
    await store.publishRevision(LETTER, REVISION, documents);
    const sides = {
      A: dataBackedStore(store, letters),
      B: dataBackedStore(store, letters, { stampOf: (letterId) => letterFolderStamp(dataDir, letterId) }),
    };
    const times: Record<keyof typeof sides, number[]> = { A: [], B: [] };
    const requests = Number(values.requests);
    for (let round = 0; round < requests + 10; round++) {
      for (const side of (round % 2 ? ["B", "A"] : ["A", "B"]) as (keyof typeof sides)[]) {
        const started = performance.now();
        const manifest = await sides[side].getManifest(LETTER, REVISION);
        const elapsed = performance.now() - started;
        if (manifest?.documents.length !== documents.length) throw new Error(`side ${side}: ${manifest?.documents.length} documents, expected ${documents.length}`);
        // The first rounds warm both sides (and fill B's memo).
        if (round >= 10) times[side].push(elapsed);
      }
    }
    const [a, b] = [median(times.A), median(times.B)];
    console.log(
      `${requests} manifest reads each, ${documents.length} documents: A (reads the letter) median ${a.toFixed(2)} ms, B (once per stamp) median ${b.toFixed(2)} ms, A/B ${(a / b).toFixed(1)}x`,
    );
    console.log(
      `load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(" ")}`,
    );
  } finally {
    client.destroy();
    await s3.stop();
    await rm(s3Dir, { recursive: true, force: true });
  }
}

void main();
