import { renderDocument } from "../../../functions/core/render-document";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { loadLetter } from "../../../functions/letters/load-letters";
import { createRenderer } from "../../../functions/render/create-renderer";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../../support/browser";
import { compareEditions, restyled } from "../../support/edition-comparison";
import { pageSizes, printFragmentBothWays } from "../../support/fragment-editions";
import { DATA_DIR, TEMPLATES_DIR } from "../../support/letters";
import { extractBoth, findWord, options, run, stylesheetsFor, toFile, wordBoxes } from "./pdf-inspect";

/**
 * Fresh user 11, item 2, and the NGO's wide table of signatories: a table wider than the page's
 * content box. Chromium prints every page of the HTML edition smaller to fit the widest content
 * (Blink's CalculateOverflowShrinkForPrinting: its reach over the content box's width, at most 2),
 * laid out again on a page that many times larger; the PDF does the same. A table Chromium would
 * print cut (more than twice the box, or past the left edge of a right-to-left letter) is refused,
 * named, with its width and its box's, in both editions.
 */

const WORDS = ["Responsibilities", "Internationalization", "Accountability", "Representatives"];
const table = (words: readonly string[]) => `<table class="budget">${Array.from({ length: 4 }, () => `<tr>${words.map((w) => `<td>${w}</td>`).join("")}</tr>`).join("")}</table>`;
const paragraph = `<p>${"The committee heard the defenders of the proposal and their opponents. ".repeat(10)}</p>`;
const CELLS = "body { font-size: 10pt; line-height: 1.4; } td { padding: 2pt; border: 0.5pt solid black; }";
/** 3in paper: the four words side by side are more than twice its content box. */
const SMALL_PAPER = `@page { size: 3in 5in; margin: 0.3in; } ${CELLS}`;
/** 4.5in paper: they are 1.25 times its content box; a running header in the top margin. */
const WIDER_PAPER = `@page { size: 4.5in 5in; margin: 0.3in; @top-center { content: "Header"; } } ${CELLS}`;

const renderFragment = (body: string, css = SMALL_PAPER, locale: "en" | "ar" = "en") =>
  renderPdf(
    `<article class="letter" lang="${locale}"${locale === "ar" ? ' dir="rtl"' : ""}>${body}</article>`,
    options(locale, { stylesheets: stylesheetsFor(locale, "A4", css) }),
  );

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => "",
    (error: Error) => error.message,
  );

describe("a table wider than its page's content box", () => {
  it("up to twice as wide is made, drawn smaller: every cell on the page, and its words copy with poppler and pdf.js", async () => {
    const pdf = await renderFragment(`${paragraph}${table(WORDS)}${paragraph}`, WIDER_PAPER);
    const file = toFile(pdf);
    const words = wordBoxes(file);
    for (const word of WORDS) expect(words.filter((w) => w.text === word)).toHaveLength(4);
    // Nothing past the content box's right edge (4.5in less the 0.3in margin, a pixel's leeway).
    expect(Math.max(...words.map((word) => word.xMax))).toBeLessThanOrEqual(324 - 0.3 * 72 + 1);
    // Drawn smaller than the running header's 10pt: the table's words are 1/1.25 of their size.
    expect(findWord(words, "Responsibilities").yMax - findWord(words, "Responsibilities").yMin).toBeLessThan(
      (findWord(words, "Header").yMax - findWord(words, "Header").yMin) * 0.85,
    );
    const { poppler, pdfjs } = extractBoth(pdf);
    for (const text of [poppler.join("\n"), pdfjs.join("\n")]) expect(text.match(/Internationalization/g)).toHaveLength(4);
    expect(run("qpdf", ["--check", file])).toMatch(/No syntax or stream encoding errors found/);
  });

  it("more than twice as wide is refused, named by its class and first cell, with its width and its box's", async () => {
    const message = await refusal(renderFragment(`${paragraph}${table(WORDS)}${paragraph}`));
    const named = message.match(
      /^<table class="budget"> \(first cell "Responsibilities"\) is at least ([\d.]+)pt wide, its page's content box ([\d.]+)pt: Chromium prints the pages of the HTML edition at most half size to fit it, and would cut it at the page's edge, and so would the PDF/,
    );
    expect(named).not.toBeNull();
    expect(Number(named![1])).toBeGreaterThan(2 * Number(named![2]));
    // 3in paper less its margins, on whole CSS pixels.
    expect(Number(named![2])).toBeCloseTo(231 * 0.75, 0);
  });

  it("past the left edge of a right-to-left letter is refused: Chromium prints it cut, not smaller", async () => {
    const message = await refusal(renderFragment(`${paragraph}${table(WORDS)}`, WIDER_PAPER, "ar"));
    expect(message).toMatch(
      /^<table class="budget"> \(first cell "Responsibilities"\) is at least [\d.]+pt wide, its page's content box [\d.]+pt: in a right-to-left letter Chromium prints it cut/,
    );
  });

  it("more than twice as wide is refused for a letter's PDF and its HTML edition alike, naming the template", async () => {
    const renderer = restyled(await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" }), "parliamentary-committee", "@page { size: 1.6in 6in; margin: 0.25in; }");
    const parsed = await loadLetter(DATA_DIR, "committee-hearing-defenders");
    const named =
      /^templates\/parliamentary-committee\/letter\.hbs \(as filled\): <table[^>]*> \(first cell "[^"]+"\) is at least \d+(\.\d)?pt wide, its page's content box \d+(\.\d)?pt: Chromium prints/;
    for (const format of ["pdf", "html"] as const) {
      await expect(renderDocument(renderer, parsed, { letterId: "committee-hearing-defenders", locale: "en", recipientId: null, format })).rejects.toThrow(named);
    }
  });

  it("that fits the content box is made at full size, every column on the page", async () => {
    const words = wordBoxes(toFile(await renderFragment(`${paragraph}${table(["Rights", "Duties"])}${paragraph}`)));
    expect(words.filter((word) => word.text === "Duties")).toHaveLength(4);
    // The content box's right edge: 3in less the 0.3in margin, on whole CSS pixels.
    expect(Math.max(...words.map((word) => word.xMax))).toBeLessThanOrEqual(216 - 0.3 * 72 + 1);
  });
});

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("a wide table, printed by Chromium and in our PDF", () => {
  jest.setTimeout(120_000);
  const fonts = loadFontLibrary();
  let launched: LaunchedBrowser;
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => launched?.close());

  const print = (body: string, css: string) =>
    printFragmentBothWays(launched.browser, fonts, {
      locale: "en",
      fragment: `<article class="letter" lang="en">${body}</article>`,
      author: `${css}\nbody { font-family: var(--font-body); }`,
    });

  it("1.25 times its box: both print every page smaller, with the same pages, line starts and header", async () => {
    const { ours, chromium } = await print(`${paragraph}${table(WORDS)}${paragraph}${paragraph}`, WIDER_PAPER);
    const unshrunk = await print(`${paragraph}${table(["Rights", "Duties"])}${paragraph}${paragraph}`, WIDER_PAPER);
    expect(pageSizes(ours)).toEqual(pageSizes(chromium));
    const figures = compareEditions(ours, chromium, 0);
    expect(figures.pages.ours).toBe(figures.pages.chromium);
    expect(figures.agreeing).toBe(1);
    // Laid out on a larger page: fewer pages than the same paragraphs at full size.
    expect(figures.pages.chromium).toBeLessThan(compareEditions(unshrunk.ours, unshrunk.chromium, 0).pages.chromium);
    // The running header keeps its size and place in both (Chromium's @page zoom cancels the shrink).
    const header = (file: string) => findWord(wordBoxes(file), "Header");
    for (const file of [ours, unshrunk.ours]) {
      expect(header(file).xMin).toBeCloseTo(header(chromium).xMin, 0);
      expect(header(file).xMax - header(file).xMin).toBeCloseTo(header(chromium).xMax - header(chromium).xMin, 0);
    }
  });

  it("past the left edge of a right-to-left letter: Chromium prints the page at full size, the table cut (why the PDF refuses it)", async () => {
    const page = await launched.browser.newPage();
    try {
      const heightOf = async (body: string) => {
        await page.setContent(`<!DOCTYPE html><html dir="rtl"><head><style>${WIDER_PAPER}</style></head><body>${paragraph}${body}</body></html>`);
        await page.emulateMedia({ media: "print" });
        const word = findWord(wordBoxes(toFile(await page.pdf({ preferCSSPageSize: true }))), "committee");
        return word.yMax - word.yMin;
      };
      expect(await heightOf(table(WORDS))).toBeCloseTo(await heightOf(table(["Rights", "Duties"])), 2);
    } finally {
      await page.close();
    }
  });

  it("that fits: the same pages and line starts on small paper (Chromium shrinks no page)", async () => {
    const { ours, chromium } = await print(`${paragraph}${table(["Rights", "Duties"])}${paragraph}`, SMALL_PAPER);
    expect(pageSizes(chromium)[0]).toEqual([216, 360]);
    const figures = compareEditions(ours, chromium, 0);
    expect(figures.pages.ours).toBe(figures.pages.chromium);
    expect(figures.agreeing).toBe(1);
  });
});
