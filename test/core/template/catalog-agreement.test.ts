import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { parseCatalogFile } from "../../../functions/templates/catalog-folder";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { SEED_TEMPLATE, TEMPLATES_DIR } from "../../support/letters";

/**
 * A template's catalogs are checked against each other when the template is loaded (so by
 * `generate` and by the render function, not only by `npm test`): a key one language lacks or
 * has extra, or a message with other ICU arguments, would otherwise print in silence ("Página 1"
 * for "Page 1 of 2"). A `"$locale"` setting Intl does not know would be ignored in silence.
 */
describe("a template's message catalogs", () => {
  const engineWith = async (edit: (catalogs: Record<string, Record<string, string>>) => void) => {
    const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    const catalogs = Object.fromEntries(Object.entries(set.catalogs).map(([tag, catalog]) => [tag, { ...catalog }]));
    edit(catalogs);
    return () => new TemplateEngine({ ...set, catalogs });
  };

  it("load when they agree (the shipped ones)", async () => {
    expect((await engineWith(() => undefined))()).toBeInstanceOf(TemplateEngine);
  });

  it("refuse a message that drops an argument, naming the file, the key and the arguments", async () => {
    const load = await engineWith((catalogs) => {
      catalogs["fr"]!["footer.page"] = "Page {page}";
    });
    expect(load).toThrow(/messages\/fr\.json line \d+, column 3: footer\.page: expected the arguments \{page\}, \{pages\}, found \{page\}/);
  });

  it("refuse a renamed argument and a key the reference catalog lacks, all at once", async () => {
    const load = await engineWith((catalogs) => {
      catalogs["es"]!["footer.page"] = "Página {pagina} de {pages}";
      catalogs["ru"]!["budget.extra"] = "лишнее";
    });
    expect(load).toThrow(
      /messages\/es\.json line \d+, column 3: footer\.page: expected the arguments \{page\}, \{pages\}, found \{pages\}, \{pagina\}[\s\S]*messages\/ru\.json: budget\.extra: unexpected key/,
    );
  });

  it.each([
    ['{ "calendar": "klingon" }', /\$locale\.calendar: expected a calendar Intl supports: .*gregory/],
    ['{ "numberingSystem": "roman" }', /\$locale\.numberingSystem: expected a numbering system Intl supports/],
  ])("refuse a $locale setting Intl does not know: %s", (settings, message) => {
    expect(() => parseCatalogFile("templates/x/messages/pt-BR.json", `{ "$locale": ${settings}, "a": "b" }`)).toThrow(message);
  });

  it("keep a $locale setting Intl knows", () => {
    expect(parseCatalogFile("templates/x/messages/fa.json", '{ "$locale": { "calendar": "gregory", "numberingSystem": "arabext" }, "a": "b" }').overrides).toEqual({
      calendar: "gregory",
      numberingSystem: "arabext",
    });
  });
});
