import { execFile } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LetterpressError } from "../../functions/core/errors";
import type { LetterDataWatch } from "../../local/data-watch";
import { followLetterData } from "../../local/follow-letter-data";
import { PublishOrigins } from "../../local/publish-origins";
import { eventually } from "../support/eventually";
import { FIXTURES_DIR, REPO } from "../support/letters";
import { type LocalStack, startLocalStack } from "../support/local-stack";

jest.setTimeout(600_000);

const LETTER = "sample";
const TSX = join(REPO, "node_modules/.bin/tsx");

/** `npm run generate` over a data folder: its warning lines, as it prints them. */
function generateWarnings(dataDir: string, outDir: string): Promise<string[]> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [join(REPO, "local/cli.ts"), "generate", "--format", "html", "--data", dataDir, "--out", outDir],
      { cwd: REPO, env: { ...process.env, NO_COLOR: "1" } },
      (_error, _stdout, stderr) => resolve(stderr.split("\n").filter((line) => line.startsWith("warning: "))),
    );
  });
}

/**
 * Issue 15 item 2, what the fresh user found: `npm run serve` named the odd files of a letter folder
 * only at its start. Files added while it runs are named when the reload reads them, once per file
 * while it is there, in the words `generate` prints for the same folder (one rule set, one text).
 */
describe("`npm run serve` and odd files added to the data folder while it runs", () => {
  let dataDir: string;
  let elsewhere: string;
  let stack: LocalStack;
  let watching: LetterDataWatch;
  const out: string[] = [];
  const err: string[] = [];
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "letterpress-serve-odd-"));
    elsewhere = mkdtempSync(join(tmpdir(), "letterpress-serve-odd-elsewhere-"));
    cpSync(join(FIXTURES_DIR, "letters/sample"), join(dataDir, LETTER), { recursive: true });
    stack = await startLocalStack({ dataDir });
    watching = followLetterData(stack.runtime, dataDir, { out: (line) => out.push(line), err: (line) => err.push(line), settleMs: 300 });
  });
  afterAll(async () => {
    await watching?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  const file = (name: string) => join(dataDir, LETTER, name);
  const published = () => out.filter((line) => line.startsWith(`letter ${LETTER} `) && line.includes(" published, "));
  const warnings = () => err.filter((line) => line.startsWith("warning: "));
  const said = (text: string) => warnings().filter((line) => line.includes(text)).length;

  it("names each odd file added while it runs when the reload reads it, once, as generate names it", async () => {
    await eventually(() => published().length >= 1, "the first render at start");
    expect(warnings()).toEqual([]);

    // Of the kinds a person leaves in a letter folder, and one beside the letters.
    writeFileSync(file(".DS_Store"), Buffer.from([0, 0, 0, 1, 66, 117, 100, 49]));
    writeFileSync(file("README.md"), "# Notes for translators\n");
    copyFileSync(file("fr.json"), file("fr (copy).json"));
    writeFileSync(join(elsewhere, "de.json"), readFileSync(file("fr.json"), "utf8").replace('"locale": "fr"', '"locale": "de"'));
    symlinkSync(join(elsewhere, "de.json"), file("de.json"));
    writeFileSync(join(dataDir, "README.md"), "# Letters\n");
    for (const name of [`${LETTER}/.DS_Store`, `${LETTER}/README.md`, `${LETTER}/fr (copy).json`, `${LETTER}/de.json`, "README.md: skipped"])
      await eventually(() => said(`warning: ${name}`) >= 1, `the warning for ${name}`);

    // Another reload of the letter (its English saved again): nothing said twice.
    const renders = published().length;
    writeFileSync(file("en.json"), readFileSync(file("en.json")));
    await eventually(() => published().length > renders, "the render after the next save");
    const lines = warnings();
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines).toHaveLength(5);

    // generate over the same folder prints the same warnings, word for word.
    const fromGenerate = await generateWarnings(dataDir, join(elsewhere, "out"));
    expect([...lines].sort()).toEqual([...fromGenerate].sort());

    // A file removed, then added again, is named again: it is a new file.
    unlinkSync(file(".DS_Store"));
    const before = published().length;
    writeFileSync(file("en.json"), readFileSync(file("en.json")));
    await eventually(() => published().length > before, "the render after the removal");
    writeFileSync(file(".DS_Store"), "again");
    await eventually(() => said(`warning: ${LETTER}/.DS_Store`) === 2, "the warning for the .DS_Store added again");
  });

  it("says a file too large for the readers as its language's failure, with the size and the limit", async () => {
    const padded = readFileSync(file("fr.json"), "utf8").trimEnd().slice(0, -1).replace('"locale": "fr"', '"locale": "es"');
    writeFileSync(file("es.json"), `${padded}${" ".repeat(300 * 1024)}}`);
    const tooLarge = /sample\/es\.json: [\d,]+ bytes, not counting translationOf; a data file may have at most 262,144 bytes/;
    await eventually(() => err.some((line) => tooLarge.test(line)), `the too-large es.json said, in:\n${err.join("\n")}`, 120_000);
  });
});

describe("`npm run serve` publishing a letter another data folder published before", () => {
  it("says so once it has published, naming the folder the letter came from before", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "letterpress-serve-origin-"));
    cpSync(join(FIXTURES_DIR, "letters/sample"), join(dataDir, LETTER), { recursive: true });
    const originsDir = mkdtempSync(join(tmpdir(), "letterpress-serve-origins-"));
    const publishOrigins = new PublishOrigins(join(originsDir, "letter-origins.json"));
    // A scratch copy published it first, another revision.
    const scratch = join(originsDir, "scratch-data");
    cpSync(join(FIXTURES_DIR, "letters/sample"), join(scratch, LETTER), { recursive: true });
    await publishOrigins.published(LETTER, scratch, "0123456789abcdef");
    const stack = await startLocalStack({ dataDir });
    const out: string[] = [];
    const err: string[] = [];
    const watching = followLetterData(stack.runtime, dataDir, { out: (line) => out.push(line), err: (line) => err.push(line), settleMs: 300, publishOrigins });
    try {
      await eventually(() => out.some((line) => line.includes(" published, ")), "the first render at start");
      await eventually(() => err.some((line) => line.startsWith(`warning: letter ${LETTER}: published from ${dataDir}, over what ${scratch} published before`)), "the warning");
    } finally {
      await watching.close();
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(originsDir, { recursive: true, force: true });
    }
  });
});

/**
 * Review of issue 15's fix: serve recorded its folder as a letter's origin whenever a render printed
 * a published line, naming the revision latest.json held, even when that render's own revision was
 * incomplete (a document failed) and latest.json still named what another folder published. Now, as
 * generate checks, only a render whose revision latest.json names records its folder.
 */
describe("`npm run serve` rendering a copy whose revision does not complete", () => {
  it("records no origin, and says no takeover, until latest.json names the revision it made", async () => {
    const root = mkdtempSync(join(tmpdir(), "letterpress-serve-incomplete-"));
    const real = join(root, "real");
    const copy = join(root, "copy");
    cpSync(join(FIXTURES_DIR, "letters/sample"), join(real, LETTER), { recursive: true });
    cpSync(join(FIXTURES_DIR, "letters/sample"), join(copy, LETTER), { recursive: true });
    const originsFile = join(root, "letter-origins.json");
    const publishOrigins = new PublishOrigins(originsFile);
    let pdfFails = false;
    const stack = await startLocalStack({
      dataDir: copy,
      wrapRenderer: (renderer) => ({
        ...renderer,
        // A fault the data decides (no retry): the copy's PDFs fail while pdfFails holds.
        pdf: (...args) => (pdfFails ? Promise.reject(new LetterpressError("INVALID_DATA", "this PDF fails in the test")) : renderer.pdf(...args)),
      }),
    });
    const out: string[] = [];
    const err: string[] = [];
    let watching: LetterDataWatch | undefined;
    try {
      // The real folder published the letter whole: latest.json names its revision.
      const general = await stack.runtime.service.render({ letterId: LETTER });
      await stack.runtime.service.render({ letterId: LETTER, recipients: true });
      const published = (await stack.store.getLatest(LETTER))?.revision;
      expect(published).toBe(general.revision);
      await publishOrigins.published(LETTER, real, published as string);
      // The copy is edited (another revision), and its PDFs fail: its revision cannot complete.
      const facts = join(copy, LETTER, "letter.json");
      writeFileSync(facts, readFileSync(facts, "utf8").replace("Jane Example", "Jane Copy"));
      pdfFails = true;
      watching = followLetterData(stack.runtime, copy, { out: (line) => out.push(line), err: (line) => err.push(line), settleMs: 300, publishOrigins });
      await eventually(() => err.some((line) => line.includes("this PDF fails in the test")), "the copy's failed PDFs");
      expect((await stack.store.getLatest(LETTER))?.revision).toBe(published);
      expect(JSON.parse(readFileSync(originsFile, "utf8"))).toEqual({ [LETTER]: { dataDir: real, revision: published } });
      expect(err.filter((line) => line.includes("published from"))).toEqual([]);
      // Nor is the copy said to have published what the real folder did.
      expect(out.filter((line) => line.includes(" published, "))).toEqual([]);
      expect(err).toContainEqual(
        expect.stringMatching(
          new RegExp(`^letter ${LETTER} \\("[^"]+"\\): revision [0-9a-f]+ not published \\(its links still lead to revision ${published}, published before\\)`),
        ),
      );

      // Once its PDFs are made, the copy's revision completes: it is the origin now, and that is said.
      pdfFails = false;
      writeFileSync(facts, readFileSync(facts));
      await eventually(() => err.some((line) => line.startsWith(`warning: letter ${LETTER}: published from ${copy}, over what ${real} published before`)), "the takeover");
      const now = (await stack.store.getLatest(LETTER))?.revision;
      expect(now).not.toBe(published);
      expect(JSON.parse(readFileSync(originsFile, "utf8"))).toEqual({ [LETTER]: { dataDir: copy, revision: now } });
    } finally {
      await watching?.close();
      await stack.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
