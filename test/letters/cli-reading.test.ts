import { execFile } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATA_DIR, FIXTURES_DIR, REPO, SEED_LETTER } from "../support/letters";

/**
 * `npm run generate` says what it skipped and what it could not read (issue 15, items 2 and 9): a
 * skipped file is named in a warning, an empty --data is an error, and counts read as English.
 */

const SAMPLE = join(FIXTURES_DIR, "letters/sample");
const TSX = join(REPO, "node_modules/.bin/tsx");

function generate(args: string[], cwd = REPO): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [join(REPO, "local/cli.ts"), "generate", "--format", "html", "--templates", join(REPO, "templates"), ...args],
      { cwd, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("the generate command", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "letterpress-cli-"));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const sampleIn = (dir: string, id = "sample") => {
    mkdirSync(dir, { recursive: true });
    for (const name of ["letter.json", "en.json", "fr.json"]) copyFileSync(join(SAMPLE, name), join(dir, name));
    writeFileSync(join(dir, "letter.json"), readFileSync(join(SAMPLE, "letter.json"), "utf8").replace('"id": "sample"', `"id": "${id}"`));
  };

  it("names every skipped file and folder in a warning, and still makes the letter", async () => {
    const data = join(root, "data");
    sampleIn(join(data, "sample"));
    writeFileSync(join(data, "sample", ".DS_Store"), "\u0000\u0000\u0000\u0001Bud1");
    writeFileSync(join(data, "sample", "README.md"), "# notes\n");
    sampleIn(join(data, "Second Letter"));
    const run = await generate(["--data", data, "--out", join(root, "out")]);
    expect(run.stderr).toContain("warning: sample/.DS_Store: skipped: a hidden file");
    expect(run.stderr).toContain("warning: sample/README.md: skipped: not a .json file");
    expect(run.stderr).toContain("warning: Second Letter/: skipped: the folder's name is not a letter id");
    expect(run.stdout).toMatch(/2 documents \(\d stored, \d unchanged\) exported to .*, 0 failed, 3 warnings/);
    expect(run.code).toBe(0);
  }, 120_000);

  it("refuses an empty --data folder", async () => {
    mkdirSync(join(root, "empty"));
    const run = await generate(["--data", join(root, "empty"), "--out", join(root, "out")]);
    expect(run.stderr).toContain(`INVALID_DATA: ${join(root, "empty")}: no letters; expected a folder per letter`);
    expect(run.code).toBe(2);
  }, 120_000);

  it("counts one unreadable letter in the singular", async () => {
    const data = join(root, "data");
    sampleIn(join(data, "sample"));
    sampleIn(join(data, "broken"));
    writeFileSync(join(data, "broken", "letter.json"), "{}");
    const run = await generate(["--data", data, "--out", join(root, "out")]);
    expect(run.stderr).toContain("letter broken: INVALID_DATA");
    expect(run.stdout).toMatch(/, 0 failed, 1 letter unreadable$/m);
    expect(run.code).toBe(1);
  }, 120_000);

  it("makes a letter's languages despite stray .json files, naming each in a warning and never as a language", async () => {
    const data = join(root, "data");
    sampleIn(join(data, "sample"));
    copyFileSync(join(SAMPLE, "fr.json"), join(data, "sample", "xx.json"));
    writeFileSync(join(data, "sample", "fr (old).json"), "{}");
    copyFileSync(join(SAMPLE, "fr.json"), join(data, "sample", "fr_FR.json"));
    const run = await generate(["--data", data, "--out", join(root, "out")]);
    expect(run.stdout).toMatch(/^2 documents \(\d stored, \d unchanged\) exported to .*, 0 failed, 3 warnings$/m);
    expect(run.stderr).toContain('warning: sample/xx.json: skipped: "xx" names no language known to Unicode CLDR');
    expect(run.stderr).toContain("warning: sample/fr (old).json: skipped: unexpected file; expected letter.json or <locale>.json");
    expect(run.stderr).toContain(
      'warning: sample/fr_FR.json: skipped: unexpected file; expected letter.json or <locale>.json named by a BCP 47 language tag such as en, pt-BR or zh-Hant; "fr_FR" is not in canonical form, expected fr-FR.json',
    );
    // Not a language anywhere: no document line, no failure, nothing in the manifest.
    expect(run.stdout).not.toMatch(/sample (xx|fr \(old\)|fr_FR) /);
    const manifest = JSON.parse(readFileSync(join(root, "out", "manifest.json"), "utf8")) as { documents: { locale: string }[] };
    expect(new Set(manifest.documents.map((document) => document.locale))).toEqual(new Set(["en", "fr"]));
    expect(run.code).toBe(0);
  }, 120_000);

  it("prints exactly the example of README.md for the faults it describes", async () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const example = /```\n(warning: [\s\S]*?)```/.exec(readme)?.[1]?.trimEnd().split("\n");
    expect(example).toBeDefined();
    const letter = join(root, "data", SEED_LETTER);
    cpSync(join(DATA_DIR, SEED_LETTER), letter, { recursive: true });
    const edit = (name: string, change: (value: Record<string, any>) => void) => {
      const value = JSON.parse(readFileSync(join(letter, name), "utf8")) as Record<string, any>;
      change(value);
      writeFileSync(join(letter, name), JSON.stringify(value, null, 2));
    };
    edit("en.json", (en) => {
      en["paragraphs"][2]["content"][1]["source"] = "sr";
    });
    edit("letter.json", (facts) => {
      facts["date"] = "2015-02-30";
      facts["recipients"][3]["country"] = "France";
      facts["template"] = "un-security-counsil";
    });
    // A character no shipped font draws, refused by an HTML-only run as the PDF would refuse it.
    edit("ru.json", (ru) => {
      const first = Object.keys(ru["signatories"])[0] as string;
      ru["signatories"][first]["name"] += " \u{13000}";
    });
    edit("fr.json", (fr) => {
      delete fr["translationOf"];
    });
    writeFileSync(join(letter, ".DS_Store"), "\u0000\u0000\u0000\u0001Bud1");
    const run = await generate(["--data", join(root, "data"), "--out", "out"], root);
    const printed = [...run.stderr.trimEnd().split("\n"), run.stdout.trimEnd().split("\n").at(-1)];
    expect(printed).toEqual(example);
    expect(run.code).toBe(1);
  }, 120_000);

  it("refuses --endpoint without --bucket before any work, instead of ignoring it for the embedded server", async () => {
    const run = await generate(["--endpoint", "http://127.0.0.1:9", "--out", join(root, "out")]);
    expect(run.code).toBe(2);
    expect(
      run.stderr
        .trim()
        .split("\n")
        .filter((line) => line.startsWith("INVALID_REQUEST")),
    ).toEqual(["INVALID_REQUEST: --endpoint (S3_ENDPOINT) is the endpoint of --bucket (DOCUMENTS_BUCKET): give --bucket too, or leave both out for the embedded server"]);
  }, 120_000);
});
