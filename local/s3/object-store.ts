import { randomUUID } from "node:crypto";
import type { Dirent } from "node:fs";
import { type FileHandle, mkdir, open, readdir, rename, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { withKeyLock } from "./key-lock";

/**
 * The embedded server's objects on disk, one bucket per folder: `<dataDir>/buckets/<bucket>/`.
 *
 * A key's segments (split at "/") become folders and a file, each segment percent-encoded except
 * a-z 0-9 _ - (so upper case, ".", "%" and every non-ASCII byte are encoded): names are then safe
 * and distinct on case-insensitive file systems too, "." and ".." are ordinary keys, and a key and
 * a longer key under it ("a" and "a/b") can both exist. An empty segment ("a//b") is "%".
 *
 *   letters/x/en/letter.pdf  ->  buckets/<bucket>/letters/x/en/letter%2Epdf.obj
 *
 * Each object is one file: a line of JSON metadata, then the bytes. One rename replaces both, so a
 * reader never pairs one version's ETag with another's bytes, and an open file keeps its version
 * while a writer replaces it. Writes go to a temporary file, are fsynced, then renamed into place
 * (and the folder fsynced): a crash leaves the old version or the new one, never a mix.
 */

export type Encryption = { algorithm: "AES256" } | { algorithm: "aws:kms"; kmsKeyId?: string };

export interface ObjectMeta {
  key: string;
  /** Without quotes. The MD5 of the bytes, except under SSE-KMS, where (as on S3) it is not. */
  etag: string;
  size: number;
  lastModified: string;
  contentType: string;
  /** Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires as sent (lowercase names). */
  headers: Record<string, string>;
  /** `x-amz-meta-*` values, by lowercase name without the prefix. */
  userMetadata: Record<string, string>;
  encryption: Encryption;
}

export type WriteCondition = { ifNoneMatch: "*" } | { ifMatch: string };

export type PutOutcome = { written: true; meta: ObjectMeta } | { written: false; failed: "If-Match" | "If-None-Match" | "NoSuchKey" };

/** One stored version, open for reading: its metadata and where its bytes start in the file. */
export interface OpenObject {
  meta: ObjectMeta;
  handle: FileHandle;
  bodyOffset: number;
}

export type ListEntry = { kind: "object"; key: string; file: string } | { kind: "prefix"; prefix: string };

/** The longest encoded segment we write: file names are limited to 255 bytes on common file systems. */
const MAX_ENCODED_SEGMENT = 240;
/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
const OBJECT_SUFFIX = ".obj";
const LOCK_SUFFIX = ".lock";
const MAX_HEADER_BYTES = 64 * 1024;

export class KeyNotStorableError extends Error {}

export function encodeSegment(segment: string): string {
  if (segment === "") return "%";
  let name = "";
  for (const byte of Buffer.from(segment, "utf8")) {
    const ch = String.fromCharCode(byte);
    name += /[a-z0-9_-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return name;
}

/** The segment a folder or file name stands for; undefined for names we did not write. */
export function decodeSegment(name: string): string | undefined {
  if (name === "%") return "";
  if (!/^(?:[a-z0-9_-]|%[0-9A-F]{2})+$/.test(name)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < name.length; ) {
    if (name[i] === "%") {
      bytes.push(parseInt(name.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      bytes.push(name.charCodeAt(i));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

export const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

async function readHeader(handle: FileHandle): Promise<{ meta: ObjectMeta; bodyOffset: number }> {
  const buffer = Buffer.alloc(MAX_HEADER_BYTES);
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
  const end = buffer.subarray(0, bytesRead).indexOf(0x0a);
  if (end === -1) throw new Error("stored object has no metadata line");
  return { meta: JSON.parse(buffer.subarray(0, end).toString("utf8")) as ObjectMeta, bodyOffset: end + 1 };
}

async function fsyncFolder(folder: string): Promise<void> {
  const handle = await open(folder, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class ObjectStore {
  readonly root: string;
  private readonly tmpDir: string;

  constructor(
    dataDir: string,
    readonly bucket: string,
  ) {
    this.root = join(dataDir, "buckets", encodeSegment(bucket));
    this.tmpDir = join(dataDir, "tmp");
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
    // Temporary files of writers that died; a live writer's file is seconds old at most.
    const hourAgo = Date.now() - 3_600_000;
    for (const name of await readdir(this.tmpDir)) {
      const file = join(this.tmpDir, name);
      const info = await stat(file).catch(() => undefined);
      if (info && info.mtimeMs < hourAgo) await unlink(file).catch(() => undefined);
    }
  }

  /** The object file of a key; throws `KeyNotStorableError` for a key S3 (or this layout) cannot hold. */
  fileOf(key: string): string {
    if (key === "") throw new KeyNotStorableError("the key is empty");
    if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) throw new KeyNotStorableError(`more than ${MAX_KEY_BYTES} bytes`);
    const names = key.split("/").map(encodeSegment);
    if (names.some((name) => name.length > MAX_ENCODED_SEGMENT)) {
      throw new KeyNotStorableError(`a segment between slashes encodes to more than ${MAX_ENCODED_SEGMENT} bytes, the local server's limit`);
    }
    names[names.length - 1] += OBJECT_SUFFIX;
    return join(this.root, ...names);
  }

  /** The current version of `key`, open for reading, or undefined. The caller closes the handle. */
  async open(key: string): Promise<OpenObject | undefined> {
    return this.openFile(this.fileOf(key));
  }

  async openFile(file: string): Promise<OpenObject | undefined> {
    let handle: FileHandle;
    try {
      handle = await open(file, "r");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return undefined;
      throw error;
    }
    try {
      return { ...(await readHeader(handle)), handle };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async readMeta(file: string): Promise<ObjectMeta | undefined> {
    const opened = await this.openFile(file);
    if (opened === undefined) return undefined;
    await opened.handle.close();
    return opened.meta;
  }

  /**
   * Stores a new version: written and fsynced beside the bucket first, then, holding the key's
   * lock, the condition is checked against the current version and the file renamed into place.
   */
  async put(meta: Omit<ObjectMeta, "lastModified">, body: Buffer, condition?: WriteCondition): Promise<PutOutcome> {
    const file = this.fileOf(meta.key);
    const temp = join(this.tmpDir, `${randomUUID()}.tmp`);
    // Set once the temporary file is the object: then there is nothing left to clean up.
    let renamed = false;
    try {
      const stored: ObjectMeta = { ...meta, lastModified: new Date().toISOString() };
      const handle = await open(temp, "wx");
      try {
        await handle.writeFile(Buffer.concat([Buffer.from(`${JSON.stringify(stored)}\n`, "utf8"), body]));
        await handle.sync();
      } finally {
        await handle.close();
      }
      const folder = dirname(file);
      const created = await mkdir(folder, { recursive: true });
      // A new folder is durable only once its parent's entry for it is: fsync each new one's parent.
      if (created !== undefined) {
        for (let dir = folder; ; dir = dirname(dir)) {
          await fsyncFolder(dirname(dir));
          if (dir === created || dir === this.root) break;
        }
      }
      return await withKeyLock(file.slice(0, -OBJECT_SUFFIX.length) + LOCK_SUFFIX, async (stillHeld): Promise<PutOutcome> => {
        if (condition !== undefined) {
          const current = await this.readMeta(file);
          if ("ifNoneMatch" in condition) {
            if (current !== undefined) return { written: false, failed: "If-None-Match" };
          } else if (current === undefined) {
            return { written: false, failed: "NoSuchKey" };
          } else if (condition.ifMatch !== "*" && condition.ifMatch.replace(/^(?:W\/)?"|"$/g, "") !== current.etag) {
            return { written: false, failed: "If-Match" };
          }
        }
        if (!(await stillHeld())) throw new Error(`the lock on ${meta.key} was broken as stale while held`);
        await rename(temp, file);
        renamed = true;
        await fsyncFolder(folder);
        // The metadata line just written and fsynced is the version now in place (under the key's lock):
        // no need to open and parse it again.
        return { written: true, meta: stored };
      });
    } finally {
      if (!renamed) await unlink(temp).catch(() => undefined);
    }
  }

  /**
   * Removes the current version of `key`, as S3's DeleteObject on an unversioned bucket: a key that
   * holds nothing is no error. Under the key's lock, so it never removes a version a concurrent PUT is
   * renaming into place half-way; the folder is fsynced so the removal survives a crash.
   */
  async delete(key: string): Promise<void> {
    const file = this.fileOf(key);
    await withKeyLock(file.slice(0, -OBJECT_SUFFIX.length) + LOCK_SUFFIX, async () => {
      try {
        await unlink(file);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return;
        throw error;
      }
      await fsyncFolder(dirname(file));
    });
  }

  /**
   * Keys under `prefix`, in UTF-8 byte order, those holding `delimiter` after the prefix rolled up
   * into one common prefix each. Only folders the prefix reaches are read; with "/" as delimiter, a
   * folder wholly past the prefix is one common prefix and is not walked through.
   */
  async list(prefix: string, delimiter: string | undefined, startAfter: string | undefined): Promise<ListEntry[]> {
    const found: ListEntry[] = [];
    const walk = async (folder: string, keyPath: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        throw error;
      }
      for (const entry of entries) {
        if (entry.isFile() && entry.name.endsWith(OBJECT_SUFFIX)) {
          const segment = decodeSegment(entry.name.slice(0, -OBJECT_SUFFIX.length));
          const key = segment === undefined ? undefined : keyPath + segment;
          if (key?.startsWith(prefix)) found.push({ kind: "object", key, file: join(folder, entry.name) });
        } else if (entry.isDirectory()) {
          const segment = decodeSegment(entry.name);
          if (segment === undefined) continue;
          const sub = `${keyPath}${segment}/`;
          const subFolder = join(folder, entry.name);
          if (!sub.startsWith(prefix) && !prefix.startsWith(sub)) continue;
          if (delimiter === "/" && sub.startsWith(prefix) && prefix.length < sub.length && (startAfter === undefined || utf8Order(sub, startAfter) > 0)) {
            if (await hasObject(subFolder)) found.push({ kind: "prefix", prefix: sub });
          } else {
            await walk(subFolder, sub);
          }
        }
      }
    };
    // Start at the deepest folder the prefix names in full.
    const whole = prefix.split("/").slice(0, -1);
    await walk(join(this.root, ...whole.map(encodeSegment)), whole.map((segment) => `${segment}/`).join(""));

    const entries: ListEntry[] = [];
    const seenPrefixes = new Set<string>();
    const addPrefix = (value: string) => {
      if (!seenPrefixes.has(value)) entries.push({ kind: "prefix", prefix: value });
      seenPrefixes.add(value);
    };
    for (const entry of found) {
      if (entry.kind === "prefix") {
        addPrefix(entry.prefix);
        continue;
      }
      if (startAfter !== undefined && utf8Order(entry.key, startAfter) <= 0) continue;
      const rolled = delimiter ? commonPrefixOf(entry.key, prefix, delimiter) : undefined;
      if (rolled !== undefined) addPrefix(rolled);
      else entries.push(entry);
    }
    return entries.sort((a, b) => utf8Order(a.kind === "object" ? a.key : a.prefix, b.kind === "object" ? b.key : b.prefix));
  }
}

function commonPrefixOf(key: string, prefix: string, delimiter: string): string | undefined {
  const at = key.indexOf(delimiter, prefix.length);
  return at === -1 ? undefined : key.slice(0, at + delimiter.length);
}

/** Whether a folder holds any object: a folder left empty by a writer that died lists nothing. */
async function hasObject(folder: string): Promise<boolean> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isFile() && entry.name.endsWith(OBJECT_SUFFIX)) return true;
    if (entry.isDirectory() && decodeSegment(entry.name) !== undefined && (await hasObject(join(folder, entry.name)))) return true;
  }
  return false;
}
