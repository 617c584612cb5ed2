import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "../support/eventually";
import { FIXTURES_DIR, REPO } from "../support/letters";

jest.setTimeout(300_000);

const TSX = join(REPO, "node_modules/.bin/tsx");

/** A data folder whose French is a stale translation: every French document fails to render. */
function staleFrenchData(): string {
  const dataDir = mkdtempSync(join(tmpdir(), "letterpress-log-file-data-"));
  cpSync(join(FIXTURES_DIR, "letters/sample"), join(dataDir, "sample"), { recursive: true });
  const fr = join(dataDir, "sample/fr.json");
  writeFileSync(fr, readFileSync(fr, "utf8").replace(/"sourceSha256": "[0-9a-f]{64}"/, `"sourceSha256": "${"0".repeat(64)}"`));
  return dataDir;
}

const jsonLines = (text: string) => text.split("\n").filter((line) => line.trimStart().startsWith("{"));

/**
 * Fresh user 7, item 5: `serve` (and `generate`) printed the functions' JSON log lines
 * (`{"level":"ERROR","message":"document failed",…}`) among their human lines on every failed render.
 * They go to a log file in the local state folder; the console keeps the human failure lines.
 */
describe("the local functions' JSON log goes to .local/functions.log, not the console", () => {
  let dataDir: string;
  let localDir: string;
  let serve: ChildProcess | undefined;
  beforeEach(() => {
    dataDir = staleFrenchData();
    localDir = mkdtempSync(join(tmpdir(), "letterpress-log-file-local-"));
  });
  afterEach(async () => {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((resolve) => serve?.once("exit", resolve));
      serve.kill("SIGINT");
      await exited;
    }
    serve = undefined;
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(localDir, { recursive: true, force: true });
  });
  const env = () => ({ ...process.env, NO_COLOR: "1", LETTERPRESS_LOCAL_DIR: localDir });
  const logFile = () => join(localDir, "functions.log");
  const loggedFailures = () => (existsSync(logFile()) ? jsonLines(readFileSync(logFile(), "utf8")).map((line) => JSON.parse(line)) : []);

  it("serve: the human failure lines on its console, no JSON line; the JSON lines in the log file", async () => {
    let out = "";
    let err = "";
    serve = spawn(TSX, [join(REPO, "local/cli.ts"), "serve", "--data", dataDir, "--port", "0"], { cwd: REPO, env: env() });
    serve.stdout?.on("data", (chunk) => {
      out += chunk;
    });
    serve.stderr?.on("data", (chunk) => {
      err += chunk;
    });
    await eventually(() => /fr PDF: STALE_TRANSLATION: sample\/fr\.json/.test(out + err), "the human failure line", 240_000);
    await eventually(() => loggedFailures().some((line) => line.message === "render part failed"), "the render's log lines in the file");
    expect(jsonLines(out)).toEqual([]);
    expect(jsonLines(err)).toEqual([]);
    const failed = loggedFailures().filter((line) => line.message === "document failed");
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]).toMatchObject({ level: "ERROR", letterId: "sample", locale: "fr", code: "STALE_TRANSLATION" });
  });

  // generate reports its failures in its own table (not through the render function's log): checked, it was clean already.
  it("generate: the FAILED rows on its console, no JSON line", async () => {
    const { out, err } = await new Promise<{ out: string; err: string }>((resolve) => {
      execFile(TSX, [join(REPO, "local/cli.ts"), "generate", "--data", dataDir, "--out", join(localDir, "out")], { cwd: REPO, env: env() }, (_error, stdout, stderr) =>
        resolve({ out: stdout, err: stderr }),
      );
    });
    expect(out + err).toMatch(/sample fr pdf +FAILED: .*sourceSha256/);
    expect(jsonLines(out)).toEqual([]);
    expect(jsonLines(err)).toEqual([]);
  });
});
