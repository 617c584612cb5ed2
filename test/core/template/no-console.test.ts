import Handlebars from "handlebars";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { buildLetterView } from "../../../functions/core/template/letter-view";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { loadSeedLetter, SEED_TEMPLATE, TEMPLATES_DIR } from "../../support/letters";

/**
 * A template does not write to the console (fresh user 7, item 17): `{{log "…"}}` printed to the CLI's
 * console unlabelled, once per edition. It is refused when the template loads, with every other problem,
 * naming the file, line and column and saying why; a template that does not call it fills as before.
 */
describe("a template's {{log}}", () => {
  const engineWith = async (partials: Record<string, string>) => {
    const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    return new TemplateEngine({ ...set, partials: { ...set.partials, ...partials } });
  };
  const loadError = async (partials: Record<string, string>) => {
    try {
      await engineWith(partials);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("loaded without an error");
  };
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ["a call with a string", '<p>{{log "debugging the footer"}}</p>', 4],
    ["a call with a field and a level", '<p>{{log title level="error"}}</p>', 4],
    ["a subexpression", '<p>{{#if (log "x")}}x{{/if}}</p>', 10],
    ["a block", '{{#log "x"}}<p>x</p>{{/log}}', 1],
    ["a bare mustache", "<p>{{log}}</p>", 4],
  ])("is refused when the template loads: %s", async (_kind, source, column) => {
    const message = await loadError({ footer: `<footer class="page-footer">\n${source}\n</footer>` });
    expect(message).toContain(`templates/un-security-council/partials/footer.hbs line 2, column ${column}: {{log}} writes to the console`);
    expect(message).toContain("remove it");
  });

  it("is named with the template's other problems, in every source that calls it", async () => {
    const message = await loadError({ footer: '<footer class="page-footer">{{log "a"}}</footer>', motto: '<p>{{shout "b"}}{{log "c"}}</p>' });
    expect(message).toMatch(/partials\/footer\.hbs line 1, column 29: \{\{log\}\} writes to the console/);
    expect(message).toMatch(/partials\/motto\.hbs line 1, column 4: \{\{shout …\}\} calls a helper the template does not have/);
    expect(message).toMatch(/partials\/motto\.hbs line 1, column 17: \{\{log\}\} writes to the console/);
    expect(message).not.toMatch(/expected one of[^\n]*\blog\b/);
  });

  it("a shipped template, filled in every language, writes nothing to the console", async () => {
    const log = jest.spyOn(console, "log");
    const info = jest.spyOn(console, "info");
    const error = jest.spyOn(console, "error");
    const engine = await engineWith({});
    const { letter } = await loadSeedLetter();
    for (const locale of letter.translations.keys()) engine.fill("letter", buildLetterView(letter, locale), locale);
    expect([log, info, error].flatMap((spy) => spy.mock.calls)).toEqual([]);
  });

  it("has no helper left in the engine's Handlebars (a source that slipped past the check cannot reach the console)", async () => {
    const engine = await engineWith({});
    const instance = (engine as unknown as { handlebars: typeof Handlebars }).handlebars;
    expect(instance.helpers["log"]).toBeUndefined();
    expect(Handlebars.helpers["log"]).toBeDefined();
  });
});
