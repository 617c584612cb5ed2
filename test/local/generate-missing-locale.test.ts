import { execFile } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES_DIR, REPO } from "../support/letters";

jest.setTimeout(300_000);

const TSX = join(REPO, "node_modules/.bin/tsx");

function generate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [join(REPO, "local/cli.ts"), "generate", "--format", "html", ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A copy of the sample letter (en, fr; a recipient in each) under another id, changed by `edit`. */
function sampleAs(dataDir: string, letterId: string, edit: (facts: { id: string; recipients: { locale: string }[] }) => void = () => {}): string {
  const folder = join(dataDir, letterId);
  cpSync(join(FIXTURES_DIR, "letters/sample"), folder, { recursive: true });
  const facts = JSON.parse(readFileSync(join(folder, "letter.json"), "utf8")) as { id: string; recipients: { locale: string }[] };
  facts.id = letterId;
  edit(facts);
  writeFileSync(join(folder, "letter.json"), JSON.stringify(facts, null, 2));
  return folder;
}

const closingLine = (stdout: string) => stdout.trimEnd().split("\n").at(-1);

/**
 * Issue 15, the fresh user's `generate --locale he`: a letter that was never written in an asked
 * language is not a failure. It is named ("no fr translation, skipped"), counted apart from the
 * failures, and the run exits 0 when nothing else failed; a letter whose file of that language is
 * broken still fails; no letter with the language at all is an error before anything renders.
 */
describe("generate --locale over letters that lack an asked language", () => {
  let root: string;
  let data: string;
  let out: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "letterpress-missing-locale-"));
    data = join(root, "data");
    out = join(root, "out");
    sampleAs(data, "bilingual");
    // Never written in French: its recipient in France reads it in English.
    const englishOnly = sampleAs(data, "english-only", (facts) => {
      for (const recipient of facts.recipients) recipient.locale = "en";
    });
    rmSync(join(englishOnly, "fr.json"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("skips and names the letter without the language, exits 0, and keeps that letter's exported files", async () => {
    const everything = await generate(["--data", data, "--out", out]);
    expect(everything.code).toBe(0);
    expect(existsSync(join(out, "english-only/en/english-only-en.html"))).toBe(true);

    const french = await generate(["--data", data, "--out", out, "--locale", "fr"]);
    expect(french.stderr).toContain("letter english-only: no fr translation, skipped (its languages: en)\n");
    expect(french.stdout).not.toMatch(/FAILED/);
    expect(closingLine(french.stdout)).toMatch(/^1 document \(\d stored, 1 unchanged\) exported to .* \(\d+ there in all\), 0 failed, 1 skipped \(no fr translation: 1 letter\)$/);
    expect(french.code).toBe(0);
    // The skipped letter's files from the run before are still its current documents.
    expect(existsSync(join(out, "english-only/en/english-only-en.html"))).toBe(true);
  });

  it("names each letter and language skipped when several languages are asked", async () => {
    const run = await generate(["--data", data, "--out", out, "--locale", "fr,en"]);
    expect(run.stderr.split("\n").filter((line) => line.includes(", skipped"))).toEqual(["letter english-only: no fr translation, skipped (its languages: en)"]);
    expect(closingLine(run.stdout)).toMatch(/^3 documents .*, 0 failed, 1 skipped \(no fr translation: 1 letter\)$/);
    expect(run.code).toBe(0);
  });

  it("refuses a language no letter has, before anything renders, naming the languages there are", async () => {
    const run = await generate(["--data", data, "--out", out, "--locale", "de"]);
    expect(run.stderr).toContain("UNKNOWN_LOCALE: --locale de: the letters have no German (de) translation (languages of the data: en, fr)");
    expect(run.stdout).not.toContain("Storing in");
    expect(run.code).toBe(2);
  });

  it("still fails a letter whose file of the language is there but broken", async () => {
    const broken = sampleAs(data, "broken-french");
    writeFileSync(join(broken, "fr.json"), '{"locale": "fr", ');
    try {
      const run = await generate(["--data", data, "--out", out, "--locale", "fr"]);
      expect(run.stdout).toMatch(/broken-french fr html +FAILED: .*broken-french\/fr\.json/);
      expect(closingLine(run.stdout)).toMatch(/, 1 failed, 1 skipped \(no fr translation: 1 letter\)$/);
      expect(run.code).toBe(1);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it("takes a symlinked translation for absent, as the deployed copy has it: the link is named, and a recipient's language without its file refuses the letter", async () => {
    const linked = sampleAs(data, "linked");
    const elsewhere = join(root, "shared-fr.json");
    cpSync(join(linked, "fr.json"), elsewhere);
    rmSync(join(linked, "fr.json"));
    symlinkSync(elsewhere, join(linked, "fr.json"));
    try {
      const run = await generate(["--data", data, "--out", out, "--letter", "linked"]);
      const warnings = run.stderr.split("\n").filter((line) => line.startsWith("warning: "));
      expect(warnings).toEqual([expect.stringMatching(/^warning: linked\/fr\.json: skipped: a symbolic link; letter data must be regular files/)]);
      expect(`${run.stdout}${run.stderr}`).toMatch(/linked\/letter\.json: recipients\[0\]\.locale: "fr" is not a language of this letter \(fr\.json is skipped: see its warning\)/);
      expect(run.code).not.toBe(0);
    } finally {
      rmSync(linked, { recursive: true, force: true });
    }
  });
});
