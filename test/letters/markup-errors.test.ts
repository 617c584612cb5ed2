import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidLetterDataError } from "../../functions/core/errors";
import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import { type DocumentRenderer, renderDocument } from "../../functions/core/render-document";
import { TemplateEngine } from "../../functions/core/template/template-engine";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { loadTemplateSet } from "../../functions/templates/load-template-set";
import { DATA_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * Markup outside the letter vocabulary (templates/VOCABULARY.md) is reported all at once, by where it
 * comes from: the template source (.hbs or partial) and its line and column when the template writes
 * it, found when the template is loaded; the data file and JSON path when a field carries it into
 * the letter (a template that prints a field unescaped, or puts it into an attribute). It used to
 * come one problem per run, named by a line of the filled template, which no one can open.
 */
const TEMPLATE = "parliamentary-committee";

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("markup the template writes outside the vocabulary", () => {
  const engineWith = async (change: { letter?: (source: string) => string; partials?: Record<string, string> }) => {
    const set = await loadTemplateSet(TEMPLATES_DIR, TEMPLATE);
    const templates = change.letter ? { ...set.templates, letter: change.letter(set.templates["letter"]!) } : set.templates;
    return () => new TemplateEngine({ ...set, templates, partials: { ...set.partials, ...change.partials } });
  };

  it("is refused when the template is loaded, every problem of every source at once, each by its file, line and column", async () => {
    const load = await engineWith({
      letter: (source) => source.replace('<p class="summary">{{summary}}</p>', '<p class="summary" style="color: red">{{summary}}</p>\n<center>{{title}}</center>'),
      partials: {
        motto: '<div class="motto">\n  <p>{{t "letterhead.logo"}} <blink>now</blink></p>\n  <a href="http://example.org/{{title}}" onclick="go()">{{title}}</a>\n</div>',
      },
    });
    const lines = errorOf(load).message.split("\n");
    const letterLine =
      readFileSync(join(TEMPLATES_DIR, TEMPLATE, "letter.hbs"), "utf8")
        .split("\n")
        .findIndex((line) => line.includes('class="summary"')) + 1;
    expect(lines).toEqual([
      `templates/${TEMPLATE}/letter.hbs line ${letterLine}, column 20: <p class="summary"> has an attribute the PDF layout does not know: style`,
      `templates/${TEMPLATE}/letter.hbs line ${letterLine + 1}, column 1: <center> is not an element of the letter vocabulary (templates/VOCABULARY.md)`,
      `templates/${TEMPLATE}/partials/motto.hbs line 2, column 30: <blink> is not an element of the letter vocabulary (templates/VOCABULARY.md)`,
      `templates/${TEMPLATE}/partials/motto.hbs line 3, column 6: <a> has href="http://example.org/{{…}}": expected an https: address or a #fragment (templates/VOCABULARY.md)`,
      `templates/${TEMPLATE}/partials/motto.hbs line 3, column 42: <a> has an attribute the PDF layout does not know: onclick`,
    ]);
  });

  it("checks both branches of a block, and leaves what a {{ }} fills to the letter's data", async () => {
    const load = await engineWith({
      partials: {
        extra:
          '{{#if title}}<p class="{{title}}" data-x="{{title}}">x</p>{{else}}<marquee>y</marquee>{{/if}}\n<a href="{{title}}">z</a> <a href="https://{{title}}">w</a> <q cite="#source-{{title}}">q</q>',
      },
    });
    expect(errorOf(load).message).toBe(
      `templates/${TEMPLATE}/partials/extra.hbs line 1, column 67: <marquee> is not an element of the letter vocabulary (templates/VOCABULARY.md)`,
    );
  });

  it("the shipped templates write only the vocabulary", async () => {
    for (const name of ["un-security-council", "parliamentary-committee"]) expect(new TemplateEngine(await loadTemplateSet(TEMPLATES_DIR, name))).toBeInstanceOf(TemplateEngine);
  });
});

describe("markup a field of the letter carries into it", () => {
  const LETTER = "committee-hearing-defenders";
  let root: string;
  let renderer: DocumentRenderer;
  let parsed: ParsedLetter;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "letterpress-markup-"));
    const templates = join(root, "templates");
    cpSync(TEMPLATES_DIR, templates, { recursive: true });
    // A template that prints a segment's text unescaped and a source's name as a link: data becomes markup.
    const folder = join(templates, "raw-org");
    cpSync(join(templates, TEMPLATE), folder, { recursive: true });
    const segment = join(folder, "partials", "segment.hbs");
    writeFileSync(segment, readFileSync(segment, "utf8").replace("{{else}}{{text}}{{/if}}", "{{else}}{{{text}}}{{/if}}"));
    writeFileSync(
      join(folder, "partials", "sources.hbs"),
      '<section class="sources">\n<h2>{{{t "sources.heading"}}}</h2>\n<ul>\n{{#each sources}}\n<li id="source-{{id}}"><a href="{{name}}">{{name}}</a></li>\n{{/each}}\n</ul>\n</section>\n',
    );
    // A message with markup (ICU's quoted "<", so not read as a rich-text tag), printed unescaped: the German catalog's.
    const german = join(folder, "messages", "de.json");
    writeFileSync(german, JSON.stringify({ ...JSON.parse(readFileSync(german, "utf8")), "sources.heading": "Quellen '<'marquee>!'<'/marquee>" }));
    cpSync(join(DATA_DIR, LETTER), join(root, "data", LETTER), { recursive: true });
    const facts = join(root, "data", LETTER, "letter.json");
    writeFileSync(facts, JSON.stringify({ ...JSON.parse(readFileSync(facts, "utf8")), template: "raw-org" }));
    const french = join(root, "data", LETTER, "fr.json");
    const fr = JSON.parse(readFileSync(french, "utf8"));
    fr.paragraphs[0].content[0].text = `${fr.paragraphs[0].content[0].text} <blink>urgent</blink>`;
    fr.paragraphs[1].content[0].text = `<font color="red">${fr.paragraphs[1].content[0].text}</font>`;
    // An attribute whose value is a letter found in nearly every field: only the field that writes it is named.
    fr.paragraphs[2].content[0].text = `${fr.paragraphs[2].content[0].text} <b onclick="e">gras</b>`;
    writeFileSync(french, JSON.stringify(fr, null, 2));
    renderer = await createRenderer({ templatesDir: templates, paper: "A4" });
    parsed = await loadLetter(join(root, "data"), LETTER);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(["pdf", "html"] as const)("is named by the data file and JSON path of each field, every problem at once (%s)", async (format) => {
    const error = await renderDocument(renderer, parsed, { letterId: LETTER, locale: "fr", recipientId: null, format }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(InvalidLetterDataError);
    const issues = (error as InvalidLetterDataError).issues.map((issue) => `${issue.file}: ${issue.path}: ${issue.message.split(";")[0]}`);
    expect(issues).toEqual([
      `${LETTER}/fr.json: paragraphs[0].content[0].text: <blink> is not an element of the letter vocabulary (templates/VOCABULARY.md)`,
      `${LETTER}/fr.json: paragraphs[1].content[0].text: <font> is not an element of the letter vocabulary (templates/VOCABULARY.md)`,
      `${LETTER}/fr.json: paragraphs[1].content[0].text: <font> has an attribute the PDF layout does not know: color`,
      `${LETTER}/fr.json: paragraphs[2].content[0].text: <b> has an attribute the PDF layout does not know: onclick`,
      `${LETTER}/fr.json: sources.udhr: <a> has href="Déclaration universelle des droits de l’homme, article 3": expected an https: address or a #fragment (templates/VOCABULARY.md)`,
    ]);
    expect((error as InvalidLetterDataError).issues[0]!.message).toMatch(/; the template \S*templates\/raw-org puts this text into the letter's markup: write plain text here$/);
  });

  it("names the field in every language that carries markup: the English source names, made a link, too", async () => {
    const english = await renderDocument(renderer, parsed, { letterId: LETTER, locale: "en", recipientId: null, format: "pdf" }).catch((failure: Error) => failure);
    // The English sources are names too: the link the template makes of them fails there as well, by its field.
    expect(english).toBeInstanceOf(InvalidLetterDataError);
    expect((english as InvalidLetterDataError).issues.map((issue) => `${issue.file}: ${issue.path}`)).toEqual([`${LETTER}/en.json: sources.udhr`]);
  });

  it("names a template's message that carries markup by its catalog file and key, beside the data fields, as a template error", async () => {
    const error = await renderDocument(renderer, parsed, { letterId: LETTER, locale: "de", recipientId: null, format: "pdf" }).catch((failure: Error) => failure);
    expect(error).not.toBeInstanceOf(InvalidLetterDataError);
    expect((error as { code?: string }).code).toBe("TEMPLATE_ERROR");
    expect((error as Error).message.split("\n").map((line) => line.split(";")[0])).toEqual([
      expect.stringMatching(/templates\/raw-org\/messages\/de\.json: sources\.heading: <marquee> is not an element of the letter vocabulary \(templates\/VOCABULARY\.md\)$/),
      expect.stringMatching(new RegExp(`^${LETTER}/de\\.json: sources\\.udhr: <a> has href=`)),
    ]);
  });
});
