import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocaleId } from "../../functions/core/locales";
import { partMessageBody } from "../../functions/render/render-parts";
import { describeDeadLetter, describeLetterRun } from "../../local/letter-run-report";
import { FIXTURES_DIR, loadFixtureLetter } from "../support/letters";
import { type LocalStack, startLocalStack } from "../support/local-stack";

jest.setTimeout(180_000);

/**
 * `npm run serve` when a letter's data is wrong (issue 12 follow-up, item 4): a data or template
 * error fails at once with its message, naming the letter by its own title; only a fault that may
 * pass on a retry goes back to the queue.
 */
describe("serve, rendering a letter with a deterministic fault", () => {
  let root: string;
  let stack: LocalStack;
  const logged: { message: string; attributes: Record<string, unknown> }[] = [];
  const logger = {
    info: () => {},
    warn: () => {},
    error: (message: string, attributes?: unknown) => logged.push({ message, attributes: (attributes ?? {}) as Record<string, unknown> }),
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "letterpress-letter-run-"));
    await cp(join(FIXTURES_DIR, "letters/sample"), join(root, "sample"), { recursive: true });
    // The English text changes after the French translation was made: French is stale, English renders.
    const en = JSON.parse(await readFile(join(root, "sample/en.json"), "utf8")) as { summary: string };
    en.summary = `${en.summary} A sentence added after the translation.`;
    await writeFile(join(root, "sample/en.json"), JSON.stringify(en, null, 2));
    stack = await startLocalStack({ dataDir: root, logger });
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("tries each failing part once, publishes the rest, and prints every failure with its reason under the letter's title", async () => {
    const { deadLetters, failures } = await stack.runtime.letterChanged("sample");
    // Each part whose documents fail is logged once: nothing was retried, so nothing reached the dead-letter list.
    const failedParts = logged.filter((line) => line.message === "render part failed");
    expect(deadLetters).toEqual([]);
    expect(failedParts.length).toBeGreaterThan(0);
    expect(new Set(failedParts.map((line) => `${line.attributes["locale"]} ${line.attributes["part"]}`)).size).toBe(failedParts.length);
    expect(failures).toHaveLength(failedParts.length);
    for (const failure of failures) expect(failure).toMatchObject({ letterId: "sample", locale: "fr" });

    const latest = await stack.store.getLatest("sample");
    const manifest = latest ? await stack.store.getManifest("sample", latest.revision) : undefined;
    // Each stored document is listed with the letter's title in its language, for the letters page.
    expect(manifest?.documents.length).toBeGreaterThan(0);
    // Concurrent parts list each other's documents from their entry keys, which carry no title, so
    // the page takes it from any entry that has one: at least one has, and every one is the letter's.
    const titles = (manifest?.documents ?? []).map((document) => document.title).filter((title) => title !== undefined);
    expect(titles.length).toBeGreaterThan(0);
    expect(new Set(titles)).toEqual(new Set(["A sample letter"]));
    const letter = (await stack.runtime.letters.loadLetter("sample")).letter;
    const report = describeLetterRun({ letterId: "sample", letter, revision: latest?.revision, documents: manifest?.documents.length ?? 0, failures, deadLetters });
    expect(report.out).toEqual([`letter sample ("A sample letter"): revision ${latest?.revision} published, ${manifest?.documents.length} documents`]);
    expect(report.err[0]).toMatch(/^letter sample \("A sample letter"\): \d+ failures:$/);
    expect(report.err.slice(1).length).toBeGreaterThan(0);
    for (const line of report.err.slice(1)) expect(line).toMatch(/^ {2}fr (PDF|HTML)( \(copy for fr\))?: STALE_TRANSLATION: sample\/fr\.json: translationOf\.sourceSha256: /);
    expect(report.err.join("\n")).not.toContain("Council");
  });

  it("fails a letter whose data cannot be read at once, with the reason, and retries nothing", async () => {
    await writeFile(join(root, "sample/letter.json"), "{ not json");
    logged.length = 0;
    const { deadLetters, failures } = await stack.runtime.letterChanged("sample");
    expect(deadLetters).toEqual([]);
    expect(logged.filter((line) => line.message === "render message failed")).toHaveLength(1);
    expect(failures).toEqual([expect.objectContaining({ letterId: "sample", code: "INVALID_DATA", reason: expect.stringContaining("letter.json") })]);
    const report = describeLetterRun({ letterId: "sample", letter: undefined, revision: undefined, documents: 0, failures, deadLetters });
    // Said as not published (never "revision (none) published"), then each problem on its own line, as generate says it.
    expect(report.out).toEqual([]);
    expect(report.err[0]).toBe("letter sample: not published (nothing of it is published): its data is invalid (INVALID_DATA):");
    // Every problem at once: the stale French (from the test before) is said with letter.json's, not after it is fixed.
    expect(report.err.slice(1)).toEqual([
      expect.stringMatching(
        /^ {2}sample\/fr\.json: translationOf\.sourceSha256: the translation was made from source revision [0-9a-f]{12}, but the source text has changed since/,
      ),
      expect.stringMatching(/^ {2}sample\/letter\.json: malformed JSON/),
    ]);
  });
});

describe("a dead-lettered part, for people", () => {
  it("names the letter by its title in the part's language, and whose copies it carried; never 'the Council'", () => {
    const { letter } = loadFixtureLetter("sample");
    const part = (locale: string, recipients: string[] | null) =>
      partMessageBody({ letterId: "sample", revision: "0123456789ab", locale: locale as LocaleId, recipients, index: 0, of: 2 });
    expect(describeDeadLetter(part("fr", null), letter)).toBe('fr "Une lettre d’exemple"');
    expect(describeDeadLetter(part("en", ["gb"]), letter)).toBe('en copies of "A sample letter" for gb');
    // A letter that cannot be read now: its id.
    expect(describeDeadLetter(part("en", null), undefined)).toBe("en letter sample");
    expect(describeDeadLetter("not json", letter)).toBe("planning the letter");
  });
});
