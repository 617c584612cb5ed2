import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATA_DIR, REPO, TEMPLATES_DIR } from "../support/letters";

jest.setTimeout(300_000);

const TSX = join(REPO, "node_modules/.bin/tsx");
const LETTER = "committee-hearing-defenders";

/**
 * `npm run generate` says every problem of a letter at once (fresh user 8a): a template folder set
 * aside for a catalog problem used to hide the same run's data problems (a translation's missing
 * paragraph), which appeared only once the template was fixed.
 */
describe("a letter whose template is set aside and whose data has problems too", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "letterpress-beside-"));
    cpSync(TEMPLATES_DIR, join(root, "templates"), { recursive: true });
    cpSync(join(DATA_DIR, LETTER), join(root, "data", LETTER), { recursive: true });
    const catalog = join(root, "templates", "parliamentary-committee", "messages", "de.json");
    const { "document.date": _missing, ...rest } = JSON.parse(readFileSync(catalog, "utf8")) as Record<string, unknown>;
    writeFileSync(catalog, JSON.stringify(rest, null, 2));
    const french = join(root, "data", LETTER, "fr.json");
    const fr = JSON.parse(readFileSync(french, "utf8")) as { paragraphs: unknown[] };
    writeFileSync(french, JSON.stringify({ ...fr, paragraphs: fr.paragraphs.slice(0, -1) }, null, 2));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("names the template's problem and the translation's beside it, in one run", async () => {
    const args = ["generate", "--data", join(root, "data"), "--templates", join(root, "templates"), "--format", "html", "--out", join(root, "out")];
    const run = await new Promise<{ stdout: string; stderr: string }>((resolve) =>
      execFile(
        TSX,
        [join(REPO, "local/cli.ts"), ...args],
        { cwd: REPO, env: { ...process.env, NO_COLOR: "1", LETTERPRESS_LOCAL_DIR: join(root, "local") }, timeout: 240_000 },
        (_error, stdout, stderr) => resolve({ stdout, stderr }),
      ),
    );
    const said = `${run.stdout}\n${run.stderr}`;
    const report = said.slice(said.indexOf(`letter ${LETTER}: TEMPLATE_ERROR`));
    expect(report).toMatch(
      /^letter committee-hearing-defenders: TEMPLATE_ERROR: not made, its template "parliamentary-committee" was set aside, for these problems:\n {2}.*parliamentary-committee\/messages\/de\.json: document\.date: missing/,
    );
    expect(report).toMatch(/\n {2}and the letter's data problems, which the template's do not hide \(1\):\n {4}committee-hearing-defenders\/fr\.json: paragraphs\[\d+\]: missing/);
  });
});
