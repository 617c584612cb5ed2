import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { build } from "esbuild";
import { sha256Hex } from "../../functions/core/documents";
import { revisionOf } from "../../functions/core/revision";
import { BUNDLE_FILES } from "../../functions/fonts/font-files";
import { assetPath } from "../../functions/fonts/load-font-library";
import { createRenderer } from "../../functions/render/create-renderer";
import { RenderService } from "../../functions/render/render-service";
import { codeFingerprint, fingerprintFromRepository, fontsFingerprint, RENDERER_SOURCES } from "../../functions/render/renderer-fingerprint";
import { LAMBDA_BUNDLE } from "../../infra/bundling/lambda-bundle";
import { loadSeedLetter, REPO, SEED_LETTER, SEED_TEMPLATE, TEMPLATES_DIR, SHIPPED_LOCALES } from "../support/letters";
import { type LocalStack, startLocalStack } from "../support/local-stack";
import { loadTemplateSet } from "../../functions/templates/load-template-set";

/** Issue 15, item 4: a revision names everything that shapes the bytes, and only content-addressed keys are cached as immutable. */

jest.setTimeout(120_000);

describe("the paper size", () => {
  let stack: LocalStack;
  beforeEach(async () => {
    stack = await startLocalStack();
  });
  afterEach(async () => stack.stop());

  it("gives US Letter documents a revision of their own: the A4 documents under the keys handed out stay as they were", async () => {
    const a4 = await stack.service.render({ letterId: SEED_LETTER, locales: ["en", "ar"], formats: ["pdf", "html"] });
    const letterService = new RenderService(await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "Letter" }), stack.store, stack.runtime.letters, SHIPPED_LOCALES);

    const letter = await letterService.render({ letterId: SEED_LETTER, locales: ["en", "ar"], formats: ["pdf", "html"] });

    expect(letter.revision).not.toBe(a4.revision);
    expect(letter.stored.map((s) => s.outcome)).toEqual(["created", "created", "created", "created"]);
    for (const stored of a4.stored) {
      const { bytes } = await stack.store.get(stored.document.key);
      expect(sha256Hex(bytes)).toBe(stored.document.sha256);
    }
    const letterKeys = new Set(letter.stored.map((s) => s.document.key));
    expect(a4.stored.filter((s) => letterKeys.has(s.document.key))).toEqual([]);
  });

  it("caches documents as immutable, and the manifest, the latest pointer and the entries only with revalidation", async () => {
    const result = await stack.service.render({ letterId: SEED_LETTER, locales: ["ru"], formats: ["html"] });
    const cacheControl = async (key: string) => (await stack.harness.client.send(new HeadObjectCommand({ Bucket: stack.harness.s3.bucket, Key: key }))).CacheControl;
    const document = result.stored[0]!.document;

    expect(await cacheControl(document.key)).toBe("private, max-age=31536000, immutable");
    expect(await cacheControl(`letters/${SEED_LETTER}/${result.revision}/manifest.json`)).toBe("no-cache");
    expect(await cacheControl(`letters/${SEED_LETTER}/latest.json`)).toBe("no-cache");
    expect(await cacheControl(`letters/${SEED_LETTER}/${result.revision}/published/ru/letter.html/${document.sha256}-${document.size}`)).toBe("no-cache");
  });
});

describe("the revision's inputs", () => {
  it("changes with the paper, the renderer's fingerprint and any file of the template folder", async () => {
    const letter = (await loadSeedLetter()).letter;
    const templates = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    const base = { templates, paper: "A4" as const, renderer: "a".repeat(64) };
    const revision = revisionOf(letter, base);

    expect(revisionOf(letter, { ...base })).toBe(revision);
    expect(revisionOf(letter, { ...base, paper: "Letter" })).not.toBe(revision);
    expect(revisionOf(letter, { ...base, renderer: "b".repeat(64) })).not.toBe(revision);
    expect(revisionOf(letter, { ...base, templates: { ...templates, stylesheet: `${templates.stylesheet}\n/* */` } })).not.toBe(revision);
    expect(revisionOf(letter, { ...base, templates: { ...templates, partials: { ...templates.partials, footer: `${templates.partials["footer"]} ` } } })).not.toBe(revision);
    const catalogs = { ...templates.catalogs, fr: { ...templates.catalogs.fr, "footer.page": "p. {page}/{pages}" } };
    expect(revisionOf(letter, { ...base, templates: { ...templates, catalogs } })).not.toBe(revision);
  });
});

describe("the renderer's code fingerprint", () => {
  let copy: string;
  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), "letterpress-sources-"));
    for (const entry of RENDERER_SOURCES) await cp(join(REPO, entry), join(copy, entry), { recursive: true });
    await cp(join(REPO, "package-lock.json"), join(copy, "package-lock.json"));
  });
  afterAll(() => rm(copy, { recursive: true, force: true }));

  const edited = async (file: string, edit: (text: string) => string, check: () => void) => {
    const original = await readFile(join(copy, file), "utf8");
    await writeFile(join(copy, file), edit(original));
    try {
      check();
    } finally {
      await writeFile(join(copy, file), original);
    }
  };

  it("is the same for a copy of the renderer's sources, and changes when the layout code, the PDF writer or a package version changes", async () => {
    const original = codeFingerprint(REPO);
    expect(codeFingerprint(copy)).toBe(original);
    await edited(
      "functions/core/pdf/layout.ts",
      (text) => `${text}\n// a layout change\n`,
      () => expect(codeFingerprint(copy)).not.toBe(original),
    );
    await edited(
      "functions/core/pdf/pdf-writer.ts",
      (text) => text.replace(/\d/, (d) => String((Number(d) + 1) % 10)),
      () => expect(codeFingerprint(copy)).not.toBe(original),
    );
    await edited(
      "functions/fonts/font-files.ts",
      (text) => text.replace("700Bold", "600SemiBold"),
      () => expect(codeFingerprint(copy)).not.toBe(original),
    );
    await edited(
      "package-lock.json",
      (text) => text.replace(/"version": "(\d+)/, (_m, major: string) => `"version": "${Number(major) + 1}`),
      () => expect(codeFingerprint(copy)).not.toBe(original),
    );
    expect(codeFingerprint(copy)).toBe(original);
  });

  it("ignores code that does not render (the download function)", async () => {
    await mkdir(join(copy, "functions/download"), { recursive: true });
    await writeFile(join(copy, "functions/download/handler.ts"), "export const x = 1;\n");
    expect(codeFingerprint(copy)).toBe(codeFingerprint(REPO));
  });
});

describe("the fonts fingerprint", () => {
  it("is the same for the fonts copied flat beside a bundle, and changes when one byte of one font changes", async () => {
    const fontDir = await mkdtemp(join(tmpdir(), "letterpress-fonts-"));
    try {
      for (const file of BUNDLE_FILES) await cp(assetPath(file), join(fontDir, file.fileName));
      const original = fontsFingerprint();
      expect(fontsFingerprint(fontDir)).toBe(original);
      const face = join(fontDir, BUNDLE_FILES[2]!.fileName);
      const bytes = await readFile(face);
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
      await writeFile(face, bytes);
      expect(fontsFingerprint(fontDir)).not.toBe(original);
    } finally {
      await rm(fontDir, { recursive: true, force: true });
    }
  });
});

describe("a Lambda bundle", () => {
  const entry = join(REPO, "test/fixtures/bundles/print-renderer-fingerprint.ts");
  let outDir: string;
  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), "letterpress-bundle-"));
  });
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it("carries the fingerprint computed at build time from the repository, and needs no sources to run", async () => {
    const outfile = join(outDir, "with-define", "index.js");
    await build({ ...LAMBDA_BUNDLE, mainFields: [...LAMBDA_BUNDLE.mainFields], entryPoints: [entry], bundle: true, outfile, logLevel: "silent" });

    const { stdout } = await promisify(execFile)(process.execPath, [outfile]);

    expect(stdout.trim()).toBe(fingerprintFromRepository());
  });

  it("refuses to start without it, rather than name the code's bytes by nothing", async () => {
    const { define: _define, ...withoutDefine } = LAMBDA_BUNDLE;
    const outfile = join(outDir, "without-define", "index.js");
    await build({ ...withoutDefine, mainFields: [...LAMBDA_BUNDLE.mainFields], entryPoints: [entry], bundle: true, outfile, logLevel: "silent" });

    const attempt = promisify(execFile)(process.execPath, [outfile]);

    await expect(attempt).rejects.toMatchObject({
      stderr: expect.stringContaining("CONFIG_ERROR: the renderer's fingerprint was not set at build time (esbuild define __LETTERPRESS_RENDERER_FINGERPRINT__)"),
    });
  });
});
