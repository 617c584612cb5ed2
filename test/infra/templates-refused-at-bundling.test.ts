import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createRenderer } from "../../functions/render/create-renderer";
import { PREPARED_TEMPLATES_FILE, writePreparedTemplates } from "../../infra/bundling/prepare-templates";
import { templateLoadAndStylesheetWarnings } from "../../functions/templates/templates-folder-warnings";
import { REPO, TEMPLATES_DIR } from "../support/letters";

/**
 * Fresh user 8a, item 2: `npm run synth` bundled a template the render function refuses at its cold
 * start (a catalog `messages/vi.json` with a plural category Vietnamese does not have), exit 0 and no
 * word, and the deployed function then failed every render, of sound templates' letters too. The
 * bundling step (writePreparedTemplates, run by prepare-templates-cli.ts after esbuild) now runs the
 * check a local run makes (checkedTemplateLibrary) and refuses with its problems, by file and line or key.
 */

const sourceCatalog = () => JSON.parse(readFileSync(join(TEMPLATES_DIR, "un-security-council", "messages", "en.json"), "utf8")) as Record<string, string>;

/** templates/ copied, with a second template `my-org` (a copy of un-security-council) that `breakIt` edits. */
function templatesWithMyOrg(breakIt: (folder: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "lp-bundle-refuse-"));
  cpSync(TEMPLATES_DIR, join(dir, "templates"), { recursive: true });
  const folder = join(dir, "templates", "my-org");
  cpSync(join(TEMPLATES_DIR, "un-security-council"), folder, { recursive: true });
  breakIt(folder);
  return dir;
}

/** The error writePreparedTemplates refuses with, and that it wrote nothing. */
async function refusal(dir: string): Promise<string> {
  const outFile = join(dir, "bundle", PREPARED_TEMPLATES_FILE);
  const error = await writePreparedTemplates(join(dir, "templates"), outFile).then(
    () => undefined,
    (caught: unknown) => caught as Error,
  );
  expect(existsSync(outFile)).toBe(false);
  if (!error) throw new Error("bundled without an error");
  return error.message;
}

/** What a local run of the same folder says of it: the renderer's (set-aside) problems for `my-org`. */
async function localProblems(dir: string): Promise<string[]> {
  const renderer = await createRenderer({ templatesDir: join(dir, "templates"), paper: "A4", brokenTemplates: "set-aside" });
  return (renderer.templates.broken.get("my-org") ?? "").split("\n").filter(Boolean);
}

describe("bundling the render function's templates", () => {
  const dirs: string[] = [];
  const made = (dir: string) => (dirs.push(dir), dir);
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a catalog whose plural has a category its language lacks (vi: one), with the problem a local run names", async () => {
    const dir = made(
      templatesWithMyOrg((folder) => {
        const vi = { ...sourceCatalog(), "signatories.cosigned": "{count, plural, one {# x} other {# tổ chức}}" };
        writeFileSync(join(folder, "messages", "vi.json"), JSON.stringify(vi, null, 2));
      }),
    );
    const message = await refusal(dir);
    const local = await localProblems(dir);
    expect(local.length).toBeGreaterThan(0);
    expect(local.join("\n")).toMatch(/my-org\/messages\/vi\.json.*signatories\.cosigned/);
    // Every problem the local run names, in the same words.
    for (const problem of local) expect(message).toContain(problem);
    expect(message).toContain("not bundled");
  });

  it("refuses a stylesheet the render function cannot read, naming its file and line", async () => {
    const dir = made(
      templatesWithMyOrg((folder) => {
        writeFileSync(join(folder, "print.css"), `${readFileSync(join(folder, "print.css"), "utf8")}\narticle.letter { colour: red; }\n`);
      }),
    );
    const message = await refusal(dir);
    expect(message).toMatch(/my-org\/print\.css.*line \d+/);
    for (const problem of await localProblems(dir)) expect(message).toContain(problem);
  });

  it("refuses a margin box's image that is not in the template's assets, and a partial the letter uses but the folder lacks", async () => {
    const dir = made(
      templatesWithMyOrg((folder) => {
        writeFileSync(join(folder, "print.css"), `${readFileSync(join(folder, "print.css"), "utf8")}\n@page { @top-left { content: url("assets/missing-logo.png"); } }\n`);
        const partials = join(folder, "partials");
        const first = readFileSync(join(folder, "letter.hbs"), "utf8").match(/\{\{>\s*([\w-]+)/)?.[1];
        if (!first) throw new Error("letter.hbs calls no partial");
        rmSync(join(partials, `${first}.hbs`));
      }),
    );
    const message = await refusal(dir);
    expect(message).toContain("missing-logo.png");
    const local = await localProblems(dir);
    expect(local.length).toBeGreaterThanOrEqual(2);
    for (const problem of local) expect(message).toContain(problem);
  });

  it("refuses catalogs named by no language (vi_VN.json, a copy, a region alone), each with the name a local run's warning suggests", async () => {
    const misnamed = ["vi_VN.json", "vi (copy).json", "pt_br.json", "VN.json"];
    const dir = made(
      templatesWithMyOrg((folder) => {
        for (const name of misnamed) writeFileSync(join(folder, "messages", name), JSON.stringify(sourceCatalog(), null, 2));
      }),
    );
    const message = await refusal(dir);
    const warnings = (await templateLoadAndStylesheetWarnings(join(dir, "templates"), "A4")).filter((warning) => warning.includes("my-org/messages/"));
    expect(warnings).toHaveLength(misnamed.length);
    for (const warning of warnings) {
      const [file, suggestion] = warning.split(": skipped: ");
      expect(message).toContain(`${file}: not a catalog of the template, which the render function would skip without a word: ${suggestion}`);
    }
    expect(message).toContain("vi-VN.json");
    expect(message).toContain("pt-BR.json");
    expect(message).toContain("not bundled");
  });

  it("bundles the shipped templates as before", async () => {
    const dir = made(mkdtempSync(join(tmpdir(), "lp-bundle-sound-")));
    const summary = await writePreparedTemplates(TEMPLATES_DIR, join(dir, PREPARED_TEMPLATES_FILE));
    expect(summary.skipped).toEqual([]);
    expect(existsSync(join(dir, PREPARED_TEMPLATES_FILE))).toBe(true);
  });

  it("fails the synth's afterBundling step (prepare-templates-cli.ts): exit 1, the problems by file and key, not a stack", async () => {
    const dir = made(
      templatesWithMyOrg((folder) => {
        const vi = { ...sourceCatalog(), "signatories.cosigned": "{count, plural, one {# x} other {# tổ chức}}" };
        writeFileSync(join(folder, "messages", "vi.json"), JSON.stringify(vi, null, 2));
      }),
    );
    const run = await promisify(execFile)(
      process.execPath,
      [require.resolve("tsx/cli"), join(REPO, "infra/bundling/prepare-templates-cli.ts"), join(dir, "templates"), join(dir, "out", PREPARED_TEMPLATES_FILE)],
      { cwd: REPO },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^prepare-templates: TEMPLATE_ERROR: /);
    expect(run.stderr).toMatch(/my-org\/messages\/vi\.json.*signatories\.cosigned/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
