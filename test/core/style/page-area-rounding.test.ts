import { parseLetter } from "../../../functions/core/pdf/letter-tree";
import { parseStylesheets, styleDocument } from "../../../functions/core/style";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../../support/browser";
import { compareEditions } from "../../support/edition-comparison";
import { printFragmentBothWays } from "../../support/fragment-editions";
import { run, stylesheetsFor, toFile } from "../pdf/pdf-inspect";

/**
 * The page area on paper sizes and margins that are not whole CSS pixels: Chromium rounds the page's
 * side to a LayoutUnit (1/64 px), truncates each margin to one, and rounds the rest up to a pixel.
 * B4 landscape (944.882 px tall, 944.875 in LayoutUnits) with 75.9375 px margins leaves 793 px, not
 * 794: a letter that just filled our page ran onto a second in Chromium's print.
 */

const PT_PER_PX = 0.75;

/** Our page area's height in CSS px for an `@page` size and margin. */
function ourPageAreaPx(size: string, margin: string): number {
  const letter = parseLetter('<article class="letter" lang="en"><p>x</p></article>');
  const page = styleDocument(letter.root, parseStylesheets(stylesheetsFor("en", "A4", `@page { size: ${size}; margin: ${margin}; }`))).page(false);
  return (page.height - page.margin.top - page.margin.bottom) / PT_PER_PX;
}

const CASES: [string, string][] = [
  ["B4 landscape", "75.9375px"],
  ["B4", "20mm"],
  ["7.77in 9.99in", "0.37in"],
  ["500px 1000.01px", "0"],
  ["500px 1000px", "75.99px"],
];

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("the page area, as Chromium rounds it", () => {
  jest.setTimeout(120_000);
  let launched: LaunchedBrowser;
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => launched?.close());

  /** How many pages Chromium prints a block `height` px tall on, the page's margins and size as given. */
  async function chromiumPages(size: string, margin: string, height: number): Promise<number> {
    const page = await launched.browser.newPage();
    try {
      await page.setContent(`<style>@page { size: ${size}; margin: ${margin}; } html, body { margin: 0; } div { height: ${height}px; }</style><div></div>`);
      await page.emulateMedia({ media: "print" });
      const info = run("pdfinfo", [toFile(await page.pdf({ preferCSSPageSize: true }))]);
      return Number(info.match(/Pages:\s+(\d+)/)![1]);
    } finally {
      await page.close();
    }
  }

  it.each(CASES)("%s with %s margins: a block as tall as our page area fills one Chromium page, one LayoutUnit more spills", async (size, margin) => {
    const area = ourPageAreaPx(size, margin);
    expect(Number.isInteger(Math.round(area * 1e6) / 1e6)).toBe(true);
    expect(await chromiumPages(size, margin, area)).toBe(1);
    expect(await chromiumPages(size, margin, area + 1 / 64)).toBe(2);
  });

  it("B4 landscape: a letter that ends at the page's last pixel or one past it has the same pages in both editions", async () => {
    const fonts = loadFontLibrary();
    const lines = Array.from({ length: 37 }, (_, n) => `Line ${n + 1}`).join("<br>");
    // The first paragraph's margin moves the last line down a pixel at a time, across the page's end.
    const counts: [number, number][] = [];
    for (let margin = 0; margin <= 30; margin++) {
      const { ours, chromium } = await printFragmentBothWays(launched.browser, fonts, {
        locale: "en",
        fragment: `<article class="letter" lang="en"><p>${lines}</p><p>The last line.</p></article>`,
        author: `@page { size: B4 landscape; margin: 75.9375px; }\nbody { font-family: var(--font-body); font-size: 10pt; line-height: 20px; }\np { margin: 0 0 ${margin}px; orphans: 1; widows: 1; }`,
      });
      const figures = compareEditions(ours, chromium, 0);
      counts.push([figures.pages.ours, figures.pages.chromium]);
    }
    expect(new Set(counts.map(([, chromium]) => chromium))).toEqual(new Set([1, 2]));
    expect(counts.map(([ours]) => ours)).toEqual(counts.map(([, chromium]) => chromium));
  });
});
