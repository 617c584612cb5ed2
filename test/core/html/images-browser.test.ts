/// <reference lib="dom" />
import { editionStylesheets, fillLetter, renderHtml } from "../../../functions/core/html/render-html";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { loadImageTemplateSet } from "../../fixtures/images/fixture-template";
import { browserAvailable, type LaunchedBrowser, launchChromium, openOfflinePage, seriousAxeViolations } from "../../support/browser";
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
    const { page, context, requests, problems } = await openOfflinePage(launched.browser, { viewport: { width: 900, height: 1200 } });
    await page.setContent(html, { waitUntil: "load" });
    expect(await seriousAxeViolations(page)).toEqual([]);
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

  it("prints signature images in table cells (signatories set as a table) where our PDF draws them (within 1.5pt)", async () => {
    const set = await loadImageTemplateSet({
      signatories:
        '<section class="signatories"><table class="signing"><tbody>{{#each signatories}}<tr><td>{{name}}</td><td><img src="assets/signatures/{{id}}.svg" alt="Signature of {{name}}"></td></tr>{{/each}}</tbody></table></section>',
      // Borders of a whole CSS pixel (0.75pt): Chromium rounds a 0.5pt border up to one pixel, which
      // moved each row 0.44pt from the PDF's (measured); that is the table's borders, not the images.
      css: "table.signing { border-collapse: collapse; } table.signing td { border: 0.75pt solid #000000; padding: 2pt 4pt; } table.signing img { height: 8mm; }",
    });
    const engine = new TemplateEngine(set);
    const { letter } = await loadSeedLetter();
    const filled = fillLetter(engine, letter, "en");
    const ours = toFile(await renderPdf(filled.fragment, options("en", { stylesheets: editionStylesheets(engine, "en", "A4", filled.view.title), images: set.assets })));
    const context = await launched.browser.newContext({ offline: true });
    const page = await context.newPage();
    await page.setContent(renderHtml(engine, letter, "en"), { waitUntil: "load" });
    const printed = toFile(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
    await context.close();
    for (const pageNumber of [1, 2]) {
      const a = colourBox(printed, pageNumber, [26, 35, 126]);
      const b = colourBox(ours, pageNumber, [26, 35, 126]);
      if (a === null || b === null) {
        expect(a).toEqual(b);
        continue;
      }
      const apart = Math.max(Math.abs(a.xMin - b.xMin), Math.abs(a.yMin - b.yMin), Math.abs(a.xMax - b.xMax), Math.abs(a.yMax - b.yMax));
      expect({ pageNumber, apart: apart <= 1.5 ? "within 1.5pt" : apart }).toEqual({ pageNumber, apart: "within 1.5pt" });
    }
  });

  it("prints the logo and the photo of the Arabic letter at the right, at the same horizontal place as our PDF (within 1.5pt)", async () => {
    const set = await loadImageTemplateSet();
    const engine = new TemplateEngine(set);
    const { letter } = await loadSeedLetter();
    const filled = fillLetter(engine, letter, "ar");
    const ours = toFile(await renderPdf(filled.fragment, options("ar", { stylesheets: editionStylesheets(engine, "ar", "A4", filled.view.title), images: set.assets })));
    const context = await launched.browser.newContext({ offline: true });
    const page = await context.newPage();
    await page.setContent(renderHtml(engine, letter, "ar"), { waitUntil: "load" });
    const printed = toFile(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
    await context.close();
    for (const colour of [
      [204, 0, 0],
      [0, 170, 0],
      [0, 0, 204],
    ] as [number, number, number][]) {
      // At 288 dpi: at 72, Chromium's resampled logo lost its edge column to the raster (both PDFs draw it at 443.03-533.03pt).
      const a = colourBox(printed, 1, colour, 288)!;
      const b = colourBox(ours, 1, colour, 288)!;
      // Horizontal edges only: the Arabic lines above the photo are set in different fonts by the
      // HTML edition until it embeds ours (issue 12 item 5), which moves it down by 2pt there.
      const apart = Math.max(Math.abs(a.xMin - b.xMin), Math.abs(a.xMax - b.xMax));
      expect({ colour, apart: apart <= 1.5 ? "within 1.5pt" : apart }).toEqual({ colour, apart: "within 1.5pt" });
    }
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
