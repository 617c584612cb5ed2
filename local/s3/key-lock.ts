import { randomUUID } from "node:crypto";
import { open, readFile, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive } from "../process-alive";

/**
 * A lock per object key that holds across processes: `npm run serve` and `npm run generate` may
 * write one `.local/s3` at the same time, and a conditional write (If-Match) must check the current
 * version and replace it with no other writer in between, whichever process that writer is in.
 *
 * The lock is a file created with O_EXCL (`open(path, "wx")`), which the kernel creates for exactly
 * one caller. It records the holder's pid and host, so a lock left by a process that died (killed
 * mid-write) is recognised as stale and broken at once, without waiting out a timeout.
 *
 * Why not proper-lockfile: its locks go stale by age alone and must be refreshed by a timer; on a
 * busy 2-core machine a blocked event loop lets a live holder's lock go stale, and its default
 * handler then throws from a timer. Our holders are on this machine (the data directory is local),
 * so whether a holder is alive is known exactly from its pid; an age limit remains only for locks
 * whose holder cannot be checked (another host, an unreadable file) and, ten times longer, for a
 * live holder (a pid reused since).
 * The lock is held only around "read current version, rename new file into place": milliseconds.
 */

export interface KeyLockOptions {
  /** How long to wait for the lock before giving up with `LockTimeoutError`. */
  waitMs: number;
  /** A lock older than this is stale even if its holder seems alive (a pid reused, another host). */
  staleMs: number;
}

export const DEFAULT_KEY_LOCK: KeyLockOptions = { waitMs: 30_000, staleMs: 60_000 };

export class LockTimeoutError extends Error {
  constructor(
    readonly lockPath: string,
    waitedMs: number,
  ) {
    super(`${lockPath} stayed locked for ${waitedMs} ms`);
    this.name = "LockTimeoutError";
  }
}

interface LockRecord {
  pid: number;
  host: string;
  token: string;
}

const HOST = hostname();

/** In this process, writers of one key queue here; only the head of the queue contends for the file. */
const queues = new Map<string, Promise<void>>();

async function inProcessTurn<T>(id: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(id) ?? Promise.resolve();
  let done!: () => void;
  const mine = previous.then(() => new Promise<void>((resolve) => (done = resolve)));
  queues.set(id, mine);
  await previous;
  try {
    return await work();
  } finally {
    done();
    if (queues.get(id) === mine) queues.delete(id);
  }
}

/** Read errors worth a second try: the machine is out of file handles or busy for a moment. */
const TRANSIENT_READ_ERRORS = new Set(["EMFILE", "ENFILE", "EAGAIN", "EBUSY", "EINTR"]);

/**
 * The lock's record; undefined when there is no lock file or it holds no record (being written, or
 * not ours). Any other read error is thrown: a read that failed says nothing about who holds the lock.
 */
async function readRecord(lockPath: string): Promise<LockRecord | undefined> {
  let text: string;
  try {
    text = await readFile(lockPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockRecord>;
    return typeof parsed.pid === "number" && typeof parsed.host === "string" && typeof parsed.token === "string" ? (parsed as LockRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** `readRecord`, tried again a few times over transient errors (a loaded machine runs out of handles under many writers). */
async function readRecordSteadily(lockPath: string): Promise<LockRecord | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readRecord(lockPath);
    } catch (error) {
      if (attempt >= 8 || !TRANSIENT_READ_ERRORS.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
      await sleep(5 * attempt);
    }
  }
}

/**
 * A live holder on this host keeps its lock this many times the age limit: a loaded machine can keep
 * a holder from its commit for longer than the age limit, and breaking a live holder's lock fails its
 * write. Only a reused pid needs an age limit at all here.
 */
const LIVE_HOLDER_STALE_FACTOR = 10;

/** Removes the lock if it is stale; true when the caller should try to take it again at once. */
async function breakIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  let ageMs: number;
  let record: LockRecord | undefined;
  try {
    ageMs = Date.now() - (await stat(lockPath)).mtimeMs;
    record = await readRecord(lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return true; // released in the meantime
    return false; // unreadable for now: wait and look again
  }
  const onThisHost = record !== undefined && record.host === HOST;
  const holderDied = onThisHost && record!.pid !== process.pid && !isAlive(record!.pid);
  const holderLives = onThisHost && !holderDied;
  if (!holderDied && ageMs <= (holderLives ? staleMs * LIVE_HOLDER_STALE_FACTOR : staleMs)) return false;
  // Only the lock judged stale is removed: if another waiter broke it and took it since, its token differs.
  const again = await readRecord(lockPath).catch(() => null);
  // The re-read failed for now: wait and look again.
  if (again === null) return false;
  // Released since, or broken and taken by another waiter (another token): not ours to remove; try to take it.
  if (record !== undefined && again?.token !== record.token) return true;
  // Still the lock judged stale (or a record unreadable both times): removed.
  await unlink(lockPath).catch(() => undefined);
  return true;
}

/**
 * Runs `work` holding the lock at `lockPath`. `work` is given `stillHeld()`, to check just before
 * its commit that the lock was not broken as stale meanwhile.
 */
export async function withKeyLock<T>(lockPath: string, work: (stillHeld: () => Promise<boolean>) => Promise<T>, options: KeyLockOptions = DEFAULT_KEY_LOCK): Promise<T> {
  return inProcessTurn(lockPath, async () => {
    const token = randomUUID();
    const started = Date.now();
    let pause = 1;
    for (;;) {
      try {
        const handle = await open(lockPath, "wx");
        try {
          await handle.writeFile(JSON.stringify({ pid: process.pid, host: HOST, token } satisfies LockRecord));
        } finally {
          await handle.close();
        }
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      if (await breakIfStale(lockPath, options.staleMs)) continue;
      if (Date.now() - started > options.waitMs) throw new LockTimeoutError(lockPath, Date.now() - started);
      // Jittered, growing to 25 ms: holders keep the lock for milliseconds.
      await sleep(pause * (0.5 + Math.random()));
      pause = Math.min(25, pause * 2);
    }
    const stillHeld = async () => (await readRecordSteadily(lockPath))?.token === token;
    try {
      return await work(stillHeld);
    } finally {
      if (await stillHeld().catch(() => false)) await unlink(lockPath).catch(() => undefined);
    }
  });
}
