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
 * Fresh user's finding 1: a "latest" share link answered 410 "no longer available" while its language
 * only waited for its translator after the source text changed. Through `serve` (its server, its watch
 * of the data, the embedded S3 over HTTP): the link keeps serving the revision it was made from.
 */
describe("a latest share link while its language waits for a translator", () => {
  let dataDir: string;
  let stack: LocalStack;
  let running: RunningServer;
  let watching: LetterDataWatch;
  const out: string[] = [];
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "letterpress-serve-waiting-"));
    cpSync(join(DATA_DIR, LETTER), join(dataDir, LETTER), { recursive: true });
    stack = await startLocalStack({ dataDir });
    running = await stack.listen();
    watching = followLetterData(stack.runtime, dataDir, { out: (line) => out.push(line), err: () => undefined, settleMs: 300 });
  });
  afterAll(async () => {
    await watching?.close();
    await running?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const url = (path: string) => `${running.baseUrl}${path}`;
  const published = () => out.filter((line) => line.startsWith(`letter ${LETTER} `) && line.includes(" published, "));
  const revisionOf = (line: string | undefined) => /revision ([0-9a-f]+) published/.exec(line ?? "")?.[1];

  it("keeps serving the revision it was made from (302, not the 410 page), for PDF and HTML alike", async () => {
    await eventually(() => published().length >= 1, "the first render at start");
    const first = revisionOf(published()[0])!;
    const links: { format: string; url: string }[] = [];
    for (const format of ["pdf", "html"]) {
      const created = await fetch(url(`/letters/${LETTER}/fr/${format}/shares`), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ follow: "latest" }),
      });
      expect(created.status).toBe(201);
      links.push({ format, url: ((await created.json()) as { url: string }).url });
    }

    // One word of the source (English) changes, saved as an editor saves: French is now stale.
    const english = JSON.parse(readFileSync(join(dataDir, LETTER, "en.json"), "utf8")) as { summary: string };
    english.summary = `${english.summary} (revised)`;
    const copy = join(dataDir, "en.json.tmp");
    writeFileSync(copy, JSON.stringify(english, null, 2));
    renameSync(copy, join(dataDir, LETTER, "en.json"));
    await eventually(() => published().length >= 2 && revisionOf(published().at(-1)) !== first, "the render of the changed English");
    expect((await fetch(url(`/letters/${LETTER}/fr/pdf`), { redirect: "manual" })).status).toBe(409);

    for (const link of links) {
      const opened = await fetch(link.url, { redirect: "manual" });
      expect([link.format, opened.status]).toEqual([link.format, 302]);
      const location = opened.headers.get("location")!;
      expect(location).toContain(`/${first}/fr/`);
      expect((await fetch(location)).status).toBe(200);
    }
  });
});
