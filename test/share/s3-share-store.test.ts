import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { S3ShareStore, ShareExistsError, revocationKey, shareIndexKey, shareRecordKey } from "../../functions/share/s3-share-store";
import type { ShareRecord } from "../../functions/share/share-store";
import { newShareId } from "../../functions/share/share-token";
import { startHarness, type Harness } from "../storage/embedded-s3-harness";
import { LETTER } from "./support";

const record = (overrides: Partial<ShareRecord> = {}): ShareRecord => ({
  schemaVersion: 1,
  id: newShareId(),
  letterId: LETTER,
  locale: "fr",
  format: "pdf",
  recipientId: null,
  follow: "pinned",
  revision: "3f9a1c2b7d4e",
  keyId: "k1",
  createdAt: "2026-03-02T09:00:00.000Z",
  expiresAt: "2026-03-09T09:00:00.000Z",
  createdBy: "arn:aws:iam::111122223333:user/officer",
  ...overrides,
});

describe("the S3 share store, against the embedded S3 server", () => {
  let harness: Harness;
  let store: S3ShareStore;
  beforeAll(async () => {
    harness = await startHarness();
    store = new S3ShareStore({ client: harness.client, bucket: harness.s3.bucket });
  });
  afterAll(async () => harness?.stop());

  const keysUnder = async (prefix: string) =>
    ((await harness.client.send(new ListObjectsV2Command({ Bucket: harness.s3.bucket, Prefix: prefix }))).Contents ?? []).map((object) => object.Key).sort();

  it("stores a share under its letter and its id, without a token, and finds it by id", async () => {
    const share = record();
    await store.create(share);
    expect(await keysUnder(`shares/${LETTER}/${share.id}`)).toEqual([`shares/${LETTER}/${share.id}.json`]);
    expect(await keysUnder(shareIndexKey(share.id))).toEqual([`shares/_by-id/${share.id}.json`]);
    const stored = await harness.client.send(new GetObjectCommand({ Bucket: harness.s3.bucket, Key: shareRecordKey(LETTER, share.id) }));
    expect(JSON.parse(await stored.Body!.transformToString())).toEqual(share);
    expect(stored.ContentType).toBe("application/json; charset=utf-8");
    expect(await store.find(share.id)).toEqual({ record: share, revocation: undefined });
    expect(await store.find(newShareId())).toBeUndefined();
  });

  it("never replaces a share: a second create with the same id fails", async () => {
    const share = record();
    await store.create(share);
    await expect(store.create({ ...share, locale: "en" })).rejects.toBeInstanceOf(ShareExistsError);
    expect((await store.find(share.id))?.record.locale).toBe("fr");
  });

  it("lists a letter's shares newest first, with their revocations, and nothing of other letters", async () => {
    const other = "other-letter";
    const older = record({ letterId: other, createdAt: "2026-03-01T08:00:00.000Z" });
    const newer = record({ letterId: other, createdAt: "2026-03-03T08:00:00.000Z", follow: "latest" });
    const elsewhere = record({ letterId: "third-letter" });
    for (const share of [older, newer, elsewhere]) await store.create(share);
    const revocation = { schemaVersion: 1 as const, id: older.id, letterId: other, revokedAt: "2026-03-04T00:00:00.000Z", revokedBy: null };
    await store.revoke(revocation);
    expect(await store.listByLetter(other)).toEqual([
      { record: newer, revocation: undefined },
      { record: older, revocation },
    ]);
    expect(await store.listByLetter("no-shares-here")).toEqual([]);
  });

  it("lists past one page of S3's listing, reading every share and revocation", async () => {
    const letterId = "many-shares";
    const paged = new S3ShareStore({ client: harness.client, bucket: harness.s3.bucket, listPageSize: 3 });
    const shares = Array.from({ length: 8 }, (_, i) => record({ letterId, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }));
    for (const share of shares) await paged.create(share);
    for (const share of shares.slice(0, 3)) await paged.revoke({ schemaVersion: 1, id: share.id, letterId, revokedAt: "2026-02-01T00:00:00.000Z", revokedBy: null });
    const listed = await paged.listByLetter(letterId);
    expect(listed.map((share) => share.record.id)).toEqual(shares.map((share) => share.id).reverse());
    expect(
      listed
        .filter((share) => share.revocation !== undefined)
        .map((share) => share.record.id)
        .sort(),
    ).toEqual(
      shares
        .slice(0, 3)
        .map((share) => share.id)
        .sort(),
    );
    // 11 keys under the letter (8 shares, 3 revocations) in pages of 3: four listing requests.
    expect(harness.s3.requests.filter((request) => request.method === "GET" && request.url.includes("list-type=2") && request.url.includes("many-shares"))).toHaveLength(4);
  });

  it("keeps the first revocation: revoking again reports it, and nothing can undo it", async () => {
    const share = record();
    await store.create(share);
    expect(await store.isRevoked(LETTER, share.id)).toBe(false);
    const first = { schemaVersion: 1 as const, id: share.id, letterId: LETTER, revokedAt: "2026-03-04T00:00:00.000Z", revokedBy: "officer" };
    expect(await store.revoke(first)).toEqual({ revocation: first, created: true });
    expect(await store.isRevoked(LETTER, share.id)).toBe(true);
    const second = { ...first, revokedAt: "2026-03-05T00:00:00.000Z", revokedBy: "someone else" };
    expect(await store.revoke(second)).toEqual({ revocation: first, created: false });
    expect((await store.find(share.id))?.revocation).toEqual(first);
    expect(await keysUnder(revocationKey(LETTER, share.id))).toEqual([`shares/${LETTER}/${share.id}.revoked.json`]);
  });

  it("makes exactly one revocation when many are sent at once", async () => {
    const share = record();
    await store.create(share);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => store.revoke({ schemaVersion: 1, id: share.id, letterId: LETTER, revokedAt: `2026-03-04T00:00:0${i}.000Z`, revokedBy: `r${i}` })),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    const inForce = results.find((result) => result.created)!.revocation;
    for (const result of results) expect(result.revocation).toEqual(inForce);
  });

  it("refuses ids and letters that are not safe key segments before any request", async () => {
    const before = harness.s3.requests.length;
    await expect(store.find("../../letters/x")).rejects.toThrow('invalid shareId "../../letters/x"');
    await expect(store.listByLetter("../letters")).rejects.toThrow('invalid letterId "../letters"');
    await expect(store.isRevoked(LETTER, "a/b")).rejects.toThrow("invalid shareId");
    await expect(store.create(record({ letterId: "Bad Letter" }))).rejects.toThrow();
    expect(harness.s3.requests.length).toBe(before);
  });

  it('reports a damaged record by its key, and a missing bucket as an error, never as "not revoked"', async () => {
    const share = record();
    await store.create(share);
    await harness.client.send(new PutObjectCommand({ Bucket: harness.s3.bucket, Key: shareRecordKey(LETTER, share.id), Body: "{not json" }));
    await expect(store.find(share.id)).rejects.toThrow(`stored record ${shareRecordKey(LETTER, share.id)} does not match its schema`);

    const elsewhere = new S3ShareStore({ client: harness.client, bucket: "no-such-bucket" });
    await expect(elsewhere.isRevoked(LETTER, share.id)).rejects.toThrow(`no stored object at ${revocationKey(LETTER, share.id)}`);
    await expect(elsewhere.find(share.id)).rejects.toThrow();
  });
});
