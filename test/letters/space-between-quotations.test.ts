import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DataIssue, InvalidLetterDataError } from "../../functions/core/errors";
import { type DocumentRenderer, renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { popplerPages, toFile } from "../core/pdf/pdf-inspect";
import { DATA_DIR, SEED_LETTER, TEMPLATES_DIR } from "../support/letters";

/**
 * A run of whitespace between two quotations (`[quote, {"text": " "}, quote]`) was refused as "expected
 * non-empty text" (fresh user 10, finding 2). It is allowed and printed in both editions; an empty run,
 * one of invisible characters only, and a paragraph with no visible text at all are still refused.
 */
let root: string;
let data: string;
let renderer: DocumentRenderer;
type Json = Record<string, any>;

const FIRST = "the long-standing and ongoing patterns";
const SECOND = "systematic and widespread violations";

/** The seed letter with its first paragraph's content replaced, under its own id. */
function writeLetter(id: string, content: Json[]): void {
  const folder = join(data, id);
  cpSync(join(DATA_DIR, SEED_LETTER), folder, { recursive: true });
  const facts = JSON.parse(readFileSync(join(folder, "letter.json"), "utf8"));
  writeFileSync(join(folder, "letter.json"), JSON.stringify({ ...facts, id }));
  const en = JSON.parse(readFileSync(join(folder, "en.json"), "utf8"));
  en.paragraphs[0].content = content;
  writeFileSync(join(folder, "en.json"), JSON.stringify(en));
}

const issuesOf = async (id: string): Promise<string[]> => {
  const error = await loadLetter(data, id).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(InvalidLetterDataError);
  // The source's own problems (the translations' quotations differ from this edited source's, beside the point here).
  return (error as InvalidLetterDataError).issues.filter((issue) => issue.file === `${id}/en.json`).map((issue: DataIssue) => `${issue.file}: ${issue.path}: ${issue.message}`);
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "letterpress-space-run-"));
  data = join(root, "data");
  const quotes = (between: Json) => [{ text: "It found " }, { quote: FIRST, source: "coi" }, between, { quote: SECOND, source: "coi" }, { text: "." }];
  writeLetter("one-space", quotes({ text: " " }));
  writeLetter("empty-run", quotes({ text: "" }));
  writeLetter("invisible-run", quotes({ text: "\u200b" }));
  writeLetter("blank-paragraph", [{ text: " " }, { text: "\u00a0 " }]);
  renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

it("a space between two quotations is read, and printed between them in the HTML and the PDF", async () => {
  const parsed = await loadLetter(data, "one-space");
  const request = { letterId: "one-space", locale: "en" as const, recipientId: null, format: "html" as const };
  const html = (await renderDocument(renderer, parsed, request)).bytes.toString("utf8");
  expect(html).toMatch(new RegExp(`${FIRST}[^<]*</q> <q[^>]*>[^<]*${SECOND}`));
  const pdf = await renderDocument(renderer, parsed, { ...request, format: "pdf" });
  const text = popplerPages(toFile(pdf.bytes)).join("\n").replace(/\s+/g, " ");
  // The closing and opening quotation marks with one space between them, not run together.
  expect(text).toMatch(/patterns” “systematic/);
}, 120_000);

it("an empty run, a run of invisible characters, and a paragraph of whitespace only are still refused, each said precisely", async () => {
  expect(await issuesOf("empty-run")).toEqual(["empty-run/en.json: paragraphs[0].content[2].text: expected non-empty text"]);
  expect(await issuesOf("invisible-run")).toEqual(["invisible-run/en.json: paragraphs[0].content[2].text: expected non-empty text; found only invisible characters (U+200B)"]);
  expect(await issuesOf("blank-paragraph")).toEqual([
    "blank-paragraph/en.json: paragraphs[0].content: expected visible text in the paragraph; its text segments hold only whitespace (spaces are allowed between quotations, not as a whole paragraph)",
  ]);
});
