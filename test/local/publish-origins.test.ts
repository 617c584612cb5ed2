import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PublishOrigins } from "../../local/publish-origins";
import { FIXTURES_DIR, REPO } from "../support/letters";

jest.setTimeout(300_000);

const TSX = join(REPO, "node_modules/.bin/tsx");

function generate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Both formats (the default): only a run that stores every document of the revision moves latest.json.
    execFile(TSX, [join(REPO, "local/cli.ts"), "generate", ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * Publishes a letter whole, as serve would link to it: its general letters, then its personalized
 * ones; `latest.json` moves when the second run completes the revision. The second run's output,
 * both runs' warnings.
 */
async function publishWhole(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const general = await generate(args);
  const personalized = await generate([...args, "--recipients"]);
  return { code: Math.max(general.code, personalized.code), stdout: personalized.stdout, stderr: `${general.stderr}${personalized.stderr}` };
}

/**
 * The sample letter under `letterId` in `dataDir`, a recipient's name marked so each folder's copy has
 * its own revision (letter.json only: both translations stay current, so a run publishes whole).
 */
function sampleIn(dataDir: string, letterId: string, mark: string): void {
  const folder = join(dataDir, letterId);
  cpSync(join(FIXTURES_DIR, "letters/sample"), folder, { recursive: true });
  const facts = JSON.parse(readFileSync(join(folder, "letter.json"), "utf8")) as { id: string; recipients: { representativeName?: string }[] };
  const recipients = facts.recipients.map((recipient) =>
    recipient.representativeName ? { ...recipient, representativeName: `${recipient.representativeName} ${mark}` } : recipient,
  );
  writeFileSync(join(folder, "letter.json"), JSON.stringify({ ...facts, id: letterId, recipients }, null, 2));
}

/**
 * Issue 15, what the fresh user found: a scratch copy of a letter (same id, another --data folder)
 * published into the same `.local/s3` took over what serve's links lead to, silently. Now said as a
 * warning naming the letter and the folder that published it before (not refused: trying a change
 * in a copy is normal, and publishing from the first folder again brings it back).
 */
describe("publishing a letter from another data folder into the same local store", () => {
  let root: string;
  const letterId = `takeover-${Math.random().toString(36).slice(2, 10)}`;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "letterpress-origins-"));
    sampleIn(join(root, "data"), letterId, "Real");
    sampleIn(join(root, "scratch"), letterId, "Scratch");
    sampleIn(join(root, "scratch-partial"), letterId, "Partial");
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const takeover = (stderr: string) => stderr.split("\n").filter((line) => line.startsWith(`warning: letter ${letterId}: published from`));

  it("warns when a copy takes a letter over, naming the folder it came from before, and again when it is taken back", async () => {
    const first = await publishWhole(["--data", join(root, "data"), "--out", join(root, "out"), "--letter", letterId]);
    expect(first.code).toBe(0);
    expect(takeover(first.stderr)).toEqual([]);

    const scratch = await publishWhole(["--data", join(root, "scratch"), "--out", join(root, "out-scratch"), "--letter", letterId]);
    expect(takeover(scratch.stderr)).toEqual([
      `warning: letter ${letterId}: published from ${join(root, "scratch")}, over what ${join(root, "data")} published before under the same id: ` +
        `the links serve hands out for ${letterId} now lead to this copy (publish from ${join(root, "data")} again to bring it back, or give the copy its own id)`,
    ]);
    expect(scratch.stdout).toMatch(/, 0 failed, 1 warning$/m);
    expect(scratch.code).toBe(0);

    // The same folder again: nothing to say.
    const again = await publishWhole(["--data", join(root, "scratch"), "--out", join(root, "out-scratch"), "--letter", letterId]);
    expect(takeover(again.stderr)).toEqual([]);

    const back = await publishWhole(["--data", join(root, "data"), "--out", join(root, "out"), "--letter", letterId]);
    expect(takeover(back.stderr)).toEqual([expect.stringContaining(`over what ${join(root, "scratch")} published before`)]);
  });

  // What the fresh user found: a copy published in one format stored its documents but left
  // latest.json (and so serve's links) where it was, and was still said to have taken the letter over.
  it("says nothing of a copy's publish that did not move latest.json (one format, or general letters only)", async () => {
    // A copy of its own revision, never published whole.
    const partial = await generate(["--data", join(root, "scratch-partial"), "--out", join(root, "out-partial"), "--letter", letterId, "--format", "pdf"]);
    expect(partial.code).toBe(0);
    expect(takeover(partial.stderr)).toEqual([]);
    const general = await generate(["--data", join(root, "scratch-partial"), "--out", join(root, "out-partial"), "--letter", letterId]);
    expect(takeover(general.stderr)).toEqual([]);
    // The real folder still owns what serve links to: publishing from it again is no takeover.
    const real = await publishWhole(["--data", join(root, "data"), "--out", join(root, "out"), "--letter", letterId]);
    expect(takeover(real.stderr)).toEqual([]);
  });

  /** A data folder under the test's root that holds `letterIds` (a warning names only a folder still there). */
  const folderWith = (name: string, ...letterIds: string[]) => {
    for (const letterId of letterIds) mkdirSync(join(root, name, letterId), { recursive: true });
    return join(root, name);
  };

  it("keeps letter ids as data (an id such as constructor), and starts anew from a damaged record", async () => {
    const file = join(root, "origins.json");
    const origins = new PublishOrigins(file);
    const [a, b, c] = [folderWith("a", "constructor", "__proto__"), folderWith("b", "constructor"), folderWith("c", "constructor")];
    expect(await origins.published("constructor", a, "r1")).toBeUndefined();
    expect(await origins.published("constructor", b, "r2")).toBe(
      `letter constructor: published from ${b}, over what ${a} published before under the same id: ` +
        `the links serve hands out for constructor now lead to this copy (publish from ${a} again to bring it back, or give the copy its own id)`,
    );
    expect(await origins.published("__proto__", a, "r1")).toBeUndefined();
    writeFileSync(file, "{ half a record");
    expect(await origins.published("constructor", c, "r3")).toBeUndefined();
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ constructor: { dataDir: c, revision: "r3" } });
  });

  it("says nothing when another folder publishes the same revision, or when the folder before is gone", async () => {
    const origins = new PublishOrigins(join(root, "same.json"));
    const [a, b] = [folderWith("same-a", "sample"), folderWith("same-b", "sample")];
    expect(await origins.published("sample", a, "r1")).toBeUndefined();
    expect(await origins.published("sample", b, "r1")).toBeUndefined();
    // The same bytes from b: b is now where it came from, and its next edit is its own.
    expect(await origins.published("sample", b, "r2")).toBeUndefined();
    expect(await origins.published("sample", a, "r3")).toMatch(new RegExp(`over what ${b} published before`));
    // A scratch copy since deleted has nothing left to take back.
    rmSync(a, { recursive: true });
    expect(await origins.published("sample", b, "r4")).toBeUndefined();
  });
});
