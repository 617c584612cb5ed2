/// <reference lib="dom" />
import { editionStylesheets, fillLetter, renderHtml } from "../../../functions/core/html/render-html";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { loadImageTemplateSet } from "../../fixtures/images/fixture-template";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../../support/browser";
import { loadSeedLetter } from "../../support/letters";
import { options, toFile } from "../pdf/pdf-inspect";
import { colourBox } from "../pdf/images-inspect";

const describeInBrowser = browserAvailable() ? describe : describe.skip;
const MM = 96 / 25.4;

/**
 * The HTML edition's images in Chromium: shown under the page's own Content-Security-Policy with no
 * request and no error, at the sizes the stylesheet gives them; and, printed, where our PDF draws them.
 */
describeInBrowser("images of the HTML edition in headless Chromium", () => {
  let launched: LaunchedBrowser;
  let html: string;
  let ourPdf: Buffer;
  beforeAll(async () => {
    launched = await launchChromium();
    const set = await loadImageTemplateSet();
    const engine = new TemplateEngine(set);
    const { letter } = await loadSeedLetter();
    html = renderHtml(engine, letter, "en");
    const filled = fillLetter(engine, letter, "en");
    ourPdf = await renderPdf(filled.fragment, options("en", { stylesheets: editionStylesheets(engine, "en", "A4", filled.view.title), images: set.assets }));
  });
  afterAll(async () => launched?.close());

  it("shows every image (decoded, naturalWidth > 0) with no request and no console error, at the stylesheet's sizes", async () => {
    const context = await launched.browser.newContext({ viewport: { width: 900, height: 1200 }, offline: true });
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    await page.route("**/*", (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
    });
    await page.setContent(html, { waitUntil: "load" });
    const images = await page.evaluate(() =>
      [...document.querySelectorAll("img")].map((img) => ({
        alt: img.alt,
        complete: img.complete,
        naturalWidth: img.naturalWidth,
        width: img.getBoundingClientRect().width,
        height: img.getBoundingClientRect().height,
      })),
    );
    await context.close();
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(images.length).toBeGreaterThan(3);
    for (const image of images) {
      expect(image.complete).toBe(true);
      expect(image.naturalWidth).toBeGreaterThan(0);
    }
    const [logo, photo, signature] = images;
    expect(logo).toMatchObject({ alt: "Logo of the coalition", width: 120, height: 40 });
    expect(photo!.width).toBeCloseTo(30 * MM, 1);
    expect(photo!.height).toBeCloseTo(15 * MM, 1);
    // 12mm tall, its 3:1 viewBox kept.
    expect(signature!.height).toBeCloseTo(12 * MM, 1);
    expect(signature!.width).toBeCloseTo(36 * MM, 1);
  });

  it("prints the logo, the photo and the signatures where our PDF draws them (within 1.5pt)", async () => {
    const context = await launched.browser.newContext({ offline: true });
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: "load" });
    const printed = toFile(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
    await context.close();
    const ours = toFile(ourPdf);
    // The logo's halves and the photo on page 1; the signatures' ink (all of them) on page 2.
    for (const [page, colour] of [
      [1, [204, 0, 0]],
      [1, [0, 170, 0]],
      [1, [0, 0, 204]],
      [2, [26, 35, 126]],
    ] as [number, [number, number, number]][]) {
      const a = colourBox(printed, page, colour)!;
      const b = colourBox(ours, page, colour)!;
      // Pixel boxes at 72 dpi: one pixel is a point; an edge may round to either side.
      const apart = Math.max(Math.abs(a.xMin - b.xMin), Math.abs(a.yMin - b.yMin), Math.abs(a.xMax - b.xMax), Math.abs(a.yMax - b.yMax));
      expect({ colour, apart: apart <= 1.5 ? "within 1.5pt" : apart }).toEqual({ colour, apart: "within 1.5pt" });
    }
  });
});
