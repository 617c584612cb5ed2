import { buildLetterView } from "../../../functions/core/template/letter-view";
import { LETTER_VIEW_SHAPE, unknownViewFieldProblems } from "../../../functions/core/template/view-fields";
import { loadSeedLetter } from "../../support/letters";

/**
 * A `{{field}}` the letter's view has not is found when the template loads (issue 13: `{{subtitle}}`
 * in a partial was found only when a letter filled it), read in the context Handlebars reads it in.
 */
const HELPERS = new Set(["t", "if", "unless", "each", "with", "lookup", "log", "helperMissing", "blockHelperMissing"]);
const problems = (letter: string, partials: Record<string, string> = {}) =>
  unknownViewFieldProblems(
    { file: "t/letter.hbs", source: letter },
    Object.fromEntries(Object.entries(partials).map(([name, source]) => [name, { file: `t/partials/${name}.hbs`, source }])),
    HELPERS,
  );

/** The shape of a real value, as LETTER_VIEW_SHAPE writes it (items of a list merged). */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(shapeOf);
    const fields = Object.assign({}, ...items.map((item) => (item && typeof item === "object" && "fields" in item ? (item as { fields: object }).fields : {})));
    return { items: items.some((item) => item !== null) ? { fields } : null };
  }
  if (value !== null && typeof value === "object") return { fields: Object.fromEntries(Object.entries(value).map(([key, field]) => [key, shapeOf(field)])) };
  return null;
}

describe("the letter view's fields, checked when the template loads", () => {
  it("are the fields of a real view (a personalized one, every optional field set)", async () => {
    const { letter } = await loadSeedLetter();
    const view = buildLetterView(letter, "en", letter.facts.recipients[0]!.id);
    const shape = shapeOf({ ...view, addressee: ["x"], salutation: "", valediction: "", senderKind: "" }) as { fields: Record<string, unknown> };
    // A segment is text or a quotation: the shape has the fields of both.
    expect(Object.keys(shape.fields).sort()).toEqual(Object.keys((LETTER_VIEW_SHAPE as { fields: object }).fields).sort());
    expect(shape.fields["recipient"]).toEqual((LETTER_VIEW_SHAPE as { fields: Record<string, unknown> }).fields["recipient"]);
    expect(shape.fields["signatories"]).toEqual((LETTER_VIEW_SHAPE as { fields: Record<string, unknown> }).fields["signatories"]);
  });

  it("finds a field the view has not in a partial, naming the partial's file, line and column", () => {
    expect(problems("<article>\n{{> footer}}\n</article>", { footer: "<footer>\n  <p>{{subtitle}}</p>\n</footer>" })).toEqual([
      expect.stringMatching(/^t\/partials\/footer\.hbs line 2, column 8: \{\{subtitle\}\}: "subtitle" is not a field of the letter's view; expected one of letterId, /),
    ]);
  });

  it("reads {{#each}} and {{#with}} items, ../, a partial's argument and hash, and block params", () => {
    const letter = [
      "{{#each paragraphs}}{{id}}{{#each segments}}{{> segment}}{{../id}}{{../../title}}{{/each}}{{/each}}",
      "{{#with date}}{{iso}}{{epochMs}}{{/with}}",
      "{{#each signatories as |signatory|}}{{signatory.name}}{{/each}}",
      "{{> person recipient role=title}}",
      "{{#if recipient}}{{recipient.country}}{{else}}{{recipientList}}{{/if}}",
      "{{t 'x' count=signatoryCount}}{{#if nothing}}{{/if}}{{@index}}{{this}}",
    ].join("\n");
    expect(problems(letter, { segment: "{{#if quote}}{{quote}}{{sourceName}}{{else}}{{text}}{{/if}}", person: "{{country}}{{role}}" })).toEqual([]);
    expect(
      problems("{{#each paragraphs}}{{title}}{{#each segments}}{{> segment}}{{../nope}}{{/each}}{{/each}}\n{{date.day}}\n{{> person recipient}}", {
        segment: "{{source}}",
        person: "{{name}}",
      }),
    ).toEqual([
      expect.stringMatching(/^t\/letter\.hbs line 1, column 23: \{\{title\}\}: "title" is not a field of the item this block reads; expected one of id, segments/),
      expect.stringMatching(
        /^t\/partials\/segment\.hbs line 1, column 3: \{\{source\}\}: "source" is not a field of the item this block reads; expected one of text, quote, sourceId, sourceName/,
      ),
      expect.stringMatching(/^t\/letter\.hbs line 1, column \d+: \{\{\.\.\/nope\}\}: "nope" is not a field/),
      expect.stringMatching(/^t\/letter\.hbs line 2, column 3: \{\{date\.day\}\}: "day" is not a field of "date"; expected one of iso, epochMs/),
      expect.stringMatching(
        /^t\/partials\/person\.hbs line 1, column 3: \{\{name\}\}: "name" is not a field of the item this block reads; expected one of id, country, representative, representativeName/,
      ),
    ]);
  });

  it("reads @root as the letter's view wherever it stands, and says a ../ that goes back past the outermost context (fresh user 9)", () => {
    const partial = "{{#each signatories}}{{@root.title}}{{../title}}{{@index}}{{../../nosuchroot}} {{@root.nosuchr}}{{/each}}";
    expect(problems("<article>{{> facts}}{{../title}}</article>", { facts: partial })).toEqual([
      't/partials/facts.hbs line 1, column 61: {{../../nosuchroot}}: goes back 2 contexts ("../"), but only 1 encloses it here (templates/VOCABULARY.md)',
      expect.stringMatching(/^t\/partials\/facts\.hbs line 1, column 82: \{\{@root\.nosuchr\}\}: "nosuchr" is not a field of the letter's view; expected one of letterId, /),
      't/letter.hbs line 1, column 23: {{../title}}: goes back 1 context ("../"), but none encloses it here (templates/VOCABULARY.md)',
    ]);
    // Inside a block helper of the template's own, which may open a context, a ../ is left alone.
    expect(problems("{{#custom paragraphs}}{{../../title}}{{/custom}}")).toEqual([]);
  });

  it("says nothing inside a block helper of the template's own, whose context it cannot know, nor of a source that does not parse", () => {
    expect(problems("{{#custom paragraphs}}{{anything}}{{/custom}}")).toEqual([]);
    expect(problems("{{#if}}")).toEqual([]);
  });
});
