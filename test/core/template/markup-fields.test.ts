import { isMarkupField, textOfMarkup, unescapedViewFields } from "../../../functions/core/template/markup-fields";

/** Which view fields a template prints as markup, read as Handlebars reads its contexts, and their text where only text goes. */
describe("the view fields a template prints unescaped", () => {
  const fields = (letter: string, partials: Record<string, string> = {}) => [...unescapedViewFields(letter, partials)].sort();

  it("finds {{{ }}} and {{& }} at the view, and leaves {{ }} alone", () => {
    expect(fields("<h1>{{{title}}}</h1><p>{{& summary}}</p><p>{{sender}}</p>")).toEqual(["summary", "title"]);
  });

  it("follows #each and #with into a list's items and an object's fields, ../ and @root back out", () => {
    const letter =
      "{{#each signatories}}<td>{{{name}}}</td><td>{{{../sender}}}</td><td>{{{@root.title}}}</td>{{/each}}{{#with recipient}}{{{country}}}{{/with}}{{#each addressee}}{{{this}}}{{/each}}";
    expect(fields(letter)).toEqual(["addressee", "recipient.country", "sender", "signatories.name", "title"]);
  });

  it("follows block parameters, partials with an argument or a hash, and an #if's both branches", () => {
    const letter =
      "{{#each paragraphs as |paragraph|}}{{#each paragraph.segments}}{{> segment}}{{/each}}{{/each}}{{> heading text=title}}{{#if excerpt}}x{{else}}{{{valediction}}}{{/if}}{{> person recipient}}";
    const partials = { segment: "{{#if quote}}{{quote}}{{else}}{{{text}}}{{/if}}", heading: "<h1>{{{text}}}</h1>", person: "{{{representative}}}" };
    expect(fields(letter, partials)).toEqual(["paragraphs.segments.text", "recipient.representative", "title", "valediction"]);
  });

  it("counts a helper's arguments printed unescaped, and a field of an unknown context by its name", () => {
    const found = unescapedViewFields('{{{t "greeting" name=salutation}}}{{#custom signatories}}{{{name}}}{{/custom}}', {});
    expect([...found].sort()).toEqual(["*.name", "salutation"]);
    expect(isMarkupField(found, "signatories.name")).toBe(true);
    expect(isMarkupField(found, "sources.name")).toBe(true);
    expect(isMarkupField(found, "title")).toBe(false);
  });
});

describe("the text of markup", () => {
  it.each([
    ["Safe water <em>now</em> & <strong>today</strong>", "Safe water now & today"],
    ["Tom &amp;amp; Jerry", "Tom &amp; Jerry"],
    ["A&nbsp;<b>bold</b>\n  claim<br>here", "A\u00a0bold claim here"],
    ["1 &lt; 2 <!-- a comment --><q>quoted</q>", "1 < 2 quoted"],
    ["plain", "plain"],
  ])("%j reads %j", (markup, text) => {
    expect(textOfMarkup(markup)).toBe(text);
  });
});
