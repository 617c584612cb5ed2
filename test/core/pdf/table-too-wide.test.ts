import { renderDocument } from "../../../functions/core/render-document";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { loadLetter } from "../../../functions/letters/load-letters";
import { createRenderer } from "../../../functions/render/create-renderer";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../../support/browser";
import { compareEditions, restyled } from "../../support/edition-comparison";
import { pageSizes, printFragmentBothWays } from "../../support/fragment-editions";
import { DATA_DIR, TEMPLATES_DIR } from "../../support/letters";
import { options, stylesheetsFor, toFile, wordBoxes } from "./pdf-inspect";

/**
 * Fresh user 11, item 2: a table wider than the page's content box (four columns of long words on
 * 3in x 5in paper). Chromium prints every page smaller to fit the widest content (Blink's
 * CalculateOverflowShrinkForPrinting), so its page count and every line differed from the PDF's,
 * which ran the table past the page's edge, unsaid. Such a table is refused, named, with its
 * narrowest width and its box's; one that fits is made and agrees with Chromium's print.
 */

const WORDS = ["Responsibilities", "Internationalization", "Accountability", "Representatives"];
const table = (words: readonly string[]) => `<table class="budget">${Array.from({ length: 4 }, () => `<tr>${words.map((w) => `<td>${w}</td>`).join("")}</tr>`).join("")}</table>`;
const paragraph = `<p>${"The committee heard the defenders of the proposal and their opponents. ".repeat(10)}</p>`;
const SMALL_PAPER = "@page { size: 3in 5in; margin: 0.3in; } body { font-size: 10pt; line-height: 1.4; } td { padding: 2pt; border: 0.5pt solid black; }";

const renderFragment = (body: string) => renderPdf(`<article class="letter" lang="en">${body}</article>`, options("en", { stylesheets: stylesheetsFor("en", "A4", SMALL_PAPER) }));

describe("a table wider than its box", () => {
  it("is refused, named by its class and first cell, with its narrowest width and its box's", async () => {
    const message = await renderFragment(`${paragraph}${table(WORDS)}${paragraph}`).then(
      () => "",
      (error: Error) => error.message,
    );
    const named = message.match(
      /^<table class="budget"> \(first cell "Responsibilities"\) is at least ([\d.]+)pt wide, its box \(the page's content box or the block it is in\) ([\d.]+)pt: Chromium would print every page of the HTML edition smaller to fit it/,
    );
    expect(named).not.toBeNull();
    // Four of these words side by side are wider than 3in paper less its margins.
    expect(Number(named![1])).toBeGreaterThan(Number(named![2]));
    expect(Number(named![2])).toBeLessThanOrEqual(216 - 0.6 * 72);
  });

  it("is refused for a letter's PDF, naming the template", async () => {
    const renderer = restyled(await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" }), "parliamentary-committee", "@page { size: 2.5in 6in; margin: 0.25in; }");
    const parsed = await loadLetter(DATA_DIR, "committee-hearing-defenders");
    await expect(renderDocument(renderer, parsed, { letterId: "committee-hearing-defenders", locale: "en", recipientId: null, format: "pdf" })).rejects.toThrow(
      /^templates\/parliamentary-committee\/letter\.hbs \(as filled\): <table[^>]*> \(first cell "[^"]+"\) is at least \d+(\.\d)?pt wide, its box \(the page's content box or the block it is in\) \d+(\.\d)?pt/,
    );
  });

  it("that fits the content box is made, every column on the page", async () => {
    const words = wordBoxes(toFile(await renderFragment(`${paragraph}${table(["Rights", "Duties"])}${paragraph}`)));
    expect(words.filter((word) => word.text === "Duties")).toHaveLength(4);
    // The content box's right edge: 3in less the 0.3in margin, on whole CSS pixels.
    expect(Math.max(...words.map((word) => word.xMax))).toBeLessThanOrEqual(216 - 0.3 * 72 + 1);
  });
});

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("a table that fits, printed by Chromium and in our PDF", () => {
  jest.setTimeout(120_000);
  const fonts = loadFontLibrary();
  let launched: LaunchedBrowser;
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => launched?.close());

  it("has the same pages and line starts on small paper (Chromium shrinks no page)", async () => {
    const { ours, chromium } = await printFragmentBothWays(launched.browser, fonts, {
      locale: "en",
      fragment: `<article class="letter" lang="en">${paragraph}${table(["Rights", "Duties"])}${paragraph}</article>`,
      author: `${SMALL_PAPER}\nbody { font-family: var(--font-body); }`,
    });
    expect(pageSizes(chromium)[0]).toEqual([216, 360]);
    const figures = compareEditions(ours, chromium, 0);
    expect(figures.pages.ours).toBe(figures.pages.chromium);
    expect(figures.agreeing).toBe(1);
  });
});
