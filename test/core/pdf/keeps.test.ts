import type { LocaleId } from "../../../functions/core/locales";
import { editionStylesheets, fillLetter, renderHtml } from "../../../functions/core/html/render-html";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../../support/browser";
import { createEngine, loadSeedLetter, SHIPPED_LOCALES } from "../../support/letters";
import { normalize, options, popplerPages, stylesheetsFor, toFile } from "./pdf-inspect";

/**
 * Pagination a typesetter would sign (issue 12, item 7): a heading stays with what follows it
 * (break-after: avoid), a list's heading and lead-in stay with at least its first two items
 * (templates/ua.css keeps a paragraph with the list it introduces, and a list's first item with
 * its second), in the seed letter for every recipient and language and in lists of our own.
 * Orphans and widows from the stylesheet: test/core/pdf/layout.test.ts.
 */

const MM = 72 / 25.4;
const METADATA = { title: "t", author: "a", subject: "s", keywords: [], creationDate: new Date(0) };

/**
 * The page (from 1) of `text`'s first occurrence, after `after`'s when given (a signatory's name
 * also stands in the letterhead); compared without white space and bidi marks.
 */
function pageOf(pages: readonly string[], text: string, after?: string): number {
  const normalized = pages.map(normalize);
  const all = normalized.join("");
  const from = after === undefined ? 0 : all.indexOf(normalize(after));
  const at = all.indexOf(normalize(text), Math.max(0, from));
  if (at === -1 || from === -1) throw new Error(`"${text}" is on no page${after ? ` after "${after}"` : ""}`);
  let end = 0;
  return normalized.findIndex((page) => (end += page.length) > at) + 1;
}

/** The heading, the lead-in and the first two names are on one page. */
function expectKept(pages: readonly string[], filled: ReturnType<typeof fillLetter>): void {
  const heading = /<h2 id="signatories-heading">([^<]*)<\/h2>/.exec(filled.fragment)![1]!;
  const cosigned = /<\/h2>\s*<p>([^<]*)<\/p>/.exec(filled.fragment.slice(filled.fragment.indexOf('id="signatories-heading"')))![1]!;
  const [first, second] = filled.view.signatories;
  const page = pageOf(pages, heading);
  expect([pageOf(pages, cosigned, heading), pageOf(pages, first!.name, heading), pageOf(pages, second!.name, heading)]).toEqual([page, page, page]);
}

describe("the seed letter's signatories heading stays with the first two signatories", () => {
  const cases: [LocaleId, string | undefined][] = [];
  let engine: Awaited<ReturnType<typeof createEngine>>;
  let letter: Awaited<ReturnType<typeof loadSeedLetter>>["letter"];
  beforeAll(async () => {
    engine = await createEngine();
    letter = (await loadSeedLetter()).letter;
  });
  // Every recipient's letter in its language (the Arabic letter to Jordan was the one that broke), and every language's general letter.
  cases.push(["ar", "jo"], ["en", "gb"], ["en", "ao"], ["fr", "td"], ["es", "cl"], ["es", "ve"], ["ru", "ru"], ["zh", "cn"]);
  for (const locale of SHIPPED_LOCALES) cases.push([locale as LocaleId, undefined]);

  it.each(cases)("in %s to %s", async (locale, recipient) => {
    const filled = fillLetter(engine, letter, locale, recipient);
    const pdf = await renderPdf(filled.fragment, { ...options(locale), stylesheets: editionStylesheets(engine, locale, "A4", filled.view.title), metadata: METADATA });
    expectKept(popplerPages(toFile(pdf)), filled);
  });
});

// The keeps are CSS in templates/ua.css, so the HTML edition printed by Chromium keeps them too.
const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("Chromium printing the HTML edition keeps the signatories heading with the first two signatories", () => {
  let launched: LaunchedBrowser;
  let engine: Awaited<ReturnType<typeof createEngine>>;
  let letter: Awaited<ReturnType<typeof loadSeedLetter>>["letter"];
  beforeAll(async () => {
    launched = await launchChromium();
    engine = await createEngine();
    letter = (await loadSeedLetter()).letter;
  });
  afterAll(async () => launched?.close());

  it.each([
    ["ar", "jo"],
    ["th", undefined],
  ] as [LocaleId, string | undefined][])("in %s to %s", async (locale, recipient) => {
    const page = await launched.browser.newPage();
    await page.setContent(renderHtml(engine, letter, locale, { recipientId: recipient }));
    await page.emulateMedia({ media: "print" });
    const pdf = await page.pdf({ preferCSSPageSize: true });
    await page.close();
    expectKept(popplerPages(toFile(Buffer.from(pdf))), fillLetter(engine, letter, locale, recipient));
  });
});

describe("keeps of our own", () => {
  const items = ["First item of the list", "Second item of the list", "Third item of the list", "Fourth item of the list"];
  const body = `<p class="spacer">x</p><h2>Heading of the list</h2><p>A paragraph that introduces the list.</p><ul>${items.map((i) => `<li>${i}</li>`).join("")}</ul>`;
  const lineHeight = 10 * 1.5;
  /** The room left after the spacer, in lines of the test's type. */
  const css = (lines: number) =>
    [
      "@page { size: A4; margin: 20mm; } body { margin: 0; font-size: 10pt; line-height: 1.5; } h2 { font-size: 10pt; margin: 0; } p, ul { margin: 0; }",
      `.spacer { margin-bottom: ${841.89 - 40 * MM - lineHeight - lines * lineHeight - 1}pt; }`,
    ].join("\n");
  const render = async (lines: number) =>
    popplerPages(toFile(await renderPdf(`<article class="letter" lang="en" dir="ltr">${body}</article>`, options("en", { stylesheets: stylesheetsFor("en", "A4", css(lines)) }))));

  it("moves a heading and its lead-in to the next page when the first two items do not fit after them", async () => {
    for (const room of [1, 2, 3]) {
      const pages = await render(room);
      expect([pageOf(pages, "Heading of the list"), pageOf(pages, "introduces"), pageOf(pages, items[0]!), pageOf(pages, items[1]!)]).toEqual([2, 2, 2, 2]);
    }
  });

  it("leaves the heading, the lead-in and two items at the foot of a page when they fit, the rest of the list going on", async () => {
    const pages = await render(4);
    expect(items.map((item) => pageOf(pages, item))).toEqual([1, 1, 2, 2]);
    expect(pageOf(pages, "Heading of the list")).toBe(1);
  });

  it("keeps a heading with the paragraph after it when only the heading fits", async () => {
    const pages = popplerPages(
      toFile(
        await renderPdf(
          `<article class="letter" lang="en" dir="ltr"><p class="spacer">x</p><h3>A heading</h3><p>${"A paragraph of several lines. ".repeat(12)}</p></article>`,
          options("en", { stylesheets: stylesheetsFor("en", "A4", css(1.5)) }),
        ),
      ),
    );
    expect(pageOf(pages, "A heading")).toBe(2);
  });
});
