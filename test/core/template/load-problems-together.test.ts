import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { SEED_TEMPLATE, SEED_TEMPLATE_DIR, TEMPLATES_DIR } from "../../support/letters";

/**
 * Every template problem at load, none first at render (issue 12 item 2, issue 15 item 9.3): a
 * `{{> partial}}` the template lacks is named by file, line and column; a block left open hides
 * neither its own source's markup errors nor the other sources' nor the catalogs' problems.
 */
const loadWith = async (change: {
  templates?: Record<string, string>;
  partials?: Record<string, string>;
  catalogs?: (catalogs: Record<string, Record<string, string>>) => void;
}) => {
  const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
  const catalogs = Object.fromEntries(Object.entries(set.catalogs).map(([tag, catalog]) => [tag, { ...catalog }]));
  change.catalogs?.(catalogs);
  return () => new TemplateEngine({ ...set, templates: { ...set.templates, ...change.templates }, partials: { ...set.partials, ...change.partials }, catalogs });
};

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    return (error as Error).message.split("\n");
  }
  throw new Error("expected the template to be refused");
}

const letter = readFileSync(join(SEED_TEMPLATE_DIR, "letter.hbs"), "utf8");
const folder = `templates/${SEED_TEMPLATE}`;

describe("a partial the template lacks", () => {
  it("is named by file, line and column when the template loads", async () => {
    const load = await loadWith({ templates: { letter: letter.replace("{{> sources}}", "{{> missing-partial}}") } });
    const line = letter.split("\n").findIndex((text) => text.includes("{{> sources}}")) + 1;
    expect(problemsOf(load)).toEqual([
      expect.stringMatching(
        new RegExp(`^${folder}/letter\\.hbs line ${line}, column 1: \\{\\{> missing-partial\\}\\} names no partial of the template; expected one of addressee, body, `),
      ),
    ]);
  });

  it("in a partial too, quoted or nested in a block, each at once; inline partials and partial blocks stand", async () => {
    const load = await loadWith({
      partials: {
        sources: '<section>\n  {{#if a}}\n    {{> "nowhere"}}\n  {{/if}}</section>',
        extra: '{{#*inline "local"}}<p>x</p>{{/inline}}{{> local}}{{#> absent}}<p>fallback</p>{{/absent}} {{> elsewhere x=1}}',
      },
    });
    expect(problemsOf(load)).toEqual([
      expect.stringMatching(new RegExp(`^${folder}/partials/sources\\.hbs line 3, column 5: \\{\\{> nowhere\\}\\} names no partial`)),
      expect.stringMatching(new RegExp(`^${folder}/partials/extra\\.hbs line 1, column \\d+: \\{\\{> elsewhere\\}\\} names no partial`)),
    ]);
  });

  it("the shipped templates name only partials they have", async () => {
    for (const name of ["un-security-council", "parliamentary-committee"]) {
      expect(new TemplateEngine(await loadTemplateSet(TEMPLATES_DIR, name))).toBeInstanceOf(TemplateEngine);
    }
  });
});

describe("a block left open hides no other problem", () => {
  it("reports letter.hbs's unclosed {{#if}} with its own markup errors, another source's and every catalog problem", async () => {
    const broken = letter.replace('<p class="summary">{{summary}}</p>', '{{#if summary}}<p class="summary"><blink>{{summary}}</blink></p>');
    const load = await loadWith({
      templates: { letter: broken },
      partials: { extra: "<marquee>x</marquee>" },
      catalogs: (catalogs) => {
        catalogs["fr"]!["footer.page"] = "Page {page}";
        catalogs["es"]!["footer.page"] = "Página {page} de {pages";
      },
    });
    const summaryLine = broken.split("\n").findIndex((text) => text.includes("<blink>")) + 1;
    const problems = problemsOf(load);
    expect(problems).toEqual(
      expect.arrayContaining([
        `${folder}/letter.hbs line ${summaryLine}, column 1: {{#if summary}} is not closed; expected {{/if}} before the end of the file`,
        expect.stringMatching(new RegExp(`^${folder}/letter\\.hbs line ${summaryLine}, column \\d+: <blink> is not an element of the letter vocabulary`)),
        expect.stringMatching(new RegExp(`^${folder}/partials/extra\\.hbs line 1, column 1: <marquee> is not an element`)),
        expect.stringMatching(
          new RegExp(`^${folder}/messages/fr\\.json line \\d+, column 3: footer\\.page: expected the arguments \\{page\\}, \\{pages\\}, found \\{page\\}; the page label`),
        ),
        expect.stringMatching(new RegExp(`^${folder}/messages/es\\.json line \\d+, column 3: footer\\.page: malformed ICU message \\(.*at column \\d+ of the message`)),
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it("a source that does not parse for another reason still lets the catalogs be checked", async () => {
    const load = await loadWith({ partials: { extra: "<p>{{else}}</p>" }, catalogs: (catalogs) => void (catalogs["fr"]!["footer.page"] = "{n, plural, few {x} other {y}}") });
    const problems = problemsOf(load);
    expect(problems[0]).toMatch(new RegExp(`^${folder}/partials/extra\\.hbs line 1, column 4: found \\{\\{else\\}\\}`));
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/messages\/fr\.json line \d+, column 3: footer\.page: \{n, plural\} has a branch "few"/)]));
  });
});
