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
  /**
   * When each former current key stopped sealing new links (ISO 8601, UTC), as the rotation function
   * records it (key-rotation.ts): a key is dropped once every link it sealed has expired. Rings
   * rotated by hand may lack it.
   */
  retiredAt?: ReadonlyMap<string, string>;
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
 * `{ "current": "<kid>", "keys": { "<kid>": "<base64 secret>" }, "retired": { "<kid>": "<ISO time>" } }`
 * (`retired` optional: when each former current key stopped sealing links).
 */
export const keyRingDocumentSchema = z
  .strictObject({
    current: z.string().regex(KEY_ID_PATTERN, { error: KEY_ID_RULE }),
    keys: z.record(z.string().regex(KEY_ID_PATTERN, { error: KEY_ID_RULE }), base64Key),
    retired: z.record(z.string().regex(KEY_ID_PATTERN, { error: KEY_ID_RULE }), z.iso.datetime({ error: "expected an ISO 8601 UTC time such as 2026-12-01T05:00:00Z" })).optional(),
  })
  .refine((ring) => Object.hasOwn(ring.keys, ring.current), { error: "names a key that is not in keys", path: ["current"] })
  .refine((ring) => !Object.hasOwn(ring.retired ?? {}, ring.current), { error: "the current key cannot be retired", path: ["retired"] })
  .refine((ring) => Object.keys(ring.retired ?? {}).every((kid) => Object.hasOwn(ring.keys, kid)), { error: "names a key that is not in keys", path: ["retired"] });

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
  const retired = Object.entries(parsed.data.retired ?? {});
  return {
    currentKeyId: parsed.data.current,
    keys: new Map(Object.entries(parsed.data.keys).map(([kid, secret]) => [kid, Buffer.from(secret, "base64")])),
    ...(retired.length > 0 ? { retiredAt: new Map(retired) } : {}),
  };
}

export function serializeKeyRing(ring: KeyRing): string {
  const keys = Object.fromEntries([...ring.keys].map(([kid, key]) => [kid, key.toString("base64")]));
  const retired = ring.retiredAt && ring.retiredAt.size > 0 ? { retired: Object.fromEntries(ring.retiredAt) } : {};
  return `${JSON.stringify({ current: ring.currentKeyId, keys, ...retired }, null, 2)}\n`;
}

/** The key ring kept in a secret (Secrets Manager on AWS), read through `readSecret`. */
export async function loadKeyRingFromSecret(readSecret: ReadSecret, secretId: string): Promise<KeyRing> {
  return parseKeyRing(await readSecret(secretId), `secret "${secretId}"`);
}

/**
 * Where the share service takes its ring from: a ring that may change while the process runs (a
 * rotation), read again now and then. `current` is the ring to seal new links with; `holding(keyId)`
 * the ring to open a link sealed with `keyId` (read again first if the ring held lacks that key: a
 * newer instance may already seal with a key this one has not seen).
 */
export interface KeyRingSource {
  current(): Promise<KeyRing>;
  holding(keyId: string): Promise<KeyRing>;
}

/** A ring that never changes (tests, and a process that reads its ring once). */
export function fixedKeyRing(ring: KeyRing): KeyRingSource {
  return { current: async () => ring, holding: async () => ring };
}

export interface RereadOptions {
  /** The ring held is read again when it is older than this, in milliseconds (new links then seal with a rotated key). */
  maxAgeMs: number;
  /**
   * A link naming a key the ring held lacks causes at most one read per this many milliseconds: anyone
   * can present a token naming any key id, and must not make the process read its secret per request.
   */
  minRereadMs: number;
  clock?: () => number;
  /** A read again that failed: the ring held stays in use (links keep working), the failure is reported here. */
  onRereadFailed?: (error: unknown) => void;
}

/**
 * A ring read at start (`initial`, read by the caller so a broken ring fails the start) and read again
 * through `read` when older than `maxAgeMs`, or when a link names a key it lacks (at most once per
 * `minRereadMs`). Concurrent callers share one read. A failed read keeps the ring held.
 */
export function rereadingKeyRing(initial: KeyRing, read: () => Promise<KeyRing>, options: RereadOptions): KeyRingSource {
  const clock = options.clock ?? Date.now;
  let held = initial;
  let readAt = clock();
  let reading: Promise<KeyRing> | undefined;
  const reread = (): Promise<KeyRing> => {
    reading ??= read()
      .then(
        (ring) => {
          held = ring;
          return ring;
        },
        (error: unknown) => {
          options.onRereadFailed?.(error);
          return held;
        },
      )
      .finally(() => {
        readAt = clock();
        reading = undefined;
      });
    return reading;
  };
  return {
    current: async () => (clock() - readAt >= options.maxAgeMs ? reread() : held),
    holding: async (keyId) => {
      if (held.keys.has(keyId)) return clock() - readAt >= options.maxAgeMs ? reread() : held;
      return clock() - readAt >= options.minRereadMs ? reread() : held;
    },
  };
}
