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
/** `generate` over a data and templates folder under `root`, as a person runs it: everything it printed. */
async function generate(root: string): Promise<string> {
  const args = ["generate", "--data", join(root, "data"), "--templates", join(root, "templates"), "--format", "html", "--out", join(root, "out")];
  const run = await new Promise<{ stdout: string; stderr: string }>((resolve) =>
    execFile(
      TSX,
      [join(REPO, "local/cli.ts"), ...args],
      { cwd: REPO, env: { ...process.env, NO_COLOR: "1", LETTERPRESS_LOCAL_DIR: join(root, "local") }, timeout: 240_000 },
      (_error, stdout, stderr) => resolve({ stdout, stderr }),
    ),
  );
  return `${run.stdout}\n${run.stderr}`;
}

/** The template's catalog for German without one message it prints: the template is set aside. */
function breakGermanCatalog(root: string): void {
  const catalog = join(root, "templates", "parliamentary-committee", "messages", "de.json");
  const { "document.date": _missing, ...rest } = JSON.parse(readFileSync(catalog, "utf8")) as Record<string, unknown>;
  writeFileSync(catalog, JSON.stringify(rest, null, 2));
}

describe("a letter whose template is set aside and whose data has problems too", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "letterpress-beside-"));
    cpSync(TEMPLATES_DIR, join(root, "templates"), { recursive: true });
    cpSync(join(DATA_DIR, LETTER), join(root, "data", LETTER), { recursive: true });
    breakGermanCatalog(root);
    const french = join(root, "data", LETTER, "fr.json");
    const fr = JSON.parse(readFileSync(french, "utf8")) as { paragraphs: unknown[] };
    writeFileSync(french, JSON.stringify({ ...fr, paragraphs: fr.paragraphs.slice(0, -1) }, null, 2));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("names the template's problem and the translation's beside it, in one run", async () => {
    const said = await generate(root);
    const report = said.slice(said.indexOf(`letter ${LETTER}: TEMPLATE_ERROR`));
    expect(report).toMatch(
      /^letter committee-hearing-defenders: TEMPLATE_ERROR: not made, its template "parliamentary-committee" was set aside, for these problems:\n {2}.*parliamentary-committee\/messages\/de\.json: document\.date: missing/,
    );
    expect(report).toMatch(/\n {2}and the letter's data problems, which the template's do not hide \(1\):\n {4}committee-hearing-defenders\/fr\.json: paragraphs\[\d+\]: missing/);
  });
});

/**
 * A character no shipped font draws is a data problem like any other (fresh user 10, finding 3): with the
 * template set aside, a Tifinagh title and a Syriac signatory's name were said only once it was fixed.
 */
describe("a letter whose template is set aside and whose translations hold characters no font draws", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "letterpress-beside-glyphs-"));
    cpSync(TEMPLATES_DIR, join(root, "templates"), { recursive: true });
    cpSync(join(DATA_DIR, LETTER), join(root, "data", LETTER), { recursive: true });
    breakGermanCatalog(root);
    const french = join(root, "data", LETTER, "fr.json");
    const fr = JSON.parse(readFileSync(french, "utf8")) as { title: string };
    writeFileSync(french, JSON.stringify({ ...fr, title: `${fr.title} ⵜⴰⵎⴰⵣⵉⵖⵜ` }, null, 2));
    const german = join(root, "data", LETTER, "de.json");
    const de = JSON.parse(readFileSync(german, "utf8")) as { signatories: Record<string, { name: string }> };
    const [first] = Object.keys(de.signatories);
    de.signatories[first as string]!.name = "ܐܠܦ";
    writeFileSync(german, JSON.stringify(de, null, 2));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("names every uncovered character beside the template's problem, in one run", async () => {
    const said = await generate(root);
    const report = said.slice(said.indexOf(`letter ${LETTER}: TEMPLATE_ERROR`));
    expect(report).toMatch(/\n {2}and the letter's data problems, which the template's do not hide \(2\):\n/);
    expect(report).toMatch(/\n {4}committee-hearing-defenders\/de\.json: signatories\.[\w-]+\.name: no shipped font has a glyph for U\+0710 SYRIAC LETTER ALAPH/);
    expect(report).toMatch(/\n {4}committee-hearing-defenders\/fr\.json: title: no shipped font has a glyph for U\+2D5C TIFINAGH LETTER YAT/);
  });
});
