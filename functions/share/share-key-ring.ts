import * as z from "zod";
import { LetterpressError } from "../core/errors";
import { KEY_ID_PATTERN } from "./share-token";

/**
 * The keys share links are sealed with (see share-token.ts). `currentKeyId` seals new links; every key in `keys` opens
 * links, so after a rotation the previous key stays in the ring until its last link has expired
 * (at most the longest share lifetime, 90 days).
 */
export interface KeyRing {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** HMAC-SHA256 keys shorter than the hash's output weaken it (RFC 2104, section 3). */
export const MIN_KEY_BYTES = 32;

/** Reads a secret's text by its id (Secrets Manager's SecretString on AWS). */
export type ReadSecret = (secretId: string) => Promise<string>;

const KEY_ID_RULE = "expected a key id of 1-32 of A-Z, a-z, 0-9, '-' and '_'";

const base64Key = z
  .string()
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, { error: "expected standard base64" })
  .refine((value) => Buffer.from(value, "base64").length >= MIN_KEY_BYTES, { error: `expected base64 of at least ${MIN_KEY_BYTES} random bytes` });

/**
 * The stored form of a key ring, the same locally (`.local/share-keys.json`) and in Secrets Manager:
 * `{ "current": "<kid>", "keys": { "<kid>": "<base64 secret>" } }`.
 */
export const keyRingDocumentSchema = z
  .strictObject({
    current: z.string().regex(KEY_ID_PATTERN, { error: KEY_ID_RULE }),
    keys: z.record(z.string().regex(KEY_ID_PATTERN, { error: KEY_ID_RULE }), base64Key),
  })
  .refine((ring) => Object.hasOwn(ring.keys, ring.current), { error: "names a key that is not in keys", path: ["current"] });

export type KeyRingDocument = z.infer<typeof keyRingDocumentSchema>;

/**
 * The ring as Secrets Manager generates it at deployment (infra/constructs/share-keys.ts):
 * `{ "current": "k1", "k1": "<64 random A-Z a-z 0-9>" }`, its generator writing one flat member. Read
 * as `{ current, keys: { k1 } }`: every member but `current` is a key.
 */
function asNested(json: unknown): unknown {
  if (typeof json !== "object" || json === null || Array.isArray(json) || Object.hasOwn(json, "keys") || !Object.hasOwn(json, "current")) return json;
  const { current, ...keys } = json as Record<string, unknown>;
  return { current, keys };
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(the whole document)" : path.map(String).join(".");
}

/**
 * Parses a key ring document; `source` names where it came from (a file or a secret id). A malformed
 * one fails with every problem, each naming its field, and never quoting a key.
 */
export function parseKeyRing(text: string, source: string): KeyRing {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LetterpressError("CONFIG_ERROR", `${source}: not JSON; expected { "current": "<kid>", "keys": { "<kid>": "<base64 secret>" } }`);
  }
  const parsed = keyRingDocumentSchema.safeParse(asNested(json));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      if (issue.code === "unrecognized_keys") return `${fieldPath(issue.path)}: unexpected field ${issue.keys.join(", ")}`;
      // A bad key id: zod names it as the last path segment; say which id and what an id is.
      if (issue.code === "invalid_key") return `${fieldPath(issue.path.slice(0, -1))}: key id ${JSON.stringify(String(issue.path.at(-1)))}: ${KEY_ID_RULE}`;
      return `${fieldPath(issue.path)}: ${issue.message}`;
    });
    throw new LetterpressError("CONFIG_ERROR", `${source}: ${problems.join("; ")}`);
  }
  return {
    currentKeyId: parsed.data.current,
    keys: new Map(Object.entries(parsed.data.keys).map(([kid, secret]) => [kid, Buffer.from(secret, "base64")])),
  };
}

export function serializeKeyRing(ring: KeyRing): string {
  const keys = Object.fromEntries([...ring.keys].map(([kid, key]) => [kid, key.toString("base64")]));
  return `${JSON.stringify({ current: ring.currentKeyId, keys }, null, 2)}\n`;
}

/** The key ring kept in a secret (Secrets Manager on AWS), read through `readSecret`. */
export async function loadKeyRingFromSecret(readSecret: ReadSecret, secretId: string): Promise<KeyRing> {
  return parseKeyRing(await readSecret(secretId), `secret "${secretId}"`);
}
