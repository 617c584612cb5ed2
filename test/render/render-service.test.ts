import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "../../functions/core/documents";
import { startEmbeddedS3 } from "../../local/s3/embedded-s3";
import { createS3Client } from "../../functions/storage/s3-client";
import { S3DocumentStore } from "../../functions/storage/s3-document-store";
import { RenderService } from "../../functions/render/render-service";
import { DirectoryLetterSource } from "../../functions/letters/letter-source";
import { createRenderer } from "../../functions/render/create-renderer";
import { forwarded } from "../storage/embedded-s3-harness";
import { type LocalStack, startLocalStack } from "../support/local-stack";
import { DATA_DIR, SEED_LETTER, TEMPLATES_DIR, SHIPPED_LOCALES } from "../support/letters";

describe("RenderService against the embedded S3 server", () => {
  let stack: LocalStack;
  beforeEach(async () => {
    stack = await startLocalStack();
  });
  afterEach(async () => stack.stop());

  it("stores every language's HTML, lists each in the manifest with its SHA-256, and points latest at the revision", async () => {
    const result = await stack.service.render({ letterId: SEED_LETTER, formats: ["html"] });
    expect(result.failures.map((failure) => failure.error.message)).toEqual([]);
    const parsed = await new DirectoryLetterSource(DATA_DIR).loadLetter(SEED_LETTER);
    expect(result.stored.map((stored) => stored.request.locale)).toEqual(SHIPPED_LOCALES.filter((locale) => parsed.letter.translations.has(locale)));

    const latest = await stack.store.getLatest(SEED_LETTER);
    expect(latest?.revision).toBe(result.revision);
    const manifest = await stack.store.getManifest(SEED_LETTER, result.revision);
    expect(manifest?.documents).toHaveLength(result.stored.length);
    for (const entry of manifest!.documents) {
      const { bytes, info } = await stack.store.get(entry.key);
      expect(sha256Hex(bytes)).toBe(entry.sha256);
      expect(info.contentType).toBe("text/html; charset=utf-8");
      expect(entry.key).toBe(`letters/${SEED_LETTER}/${result.revision}/${entry.locale}/letter.html`);
    }
  });

  it("uploads nothing on a re-run of the same data", async () => {
    await stack.service.render({ letterId: SEED_LETTER, formats: ["html"], locales: ["en", "ru"] });
    const putsBefore = forwarded(stack.harness.s3, "PUT");
    const again = await stack.service.render({ letterId: SEED_LETTER, formats: ["html"], locales: ["en", "ru"] });
    expect(again.stored.map((stored) => stored.outcome)).toEqual(["unchanged", "unchanged"]);
    // Only the manifest and the latest pointer are written again (same bytes).
    expect(forwarded(stack.harness.s3, "PUT") - putsBefore).toBeLessThanOrEqual(2);
  });

  it("keeps manifests of one revision whole when languages are rendered in separate runs", async () => {
    const first = await stack.service.render({ letterId: SEED_LETTER, formats: ["html"], locales: ["en"] });
    await stack.service.render({ letterId: SEED_LETTER, formats: ["html"], locales: ["ru"] });
    const manifest = await stack.store.getManifest(SEED_LETTER, first.revision);
    expect(manifest?.documents.map((entry) => entry.locale).sort()).toEqual(["en", "ru"]);
  });
});

describe("a batch when a translation is stale", () => {
  let dataDir: string;
  let stack: LocalStack;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "letterpress-data-"));
    await cp(DATA_DIR, dataDir, { recursive: true });
    const russian = JSON.parse(await readFile(join(dataDir, SEED_LETTER, "ru.json"), "utf8"));
    russian.translationOf.sourceSha256 = "0".repeat(64);
    await writeFile(join(dataDir, SEED_LETTER, "ru.json"), JSON.stringify(russian));
    stack = await startLocalStack({ dataDir });
  });
  afterEach(async () => {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("reports the stale language's documents as failed, with the reason, and stores and lists the rest", async () => {
    const result = await stack.service.render({ letterId: SEED_LETTER, formats: ["html"], locales: ["en", "ru"] });
    expect(result.failures.map((failure) => [failure.request.locale, failure.error.code])).toEqual([["ru", "STALE_TRANSLATION"]]);
    expect(result.manifest?.documents.map((entry) => entry.locale)).toEqual(["en"]);
  });
});

describe("a batch when the S3 server stops in the middle", () => {
  it("reports exactly what failed, lists nothing half-written, and a re-run stores only the rest", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "letterpress-s3-"));
    const renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    const connect = async () => {
      const s3 = await startEmbeddedS3({ dataDir });
      const client = createS3Client({
        region: s3.region,
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials: s3.credentials,
        maxAttempts: 1,
        connectionTimeoutMs: 500,
        requestTimeoutMs: 2_000,
      });
      const store = new S3DocumentStore({ client, bucket: s3.bucket, maxPresignExpirySeconds: 3600 });
      return { s3, client, store, service: new RenderService(renderer, store, new DirectoryLetterSource(DATA_DIR), SHIPPED_LOCALES) };
    };
    try {
      const first = await connect();
      let storedCount = 0;
      const interrupted = await first.service.render(
        { letterId: SEED_LETTER, formats: ["html"], locales: ["en", "es", "ru"] },
        { onStored: () => void (++storedCount === 1 && first.s3.stop()) },
      );
      first.client.destroy();
      // The first document was stored but could not be listed; the others were never stored.
      expect(interrupted.stored).toEqual([]);
      expect(interrupted.failures.map((failure) => [failure.request.locale, failure.error.code])).toEqual([
        ["es", "STORAGE_ERROR"],
        ["ru", "STORAGE_ERROR"],
        ["en", "STORAGE_ERROR"],
      ]);
      expect(interrupted.manifest).toBeUndefined();

      const second = await connect();
      try {
        expect(await second.store.getLatest(SEED_LETTER)).toBeUndefined();
        const rerun = await second.service.render({ letterId: SEED_LETTER, formats: ["html"], locales: ["en", "es", "ru"] });
        expect(rerun.failures).toEqual([]);
        expect(rerun.stored.map((stored) => [stored.request.locale, stored.outcome])).toEqual([
          ["en", "unchanged"],
          ["es", "created"],
          ["ru", "created"],
        ]);
        expect(rerun.manifest?.documents).toHaveLength(3);
      } finally {
        second.client.destroy();
        await second.s3.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
