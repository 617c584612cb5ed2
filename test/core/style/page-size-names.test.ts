import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { PAGE_SIZES, pageSizeOf } from "../../../functions/core/style/stylesheet";
import { parseValue } from "../../../functions/core/style/values";
import { toFile } from "../pdf/pdf-inspect";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../../support/browser";
import { compareEditions } from "../../support/edition-comparison";
import { pageSizes, printFragmentBothWays } from "../../support/fragment-editions";

/**
 * `@page { size }` takes every page size name CSS Paged Media 3 defines (A5 A4 A3 B5 B4 JIS-B5 JIS-B4
 * letter legal ledger), each the size Chromium prints it at, and refuses any other name with the list:
 * Chromium prints A6 or tabloid on its default paper, so the two editions would differ.
 */

const CSS_NAMES = ["A5", "A4", "A3", "B5", "B4", "JIS-B5", "JIS-B4", "letter", "legal", "ledger"];
/** Their standard sizes, portrait, in millimetres (ISO 216, JIS P 0138) or inches. */
const STANDARD: Record<string, [number, number]> = {
  A5: [148, 210],
  A4: [210, 297],
  A3: [297, 420],
  B5: [176, 250],
  B4: [250, 353],
  "JIS-B5": [182, 257],
  "JIS-B4": [257, 364],
  letter: [8.5 * 25.4, 11 * 25.4],
  legal: [8.5 * 25.4, 14 * 25.4],
  ledger: [11 * 25.4, 17 * 25.4],
};

/** Chromium's MediaBox side for a page laid out at `points`: whole points, then whole 1/300 in. */
const chromiumPaperSide = (points: number) => Math.round((Math.round(points) * 300) / 72) * 0.24;

const sizeOf = (value: string) => pageSizeOf(parseValue(value), { em: 12, rem: 12 });

describe("page size names", () => {
  it("gives each name CSS defines its standard size, portrait and landscape", () => {
    expect(Object.keys(PAGE_SIZES).length).toBe(CSS_NAMES.length);
    for (const name of CSS_NAMES) {
      const [width, height] = sizeOf(name);
      const [standardWidth, standardHeight] = STANDARD[name]!.map((mm) => (mm / 25.4) * 72);
      expect(width).toBeCloseTo(standardWidth!, 2);
      expect(height).toBeCloseTo(standardHeight!, 2);
      expect(sizeOf(`${name} landscape`)).toEqual([...sizeOf(name)].reverse());
      expect(sizeOf(`portrait ${name.toLowerCase()}`)).toEqual(sizeOf(name));
    }
  });

  it("refuses a name CSS does not define, listing every name it does", () => {
    for (const name of ["A6", "B6", "A2", "tabloid", "executive", "JIS-B6"]) {
      expect(() => sizeOf(name)).toThrow("expected auto, a page size (A5, A4, A3, B5, B4, JIS-B5, JIS-B4, letter, legal, ledger), portrait or landscape, or one or two lengths");
    }
  });
});

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("page size names printed by Chromium and in our PDF", () => {
  jest.setTimeout(240_000);
  const fonts = loadFontLibrary();
  let launched: LaunchedBrowser;
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => launched?.close());

  const paragraph = "The committee heard the defenders of the proposal and their opponents, one after another, for most of the afternoon. ".repeat(6);
  const print = (size: string) =>
    printFragmentBothWays(launched.browser, fonts, {
      locale: "en",
      fragment: `<article class="letter" lang="en"><p>${paragraph}</p><p>${paragraph}</p></article>`,
      author: `@page { size: ${size}; margin: 20mm; }\nbody { font-family: var(--font-body); font-size: 10pt; line-height: 1.5; }\np { margin: 0 0 6pt; }`,
    });

  it.each(CSS_NAMES.flatMap((name) => [name, `${name} landscape`]))("%s: the same page, its MediaBox as Chromium rounds it, and the same line starts", async (size) => {
    const { ours, chromium } = await print(size);
    const [oursBox] = pageSizes(ours);
    const [chromiumBox] = pageSizes(chromium);
    expect(oursBox!.map((side) => side.toFixed(1))).toEqual(sizeOf(size).map((side) => side.toFixed(1)));
    expect(chromiumBox!.map((side) => side.toFixed(2))).toEqual(oursBox!.map((side) => chromiumPaperSide(side).toFixed(2)));
    const figures = compareEditions(ours, chromium, 0);
    expect(figures.pages.ours).toBe(figures.pages.chromium);
    expect(figures.agreeing).toBe(1);
  });

  it("Chromium prints a name CSS does not define on its default paper, Letter (why we refuse them)", async () => {
    const page = await launched.browser.newPage();
    try {
      for (const name of ["A6", "B6", "A2", "tabloid"]) {
        await page.setContent(`<style>@page { size: ${name}; margin: 0 }</style><p>x</p>`);
        expect(pageSizes(toFile(await page.pdf({ preferCSSPageSize: true })))).toEqual([[612, 792]]);
      }
    } finally {
      await page.close();
    }
  });
});
