import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TemplateAssets } from "../../../functions/core/images/image-source";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { loadTemplateAssets } from "../../../functions/templates/template-assets";
import { IMAGE_TEMPLATE_DIR } from "../../fixtures/images/fixture-template";
import { SEED_TEMPLATE_DIR } from "../../support/letters";
import { colourBox, imageList, structureElements } from "./images-inspect";
import { options, popplerPages, run, stylesheetsFor, toFile } from "./pdf-inspect";

/**
 * Images in `@page` margin boxes (`content: url("assets/logo.png")`): a running logo drawn on every
 * page, sized by the box's `width` and `height` (its ratio kept), on the box's side, centred in the
 * margin, tagged as a page artifact (PDF/UA: /Artifact of type Pagination, no Figure), its file
 * checked as an `<img>`'s is. Against Chromium's print of the HTML edition: test/editions/margin-box-images.test.ts.
 */

const MM = 72 / 25.4;
/** The fixture logo (240 x 80 px): its left half red, its right half green, below a transparent band of 8 px. */
const RED: [number, number, number] = [204, 0, 0];
const GREEN: [number, number, number] = [0, 170, 0];

describe("images in @page margin boxes, in the PDF", () => {
  let assets: TemplateAssets;
  beforeAll(async () => {
    assets = await loadTemplateAssets(IMAGE_TEMPLATE_DIR);
  });

  const print = readFileSync(join(SEED_TEMPLATE_DIR, "print.css"), "utf8");
  const LONG = `<p>${"A paragraph long enough to fill the page with words. ".repeat(40)}</p>`.repeat(6);
  function render(css: string, body = LONG): Promise<Buffer> {
    const fragment = `<article class="letter" lang="en" dir="ltr">${body}</article>`;
    return renderPdf(fragment, options("en", { stylesheets: stylesheetsFor("en", "A4", `${print}\n${css}`), images: assets }));
  }
  /** The logo's box on a page: from the left of its red half to the right of its green half, its transparent band above them. */
  function logoOn(file: string, page: number) {
    const red = colourBox(file, page, RED, 288);
    const green = colourBox(file, page, GREEN, 288);
    if (!red || !green) return null;
    const yMax = Math.max(red.yMax, green.yMax);
    return { xMin: red.xMin, yMin: yMax - (yMax - Math.min(red.yMin, green.yMin)) / 0.9, xMax: green.xMax, yMax };
  }

  it("draws the logo on every page, at its intrinsic size (240 x 80 px = 180 x 60 pt) when it fits, on the box's side, centred in the margin", async () => {
    const file = toFile(await render('@page { margin-top: 30mm; @top-left { content: url("assets/logo.png"); } }'));
    const pages = popplerPages(file).length;
    expect(pages).toBeGreaterThan(1);
    for (let page = 1; page <= pages; page++) {
      const logo = logoOn(file, page)!;
      expect(logo).not.toBeNull();
      expect(logo.xMax - logo.xMin).toBeCloseTo(180, 0);
      expect(logo.yMax - logo.yMin).toBeCloseTo(60, 0);
      // The seed's left margin, and the margin's middle (30 mm).
      expect((logo.yMin + logo.yMax) / 2).toBeCloseTo(15 * MM, 0);
    }
    // One image XObject (with its mask) for all pages.
    expect(new Set(imageList(file).map((image) => `${image.type} ${image.width}x${image.height}`))).toEqual(new Set(["image 240x80", "smask 240x80"]));
  });

  it("sizes the logo by the box's width (the ratio kept), and bounds it by the box's height", async () => {
    const byWidth = logoOn(toFile(await render('@page { margin-top: 30mm; @top-right { content: url("assets/logo.png"); width: 40mm; } }')), 1)!;
    expect(byWidth.xMax - byWidth.xMin).toBeCloseTo(40 * MM, 0);
    expect(byWidth.yMax - byWidth.yMin).toBeCloseTo((40 * MM) / 3, 0);
    const byHeight = logoOn(toFile(await render('@page { margin-top: 30mm; @top-right { content: url("assets/logo.png"); width: 40mm; height: 8mm; } }')), 1)!;
    expect(byHeight.yMax - byHeight.yMin).toBeCloseTo(8 * MM, 0);
    expect(byHeight.xMax - byHeight.xMin).toBeCloseTo(24 * MM, 0);
    // text-align: right of a 40 mm box: the logo at the box's (the page area's) right edge.
    const right = logoOn(toFile(await render('@page { margin: 30mm 20mm; @top-right { content: url("assets/logo.png"); width: 40mm; height: 8mm; } }')), 1)!;
    // (The page area is a whole number of CSS pixels wide, as Chromium's: its right edge within 1.5 pt of 20 mm.)
    expect(Math.abs(right.xMax - (595.28 - 20 * MM))).toBeLessThan(1.5);
    expect(right.xMax - right.xMin).toBeCloseTo(24 * MM, 0);
    // A logo taller than the margin is scaled down into it.
    const small = logoOn(toFile(await render('@page { margin-top: 10mm; @top-center { content: url("assets/logo.png"); } }')), 1)!;
    expect(small.yMax - small.yMin).toBeCloseTo(10 * MM, 0);
    expect(small.yMin).toBeGreaterThanOrEqual(-0.5);
  });

  it("draws a logo of @page :first on the first page only, and each page's own box where :first and the others differ", async () => {
    const file = toFile(
      await render('@page { margin-top: 30mm; @top-right { content: "Continued"; } } @page :first { @top-right { content: url("assets/logo.png"); width: 30mm; } }'),
    );
    const pages = popplerPages(file);
    expect(logoOn(file, 1)!.xMax - logoOn(file, 1)!.xMin).toBeCloseTo(30 * MM, 0);
    expect(pages[0]).not.toContain("Continued");
    for (let page = 2; page <= pages.length; page++) {
      expect(logoOn(file, page)).toBeNull();
      expect(pages[page - 1]).toContain("Continued");
    }
  });

  it("tags the logo as a page artifact (/Artifact of type Pagination), not as a Figure, and leaves the text as it was", async () => {
    const css = '@page { @bottom-left { content: url("assets/logo.png"); height: 10mm; } }';
    const file = toFile(await render(css, "<p>Words of the letter.</p>"));
    expect(structureElements(file, "Figure")).toEqual([]);
    const out = `${file}.qdf`;
    run("qpdf", ["--qdf", "--object-streams=disable", file, out]);
    const text = readFileSync(out, "latin1");
    // The image is drawn inside a Pagination artifact's marked sequence.
    expect(text).toMatch(/\/Artifact\s*<<\s*\/Type\s*\/Pagination\s*>>\s*BDC\s*q[\s\S]*?\/I\w*\s+Do\s*Q\s*EMC/);
    expect(popplerPages(file)[0]).toContain("Words of the letter.");
  });

  it("refuses the same files an <img> refuses, naming the file and the margin box", async () => {
    await expect(render('@page { @top-left { content: url("assets/missing.png"); } }')).rejects.toThrow(
      /assets\/missing\.png: missing \(named by @page @top-left content: url\("assets\/missing\.png"\)\)/,
    );
    await expect(render('@page { @top-left { content: url("https://example.org/logo.png"); } }')).rejects.toThrow(/@page @top-left.*a render fetches nothing/);
    await expect(render('@page { @top-left { content: url("assets/bad/script.svg"); } }')).rejects.toThrow(/assets\/bad\/script\.svg: an SVG that has a <script>/);
    await expect(render('@page { @top-left { content: url("../secret.png"); } }')).rejects.toThrow(/leaves the template folder/);
  });

  it("refuses an image beside text in one box and a height on a box of text, naming the stylesheet, line, selector and property", async () => {
    await expect(render('@page { @top-left { content: url("assets/logo.png") "Coalition"; } }')).rejects.toThrow(
      /@page @top-left, property content: url\(\) stands alone in a margin box's content/,
    );
    await expect(render('@page { @top-left { content: "Coalition"; height: 10mm; } }')).rejects.toThrow(/@page @top-left: height bounds a margin box's image/);
  });
});
