import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DataIssue, InvalidLetterDataError } from "../../functions/core/errors";
import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import { recipientFingerprints } from "../../functions/core/letter/source-fingerprint";
import { type DocumentRenderer, renderDocument } from "../../functions/core/render-document";
import { listLetters, loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { popplerPages, toFile } from "../core/pdf/pdf-inspect";
import { DATA_DIR, SEED_LETTER, TEMPLATES_DIR } from "../support/letters";

/**
 * A language's letter to all recipients lists every one (the Council's members): a translation with
 * the words of only some recipients printed a shortened list, and one with none dropped the line,
 * with only a warning no command printed (fresh user 10, finding 1). That letter is now refused,
 * naming the file, the field, the missing ids and what to add; a recipient's own copy is still made.
 */
let root: string;
let data: string;
let renderer: DocumentRenderer;

type Json = Record<string, any>;
const seedFile = (name: string): Json => JSON.parse(readFileSync(join(DATA_DIR, SEED_LETTER, name), "utf8"));
const issuesOf = (error: unknown) => ((error as { issues?: DataIssue[] }).issues ?? []).map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`);

/** The seed letter in a folder of its own, its French file keeping the words of `kept` recipients only; `extra` is added to letter.json and en.json. */
function writeLetter(id: string, kept: readonly string[] | "all", extra?: { id: string; locale: string }): void {
  const folder = join(data, id);
  cpSync(join(DATA_DIR, SEED_LETTER), folder, { recursive: true });
  const facts = seedFile("letter.json");
  const en = seedFile("en.json");
  const fr = seedFile("fr.json");
  facts.id = id;
  if (extra) {
    facts.recipients.push({ id: extra.id, country: "LK", locale: extra.locale });
    en.recipients[extra.id] = { country: "Sri Lanka", representative: "Permanent Representative of Sri Lanka to the United Nations" };
  }
  if (kept !== "all") fr.recipients = Object.fromEntries(Object.entries(fr.recipients).filter(([recipient]) => kept.includes(recipient)));
  writeFileSync(join(folder, "letter.json"), JSON.stringify(facts));
  writeFileSync(join(folder, "en.json"), JSON.stringify(en));
  writeFileSync(join(folder, "fr.json"), JSON.stringify(fr));
}

const seedFileOf = (id: string, name: string): Json => JSON.parse(readFileSync(join(data, id, name), "utf8"));
const recipientsOf = (): string[] => seedFile("letter.json").recipients.map((recipient: Json) => recipient.id);
const load = (id: string): Promise<ParsedLetter> => loadLetter(data, id);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "letterpress-general-letter-"));
  data = join(root, "data");
  const all = recipientsOf();
  writeLetter("fr-none", []);
  // The French readers' own words only (fr, td), as vi.json had its readers' (cn, fr): 2 of 15.
  writeLetter("fr-some", ["fr", "td"]);
  writeLetter(
    "fr-all-but-one",
    all.filter((id) => id !== "ve"),
  );
  writeLetter("fr-all", "all");
  // A recipient added to letter.json and the source only, who reads English.
  writeLetter("source-only", "all", { id: "lk", locale: "en" });
  // The fresh user's repro: td's source words changed (td reads French), no translation updated.
  writeLetter("td-reworded", "all");
  const reworded = seedFile("en.json");
  reworded.recipients.td.representative += " ad interim";
  writeFileSync(join(data, "td-reworded", "en.json"), JSON.stringify(reworded));
  renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("a translation lacking some recipients' words", () => {
  it.each([
    ["fr-none", recipientsOf()],
    ["fr-some", recipientsOf().filter((id) => id !== "fr" && id !== "td")],
    ["fr-all-but-one", ["ve"]],
  ])("%s: its letter to all recipients is refused, naming the file, the field, the missing ids and what to add", async (id, missing) => {
    const parsed = await load(id);
    // The language stays usable: its recipients' copies are made.
    expect(parsed.letter.translations.has("fr")).toBe(true);
    expect(parsed.localeErrors.has("fr")).toBe(false);
    const refused = parsed.generalLetterErrors.get("fr");
    expect(refused).toBeInstanceOf(InvalidLetterDataError);
    const [issue, ...others] = issuesOf(refused);
    expect(others).toEqual([]);
    expect(issue).toContain(`${id}/fr.json: recipients: missing the words of ${missing.length} of the letter's 15 recipients (${missing.map((r) => `"${r}"`).join(", ")})`);
    expect(issue).toContain("translated from en.json's recipients.<id>");
    // Other languages, which have every recipient's words, are not held to it; no warning is left unsaid.
    expect([...parsed.generalLetterErrors.keys()]).toEqual(["fr"]);
    expect(parsed.warnings).toEqual([]);
  });

  it("with every recipient's words: nothing is refused", async () => {
    const parsed = await load("fr-all");
    expect(parsed.generalLetterErrors.size).toBe(0);
    expect(parsed.recipientErrors.size).toBe(0);
  });

  it("a recipient added to the source only: every translation's letter to all recipients waits for its words, its own copy waits for none", async () => {
    const parsed = await load("source-only");
    const languages = [...parsed.letter.translations.keys()].filter((locale) => locale !== "en").sort();
    expect([...parsed.generalLetterErrors.keys()].sort()).toEqual(languages);
    for (const error of parsed.generalLetterErrors.values()) expect(issuesOf(error)[0]).toContain('missing the words of 1 of the letter\'s 16 recipients ("lk")');
    expect(parsed.generalLetterErrors.has("en")).toBe(false);
    expect(parsed.recipientErrors.size).toBe(0);
  });

  it("the refused letter fails at render with that error; a French reader's own copy is made, in both editions", async () => {
    const parsed = await load("fr-some");
    const general = { letterId: "fr-some", locale: "fr" as const, recipientId: null, format: "pdf" as const };
    await expect(renderDocument(renderer, parsed, general)).rejects.toBe(parsed.generalLetterErrors.get("fr"));
    await expect(renderDocument(renderer, parsed, { ...general, format: "html" })).rejects.toBe(parsed.generalLetterErrors.get("fr"));
    const copy = await renderDocument(renderer, parsed, { ...general, recipientId: "td" });
    expect(popplerPages(toFile(copy.bytes)).join("\n")).toContain("Tchad");
    const html = await renderDocument(renderer, parsed, { ...general, recipientId: "td", format: "html" });
    expect(html.bytes.toString("utf8")).toContain("Tchad");
  }, 120_000);

  it("the parser's warnings are the listing's, which generate and serve print", async () => {
    writeFileSync(join(data, "fr-some", "README.md"), "notes");
    const listed = (await listLetters(data)).warnings.filter((warning) => warning.file.startsWith("fr-some/"));
    expect(listed.length).toBe(1);
    expect((await load("fr-some")).warnings).toEqual(listed);
  });
});

/**
 * A recipient's source words changed: every language's letter to all recipients prints them, so each
 * translation holding the old words is refused for that letter, not only the language the recipient
 * reads (fresh user: the es and fr letters to all recipients printed td's old words with no warning).
 */
describe("a recipient's source words changed since the translations were made", () => {
  it("each language's letter to all recipients is refused, naming the file, the field, the recipient and what to record; its other documents are made", async () => {
    const parsed = await load("td-reworded");
    const current = recipientFingerprints(seedFileOf("td-reworded", "en.json")).get("td");
    const recorded = seedFile("es.json").translationOf.recipients.td as string;
    const languages = [...parsed.letter.translations.keys()].filter((locale) => locale !== "en").sort();
    expect(languages.length).toBeGreaterThan(2);
    expect([...parsed.generalLetterErrors.keys()].sort()).toEqual(languages);
    expect(issuesOf(parsed.generalLetterErrors.get("es"))).toEqual([
      `td-reworded/es.json: translationOf.recipients.td: recipient "td"'s words were translated from source revision ${recorded.slice(0, 12)}, but en.json's recipients.td has changed since; update recipients.td, then record "td": "${current}" in translationOf.recipients; the es letter to all recipients prints recipient "td"'s words, so it is not made until then`,
    ]);
    // Only td's own copy (in French) is refused; the languages stay usable.
    expect(parsed.localeErrors.size).toBe(0);
    expect([...parsed.recipientErrors.keys()]).toEqual(["td"]);
    const general = { letterId: "td-reworded", locale: "es" as const, recipientId: null, format: "html" as const };
    await expect(renderDocument(renderer, parsed, general)).rejects.toBe(parsed.generalLetterErrors.get("es"));
    await expect(renderDocument(renderer, parsed, { ...general, locale: "fr" })).rejects.toBe(parsed.generalLetterErrors.get("fr"));
    const chile = await renderDocument(renderer, parsed, { ...general, recipientId: "cl" });
    expect(chile.bytes.toString("utf8")).toContain(seedFile("es.json").recipients.cl.country);
    const france = await renderDocument(renderer, parsed, { ...general, locale: "fr", recipientId: "fr" });
    expect(france.bytes.toString("utf8")).toContain(seedFile("fr.json").recipients.fr.country);
    // The source language's own letter to all recipients is made.
    const english = await renderDocument(renderer, parsed, { ...general, locale: "en" });
    expect(english.bytes.toString("utf8")).toContain(seedFile("en.json").title);
  }, 120_000);
});
