import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXPORT_LOCK_FILE, lockExportDirectory } from "../../local/export-lock";
import { REPO } from "../support/letters";

jest.setTimeout(120_000);

/**
 * One `generate` at a time exports into a folder (fresh user 8b: three runs into one out/ left
 * manifest.json naming files of another paper, and files it did not list).
 */
describe("the export folder's lock", () => {
  let out: string;
  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), "letterpress-lock-"));
  });
  afterEach(() => rm(out, { recursive: true, force: true }));

  it("is taken by one run, refused to a second while the first holds it, and free again once released", async () => {
    const release = await lockExportDirectory(out);
    expect(JSON.parse(await readFile(join(out, EXPORT_LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid });
    // A lock file of another running process (the test's parent, the Jest runner): refused, naming it.
    await writeFile(join(out, EXPORT_LOCK_FILE), JSON.stringify({ pid: process.ppid, startedAt: "2026-11-30T21:00:00.000Z" }));
    await expect(lockExportDirectory(out)).rejects.toThrow(
      `--out ${out}: another generate run (process ${process.ppid}, started 2026-11-30T21:00:00.000Z) is exporting there; wait for it to end, or give this run another --out`,
    );
    await release();
    expect(existsSync(join(out, EXPORT_LOCK_FILE))).toBe(false);
    const again = await lockExportDirectory(out);
    await again();
  });

  it("takes over a lock left by a run that no longer runs (killed), and an unreadable one", async () => {
    const gone = spawnSync(process.execPath, ["-e", ""]).pid!;
    await writeFile(join(out, EXPORT_LOCK_FILE), JSON.stringify({ pid: gone, startedAt: "2026-11-30T20:00:00.000Z" }));
    const release = await lockExportDirectory(out);
    expect(JSON.parse(await readFile(join(out, EXPORT_LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid });
    await release();
    await writeFile(join(out, EXPORT_LOCK_FILE), "not json");
    await (await lockExportDirectory(out))();
  });

  it("refuses `generate` into a folder another run holds, before it starts storing (exit 2)", async () => {
    await writeFile(join(out, EXPORT_LOCK_FILE), JSON.stringify({ pid: process.pid, startedAt: "2026-11-30T21:00:00.000Z" }));
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        join(REPO, "node_modules/.bin/tsx"),
        [join(REPO, "local/cli.ts"), "generate", "--letter", "unsc-dprk-2015", "--locale", "en", "--format", "html", "--out", out],
        { cwd: REPO, env: { ...process.env, NO_COLOR: "1" } },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(run.stderr).toContain(`another generate run (process ${process.pid}`);
    expect(run.stdout).not.toContain("Storing in");
    expect(run.code).toBe(2);
  });
});
