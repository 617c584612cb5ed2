import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseLetter, type ParsedLetter } from "../../functions/core/letter/parse-letter";
import { TemplateEngine } from "../../functions/core/template/template-engine";
import { loadLetter } from "../../functions/letters/load-letters";
import { catalogLocales, loadTemplateSet } from "../../functions/templates/load-template-set";

export const REPO = join(__dirname, "../..");
export const DATA_DIR = join(REPO, "data");
export const TEMPLATES_DIR = join(REPO, "templates");
export const FIXTURES_DIR = join(REPO, "test/fixtures");
export const SEED_LETTER = "unsc-dprk-2015";
/** Every language the templates ship, read from templates/messages/ (no list in code). */
export const SHIPPED_LOCALES = catalogLocales(TEMPLATES_DIR);

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

export async function createEngine(): Promise<TemplateEngine> {
  return new TemplateEngine(await loadTemplateSet(TEMPLATES_DIR));
}
