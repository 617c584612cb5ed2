/**
 * When latest.json may move to a revision (functions/render/latest-pointer.ts), against the embedded
 * S3 server: never to a half-made revision once the letter has one, and the part that completes a
 * revision points at it even when its own publish answered with a manifest that lacked the others.
 */
import { pointLatestWhenComplete } from "../../functions/render/latest-pointer";
import type { S3DocumentStore } from "../../functions/storage/s3-document-store";
import { type Harness, renderedDocument, startHarness } from "../storage/embedded-s3-harness";

const LETTER = "unsc-dprk-2015";
const OLD = "aaaaaaaaaaaa";
const NEW = "bbbbbbbbbbbb";

describe("pointLatestWhenComplete", () => {
  let harness: Harness;
  let store: S3DocumentStore;
  beforeAll(async () => {
    harness = await startHarness();
    store = harness.store();
  });
  afterAll(async () => harness.stop());

  const put = async (revision: string, locale: "en" | "fr", recipientId: string | null = null) =>
    (await store.put(renderedDocument(locale, "pdf", `${revision} ${locale} ${recipientId}`, recipientId), { revision, downloadName: "x" })).document;

  test("points a letter's first revision at its first document, then moves only to a complete revision, reading the manifest again when its answer lacked others' documents", async () => {
    // The first revision: nothing older to half-replace.
    const oldEn = await put(OLD, "en");
    const first = await store.publishRevision(LETTER, OLD, [oldEn], { pointLatest: false });
    expect(await pointLatestWhenComplete(store, LETTER, OLD, first, new Set([oldEn.key, "letters/unsc-dprk-2015/aaaaaaaaaaaa/fr/letter.pdf"]))).toBe("pointed");
    expect((await store.getLatest(LETTER))?.revision).toBe(OLD);

    // A new revision of two documents, published by two parts.
    const en = await put(NEW, "en");
    const fr = await put(NEW, "fr");
    const complete = new Set([en.key, fr.key]);
    const afterEn = await store.publishRevision(LETTER, NEW, [en], { pointLatest: false });
    expect(await pointLatestWhenComplete(store, LETTER, NEW, afterEn, complete)).toBe("incomplete");
    expect((await store.getLatest(LETTER))?.revision).toBe(OLD);

    // The fr part's publish lists both now; hand it the stale answer the en part got, as a concurrent
    // publisher may see: it must read the manifest again and point.
    await store.publishRevision(LETTER, NEW, [fr], { pointLatest: false });
    expect(await pointLatestWhenComplete(store, LETTER, NEW, afterEn, complete)).toBe("pointed");
    expect((await store.getLatest(LETTER))?.revision).toBe(NEW);
    // And again: nothing to do.
    expect(await pointLatestWhenComplete(store, LETTER, NEW, afterEn, complete)).toBe("already");
  });
});
