import { spawnSync } from "node:child_process";
import { cpSync, copyFileSync, mkdtempSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deployedLetterDataProblems } from "../../infra/bundling/check-letter-data";
import { REPO, TEMPLATES_DIR } from "../support/letters";

jest.setTimeout(120_000);

/**
 * Fresh user 12, item 3: `npm run synth` deployed letter data the render then refused (a language the
 * template has no catalog for, a signatory without a signature image). The synth now reads and makes
 * the deployed letters as `generate --format html` does (check-letter-data.ts, run by infra/app.ts).
 * The fixture is a user's own template and letter (templates/water-coalition, data/water-appeal).
 */
const FIXTURE = join(__dirname, "../fixtures/synth");
const TEMPLATE = "water-coalition";

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "lp-synth-data-"));
  cpSync(join(FIXTURE, "templates"), join(work, "templates"), { recursive: true });
  // The user-agent stylesheet every template folder sits beside, as shipped.
  copyFileSync(join(TEMPLATES_DIR, "ua.css"), join(work, "templates", "ua.css"));
  cpSync(join(FIXTURE, "data"), join(work, "data"), { recursive: true });
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const inTemplate = (...parts: string[]) => join(work, "templates", TEMPLATE, ...parts);
const problems = () => deployedLetterDataProblems(join(work, "data"), join(work, "templates"));

describe("the synth's check of the deployed letter data", () => {
  it("passes the letter as its author wrote it", async () => {
    expect(await problems()).toEqual([]);
  });

  it("refuses a language whose catalog the letter's template lacks, naming the file to add", async () => {
    unlinkSync(inTemplate("messages", "ur.json"));
    const lines = await problems();
    expect(lines[0]).toBe("letter water-appeal (ur): INVALID_DATA");
    expect(lines[1]).toContain(`the letter's template "${TEMPLATE}" has no messages in this language; expected`);
    expect(lines[1]).toContain(join(TEMPLATE, "messages", "ur.json"));
  });

  it.each([
    ["missing", () => unlinkSync(inTemplate("assets", "signatures", "river-alliance.png")), "signatories[0].id", "river-alliance: missing"],
    [
      "ambiguous",
      () => copyFileSync(inTemplate("assets", "signatures", "clean-taps-now.svg"), inTemplate("assets", "signatures", "clean-taps-now.png")),
      "signatories[1].id",
      "clean-taps-now: is ambiguous",
    ],
  ])("refuses a signature image that is %s when the letter is checked, once, naming the signatory", async (_kind, breakIt, path, said) => {
    breakIt();
    const lines = await problems();
    // The letter check does the template's image lookup: the data's signatory is named, before any document is made.
    expect(lines.filter((line) => !line.startsWith("  "))).toEqual(["letter water-appeal: INVALID_DATA"]);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`water-appeal/letter.json: ${path}: makes the template's image src`);
    expect(lines[1]).toContain(said);
  });

  it("refuses a broken template whole, before any letter, with its problems", async () => {
    unlinkSync(inTemplate("letter.hbs"));
    const lines = await problems();
    expect(lines[0]).toBe("templates: TEMPLATE_ERROR");
    expect(lines.join("\n")).toContain("letter.hbs");
  });

  it("exits 1 from its command with the problems alone on stderr: no stack", () => {
    unlinkSync(inTemplate("messages", "ur.json"));
    const child = spawnSync(join(REPO, "node_modules/.bin/tsx"), [join(REPO, "infra/bundling/check-letter-data-cli.ts"), join(work, "data"), join(work, "templates")], {
      encoding: "utf8",
      timeout: 100_000,
    });
    expect(child.status).toBe(1);
    const printed = child.stderr.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("Note: Node"));
    expect(printed[0]).toMatch(/^synth refused: the render would refuse these once deployed/);
    expect(printed[1]).toBe("  letter water-appeal (ur): INVALID_DATA");
    expect(child.stderr).not.toMatch(/\bat \S+:\d+:\d+/);
  });
});
