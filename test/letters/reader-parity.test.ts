import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { lstat, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import { DirectoryLetterSource, type LetterSource } from "../../functions/letters/letter-source";
import { LIMITS } from "../../functions/core/letter/schema";
import { S3LetterSource } from "../../functions/storage/s3-letter-source";
import { type Harness, startHarness } from "../storage/embedded-s3-harness";
import { FIXTURES_DIR } from "../support/letters";

/**
 * The folder reader and the bucket reader, given the same data, read the same letters, refuse the
 * same files with the same reasons and warn of the same skipped entries (issue 15, item 2). The
 * bucket is the real embedded S3 server over HTTP, filled as a deployment fills it.
 */

const SAMPLE = join(FIXTURES_DIR, "letters/sample");
const copySample = (dir: string) => {
  mkdirSync(dir, { recursive: true });
  for (const name of ["letter.json", "en.json", "fr.json"]) copyFileSync(join(SAMPLE, name), join(dir, name));
};
const withId = (dir: string, id: string) => writeFileSync(join(dir, "letter.json"), readFileSync(join(dir, "letter.json"), "utf8").replace('"id": "sample"', `"id": "${id}"`));

/** A valid fr.json padded with spaces to `bytes`: the only fault is its size. */
function paddedTranslation(bytes: number): string {
  const text = readFileSync(join(SAMPLE, "fr.json"), "utf8").trimEnd();
  return `${text.slice(0, -1)}${" ".repeat(bytes - Buffer.byteLength(text))}}`;
}

/** Every regular file under a folder uploaded under `data/`, as the deployment copies data/ (links are not files). */
async function uploadTree(harness: Harness, root: string): Promise<void> {
  const walk = async (dir: string): Promise<void> => {
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      const stats = await lstat(path);
      if (stats.isDirectory()) await walk(path);
      else if (stats.isFile()) {
        await harness.client.send(new PutObjectCommand({ Bucket: harness.s3.bucket, Key: `data/${relative(root, path).split("\\").join("/")}`, Body: await readFile(path) }));
      }
    }
  };
  await walk(root);
}

/** What a reader made of a letter, in one comparable shape. */
async function readingOf(source: LetterSource, letterId: string) {
  return source.loadLetter(letterId).then(
    (parsed: ParsedLetter) => ({
      usable: [...parsed.letter.translations.keys()],
      localeErrors: Object.fromEntries([...parsed.localeErrors].map(([locale, error]) => [locale, error.message])),
      warnings: parsed.warnings,
    }),
    (error: Error & { code?: string }) => ({ error: `${error.code}: ${error.message}` }),
  );
}

describe("the folder reader and the bucket reader", () => {
  let harness: Harness;
  let root: string;
  let dataDir: string;
  let readers: { folder: LetterSource; bucket: LetterSource };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "letterpress-readers-"));
    dataDir = join(root, "data");
    copySample(join(dataDir, "sample"));
    writeFileSync(join(dataDir, "sample", ".DS_Store"), Buffer.from([0, 0, 0, 1, 66, 117, 100, 49]));
    writeFileSync(join(dataDir, "sample", "README.md"), "# Notes for translators\n");
    mkdirSync(join(dataDir, "sample", "drafts"));
    writeFileSync(join(dataDir, "sample", "drafts", "fr.json"), "{}");
    copySample(join(dataDir, "big-translation"));
    withId(join(dataDir, "big-translation"), "big-translation");
    writeFileSync(join(dataDir, "big-translation", "fr.json"), paddedTranslation(2.5 * 1024 * 1024));
    copySample(join(dataDir, "at-the-limit"));
    withId(join(dataDir, "at-the-limit"), "at-the-limit");
    // At the limit as the rules count it: LIMITS.fileBytes besides the translationOf fingerprints (bytesBesidesFingerprints).
    const sample = JSON.parse(readFileSync(join(SAMPLE, "fr.json"), "utf8"));
    writeFileSync(join(dataDir, "at-the-limit", "fr.json"), paddedTranslation(LIMITS.fileBytes + Buffer.byteLength(JSON.stringify(sample.translationOf))));
    copySample(join(dataDir, "saved-as-latin"));
    withId(join(dataDir, "saved-as-latin"), "saved-as-latin");
    // "d’exemple" as Windows-1252 saves the apostrophe as the single byte 0x92.
    writeFileSync(
      join(dataDir, "saved-as-latin", "fr.json"),
      Buffer.from(
        readFileSync(join(SAMPLE, "fr.json"), "utf8").replace(/[^\x00-\xff]/g, (char) => (char === "\u2019" ? "\x92" : "?")),
        "latin1",
      ),
    );
    copySample(join(dataDir, "stray-files"));
    withId(join(dataDir, "stray-files"), "stray-files");
    // Of the kinds a person leaves behind: a tag of no language, a word that is a well-formed tag, a copy, a tag in the wrong form.
    copyFileSync(join(SAMPLE, "fr.json"), join(dataDir, "stray-files", "xx.json"));
    writeFileSync(join(dataDir, "stray-files", "notes.json"), '{"todo": "ask about paragraph 3"}');
    copyFileSync(join(SAMPLE, "fr.json"), join(dataDir, "stray-files", "fr (copy).json"));
    copyFileSync(join(SAMPLE, "fr.json"), join(dataDir, "stray-files", "fr_FR.json"));
    copySample(join(dataDir, "My Letter"));
    writeFileSync(join(dataDir, "README.md"), "# Letters\n");
    // More odd folders of the kind (issue 15 item 2): an empty file, names in other cases, a deep folder, an empty letter folder.
    copySample(join(dataDir, "odd-names"));
    withId(join(dataDir, "odd-names"), "odd-names");
    writeFileSync(join(dataDir, "odd-names", "de.json"), "");
    copyFileSync(join(SAMPLE, "fr.json"), join(dataDir, "odd-names", "FR.JSON"));
    copyFileSync(join(SAMPLE, "fr.json"), join(dataDir, "odd-names", "fr.json.bak"));
    mkdirSync(join(dataDir, "odd-names", "old", "2019"), { recursive: true });
    copyFileSync(join(SAMPLE, "fr.json"), join(dataDir, "odd-names", "old", "2019", "fr.json"));
    mkdirSync(join(dataDir, "empty-letter"));
    harness = await startHarness();
    await uploadTree(harness, dataDir);
    // The empty "folder" objects a console writes: folders, not files, so nothing to warn of.
    for (const key of ["data/", "data/sample/", "data/empty-letter/"]) await harness.client.send(new PutObjectCommand({ Bucket: harness.s3.bucket, Key: key, Body: "" }));
    const keys = (await harness.client.send(new ListObjectsV2Command({ Bucket: harness.s3.bucket, Prefix: "data/sample/" }))).Contents?.map((object) => object.Key);
    expect(keys).toContain("data/sample/");
    readers = { folder: new DirectoryLetterSource(dataDir), bucket: new S3LetterSource(harness.client, harness.s3.bucket, "data/") };
  });

  afterAll(async () => {
    await harness?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("list the same letters and name every skipped entry in the same warnings", async () => {
    const folder = await readers.folder.listLetters();
    expect(await readers.bucket.listLetters()).toEqual(folder);
    expect(folder.letterIds).toEqual(["at-the-limit", "big-translation", "empty-letter", "odd-names", "sample", "saved-as-latin", "stray-files"]);
    expect(folder.warnings.map((warning) => warning.file)).toEqual([
      "My Letter/",
      "README.md",
      "odd-names/FR.JSON",
      "odd-names/fr.json.bak",
      "odd-names/old/",
      "sample/.DS_Store",
      "sample/README.md",
      "sample/drafts/",
      "stray-files/fr (copy).json",
      "stray-files/fr_FR.json",
      "stray-files/notes.json",
      "stray-files/xx.json",
    ]);
    expect(folder.warnings.find((warning) => warning.file === "My Letter/")?.message).toMatch(/^skipped: the folder's name is not a letter id/);
    expect(folder.warnings.find((warning) => warning.file === "sample/.DS_Store")?.message).toMatch(/^skipped: a hidden file/);
  });

  it("read a letter with a .DS_Store, a README.md and a subfolder alike: readable, each skipped entry named", async () => {
    const folder = await readingOf(readers.folder, "sample");
    expect(await readingOf(readers.bucket, "sample")).toEqual(folder);
    expect(folder).toMatchObject({ usable: ["en", "fr"], localeErrors: {} });
    expect((folder as unknown as { warnings: { file: string }[] }).warnings.map((warning) => warning.file)).toEqual(["sample/.DS_Store", "sample/README.md", "sample/drafts/"]);
  });

  it("refuse a 2.5 MiB translation alike, naming the file and the limit, and keep the other language", async () => {
    const folder = await readingOf(readers.folder, "big-translation");
    expect(await readingOf(readers.bucket, "big-translation")).toEqual(folder);
    expect(folder).toMatchObject({
      usable: ["en"],
      localeErrors: { fr: "big-translation/fr.json: 2,621,440 bytes; a data file may have at most 543,744 bytes (262,144 not counting its translationOf fingerprints)" },
    });
  });

  it("skip stray .json files alike, each named in a warning and none taken for a language, the letter's languages still usable", async () => {
    const folder = await readingOf(readers.folder, "stray-files");
    expect(await readingOf(readers.bucket, "stray-files")).toEqual(folder);
    // A file named by no language is never a language of the letter: not among its failed languages either.
    expect(folder).toMatchObject({ usable: ["en", "fr"], localeErrors: {} });
    expect((folder as unknown as { warnings: { file: string; message: string }[] }).warnings.map((warning) => `${warning.file}: ${warning.message}`)).toEqual([
      expect.stringMatching(/^stray-files\/fr \(copy\)\.json: skipped: unexpected file; expected letter\.json or <locale>\.json/),
      expect.stringMatching(/^stray-files\/fr_FR\.json: skipped: unexpected file; .*"fr_FR" is not in canonical form, expected fr-FR\.json$/),
      expect.stringMatching(/^stray-files\/notes\.json: skipped: "notes" names no language known/),
      'stray-files/xx.json: skipped: "xx" names no language known to Unicode CLDR; name a translation by its language\'s BCP 47 tag (such as en, pt-BR or zh-Hant), or move the file out of the letter folder',
    ]);
  });

  it("refuse a translation saved as Windows-1252 alike, naming the file and the byte offset", async () => {
    const folder = await readingOf(readers.folder, "saved-as-latin");
    expect(await readingOf(readers.bucket, "saved-as-latin")).toEqual(folder);
    expect(folder).toMatchObject({
      usable: ["en"],
      localeErrors: { fr: expect.stringMatching(/^saved-as-latin\/fr\.json: not UTF-8: byte 0x92 at byte offset \d+ \(line \d+\) is not valid UTF-8/) },
    });
  });

  it("read a file of exactly the limit alike", async () => {
    const folder = await readingOf(readers.folder, "at-the-limit");
    expect(await readingOf(readers.bucket, "at-the-limit")).toEqual(folder);
    expect(folder).toMatchObject({ usable: ["en", "fr"], localeErrors: {} });
  });

  it("read an empty file, names in other cases and a deep folder alike, each skipped entry named", async () => {
    const folder = await readingOf(readers.folder, "odd-names");
    expect(await readingOf(readers.bucket, "odd-names")).toEqual(folder);
    // An empty file is its language's problem, said as such; the other entries are skipped, each named.
    expect(folder).toMatchObject({ usable: ["en", "fr"], localeErrors: { de: "odd-names/de.json: the file is empty; expected a JSON object { ... }" } });
    expect((folder as unknown as { warnings: { file: string; message: string }[] }).warnings.map((warning) => `${warning.file}: ${warning.message}`)).toEqual([
      expect.stringMatching(/^odd-names\/FR\.JSON: skipped: not a \.json file \(the extension is read in lower case: rename it FR\.json\)/),
      expect.stringMatching(/^odd-names\/fr\.json\.bak: skipped: not a \.json file; only letter\.json and <locale>\.json are read$/),
      expect.stringMatching(/^odd-names\/old\/: skipped: a folder inside a letter folder/),
    ]);
  });

  it("read an empty letter folder alike", async () => {
    // Listed as a letter by both (on disk a folder, in the bucket the marker a console writes), so read as one by both.
    const folder = await readingOf(readers.folder, "empty-letter");
    expect(await readingOf(readers.bucket, "empty-letter")).toEqual(folder);
    expect(folder).toEqual({ error: "INVALID_DATA: empty-letter/letter.json: missing; every letter folder needs a letter.json" });
  });

  it("answer an unknown letter alike", async () => {
    for (const reader of Object.values(readers))
      expect(await readingOf(reader, "no-such-letter")).toEqual({ error: expect.stringMatching(/^UNKNOWN_LETTER: no letter "no-such-letter"/) });
  });
});

describe("a data folder with no letters", () => {
  it.each([
    ["empty", [] as string[]],
    ["holding only folders whose names are not ids", ["Draft Letter/letter.json", "UNSC_2015/en.json"]],
  ])("is an error in both readers when %s, naming what was skipped", async (_name, files) => {
    const root = await mkdtemp(join(tmpdir(), "letterpress-empty-"));
    const harness = await startHarness();
    try {
      for (const file of files) {
        mkdirSync(join(root, file, ".."), { recursive: true });
        writeFileSync(join(root, file), "{}");
      }
      await uploadTree(harness, root);
      const folder = new DirectoryLetterSource(root).listLetters();
      const bucket = new S3LetterSource(harness.client, harness.s3.bucket, "data/").listLetters();
      await expect(folder).rejects.toMatchObject({ code: "INVALID_DATA", message: expect.stringContaining(`${root}: no letters`) });
      await expect(bucket).rejects.toMatchObject({ code: "INVALID_DATA", message: expect.stringContaining("s3://") });
      for (const file of files) {
        const folderName = `${file.split("/")[0]}/`;
        await expect(new DirectoryLetterSource(root).listLetters()).rejects.toThrow(`${folderName}: skipped: the folder's name is not a letter id`);
        await expect(new S3LetterSource(harness.client, harness.s3.bucket, "data/").listLetters()).rejects.toThrow(`${folderName}: skipped: the folder's name is not a letter id`);
      }
    } finally {
      await harness.stop();
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("symbolic links in a data folder (the bucket holds none)", () => {
  let root: string;
  let harness: Harness;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "letterpress-links-"));
    copySample(join(root, "elsewhere"));
    writeFileSync(join(root, "elsewhere", "de.json"), readFileSync(join(SAMPLE, "fr.json"), "utf8").replace('"locale": "fr"', '"locale": "de"'));
    mkdirSync(join(root, "data", "linked"), { recursive: true });
    for (const name of ["letter.json", "en.json"]) copyFileSync(join(SAMPLE, name), join(root, "data", "linked", name));
    withId(join(root, "data", "linked"), "linked");
    // A translation a recipient reads, and one no recipient reads, each a link to a file elsewhere.
    symlinkSync(join(root, "elsewhere", "fr.json"), join(root, "data", "linked", "fr.json"));
    symlinkSync(join(root, "elsewhere", "de.json"), join(root, "data", "linked", "de.json"));
    symlinkSync(join(root, "elsewhere"), join(root, "data", "sample"));
    // A letter whose only link is a translation no recipient reads.
    copySample(join(root, "data", "unread-link"));
    withId(join(root, "data", "unread-link"), "unread-link");
    symlinkSync(join(root, "elsewhere", "de.json"), join(root, "data", "unread-link", "de.json"));
    harness = await startHarness();
    await uploadTree(harness, join(root, "data"));
  });
  afterAll(async () => {
    await harness?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("skips a symlinked translation with a warning naming it; the letter reads as the bucket's copy, which holds no link", async () => {
    const folder = await readingOf(new DirectoryLetterSource(join(root, "data")), "unread-link");
    const bucket = await readingOf(new S3LetterSource(harness.client, harness.s3.bucket, "data/"), "unread-link");
    expect(folder).toMatchObject({ usable: ["en", "fr"], localeErrors: {} });
    expect(bucket).toMatchObject({ usable: ["en", "fr"], localeErrors: {} });
    expect(("warnings" in folder ? folder.warnings : []).map((warning) => `${warning.file}: ${warning.message}`)).toEqual([
      expect.stringMatching(/^unread-link\/de\.json: skipped: a symbolic link; letter data must be regular files/),
    ]);
  });

  it("takes a symlinked translation a recipient reads as absent, as the bucket's copy has it: both refuse the letter, the folder naming the link", async () => {
    // The deployment leaves links out of data/ (infra: render-pipeline.ts), so fr.json is not in the
    // bucket at all, and a recipient reads French: a letter without its recipient's language, refused
    // by both readers alike. Before, the folder reader published the other languages and the bucket
    // refused the letter.
    const folder = await readingOf(new DirectoryLetterSource(join(root, "data")), "linked");
    const bucket = await readingOf(new S3LetterSource(harness.client, harness.s3.bucket, "data/"), "linked");
    expect(folder).toEqual({
      error: expect.stringMatching(
        /^INVALID_DATA: linked\/letter\.json: recipients\[0\]\.locale: "fr" is not a language of this letter \(fr\.json is skipped: see its warning\); expected one of en/,
      ),
    });
    expect(bucket).toEqual({
      error: expect.stringMatching(/^INVALID_DATA: linked\/letter\.json: recipients\[0\]\.locale: "fr" is not a language of this letter \(no fr\.json\); expected one of en/),
    });
  });

  it("names a symlinked letter folder in a warning, and refuses to load it with the reason", async () => {
    const source = new DirectoryLetterSource(join(root, "data"));
    const listing = await source.listLetters();
    expect(listing.letterIds).toEqual(["linked", "unread-link"]);
    expect(listing.warnings.map((warning) => warning.file)).toEqual(["sample", "linked/de.json", "linked/fr.json", "unread-link/de.json"]);
    await expect(source.loadLetter("sample")).rejects.toThrow(/no letter "sample" .*: it is a symbolic link/);
  });
});
