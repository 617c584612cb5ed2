import { relativeToHere } from "./shown-path";
import { unlinkSync } from "node:fs";
import { open, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { LetterpressError } from "../functions/core/errors";
import { isAlive } from "./process-alive";

/** The file that says a `generate` run is exporting into a folder: its process id and start time, as JSON. */
export const EXPORT_LOCK_FILE = ".letterpress-export.lock";

interface LockHolder {
  pid: number;
  startedAt: string;
}

async function holderOf(path: string): Promise<LockHolder | undefined> {
  try {
    const holder = JSON.parse(await readFile(path, "utf8")) as Partial<LockHolder>;
    return typeof holder.pid === "number" ? { pid: holder.pid, startedAt: String(holder.startedAt) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the export folder for this run, or refuses (exit 2) while another `generate` exports there:
 * two runs writing one folder at once left files and manifest.json contradicting each other (each
 * run writes its documents, then the manifest of what it made, and removes what is no longer current).
 * The lock is a file created exclusively (`wx`); one left by a process that no longer runs (killed)
 * is taken over. Returns the release, which the run calls when its export is written; the file is
 * also removed if the process exits before that.
 */
export async function lockExportDirectory(outDir: string): Promise<() => Promise<void>> {
  const path = join(outDir, EXPORT_LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const file = await open(path, "wx");
      await file.writeFile(JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() } satisfies LockHolder));
      await file.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
      const holder = await holderOf(path);
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new LetterpressError(
          "INVALID_REQUEST",
          `--out ${relativeToHere(outDir)}: another generate run (process ${holder.pid}, started ${holder.startedAt}) is exporting there; wait for it to end, or give this run another --out (${EXPORT_LOCK_FILE} there says which run holds it)`,
        );
      }
      // Left by a run that no longer runs (or unreadable): taken over.
      await unlink(path).catch(() => undefined);
    }
  }
  const onExit = () => {
    try {
      unlinkSync(path);
    } catch {
      // Already released.
    }
  };
  process.once("exit", onExit);
  return async () => {
    process.removeListener("exit", onExit);
    await unlink(path).catch(() => undefined);
  };
}
