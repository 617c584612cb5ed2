import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DataIssue, formatDataIssue } from "../../functions/core/errors";
import { templateOffersOf } from "../../functions/core/letter/letter-context";
import { type LetterFile, parseLetter } from "../../functions/core/letter/parse-letter";
import { TemplateLibrary } from "../../functions/core/template/template-library";
import { loadTemplateSets } from "../../functions/templates/load-template-set";
import { DATA_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * A new signatory without a signature image was reported for the source language only: in the
 * translations, out of date since the signatory was added, staleness hid it (the fresh user's finding).
 * Every problem of a language is said in one run: a stale translation's other problems with its staleness.
 */
const LETTER = "committee-hearing-defenders";
type Json = Record<string, any>;

const letterFiles = (): Record<string, Json> =>
  Object.fromEntries(
    readdirSync(join(DATA_DIR, LETTER))
      .filter((name) => name.endsWith(".json"))
      .map((name) => [name, JSON.parse(readFileSync(join(DATA_DIR, LETTER, name), "utf8")) as Json]),
  );
const filesOf = (letter: Record<string, Json>): LetterFile[] => Object.entries(letter).map(([name, value]) => ({ name, bytes: new TextEncoder().encode(JSON.stringify(value)) }));

let dir: string;
let context: Parameters<typeof parseLetter>[3];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "letterpress-stale-every-problem-"));
  cpSync(TEMPLATES_DIR, dir, { recursive: true });
  context = { templates: templateOffersOf(new TemplateLibrary(await loadTemplateSets(dir))) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The letter's problems: those of an invalid letter, else those of each language refused. */
function problemsOf(letter: Record<string, Json>): string[] {
  try {
    const parsed = parseLetter(LETTER, filesOf(letter), [], context);
    return [...parsed.localeErrors.values()].flatMap((error) =>
      ((error as { issues?: DataIssue[] }).issues ?? [{ file: "", path: "", message: error.message }]).map(formatDataIssue),
    );
  } catch (error) {
    return ((error as { issues?: DataIssue[] }).issues ?? []).map(formatDataIssue);
  }
}

/** A signatory added to letter.json and every language file, with no signature image in the template. */
function withUnsignedSignatory(letter: Record<string, Json>): Record<string, Json> {
  letter["letter.json"]!.signatories.push({ id: "river-watch" });
  for (const [name, file] of Object.entries(letter)) if (name !== "letter.json") file.signatories["river-watch"] = { name: "River Watch" };
  return letter;
}

describe("a stale translation's other problems are said with its staleness", () => {
  it("names the missing signature and every translation's staleness in one run (the signatory changed the source's text)", () => {
    const problems = problemsOf(withUnsignedSignatory(letterFiles()));
    expect(problems.filter((problem) => problem.includes("signatories[") && problem.includes("river-watch: missing"))).toHaveLength(1);
    for (const translation of ["de", "fr"]) {
      expect(problems.some((problem) => problem.startsWith(`${LETTER}/${translation}.json: translationOf.sourceSha256:`))).toBe(true);
    }
  });
});
