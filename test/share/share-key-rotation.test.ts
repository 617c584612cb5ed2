import { randomBytes, randomUUID } from "node:crypto";
import { DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { RETIRED_KEY_GRACE_SECONDS, rotateKeyRing } from "../../functions/share/key-rotation";
import { type KeyRing, parseKeyRing, rereadingKeyRing, serializeKeyRing } from "../../functions/share/share-key-ring";
import { newShareId, signShareToken, verifyShareToken } from "../../functions/share/share-token";
import { createShareKeyRotationHandler, type SecretVersions } from "../../functions/share-key-rotation/rotation-steps";
import { readRotationConfig } from "../../functions/share-key-rotation/rotation-config";
import { secretsManagerVersions } from "../../functions/share-key-rotation/secrets-manager-versions";
import type { HandlerLogger } from "../../functions/handler-logger";
import { ringOf } from "./support";

const DAY = 86_400;
const MAX_LIFETIME = 90 * DAY;
const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:Letterpress-dev-share-keys-AbCdEf";
const link = (expiresAt: number) => ({
  shareId: newShareId(),
  letterId: "unsc-dprk-2015",
  locale: "fr" as const,
  format: "pdf" as const,
  recipientId: null,
  revision: "latest",
  expiresAt,
});
const at = (day: number) => new Date(Date.UTC(2027, 0, 1) + day * DAY * 1000);
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

describe("rotating the key ring (rotateKeyRing)", () => {
  it("makes the new key current, retires the former one now, and keeps every key a live link may name", () => {
    const ring = ringOf("k1");
    const next = rotateKeyRing(ring, { now: at(0), maxLifetimeSeconds: MAX_LIFETIME, keyId: "k2", key: randomBytes(32) });
    expect(next.currentKeyId).toBe("k2");
    expect([...next.keys.keys()]).toEqual(["k1", "k2"]);
    expect(Object.fromEntries(next.retiredAt ?? [])).toEqual({ k1: at(0).toISOString() });
    // The document round-trips with its retirement times.
    expect(parseKeyRing(serializeKeyRing(next), "ring")).toEqual(next);
  });

  it("drops a retired key once every link it sealed has expired (its retirement + the longest lifetime + a day), not a second before", () => {
    const first = rotateKeyRing(ringOf("k1"), { now: at(0), maxLifetimeSeconds: MAX_LIFETIME, keyId: "k2", key: randomBytes(32) });
    const keepSeconds = MAX_LIFETIME + RETIRED_KEY_GRACE_SECONDS;
    const justInTime = rotateKeyRing(first, { now: new Date(at(0).getTime() + keepSeconds * 1000), maxLifetimeSeconds: MAX_LIFETIME, keyId: "k3", key: randomBytes(32) });
    expect([...justInTime.keys.keys()]).toEqual(["k1", "k2", "k3"]);
    const after = rotateKeyRing(first, { now: new Date(at(0).getTime() + (keepSeconds + 1) * 1000), maxLifetimeSeconds: MAX_LIFETIME, keyId: "k3", key: randomBytes(32) });
    expect([...after.keys.keys()]).toEqual(["k2", "k3"]);
    expect([...(after.retiredAt ?? []).keys()]).toEqual(["k2"]);
  });

  it("takes a key rotated by hand (no retirement time) as retired now, so its links keep their whole lifetime", () => {
    const byHand: KeyRing = {
      currentKeyId: "k2",
      keys: new Map([
        ["k1", randomBytes(32)],
        ["k2", randomBytes(32)],
      ]),
    };
    const next = rotateKeyRing(byHand, { now: at(10), maxLifetimeSeconds: MAX_LIFETIME, keyId: "k3", key: randomBytes(32) });
    expect(Object.fromEntries(next.retiredAt ?? [])).toEqual({ k1: at(10).toISOString(), k2: at(10).toISOString() });
  });

  it("over a year of monthly rotations, opens every link up to its expiry and holds at most the keys its links need", () => {
    let ring = ringOf("k0");
    const links: { token: string; expiresAt: number }[] = [];
    for (let day = 0; day <= 365; day++) {
      const now = at(day);
      if (day > 0 && day % 30 === 0) ring = rotateKeyRing(ring, { now, maxLifetimeSeconds: MAX_LIFETIME, keyId: `k${day}`, key: randomBytes(32) });
      // A link of the longest lifetime made every day with the key current that day.
      const expiresAt = seconds(now) + MAX_LIFETIME;
      links.push({ token: signShareToken(link(expiresAt), ring), expiresAt });
      // Checked weekly and on the days around each rotation (every day would be 33,000 openings).
      if (day % 7 === 0 || [29, 0, 1].includes(day % 30)) {
        for (const made of links) if (seconds(now) < made.expiresAt) expect(verifyShareToken(made.token, ring, now)).toMatchObject({ ok: true });
      }
      // 90 days of links, a day's grace, one key per 30 days: never more than five keys.
      expect(ring.keys.size).toBeLessThanOrEqual(5);
    }
    expect(ring.keys.has("k0")).toBe(false);
  });

  it("refuses a ring document whose retired key is current or not in the ring, naming the field", () => {
    const key = randomBytes(32).toString("base64");
    expect(() => parseKeyRing(JSON.stringify({ current: "k1", keys: { k1: key }, retired: { k1: "2027-01-01T00:00:00Z" } }), "ring")).toThrow(
      "ring: retired: the current key cannot be retired",
    );
    expect(() => parseKeyRing(JSON.stringify({ current: "k1", keys: { k1: key }, retired: { k9: "2027-01-01T00:00:00Z" } }), "ring")).toThrow(
      "ring: retired: names a key that is not in keys",
    );
    expect(() => parseKeyRing(JSON.stringify({ current: "k2", keys: { k1: key, k2: key }, retired: { k1: "last week" } }), "ring")).toThrow(
      "ring: retired.k1: expected an ISO 8601 UTC time",
    );
  });
});

/**
 * A model of one secret's versions and staging labels as Secrets Manager keeps them (AWS Secrets
 * Manager User Guide, "How rotation works"): a version with AWSCURRENT, one with AWSPENDING during a
 * rotation, AWSPREVIOUS kept on the version that was current. Not a mock of the SDK: the rotation
 * steps talk to this interface, and the SDK adapter below is tested on its own.
 */
function secretModel(initial: string, options: { rotationEnabled?: boolean } = {}) {
  const versions = new Map<string, { text: string; stages: Set<string> }>([["v0", { text: initial, stages: new Set(["AWSCURRENT"]) }]]);
  const calls: string[] = [];
  const withStage = (stage: string) => [...versions].find(([, version]) => version.stages.has(stage));
  const model: SecretVersions & { versions: typeof versions; calls: string[]; currentText(): string; startRotation(): string } = {
    versions,
    calls,
    currentText: () => withStage("AWSCURRENT")![1].text,
    // What RotateSecret does before invoking the function: a new version id staged AWSPENDING (no value yet).
    startRotation: () => {
      const id = randomUUID();
      for (const [, version] of versions) version.stages.delete("AWSPENDING");
      versions.set(id, { text: "", stages: new Set(["AWSPENDING"]) });
      return id;
    },
    async describe() {
      calls.push("describe");
      return { rotationEnabled: options.rotationEnabled ?? true, stagesByVersion: Object.fromEntries([...versions].map(([id, version]) => [id, [...version.stages]])) };
    },
    async read(_secret, version) {
      calls.push(`read ${version.stage}`);
      if (version.stage === "AWSCURRENT") return withStage("AWSCURRENT")![1].text;
      const found = versions.get(version.versionId);
      return found?.stages.has("AWSPENDING") && found.text !== "" ? found.text : undefined;
    },
    async putPending(_secret, versionId, text) {
      calls.push("putPending");
      const existing = versions.get(versionId);
      if (existing && existing.text !== "" && existing.text !== text) throw Object.assign(new Error("a version with this token exists"), { name: "ResourceExistsException" });
      versions.set(versionId, { text, stages: new Set(["AWSPENDING"]) });
    },
    async makeCurrent(_secret, versionId, fromVersionId) {
      calls.push("makeCurrent");
      const from = fromVersionId ? versions.get(fromVersionId) : undefined;
      if (from) {
        from.stages.delete("AWSCURRENT");
        for (const [, version] of versions) version.stages.delete("AWSPREVIOUS");
        from.stages.add("AWSPREVIOUS");
      }
      const to = versions.get(versionId)!;
      to.stages.delete("AWSPENDING");
      to.stages.add("AWSCURRENT");
    },
  };
  return model;
}

function recordingLogger() {
  const lines: { message: string; fields: Record<string, unknown> }[] = [];
  const logger: HandlerLogger = {
    info: (message, fields = {}) => lines.push({ message, fields }),
    warn: (message, fields = {}) => lines.push({ message, fields }),
    error: () => {},
  };
  return { logger, lines };
}

const STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;

describe("the rotation function (Secrets Manager's four steps)", () => {
  const generated = JSON.stringify({ current: "k1", k1: `${"Ab3".repeat(21)}Z` });

  it("rotates the generated ring: a new current key, the former kept, links sealed before still open, and no key in the log", async () => {
    const secret = secretModel(generated);
    const before = parseKeyRing(generated, "generated");
    const oldLink = signShareToken(link(seconds(at(0)) + 3600), before);
    const { logger, lines } = recordingLogger();
    const rotate = createShareKeyRotationHandler({ versions: secret, secretId: SECRET, maxLifetimeSeconds: MAX_LIFETIME, clock: () => at(0), logger });
    const token = secret.startRotation();
    for (const step of STEPS) await rotate({ SecretId: SECRET, ClientRequestToken: token, Step: step });

    const after = parseKeyRing(secret.currentText(), "rotated");
    expect(after.currentKeyId).toMatch(/^k20270101-[0-9a-f]{6}$/);
    expect([...after.keys.keys()]).toEqual(["k1", after.currentKeyId]);
    expect(verifyShareToken(oldLink, after, at(0))).toMatchObject({ ok: true, token: { keyId: "k1" } });
    expect([...secret.versions.values()].map((version) => [...version.stages])).toEqual([["AWSPREVIOUS"], ["AWSCURRENT"]]);
    expect(lines.map((line) => line.fields["outcome"])).toEqual(["created", "nothing-to-set", "tested", "finished"]);
    const logged = JSON.stringify(lines);
    for (const key of after.keys.values()) expect(logged).not.toContain(key.toString("base64"));
  });

  it("does each step once however often Secrets Manager retries it", async () => {
    const secret = secretModel(generated);
    const rotate = createShareKeyRotationHandler({ versions: secret, secretId: SECRET, maxLifetimeSeconds: MAX_LIFETIME, clock: () => at(0), logger: recordingLogger().logger });
    const token = secret.startRotation();
    await rotate({ SecretId: SECRET, ClientRequestToken: token, Step: "createSecret" });
    const staged = secret.versions.get(token)!.text;
    await rotate({ SecretId: SECRET, ClientRequestToken: token, Step: "createSecret" });
    expect(secret.versions.get(token)!.text).toBe(staged);
    expect(secret.calls.filter((call) => call === "putPending")).toHaveLength(1);
    for (const step of STEPS.slice(1)) await rotate({ SecretId: SECRET, ClientRequestToken: token, Step: step });
    const current = secret.currentText();
    for (const step of STEPS) await rotate({ SecretId: SECRET, ClientRequestToken: token, Step: step });
    expect(secret.currentText()).toBe(current);
    expect(secret.calls.filter((call) => call === "makeCurrent")).toHaveLength(1);
  });

  it("refuses, naming what is wrong: another secret, a malformed event, a version not pending, rotation off, a current ring it cannot read", async () => {
    const secret = secretModel(generated);
    const rotate = createShareKeyRotationHandler({ versions: secret, secretId: SECRET, maxLifetimeSeconds: MAX_LIFETIME, logger: recordingLogger().logger });
    const token = secret.startRotation();
    await expect(rotate({ SecretId: `${SECRET}x`, ClientRequestToken: token, Step: "createSecret" })).rejects.toThrow(
      `rotates the share key ring "${SECRET}" only, not "${SECRET}x"`,
    );
    await expect(rotate({ SecretId: SECRET, ClientRequestToken: token, Step: "rotate" })).rejects.toThrow(
      "not a Secrets Manager rotation event: Step: expected createSecret, setSecret, testSecret or finishSecret",
    );
    await expect(rotate({ SecretId: SECRET, Step: "createSecret" })).rejects.toThrow("ClientRequestToken:");
    await expect(rotate("createSecret")).rejects.toThrow("not a Secrets Manager rotation event");
    await expect(rotate({ SecretId: SECRET, ClientRequestToken: randomUUID(), Step: "createSecret" })).rejects.toThrow("has no version");
    await expect(rotate({ SecretId: SECRET, ClientRequestToken: "v0v0v0v0v0v0v0v0v0v0v0v0v0v0v0v0v0", Step: "createSecret" })).rejects.toThrow("has no version");
    const off = secretModel(generated, { rotationEnabled: false });
    const offToken = off.startRotation();
    await expect(
      createShareKeyRotationHandler({ versions: off, secretId: SECRET, maxLifetimeSeconds: MAX_LIFETIME, logger: recordingLogger().logger })({
        SecretId: SECRET,
        ClientRequestToken: offToken,
        Step: "createSecret",
      }),
    ).rejects.toThrow("rotation is not enabled");
    const broken = secretModel(JSON.stringify({ current: "k1", keys: {} }));
    const brokenToken = broken.startRotation();
    await expect(
      createShareKeyRotationHandler({ versions: broken, secretId: SECRET, maxLifetimeSeconds: MAX_LIFETIME, logger: recordingLogger().logger })({
        SecretId: SECRET,
        ClientRequestToken: brokenToken,
        Step: "createSecret",
      }),
    ).rejects.toThrow(`secret "${SECRET}" (AWSCURRENT): current: names a key that is not in keys`);
    expect(broken.calls).not.toContain("putPending");
  });

  it("fails testSecret on a pending ring that dropped the current key (links sealed now would stop opening), and never makes it current", async () => {
    const secret = secretModel(generated);
    const rotate = createShareKeyRotationHandler({ versions: secret, secretId: SECRET, maxLifetimeSeconds: MAX_LIFETIME, logger: recordingLogger().logger });
    const token = secret.startRotation();
    // A pending version someone staged by hand without the current key.
    await secret.putPending(SECRET, token, serializeKeyRing(ringOf("k9")));
    await expect(rotate({ SecretId: SECRET, ClientRequestToken: token, Step: "testSecret" })).rejects.toThrow("does not open links sealed by the current key");
    expect(secret.calls).not.toContain("makeCurrent");
  });
});

describe("a ring read again while the process runs (rereadingKeyRing)", () => {
  it("seals with a rotated key once the ring held is older than maxAgeMs, opens a newer instance's link at once, and reads a secret at most once per minRereadMs for unknown keys", async () => {
    let stored = ringOf("k1");
    let reads = 0;
    let now = 0;
    const source = rereadingKeyRing(stored, async () => (reads++, stored), { maxAgeMs: 300_000, minRereadMs: 10_000, clock: () => now });
    stored = rotateKeyRing(stored, { now: at(0), maxLifetimeSeconds: MAX_LIFETIME, keyId: "k2", key: randomBytes(32) });
    expect((await source.current()).currentKeyId).toBe("k1");
    expect(reads).toBe(0);
    // A link sealed with k2 by a newer instance: the ring is read again at once.
    now = 10_000;
    expect((await source.holding("k2")).keys.has("k2")).toBe(true);
    expect(reads).toBe(1);
    expect((await source.current()).currentKeyId).toBe("k2");
    // Forged key ids: no read per request.
    for (let i = 0; i < 100; i++) await source.holding(`forged${i}`);
    expect(reads).toBe(1);
    now = 20_000;
    await Promise.all([source.holding("forged"), source.holding("forged2")]);
    expect(reads).toBe(2);
    now = 400_000;
    await source.current();
    expect(reads).toBe(3);
  });

  it("keeps the ring held when reading it again fails, and says so", async () => {
    const held = ringOf("k1");
    const failures: unknown[] = [];
    const source = rereadingKeyRing(held, async () => Promise.reject(new Error("throttled")), { maxAgeMs: 0, minRereadMs: 0, onRereadFailed: (error) => failures.push(error) });
    expect(await source.current()).toBe(held);
    expect(String(failures[0])).toContain("throttled");
  });
});

describe("the rotation function's configuration", () => {
  it("needs the secret's ARN and takes the longest share lifetime", () => {
    expect(readRotationConfig({ SHARE_KEYS_SECRET_ID: SECRET, SHARE_MAX_LIFETIME_SECONDS: "604800", AWS_REGION: "eu-west-1" })).toEqual({
      secretId: SECRET,
      maxLifetimeSeconds: 604_800,
      region: "eu-west-1",
    });
    expect(() => readRotationConfig({ SHARE_KEYS_SECRET_ID: "share-keys" })).toThrow("SHARE_KEYS_SECRET_ID: expected the key ring secret's ARN");
    expect(() => readRotationConfig({ SHARE_KEYS_SECRET_ID: SECRET, SHARE_MAX_LIFETIME_SECONDS: "9999999999" })).toThrow(
      "SHARE_MAX_LIFETIME_SECONDS: expected at most 7776000 seconds",
    );
  });
});

describe("the Secrets Manager adapter of the rotation", () => {
  // No Secrets Manager runs here: the SDK client's send is replaced, for the adapter's own logic only.
  const clientAnswering = (answer: (command: unknown) => Promise<unknown>) => {
    const client = new SecretsManagerClient({ region: "eu-west-1" });
    const sent: unknown[] = [];
    client.send = (async (command: unknown) => (sent.push(command), answer(command))) as typeof client.send;
    return { client, sent };
  };

  it("sends the four calls with the protocol's parameters", async () => {
    const { client, sent } = clientAnswering(async (command) =>
      command instanceof DescribeSecretCommand
        ? { RotationEnabled: true, VersionIdsToStages: { a: ["AWSCURRENT"] } }
        : command instanceof GetSecretValueCommand
          ? { SecretString: "{}" }
          : {},
    );
    const versions = secretsManagerVersions(client);
    expect(await versions.describe(SECRET)).toEqual({ rotationEnabled: true, stagesByVersion: { a: ["AWSCURRENT"] } });
    await versions.read(SECRET, { stage: "AWSPENDING", versionId: "t" });
    await versions.putPending(SECRET, "t", "{}");
    await versions.makeCurrent(SECRET, "t", "a");
    expect(sent.map((command) => [command!.constructor.name, (command as { input: unknown }).input])).toEqual([
      ["DescribeSecretCommand", { SecretId: SECRET }],
      ["GetSecretValueCommand", { SecretId: SECRET, VersionId: "t", VersionStage: "AWSPENDING" }],
      ["PutSecretValueCommand", { SecretId: SECRET, ClientRequestToken: "t", SecretString: "{}", VersionStages: ["AWSPENDING"] }],
      ["UpdateSecretVersionStageCommand", { SecretId: SECRET, VersionStage: "AWSCURRENT", MoveToVersionId: "t", RemoveFromVersionId: "a" }],
    ]);
    expect(sent[2]).toBeInstanceOf(PutSecretValueCommand);
    expect(sent[3]).toBeInstanceOf(UpdateSecretVersionStageCommand);
  });

  it("reads a version that does not exist as none, and turns other SDK failures into our error naming the secret and the call", async () => {
    const notFound = Object.assign(new Error("Secrets Manager can't find the specified secret value"), { name: "ResourceNotFoundException" });
    expect(await secretsManagerVersions(clientAnswering(async () => Promise.reject(notFound)).client).read(SECRET, { stage: "AWSPENDING", versionId: "t" })).toBeUndefined();
    const denied = Object.assign(new Error("not authorized"), { name: "AccessDeniedException" });
    const failing = secretsManagerVersions(clientAnswering(async () => Promise.reject(denied)).client);
    await expect(failing.putPending(SECRET, "t", "{}")).rejects.toThrow(`cannot stage the new version of secret "${SECRET}" in Secrets Manager (AccessDeniedException)`);
    await expect(failing.makeCurrent(SECRET, "t", undefined)).rejects.toThrow("cannot make the new version current");
    await expect(failing.describe(SECRET)).rejects.toThrow("cannot describe the versions");
    await expect(secretsManagerVersions(clientAnswering(async () => ({ SecretBinary: new Uint8Array([1]) })).client).read(SECRET, { stage: "AWSCURRENT" })).rejects.toThrow(
      "has no SecretString",
    );
  });
});
