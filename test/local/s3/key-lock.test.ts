import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { LockTimeoutError, withKeyLock } from "../../../local/s3/key-lock";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "letterpress-lock-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the per-key lock", () => {
  it("runs holders of one key one at a time, and removes its file after each", async () => {
    const lock = path.join(dir, "key.lock");
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        withKeyLock(lock, async () => {
          most = Math.max(most, ++inside);
          await new Promise((resolve) => setImmediate(resolve));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it("waits for a live holder in another process and gives up with LockTimeoutError, leaving its lock alone", async () => {
    const lock = path.join(dir, "key.lock");
    // The parent process (alive, and not us) holds it.
    const held = JSON.stringify({ pid: process.ppid, host: hostname(), token: "theirs" });
    await writeFile(lock, held);

    await expect(withKeyLock(lock, async () => "ran", { waitMs: 200, staleMs: 60_000 })).rejects.toBeInstanceOf(LockTimeoutError);
    expect(await readdir(dir)).toEqual(["key.lock"]);
  });

  it("breaks a lock older than the age limit, even when it cannot tell whether its holder lives", async () => {
    const lock = path.join(dir, "key.lock");
    await writeFile(lock, "not a lock record");
    const old = new Date(Date.now() - 120_000);
    await utimes(lock, old, old);

    await expect(withKeyLock(lock, async () => "ran", { waitMs: 5_000, staleMs: 60_000 })).resolves.toBe("ran");
  });

  it("keeps a live holder's lock past the age limit (a loaded machine can delay its commit), and breaks it only at ten times that age", async () => {
    const lock = path.join(dir, "key.lock");
    // Our parent process: alive, on this host, not us.
    await writeFile(lock, JSON.stringify({ pid: process.ppid, host: hostname(), token: "slow-holder" }));
    const old = new Date(Date.now() - 120_000);
    await utimes(lock, old, old);
    await expect(withKeyLock(lock, async () => "ran", { waitMs: 200, staleMs: 60_000 })).rejects.toBeInstanceOf(LockTimeoutError);
    expect(await readdir(dir)).toEqual(["key.lock"]);

    await expect(withKeyLock(lock, async () => "ran", { waitMs: 5_000, staleMs: 10_000 })).resolves.toBe("ran");
  });

  it("tells the holder when its lock was taken from it", async () => {
    const lock = path.join(dir, "key.lock");
    const seen = await withKeyLock(lock, async (stillHeld) => {
      const before = await stillHeld();
      await writeFile(lock, JSON.stringify({ pid: process.ppid, host: hostname(), token: "breaker" }));
      return [before, await stillHeld()];
    });
    expect(seen).toEqual([true, false]);
    // Not ours any more: left for its new holder.
    expect(await readdir(dir)).toEqual(["key.lock"]);
  });
});
