import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { documentFileName } from "../../functions/core/documents";
import { createS3Client } from "../../functions/storage/s3-client";
import { S3DocumentStore } from "../../functions/storage/s3-document-store";
import { startEmbeddedS3 } from "../../local/s3/embedded-s3";
import { renderedDocument } from "../storage/embedded-s3-harness";
import { REPO } from "../support/letters";

jest.setTimeout(120_000);

const TSX = join(REPO, "node_modules/.bin/tsx");

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [join(REPO, "local/cli.ts"), ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: "1", ...env }, timeout: 90_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * `npm run withdraw` as a person runs it, in a process of its own against the embedded S3 server's
 * folder (LETTERPRESS_LOCAL_DIR), here while another process (this test, as `serve` would) has its
 * own embedded server over the same folder.
 */
describe("npm run withdraw", () => {
  let localDir: string;
  beforeEach(async () => {
    localDir = await mkdtemp(join(tmpdir(), "letterpress-withdraw-cli-"));
  });
  afterEach(async () => rm(localDir, { recursive: true, force: true }));

  /** Stores `rendered` as one published revision of the seed letter in the embedded S3's folder, its server stopped after. */
  async function storeRevision(rendered: ReturnType<typeof renderedDocument>[]) {
    const s3 = await startEmbeddedS3({ dataDir: join(localDir, "s3") });
    const client = createS3Client(s3.connection);
    try {
      const store = new S3DocumentStore({ client, bucket: s3.bucket, maxPresignExpirySeconds: 3_600 });
      const documents = await Promise.all(rendered.map(async (document) => (await store.put(document, { revision: "3f9a1c2b7d4e", downloadName: "Letter" })).document));
      await store.publishRevision("unsc-dprk-2015", "3f9a1c2b7d4e", documents);
      return documents;
    } finally {
      client.destroy();
      await s3.stop();
    }
  }

  /** Every one of `documents` is still stored, and listed in the revision's manifest. */
  async function expectStillStored(documents: { key: string }[]) {
    const again = await startEmbeddedS3({ dataDir: join(localDir, "s3") });
    const reader = createS3Client(again.connection);
    try {
      const still = new S3DocumentStore({ client: reader, bucket: again.bucket, maxPresignExpirySeconds: 3_600 });
      for (const document of documents) expect(await still.head(document.key)).toBeDefined();
      expect((await still.getManifest("unsc-dprk-2015", "3f9a1c2b7d4e"))?.documents).toHaveLength(documents.length);
    } finally {
      reader.destroy();
      await again.stop();
    }
  }

  it("deletes one recipient's stored copy, says what it did, and warns that the data still holds that recipient", async () => {
    const s3 = await startEmbeddedS3({ dataDir: join(localDir, "s3") });
    const client = createS3Client(s3.connection);
    try {
      const store = new S3DocumentStore({ client, bucket: s3.bucket, maxPresignExpirySeconds: 3_600 });
      const gb = (await store.put(renderedDocument("en", "pdf", "to the United Kingdom", "gb"), { revision: "3f9a1c2b7d4e", downloadName: "Letter" })).document;
      const us = (await store.put(renderedDocument("en", "pdf", "to the United States", "us"), { revision: "3f9a1c2b7d4e", downloadName: "Letter" })).document;
      await store.publishRevision("unsc-dprk-2015", "3f9a1c2b7d4e", [gb, us]);

      const run = await cli(["withdraw", "--letter", "unsc-dprk-2015", "--recipient", "gb"], { LETTERPRESS_LOCAL_DIR: localDir });

      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`withdrew gb's copies of letter "unsc-dprk-2015"`);
      // A count in words by the plural rules: "1 record", never "1 records".
      expect(run.stdout).toContain("documents deleted: 1 (and 1 record of them)");
      expect(run.stdout).toContain(gb.key);
      expect(run.stderr).toMatch(/warning: data\/unsc-dprk-2015\/ still holds gb's copies .*remove it from the data too/);
      expect(await store.head(gb.key)).toBeUndefined();
      expect(await store.head(us.key)).toBeDefined();
      expect((await store.getManifest("unsc-dprk-2015", "3f9a1c2b7d4e"))?.documents.map((entry) => entry.recipientId)).toEqual(["us"]);
    } finally {
      client.destroy();
      await s3.stop();
    }
  });

  it("names the files generate exported of what it withdraws (and only those), without deleting them", async () => {
    await storeRevision([renderedDocument("en", "pdf", "to the United Kingdom", "gb"), renderedDocument("en", "pdf", "to the United States", "us")]);
    const out = join(localDir, "exported");
    // As generate names them: a copy for gb, one for us, and the letter to all recipients.
    const written = (["gb", "us", null] as const).map((recipientId) => {
      const file = documentFileName({ letterId: "unsc-dprk-2015", locale: "en", recipientId, format: "pdf" });
      return recipientId ? `unsc-dprk-2015/en/${recipientId}/${file}` : `unsc-dprk-2015/en/${file}`;
    });
    for (const path of written) {
      await mkdir(join(out, path, ".."), { recursive: true });
      await writeFile(join(out, path), "%PDF-1.7 exported");
    }

    const run = await cli(["withdraw", "--letter", "unsc-dprk-2015", "--recipient", "gb", "--out", out], { LETTERPRESS_LOCAL_DIR: localDir });

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: .*exported\/ still holds 1 file of gb's copies of letter "unsc-dprk-2015" that generate exported/);
    expect(run.stderr).toContain(written[0]);
    expect(run.stderr).not.toContain(written[1]);
    expect(run.stderr).not.toContain(`exported/${written[2]}`);
    for (const path of written) await expect(readFile(join(out, path), "utf8")).resolves.toBe("%PDF-1.7 exported");
  });

  it("refuses a letter id that is not one, before touching the store (exit status not 0, the flag named)", async () => {
    const run = await cli(["withdraw", "--letter", "../data"], { LETTERPRESS_LOCAL_DIR: localDir });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("--letter");
  });

  it.each([
    [["--letter", "unsc-dprk-2015", "--locale", "fr", "--locale", "en"], '--locale given twice ("fr", then "en")'],
    [["--letter", "unsc-dprk-2015", "--recipient", "fr", "--recipient", "td"], '--recipient given twice ("fr", then "td")'],
    [["--letter", "nope", "--letter", "unsc-dprk-2015"], '--letter given twice ("nope", then "unsc-dprk-2015")'],
    [["--letter", "UNSC-DPRK-2015"], "did you mean --letter unsc-dprk-2015?"],
    [["--letter", "unsc-dprk-2015", "--recipient", "GB"], "did you mean --recipient gb?"],
  ])("refuses %j with exit 2 before touching anything: one letter, language and recipient a run, ids as in data/", async (args, said) => {
    const run = await cli(["withdraw", ...args], { LETTERPRESS_LOCAL_DIR: localDir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(said);
    expect(run.stdout).not.toContain("withdrew");
  });

  describe("refuses what neither the store nor the data has, as generate does (exit 2, the ids there are), touching nothing", () => {
    it.each([
      [["--letter", "unsc-dprk2015"], 'no letter "unsc-dprk2015" is stored in', "did you mean --letter unsc-dprk-2015?"],
      [["--letter", "nope"], 'no letter "nope"', "the letters there: unsc-dprk-2015"],
      [["--letter", "unsc-dprk-2015", "--recipient", "ghost"], 'letter "unsc-dprk-2015" has no recipient "ghost"', "its recipients: gb"],
      [["--letter", "unsc-dprk-2015", "--recipient", "gbr"], "--recipient gbr", "did you mean --recipient gb?"],
      [["--letter", "unsc-dprk-2015", "--locale", "vi"], '--locale vi: letter "unsc-dprk-2015" has no Vietnamese (vi) translation', "en, fr"],
      [["--letter", "unsc-dprk-2015", "--locale", "FR"], "--locale FR", "did you mean --locale fr?"],
    ])("withdraw %j", async (args, said, listed) => {
      const documents = await storeRevision([
        renderedDocument("en", "pdf", "English"),
        renderedDocument("fr", "pdf", "French"),
        renderedDocument("en", "pdf", "to the United Kingdom", "gb"),
      ]);

      // The data folder is empty: what is stored is what there is.
      const run = await cli(["withdraw", ...args, "--data", join(localDir, "no-data")], { LETTERPRESS_LOCAL_DIR: localDir });

      expect(run.code).toBe(2);
      expect(run.stderr).toContain(said);
      expect(run.stderr).toContain(listed);
      expect(run.stdout).not.toContain("withdrew");
      await expectStillStored(documents);
    });
  });

  describe("refuses a withdrawal whose parts exist but not together, or were withdrawn already (exit 2, what is stored said), touching nothing", () => {
    it.each([
      // cn's copies are zh (in the store and in the data); fr is a language of the letter, gb a recipient of it.
      [
        ["--recipient", "cn", "--locale", "fr"],
        'cn\'s copies of letter "unsc-dprk-2015" in fr',
        "cn's copies are in zh; withdraw them with --letter unsc-dprk-2015 --recipient cn --locale zh",
      ],
      [["--recipient", "gb", "--locale", "ar"], 'gb\'s copies of letter "unsc-dprk-2015" in ar', "gb's copies are in en"],
      // ru is a recipient in the data, its copy never generated; the stored copies are named.
      [["--recipient", "ru"], 'ru\'s copies of letter "unsc-dprk-2015"', "no copy of ru is stored (its language in the data: ru); the stored copies are those of cn, gb"],
      // he is a language of the data the store has nothing of.
      [["--locale", "he"], 'letter "unsc-dprk-2015" in he', 'letter "unsc-dprk-2015" is stored in en, fr, zh'],
    ])("withdraw %j", async (args, said, listed) => {
      const documents = await storeRevision([
        renderedDocument("en", "pdf", "English"),
        renderedDocument("fr", "pdf", "French"),
        renderedDocument("zh", "pdf", "to China", "cn"),
        renderedDocument("en", "pdf", "to the United Kingdom", "gb"),
      ]);

      // The repository's data: cn is zh, ru is ru, and the letter has fr and he.
      const run = await cli(["withdraw", "--letter", "unsc-dprk-2015", ...args], { LETTERPRESS_LOCAL_DIR: localDir });

      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`NOT_FOUND: nothing to withdraw: no document or share link of ${said} is stored in the embedded S3`);
      expect(run.stderr).toContain(listed);
      expect(run.stdout).not.toContain("withdrew");
      await expectStillStored(documents);
    });

    it("a second withdrawal of what is gone says that nothing of the letter is stored", async () => {
      const s3 = await startEmbeddedS3({ dataDir: join(localDir, "s3") });
      const client = createS3Client(s3.connection);
      try {
        const store = new S3DocumentStore({ client, bucket: s3.bucket, maxPresignExpirySeconds: 3_600 });
        const en = (await store.put(renderedDocument("en", "pdf", "English"), { revision: "3f9a1c2b7d4e", downloadName: "Letter" })).document;
        await store.publishRevision("unsc-dprk-2015", "3f9a1c2b7d4e", [en]);
        const first = await cli(["withdraw", "--letter", "unsc-dprk-2015", "--locale", "en"], { LETTERPRESS_LOCAL_DIR: localDir });
        expect(first.code).toBe(0);

        const second = await cli(["withdraw", "--letter", "unsc-dprk-2015", "--locale", "en"], { LETTERPRESS_LOCAL_DIR: localDir });

        expect(second.code).toBe(2);
        expect(second.stderr).toContain('nothing of letter "unsc-dprk-2015" is stored there (withdrawn already, or never generated)');
      } finally {
        client.destroy();
        await s3.stop();
      }
    });
  });

  it("withdraws a letter whose data folder was removed, and a language only an older revision still holds", async () => {
    const s3 = await startEmbeddedS3({ dataDir: join(localDir, "s3") });
    const client = createS3Client(s3.connection);
    try {
      const store = new S3DocumentStore({ client, bucket: s3.bucket, maxPresignExpirySeconds: 3_600 });
      const de = (await store.put(renderedDocument("de", "pdf", "Deutsch"), { revision: "000000000001", downloadName: "Letter" })).document;
      await store.publishRevision("unsc-dprk-2015", "000000000001", [de]);
      const en = (await store.put(renderedDocument("en", "pdf", "English"), { revision: "000000000002", downloadName: "Letter" })).document;
      await store.publishRevision("unsc-dprk-2015", "000000000002", [en]);

      const language = await cli(["withdraw", "--letter", "unsc-dprk-2015", "--locale", "de", "--data", join(localDir, "no-data")], { LETTERPRESS_LOCAL_DIR: localDir });
      expect(language.code).toBe(0);
      expect(language.stdout).toContain("documents deleted: 1");
      expect(await store.head(de.key)).toBeUndefined();

      const whole = await cli(["withdraw", "--letter", "unsc-dprk-2015", "--data", join(localDir, "no-data")], { LETTERPRESS_LOCAL_DIR: localDir });
      expect(whole.code).toBe(0);
      expect(whole.stdout).toContain("documents deleted: 1");
      expect(await store.head(en.key)).toBeUndefined();
    } finally {
      client.destroy();
      await s3.stop();
    }
  });
});
