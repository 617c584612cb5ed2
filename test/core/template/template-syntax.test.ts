import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { TemplateLibrary } from "../../../functions/core/template/template-library";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { SEED_TEMPLATE, SEED_TEMPLATE_DIR, TEMPLATES_DIR } from "../../support/letters";

/**
 * A template source that does not parse (an unclosed `{{#if}}`, a stray `{{else}}`, a mustache cut
 * short) is named by its file, line and column when the template is loaded, every such source at
 * once: Handlebars itself names no file, and for a block left open points at the end of the file.
 */
describe("a template source that does not parse", () => {
  const loadWith = async (change: { templates?: Record<string, string>; partials?: Record<string, string> }, template = SEED_TEMPLATE) => {
    const set = await loadTemplateSet(TEMPLATES_DIR, template);
    return () => new TemplateEngine({ ...set, templates: { ...set.templates, ...change.templates }, partials: { ...set.partials, ...change.partials } });
  };
  const shipped = (file: string) => readFileSync(join(SEED_TEMPLATE_DIR, file), "utf8");

  it("names the partial and the line and column where an unclosed {{#if}} opens", async () => {
    // The shipped body with its salutation's {{/if}} removed.
    const body = shipped("partials/body.hbs").replace('{{t "salutation.council"}}{{/if}}', '{{t "salutation.council"}}');
    const load = await loadWith({ partials: { body } });
    expect(load).toThrow(`templates/${SEED_TEMPLATE}/partials/body.hbs line 3, column 23: {{#if recipient}} is not closed; expected {{/if}} before the end of the file`);
  });

  it("names the innermost block left open, past comments that mention blocks", async () => {
    const load = await loadWith({ partials: { extra: "{{!-- {{#each nothing}} --}}\n<ul>\n{{#each signatories}}\n  {{#with this}}<li>{{name}}</li>\n{{/each}}" } });
    // {{/each}} does not close {{#with}}: Handlebars says so, at the block that is open.
    expect(load).toThrow(new RegExp(`^templates/${SEED_TEMPLATE}/partials/extra\\.hbs line 4, column 6: with doesn't match each$`));
    const open = await loadWith({ partials: { extra: "{{!-- {{#each nothing}} --}}\n<ul>\n{{#each signatories}}\n  <li>{{#unless name}}-{{/unless}}</li>\n" } });
    expect(open).toThrow(`templates/${SEED_TEMPLATE}/partials/extra.hbs line 3, column 1: {{#each signatories}} is not closed; expected {{/each}} before the end of the file`);
  });

  it("names the letter template itself, with the column of a mustache cut short", async () => {
    const letter = shipped("letter.hbs").replace('<h1 id="letter-title">{{title}}</h1>', '<h1 id="letter-title">{{title}</h1>');
    const line = letter.split("\n").findIndex((text) => text.includes("{{title}<")) + 1;
    const load = await loadWith({ templates: { letter } });
    expect(load).toThrow(new RegExp(`^templates/${SEED_TEMPLATE}/letter\\.hbs line ${line}, column 30: found a character Handlebars does not read there; expected \\}\\}, `));
  });

  it("reports every source that does not parse at once, each by its own file", async () => {
    const load = await loadWith({ partials: { footer: "<footer>{{#if a}}</footer>", sources: "<p>{{else}}</p>" } }, "parliamentary-committee");
    let message = "";
    try {
      load();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n")).toEqual([
      expect.stringMatching(/^templates\/parliamentary-committee\/partials\/footer\.hbs line 1, column 9: \{\{#if a\}\} is not closed/),
      expect.stringMatching(
        /^templates\/parliamentary-committee\/partials\/sources\.hbs line 1, column 4: found \{\{else\}\}; expected the end of the file \(at "<p>\{\{else\}\}<\/p>"\)$/,
      ),
    ]);
  });

  it("comes with the markup problems of the sources that do parse", async () => {
    const load = await loadWith({ partials: { footer: "<footer>{{#if a}}</footer>", extra: "<p>\n<blink>x</blink></p>" } });
    expect(errorOf(load).split("\n")).toEqual([
      expect.stringMatching(/partials\/footer\.hbs line 1, column 9: \{\{#if a\}\} is not closed/),
      `templates/${SEED_TEMPLATE}/partials/extra.hbs line 2, column 1: <blink> is not an element of the letter vocabulary (templates/VOCABULARY.md)`,
    ]);
  });

  it("hides no other template's problems: a library reports every template's at once", async () => {
    const seed = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    const committee = await loadTemplateSet(TEMPLATES_DIR, "parliamentary-committee");
    const { ["footer.page"]: _dropped, ...english } = committee.catalogs.en!;
    const library = () =>
      new TemplateLibrary([
        { ...committee, catalogs: { ...committee.catalogs, en: english } },
        { ...seed, partials: { ...seed.partials, footer: "{{#each x}}" } },
      ]);
    expect(errorOf(library).split("\n")).toEqual([
      "templates/parliamentary-committee/messages/en.json: footer.page: missing; the page label (--page-label) prints it",
      `templates/${SEED_TEMPLATE}/partials/footer.hbs line 1, column 1: {{#each x}} is not closed; expected {{/each}} before the end of the file`,
    ]);
  });
});

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected an error");
}
