import { unlink } from "node:fs/promises";
import { LetterpressError } from "../../functions/core/errors";
import { S3ShareStore } from "../../functions/share/s3-share-store";
import { DAY_SECONDS, ShareService } from "../../functions/share/share-service";
import { storedShareDocuments } from "../../functions/share/shared-documents";
import { ObjectStore } from "../../local/s3/object-store";
import { startHarness, type Harness } from "../storage/embedded-s3-harness";
import { LETTER, recordEvents, ringOf, shareServiceOn, START, storeDocument } from "./support";

const R1 = "1111111aaaa1";
const R2 = "2222222bbbb2";
const R_MADE = "3333333cccc3";

const request = (overrides: Partial<Parameters<ShareService["create"]>[0]> = {}) => ({
  letterId: LETTER,
  locale: "fr" as const,
  format: "pdf" as const,
  recipientId: null,
  lifetimeSeconds: null,
  follow: "pinned" as const,
  createdBy: "officer@example.org",
  ...overrides,
});

describe("the share service, over the embedded S3", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
    const documents = harness.store();
    await storeDocument(documents, R1, "fr", "pdf", "revision one", { downloadName: "Lettre conjointe" });
    await storeDocument(documents, R1, "fr", "html", "revision one");
  });
  afterAll(async () => harness?.stop());

  describe("making a link", () => {
    it("lives 7 days by default, is pinned to the latest revision, and is stored without its token", async () => {
      const { service, shareStore, events } = shareServiceOn(harness);
      const created = await service.create(request());
      expect(created.expiresAt).toEqual(new Date(START.getTime() + 7 * DAY_SECONDS * 1000));
      expect(created.revision).toBe(R1);
      expect(created.follow).toBe("pinned");
      const stored = await shareStore.find(created.id);
      expect(stored?.record).toMatchObject({
        id: created.id,
        letterId: LETTER,
        locale: "fr",
        format: "pdf",
        follow: "pinned",
        revision: R1,
        keyId: "k1",
        createdBy: "officer@example.org",
        createdAt: START.toISOString(),
        expiresAt: created.expiresAt.toISOString(),
      });
      expect(JSON.stringify(stored)).not.toContain(created.token.split(".")[1]);
      expect(events.lines).toEqual([
        {
          level: "info",
          message: "share created",
          fields: expect.objectContaining({ shareId: created.id, letterId: LETTER, locale: "fr", format: "pdf", recipientId: null, revision: R1, outcome: "created" }),
        },
      ]);
      expect(events.counts).toEqual([{ name: "ShareCreated", outcome: "created" }]);
      expect(events.text()).not.toContain(created.token);
    });

    it.each([
      ["over 90 days", 90 * DAY_SECONDS + 1],
      ["under a minute", 59],
      ["not whole seconds", 3600.5],
      ["zero", 0],
      ["negative", -DAY_SECONDS],
    ])("refuses a lifetime %s, and stores nothing", async (_name, lifetimeSeconds) => {
      const { service, shareStore, events } = shareServiceOn(harness);
      await expect(service.create(request({ letterId: "lifetime-letter", lifetimeSeconds }))).rejects.toMatchObject({
        code: "INVALID_REQUEST",
        message: expect.stringContaining("lifetimeSeconds: expected whole seconds from 60 to 7776000 (90 days)"),
      });
      expect(await shareStore.listByLetter("lifetime-letter")).toEqual([]);
      expect(events.lines).toEqual([]);
    });

    it("keeps to a configured maximum below 90 days, and shortens the default to it", async () => {
      const month = shareServiceOn(harness, { maxLifetimeSeconds: 30 * DAY_SECONDS });
      await expect(month.service.create(request({ lifetimeSeconds: 31 * DAY_SECONDS }))).rejects.toThrow("(30 days), got 2678400");
      expect((await month.service.create(request({ lifetimeSeconds: 30 * DAY_SECONDS }))).expiresAt).toEqual(new Date(START.getTime() + 30 * DAY_SECONDS * 1000));
      expect((await month.service.create(request({ lifetimeSeconds: 3 * DAY_SECONDS }))).expiresAt).toEqual(new Date(START.getTime() + 3 * DAY_SECONDS * 1000));
      const day = shareServiceOn(harness, { maxLifetimeSeconds: DAY_SECONDS });
      // One day, not "1 days" (counts are said by CLDR's plural rules).
      await expect(day.service.create(request({ lifetimeSeconds: 2 * DAY_SECONDS }))).rejects.toThrow("(1 day), got 172800");
      expect(day.service.lifetime).toEqual({ defaultSeconds: DAY_SECONDS, maxSeconds: DAY_SECONDS });
      expect((await day.service.create(request())).expiresAt).toEqual(new Date(START.getTime() + DAY_SECONDS * 1000));
    });

    it("refuses a configuration beyond 90 days or a default beyond the maximum", () => {
      expect(() => shareServiceOn(harness, { maxLifetimeSeconds: 91 * DAY_SECONDS })).toThrow(
        "the longest share lifetime must be a whole number of seconds from 60 to 7776000, got 7862400",
      );
      expect(() => shareServiceOn(harness, { maxLifetimeSeconds: DAY_SECONDS, defaultLifetimeSeconds: 2 * DAY_SECONDS })).toThrow(
        "the default share lifetime must be a whole number of seconds from 60 to 86400",
      );
    });

    it("makes a document that is not stored yet, and shares the revision it was made in", async () => {
      const { service, made } = shareServiceOn(harness, { renderRevision: R_MADE });
      const created = await service.create(request({ letterId: "made-on-demand", locale: "ko", format: "html" }));
      expect(made).toEqual([{ letterId: "made-on-demand", locale: "ko", format: "html", recipientId: null }]);
      expect(created.revision).toBe(R_MADE);
    });

    it("refuses a document the data cannot make, and stores nothing", async () => {
      const { service, shareStore } = shareServiceOn(harness);
      await expect(service.create(request({ letterId: "unmakeable", locale: "ru" }))).rejects.toThrow("this test renders nothing on demand");
      const refusing = shareServiceOn(harness, {
        documents: { current: async () => Promise.reject(new LetterpressError("UNKNOWN_LETTER", 'no letter "unmakeable"')), atRevision: async () => undefined },
      });
      await expect(refusing.service.create(request({ letterId: "unmakeable" }))).rejects.toMatchObject({ code: "UNKNOWN_LETTER" });
      expect(await shareStore.listByLetter("unmakeable")).toEqual([]);
    });
  });

  describe("opening a link", () => {
    it("serves the document it names, and logs the use without the token", async () => {
      const { service, events } = shareServiceOn(harness);
      const created = await service.create(request());
      const resolution = await service.resolve(created.token);
      expect(resolution).toMatchObject({ outcome: "serve", document: { key: `letters/${LETTER}/${R1}/fr/letter.pdf`, revision: R1, fileName: "Lettre conjointe.pdf" } });
      expect(events.lines[1]).toEqual({
        level: "info",
        message: "share used",
        fields: { shareId: created.id, letterId: LETTER, locale: "fr", format: "pdf", recipientId: null, revision: R1, follow: "pinned", outcome: "served" },
      });
      expect(events.counts).toContainEqual({ name: "ShareUsed", outcome: "served" });
      expect(events.text()).not.toContain(created.token);
      expect(events.text()).not.toContain(created.token.split(".")[1]);
    });

    it("refuses it from the second it expires, by the injected clock, in the document's language", async () => {
      const { service, time, events } = shareServiceOn(harness);
      const created = await service.create(request({ lifetimeSeconds: 3 * DAY_SECONDS }));
      time.advanceSeconds(3 * DAY_SECONDS - 1);
      expect((await service.resolve(created.token)).outcome).toBe("serve");
      time.advanceSeconds(1);
      expect(await service.resolve(created.token)).toEqual({ outcome: "refused", reason: "EXPIRED", locale: "fr" });
      expect(events.lines.at(-1)).toEqual({ level: "warn", message: "share refused", fields: expect.objectContaining({ shareId: created.id, outcome: "EXPIRED" }) });
      expect(events.counts.at(-1)).toEqual({ name: "ShareRefused", outcome: "EXPIRED" });
    });

    it("refuses a tampered or foreign link without trusting anything in it", async () => {
      const { service, events } = shareServiceOn(harness);
      const created = await service.create(request());
      const [kid, body] = created.token.split(".") as [string, string];
      const tampered = `${kid}.${body.slice(0, -1)}${body.endsWith("A") ? "Q" : "A"}`;
      expect(await service.resolve(tampered)).toEqual({ outcome: "refused", reason: "TAMPERED", locale: undefined });
      expect(await service.resolve(`k7.${body}`)).toEqual({ outcome: "refused", reason: "UNKNOWN_KEY", locale: undefined });
      expect(await service.resolve("not-a-token")).toEqual({ outcome: "refused", reason: "MALFORMED", locale: undefined });
      const refusals = events.lines.filter((line) => line.message === "share refused");
      expect(refusals.map((line) => line.fields)).toEqual([{ outcome: "TAMPERED" }, { keyId: "k7", outcome: "UNKNOWN_KEY" }, { outcome: "MALFORMED" }]);
      expect(events.text()).not.toContain(body);
      expect(events.text()).not.toContain(body.slice(-24));
    });

    it("keeps serving the revision shared when pinned, and the newest one when following the latest", async () => {
      const letterId = "revisions-letter";
      const documents = harness.store();
      const put = (revision: string, text: string) => storeDocument(documents, revision, "en", "pdf", text, { letterId, downloadName: "Joint letter" });
      await put(R1, "first");
      const { service } = shareServiceOn(harness);
      const pinned = await service.create(request({ letterId, locale: "en", follow: "pinned" }));
      const latest = await service.create(request({ letterId, locale: "en", follow: "latest" }));
      expect([pinned.revision, latest.revision]).toEqual([R1, R1]);
      await put(R2, "second");
      expect(await service.resolve(pinned.token)).toMatchObject({ outcome: "serve", document: { revision: R1, key: `letters/${letterId}/${R1}/en/letter.pdf` } });
      expect(await service.resolve(latest.token)).toMatchObject({ outcome: "serve", document: { revision: R2, key: `letters/${letterId}/${R2}/en/letter.pdf` } });
      const listed = await service.list(letterId);
      expect(listed.map((share) => [share.id, share.follow, share.revision])).toEqual(
        expect.arrayContaining([
          [pinned.id, "pinned", R1],
          [latest.id, "latest", R1],
        ]),
      );
    });

    it.each(["STALE_TRANSLATION", "INVALID_DATA"] as const)(
      "serves a latest link the revision it was made from while its language waits (%s), and says DOCUMENT_GONE once the recipient is removed",
      async (waiting) => {
        const letterId = `waiting-${waiting.toLowerCase().replace("_", "-")}`;
        const documents = harness.store();
        await storeDocument(documents, R1, "ar", "html", "<p>نص</p>", { letterId, downloadName: "رسالة" });
        const { service, keyRing } = shareServiceOn(harness);
        const latest = await service.create(request({ letterId, locale: "ar", format: "html", follow: "latest" }));
        const stored = storedShareDocuments(documents, async () => Promise.reject(new Error("nothing is made here")));
        const stale = shareServiceOn(harness, {
          keyRing,
          documents: { current: async () => Promise.reject(new LetterpressError(waiting, "ar.json is stale")), atRevision: stored.atRevision },
        });
        const served = await stale.service.resolve(latest.token);
        expect(served).toMatchObject({ outcome: "serve", document: { revision: R1 } });
        expect(stale.events.text()).toContain("served-while-waiting");
        // Removed from the data (not waiting): gone, whatever is still stored.
        const removed = shareServiceOn(harness, {
          keyRing,
          documents: { current: async () => Promise.reject(new LetterpressError("NOT_FOUND", "no recipient donor-uk")), atRevision: stored.atRevision },
        });
        expect(await removed.service.resolve(latest.token)).toEqual({ outcome: "refused", reason: "DOCUMENT_GONE", locale: "ar" });
      },
    );

    it("answers DOCUMENT_GONE when the pinned revision's file was removed, or the latest data can no longer make it", async () => {
      const letterId = "gone-letter";
      const documents = harness.store();
      const document = await storeDocument(documents, R1, "es", "pdf", "x", { letterId, downloadName: "Carta" });
      const { service, keyRing } = shareServiceOn(harness);
      const pinned = await service.create(request({ letterId, locale: "es" }));
      const latest = await service.create(request({ letterId, locale: "es", follow: "latest" }));
      // The embedded server does no DELETE (the application never deletes): the file goes on its disk.
      await unlink(new ObjectStore(harness.dataDir, harness.s3.bucket).fileOf(document.key));
      expect(await service.resolve(pinned.token)).toEqual({ outcome: "refused", reason: "DOCUMENT_GONE", locale: "es" });
      // The latest manifest still lists it but the object is gone, and the data cannot make it again here.
      const refusing = shareServiceOn(harness, {
        keyRing,
        documents: { current: async () => Promise.reject(new LetterpressError("NOT_FOUND", "no such recipient")), atRevision: async () => undefined },
      });
      expect(await refusing.service.resolve(latest.token)).toEqual({ outcome: "refused", reason: "DOCUMENT_GONE", locale: "es" });
      const stale = shareServiceOn(harness, {
        keyRing,
        documents: { current: async () => Promise.reject(new LetterpressError("STALE_TRANSLATION", "es.json is stale")), atRevision: async () => undefined },
      });
      // A stale translation is not "gone": with no earlier revision to serve, the link is being updated.
      expect(await stale.service.resolve(latest.token)).toEqual({ outcome: "refused", reason: "DOCUMENT_UPDATING", locale: "es" });
      // Storage or the renderer failing is not "gone": it is an error the caller reports as such.
      for (const code of ["STORAGE_ERROR", "RENDER_ERROR", "TEMPLATE_ERROR", "CONFIG_ERROR"] as const) {
        const failing = shareServiceOn(harness, {
          keyRing,
          documents: { current: async () => Promise.reject(new LetterpressError(code, "failed")), atRevision: async () => undefined },
        });
        await expect(failing.service.resolve(latest.token)).rejects.toMatchObject({ code });
      }
    });
  });

  describe("revoking a link", () => {
    it("takes effect at once, for every instance of the service, and for good", async () => {
      const maker = shareServiceOn(harness);
      const created = await maker.service.create(request());
      expect((await maker.service.resolve(created.token)).outcome).toBe("serve");

      // Another instance (another Lambda, a restarted server): its own store object on the same bucket.
      const revoker = shareServiceOn(harness, { keyRing: ringOf("unused") });
      const revoked = await revoker.service.revoke(created.id, "officer@example.org");
      expect(revoked).toMatchObject({ share: { id: created.id }, revokedAt: START.toISOString(), alreadyRevoked: false });
      expect(revoker.events.lines).toEqual([
        { level: "info", message: "share revoked", fields: expect.objectContaining({ shareId: created.id, letterId: LETTER, outcome: "revoked" }) },
      ]);
      expect(revoker.events.counts).toEqual([{ name: "ShareRevoked", outcome: "revoked" }]);

      expect(await maker.service.resolve(created.token)).toEqual({ outcome: "refused", reason: "REVOKED", locale: "fr" });
      const fresh = new ShareService({
        store: new S3ShareStore({ client: harness.client, bucket: harness.s3.bucket }),
        keyRing: maker.keyRing,
        documents: { current: async () => Promise.reject(new Error("not asked")), atRevision: async () => Promise.reject(new Error("not asked")) },
        maxLifetimeSeconds: 90 * DAY_SECONDS,
        clock: () => START,
        ...recordEvents(),
      });
      expect(await fresh.resolve(created.token)).toEqual({ outcome: "refused", reason: "REVOKED", locale: "fr" });

      const again = await maker.service.revoke(created.id, "someone-else");
      expect(again).toMatchObject({ alreadyRevoked: true, revokedAt: START.toISOString() });
      expect((await maker.service.list(LETTER)).find((share) => share.id === created.id)).toMatchObject({ status: "revoked", revokedAt: START.toISOString() });
    });

    it("answers NOT_FOUND for an id it never made", async () => {
      const { service } = shareServiceOn(harness);
      await expect(service.revoke("AAAAAAAAAAAAAAAAAAAAAA", null)).rejects.toMatchObject({ code: "NOT_FOUND", message: "no share with id AAAAAAAAAAAAAAAAAAAAAA" });
    });
  });

  it("lists a letter's links with their status now", async () => {
    const letterId = "listed-letter";
    const documents = harness.store();
    await storeDocument(documents, R1, "zh", "html", "x", { letterId, downloadName: "信" });
    const { service, time } = shareServiceOn(harness);
    const short = await service.create(request({ letterId, locale: "zh", format: "html", lifetimeSeconds: 3600 }));
    time.advanceSeconds(60);
    const long = await service.create(request({ letterId, locale: "zh", format: "html" }));
    time.advanceSeconds(60);
    const withdrawn = await service.create(request({ letterId, locale: "zh", format: "html" }));
    await service.revoke(withdrawn.id, null);
    time.advanceSeconds(7200);
    const listed = await service.list(letterId);
    expect(listed.map((share) => [share.id, share.status])).toEqual([
      [withdrawn.id, "revoked"],
      [long.id, "active"],
      [short.id, "expired"],
    ]);
    expect(JSON.stringify(listed)).not.toContain(short.token);
  });

  it("keeps links made before a key rotation working, signs new ones with the new key, and refuses a retired key's", async () => {
    const before = ringOf("k1");
    const old = shareServiceOn(harness, { keyRing: before });
    const link = await old.service.create(request());
    const rotated = { currentKeyId: "k2", keys: new Map([...before.keys, ["k2", Buffer.alloc(32, 5)]]) };
    const after = shareServiceOn(harness, { keyRing: rotated });
    expect(await after.service.resolve(link.token)).toMatchObject({ outcome: "serve" });
    const newer = await after.service.create(request());
    expect(newer.token.startsWith("k2.")).toBe(true);
    expect((await after.shareStore.find(newer.id))?.record.keyId).toBe("k2");
    const retired = shareServiceOn(harness, { keyRing: { currentKeyId: "k2", keys: new Map([["k2", Buffer.alloc(32, 5)]]) } });
    expect(await retired.service.resolve(link.token)).toEqual({ outcome: "refused", reason: "UNKNOWN_KEY", locale: undefined });
    expect(await retired.service.resolve(newer.token)).toMatchObject({ outcome: "serve" });
  });
});
