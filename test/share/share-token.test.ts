import { createCipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { MAX_TOKEN_LENGTH, newShareId, signShareToken, verifyShareToken, type SharePayload } from "../../functions/share/share-token";
import { ringOf, START } from "./support";

const startSeconds = Math.floor(START.getTime() / 1000);

const payload = (overrides: Partial<SharePayload> = {}): SharePayload => ({
  shareId: newShareId(),
  letterId: "unsc-dprk-2015",
  locale: "fr",
  format: "pdf",
  recipientId: "fr-mission",
  revision: "3f9a1c2b7d4e",
  expiresAt: startSeconds + 3 * 86_400,
  ...overrides,
});

const tupleOf = (shared: SharePayload, version = 2): unknown[] => [
  version,
  shared.shareId,
  shared.letterId,
  shared.locale,
  shared.format,
  shared.recipientId,
  shared.revision,
  shared.expiresAt,
];

function parts(token: string): [string, string] {
  return token.split(".") as [string, string];
}

/** Seals a tuple as version 2 does, from the spec in share-token.ts (HKDF-SHA256, then AES-256-GCM with the kid as AAD). */
function sealed(kid: string, key: Buffer, tuple: unknown, aad = kid, derive = true): string {
  const aesKey = derive ? Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), "letterpress share token v2 AES-256-GCM", 32)) : key;
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", aesKey, nonce);
  cipher.setAAD(Buffer.from(aad, "ascii"));
  const body = Buffer.concat([nonce, cipher.update(JSON.stringify(tuple), "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${kid}.${body.toString("base64url")}`;
}

/** A version 1 token, as links made before sealing were: the tuple in the clear, HMAC-SHA256 signed. */
function signedV1(kid: string, key: Buffer, tuple: unknown): string {
  const body = Buffer.from(JSON.stringify(tuple)).toString("base64url");
  return `${kid}.${body}.${createHmac("sha256", key).update(`${kid}.${body}`).digest("base64url")}`;
}

describe("share tokens", () => {
  const ring = ringOf("k1");

  it("round-trips every field, and names the key that signed it", () => {
    const shared = payload();
    const token = signShareToken(shared, ring);
    expect(token).toMatch(/^k1\.[A-Za-z0-9_-]+$/);
    expect(verifyShareToken(token, ring, START)).toEqual({ ok: true, token: { keyId: "k1", payload: shared } });
  });

  it("round-trips a link to the latest revision and one with no recipient", () => {
    const shared = payload({ revision: "latest", recipientId: null, format: "html", locale: "ar" });
    expect(verifyShareToken(signShareToken(shared, ring), ring, START)).toEqual({ ok: true, token: { keyId: "k1", payload: shared } });
  });

  it("gives each share 128 random bits as its id", () => {
    const ids = new Set(Array.from({ length: 1000 }, newShareId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(Buffer.from(id, "base64url")).toHaveLength(16);
  });

  it("stays compact: well under the ceiling with the longest ids", () => {
    const long = "a".repeat(64);
    const longestKid = ringOf("k".repeat(32));
    const token = signShareToken(payload({ letterId: long, recipientId: long, revision: "f".repeat(64), expiresAt: 2 ** 40 }), longestKid);
    expect(token.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
    expect(verifyShareToken(token, longestKid, START).ok).toBe(true);
    // The usual link (ids of up to about 30 characters): 254 characters.
    expect(signShareToken(payload({ recipientId: null }), ring).length).toBeLessThan(260);
  });

  it("is as long for one letter, language, format or reader as for another: its length tells nothing", () => {
    const lengths = new Set(
      [
        payload(),
        payload({ letterId: "a", recipientId: null, format: "html", locale: "ar", revision: "latest" }),
        payload({ letterId: "committee-hearing-defenders", recipientId: "sample-legal-aid", locale: "zh-Hant" }),
        payload({ letterId: "unsc-dprk-2015", revision: "f".repeat(40) }),
      ].map((shared) => signShareToken(shared, ring).length),
    );
    expect([...lengths]).toHaveLength(1);
  });

  it("says nothing of what it grants to whoever reads the URL: letter, reader, language and revision are sealed", () => {
    const shared = payload({ letterId: "water-appeal-2026", recipientId: "kim-jong-su", revision: "3f9a1c2b7d4e" });
    const token = signShareToken(shared, ring);
    const decodings = [token, Buffer.from(parts(token)[1], "base64url").toString("latin1"), Buffer.from(parts(token)[1], "base64url").toString("utf8")];
    for (const readable of decodings) {
      for (const secret of [shared.letterId, shared.recipientId!, shared.revision, shared.shareId, '"fr"', String(shared.expiresAt)]) expect(readable).not.toContain(secret);
    }
    // Two tokens for one share differ (a fresh nonce each) and read back alike.
    const again = signShareToken(shared, ring);
    expect(again).not.toBe(token);
    expect(verifyShareToken(again, ring, START)).toEqual(verifyShareToken(token, ring, START));
  });

  describe("refuses a changed token as TAMPERED, whatever changed", () => {
    const shared = payload();
    const token = signShareToken(shared, ring);

    it("any one character of the sealed part", () => {
      const [kid, body] = parts(token);
      for (let i = 0; i < body.length; i++) {
        const changed = body.slice(0, i) + (body[i] === "x" ? "y" : "x") + body.slice(i + 1);
        expect(verifyShareToken(`${kid}.${changed}`, ring, START)).toEqual({ ok: false, reason: "TAMPERED" });
      }
    });

    it("a sealed part cut short or lengthened by whole bytes", () => {
      const [kid, body] = parts(token);
      const bytes = Buffer.from(body, "base64url");
      for (const changed of [bytes.subarray(0, bytes.length - 3), bytes.subarray(3), Buffer.concat([bytes, Buffer.from([0, 1, 2])]), bytes.subarray(0, 29)]) {
        expect(verifyShareToken(`${kid}.${changed.toString("base64url")}`, ring, START)).toEqual({ ok: false, reason: "TAMPERED" });
      }
    });

    it("a link moved to another key of the ring", () => {
      const twoKeys = { currentKeyId: "k1", keys: new Map([...ring.keys, ["k2", ring.keys.get("k1")!]]) };
      // Even with the same key under another id: the key id is authenticated.
      expect(verifyShareToken(`k2.${parts(token)[1]}`, twoKeys, START)).toEqual({ ok: false, reason: "TAMPERED" });
    });

    it("a payload sealed with a key of the attacker's, or with the ring's key used directly", () => {
      const key = ring.keys.get("k1")!;
      expect(verifyShareToken(sealed("k1", Buffer.alloc(32, 1), tupleOf(shared)), ring, START)).toEqual({ ok: false, reason: "TAMPERED" });
      expect(verifyShareToken(sealed("k1", key, tupleOf(shared), "k1", false), ring, START)).toEqual({ ok: false, reason: "TAMPERED" });
      expect(verifyShareToken(sealed("k1", key, tupleOf(shared), "k2"), ring, START)).toEqual({ ok: false, reason: "TAMPERED" });
      // The helper seals as the spec says: with the derived key and the right key id, the token is ours.
      expect(verifyShareToken(sealed("k1", key, tupleOf(shared)), ring, START)).toEqual({ ok: true, token: { keyId: "k1", payload: shared } });
    });

    it("a payload whose expiry was moved: sealed fields cannot be changed, only guessed at", () => {
      const expired = signShareToken(payload({ expiresAt: startSeconds - 1 }), ring);
      const [kid, body] = parts(expired);
      const bytes = Buffer.from(body, "base64url");
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 20) ^ 1, bytes.length - 20);
      expect(verifyShareToken(`${kid}.${bytes.toString("base64url")}`, ring, START)).toEqual({ ok: false, reason: "TAMPERED" });
    });
  });

  describe("still reads version 1 links made before tokens were sealed, until they expire", () => {
    const key = ring.keys.get("k1")!;
    const shared = payload();

    it("round-trips a version 1 token", () => {
      expect(verifyShareToken(signedV1("k1", key, tupleOf(shared, 1)), ring, START)).toEqual({ ok: true, token: { keyId: "k1", payload: shared } });
    });

    it.each([
      ["share id", 1, newShareId()],
      ["letter", 2, "another-letter"],
      ["locale", 3, "en"],
      ["format", 4, "html"],
      ["recipient", 5, "us-mission"],
      ["recipient removed", 5, null],
      ["revision", 6, "latest"],
      ["expiry", 7, startSeconds + 90 * 86_400],
    ] as [string, number, unknown][])("refuses a version 1 token whose %s was changed as TAMPERED", (_name, index, value) => {
      const token = signedV1("k1", key, tupleOf(shared, 1));
      const tuple = tupleOf(shared, 1);
      tuple[index] = value;
      const [kid, , signature] = token.split(".");
      expect(verifyShareToken(`${kid}.${Buffer.from(JSON.stringify(tuple)).toString("base64url")}.${signature}`, ring, START)).toEqual({ ok: false, reason: "TAMPERED" });
    });

    it("refuses a version 1 signature changed in any one character, or made with another key", () => {
      const [kid, body, signature] = signedV1("k1", key, tupleOf(shared, 1)).split(".") as [string, string, string];
      for (let i = 0; i < signature.length; i++) {
        const flipped = signature.slice(0, i) + (signature[i] === "A" ? "B" : "A") + signature.slice(i + 1);
        expect(verifyShareToken(`${kid}.${body}.${flipped}`, ring, START)).toEqual({ ok: false, reason: "TAMPERED" });
      }
      expect(verifyShareToken(signedV1("k1", Buffer.alloc(32, 1), tupleOf(shared, 1)), ring, START)).toEqual({ ok: false, reason: "TAMPERED" });
    });

    it("refuses a token whose form and payload version disagree as MALFORMED", () => {
      expect(verifyShareToken(signedV1("k1", key, tupleOf(shared, 2)), ring, START)).toEqual({ ok: false, reason: "MALFORMED" });
      expect(verifyShareToken(sealed("k1", key, tupleOf(shared, 1)), ring, START)).toEqual({ ok: false, reason: "MALFORMED" });
    });
  });

  it("refuses a key id the ring does not have as UNKNOWN_KEY", () => {
    const [, body] = parts(signShareToken(payload(), ring));
    expect(verifyShareToken(`k9.${body}`, ring, START)).toEqual({ ok: false, reason: "UNKNOWN_KEY" });
    expect(verifyShareToken(signedV1("k9", Buffer.alloc(32, 3), tupleOf(payload(), 1)), ring, START)).toEqual({ ok: false, reason: "UNKNOWN_KEY" });
    const other = ringOf("k2");
    expect(verifyShareToken(signShareToken(payload(), other), ring, START)).toEqual({ ok: false, reason: "UNKNOWN_KEY" });
  });

  it.each([
    ["empty", ""],
    ["one part", "abc"],
    ["two parts, the second too short to hold a nonce and a tag", "k1.abc"],
    ["four parts", "k1.abc.def.ghi"],
    ["padding", "PAD"],
    ["characters outside base64url", "k1.ab+c.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["characters outside base64url in a sealed part", `k1.${"A".repeat(40)}+A`],
    ["oversized", `k1.${"A".repeat(MAX_TOKEN_LENGTH)}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`],
    ["a key id too long", `${"k".repeat(33)}.abc.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`],
  ])("refuses a malformed token (%s) as MALFORMED", (_name, spec) => {
    const token = signShareToken(payload(), ring);
    const value = spec === "PAD" ? `${token}=` : spec;
    expect(verifyShareToken(value, ring, START)).toEqual({ ok: false, reason: "MALFORMED" });
  });

  it("refuses a payload it sealed but cannot read (another version, or not a tuple) as MALFORMED", () => {
    const key = ring.keys.get("k1")!;
    for (const tuple of [[3, "x"], [2, "x"], { version: 2 }, "text"]) {
      expect(verifyShareToken(sealed("k1", key, tuple), ring, START)).toEqual({ ok: false, reason: "MALFORMED" });
    }
    expect(verifyShareToken(signedV1("k1", key, [2, "x"]), ring, START)).toEqual({ ok: false, reason: "MALFORMED" });
  });

  it("serves until the second before expiry and refuses from that second, by the clock it is given", () => {
    const shared = payload({ expiresAt: startSeconds + 60 });
    const token = signShareToken(shared, ring);
    expect(verifyShareToken(token, ring, new Date((startSeconds + 59) * 1000 + 999)).ok).toBe(true);
    expect(verifyShareToken(token, ring, new Date((startSeconds + 60) * 1000))).toEqual({ ok: false, reason: "EXPIRED", payload: shared });
    expect(verifyShareToken(token, ring, new Date((startSeconds + 86_400 * 400) * 1000))).toMatchObject({ ok: false, reason: "EXPIRED" });
  });

  it("checks the seal before the expiry: a forged expired token is TAMPERED, not EXPIRED", () => {
    const forged = sealed("k1", Buffer.alloc(32, 5), tupleOf(payload({ expiresAt: startSeconds - 1 })));
    expect(verifyShareToken(forged, ring, START)).toEqual({ ok: false, reason: "TAMPERED" });
  });

  it("verifies with any key of the ring: a link made before a rotation still works after it", () => {
    const before = ringOf("k1");
    const token = signShareToken(payload(), before);
    const after = { currentKeyId: "k2", keys: new Map([...before.keys, ["k2", Buffer.alloc(32, 9)]]) };
    expect(verifyShareToken(token, after, START)).toMatchObject({ ok: true, token: { keyId: "k1" } });
    expect(parts(signShareToken(payload(), after))[0]).toBe("k2");
    const retired = { currentKeyId: "k2", keys: new Map([["k2", Buffer.alloc(32, 9)]]) };
    expect(verifyShareToken(token, retired, START)).toEqual({ ok: false, reason: "UNKNOWN_KEY" });
  });

  it("refuses to sign what it would refuse to read", () => {
    expect(() => signShareToken(payload({ letterId: "../etc" }), ring)).toThrow();
    expect(() => signShareToken(payload({ revision: "HEAD" }), ring)).toThrow();
    expect(() => signShareToken(payload({ shareId: "short" }), ring)).toThrow();
    expect(() => signShareToken(payload(), { currentKeyId: "gone", keys: ring.keys })).toThrow('current key "gone"');
  });
});
