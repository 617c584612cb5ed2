import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { LetterpressError } from "../core/errors";
import { DEFAULTS } from "../deployment-contract";
import { newKey, newKeyId, rotateKeyRing } from "./key-rotation";
import { parseKeyRing, serializeKeyRing, type KeyRing } from "./share-key-ring";

/** The local key ring's file name inside its directory (`.local/` for `npm run serve`). */
export const LOCAL_KEY_FILE = "share-keys.json";

async function writePrivateTemp(directory: string, contents: string): Promise<string> {
  const temp = path.join(directory, `.${LOCAL_KEY_FILE}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  // mode applies to the created file; flag wx so a stray temp file of the same name is never reused.
  await writeFile(temp, contents, { mode: 0o600, flag: "wx" });
  return temp;
}

async function readExisting(file: string): Promise<KeyRing> {
  const info = await stat(file);
  // Anyone who can read the key can make links to every document: refuse a file others may read.
  if ((info.mode & 0o077) !== 0) {
    throw new LetterpressError("CONFIG_ERROR", `${file}: readable by others (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 ${file}`);
  }
  return parseKeyRing(await readFile(file, "utf8"), file);
}

/**
 * The local key ring in `<directory>/share-keys.json`, generated on first use: one random 256-bit key,
 * the file created with mode 0600. Creation is atomic: the whole file is written under a temporary
 * name and hard-linked into place, which fails if another process got there first; that process's
 * file is then read instead, so two servers starting at once agree on one key.
 * `beforeCreating(file)` runs when there is no file, before one is made: it may refuse (throw), since a
 * new ring opens none of the links the lost one sealed.
 */
export async function loadOrCreateLocalKeyRing(directory: string, options: { beforeCreating?: (file: string) => Promise<void> } = {}): Promise<KeyRing> {
  const file = path.join(directory, LOCAL_KEY_FILE);
  try {
    return await readExisting(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await options.beforeCreating?.(file);
  await mkdir(directory, { recursive: true });
  const kid = newKeyId(new Date());
  const ring: KeyRing = { currentKeyId: kid, keys: new Map([[kid, newKey()]]) };
  const temp = await writePrivateTemp(directory, serializeKeyRing(ring));
  try {
    await link(temp, file);
    return ring;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return readExisting(file);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** The local key ring as its file holds it now (see `loadOrCreateLocalKeyRing`, which makes it). */
export function readLocalKeyRing(directory: string): Promise<KeyRing> {
  return readExisting(path.join(directory, LOCAL_KEY_FILE));
}

/**
 * Rotates the local key as the rotation function rotates the deployed one (`rotateKeyRing`): a new
 * key becomes current, the previous ones stay until every link they sealed has expired
 * (`maxLifetimeSeconds`, 90 days unless said), so links already handed out keep working. `retire`
 * drops keys by id at once. The file is replaced atomically (rename), keeping mode 0600; a running
 * `npm run serve` reads it again within a second.
 */
export async function rotateLocalKey(directory: string, options: { retire?: readonly string[]; now?: Date; maxLifetimeSeconds?: number } = {}): Promise<KeyRing> {
  const file = path.join(directory, LOCAL_KEY_FILE);
  const current = await readExisting(file);
  if (options.retire?.includes(current.currentKeyId))
    throw new LetterpressError("INVALID_REQUEST", `${file}: cannot retire the current key "${current.currentKeyId}" before a rotation; rotate first`);
  const now = options.now ?? new Date();
  const kept: KeyRing = {
    ...current,
    keys: new Map([...current.keys].filter(([id]) => !options.retire?.includes(id))),
    ...(current.retiredAt ? { retiredAt: new Map([...current.retiredAt].filter(([id]) => !options.retire?.includes(id))) } : {}),
  };
  const ring = rotateKeyRing(kept, { now, maxLifetimeSeconds: options.maxLifetimeSeconds ?? DEFAULTS.shareLifetime.maxSeconds, keyId: newKeyId(now), key: newKey() });
  const temp = await writePrivateTemp(directory, serializeKeyRing(ring));
  await chmod(temp, 0o600);
  await rename(temp, file);
  return ring;
}
