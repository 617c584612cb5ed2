import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { promisify } from "node:util";
import { PassThrough } from "node:stream";
import { S3ServiceException } from "@aws-sdk/client-s3";
import { TemplateSetAsideError } from "../../functions/core/template/template-library";
import { DirectoryLetterSource } from "../../functions/letters/letter-source";
import { RenderService } from "../../functions/render/render-service";
import { createRenderer } from "../../functions/render/create-renderer";
import { createS3Client } from "../../functions/storage/s3-client";
import { S3DocumentStore } from "../../functions/storage/s3-document-store";
import { everyDocumentCommand, type ExportManifest, exportDocuments, prepareExportDirectory } from "../../local/export";
import { type GenerateOptions, generateDocuments } from "../../local/generate";
import { ProgressTable } from "../../local/progress-table";
import { DATA_DIR, REPO, SEED_LETTER, TEMPLATES_DIR, SHIPPED_LOCALES } from "../support/letters";
import { type LocalStack, startLocalStack } from "../support/local-stack";

/** Issue 15, item 3: out/ is the current state of the data; issue 15, item 5: a failed publish says why on the console. */

jest.setTimeout(120_000);

let work: string;
let dataDir: string;
let outDir: string;
let stack: LocalStack;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "letterpress-export-"));
  dataDir = join(work, "data");
  outDir = join(work, "out");
  await cp(join(DATA_DIR, SEED_LETTER), join(dataDir, SEED_LETTER), { recursive: true });
  stack = await startLocalStack({ dataDir });
});
afterEach(async () => {
  await stack.stop();
  await rm(work, { recursive: true, force: true });
});

async function run(options: Partial<GenerateOptions> = {}) {
  const result = await generateDocuments(stack.service, new DirectoryLetterSource(dataDir), { formats: ["html"], personalized: false, ...options });
  const lines: string[] = [];
  const manifest = await exportDocuments(outDir, result, (line) => lines.push(line));
  return { result, manifest, lines };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
    .filter((p) => p !== "manifest.json")
    .sort();
}

const listedPaths = (manifest: ExportManifest) => manifest.documents.map((d) => d.path).sort();

async function editJson(file: string, edit: (value: Record<string, unknown>) => void) {
  const value = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  edit(value);
  await writeFile(file, JSON.stringify(value, null, 2));
}

/** Changes the English text: every translation made from the old text becomes stale. */
const changeEnglish = () => editJson(join(dataDir, SEED_LETTER, "en.json"), (en) => void (en.title = `${en.title as string} (revised)`));

describe("the export under out/ after the data changes", () => {
  it("removes last run's French files when French fails as stale, and says so", async () => {
    await run({ locales: ["en", "fr"] });
    expect(await filesUnder(outDir)).toEqual([`${SEED_LETTER}/en/${SEED_LETTER}-en.html`, `${SEED_LETTER}/fr/${SEED_LETTER}-fr.html`]);

    await changeEnglish();
    const { manifest, lines, result } = await run({ locales: ["en", "fr"] });

    expect(result.failures.map((f) => [f.request.locale, f.error.code])).toEqual([["fr", "STALE_TRANSLATION"]]);
    expect(await filesUnder(outDir)).toEqual([`${SEED_LETTER}/en/${SEED_LETTER}-en.html`]);
    expect(listedPaths(manifest)).toEqual(await filesUnder(outDir));
    expect(lines.join("\n")).toContain(`${SEED_LETTER}/fr/${SEED_LETTER}-fr.html: STALE_TRANSLATION`);
  });

  it("keeps the general editions (same revision) in the manifest and on disk after a --recipients run", async () => {
    await run({ locales: ["en", "es"] });
    const { manifest } = await run({ locales: ["en", "es"], personalized: true });

    const present = await filesUnder(outDir);
    expect(present).toContain(`${SEED_LETTER}/en/${SEED_LETTER}-en.html`);
    expect(present).toContain(`${SEED_LETTER}/es/es/${SEED_LETTER}-es-es.html`);
    expect(listedPaths(manifest)).toEqual(present);
    const written = JSON.parse(await readFile(join(outDir, "manifest.json"), "utf8")) as ExportManifest;
    expect(listedPaths(written)).toEqual(present);
  });

  it("keeps general editions of an older revision after a --recipients run on changed data (it was not asked for them), and says the run that makes them again", async () => {
    await run({ locales: ["en"] });
    await changeEnglish();
    const result = await generateDocuments(stack.service, new DirectoryLetterSource(dataDir), { formats: ["html"], personalized: true, locales: ["en"] });
    const lines: string[] = [];
    const asTyped = ["generate", "--recipients", "--locale", "en", "--format", "html", "--out", "out"];
    const manifest = await exportDocuments(outDir, result, (line) => lines.push(line), undefined, undefined, asTyped);

    const present = await filesUnder(outDir);
    expect(present).toContain(`${SEED_LETTER}/en/${SEED_LETTER}-en.html`);
    expect(listedPaths(manifest)).toEqual(present);
    expect(lines.join("\n")).not.toContain("removed");
    expect(lines[0]).toBe(
      `kept 1 file in ${relative(process.cwd(), outDir).startsWith("..") ? outDir : relative(process.cwd(), outDir)} of an earlier revision of its letter, which this run was not asked to make:`,
    );
    expect(lines[1]).toMatch(new RegExp(`^  ${SEED_LETTER}/en/${SEED_LETTER}-en.html: made from revision [0-9a-f]+; the letter is now revision [0-9a-f]+`));
    // The run's own flags, without the one that left the general letter out.
    expect(lines[2]).toBe("to make it again from the letter's current revision: npm run generate -- --locale en --format html --out out");
  });

  it("keeps a --locale run's outdated other languages, and says the command that makes them again (fresh user 10)", async () => {
    await run({ locales: ["en", "fr"] });
    await changeEnglish();
    const result = await generateDocuments(stack.service, new DirectoryLetterSource(dataDir), { formats: ["html"], personalized: false, locales: ["en"] });
    const lines: string[] = [];
    const asTyped = ["generate", "--letter", SEED_LETTER, "--locale=en", "--out", "my out", "--format", "html"];
    await exportDocuments(outDir, result, (line) => lines.push(line), undefined, undefined, asTyped);

    expect(await filesUnder(outDir)).toContain(`${SEED_LETTER}/fr/${SEED_LETTER}-fr.html`);
    expect(lines.join("\n")).toContain(`${SEED_LETTER}/fr/${SEED_LETTER}-fr.html: made from revision`);
    // --format html left out no kept document (they were pages too): it stays.
    expect(lines.at(-1)).toBe(`to make it again from the letter's current revision: npm run generate -- --letter ${SEED_LETTER} --out 'my out' --format html`);
  });

  it("keeps a letter's earlier files when its template fails this run, saying the template failed, never that the letter is gone", async () => {
    await run({ locales: ["en", "fr"] });
    const before = await filesUnder(outDir);
    const broken = new TemplateSetAsideError("un-security-council", 'templates/un-security-council/letter.hbs: line 3: unclosed "{{#if"');
    const lines: string[] = [];
    const warnings: string[] = [];
    const manifest = await exportDocuments(
      outDir,
      { stored: [], failures: [], letterFailures: [{ letterId: SEED_LETTER, error: broken }], letters: [{ letterId: SEED_LETTER, revision: undefined }], allLetters: true },
      (line) => lines.push(line),
      (warning) => warnings.push(warning),
    );

    expect(await filesUnder(outDir)).toEqual(before);
    expect(listedPaths(manifest)).toEqual(before);
    expect(lines).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${SEED_LETTER}: kept its ${before.length} files from earlier runs`);
    expect(warnings[0]).toContain('its template "un-security-council" failed this run (TEMPLATE_ERROR)');
    expect(warnings[0]).not.toContain("no longer in the data");
  });

  it("says no command to run when nothing outdated was removed, or the run was not narrowed", async () => {
    await run({ locales: ["en", "fr"] });
    const narrowed = ["generate", "--locale", "en"];
    const again = await generateDocuments(stack.service, new DirectoryLetterSource(dataDir), { formats: ["html"], personalized: false, locales: ["en"] });
    const lines: string[] = [];
    await exportDocuments(outDir, again, (line) => lines.push(line), undefined, undefined, narrowed);
    expect(lines).toEqual([]);
    expect(everyDocumentCommand(narrowed)).toBe("npm run generate");
    expect(everyDocumentCommand(["generate", "--format=pdf", "--locale", "vi", "--paper", "letter"], ["--format"])).toBe("npm run generate -- --locale vi --paper letter");
    expect(everyDocumentCommand(["generate", "--locale", "vi,ta,am", "--data", "it's here"])).toBe(`npm run generate -- --data 'it'\\''s here'`);
  });

  it("removes the files of a letter that vanished from the data, keeps a file a person put there, and removes unlisted files in its own layout", async () => {
    const second = "second-letter";
    await cp(join(dataDir, SEED_LETTER), join(dataDir, second), { recursive: true });
    await editJson(join(dataDir, second, "letter.json"), (letter) => void (letter.id = second));
    await run({ locales: ["en"] });
    expect(await filesUnder(outDir)).toEqual([`${SEED_LETTER}/en/${SEED_LETTER}-en.html`, `${second}/en/${second}-en.html`].sort());
    await writeFile(join(outDir, "notes.txt"), "mine");
    // As the old export left them: a file of ours that no manifest lists.
    await mkdir(join(outDir, SEED_LETTER, "ru"), { recursive: true });
    await writeFile(join(outDir, SEED_LETTER, "ru", `${SEED_LETTER}-ru.pdf`), "%PDF-old");

    await rm(join(dataDir, second), { recursive: true });
    const { manifest, lines } = await run({ locales: ["en"] });

    expect(await filesUnder(outDir)).toEqual(["notes.txt", `${SEED_LETTER}/en/${SEED_LETTER}-en.html`].sort());
    expect(listedPaths(manifest)).toEqual([`${SEED_LETTER}/en/${SEED_LETTER}-en.html`]);
    expect(lines.join("\n")).toContain(`${second}/en/${second}-en.html: its letter is no longer in the data`);
    expect(lines.join("\n")).toContain(`${SEED_LETTER}/ru/${SEED_LETTER}-ru.pdf: listed in no manifest`);
  });

  it("never touches a file outside the folders of this run's letters, whatever an edited manifest.json lists", async () => {
    await run({ locales: ["en"] });
    const outside = join(work, "outside.html");
    await writeFile(outside, "not ours");
    await mkdir(join(outDir, "holiday", "en"), { recursive: true });
    await writeFile(join(outDir, "holiday", "en", "holiday-en.pdf"), "a person's file that happens to look like ours");
    const manifest = JSON.parse(await readFile(join(outDir, "manifest.json"), "utf8")) as ExportManifest;
    const listed = manifest.documents[0]!;
    manifest.documents.push(
      { ...listed, path: "../outside.html", revision: "0000000000000000" },
      { ...listed, letterId: "..", path: `../en/..-en.html`, revision: "0000000000000000" },
    );
    await writeFile(join(outDir, "manifest.json"), JSON.stringify(manifest));

    await changeEnglish();
    await run({ locales: ["en"] });

    expect(await readFile(outside, "utf8")).toBe("not ours");
    expect(await filesUnder(outDir)).toEqual([`holiday/en/holiday-en.pdf`, `${SEED_LETTER}/en/${SEED_LETTER}-en.html`]);
  });

  it("keeps another letter's files as they are when --letter names only one", async () => {
    const second = "second-letter";
    await cp(join(dataDir, SEED_LETTER), join(dataDir, second), { recursive: true });
    await editJson(join(dataDir, second, "letter.json"), (letter) => void (letter.id = second));
    await run({ locales: ["en"] });
    await changeEnglish();

    const { manifest } = await run({ locales: ["en"], letterIds: [second] });

    expect(listedPaths(manifest)).toEqual([`${SEED_LETTER}/en/${SEED_LETTER}-en.html`, `${second}/en/${second}-en.html`].sort());
  });
});

describe("--out", () => {
  it("naming a file, or a folder under a file, is refused before anything is rendered", async () => {
    const file = join(work, "out.pdf");
    await writeFile(file, "x");
    await expect(prepareExportDirectory(file)).rejects.toThrow(`--out ${file}: is a file, not a folder; name a folder (it is created if missing)`);
    await expect(prepareExportDirectory(join(file, "inside"))).rejects.toThrow(/cannot be used as the output folder \(a part of the path is a file, not a folder\)/);
    await expect(prepareExportDirectory(join(work, "fresh", "out"))).resolves.toBeUndefined();
  });

  it("the generate command exits 2 with the message and no stack when --out is a file", async () => {
    // Run from another folder, so the templates are named: the folders are checked before --out is prepared.
    const file = join(work, "out.txt");
    await writeFile(file, "x");
    const attempt = promisify(execFile)(
      join(REPO, "node_modules/.bin/tsx"),
      [join(REPO, "local/cli.ts"), "generate", "--data", dataDir, "--templates", join(REPO, "templates"), "--out", file],
      { cwd: work },
    );
    // Named relative to the folder it was run from, as every path the command prints (local/shown-path.ts).
    await expect(attempt).rejects.toMatchObject({ code: 2, stderr: "INVALID_REQUEST: --out out.txt: is a file, not a folder; name a folder (it is created if missing)\n" });
  });
});

describe("the console when publishing fails", () => {
  it("prints the reason and what to do, not only a count", async () => {
    const client = createS3Client({
      region: stack.harness.s3.region,
      endpoint: stack.harness.s3.endpoint,
      forcePathStyle: true,
      credentials: stack.harness.s3.credentials,
      maxAttempts: 1,
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "PutObjectCommand" && String((args.input as { Key?: string }).Key).endsWith("/manifest.json")) {
          throw new S3ServiceException({ name: "ServiceUnavailable", $fault: "server", $metadata: { httpStatusCode: 503 }, message: "Please reduce your request rate." });
        }
        return next(args);
      },
      { step: "initialize", name: "manifestUnavailable" },
    );
    const store = new S3DocumentStore({ client, bucket: stack.harness.s3.bucket, maxPresignExpirySeconds: 600 });
    const service = new RenderService(await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" }), store, new DirectoryLetterSource(dataDir), SHIPPED_LOCALES);
    const out = new PassThrough();
    let printed = "";
    out.on("data", (chunk: Buffer) => void (printed += chunk.toString("utf8")));
    const table = new ProgressTable(out as unknown as NodeJS.WriteStream);
    try {
      const result = await generateDocuments(
        service,
        new DirectoryLetterSource(dataDir),
        { formats: ["html"], locales: ["en", "ru"], personalized: false },
        {
          onPlanned: (requests) => table.planned(requests),
          onStored: (stored) => table.stored(stored),
          onFailure: (failure) => table.failed(failure),
          onPublishFailure: (failure) => table.publishFailed(failure),
        },
      );
      table.finish();

      expect(result.failures).toHaveLength(2);
      expect(printed).toMatch(
        new RegExp(`PUBLISHING FAILED for ${SEED_LETTER} revision [0-9a-f]+: STORAGE_ERROR: storage unavailable during put of letters/${SEED_LETTER}/[0-9a-f]+/manifest.json`),
      );
      expect(printed).toContain("2 stored documents are not listed in the manifest and counted as failed; run the same command again to publish them");
    } finally {
      client.destroy();
    }
  });
});
