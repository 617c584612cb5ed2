import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatDataIssue, InvalidLetterDataError } from "../../functions/core/errors";
import type { LocaleId } from "../../functions/core/locales";
import type { LetterDataWatch } from "../../local/data-watch";
import { followLetterData } from "../../local/follow-letter-data";
import { DATA_DIR } from "../support/letters";
import { type LocalStack, startLocalStack } from "../support/local-stack";

jest.setTimeout(600_000);

const SOURCE = "committee-hearing-defenders";

/**
 * Issue 15 items 2 and 3, over the real serve runtime (its render queues, a real embedded S3, real
 * files): a language file named otherwise than by its tag was planned as a part the queue refused,
 * retried three times and said as "1 message failed 3 times: planning the letter" without the file;
 * a letter whose data is invalid was said as "revision (none) published, 0 documents".
 */
describe("serve, saying a letter's data problems as generate says them", () => {
  let dataDir: string;
  let stack: LocalStack;
  let watching: LetterDataWatch;
  const out: string[] = [];
  const err: string[] = [];

  /** A copy of the committee letter under another id, its files renamed (from -> to) as a user misnames them. */
  const letterCopy = (letterId: string, renames: [string, string][] = []) => {
    const folder = join(dataDir, letterId);
    cpSync(join(DATA_DIR, SOURCE), folder, { recursive: true });
    const facts = JSON.parse(readFileSync(join(folder, "letter.json"), "utf8")) as { id: string };
    facts.id = letterId;
    writeFileSync(join(folder, "letter.json"), JSON.stringify(facts, null, 2));
    for (const [from, to] of renames) renameSync(join(folder, from), join(folder, to));
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "letterpress-serve-problems-"));
    letterCopy("misnamed-upper", [["de.json", "DE.json"]]);
    letterCopy("misnamed-posix", [["fr.json", "fr_FR.json"]]);
    letterCopy("stray-copy");
    cpSync(join(dataDir, "stray-copy/de.json"), join(dataDir, "stray-copy/notes (copy).json"));
    letterCopy("bad-data", [["en.json", "EN.json"]]);
    letterCopy("was-good");
    stack = await startLocalStack({ dataDir });
    // A long settle: the test renders each letter itself, in the watch's turn.
    watching = followLetterData(stack.runtime, dataDir, { out: (line) => out.push(line), err: (line) => err.push(line), settleMs: 60_000 });
    await watching.ready;
  });
  afterAll(async () => {
    await watching?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const linesOf = (lines: string[], letterId: string) => lines.filter((line) => line.startsWith(`letter ${letterId} `) || line.startsWith(`letter ${letterId}:`));
  /** The reason the letter's reading gives for one language: what generate prints for its documents. */
  const localeReason = async (letterId: string, locale: string) => (await stack.runtime.letters.loadLetter(letterId)).localeErrors.get(locale as LocaleId)?.message;

  it.each([
    ["misnamed-upper", "DE", "misnamed-upper/DE.json", '"DE" is not in canonical form, expected de.json', 4],
    ["misnamed-posix", "fr_FR", "misnamed-posix/fr_FR.json", '"fr_FR" is not in canonical form, expected fr-FR.json', 4],
    ["stray-copy", "notes (copy)", "stray-copy/notes (copy).json", "unexpected file", 6],
  ])("%s: publishes the good languages and names the misnamed file %s in a warning, never as a language, retrying nothing", async (letterId, locale, file, words, documents) => {
    await watching.renderNow(letterId);
    // Skipped by the reader, as a README.md is: no language of the letter, so no failed document of it.
    expect(await localeReason(letterId, locale)).toBeUndefined();
    expect(err.filter((line) => line.startsWith(`warning: ${file}: skipped: `) && line.includes(words))).toHaveLength(1);
    expect(err.join("\n")).not.toContain(`  ${locale} PDF:`);
    expect(linesOf(err, letterId).join("\n")).not.toContain("failed 3 times");
    expect(linesOf(out, letterId).at(-1)).toMatch(new RegExp(`: revision [0-9a-f]+ published, ${documents} documents$`));
    expect([...stack.runtime.queues.changes.deadLetters, ...stack.runtime.queues.parts.deadLetters]).toEqual([]);
  });

  it("says a letter whose data is invalid is not published, with every problem in generate's words", async () => {
    await watching.renderNow("bad-data");
    const refused = await stack.runtime.letters.loadLetter("bad-data").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidLetterDataError);
    const issues = (refused as InvalidLetterDataError).issues.map(formatDataIssue);
    expect(issues.join("\n")).toContain('"EN" is not in canonical form, expected en.json');
    expect(linesOf(out, "bad-data")).toEqual([]);
    const said = linesOf(err, "bad-data");
    expect(said[0]).toBe("letter bad-data: not published (nothing of it is published): its data is invalid (INVALID_DATA):");
    expect(err.slice(err.indexOf(said[0] as string) + 1, err.indexOf(said[0] as string) + 1 + issues.length)).toEqual(issues.map((issue) => `  ${issue}`));
    expect(err.join("\n")).not.toMatch(/published, 0 documents|\(none\)|failed 3 times/);
    expect([...stack.runtime.queues.changes.deadLetters, ...stack.runtime.queues.parts.deadLetters]).toEqual([]);
  });

  it("says a letter published before and now invalid is not published, and what its links still lead to", async () => {
    await watching.renderNow("was-good");
    const published = /revision ([0-9a-f]+) published/.exec(linesOf(out, "was-good").at(-1) ?? "")?.[1];
    expect(published).toBeDefined();
    renameSync(join(dataDir, "was-good/en.json"), join(dataDir, "was-good/EN.json"));
    await watching.renderNow("was-good");
    expect(linesOf(err, "was-good").at(-1)).toBe(
      `letter was-good: not published (its links still lead to revision ${published}, published before): its data is invalid (INVALID_DATA):`,
    );
    expect(err.slice(err.lastIndexOf(linesOf(err, "was-good").at(-1) as string))).toContain(
      `  was-good/en.json: missing; the letter's source language is "en"; EN.json is skipped: "EN" is not in canonical form, expected en.json`,
    );
  });
});
