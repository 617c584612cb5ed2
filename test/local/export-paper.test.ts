import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import type { Paper } from "../../functions/core/style/document-stylesheets";
import { DirectoryLetterSource } from "../../functions/letters/letter-source";
import { createRenderer } from "../../functions/render/create-renderer";
import { RenderService } from "../../functions/render/render-service";
import { type ExportManifest, type ExportPapers, exportDocuments } from "../../local/export";
import { generateDocuments } from "../../local/generate";
import { DATA_DIR, SEED_LETTER, TEMPLATES_DIR } from "../support/letters";
import { type LocalStack, startLocalStack } from "../support/local-stack";

/**
 * A run on another paper replaces what it makes and leaves the rest (fresh user 7, item 15): after an
 * A4 run of every language, `--paper letter --locale ar` removed the other languages' A4 files as
 * "made from revision …; the data is now revision …", though only the paper differed. A file of
 * another paper stays while the letter's revision on that paper is still its own; when the data
 * changed it goes, said as a change of the data, not of the paper.
 */
jest.setTimeout(120_000);

let work: string;
let dataDir: string;
let outDir: string;
let stack: LocalStack;
let onLetter: RenderService;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "letterpress-export-paper-"));
  dataDir = join(work, "data");
  outDir = join(work, "out");
  await cp(join(DATA_DIR, SEED_LETTER), join(dataDir, SEED_LETTER), { recursive: true });
  stack = await startLocalStack({ dataDir });
  // The same store and data, on the other paper: the real services, as two runs of generate would have.
  onLetter = new RenderService(await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "Letter" }), stack.store, new DirectoryLetterSource(dataDir), "all");
});
afterEach(async () => {
  await stack.stop();
  await rm(work, { recursive: true, force: true });
});

const serviceOn = (paper: Paper) => (paper === "A4" ? stack.service : onLetter);
const papersOf = (run: Paper): ExportPapers => ({ run, revisionOn: async (letterId, paper) => (await serviceOn(paper).planParts(letterId)).revision });

async function run(paper: Paper, locales: string[]) {
  const result = await generateDocuments(serviceOn(paper), new DirectoryLetterSource(dataDir), { formats: ["html"], personalized: false, locales: locales as never });
  const lines: string[] = [];
  const manifest = await exportDocuments(outDir, result, (line) => lines.push(line), undefined, papersOf(paper));
  return { manifest, lines };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name !== "manifest.json")
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
    .sort();
}

const file = (locale: string) => `${SEED_LETTER}/${locale}/${SEED_LETTER}-${locale}.html`;
const paperOf = (manifest: ExportManifest, locale: string) => manifest.documents.find((document) => document.path === file(locale))?.paper;

describe("a run on another paper", () => {
  it("keeps the files of the languages it did not make, on their paper, and says nothing was removed", async () => {
    await run("A4", ["en", "fr"]);
    const { manifest, lines } = await run("Letter", ["en"]);
    expect(await filesUnder(outDir)).toEqual([file("en"), file("fr")]);
    expect([paperOf(manifest, "en"), paperOf(manifest, "fr")]).toEqual(["Letter", "A4"]);
    expect(lines).toEqual([]);
  });

  it("keeps them too when the earlier manifest did not record the paper (a run before it did)", async () => {
    await run("A4", ["en", "fr"]);
    const manifestFile = join(outDir, "manifest.json");
    const written = JSON.parse(await readFile(manifestFile, "utf8")) as ExportManifest;
    for (const document of written.documents) delete document.paper;
    await writeFile(manifestFile, JSON.stringify(written));
    const { manifest } = await run("Letter", ["en"]);
    expect(await filesUnder(outDir)).toEqual([file("en"), file("fr")]);
    expect(paperOf(manifest, "fr")).toBe("A4");
  });

  it("keeps them when the data changed since (the run was not asked for them), and says the data changed, not the paper", async () => {
    await run("A4", ["en", "fr"]);
    const en = join(dataDir, SEED_LETTER, "en.json");
    const text = JSON.parse(await readFile(en, "utf8")) as { title: string };
    await writeFile(en, JSON.stringify({ ...text, title: `${text.title} (revised)` }, null, 2));
    const { lines } = await run("Letter", ["en"]);
    expect(await filesUnder(outDir)).toEqual([file("en"), file("fr")]);
    expect(lines).toEqual([
      expect.stringMatching(/^kept 1 file in .* of an earlier revision of its letter, which this run was not asked to make:$/),
      expect.stringMatching(
        new RegExp(`^  ${file("fr")}: made on A4 paper from revision [0-9a-f]+; the letter's data, template or renderer changed since, so it is outdated on either paper$`),
      ),
      expect.stringMatching(/^to make it again from the letter's current revision: npm run generate/),
    ]);
  });
});
