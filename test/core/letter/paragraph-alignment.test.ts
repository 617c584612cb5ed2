import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DataIssue } from "../../../functions/core/errors";
import { type LetterFile, parseLetter } from "../../../functions/core/letter/parse-letter";

/**
 * A translation's paragraphs are matched with the source's by id, in order (a longest common
 * subsequence), so one paragraph added, dropped or moved is one problem named by its id, not an
 * "expected X here, found Y" at every place after it (fresh user 15: one extra paragraph at the start
 * of ur.json gave four).
 */
const SAMPLE = join(__dirname, "../../fixtures/letters/sample");
type Json = Record<string, any>;

/** The sample letter with a source of `ids.length` paragraphs (copies of its first) and a French translation of `frIds`. */
function letterWith(ids: readonly string[], frIds: readonly string[]): LetterFile[] {
  const files = Object.fromEntries(readdirSync(SAMPLE).map((name) => [name, JSON.parse(readFileSync(join(SAMPLE, name), "utf8")) as Json]));
  const paragraphsOf = (file: Json, wanted: readonly string[]) => wanted.map((id) => ({ ...file.paragraphs[0], id }));
  files["en.json"]!.paragraphs = paragraphsOf(files["en.json"]!, ids);
  files["fr.json"]!.paragraphs = paragraphsOf(files["fr.json"]!, frIds);
  return Object.entries(files).map(([name, value]) => ({ name, bytes: new TextEncoder().encode(JSON.stringify(value)) }));
}

function paragraphProblems(files: LetterFile[]): string[] {
  let issues: readonly DataIssue[];
  try {
    issues = [...parseLetter("sample", files).localeErrors.values()].flatMap((error) => (error as { issues?: DataIssue[] }).issues ?? []);
  } catch (error) {
    issues = (error as { issues?: DataIssue[] }).issues ?? [];
  }
  return issues.filter((issue) => issue.path.startsWith("paragraphs[")).map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`);
}

const SOURCE = ["opening", "facts", "request", "closing"];

describe("a translation's paragraphs against the source's, matched by id", () => {
  it("names one paragraph too many at the start once, whatever follows it", () => {
    expect(paragraphProblems(letterWith(SOURCE, ["empty", ...SOURCE]))).toEqual(['sample/fr.json: paragraphs[0]: unexpected paragraph "empty"; the source has 4 paragraphs']);
  });

  it("names a paragraph dropped in the middle once", () => {
    expect(paragraphProblems(letterWith(SOURCE, ["opening", "request", "closing"]))).toEqual([
      'sample/fr.json: paragraphs[1]: missing; expected paragraph "facts" (the source has 4 paragraphs)',
    ]);
  });

  it("names a paragraph moved, with where the source has it", () => {
    expect(paragraphProblems(letterWith(SOURCE, ["opening", "request", "closing", "facts"]))).toEqual([
      'sample/fr.json: paragraphs[3].id: paragraph "facts" is out of the source\'s order: the source has it as paragraphs[1]',
    ]);
  });

  it("names a paragraph renamed in place as before, and one added at the end", () => {
    expect(paragraphProblems(letterWith(SOURCE, ["opening", "fact", "request", "closing", "annex"]))).toEqual([
      'sample/fr.json: paragraphs[1].id: expected paragraph "facts" here, found "fact"',
      'sample/fr.json: paragraphs[4]: unexpected paragraph "annex"; the source has 4 paragraphs',
    ]);
  });

  it("finds nothing when the ids agree", () => {
    expect(paragraphProblems(letterWith(SOURCE, SOURCE))).toEqual([]);
  });
});
