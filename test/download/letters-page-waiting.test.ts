import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATA_DIR } from "../support/letters";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";

jest.setTimeout(300_000);

const LETTER = "committee-hearing-defenders";

/**
 * Fresh user's finding 1 (remainder): the letters page says which languages of a letter are waiting
 * (a translation stale after its source changed) and which file to fix, instead of leaving them out
 * of the table in silence. The render records them through the document store (waiting.json of the
 * revision); the page reads them from there, through the local server and the embedded S3 over HTTP.
 */
describe("the letters page and a letter's waiting languages", () => {
  let dataDir: string;
  let stack: LocalStack;
  let running: RunningServer;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "letterpress-page-waiting-"));
    cpSync(join(DATA_DIR, LETTER), join(dataDir, LETTER), { recursive: true });
    stack = await startLocalStack({ dataDir });
    running = await stack.listen();
  });
  afterAll(async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const page = async () => (await fetch(`${running.baseUrl}/`)).text();
  const waitingList = (html: string) => /<ul data-waiting>(.*?)<\/ul>/.exec(html)?.[1];

  it("lists every language left out of the latest revision with the data file to fix, and none once all are current", async () => {
    const first = await stack.runtime.letterChanged(LETTER);
    expect(first.failures).toEqual([]);
    const before = await page();
    expect(before).toContain(`<code>${LETTER}</code>`);
    expect(waitingList(before)).toBeUndefined();
    expect(before).toContain("French (fr)");

    // The source (English) changes: French and German are stale until their translators catch up.
    const file = join(dataDir, LETTER, "en.json");
    const original = readFileSync(file, "utf8");
    const english = JSON.parse(original) as Record<string, unknown>;
    english.summary = `${String(english.summary)} (revised)`;
    writeFileSync(file, JSON.stringify(english, null, 2));
    const second = await stack.runtime.letterChanged(LETTER);
    expect(second.revision).not.toBe(first.revision);

    const after = await page();
    expect(after).toContain(`Revision ${second.revision}`);
    const waiting = waitingList(after);
    expect(waiting).toContain(`French (fr): fix <code>data/${LETTER}/fr.json</code>`);
    expect(waiting).toContain(`German (de): fix <code>data/${LETTER}/de.json</code>`);
    expect(waiting).not.toContain("en.json");
    expect(await stack.store.getWaitingLanguages(LETTER, second.revision as string)).toEqual([
      expect.objectContaining({ locale: "de", file: "de.json" }),
      expect.objectContaining({ locale: "fr", file: "fr.json" }),
    ]);

    // The source back as it was: the first revision again, nothing waits.
    writeFileSync(file, original);
    await stack.runtime.letterChanged(LETTER);
    expect(waitingList(await page())).toBeUndefined();
  });
});
