import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderDocument } from "../../../functions/core/render-document";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { loadLetter } from "../../../functions/letters/load-letters";
import { createRenderer } from "../../../functions/render/create-renderer";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { DATA_DIR, TEMPLATES_DIR } from "../../support/letters";

/**
 * What the filled letter would hold outside its one <article class="letter"> is found when the
 * template loads, named by letter.hbs (or the partial) and its line (fresh user 8a, item 11): it used
 * to fail only at render, as "filled template: expected exactly one <article class="letter">", with
 * no file and no line.
 */
const TEMPLATE = "un-security-council";

function loadError(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    return (error as Error).message.split("\n");
  }
  throw new Error("the template loaded");
}

describe('a letter.hbs that writes something beside its <article class="letter">', () => {
  const engineWith = async (letter: (source: string) => string, partials: Record<string, string> = {}) => {
    const set = await loadTemplateSet(TEMPLATES_DIR, TEMPLATE);
    const source = letter(set.templates["letter"]!);
    const lineOf = (text: string) => source.split("\n").findLastIndex((line) => line.includes(text)) + 1;
    return { load: () => new TemplateEngine({ ...set, templates: { ...set.templates, letter: source }, partials: { ...set.partials, ...partials } }), lineOf };
  };
  const folder = `templates/${TEMPLATE}`;

  it("loads the shipped templates, with comments, white space and a stray end tag outside the article", async () => {
    for (const name of ["un-security-council", "parliamentary-committee"]) {
      const set = await loadTemplateSet(TEMPLATES_DIR, name);
      expect(() => new TemplateEngine(set)).not.toThrow();
    }
    const { load } = await engineWith((source) => `{{!-- before --}}\n\n${source}\n{{!-- after --}}\n<!-- an HTML comment -->\n</article>\n{{> blank}}\n`, {
      blank: "{{!-- nothing --}}\n  \n",
    });
    expect(load).not.toThrow();
    // One article or another, by a block's branches: a fill writes one of them.
    const article = (body: string) => `<article class="letter" lang="{{lang}}" dir="{{dir}}"><h1>{{title}}</h1>${body}</article>`;
    const branches = await engineWith(() => `{{#if isTranslation}}\n${article("{{> translation-notice}}")}\n{{else}}\n${article("")}\n{{/if}}\n`);
    expect(branches.load).not.toThrow();
  });

  it("still names what a branch writes beside its own article", async () => {
    const article = `<article class="letter" lang="{{lang}}" dir="{{dir}}"><h1>{{title}}</h1></article>`;
    const { load, lineOf } = await engineWith(() => `{{#if isTranslation}}\n${article}\n<p>{{title}}</p>\n{{else}}\n${article}\n{{/if}}\n`);
    expect(loadError(load)).toEqual([
      `${folder}/letter.hbs line ${lineOf("<p>{{title}}</p>")}, column 1: <p> after <article class="letter">: the letter is one <article class="letter"> and nothing after it`,
    ]);
  });

  it("names markup after </article>, markup before it, and text, each by line and column, all at once", async () => {
    const { load, lineOf } = await engineWith((source) => `<p>Dear reader</p>\n${source.trimEnd()}\n<p class="ps">{{title}}</p>\nThanks.\n`);
    expect(loadError(load)).toEqual([
      `${folder}/letter.hbs line 1, column 1: <p> before <article class="letter">: the letter is one <article class="letter"> and nothing before it`,
      `${folder}/letter.hbs line ${lineOf('class="ps"')}, column 1: <p class="ps"> after <article class="letter">: the letter is one <article class="letter"> and nothing after it`,
      `${folder}/letter.hbs line ${lineOf("Thanks.")}, column 1: text "Thanks." after <article class="letter">: the letter is one <article class="letter"> and nothing after it`,
    ]);
  });

  it("names a second article, an element around it, and markup a block can write after it", async () => {
    const second = await engineWith((source) => `${source.trimEnd()}\n<article class="letter"><p>{{title}}</p></article>\n`);
    expect(loadError(second.load)).toEqual([
      `${folder}/letter.hbs line ${second.lineOf('<article class="letter"><p>')}, column 1: a second <article class="letter"> after <article class="letter">: the letter is one <article class="letter"> and nothing after it`,
    ]);
    const wrapped = await engineWith((source) => `<section>\n${source.trimEnd()}\n</section>\n`);
    expect(loadError(wrapped.load)).toEqual([
      `${folder}/letter.hbs line 1, column 1: <section> around <article class="letter">: the letter is one <article class="letter"> and nothing around it`,
    ]);
    const branch = await engineWith((source) => `${source.trimEnd()}\n{{#if isTranslation}}{{else}}<hr>{{/if}}\n`);
    expect(loadError(branch.load)).toEqual([
      `${folder}/letter.hbs line ${branch.lineOf("<hr>")}, column 30: <hr> after <article class="letter">: the letter is one <article class="letter"> and nothing after it`,
    ]);
  });

  it("names a {{ }} that would print outside the article, and what a partial called there writes, by the partial's file and line", async () => {
    const { load, lineOf } = await engineWith((source) => `${source.trimEnd()}\n{{title}}\n{{> postscript}}\n`, { postscript: "{{!-- a P.S. --}}\n\n<p>P.S. {{title}}</p>\n" });
    expect(loadError(load)).toEqual([
      `${folder}/letter.hbs line ${lineOf("{{title}}")}, column 1: {{…}} after <article class="letter"> writes outside the letter: the letter is one <article class="letter"> and nothing after it`,
      `${folder}/partials/postscript.hbs line 3, column 1: <p>, written by {{> postscript}} (${folder}/letter.hbs line ${lineOf("{{> postscript}}")}, column 1) after <article class="letter">: the letter is one <article class="letter"> and nothing outside it`,
    ]);
  });
});

describe("a letter whose shape only the render sees", () => {
  const LETTER = "committee-hearing-defenders";
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "letterpress-outside-"));
    const templates = join(root, "templates");
    cpSync(TEMPLATES_DIR, templates, { recursive: true });
    // letter.hbs writes no article itself (a partial does): nothing to judge at load; the render names letter.hbs.
    const folder = join(templates, "shell-org");
    cpSync(join(templates, "parliamentary-committee"), folder, { recursive: true });
    writeFileSync(join(folder, "partials", "whole.hbs"), readFileSync(join(folder, "letter.hbs"), "utf8"));
    writeFileSync(join(folder, "letter.hbs"), "{{> whole}}\n<p>{{title}}</p>\n");
    cpSync(join(DATA_DIR, LETTER), join(root, "data", LETTER), { recursive: true });
    const facts = join(root, "data", LETTER, "letter.json");
    writeFileSync(facts, JSON.stringify({ ...JSON.parse(readFileSync(facts, "utf8")), template: "shell-org" }));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("is a template error naming the template's letter.hbs and what stood beside the article", async () => {
    const renderer = await createRenderer({ templatesDir: join(root, "templates"), paper: "A4" });
    const parsed = await loadLetter(join(root, "data"), LETTER);
    const error = await renderDocument(renderer, parsed, { letterId: LETTER, locale: "en", recipientId: null, format: "pdf" }).catch((failure: Error) => failure);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/\/templates\/shell-org\/letter\.hbs \(as filled\): expected exactly one <article class="letter"> and nothing beside it; found <p>$/);
  });
});
