import { VIEW_PATHS, viewPathOf } from "../../../functions/core/template/markup-fields";
import { type FieldRead, walkTemplateFields } from "../../../functions/core/template/template-walk";
import { unknownViewFieldProblems } from "../../../functions/core/template/view-fields";

/** One walk of a template's fields: each path a `{{ }}` reads, where it stands, in the context Handlebars reads it in. */
function reads(letter: string, partials: Record<string, string> = {}): string[] {
  const found: string[] = [];
  walkTemplateFields(
    { file: "letter.hbs", source: letter },
    Object.fromEntries(Object.entries(partials).map(([name, source]) => [name, { file: `partials/${name}.hbs`, source }])),
    VIEW_PATHS,
    (read: FieldRead<string | undefined>) => found.push(`${read.file} ${read.line}:${read.column} ${read.role} ${read.expression.original} -> ${viewPathOf(read) ?? "-"}`),
  );
  return found;
}

describe("the walk of a template's fields", () => {
  it("gives each path its file, line and column, and what it reads, in the letter and in a partial called in a context", () => {
    const letter = '<h1>{{title}}</h1>\n{{#each signatories}}\n  {{> person}}{{/each}}\n{{t "k" name=@root.sender}}';
    expect(reads(letter, { person: "<p>{{name}}</p>\n{{../title}}" })).toEqual([
      "letter.hbs 1:7 printed title -> title",
      "partials/person.hbs 1:6 printed name -> signatories.name",
      "partials/person.hbs 2:3 printed ../title -> title",
      "letter.hbs 4:14 argument @root.sender -> sender",
    ]);
  });

  it("makes a block parameter's item the block's context too, as Handlebars' #each and #with do", () => {
    const letter = "{{#each signatories as |signatory index|}}{{name}}{{signatory.id}}{{index}}{{/each}}{{#with recipient as |r|}}{{country}}{{/with}}";
    // The column of the path inside a `{{ }}` of this one-line source.
    const at = (mustache: string) => `1:${letter.indexOf(mustache) + 3}`;
    expect(reads(letter)).toEqual([
      `letter.hbs ${at("{{name}}")} printed name -> signatories.name`,
      `letter.hbs ${at("{{signatory.id}}")} printed signatory.id -> signatories.id`,
      `letter.hbs ${at("{{index}}")} printed index -> -`,
      `letter.hbs ${at("{{country}}")} printed country -> recipient.country`,
    ]);
    const problem = (source: string) => unknownViewFieldProblems({ file: "t/letter.hbs", source }, {}, new Set(["t"]));
    expect(problem("{{#each signatories as |s|}}{{name}}{{/each}}")).toEqual([]);
    expect(problem("{{#each signatories as |s|}}{{nope}}{{/each}}")).toEqual([
      expect.stringMatching(/^t\/letter\.hbs line 1, column 31: \{\{nope\}\}: "nope" is not a field of the item this block reads; expected one of id, name, abbreviation/),
    ]);
  });

  it("reads a partial's argument and hash from its caller, block parameters included", () => {
    const letter = "{{#each signatories as |signatory|}}{{> person signatory label=../title}}{{/each}}";
    expect(reads(letter, { person: "{{name}}{{label}}" })).toEqual(["partials/person.hbs 1:3 printed name -> signatories.name", "partials/person.hbs 1:11 printed label -> title"]);
  });
});
