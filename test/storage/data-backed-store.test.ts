import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LetterContext } from "../../functions/core/letter/letter-context";
import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import { DirectoryLetterSource } from "../../functions/letters/letter-source";
import { dataBackedStore } from "../../functions/storage/data-backed-store";
import { letterFolderStamp, STAMP_SETTLED_MS } from "../../local/letter-folder-stamp";
import { DATA_DIR, SEED_LETTER } from "../support/letters";
import { type Harness, REVISION, renderedDocument, startHarness } from "./embedded-s3-harness";

jest.setTimeout(120_000);

/** The letter source serve reads, counting its full readings of a letter. */
class CountingLetterSource extends DirectoryLetterSource {
  loads = 0;
  override loadLetter(letterId: string, context?: LetterContext): Promise<ParsedLetter> {
    this.loads++;
    return super.loadLetter(letterId, context);
  }
}

/**
 * Under `npm run serve`, a manifest with personal copies is filtered by the letter's recipients now.
 * They are read once per stamp of the letter's folder (not on every download or share link opened),
 * and an edit between two requests is seen by the second: stored in a real embedded S3, read over HTTP.
 */
describe("the readers' store reads a letter's recipients once per change of its data", () => {
  let harness: Harness;
  let dataDir: string;
  /** Edits every file of the letter (letter.json and each translation name its recipients), as a person would. */
  const editLetter = (edit: (text: string) => string) => {
    const folder = join(dataDir, SEED_LETTER);
    for (const name of readdirSync(folder)) writeFileSync(join(folder, name), edit(readFileSync(join(folder, name), "utf8")));
  };
  const recipientsOfManifest = async (store: ReturnType<typeof dataBackedStore>) =>
    [...new Set((await store.getManifest(SEED_LETTER, REVISION))?.documents.map((entry) => entry.recipientId ?? "(shared)"))].sort();

  beforeAll(async () => {
    harness = await startHarness();
    const store = harness.store();
    const placement = { revision: REVISION, downloadName: "Letter" };
    const documents = await Promise.all(
      [null, "gb", "us"].map(async (recipientId) => (await store.put(renderedDocument("en", "pdf", `copy for ${recipientId}`, recipientId), placement)).document),
    );
    await store.publishRevision(SEED_LETTER, REVISION, documents);
  });
  afterAll(() => harness.stop());
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "letterpress-data-backed-"));
    cpSync(join(DATA_DIR, SEED_LETTER), join(dataDir, SEED_LETTER), { recursive: true });
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("reads an unchanged letter once for many manifest reads, and reads it again after an edit, seen by the next request", async () => {
    const letters = new CountingLetterSource(dataDir);
    // The folder's files as if written an hour ago: their stamp is settled.
    const anHourOn = () => Date.now() + 3_600_000;
    const readers = dataBackedStore(harness.store(), letters, { stampOf: (letterId) => letterFolderStamp(dataDir, letterId, { now: anHourOn }) });
    for (let request = 0; request < 5; request++) expect(await recipientsOfManifest(readers)).toEqual(["(shared)", "gb", "us"]);
    expect(letters.loads).toBe(1);

    editLetter((text) => {
      const json = JSON.parse(text) as { recipients?: unknown; translationOf?: { recipients?: Record<string, unknown> } };
      if (Array.isArray(json.recipients)) json.recipients = json.recipients.filter((recipient: { id: string }) => recipient.id !== "gb");
      else if (json.recipients) delete (json.recipients as Record<string, unknown>).gb;
      if (json.translationOf?.recipients) delete json.translationOf.recipients.gb;
      return JSON.stringify(json, null, 2);
    });
    expect(await recipientsOfManifest(readers)).toEqual(["(shared)", "us"]);
    expect(await recipientsOfManifest(readers)).toEqual(["(shared)", "us"]);
    expect(letters.loads).toBe(2);
  });

  it("sees an edit of the same size made right after a request, by the real clock (a folder changed this recently has no stamp)", async () => {
    const letters = new CountingLetterSource(dataDir);
    const readers = dataBackedStore(harness.store(), letters, { stampOf: (letterId) => letterFolderStamp(dataDir, letterId) });
    expect(await recipientsOfManifest(readers)).toEqual(["(shared)", "gb", "us"]);
    // "gb" becomes "gx": every file keeps its size, and may keep its timestamps too.
    editLetter((text) => text.replaceAll('"gb"', '"gx"'));
    expect(await recipientsOfManifest(readers)).toEqual(["(shared)", "us"]);
  });

  it("stamps a folder that changed within the settling time as unknown, and a settled one by its files", async () => {
    const now = Date.now();
    expect(await letterFolderStamp(dataDir, SEED_LETTER, { now: () => now })).toBeUndefined();
    const settled = await letterFolderStamp(dataDir, SEED_LETTER, { now: () => now + STAMP_SETTLED_MS + 1_000 });
    expect(settled).toContain('"letter.json"');
    expect(await letterFolderStamp(dataDir, "no-such-letter", { now: () => now + 3_600_000 })).toBeUndefined();
  });
});
