import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { RenderedDocument } from "../../functions/core/documents";
import type { LocaleId } from "../../functions/core/locales";
import type { StoredDocument } from "../../functions/storage/document-store";
import { InvalidKeySegmentError } from "../../functions/storage/errors";
import type { S3DocumentStore } from "../../functions/storage/s3-document-store";
import { renderedDocument, startHarness, type Harness } from "./embedded-s3-harness";

/**
 * Fresh user's finding 4: a letter, one language of it or one recipient's copies can be withdrawn from
 * the store, in every revision (keys are content-addressed: an older revision's document is another
 * object a pinned link may still name), through real HTTP against the embedded S3 server.
 */

const LETTER = "unsc-dprk-2015";
const OTHER = "unsc-dprk-2015-annex"; // shares the prefix "letters/unsc-dprk-2015" without its slash
const OLD = "1111111aaaa";
const NEW = "2222222bbbb";

let h: Harness;
let store: S3DocumentStore;
beforeEach(async () => {
  h = await startHarness();
  store = h.store();
});
afterEach(async () => {
  await h.stop();
});

const documentOf = (letterId: string, locale: LocaleId, format: "pdf" | "html", recipientId: string | null, text: string): RenderedDocument => {
  const made = renderedDocument(locale, format, text, recipientId);
  return { ...made, request: { ...made.request, letterId } };
};

/** Two revisions of LETTER (en, fr; the whole Council and two recipients) and one of OTHER, each published. */
async function publishFixtures(): Promise<void> {
  for (const [letterId, revisions] of [
    [LETTER, [OLD, NEW]],
    [OTHER, [NEW]],
  ] as const) {
    for (const revision of revisions) {
      const stored: StoredDocument[] = [];
      for (const locale of ["en", "fr"] as LocaleId[]) {
        for (const recipientId of [null, "donor-uk", "donor-fr"]) {
          for (const format of ["pdf", "html"] as const) {
            const made = documentOf(letterId, locale, format, recipientId, `${letterId} ${revision} ${locale} ${recipientId} ${format}`);
            stored.push((await store.put(made, { revision, downloadName: "Letter" })).document);
          }
        }
      }
      await store.publishRevision(letterId, revision, stored);
    }
  }
}

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await h.client.send(new ListObjectsV2Command({ Bucket: h.s3.bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key as string).sort();
}

const documentKeys = (keys: string[]) => keys.filter((key) => /\/letter\.(pdf|html)$/.test(key) && !key.includes("/published/"));

describe("withdrawing stored documents", () => {
  it("withdraws one recipient's copies in every revision and language: documents, entries and manifest lines; nothing else", async () => {
    await publishFixtures();
    const before = await keysUnder("letters/");

    const result = await store.withdraw({ letterId: LETTER, recipientId: "donor-uk" });

    const after = await keysUnder("letters/");
    expect(after.filter((key) => key.startsWith(`letters/${LETTER}/`) && key.includes("/donor-uk/"))).toEqual([]);
    // 2 revisions x 2 languages x 2 formats, each a document and a published entry
    expect(result.documents).toHaveLength(8);
    expect(result.records).toHaveLength(8);
    expect(result.manifestsRewritten).toEqual([OLD, NEW]);
    expect(before.filter((key) => !after.includes(key)).sort()).toEqual([...result.documents, ...result.records].sort());
    for (const revision of [OLD, NEW]) {
      const manifest = await store.getManifest(LETTER, revision);
      expect(manifest?.documents.map((entry) => entry.recipientId)).not.toContain("donor-uk");
      expect(manifest?.documents).toHaveLength(8);
    }
    // the other letter, whose id begins the same, keeps its donor-uk copies
    expect(documentKeys(await keysUnder(`letters/${OTHER}/`)).filter((key) => key.includes("/donor-uk/"))).toHaveLength(4);
    expect((await store.getLatest(LETTER))?.revision).toBe(NEW);
  });

  it("withdraws one language (every recipient's copies in it), or one recipient in one language", async () => {
    await publishFixtures();
    await store.withdraw({ letterId: LETTER, locale: "fr" });
    let left = documentKeys(await keysUnder(`letters/${LETTER}/`));
    expect(left.filter((key) => key.includes("/fr/"))).toEqual([]);
    expect(left).toHaveLength(12);
    expect((await store.getManifest(LETTER, OLD))?.documents.map((entry) => entry.locale)).not.toContain("fr");

    await store.withdraw({ letterId: LETTER, locale: "en", recipientId: "donor-fr" });
    left = documentKeys(await keysUnder(`letters/${LETTER}/`));
    expect(left.filter((key) => key.includes("/donor-fr/"))).toEqual([]);
    expect(left.filter((key) => key.includes("/donor-uk/"))).toHaveLength(4);
    // a manifest rebuilt from the revision's entries (a damaged manifest is) cannot bring them back
    const entries = await keysUnder(`letters/${LETTER}/${NEW}/published/`);
    expect(entries.filter((key) => key.includes("/fr/") || key.includes("/donor-fr/"))).toEqual([]);
  });

  it("withdraws a whole letter: every object under it, its latest pointer first; the letter is no longer listed", async () => {
    await publishFixtures();
    const result = await store.withdraw({ letterId: LETTER });
    expect(await keysUnder(`letters/${LETTER}/`)).toEqual([]);
    expect(result.documents).toHaveLength(24);
    expect(result.records).toContain(`letters/${LETTER}/latest.json`);
    expect(await store.listLetterIds()).toEqual([OTHER]);
    expect(await store.getLatest(LETTER)).toBeUndefined();
    expect(documentKeys(await keysUnder(`letters/${OTHER}/`))).toHaveLength(12);
  });

  it("is idempotent: withdrawing again, or what was never stored, deletes nothing and rewrites no manifest", async () => {
    await publishFixtures();
    await store.withdraw({ letterId: LETTER, recipientId: "donor-uk" });
    expect(await store.withdraw({ letterId: LETTER, recipientId: "donor-uk" })).toEqual({ documents: [], records: [], manifestsRewritten: [] });
    expect(await store.withdraw({ letterId: "never-published" })).toEqual({ documents: [], records: [], manifestsRewritten: [] });
  });

  it("refuses a scope that is not a letter id, a language tag or a recipient id, naming the field", async () => {
    await expect(store.withdraw({ letterId: "../etc" })).rejects.toThrow(InvalidKeySegmentError);
    await expect(store.withdraw({ letterId: LETTER, locale: "fr/../en" as LocaleId })).rejects.toThrow(/locale/);
    await expect(store.withdraw({ letterId: LETTER, recipientId: "Donor UK" })).rejects.toThrow(/recipientId/);
  });
});
