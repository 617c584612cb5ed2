import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { checkCatalogs } from "../../../functions/core/template/message-catalog";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { listLetters, loadLetter } from "../../../functions/letters/load-letters";
import { loadTemplateSet, templateNames } from "../../../functions/templates/load-template-set";
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
