import { execFile } from "node:child_process";
import { appendFileSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES_DIR, REPO, SEED_TEMPLATE } from "../support/letters";

/**
 * `generate` with a print.css naming a font family no registry entry provides: the stylesheet's
 * line is an error before any document is made (exit 2), not a failure of every document at render
 * (exit 1, no line); a family before an available one is a warning, said once, and the letter is made.
 */
const TSX = join(REPO, "node_modules/.bin/tsx");

function generate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [join(REPO, "local/cli.ts"), "generate", "--format", "html", ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("a font family the registry lacks, on the command line", () => {
  let root: string;
  let printCss: string;
  let line: number;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "letterpress-fonts-"));
    cpSync(join(REPO, "templates"), join(root, "templates"), { recursive: true });
    // Under an id of its own: its restyled template makes another revision than other tests' "sample" in the shared .local/s3.
    cpSync(join(FIXTURES_DIR, "letters/sample"), join(root, "data", "font-family-sample"), { recursive: true });
    const facts = join(root, "data", "font-family-sample", "letter.json");
    writeFileSync(facts, readFileSync(facts, "utf8").replace('"id": "sample"', '"id": "font-family-sample"'));
    printCss = join(root, "templates", SEED_TEMPLATE, "print.css");
    line = readFileSync(printCss, "utf8").split("\n").length;
  });
  afterEach(() => rm(root, { recursive: true, force: true }));
  const run = () => generate(["--data", join(root, "data"), "--templates", join(root, "templates"), "--out", join(root, "out")]);

  // The template is set aside (fresh user 7, item 4: one broken folder does not stop the others' letters): its letter fails with the error (exit 1).
  it("alone in its list is an error naming the stylesheet's line; the letter of that template fails (exit 1)", async () => {
    appendFileSync(printCss, '\n.letter h1 { font-family: "Brand Sans"; }\n');
    const result = await run();
    expect(result.stderr).toMatch(
      new RegExp(`print\\.css line ${line + 1}, selector \\.letter h1, property font-family: the family "Brand Sans" is not in the font registry; expected one of "Noto Serif"`),
    );
    expect(result.stderr).toMatch(/letter font-family-sample: TEMPLATE_ERROR/);
    expect(result.code).toBe(1);
  }, 120_000);

  // fresh user 8a, item 10: only the first problem of a multi-line template error was indented under its letter.
  it("lists every problem of the set-aside template under its letter, each indented", async () => {
    appendFileSync(printCss, '\n.letter h1 { font-family: "Brand Sans"; }\n.letter h2 { font-family: "Brand Serif"; }\n');
    const result = await run();
    const lines = result.stderr.split("\n");
    const head = lines.findIndex((line) => /^letter font-family-sample: TEMPLATE_ERROR: not made, its template "[^"]+" was set aside, for these problems:$/.test(line));
    expect(head).toBeGreaterThanOrEqual(0);
    const listed = lines.slice(head + 1).filter((text) => text.includes('"Brand S'));
    expect(listed).toEqual([expect.stringMatching(/^ {2}\S.*"Brand Sans"/), expect.stringMatching(/^ {2}\S.*"Brand Serif"/)]);
    expect(result.code).toBe(1);
  }, 120_000);

  it("before the document's own stack is a warning, said once for every language, and the letter is made", async () => {
    appendFileSync(printCss, '\n.letter h1 { font-family: "Brand Sans", var(--font-body); }\n');
    const result = await run();
    const warnings = result.stderr.split("\n").filter((text) => text.includes('"Brand Sans"'));
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`^warning: .*print\\.css line ${line + 1}, selector \\.letter h1, property font-family: "Brand Sans" is not in the font registry`)),
    ]);
    expect(result.stdout).toMatch(/2 documents .* 0 failed/);
    expect(result.code).toBe(0);
  }, 120_000);
});
