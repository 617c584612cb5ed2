import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatDataIssue } from "../../functions/core/errors";
import { DirectoryLetterSource, readingOnce } from "../../functions/letters/letter-source";
import type { LetterDataWatch } from "../../local/data-watch";
import { followLetterData } from "../../local/follow-letter-data";
import { generateDocuments } from "../../local/generate";
import { eventually } from "../support/eventually";
import { FIXTURES_DIR } from "../support/letters";
import { type LocalStack, startLocalStack } from "../support/local-stack";

jest.setTimeout(600_000);

const LETTERS = ["alpha", "beta", "gamma"];

/** Three copies of the sample letter, each with a .DS_Store, and a README beside them: four warnings. */
function dataWithOddFiles(): string {
  const dataDir = mkdtempSync(join(tmpdir(), "letterpress-letter-reads-"));
  for (const letterId of LETTERS) {
    cpSync(join(FIXTURES_DIR, "letters/sample"), join(dataDir, letterId), { recursive: true });
    const facts = join(dataDir, letterId, "letter.json");
    writeFileSync(facts, readFileSync(facts, "utf8").replace('"id": "sample"', `"id": "${letterId}"`));
    writeFileSync(join(dataDir, letterId, ".DS_Store"), "odd");
  }
  writeFileSync(join(dataDir, "README.md"), "# Letters\n");
  return dataDir;
}

/**
 * Every letter read through the runtime's letter source, in order: the render's own reads and any other.
 * `unchecked`: the reads without a context (templates and fonts), which no render makes: a letter read
 * only to be named (its title), not to be rendered.
 */
function recordReads(stack: LocalStack): { reads: string[]; unchecked: string[]; stop(): void } {
  const reads: string[] = [];
  const unchecked: string[] = [];
  const letters = stack.runtime.letters;
  const loadLetter = letters.loadLetter.bind(letters);
  const spy = jest.spyOn(letters, "loadLetter").mockImplementation((letterId, context) => {
    reads.push(letterId);
    if (!context) unchecked.push(letterId);
    return loadLetter(letterId, context);
  });
  return { reads, unchecked, stop: () => spy.mockRestore() };
}

const countsOf = (reads: readonly string[]) => Object.fromEntries(LETTERS.map((letterId) => [letterId, reads.filter((read) => read === letterId).length]));

/**
 * Review of issue 15's fix: the data's warnings were found by parsing every letter again, so
 * `generate` parsed each letter twice (three times with --locale) and `serve` parsed every letter
 * before each letter's render (N² parses at start). The warnings come from the reader's listing and
 * each render's own reading now; said once each, in the same words.
 */
describe("reading letters once per render", () => {
  let dataDir: string;
  let stack: LocalStack;
  beforeAll(async () => {
    dataDir = dataWithOddFiles();
    stack = await startLocalStack({ dataDir });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const expectedWarnings = [
    "README.md: skipped: not in a letter folder; each letter is a folder <id>/ holding letter.json and <locale>.json",
    ...LETTERS.map((letterId) => `${letterId}/.DS_Store: skipped: a hidden file (such as .DS_Store); only letter.json and <locale>.json are read`),
  ];

  it("generate reads each letter once, by its render, and still names every odd file", async () => {
    const { reads, stop } = recordReads(stack);
    const result = await generateDocuments(stack.runtime.service, stack.runtime.letters, { formats: ["html"], personalized: false }).finally(stop);
    expect(result.failures).toEqual([]);
    expect(countsOf(reads)).toEqual({ alpha: 1, beta: 1, gamma: 1 });
    expect(result.warnings.map(formatDataIssue)).toEqual(expectedWarnings);
  });

  it("generate --locale reads each letter once too, and names the asked languages a letter lacks from that reading", async () => {
    const { reads, stop } = recordReads(stack);
    const result = await generateDocuments(stack.runtime.service, stack.runtime.letters, {
      letterIds: ["beta", "gamma"],
      locales: ["fr", "he"],
      formats: ["html"],
      personalized: false,
    }).finally(stop);
    expect(countsOf(reads)).toEqual({ alpha: 0, beta: 1, gamma: 1 });
    expect(result.missingLocales).toEqual([
      { letterId: "beta", locale: "he", letterLocales: ["en", "fr"] },
      { letterId: "gamma", locale: "he", letterLocales: ["en", "fr"] },
    ]);
    expect(result.stored.map((stored) => `${stored.request.letterId} ${stored.request.locale}`)).toEqual(["beta fr", "gamma fr"]);
    // Only the asked letters' warnings.
    expect(result.warnings.map(formatDataIssue)).toEqual(expectedWarnings.filter((warning) => /^(beta|gamma)\//.test(warning)));
  });

  describe("serve", () => {
    let watching: LetterDataWatch;
    const out: string[] = [];
    const err: string[] = [];
    let reads: string[];
    let unchecked: string[];
    let stopRecording: () => void;
    beforeAll(() => {
      ({ reads, unchecked, stop: stopRecording } = recordReads(stack));
      watching = followLetterData(stack.runtime, dataDir, { out: (line) => out.push(line), err: (line) => err.push(line), settleMs: 300 });
    });
    afterAll(async () => {
      await watching?.close();
      stopRecording?.();
    });
    const published = (letterId: string) => out.filter((line) => line.startsWith(`letter ${letterId} `) && line.includes(" published, ")).length;
    const warnings = () => err.filter((line) => line.startsWith("warning: "));

    it("reads each letter only in its own render at start, and says every warning once", async () => {
      await eventually(() => LETTERS.every((letterId) => published(letterId) >= 1), `every letter's first render, in:\n${out.join("\n")}\n${err.join("\n")}`);
      // One letter after another: each read only while it renders (before, every render read them all).
      const runs = reads.filter((letterId, index) => index === 0 || reads[index - 1] !== letterId);
      expect(runs).toEqual(LETTERS);
      expect([...warnings()].sort()).toEqual(expectedWarnings.map((warning) => `warning: ${warning}`).sort());
    });

    // After each render, serve read the letter once more only to print its title: the render's own reading names it now.
    it("names each letter by its title from its render's own reading, never reading it once more to name it", async () => {
      await eventually(() => LETTERS.every((letterId) => published(letterId) >= 1), "every letter's first render");
      const title = JSON.parse(readFileSync(join(dataDir, "alpha", "en.json"), "utf8")).title as string;
      expect(title).toBeTruthy();
      for (const letterId of LETTERS)
        expect(out.find((line) => line.startsWith(`letter ${letterId} `))).toMatch(new RegExp(`^letter ${letterId} \\("${title}"\\): revision [0-9a-f]+ published, `));
      expect(unchecked).toEqual([]);
    });

    it("reads no other letter when one letter's data changes, and names a file added to it once", async () => {
      const before = { published: published("beta"), reads: reads.length, warnings: warnings().length };
      writeFileSync(join(dataDir, "beta", "notes.txt"), "for translators");
      const file = join(dataDir, "beta", "en.json");
      writeFileSync(file, readFileSync(file));
      await eventually(() => published("beta") > before.published, "beta's render after the save");
      expect(new Set(reads.slice(before.reads))).toEqual(new Set(["beta"]));
      expect(unchecked).toEqual([]);
      expect(warnings().slice(before.warnings)).toEqual(["warning: beta/notes.txt: skipped: not a .json file; only letter.json and <locale>.json are read"]);
    });
  });
});

/** generate's checks before its run (--paper, --locale, --recipients) each read every letter again; they share one reading now. */
describe("readingOnce, the checks' reading of the data", () => {
  it("reads each letter and the listing once however often the checks ask, and passes a render's reading (with a context) through", async () => {
    const dataDir = dataWithOddFiles();
    try {
      const source = new DirectoryLetterSource(dataDir);
      const loads = jest.spyOn(source, "loadLetter");
      const listings = jest.spyOn(source, "listLetters");
      const checked = readingOnce(source);
      const [first, again] = [await checked.loadLetter("alpha"), await checked.loadLetter("alpha")];
      expect(again).toBe(first);
      expect((await checked.loadLetter("beta")).letter.facts.id).toBe("beta");
      await checked.listLetters();
      await checked.listLetters();
      expect(loads.mock.calls.map(([letterId]) => letterId)).toEqual(["alpha", "beta"]);
      expect(listings).toHaveBeenCalledTimes(1);
      await checked.loadLetter("alpha", {});
      expect(loads.mock.calls.map(([letterId]) => letterId)).toEqual(["alpha", "beta", "alpha"]);
      // A letter that cannot be read fails each time it is asked for, with its reason.
      await expect(checked.loadLetter("no-such-letter")).rejects.toThrow(/no letter "no-such-letter"/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
