import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LetterDataWatch } from "../../local/data-watch";
import { followLetterData } from "../../local/follow-letter-data";
import { eventually } from "../support/eventually";
import { DATA_DIR } from "../support/letters";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";

jest.setTimeout(600_000);

const LETTER = "committee-hearing-defenders";

/**
 * Issue 15 item 1, as the fresh user met it: `npm run serve` (its server, its render queues and its
 * watch of the data folder, over a real embedded S3 and real files) stopped re-rendering a letter after
 * a HEAD, a share link, a 409 for a stale translation and a malformed-JSON save.
 */
describe("`npm run serve` following a letter's data through a long sequence of requests and saves", () => {
  let dataDir: string;
  let scratchDir: string;
  let stack: LocalStack;
  let running: RunningServer;
  let watching: LetterDataWatch;
  const out: string[] = [];
  const err: string[] = [];
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "letterpress-serve-data-"));
    scratchDir = mkdtempSync(join(tmpdir(), "letterpress-serve-scratch-"));
    cpSync(join(DATA_DIR, LETTER), join(dataDir, LETTER), { recursive: true });
    stack = await startLocalStack({ dataDir });
    running = await stack.listen();
    watching = followLetterData(stack.runtime, dataDir, { out: (line) => out.push(line), err: (line) => err.push(line), settleMs: 300 });
  });
  afterAll(async () => {
    await watching?.close();
    await running?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratchDir, { recursive: true, force: true });
  });

  const url = (path: string) => `${running.baseUrl}${path}`;
  const file = (name: string) => join(dataDir, LETTER, name);
  const published = () => out.filter((line) => line.startsWith(`letter ${LETTER} `) && line.includes(" published, "));
  const revisionOf = (line: string | undefined) => /revision ([0-9a-f]+) published/.exec(line ?? "")?.[1];
  const editSummary = (text: string, mark: string) => {
    const data = JSON.parse(text) as { summary: string };
    data.summary = `${data.summary} (${mark})`;
    return JSON.stringify(data, null, 2);
  };
  /** An editor's save: a copy written elsewhere, renamed over the file. */
  const saveRenamedOver = (name: string, text: string) => {
    const copy = join(scratchDir, `${name}.${Math.random().toString(36).slice(2)}`);
    writeFileSync(copy, text);
    renameSync(copy, file(name));
  };

  it("renders every later save of the letter, and says every failure on the way", async () => {
    await eventually(() => published().length >= 1, "the first render at start");
    const first = revisionOf(published()[0]);

    const head = await fetch(url(`/letters/${LETTER}/en/pdf`), { method: "HEAD", redirect: "manual" });
    expect(head.status).toBe(302);
    const share = await fetch(url(`/letters/${LETTER}/en/pdf/shares`), { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(share.status).toBe(201);

    // The English text changes (saved as an editor saves, renamed over): French and German are now stale.
    const english = readFileSync(file("en.json"), "utf8");
    saveRenamedOver("en.json", editSummary(english, "changed"));
    await eventually(() => published().length >= 2 && revisionOf(published().at(-1)) !== first, "the render of the changed English");
    const second = revisionOf(published().at(-1));
    const stale = await fetch(url(`/letters/${LETTER}/fr/pdf`), { redirect: "manual" });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe("STALE_TRANSLATION");

    // A malformed save of another file of the letter: its failure is said with its reason.
    const german = readFileSync(file("de.json"), "utf8");
    writeFileSync(file("de.json"), '{"locale": "de", ');
    await eventually(() => err.some((line) => line.includes("de.json: malformed JSON")), "the malformed German file said on the console");

    // Later saves, in place, of the file renamed over before and of the malformed one: each is rendered.
    writeFileSync(file("de.json"), german);
    writeFileSync(file("en.json"), editSummary(english, "again"));
    await eventually(() => revisionOf(published().at(-1)) !== second && revisionOf(published().at(-1)) !== first, "the render of the saves after the malformed one");
    const third = revisionOf(published().at(-1));
    const link = await fetch(url(`/letters/${LETTER}/en/html`), { headers: { accept: "application/json" } });
    expect(((await link.json()) as { revision: string }).revision).toBe(third);
    const page = await fetch(((await (await fetch(url(`/letters/${LETTER}/en/html`), { headers: { accept: "application/json" } })).json()) as { url: string }).url);
    expect(await page.text()).toContain("(again)");

    // And once more, the same file saved in place again: still followed.
    writeFileSync(file("en.json"), editSummary(english, "third time"));
    await eventually(() => ![first, second, third].includes(revisionOf(published().at(-1))), "the render of one more save");
    expect(err.filter((line) => line.includes("render failed") || line.includes("no longer waited for"))).toEqual([]);
  });
});
