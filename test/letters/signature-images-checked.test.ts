import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DataIssue, formatDataIssue } from "../../functions/core/errors";
import { templateOffersOf } from "../../functions/core/letter/letter-context";
import { type LetterFile, parseLetter } from "../../functions/core/letter/parse-letter";
import { TemplateLibrary } from "../../functions/core/template/template-library";
import { loadTemplateSets } from "../../functions/templates/load-template-set";
import { DATA_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * The committee letter's signatories each show a signature the template looks up by their id
 * (`<img src="assets/signatures/{{id}}">`: one `<id>.svg`, `.png`, `.jpg` or `.jpeg`). A missing or an
 * ambiguous one failed at synth and at render, but the letter check passed it: the check does the
 * template's lookup, naming letter.json's signatory and the file it looked for.
 */
const LETTER = "committee-hearing-defenders";
const files: LetterFile[] = readdirSync(join(DATA_DIR, LETTER))
  .filter((name) => name.endsWith(".json"))
  .map((name) => ({ name, bytes: readFileSync(join(DATA_DIR, LETTER, name)) }));
const signatories = (JSON.parse(readFileSync(join(DATA_DIR, LETTER, "letter.json"), "utf8")) as { signatories: { id: string }[] }).signatories.map((s) => s.id);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "letterpress-signature-images-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The letter's problems against a copy of the templates changed by `change` (the committee template's folder). */
async function problemsWith(name: string, change: (signatures: string) => void): Promise<string[]> {
  const templates = join(dir, name);
  cpSync(TEMPLATES_DIR, templates, { recursive: true });
  change(join(templates, "parliamentary-committee/assets/signatures"));
  const context = { templates: templateOffersOf(new TemplateLibrary(await loadTemplateSets(templates))) };
  try {
    parseLetter(LETTER, files, [], context);
    return [];
  } catch (error) {
    return ((error as { issues?: DataIssue[] }).issues ?? []).map(formatDataIssue);
  }
}

describe("a signatory's signature image is looked up when the letter is checked", () => {
  it("passes the letter whose every signatory has one image", async () => {
    expect(await problemsWith("fine", () => {})).toEqual([]);
  });

  it("refuses a missing one and an ambiguous one, naming the signatory's JSON path, the file looked for and what is expected", async () => {
    const [first, second, third] = signatories;
    const problems = await problemsWith("broken", (signatures) => {
      rmSync(join(signatures, `${second}.svg`));
      copyFileSync(join(signatures, `${third}.svg`), join(signatures, `${third}.png`));
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      new RegExp(
        `^${LETTER}/letter\\.json: signatories\\[1\\]\\.id: makes the template's image src "assets/signatures/${second}": \\S+/assets/signatures/${second}: missing \\(named by \\S+/partials/signatories\\.hbs line \\d+, column \\d+: <img src="assets/signatures/\\{\\{…\\}\\}"> .*looked for as ${second}\\.svg, ${second}\\.png, ${second}\\.jpg, ${second}\\.jpeg in \\S+/assets/signatures/, and none is there; expected one of them$`,
      ),
    );
    expect(problems[1]).toMatch(
      new RegExp(`^${LETTER}/letter\\.json: signatories\\[2\\]\\.id: .*${third}\\.svg and \\S+/${third}\\.png are both there; keep one, or name the file with its kind$`),
    );
    expect(problems.join("\n")).not.toContain(first);
  });
});
