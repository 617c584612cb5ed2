import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DataIssue } from "../../../functions/core/errors";
import { parseLetter } from "../../../functions/core/letter/parse-letter";

/**
 * zod's default messages ("expected boolean, received string", "Too big: expected array to have
 * <=500 items", "expected string, received undefined") said as what is missing, expected and found
 * (issue 15 item 9), for every field of their kind.
 */
const SAMPLE = join(__dirname, "../../fixtures/letters/sample");

type Json = Record<string, any>;

function problemsAfter(edit: (letter: Record<"letter.json" | "en.json" | "fr.json", Json>) => void): string[] {
  const letter = Object.fromEntries(readdirSync(SAMPLE).map((name) => [name, JSON.parse(readFileSync(join(SAMPLE, name), "utf8")) as Json])) as Record<
    "letter.json" | "en.json" | "fr.json",
    Json
  >;
  edit(letter);
  const files = Object.entries(letter).map(([name, value]) => ({ name, bytes: new TextEncoder().encode(JSON.stringify(value)) }));
  try {
    const parsed = parseLetter("sample", files);
    return [...parsed.localeErrors.values()].flatMap((error) =>
      ((error as { issues?: DataIssue[] }).issues ?? []).map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`),
    );
  } catch (error) {
    return ((error as { issues?: DataIssue[] }).issues ?? []).map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`);
  }
}

describe("letter data errors say what was expected and what was found", () => {
  it.each([
    [
      "a boolean given as a string",
      (l: Record<string, Json>) => void ((l["letter.json"] as Json).excerpt = "yes"),
      'sample/letter.json: excerpt: expected true or false, received the string "yes"',
    ],
    [
      "a list given as a string",
      (l: Record<string, Json>) => void ((l["letter.json"] as Json).recipients = "fr, gb"),
      'sample/letter.json: recipients: expected a list (a JSON array [...]), received the string "fr, gb"',
    ],
    [
      "a list given as an object",
      (l: Record<string, Json>) => void ((l["en.json"] as Json).paragraphs = {}),
      "sample/en.json: paragraphs: expected a list (a JSON array [...]), received an object",
    ],
    [
      "a string given as a number",
      (l: Record<string, Json>) => void ((l["letter.json"] as Json).recipients[0].country = 250),
      "sample/letter.json: recipients[0].country: expected a string, received the number 250",
    ],
    [
      "a missing fingerprint",
      (l: Record<string, Json>) => void delete (l["fr.json"] as Json).translationOf.sourceSha256,
      "sample/fr.json: translationOf.sourceSha256: missing; expected a SHA-256 as 64 lowercase hex digits; the current en.json's fingerprint is 4e1e0fd80541620727ed2b35e7dca125e0dec8d465aa0efa6458bf2e1e90ddb9",
    ],
    [
      "a missing id",
      (l: Record<string, Json>) => void delete (l["letter.json"] as Json).signatories[0].id,
      "sample/letter.json: signatories[0].id: missing; expected an id of lowercase letters, digits and hyphens (1-64 characters, no leading or trailing hyphen)",
    ],
    [
      "too many lines",
      (l: Record<string, Json>) => void ((l["en.json"] as Json).addressee = Array.from({ length: 13 }, (_, i) => `Line ${i + 1}`)),
      "sample/en.json: addressee: expected at most 12 items, found 13",
    ],
    [
      "a date not of the calendar",
      (l: Record<string, Json>) => void ((l["letter.json"] as Json).date = "2026-02-30"),
      'sample/letter.json: date: "2026-02-30" is not a calendar date: February 2026 has 28 days',
    ],
    [
      "a string where an object is expected",
      (l: Record<string, Json>) => void ((l["en.json"] as Json).signatories["first-ngo"] = "First NGO"),
      'sample/en.json: signatories.first-ngo: expected an object with the fields "name", "abbreviation"? (? marks an optional one), received a string',
    ],
    [
      "a paragraph id used twice in the source",
      (l: Record<string, Json>) => void ((l["en.json"] as Json).paragraphs[1].id = "opening"),
      'sample/en.json: paragraphs[1].id: "opening" is already the id of paragraphs[0]; expected an id of its own',
    ],
    [
      "a signatory id used twice",
      (l: Record<string, Json>) => void ((l["letter.json"] as Json).signatories[1].id = "first-ngo"),
      'sample/letter.json: signatories[1].id: "first-ngo" is already the id of signatories[0]; expected an id of its own',
    ],
    [
      "a recipient id used twice",
      (l: Record<string, Json>) => void ((l["letter.json"] as Json).recipients[1].id = "fr"),
      'sample/letter.json: recipients[1].id: "fr" is already the id of recipients[0]; expected an id of its own',
    ],
  ])("%s", (_name, edit, expected) => {
    const problems = problemsAfter(edit);
    expect(problems).toContain(expected);
    // No message of zod's own wording is left anywhere in the report.
    for (const problem of problems) expect(problem).not.toMatch(/received undefined|Too big|Too small|Invalid input|expected (boolean|array|string),/);
  });
});
