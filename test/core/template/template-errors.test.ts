import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { buildLetterView } from "../../../functions/core/template/letter-view";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { loadSeedLetter, SEED_TEMPLATE, TEMPLATES_DIR } from "../../support/letters";

/**
 * A template error names the file it is in and its line there (issue 12 follow-up, item 5): a field
 * missing inside a partial names the partial's file, not the letter template that included it.
 */
describe("template errors name the source file and its line", () => {
  const engineWith = async (change: { letter?: string; partials?: Record<string, string> }) => {
    const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    return new TemplateEngine({ ...set, templates: { ...set.templates, ...(change.letter ? { letter: change.letter } : {}) }, partials: { ...set.partials, ...change.partials } });
  };
  const fillError = async (engine: TemplateEngine) => {
    const { letter } = await loadSeedLetter();
    try {
      engine.fill("letter", buildLetterView(letter, "en"), "en");
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("filled without an error");
  };

  it("names a partial's file and line for a field missing there", async () => {
    const engine = await engineWith({ partials: { sources: "<section>\n  <h2>Sources</h2>\n  <p>{{sourcesHeading}}</p>\n</section>" } });
    expect(await fillError(engine)).toBe(
      'template "letter" (locale en): "sourcesHeading" not defined in the view, at templates/un-security-council/partials/sources.hbs line 3, column 8',
    );
  });

  it("names the innermost partial when partials nest", async () => {
    const engine = await engineWith({
      partials: { sources: "<section>\n{{> inner}}\n</section>", inner: "<ul>\n\n\n  <li>{{nowhere.field}}</li></ul>" },
    });
    expect(await fillError(engine)).toMatch(
      /^template "letter" \(locale en\): "field" not defined \(what should hold it is not set\), at templates\/un-security-council\/partials\/inner\.hbs line 4, column \d+$/,
    );
  });

  it("names the letter template itself when the field is missing there", async () => {
    const engine = await engineWith({ letter: "<article>\n<h1>{{title}}</h1>\n{{subtitle}}</article>" });
    expect(await fillError(engine)).toBe('template "letter" (locale en): "subtitle" not defined in the view, at templates/un-security-council/letter.hbs line 3, column 3');
  });

  it("names a partial whose message is missing an argument, when the template is loaded", async () => {
    // Every catalog's message uses {count}, which this place does not pass: the partial is at fault, named once.
    await expect(engineWith({ partials: { sources: '<p>{{t "signatories.cosigned"}}</p>' } })).rejects.toThrow(
      'templates/un-security-council/partials/sources.hbs: {{t "signatories.cosigned"}} passes no arguments, but every catalog\'s message uses {count}: pass it there',
    );
  });
});
