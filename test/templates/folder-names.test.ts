import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { editionStylesheets } from "../../functions/core/html/render-html";
import { TemplateEngine } from "../../functions/core/template/template-engine";
import { templateStylesheets } from "../../functions/core/template/template-library";
import { loadTemplateSet } from "../../functions/templates/load-template-set";
import { TEMPLATES_DIR } from "../support/letters";

/**
 * Errors name a template's files where the person who ran the tool keeps them (`--templates
 * scratch/tpl`), not as templates/<name>/: the stylesheet's and a catalog's problems alike.
 */
describe("a template folder outside templates/ is named as it is", () => {
  const elsewhere = mkdtempSync(join(tmpdir(), "letterpress-templates-"));
  beforeAll(() => {
    cpSync(TEMPLATES_DIR, elsewhere, { recursive: true });
  });
  afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

  it("in the stylesheet's problems", async () => {
    writeFileSync(join(elsewhere, "un-security-council", "print.css"), "h1 { colour: red; }\n");
    const engine = new TemplateEngine(await loadTemplateSet(elsewhere, "un-security-council"));
    expect(() => templateStylesheets(engine).parsed(editionStylesheets(engine, "en", "A4"))).toThrow(
      new RegExp(`^${elsewhere.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/un-security-council/print\\.css line 1, selector h1, property colour`, "m"),
    );
  });

  it("in the catalogs' problems", async () => {
    const english = join(elsewhere, "parliamentary-committee", "messages", "en.json");
    const catalog = JSON.parse(readFileSync(english, "utf8")) as Record<string, unknown>;
    catalog["extra.key"] = "Only in English";
    writeFileSync(english, JSON.stringify(catalog));
    const loading = (async () => new TemplateEngine(await loadTemplateSet(elsewhere, "parliamentary-committee")))();
    await expect(loading).rejects.toThrow(`${elsewhere}/parliamentary-committee/messages/`);
  });
});
