import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { LOCAL_KEY_FILE, loadOrCreateLocalKeyRing, rotateLocalKey } from "../../functions/share/local-key-file";
import { secretsManagerSecretReader } from "../../functions/share/secrets-manager-key-source";
import { loadKeyRingFromSecret, parseKeyRing } from "../../functions/share/share-key-ring";
import { newShareId, signShareToken, verifyShareToken } from "../../functions/share/share-token";
import { START } from "./support";

const key = () => randomBytes(32).toString("base64");
const sample = () => ({
  shareId: newShareId(),
  letterId: "unsc-dprk-2015",
  locale: "en" as const,
  format: "pdf" as const,
  recipientId: null,
  revision: "latest",
  expiresAt: Math.floor(START.getTime() / 1000) + 600,
});

describe("the key ring document (Secrets Manager secret, local file)", () => {
  it("reads the current key and every previous one", () => {
    const ring = parseKeyRing(JSON.stringify({ current: "k2", keys: { k1: key(), k2: key() } }), 'secret "lp/share"');
    expect(ring.currentKeyId).toBe("k2");
    expect([...ring.keys.keys()]).toEqual(["k1", "k2"]);
    expect(ring.keys.get("k1")).toHaveLength(32);
  });

  it("reads the flat ring Secrets Manager generates at deployment ({current, k1: 64 alphanumerics}) as the same ring", () => {
    const generated = `${"Ab3".repeat(21)}Z`;
    const ring = parseKeyRing(JSON.stringify({ current: "k1", k1: generated }), 'secret "lp/share"');
    expect(ring.currentKeyId).toBe("k1");
    expect(ring.keys.get("k1")).toEqual(Buffer.from(generated, "base64"));
    expect(ring.keys.get("k1")!.length).toBe(48);
    // The flat form is checked like the nested one: a short key, or a current key it lacks, is refused by name.
    expect(() => parseKeyRing(JSON.stringify({ current: "k1", k1: "c2hvcnQ=" }), 'secret "lp/share"')).toThrow(
      'secret "lp/share": keys.k1: expected base64 of at least 32 random bytes',
    );
    expect(() => parseKeyRing(JSON.stringify({ current: "k2", k1: generated }), 'secret "lp/share"')).toThrow("current: names a key that is not in keys");
  });

  it.each([
    ["not JSON", "{current:", 'secret "lp/share": not JSON'],
    ["no current", JSON.stringify({ keys: { k1: key() } }), 'secret "lp/share": current: '],
    ["current not among the keys", JSON.stringify({ current: "k2", keys: { k1: key() } }), 'secret "lp/share": current: names a key that is not in keys'],
    [
      "a key too short",
      JSON.stringify({ current: "k1", keys: { k1: randomBytes(16).toString("base64") } }),
      'secret "lp/share": keys.k1: expected base64 of at least 32 random bytes',
    ],
    ["a key not base64", JSON.stringify({ current: "k1", keys: { k1: "not base64!" } }), 'secret "lp/share": keys.k1: expected standard base64'],
    [
      "a key id with a dot",
      JSON.stringify({ current: "k1", keys: { k1: key(), "k.2": key() } }),
      `secret "lp/share": keys: key id "k.2": expected a key id of 1-32 of A-Z, a-z, 0-9, '-' and '_'`,
    ],
    ["an unexpected field", JSON.stringify({ current: "k1", keys: { k1: key() }, previous: "k0" }), 'secret "lp/share": (the whole document): unexpected field previous'],
    ["keys not an object", JSON.stringify({ current: "k1", keys: ["abc"] }), 'secret "lp/share": keys: '],
  ])("refuses a secret with %s, naming the field", (_name, text, message) => {
    expect(() => parseKeyRing(text, 'secret "lp/share"')).toThrow(message);
  });

  it("never quotes a key in its errors", () => {
    const secret = randomBytes(16).toString("base64");
    let message = "";
    try {
      parseKeyRing(JSON.stringify({ current: "k1", keys: { k1: secret } }), "x");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("keys.k1");
    expect(message).not.toContain(secret);
  });

  it("loads from a secret through the reader it is given", async () => {
    const secretIds: string[] = [];
    const ring = await loadKeyRingFromSecret(async (id) => (secretIds.push(id), JSON.stringify({ current: "k1", keys: { k1: key() } })), "letterpress/dev/share-keys");
    expect(secretIds).toEqual(["letterpress/dev/share-keys"]);
    expect(ring.currentKeyId).toBe("k1");
    await expect(loadKeyRingFromSecret(async () => "{}", "letterpress/dev/share-keys")).rejects.toThrow('secret "letterpress/dev/share-keys": current:');
  });
});

describe("the Secrets Manager adapter", () => {
  // No Secrets Manager runs here: the SDK client's send is replaced, for the adapter's own logic only.
  const clientAnswering = (answer: () => Promise<unknown>) => {
    const client = new SecretsManagerClient({ region: "us-east-1" });
    const sent: unknown[] = [];
    client.send = (async (command: unknown) => (sent.push(command), answer())) as typeof client.send;
    return { client, sent };
  };

  it("asks for the secret by id and returns its text", async () => {
    const { client, sent } = clientAnswering(async () => ({ SecretString: "{}" }));
    await expect(secretsManagerSecretReader(client)("lp/keys")).resolves.toBe("{}");
    expect(sent[0]).toBeInstanceOf(GetSecretValueCommand);
    expect((sent[0] as GetSecretValueCommand).input).toEqual({ SecretId: "lp/keys" });
  });

  it("turns an SDK failure into our error naming the secret", async () => {
    const denied = Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" });
    const { client } = clientAnswering(async () => Promise.reject(denied));
    await expect(secretsManagerSecretReader(client)("lp/keys")).rejects.toThrow('cannot read secret "lp/keys" from Secrets Manager (AccessDeniedException)');
  });

  it("refuses a binary secret", async () => {
    const { client } = clientAnswering(async () => ({ SecretBinary: new Uint8Array([1]) }));
    await expect(secretsManagerSecretReader(client)("lp/keys")).rejects.toThrow('secret "lp/keys" has no SecretString');
  });
});

describe("the local key file", () => {
  let dir: string;
  beforeEach(async () => {
    dir = path.join(await mkdtemp(path.join(tmpdir(), "letterpress-keys-")), ".local");
  });
  afterEach(async () => rm(path.dirname(dir), { recursive: true, force: true }));

  it("is generated once, readable by its owner alone, and read back the same", async () => {
    const first = await loadOrCreateLocalKeyRing(dir);
    const file = path.join(dir, LOCAL_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateLocalKeyRing(dir);
    expect(again.currentKeyId).toBe(first.currentKeyId);
    expect(again.keys.get(again.currentKeyId)).toEqual(first.keys.get(first.currentKeyId));
    expect(first.keys.get(first.currentKeyId)).toHaveLength(32);
    // The file is the same document a Secrets Manager secret holds.
    expect(parseKeyRing(await readFile(file, "utf8"), file).currentKeyId).toBe(first.currentKeyId);
    expect((await readdir(dir)).sort()).toEqual([LOCAL_KEY_FILE]);
  });

  it("gives processes starting at once the same key", async () => {
    const rings = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateLocalKeyRing(dir)));
    const keys = new Set(rings.map((ring) => ring.keys.get(ring.currentKeyId)!.toString("hex")));
    expect(keys.size).toBe(1);
    expect(await readdir(dir)).toEqual([LOCAL_KEY_FILE]);
  });

  it("refuses a key file others may read, saying how to fix it", async () => {
    await loadOrCreateLocalKeyRing(dir);
    const file = path.join(dir, LOCAL_KEY_FILE);
    await chmod(file, 0o644);
    await expect(loadOrCreateLocalKeyRing(dir)).rejects.toThrow(`${file}: readable by others (mode 644); run chmod 600 ${file}`);
  });

  it("refuses a damaged key file, naming it and the field", async () => {
    const file = path.join(dir, LOCAL_KEY_FILE);
    await loadOrCreateLocalKeyRing(dir);
    await writeFile(file, JSON.stringify({ current: "k1", keys: {} }), { mode: 0o600 });
    await expect(loadOrCreateLocalKeyRing(dir)).rejects.toThrow(`${file}: current: names a key that is not in keys`);
  });

  it("rotates: links made before keep working, new ones use the new key, and a retired key's links stop", async () => {
    const before = await loadOrCreateLocalKeyRing(dir);
    const oldLink = signShareToken(sample(), before);
    const after = await rotateLocalKey(dir);
    expect(after.currentKeyId).not.toBe(before.currentKeyId);
    expect((await stat(path.join(dir, LOCAL_KEY_FILE))).mode & 0o777).toBe(0o600);
    const reloaded = await loadOrCreateLocalKeyRing(dir);
    expect(reloaded.currentKeyId).toBe(after.currentKeyId);
    expect(verifyShareToken(oldLink, reloaded, START)).toMatchObject({ ok: true, token: { keyId: before.currentKeyId } });
    expect(signShareToken(sample(), reloaded).startsWith(`${after.currentKeyId}.`)).toBe(true);

    const retired = await rotateLocalKey(dir, { retire: [before.currentKeyId] });
    expect(verifyShareToken(oldLink, retired, START)).toEqual({ ok: false, reason: "UNKNOWN_KEY" });
    expect(await readdir(dir)).toEqual([LOCAL_KEY_FILE]);
  });
});
