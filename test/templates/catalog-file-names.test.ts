import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { templateOffersOf } from "../../functions/core/letter/letter-context";
import { parseLetter } from "../../functions/core/letter/parse-letter";
import { translationFileNameProblem } from "../../functions/core/letter/translation-file-name";
import { createRenderer } from "../../functions/render/create-renderer";
import { catalogLocales, loadTemplateSet } from "../../functions/templates/load-template-set";
import { loadUsablePageCatalogs, PAGE_MESSAGES_FOLDER } from "../../functions/templates/page-catalogs";
import { templateLoadAndStylesheetWarnings } from "../../functions/templates/templates-folder-warnings";
import { DATA_DIR, SEED_LETTER, SEED_TEMPLATE, TEMPLATES_DIR } from "../support/letters";

/**
 * A template's messages/ reads its file names as a letter folder does (fresh user 10, item 1): a file
 * named by no language (`vi (copy).json` as Finder makes it, `vi_VN.json`, `iw.json`, `zh-TW-x.json`)
 * is skipped with a warning that names it and the name meant, where it set the whole template aside
 * and failed every letter using it, English included.
 */
const BADLY_NAMED: ReadonlyArray<{ name: string; says: string }> = [
  { name: "vi (copy).json", says: `"vi (copy)" holds " ", "(", ")": a language tag has only ASCII letters, digits and hyphens` },
  { name: "vi_VN.json", says: `"vi_VN" is not in canonical form, expected vi-VN.json` },
  { name: "iw.json", says: `"iw" is not in canonical form, expected he.json` },
  { name: "zh-TW-x.json", says: `"zh-TW-x": "x" must be followed by a private-use subtag` },
  { name: "de-AT-u.json", says: `"u" must be followed by a Unicode extension subtag` },
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lp-catalog-names-"));
  cpSync(TEMPLATES_DIR, dir, { recursive: true });
  const english = readFileSync(join(dir, SEED_TEMPLATE, "messages/en.json"));
  for (const { name } of BADLY_NAMED) writeFileSync(join(dir, SEED_TEMPLATE, "messages", name), english);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function seedFiles() {
  const folder = join(DATA_DIR, SEED_LETTER);
  return readdirSync(folder)
    .filter((name) => name.endsWith(".json"))
    .map((name) => ({ name, bytes: readFileSync(join(folder, name)) }));
}

describe("a template's catalog file named by no language", () => {
  it("is skipped: the template loads with its other languages, and its letter fills in English", async () => {
    const set = await loadTemplateSet(dir, SEED_TEMPLATE);
    expect(set.problems).toBeUndefined();
    expect(Object.keys(set.catalogs).sort()).toEqual(catalogLocales(TEMPLATES_DIR, SEED_TEMPLATE));
    expect(catalogLocales(dir, SEED_TEMPLATE)).toEqual(catalogLocales(TEMPLATES_DIR, SEED_TEMPLATE));
    const renderer = await createRenderer({ templatesDir: dir, paper: "A4", brokenTemplates: "set-aside" });
    expect([...renderer.templates.broken.keys()]).toEqual([]);
    const { letter } = parseLetter(SEED_LETTER, seedFiles(), [], { templates: templateOffersOf(renderer.templates) });
    expect(renderer.templates.forLetter(letter).set.name).toBe(SEED_TEMPLATE);
  });

  it("is named in a warning of the run, with the name meant or what is wrong with the name", async () => {
    const warnings = await templateLoadAndStylesheetWarnings(dir, "A4");
    for (const { name, says } of BADLY_NAMED) {
      const warning = warnings.find((line) => line.includes(`${SEED_TEMPLATE}/messages/${name}: skipped: unexpected file; expected <locale>.json`));
      expect(warning).toContain(says);
    }
    expect(warnings.join("\n")).not.toContain("is set aside");
  });

  it("says the same of the name as a letter folder does, each naming its own files", () => {
    for (const { name, says } of BADLY_NAMED) expect(translationFileNameProblem(name)).toContain(says);
    expect(translationFileNameProblem("zh-TW-x.json")).toContain("drop it to name the language alone (zh-TW)");
  });

  it("in the share pages' catalogs sets that file aside with its warning, the other languages kept", async () => {
    const pages = join(dir, PAGE_MESSAGES_FOLDER);
    writeFileSync(join(pages, "fr_FR.json"), readFileSync(join(pages, "fr.json")));
    const { catalogs, setAside } = await loadUsablePageCatalogs(dir);
    expect(Object.keys(catalogs)).toContain("fr");
    expect(setAside.map((file) => file.file)).toEqual([`${pages}/fr_FR.json`]);
    expect(setAside[0]?.problems.join("\n")).toContain("expected fr-FR.json");
  });
});
