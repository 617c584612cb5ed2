import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseLetter, type ParsedLetter } from "../../functions/core/letter/parse-letter";
import { DEFAULT_TEMPLATE } from "../../functions/core/letter/schema";
import { TemplateEngine } from "../../functions/core/template/template-engine";
import { loadLetter } from "../../functions/letters/load-letters";
import { catalogLocales, loadTemplateSet } from "../../functions/templates/load-template-set";

export const REPO = join(__dirname, "../..");
export const DATA_DIR = join(REPO, "data");
export const TEMPLATES_DIR = join(REPO, "templates");
/** The seed letter's template (letter.json names none, so it is the default). */
export const SEED_TEMPLATE = DEFAULT_TEMPLATE;
/** The seed letter's template folder, templates/<name>/. */
export const SEED_TEMPLATE_DIR = join(TEMPLATES_DIR, SEED_TEMPLATE);
export const FIXTURES_DIR = join(REPO, "test/fixtures");
export const SEED_LETTER = "unsc-dprk-2015";
/** Every language the seed letter's template ships, read from its messages/ (no list in code). */
export const SHIPPED_LOCALES = catalogLocales(TEMPLATES_DIR, SEED_TEMPLATE);

/** A fixture letter under test/fixtures/letters, validated like real data. */
export function loadFixtureLetter(name: string): ParsedLetter {
  const dir = join(FIXTURES_DIR, "letters", name);
  const files = readdirSync(dir)
    .sort()
    .map((file) => ({ name: file, bytes: readFileSync(join(dir, file)) }));
  return parseLetter(name, files);
}

export async function loadSeedLetter(): Promise<ParsedLetter> {
  return loadLetter(DATA_DIR, SEED_LETTER);
}

/** The engine of a template (the seed letter's by default), as a renderer compiles it. */
export async function createEngine(template = SEED_TEMPLATE): Promise<TemplateEngine> {
  return new TemplateEngine(await loadTemplateSet(TEMPLATES_DIR, template));
}
