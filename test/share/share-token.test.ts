import { createHmac } from "node:crypto";
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

function parts(token: string): [string, string, string] {
  return token.split(".") as [string, string, string];
}

function decodePayload(token: string): unknown[] {
  return JSON.parse(Buffer.from(parts(token)[1], "base64url").toString("utf8")) as unknown[];
}

function withPayload(token: string, tuple: unknown[]): string {
  const [kid, , signature] = parts(token);
  return `${kid}.${Buffer.from(JSON.stringify(tuple)).toString("base64url")}.${signature}`;
}

describe("share tokens", () => {
  const ring = ringOf("k1");

  it("round-trips every field, and names the key that signed it", () => {
    const shared = payload();
    const token = signShareToken(shared, ring);
    expect(token).toMatch(/^k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
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
    // The usual link (letter id of 14 characters, no recipient): about 160 characters.
    expect(signShareToken(payload({ recipientId: null }), ring).length).toBeLessThan(200);
  });

  describe("refuses a changed field as TAMPERED, whichever it is", () => {
    const token = signShareToken(payload(), ring);
    const original = decodePayload(token);
    const changes: [string, number, unknown][] = [
      ["share id", 1, newShareId()],
      ["letter", 2, "another-letter"],
      ["locale", 3, "en"],
      ["format", 4, "html"],
      ["recipient", 5, "us-mission"],
      ["recipient removed", 5, null],
      ["revision", 6, "latest"],
      ["revision (another)", 6, "0000000aaaa1"],
      ["expiry", 7, startSeconds + 90 * 86_400],
    ];
    it.each(changes)("%s", (_name, index, value) => {
      const tuple = [...original];
      tuple[index] = value;
      expect(verifyShareToken(withPayload(token, tuple), ring, START)).toEqual({ ok: false, reason: "TAMPERED" });
    });

    it("a signature changed in any one character", () => {
      const [kid, body, signature] = parts(token);
      for (let i = 0; i < signature.length; i++) {
        const flipped = signature.slice(0, i) + (signature[i] === "A" ? "B" : "A") + signature.slice(i + 1);
        expect(verifyShareToken(`${kid}.${body}.${flipped}`, ring, START)).toEqual({ ok: false, reason: "TAMPERED" });
      }
    });

    it("a payload changed in any one character (or made unreadable)", () => {
      const [kid, body, signature] = parts(token);
      for (let i = 0; i < body.length; i++) {
        const changed = body.slice(0, i) + (body[i] === "x" ? "y" : "x") + body.slice(i + 1);
        expect(verifyShareToken(`${kid}.${changed}.${signature}`, ring, START)).toEqual({ ok: false, reason: "TAMPERED" });
      }
    });

    it("a link moved to another key of the ring", () => {
      const twoKeys = { currentKeyId: "k1", keys: new Map([...ring.keys, ["k2", Buffer.alloc(32, 7)]]) };
      const [, body, signature] = parts(token);
      expect(verifyShareToken(`k2.${body}.${signature}`, twoKeys, START)).toEqual({ ok: false, reason: "TAMPERED" });
    });

    it("a payload re-signed with a key of the attacker's", () => {
      const [kid, body] = parts(token);
      const forged = createHmac("sha256", Buffer.alloc(32, 1)).update(`${kid}.${body}`).digest("base64url");
      expect(verifyShareToken(`${kid}.${body}.${forged}`, ring, START)).toEqual({ ok: false, reason: "TAMPERED" });
    });
  });

  it("refuses a key id the ring does not have as UNKNOWN_KEY", () => {
    const [, body, signature] = parts(signShareToken(payload(), ring));
    expect(verifyShareToken(`k9.${body}.${signature}`, ring, START)).toEqual({ ok: false, reason: "UNKNOWN_KEY" });
    const other = ringOf("k2");
    expect(verifyShareToken(signShareToken(payload(), other), ring, START)).toEqual({ ok: false, reason: "UNKNOWN_KEY" });
  });

  it.each([
    ["empty", ""],
    ["one part", "abc"],
    ["two parts", "k1.abc"],
    ["four parts", "k1.abc.def.ghi"],
    ["truncated signature", "TRUNCATE"],
    ["truncated payload and signature", "HALF"],
    ["padding", "PAD"],
    ["characters outside base64url", "k1.ab+c.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["oversized", `k1.${"A".repeat(MAX_TOKEN_LENGTH)}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`],
    ["a key id too long", `${"k".repeat(33)}.abc.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`],
  ])("refuses a malformed token (%s) as MALFORMED", (_name, spec) => {
    const token = signShareToken(payload(), ring);
    const value = spec === "TRUNCATE" ? token.slice(0, -1) : spec === "HALF" ? token.slice(0, Math.floor(token.length / 2)) : spec === "PAD" ? `${token}=` : spec;
    expect(verifyShareToken(value, ring, START)).toEqual({ ok: false, reason: "MALFORMED" });
  });

  it("refuses a payload it signed but cannot read (another version) as MALFORMED", () => {
    const [kid] = parts(signShareToken(payload(), ring));
    const body = Buffer.from(JSON.stringify([2, "x"])).toString("base64url");
    const signature = createHmac("sha256", ring.keys.get("k1")!).update(`${kid}.${body}`).digest("base64url");
    expect(verifyShareToken(`${kid}.${body}.${signature}`, ring, START)).toEqual({ ok: false, reason: "MALFORMED" });
  });

  it("serves until the second before expiry and refuses from that second, by the clock it is given", () => {
    const shared = payload({ expiresAt: startSeconds + 60 });
    const token = signShareToken(shared, ring);
    expect(verifyShareToken(token, ring, new Date((startSeconds + 59) * 1000 + 999)).ok).toBe(true);
    expect(verifyShareToken(token, ring, new Date((startSeconds + 60) * 1000))).toEqual({ ok: false, reason: "EXPIRED", payload: shared });
    expect(verifyShareToken(token, ring, new Date((startSeconds + 86_400 * 400) * 1000))).toMatchObject({ ok: false, reason: "EXPIRED" });
  });

  it("checks the signature before the expiry: a forged expired token is TAMPERED, not EXPIRED", () => {
    const token = signShareToken(payload({ expiresAt: startSeconds - 1 }), ring);
    const tuple = decodePayload(token);
    tuple[2] = "another-letter";
    expect(verifyShareToken(withPayload(token, tuple), ring, START)).toEqual({ ok: false, reason: "TAMPERED" });
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
