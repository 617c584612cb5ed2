import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidLetterDataError } from "../../../functions/core/errors";
import type { DocumentRequest } from "../../../functions/core/documents";
import { renderDocument } from "../../../functions/core/render-document";
import { unbalancedMarkup } from "../../../functions/core/template/markup-provenance";
import { loadLetter } from "../../../functions/letters/load-letters";
import { createRenderer } from "../../../functions/render/create-renderer";
import { DATA_DIR, TEMPLATES_DIR } from "../../support/letters";

/**
 * Unbalanced markup in a field the template prints as markup (`{{{title}}}`) is the field's fault,
 * named by its data file and JSON path, with what is wrong and what to write (fresh user, s11 item 1):
 * an unclosed `<em>` was blamed on the template ("letter.hbs (as filled) ... found <em>"), and a stray
 * `</em>` or an `<em>` left open in a table cell passed unseen.
 */
const LETTER = "committee-hearing-defenders";
const TEMPLATE = "parliamentary-committee";

describe("unbalanced markup in a field printed as markup", () => {
  let root: string;
  let folder: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "letterpress-unbalanced-"));
    cpSync(TEMPLATES_DIR, join(root, "templates"), { recursive: true });
    folder = join(root, "templates", TEMPLATE);
    const rewrite = (file: string, from: RegExp, to: string) => writeFileSync(join(folder, file), readFileSync(join(folder, file), "utf8").replace(from, to));
    rewrite("letter.hbs", /\{\{(title|summary|salutation|valediction)\}\}/g, "{{{$1}}}");
    rewrite("partials/segment.hbs", /\{\{(text|quote)\}\}/g, "{{{$1}}}");
    rewrite("partials/signatories.hbs", /<td>\{\{name\}\}/g, "<td>{{{name}}}");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** The error of a document of the letter whose en.json `change` edits, made with `templates` (the copy printing fields as markup by default). */
  async function renderError(change: (english: Record<string, any>) => void, format: DocumentRequest["format"] = "html", templates = join(root, "templates")) {
    const data = mkdtempSync(join(root, "data-"));
    cpSync(join(DATA_DIR, LETTER), join(data, LETTER), { recursive: true });
    const file = join(data, LETTER, "en.json");
    const english = JSON.parse(readFileSync(file, "utf8"));
    change(english);
    writeFileSync(file, JSON.stringify(english));
    const renderer = await createRenderer({ templatesDir: templates, paper: "A4" });
    const parsed = await loadLetter(data, LETTER);
    return renderDocument(renderer, parsed, { letterId: LETTER, locale: "en", recipientId: null, format }).then(
      () => undefined,
      (error: Error) => error,
    );
  }
  const printed = () => `(the template ${folder} prints this field as markup)`;

  it.each([
    [
      "title",
      (english: Record<string, any>) => (english.title += " <em>at risk"),
      "title",
      "<em> is opened and not closed: close it with </em> in this field, or write plain text",
    ],
    [
      "summary",
      (english: Record<string, any>) => (english.summary = `<strong>Three</strong> <strong>organizations ${english.summary}`),
      "summary",
      "<strong> is opened and not closed: close it with </strong> in this field, or write plain text",
    ],
    [
      "salutation",
      (english: Record<string, any>) => (english.salutation += ' <a href="https://example.org">Chair'),
      "salutation",
      "<a> is opened and not closed: close it with </a> in this field, or write plain text",
    ],
    [
      "paragraph text",
      (english: Record<string, any>) => (english.paragraphs[1].content[0].text += " again</em>"),
      "paragraphs[1].content[0].text",
      "</em> closes no element this field opens: remove it, or open the element in this field",
    ],
    [
      "quotation",
      (english: Record<string, any>) => (english.paragraphs[0].content[1].quote = `<em>Everyone ${english.paragraphs[0].content[1].quote}`),
      "paragraphs[0].content[1].quote",
      "<em> is opened and not closed: close it with </em> in this field, or write plain text",
    ],
    [
      "signatory's name, in a table cell",
      (english: Record<string, any>) => (english.signatories["sample-legal-aid"].name += " <em>Collective"),
      "signatories.sample-legal-aid.name",
      "<em> is opened and not closed: close it with </em> in this field, or write plain text",
    ],
  ])("names the %s by its data file and JSON path", async (_, change, path, problem) => {
    const error = await renderError(change);
    expect(error).toBeInstanceOf(InvalidLetterDataError);
    expect(error?.message).toBe(`${LETTER}/en.json: ${path}: ${problem} ${printed()}`);
  });

  it("names every unbalanced field at once, in the PDF edition too", async () => {
    const error = await renderError((english) => {
      english.title = `<em>Request</em> for a <strong>hearing`;
      english.valediction = "Yours</b> sincerely,";
    }, "pdf");
    expect(error?.message.split("\n")).toEqual([
      `${LETTER}/en.json: title: <strong> is opened and not closed: close it with </strong> in this field, or write plain text ${printed()}`,
      `${LETTER}/en.json: valediction: </b> closes no element this field opens: remove it, or open the element in this field ${printed()}`,
    ]);
  });

  it("lets balanced markup through, and any markup in a field the template prints as text", async () => {
    expect(await renderError((english) => (english.title = "Request for a <em>public</em> hearing<br>now"))).toBeUndefined();
    expect(await renderError((english) => (english.title += " <em>oops"), "html", TEMPLATES_DIR)).toBeUndefined();
  });
});

describe("unbalancedMarkup", () => {
  it("reads a field alone, as the HTML parser does", () => {
    expect(unbalancedMarkup("a < b & c")).toEqual([]);
    expect(unbalancedMarkup("<EM>loud</em> <br> <img src=x>")).toEqual([]);
    expect(unbalancedMarkup("<em>a <strong>b</em> c</strong>")).toEqual(["<strong> is opened and not closed: close it with </strong> in this field, or write plain text"]);
    expect(unbalancedMarkup("<p>one<p>two")).toHaveLength(2);
  });
});
