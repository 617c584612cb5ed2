import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { paperConflict, templatePageSize } from "../../local/paper-flag";
import { DATA_DIR, FIXTURES_DIR, REPO, TEMPLATES_DIR } from "../support/letters";

jest.setTimeout(120_000);

const TSX = join(REPO, "node_modules/.bin/tsx");

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [join(REPO, "local/cli.ts"), ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: "1", ...env }, timeout: 90_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * --paper against a template's own page size (issue 12 follow-up, item 1). The rule: a template
 * that sets `@page { size }` decides its letters' paper; --paper is the paper of templates that set
 * none; --paper given explicitly against a template's size is refused, naming the stylesheet line.
 */
describe("--paper and a template's @page size", () => {
  const sheet = (body: string) => templatePageSize("brand/print.css", body);

  it("finds the size a template sets, with its line, and none when it sets none", () => {
    expect(sheet("p { margin: 0 }\n\n@page {\n  margin: 2cm;\n  size: letter;\n}")).toEqual({
      where: "brand/print.css line 5, selector @page, property size",
      value: "letter",
      everyPage: true,
    });
    expect(sheet("@page { margin: 2cm }\np { color: red }")).toBeUndefined();
    // The cascade keeps the last @page size; a :first page's size counts only when there is no other.
    expect(sheet("@page { size: A4 }\n@page :first { size: A5 }\n@page { size: 210mm 297mm }")?.value).toBe("210mm 297mm");
    expect(sheet("@page :first { size: legal }")?.value).toBe("legal");
  });

  it.each([
    ["a4", "A4", "@page { size: letter }"],
    ["letter", "Letter", "@page { size: A4 }"],
    ["a4", "A4", "@page { size: A4 landscape }"],
    ["letter", "Letter", "@page { size: 8.5in 11in }"],
    ["a4", "A4", "@page { size: A5 }"],
  ] as const)("refuses --paper %s (%s) against %s", (flag, paper, css) => {
    const message = paperConflict(flag, paper, sheet(css), ["my-letter"]);
    expect(message).toMatch(
      new RegExp(
        `^--paper ${flag}: brand/print\\.css line 1, selector @page, property size: the template sets @page \\{ size: .+ \\}, which decides the paper of its letters \\(my-letter\\); leave out --paper`,
      ),
    );
  });

  it.each([
    ["a4", "A4", "@page { size: a4 }"],
    ["a4", "A4", "@page { size: A4 portrait }"],
    ["letter", "Letter", "@page { size: LETTER }"],
    ["letter", "Letter", "@page { margin: 1in }"],
  ] as const)("takes --paper %s (%s) with %s", (flag, paper, css) => {
    expect(paperConflict(flag, paper, sheet(css), ["my-letter"])).toBeUndefined();
  });

  it("`generate --paper a4` for the committee letter, whose template sets letter, exits 2 naming the template's line, before anything is stored", async () => {
    const out = await mkdtemp(join(tmpdir(), "letterpress-paper-"));
    try {
      // "A4" as CSS writes it: the flag reads paper sizes in any case.
      const run = await cli(["generate", "--data", DATA_DIR, "--letter", "committee-hearing-defenders", "--paper", "A4", "--out", out]);
      expect(run.stderr).toMatch(
        /^INVALID_REQUEST: --paper a4: templates\/parliamentary-committee\/print\.css line \d+, selector @page, property size: the template sets @page \{ size: letter \}, which decides the paper of its letters \(committee-hearing-defenders\)/,
      );
      expect(run.stdout).not.toContain("Storing in");
      expect(run.code).toBe(2);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it("`generate --locale EN` exits 2 suggesting the data's tag, before anything is rendered", async () => {
    const out = await mkdtemp(join(tmpdir(), "letterpress-locale-"));
    try {
      const run = await cli(["generate", "--data", DATA_DIR, "--letter", "unsc-dprk-2015", "--locale", "EN,pt_br", "--out", out]);
      expect(run.stderr).toContain('UNKNOWN_LOCALE: --locale EN: the data\'s tag is "en"');
      expect(run.stderr).toContain("did you mean --locale en?");
      expect(run.stderr).toContain("--locale pt_br: the letters have no pt-BR translation");
      expect(run.stdout).not.toMatch(/documents? \(/);
      expect(run.code).toBe(2);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it("`generate --recipients` with a template that prints nothing of the recipient warns once, naming the template and the fields", async () => {
    const root = await mkdtemp(join(tmpdir(), "letterpress-merge-"));
    try {
      await cp(TEMPLATES_DIR, join(root, "templates"), { recursive: true });
      // The addressee says the Council to everyone: every copy would be the same.
      await writeFile(join(root, "templates/un-security-council/partials/addressee.hbs"), '<address class="addressee">{{t "addressee.council"}}</address>\n');
      const run = await cli([
        "generate",
        "--data",
        DATA_DIR,
        "--templates",
        join(root, "templates"),
        "--letter",
        "unsc-dprk-2015",
        "--recipients",
        "--locale",
        "en",
        "--format",
        "html",
        "--out",
        join(root, "out"),
      ]);
      const warnings = run.stderr.split("\n").filter((line) => line.startsWith("warning: unsc-dprk-2015: --recipients makes"));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(
        // fresh7 item 10: the template under the --templates folder used, not the project's templates/.
        `template "un-security-council" (${join(root, "templates/un-security-council/letter.hbs")} and its partials) never prints recipient.country, recipient.representative, recipient.representativeName`,
      );
      expect(run.code).toBe(0);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

/** fresh user 8a, item 8: a mail merge limited to languages no recipient reads made "0 documents" and said nothing. */
describe("`generate --recipients --locale` in languages no recipient reads", () => {
  it("says which asked languages no recipient reads, and the languages its recipients do read", async () => {
    const out = await mkdtemp(join(tmpdir(), "letterpress-unread-"));
    try {
      const run = await cli(["generate", "--letter", "unsc-dprk-2015", "--recipients", "--locale", "el", "--locale", "fr", "--format", "html", "--out", out]);
      expect(run.stderr).toContain("warning: unsc-dprk-2015: --recipients makes no copy in el: no recipient reads el (its recipients read ar, en, es, fr, ru, zh)\n");
      expect(run.code).toBe(0);
      // fresh user 8a, item 9: the embedded S3 server's folder as LETTERPRESS_LOCAL_DIR places it (the tests' is per worker, outside the project).
      expect(run.stdout).toContain(`data in ${join(process.env.LETTERPRESS_LOCAL_DIR!, "s3")}\n`);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

/** fresh user s12, item 3: `generate --recipients` on a letter with no recipients said "0 documents" and nothing more. */
describe("`generate --recipients` on a letter with no recipients", () => {
  it.each([
    [["--letter", "committee-hearing-defenders"], ""],
    // Every letter asked for: the ones a mail merge makes copies of are named.
    [[], "; the letters with recipients: unsc-dprk-2015"],
  ])("generate --recipients %j says the letter has no recipients", async (letters, others) => {
    const out = await mkdtemp(join(tmpdir(), "letterpress-no-recipients-"));
    try {
      const run = await cli(["generate", ...letters, "--recipients", "--locale", "en", "--format", "html", "--out", out]);
      expect(run.stderr).toContain(`warning: committee-hearing-defenders: --recipients makes no copy: the letter has no recipients (its letter.json lists none)${others}\n`);
      expect(run.code).toBe(0);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

/** fresh user s12, item 4: a broken template's warning was repeated on runs for other templates' letters. */
describe("a broken template beside the run's", () => {
  it("is not said to a run for another template's letter, and is to a run for its own", async () => {
    const root = await mkdtemp(join(tmpdir(), "letterpress-broken-beside-"));
    try {
      await cp(TEMPLATES_DIR, join(root, "templates"), { recursive: true });
      await cp(join(TEMPLATES_DIR, "parliamentary-committee"), join(root, "templates/shouting"), { recursive: true });
      const letterHbs = join(root, "templates/shouting/letter.hbs");
      await writeFile(letterHbs, (await readFile(letterHbs, "utf8")).replace("{{title}}</h1>", "{{shout title}}</h1>"));
      const data = join(root, "data");
      await cp(DATA_DIR, data, { recursive: true });
      const facts = join(data, "committee-hearing-defenders/letter.json");
      await writeFile(facts, JSON.stringify({ ...JSON.parse(await readFile(facts, "utf8")), template: "shouting" }));
      const generate = (letter: string) =>
        cli(["generate", "--data", data, "--templates", join(root, "templates"), "--letter", letter, "--locale", "en", "--format", "html", "--out", join(root, "out")]);

      const other = await generate("unsc-dprk-2015");
      expect(other.stderr).not.toContain('template "shouting"');
      expect(other.code).toBe(0);
      const own = await generate("committee-hearing-defenders");
      expect(own.stderr).toContain('warning: template "shouting"');
      expect(own.code).toBe(1);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

/** fresh user s12, item 5: 800 recipients without fingerprints printed 800 alike failures and no summary. */
describe("alike failures of a big letter", () => {
  it("are said the first few times and summed up, every one in the manifest; --every-failure says each; a letter's alike problems too", async () => {
    const root = await mkdtemp(join(tmpdir(), "letterpress-alike-"));
    try {
      const data = join(root, "data");
      await cp(join(DATA_DIR, "committee-hearing-defenders"), join(data, "big"), { recursive: true });
      const ids = Array.from({ length: 12 }, (_, i) => `r${String(i).padStart(2, "0")}`);
      const facts = JSON.parse(await readFile(join(data, "big/letter.json"), "utf8"));
      await writeFile(join(data, "big/letter.json"), JSON.stringify({ ...facts, id: "big", recipients: ids.map((id) => ({ id, country: "FR", locale: "fr" })) }));
      // Each recipient's words in every language, and no fingerprint of them in the translations.
      for (const locale of ["en", "fr", "de"]) {
        const file = join(data, `big/${locale}.json`);
        const words = Object.fromEntries(ids.map((id) => [id, { country: "France", representative: `Envoy ${id}` }]));
        await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, "utf8")), recipients: words }));
      }
      const generate = (...more: string[]) => cli(["generate", "--data", data, "--recipients", "--locale", "fr", "--format", "html", "--out", join(root, "out"), ...more]);

      const grouped = await generate();
      expect(grouped.code).toBe(1);
      expect(grouped.stdout.match(/FAILED: big\/fr\.json: translationOf\.recipients\.r\d\d: missing/g)).toHaveLength(3);
      expect(grouped.stdout).toContain(`12 documents failed alike, the first 3 said above (big/fr.json: translationOf.recipients.<id>: missing; expected "<id>": "<fingerprint>"`);
      expect(grouped.stdout).toContain(`big fr (r04) html and 7 more; every one in ${join(root, "out")}/manifest.json's failures, or said in full with --every-failure`);
      const manifest = JSON.parse(await readFile(join(root, "out/manifest.json"), "utf8"));
      expect(manifest.failures.map((failure: { recipientId: string }) => failure.recipientId).sort()).toEqual(ids);

      const every = await generate("--every-failure");
      expect(every.stdout.match(/FAILED: big\/fr\.json: translationOf\.recipients\.r\d\d: missing/g)).toHaveLength(12);
      expect(every.stdout).not.toContain("failed alike");

      // A letter refused as a whole: its alike problems (each recipient's country) summed up the same way.
      await writeFile(join(data, "big/letter.json"), JSON.stringify({ ...facts, id: "big", recipients: ids.map((id) => ({ id, country: "France", locale: "fr" })) }));
      const refused = await generate();
      expect(refused.stderr.match(/big\/letter\.json: recipients\[\d+\]\.country: expected an assigned ISO 3166-1/g)).toHaveLength(3);
      expect(refused.stderr).toContain("  12 problems alike, the first 3 said above (big/letter.json: recipients[…].country: expected an assigned ISO 3166-1 alpha-2 country code");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

/** --letter and --data naming what is not there: refused before anything is stored, saying what is there. */
describe("--letter and --data that name nothing", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "letterpress-asked-"));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("refuses --letter ids the data has no letter for (exit 2), naming the letters there, before any document", async () => {
    const run = await cli(["generate", "--data", DATA_DIR, "--letter", "unsc-dprk-2015,no-such-letter,committee-hearing", "--format", "html", "--out", join(root, "out")]);
    expect(run.stderr).toContain(
      `UNKNOWN_LETTER: --letter no-such-letter: no letter "no-such-letter" in ${DATA_DIR}; the letters there: committee-hearing-defenders, unsc-dprk-2015`,
    );
    expect(run.stderr).toContain('--letter committee-hearing: no letter "committee-hearing"');
    expect(run.stdout).not.toContain("unsc-dprk-2015 en");
    expect(run.code).toBe(2);
  });

  it("suggests the letter id a --letter in another case or a near miss stands for, before any document", async () => {
    const run = await cli(["generate", "--data", DATA_DIR, "--letter", "UNSC-DPRK-2015,committee-hearing-defender", "--format", "html", "--out", join(root, "out")]);
    expect(run.stderr).toContain(
      `UNKNOWN_LETTER: --letter UNSC-DPRK-2015: no letter "UNSC-DPRK-2015" in ${DATA_DIR}; the letters there: committee-hearing-defenders, unsc-dprk-2015; did you mean --letter unsc-dprk-2015?`,
    );
    expect(run.stderr).toContain('--letter committee-hearing-defender: no letter "committee-hearing-defender" in');
    expect(run.stderr).toContain("did you mean --letter committee-hearing-defenders?");
    expect(run.stdout).not.toContain("unsc-dprk-2015 en");
    expect(run.code).toBe(2);
  });

  it("suggests the format a --format in another case stands for, and a letter id a --letter begins", async () => {
    const format = await cli(["generate", "--data", DATA_DIR, "--format", "PDF", "--out", join(root, "out")]);
    expect(format.stderr).toContain('unknown format "PDF" (did you mean pdf?); expected pdf and/or html');
    expect(format.code).toBe(2);
    const letter = await cli(["generate", "--data", DATA_DIR, "--letter", "committee", "--format", "html", "--out", join(root, "out")]);
    expect(letter.stderr).toContain("did you mean --letter committee-hearing-defenders?");
    expect(letter.code).toBe(2);
  });

  it("says a --data folder that does not exist is no such folder", async () => {
    const run = await cli(["generate", "--data", join(root, "nowhere"), "--format", "html", "--out", join(root, "out")]);
    expect(run.stderr).toContain(`INVALID_DATA: ${join(root, "nowhere")}: cannot read the data directory (no such folder); expected a folder of letters`);
    expect(run.code).toBe(2);
  });

  /**
   * fresh7 item 14: `--data /nonexistent` started the embedded S3 server (and said "Storing in ...")
   * before it was refused. Each refused argument here is refused with no server started: the server
   * makes its folder under LETTERPRESS_LOCAL_DIR as it starts, and that folder stays absent.
   */
  it.each([
    ["a --data folder that does not exist", (dir: string) => ["generate", "--data", join(dir, "nowhere"), "--format", "html"], "INVALID_DATA: "],
    ["a --data path that is a file", (_dir: string) => ["generate", "--data", join(DATA_DIR, "unsc-dprk-2015/en.json"), "--format", "html"], "INVALID_DATA: "],
    ["a --letter the data lacks", () => ["generate", "--data", DATA_DIR, "--letter", "no-such-letter", "--format", "html"], "UNKNOWN_LETTER: "],
    ["a --locale the data lacks", () => ["generate", "--data", DATA_DIR, "--letter", "unsc-dprk-2015", "--locale", "xx", "--format", "html"], "UNKNOWN_LOCALE: "],
    ["a --templates folder that does not exist", (dir: string) => ["generate", "--data", DATA_DIR, "--templates", join(dir, "nowhere"), "--format", "html"], "TEMPLATE_ERROR: "],
    ["serve with a --data folder that does not exist", (dir: string) => ["serve", "--port", "0", "--data", join(dir, "nowhere")], "INVALID_DATA: "],
    ["serve with a --templates folder that does not exist", (dir: string) => ["serve", "--port", "0", "--templates", join(dir, "nowhere")], "TEMPLATE_ERROR: "],
  ])("refuses %s before the embedded S3 server starts", async (_what, args, code) => {
    const local = join(root, "local");
    const run = await cli([...args(root), ...(args(root)[0] === "generate" ? ["--out", join(root, "out")] : [])], { LETTERPRESS_LOCAL_DIR: local });
    expect(run.stderr).toContain(code);
    expect(run.stdout).not.toContain("Storing in");
    expect(run.stdout).not.toContain("serving");
    expect(run.code).toBe(2);
    await expect(stat(join(local, "s3"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("generate --help", () => {
  it("says each default as it would be typed, not as JSON", async () => {
    const run = await cli(["generate", "--help"]);
    const help = run.stdout.replace(/\s+/g, " ");
    expect(help).toContain("--format <formats> formats, comma-separated or the flag repeated: pdf and/or html (default: pdf,html)");
    expect(help).not.toMatch(/default: \[/);
    expect(run.code).toBe(0);
  });
});

/**
 * Review of issue 15's fixes: `generate --locale zh --locale ar` made only ar documents, silently (the
 * last flag given replaced the others). A list flag repeated now asks for every value given, as a
 * comma-separated list does: --locale, --letter and --format alike.
 */
describe("list flags given more than once", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "letterpress-repeated-flags-"));
    for (const letterId of ["alpha", "beta", "gamma"]) {
      await cp(join(FIXTURES_DIR, "letters/sample"), join(root, "data", letterId), { recursive: true });
      const facts = join(root, "data", letterId, "letter.json");
      await writeFile(facts, (await readFile(facts, "utf8")).replace('"id": "sample"', `"id": "${letterId}"`));
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("asks for every value of every repetition (--locale fr --locale en: both), each once, the first replacing the default", async () => {
    const out = join(root, "out");
    const run = await cli([
      "generate",
      "--data",
      join(root, "data"),
      "--letter",
      "alpha",
      "--letter",
      "gamma,alpha",
      "--locale",
      "fr",
      "--locale",
      "en",
      "--format",
      "html",
      "--format",
      "html",
      "--out",
      out,
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as { documents: { letterId: string; locale: string; format: string }[] };
    // Both languages of both letters, in HTML alone (the first --format replaced the default pdf,html).
    expect(manifest.documents.map((document) => `${document.letterId} ${document.locale} ${document.format}`).sort()).toEqual([
      "alpha en html",
      "alpha fr html",
      "gamma en html",
      "gamma fr html",
    ]);
  });

  it("still refuses a bad value in any repetition, naming it", async () => {
    const run = await cli(["generate", "--data", join(root, "data"), "--locale", "fr", "--locale", "not a tag", "--out", join(root, "out-bad")]);
    expect(run.stderr).toContain('"not a tag" is not a language tag');
    expect(run.code).toBe(2);
  });
});
