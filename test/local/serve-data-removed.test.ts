import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATA_DIR, SEED_LETTER } from "../support/letters";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";

jest.setTimeout(300_000);

const OTHER_LETTER = "committee-hearing-defenders";

/**
 * Fresh user's finding 4, item 4: under `serve`, a letter moved away from data/, or a recipient removed
 * from its letter.json, is no longer listed, downloadable or shared (links answer 410), while its stored
 * copies are kept (only `npm run withdraw` deletes them): putting the data back shows them again.
 * Before, the letters page kept listing the letter and every link and download answered 302.
 */
describe("serve, when a letter or a recipient is gone from the data", () => {
  let dataDir: string;
  let stack: LocalStack;
  let running: RunningServer;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "letterpress-data-removed-"));
    for (const letterId of [SEED_LETTER, OTHER_LETTER]) cpSync(join(DATA_DIR, letterId), join(dataDir, letterId), { recursive: true });
    stack = await startLocalStack({ dataDir });
    running = await stack.listen();
  });
  afterAll(async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const request = (path: string, init: RequestInit = {}) => fetch(`${running.baseUrl}${path}`, { redirect: "manual", ...init });
  async function share(letterId: string, locale: string, body: Record<string, unknown> = {}): Promise<string> {
    const reply = await request(`/letters/${letterId}/${locale}/pdf/shares`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(reply.status).toBe(201);
    return ((await reply.json()) as { url: string }).url;
  }
  const statusOf = async (url: string) => (await fetch(url, { redirect: "manual" })).status;
  const lettersPage = async () => (await request("/")).text();

  /** Removes a recipient from letter.json and from every translation's `recipients`, as a person would; returns how to put it back. */
  function removeRecipient(letterId: string, recipientId: string): () => void {
    const folder = join(dataDir, letterId);
    const before = new Map(readdirSync(folder).map((name) => [name, readFileSync(join(folder, name), "utf8")]));
    for (const [name, text] of before) {
      const json = JSON.parse(text) as { recipients?: unknown };
      if (Array.isArray(json.recipients)) json.recipients = json.recipients.filter((recipient: { id: string }) => recipient.id !== recipientId);
      else if (json.recipients && typeof json.recipients === "object") delete (json.recipients as Record<string, unknown>)[recipientId];
      writeFileSync(join(folder, name), `${JSON.stringify(json, null, 2)}\n`);
    }
    return () => {
      for (const [name, text] of before) writeFileSync(join(folder, name), text);
    };
  }

  it("hides a removed recipient's copies: pinned and latest links answer 410, the download 404; other copies still open; putting it back shows them", async () => {
    const gbPinned = await share(SEED_LETTER, "en", { recipient: "gb" });
    const gbLatest = await share(SEED_LETTER, "en", { recipient: "gb", follow: "latest" });
    const usPinned = await share(SEED_LETTER, "en", { recipient: "us" });
    expect(await statusOf(gbPinned)).toBe(302);
    expect(await lettersPage()).toContain(`data-recipient="gb"`);

    const putBack = removeRecipient(SEED_LETTER, "gb");
    try {
      expect(await statusOf(gbPinned)).toBe(410);
      expect(await statusOf(gbLatest)).toBe(410);
      expect((await request(`/letters/${SEED_LETTER}/en/pdf?recipient=gb`)).status).toBe(404);
      expect(await statusOf(usPinned)).toBe(302);
      expect(await lettersPage()).not.toContain(`data-recipient="gb"`);
    } finally {
      putBack();
    }
    // kept, not deleted: the data back, the same pinned link opens again
    expect(await statusOf(gbPinned)).toBe(302);
  });

  it("hides nothing of a letter that is there but cannot be read (letter.json mid-edit): which recipients it has is not known", async () => {
    const gbPinned = await share(SEED_LETTER, "en", { recipient: "gb" });
    const file = join(dataDir, SEED_LETTER, "letter.json");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, original.slice(0, original.length / 2));
    try {
      expect(await statusOf(gbPinned)).toBe(302);
      expect(await lettersPage()).toContain(`data-recipient="gb"`);
    } finally {
      writeFileSync(file, original);
    }
  });

  it("hides a letter moved out of data/: not listed, not downloadable, its links 410; the other letter stays; moving it back shows it", async () => {
    const pinned = await share(SEED_LETTER, "fr");
    const latest = await share(SEED_LETTER, "fr", { follow: "latest" });
    expect(await lettersPage()).toContain(`/letters/${SEED_LETTER}/`);
    const moved = join(tmpdir(), `letterpress-moved-${process.pid}`);
    renameSync(join(dataDir, SEED_LETTER), moved);
    try {
      expect(await statusOf(pinned)).toBe(410);
      expect(await statusOf(latest)).toBe(410);
      expect((await request(`/letters/${SEED_LETTER}/fr/pdf`)).status).toBe(404);
      const page = await lettersPage();
      expect(page).not.toContain(`/letters/${SEED_LETTER}/`);
      // the stored copies are still there, only hidden
      expect(await stack.store.listLetterIds()).toContain(SEED_LETTER);
    } finally {
      renameSync(moved, join(dataDir, SEED_LETTER));
    }
    expect(await statusOf(pinned)).toBe(302);
    expect(await lettersPage()).toContain(`/letters/${SEED_LETTER}/`);
  });
});
