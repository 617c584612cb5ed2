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
  // issue 13: a field the view has not is found when the template loads, in a partial as in letter.hbs, with its file and line.
  it("names a partial's file and line for a field the view has not, when the template loads", async () => {
    await expect(engineWith({ partials: { sources: "<section>\n  <h2>Sources</h2>\n  <p>{{sourcesHeading}}</p>\n</section>" } })).rejects.toThrow(
      /^templates\/un-security-council\/partials\/sources\.hbs line 3, column 8: \{\{sourcesHeading\}\}: "sourcesHeading" is not a field of the letter's view; expected one of letterId, /m,
    );
  });

  it("names the innermost partial when partials nest", async () => {
    await expect(engineWith({ partials: { sources: "<section>\n{{> inner}}\n</section>", inner: "<ul>\n\n\n  <li>{{nowhere.field}}</li></ul>" } })).rejects.toThrow(
      /^templates\/un-security-council\/partials\/inner\.hbs line 4, column 9: \{\{nowhere\.field\}\}: "nowhere" is not a field of the letter's view/m,
    );
  });

  it("names the letter template itself when the field is missing there", async () => {
    await expect(engineWith({ letter: '<article class="letter">\n<h1>{{title}}</h1>\n{{subtitle}}</article>' })).rejects.toThrow(
      /^templates\/un-security-council\/letter\.hbs line 3, column 3: \{\{subtitle\}\}: "subtitle" is not a field of the letter's view/m,
    );
  });

  it("at render, names a partial's file and line for a field its view lacks (a view the check cannot foresee)", async () => {
    const engine = await engineWith({ partials: { sources: "<section>\n  <h2>Sources</h2>\n  <p>{{letterId}}</p>\n</section>" } });
    const { letter } = await loadSeedLetter();
    const { letterId: _dropped, ...view } = buildLetterView(letter, "en");
    expect(() => engine.fill("letter", view as never, "en")).toThrow(
      'template "un-security-council" (letter.hbs, locale en): "letterId" not defined in the view, at templates/un-security-council/partials/sources.hbs line 3, column 8',
    );
  });

  it("names a partial whose message is missing an argument, when the template is loaded", async () => {
    // Every catalog's message uses {count}, which this place does not pass: the partial is at fault, named once.
    await expect(engineWith({ partials: { sources: '<p>{{t "signatories.cosigned"}}</p>' } })).rejects.toThrow(
      'templates/un-security-council/partials/sources.hbs: {{t "signatories.cosigned"}} passes no arguments, but every catalog\'s message uses {count}: pass it there',
    );
  });
});
