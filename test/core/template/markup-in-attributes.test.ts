import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DefaultTreeAdapterTypes, parseFragment } from "parse5";
import { fillLetter, renderHtml } from "../../../functions/core/html/render-html";
import { renderDocument } from "../../../functions/core/render-document";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { loadLetter } from "../../../functions/letters/load-letters";
import { createRenderer } from "../../../functions/render/create-renderer";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { DATA_DIR, loadFixtureLetter, SEED_TEMPLATE, TEMPLATES_DIR } from "../../support/letters";
import { structureElements } from "../pdf/images-inspect";
import { toFile } from "../pdf/pdf-inspect";

/**
 * A field the template prints as markup (`{{{title}}}`) and also puts into an HTML attribute
 * (`title="{{title}}"`, `alt=`, `aria-label=`, a message's argument there) gives the attribute its
 * text, tags left out, as the other text-only places do (the page's <title>, the PDF's /Title):
 * an attribute cannot hold markup, and its tags would show as text. Printed escaped, as ever.
 */
type Element = DefaultTreeAdapterTypes.Element;

const RICH_TITLE = 'Safe <em>water</em> &amp; "clean" air';
const RICH_TITLE_TEXT = 'Safe water & "clean" air';
const RICH_NAME = "First <b>NGO</b>";
const COMMITTEE_LETTER = "committee-hearing-defenders";

/** The fixture letter with markup in its English title and first signatory's name, and tags as text in its sender. */
function richLetter() {
  const { letter } = loadFixtureLetter("sample");
  const english = letter.translations.get("en")!;
  const signatories = english.signatories as Record<string, { name: string }>;
  const translations = new Map(letter.translations);
  translations.set("en", {
    ...english,
    title: RICH_TITLE,
    sender: "Tags <i>as</i> text",
    signatories: { ...signatories, "first-ngo": { ...signatories["first-ngo"]!, name: RICH_NAME } },
  });
  return { ...letter, translations };
}

/** The seed's template, its sources edited (`[from, to]` replacements each found once), and a message "test.about" taking {name}. */
async function engineWith(edits: Record<string, [string, string][]>): Promise<TemplateEngine> {
  const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
  const catalogs = Object.fromEntries(Object.entries(set.catalogs).map(([locale, catalog]) => [locale, { ...catalog, "test.about": "About {name}" }]));
  const edited = (name: string, source: string) =>
    (edits[name] ?? []).reduce((text, [from, to]) => {
      expect(text).toContain(from);
      return text.replace(from, to);
    }, source);
  return new TemplateEngine({
    ...set,
    catalogs,
    templates: Object.fromEntries(Object.entries(set.templates).map(([name, source]) => [name, edited(name, source)])),
    partials: Object.fromEntries(Object.entries(set.partials).map(([name, source]) => [name, edited(`partials/${name}`, source)])),
  });
}

function elements(html: string): Element[] {
  const found: Element[] = [];
  const visit = (nodes: readonly DefaultTreeAdapterTypes.ChildNode[]) => {
    for (const node of nodes)
      if ("tagName" in node) {
        found.push(node);
        visit(node.childNodes);
      }
  };
  visit(parseFragment(html).childNodes);
  return found;
}

const attribute = (html: string, selector: (element: Element) => boolean, name: string) =>
  elements(html)
    .filter(selector)
    .map((element) => element.attrs.find((attr) => attr.name === name)?.value);
const hasClass = (name: string) => (element: Element) => element.attrs.some((attr) => attr.name === "class" && attr.value.split(" ").includes(name));

const TITLE_IN_ATTRIBUTES: Record<string, [string, string][]> = {
  letter: [
    ['<h1 id="letter-title">{{title}}</h1>', '<h1 id="letter-title" title="{{title}}" data-about="{{t "test.about" name=title}}">{{{title}}}</h1>'],
    ['<p class="summary">{{summary}}</p>', '<p class="summary" aria-label="About: {{{title}}}, by {{@root.sender}}" title="{{sender}}">{{summary}}</p>'],
    ["{{> footer}}", "{{> footer heading=title}}"],
  ],
  "partials/footer": [['<p class="footer-title">{{title}}</p>', '<p class="footer-title" title="{{heading}}" data-unquoted={{title}}>{{title}}</p>']],
};

describe("a markup field in an HTML attribute", () => {
  it("gives the attribute its text, whether written {{ }} or {{{ }}}, alone, among words or unquoted, and keeps its markup in the letter", async () => {
    const engine = await engineWith(TITLE_IN_ATTRIBUTES);
    const { fragment } = fillLetter(engine, richLetter(), "en");
    expect(attribute(fragment, (element) => element.tagName === "h1", "title")).toEqual([RICH_TITLE_TEXT]);
    expect(attribute(fragment, hasClass("summary"), "aria-label")).toEqual([`About: ${RICH_TITLE_TEXT}, by Tags <i>as</i> text`]);
    expect(attribute(fragment, (element) => element.tagName === "h1", "data-about")).toEqual([`About ${RICH_TITLE_TEXT}`]);
    // A partial's hash value, and a field read in a partial.
    expect(attribute(fragment, hasClass("footer-title"), "title")).toEqual([RICH_TITLE_TEXT]);
    // Unquoted, the text's first word is the value, as for any text with a space.
    expect(attribute(fragment, hasClass("footer-title"), "data-unquoted")).toEqual(["Safe"]);
    // The letter itself keeps the markup where the template prints it unescaped, and the tags as text where escaped.
    expect(fragment).toContain(
      'title="Safe water &amp; &quot;clean&quot; air" data-about="About Safe water &amp; &quot;clean&quot; air">Safe <em>water</em> &amp; "clean" air</h1>',
    );
    expect(fragment).toContain("data-unquoted=Safe water &amp; &quot;clean&quot; air>Safe &lt;em&gt;water&lt;/em&gt;");
  });

  it("keeps the spaces at a field's edges, which join it to what the attribute writes beside it", async () => {
    const engine = await engineWith({ letter: [['<h1 id="letter-title">{{title}}</h1>', '<h1 id="letter-title" title="{{{title}}}and{{{title}}}">{{{title}}}</h1>']] });
    const letter = richLetter();
    const english = letter.translations.get("en")!;
    const translations = new Map(letter.translations);
    translations.set("en", { ...english, title: " <em>Safe</em>\n water " });
    const { fragment } = fillLetter(engine, { ...letter, translations }, "en");
    expect(attribute(fragment, (element) => element.tagName === "h1", "title")).toEqual([" Safe water and Safe water "]);
  });

  it("leaves a field the template never prints as markup as it is: its tags are text, escaped", async () => {
    const engine = await engineWith(TITLE_IN_ATTRIBUTES);
    const { fragment } = fillLetter(engine, richLetter(), "en");
    expect(attribute(fragment, hasClass("summary"), "title")).toEqual(["Tags <i>as</i> text"]);
    const plain = await engineWith({ letter: [['<h1 id="letter-title">{{title}}</h1>', '<h1 id="letter-title" title="{{title}}">{{title}}</h1>']] });
    expect(attribute(fillLetter(plain, richLetter(), "en").fragment, (element) => element.tagName === "h1", "title")).toEqual([RICH_TITLE]);
  });

  it("reads the field in the context the partial is called in, and as a message's argument (an image's alt, an abbreviation's title)", async () => {
    const engine = await engineWith({
      "partials/signatories": [["<li>{{name}}", '<li data-about="{{t "test.about" name=name}}">{{{name}}}']],
      "partials/sources": [["{{name}}", '{{name}}<span title="{{../title}}"></span>']],
    });
    const { fragment } = fillLetter(engine, richLetter(), "en");
    expect(attribute(fragment, (element) => element.tagName === "abbr", "title")).toEqual(["First NGO"]);
    expect(attribute(fragment, (element) => element.tagName === "li" && element.attrs.some((attr) => attr.name === "data-about"), "data-about")).toEqual([
      "About First NGO",
      "About Second NGO",
    ]);
    expect(fragment).toContain('<li data-about="About First NGO">First <b>NGO</b>');
    // The title is printed escaped everywhere here: read through ../ from a list's item, it is left as it is.
    expect(attribute(fragment, (element) => element.tagName === "span", "title")).toEqual([RICH_TITLE]);
  });

  it("gives the HTML edition's page the same text", async () => {
    const engine = await engineWith(TITLE_IN_ATTRIBUTES);
    const page = renderHtml(engine, richLetter(), "en");
    expect(page).toContain('<h1 id="letter-title" title="Safe water &amp; &quot;clean&quot; air" data-about="About Safe water &amp; &quot;clean&quot; air">');
  });
});

describe("a markup field in an image's alt, in the PDF edition", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "lp-attrtext-"));
    cpSync(TEMPLATES_DIR, join(root, "templates"), { recursive: true });
    // The committee template prints a signatory's name as markup; its signature image's alt is a message of that name.
    const signatories = join(root, "templates", "parliamentary-committee", "partials", "signatories.hbs");
    const source = readFileSync(signatories, "utf8");
    expect(source).toContain('alt="{{t "signatories.signatureOf" name=name}}"');
    writeFileSync(signatories, source.replace("<tr><td>{{name}}", "<tr><td>{{{name}}}"));
    cpSync(join(DATA_DIR, COMMITTEE_LETTER), join(root, "data", COMMITTEE_LETTER), { recursive: true });
    const english = join(root, "data", COMMITTEE_LETTER, "en.json");
    writeFileSync(english, readFileSync(english, "utf8").replace('"name": "Sample Legal Aid Collective"', '"name": "Sample <em>Legal Aid</em> Collective"'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("is the name's text in the Figure's /Alt, tags left out", async () => {
    const renderer = await createRenderer({ templatesDir: join(root, "templates"), paper: "A4" });
    const parsed = await loadLetter(join(root, "data"), COMMITTEE_LETTER);
    const pdf = toFile((await renderDocument(renderer, parsed, { letterId: COMMITTEE_LETTER, locale: "en", format: "pdf", recipientId: null })).bytes);
    const alts = structureElements(pdf, "Figure").map((figure) => figure.alt ?? "");
    expect(alts.some((alt) => alt.includes("Sample Legal Aid Collective"))).toBe(true);
    expect(alts.join("\n")).not.toMatch(/<\/?em>/);
  });
});
