import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkCatalogs } from "../../../functions/core/template/message-catalog";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { listLetters, loadLetter } from "../../../functions/letters/load-letters";
import { loadPageCatalogs, loadTemplateSet, PAGE_MESSAGES_FOLDER, templateNames } from "../../../functions/templates/load-template-set";
import { DATA_DIR, TEMPLATES_DIR } from "../../support/letters";

/** The shipped templates folder: one folder per template, letterpress's own files beside them. */
describe("the shipped templates", () => {
  const names = templateNames(TEMPLATES_DIR);

  it("are folders holding letter.hbs, page.hbs, partials/, print.css and messages/; the root keeps only letterpress's files", () => {
    expect(names).toEqual(["parliamentary-committee", "un-security-council"]);
    for (const name of names) {
      expect(readdirSync(join(TEMPLATES_DIR, name))).toEqual(expect.arrayContaining(["letter.hbs", "page.hbs", "partials", "print.css", "messages"]));
    }
    const rootFiles = readdirSync(TEMPLATES_DIR, { withFileTypes: true }).filter((entry) => entry.isFile());
    expect(rootFiles.map((entry) => entry.name).sort()).toEqual(["CSS.md", "VOCABULARY.md", "ua.css"]);
    const rootFolders = readdirSync(TEMPLATES_DIR, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    expect(rootFolders.map((entry) => entry.name).sort()).toEqual([...names, PAGE_MESSAGES_FOLDER].sort());
  });

  it("letterpress's own pages have their words in templates/share-pages/, in every language, and no template carries them", async () => {
    const pages = await loadPageCatalogs(TEMPLATES_DIR);
    expect(checkCatalogs(pages, "en").map((problem) => problem.replace(/^messages\//, "share-pages/"))).toEqual([]);
    for (const name of names) {
      const set = await loadTemplateSet(TEMPLATES_DIR, name);
      for (const catalog of Object.values(set.catalogs)) expect(Object.keys(catalog ?? {}).filter((key) => key.startsWith("share."))).toEqual([]);
    }
  });

  it("refuses a page catalog with a non-string message, naming the file and the key", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "letterpress-pages-")), "templates");
    cpSync(join(TEMPLATES_DIR, PAGE_MESSAGES_FOLDER), join(dir, PAGE_MESSAGES_FOLDER), { recursive: true });
    writeFileSync(join(dir, PAGE_MESSAGES_FOLDER, "de.json"), JSON.stringify({ "share.expired.title": 3 }));
    await expect(loadPageCatalogs(dir)).rejects.toThrow("templates/share-pages/de.json line 1, column 2: share.expired.title: expected an ICU message string, got 3");
    rmSync(join(dir, ".."), { recursive: true, force: true });
  });

  it.each(names)("%s: every catalog has every key of its English one, with the same ICU arguments", async (name) => {
    const set = await loadTemplateSet(TEMPLATES_DIR, name);
    expect(checkCatalogs(set.catalogs, "en")).toEqual([]);
  });

  it("each letter of data/ names a template there is, with a catalog for each of its languages and the words it prints", async () => {
    const { letterIds } = await listLetters(DATA_DIR);
    expect(letterIds.length).toBeGreaterThanOrEqual(2);
    for (const letterId of letterIds) {
      const { letter } = await loadLetter(DATA_DIR, letterId);
      expect(names).toContain(letter.facts.template);
      const engine = new TemplateEngine(await loadTemplateSet(TEMPLATES_DIR, letter.facts.template));
      for (const [locale, translation] of letter.translations) {
        expect(existsSync(join(TEMPLATES_DIR, letter.facts.template, "messages", `${locale}.json`))).toBe(true);
        for (const word of engine.letterWords) expect({ letterId, locale, word, present: translation[word] !== undefined }).toEqual({ letterId, locale, word, present: true });
      }
    }
  });
});
