import { randomBytes } from "node:crypto";
import { MIN_KEY_BYTES, type KeyRing } from "./share-key-ring";

/**
 * How long past its last possible link a retired key is kept: a warm instance may seal with the old
 * key until it reads the ring again (minutes, see `rereadingKeyRing`), and clocks differ a little.
 */
export const RETIRED_KEY_GRACE_SECONDS = 24 * 60 * 60;

/** A readable, sortable key id: the day, plus random bits so two keys made the same day differ (16 characters). */
export function newKeyId(now: Date): string {
  return `k${now.toISOString().slice(0, 10).replaceAll("-", "")}-${randomBytes(3).toString("hex")}`;
}

/** A new ring key: 256 random bits (`MIN_KEY_BYTES`). */
export function newKey(): Buffer {
  return randomBytes(MIN_KEY_BYTES);
}

export interface RotationOptions {
  now: Date;
  /** The longest lifetime of a share link, in seconds (at most 90 days): a retired key is kept that long, plus `RETIRED_KEY_GRACE_SECONDS`. */
  maxLifetimeSeconds: number;
  keyId: string;
  key: Buffer;
}

/**
 * The ring after one rotation: `keyId` becomes current; the former current key is retired at `now`
 * (it opens the links it sealed, no longer seals); a retired key whose links have all expired
 * (retired longer ago than the longest link lifetime plus the grace) is dropped. A key the ring holds
 * with no retirement time (a ring rotated by hand) is taken as retired now, so it is kept as long as
 * any link it may have sealed can live. Pure: the caller brings the time and the new key.
 */
export function rotateKeyRing(ring: KeyRing, options: RotationOptions): KeyRing {
  if (ring.keys.has(options.keyId)) throw new Error(`the key ring already holds a key "${options.keyId}"`);
  const nowIso = options.now.toISOString();
  const keepUntil = options.now.getTime() - (options.maxLifetimeSeconds + RETIRED_KEY_GRACE_SECONDS) * 1000;
  const keys = new Map<string, Buffer>();
  const retiredAt = new Map<string, string>();
  for (const [kid, key] of ring.keys) {
    const retired = kid === ring.currentKeyId ? nowIso : (ring.retiredAt?.get(kid) ?? nowIso);
    if (Date.parse(retired) < keepUntil) continue;
    keys.set(kid, key);
    retiredAt.set(kid, retired);
  }
  keys.set(options.keyId, options.key);
  return { currentKeyId: options.keyId, keys, retiredAt };
}
