import { execFile } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LetterpressError } from "../../functions/core/errors";
import { TemplateSetAsideError } from "../../functions/core/template/template-library";
import { runSummary } from "../../local/generate";
import { FIXTURES_DIR, REPO, SEED_TEMPLATE } from "../support/letters";

jest.setTimeout(180_000);

const TSX = join(REPO, "node_modules/.bin/tsx");

function generate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [join(REPO, "local/cli.ts"), "generate", "--format", "html", ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A copy of the sample letter under another id. */
function sampleAs(dataDir: string, letterId: string): void {
  const folder = join(dataDir, letterId);
  cpSync(join(FIXTURES_DIR, "letters/sample"), folder, { recursive: true });
  const facts = JSON.parse(readFileSync(join(folder, "letter.json"), "utf8")) as { id: string };
  writeFileSync(join(folder, "letter.json"), JSON.stringify({ ...facts, id: letterId }, null, 2));
}

/**
 * `generate`'s closing line counts what the run printed (the fresh user read "1 warning" under two):
 * every kind of warning a run prints (a stylesheet's, the data reader's, the export's) goes into the
 * one list the count is taken from. A stylesheet's warning is said once per template, however many
 * letters use the template.
 */
describe("generate's closing line", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "letterpress-summary-"));
    cpSync(join(REPO, "templates"), join(root, "templates"), { recursive: true });
    appendFileSync(join(root, "templates", SEED_TEMPLATE, "print.css"), '\n.letter h1 { font-family: "Brand Sans", var(--font-body); }\n');
    const data = join(root, "data");
    // Three letters on the one template, two with something the reader skips.
    for (const letterId of ["first", "second", "third"]) sampleAs(data, letterId);
    writeFileSync(join(data, "second", "notes.txt"), "ask about paragraph 3\n");
    writeFileSync(join(data, "third", ".DS_Store"), "");
    // A manifest the export cannot read: a warning of the export's own.
    mkdirSync(join(root, "out"));
    writeFileSync(join(root, "out", "manifest.json"), "{ half a manifest");
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("counts every warning it printed, and prints a template's font warning once for all its letters", async () => {
    const run = await generate(["--data", join(root, "data"), "--templates", join(root, "templates"), "--out", join(root, "out")]);
    const printed = run.stderr.split("\n").filter((line) => line.startsWith("warning: "));
    expect(printed.filter((line) => line.includes('"Brand Sans"'))).toHaveLength(1);
    expect(printed).toEqual(
      expect.arrayContaining([
        "warning: second/notes.txt: skipped: not a .json file; only letter.json and <locale>.json are read",
        expect.stringMatching(/^warning: third\/\.DS_Store: skipped: a hidden file/),
        expect.stringMatching(/manifest\.json could not be read/),
      ]),
    );
    expect(printed).toHaveLength(4);
    expect(run.stdout).toMatch(/^6 documents \(\d stored, \d unchanged\) exported to .*, 0 failed, 4 warnings$/m);
    expect(run.code).toBe(0);
  });

  it("says nothing of warnings when none was printed, and counts unreadable letters in words", () => {
    const result = { stored: [], failures: [], letterFailures: [{ letterId: "x", error: undefined as never }] };
    expect(runSummary(result, [], { dir: "out", documents: 0 })).toBe("0 documents (0 stored, 0 unchanged) exported to out/ (0 there in all), 0 failed, 1 letter unreadable");
    expect(runSummary({ ...result, letterFailures: [] }, ["a"], { dir: "out", documents: 0 })).toMatch(/, 0 failed, 1 warning$/);
  });

  // issue 13: "letter unreadable" sent the author of a sound letter to its data when its template was set aside.
  it("says a letter whose template was set aside is not made for its template, naming it, apart from letters unreadable", () => {
    const aside = (letterId: string, template: string) => ({ letterId, error: new TemplateSetAsideError(template, "templates/x/letter.hbs line 1: …") });
    const result = { stored: [], failures: [], letterFailures: [aside("a", "my-org"), aside("b", "my-org"), { letterId: "c", error: new LetterpressError("INVALID_DATA", "…") }] };
    expect(runSummary(result, [], { dir: "out", documents: 0 })).toBe(
      "0 documents (0 stored, 0 unchanged) exported to out/ (0 there in all), 0 failed, 1 letter unreadable, 2 letters not made: template my-org set aside (its problems above)",
    );
    expect(runSummary({ ...result, letterFailures: [aside("a", "zeta"), aside("b", "alpha")] }, [], { dir: "out", documents: 0 })).toMatch(
      /, 0 failed, 2 letters not made: templates alpha, zeta set aside \(their problems above\)$/,
    );
  });

  it("a run with a letter whose template does not load says, under the letter, that its template was set aside and why", async () => {
    const dir = join(root, "set-aside");
    cpSync(join(REPO, "templates"), join(dir, "templates"), { recursive: true });
    appendFileSync(join(dir, "templates", SEED_TEMPLATE, "letter.hbs"), "\n{{#if title}}\n");
    sampleAs(join(dir, "data"), "aside-letter");
    const run = await generate(["--data", join(dir, "data"), "--templates", join(dir, "templates"), "--out", join(dir, "out")]);
    expect(run.stderr).toContain(`letter aside-letter: TEMPLATE_ERROR: not made, its template "${SEED_TEMPLATE}" was set aside, for these problems:\n  `);
    expect(run.stdout).toMatch(new RegExp(`, 0 failed, 1 letter not made: template ${SEED_TEMPLATE} set aside \\(its problems above\\)`));
    expect(run.stdout).not.toContain("unreadable");
    expect(run.code).toBe(1);
  });
});
