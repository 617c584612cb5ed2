import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { pngOf } from "../../fixtures/images/png";
import { editionStylesheets, fillLetter } from "../../../functions/core/html/render-html";
import type { TemplateAssets } from "../../../functions/core/images/image-source";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { TemplateEngine, type TemplateSet } from "../../../functions/core/template/template-engine";
import { loadTemplateAssets } from "../../../functions/templates/template-assets";
import { IMAGE_ERROR_CASES } from "../../fixtures/images/error-cases";
import { IMAGE_TEMPLATE_DIR, loadImageTemplateSet } from "../../fixtures/images/fixture-template";
import { loadSeedLetter, SEED_TEMPLATE_DIR } from "../../support/letters";
import { colourBox, imageList, structureElements, words } from "./images-inspect";
import { options, run, stylesheetsFor, toFile } from "./pdf-inspect";

/**
 * Images in the PDF, read back with real tools: poppler's pdfimages (the image XObjects),
 * pdftoppm (where the pixels are drawn), pdftotext -bbox (the text around them) and qpdf (the
 * structure tree's Figures and their /Alt).
 */

const MM = 72 / 25.4;

async function renderSeed(set: TemplateSet, locale: "en" | "ar" = "en"): Promise<Buffer> {
  return (await renderSeedWithView(set, locale)).pdf;
}

async function renderSeedWithView(set: TemplateSet, locale: "en" | "ar" = "en") {
  const engine = new TemplateEngine(set);
  const { letter } = await loadSeedLetter();
  const filled = fillLetter(engine, letter, locale);
  const pdf = await renderPdf(filled.fragment, options(locale, { stylesheets: editionStylesheets(engine, locale, "A4", filled.view.title), images: set.assets }));
  return { pdf, view: filled.view };
}

/** A one-paragraph letter around `body`, rendered with the fixture template's images and `css`. */
function renderFragment(body: string, css = "", assets?: TemplateAssets, dir: "ltr" | "rtl" = "ltr"): Promise<Buffer> {
  const fragment = `<article class="letter" lang="en" dir="${dir}">${body}</article>`;
  const print = readFileSync(join(SEED_TEMPLATE_DIR, "print.css"), "utf8");
  return (async () =>
    renderPdf(fragment, options("en", { stylesheets: stylesheetsFor("en", "A4", `${print}\n${css}`), images: assets ?? (await loadTemplateAssets(IMAGE_TEMPLATE_DIR)) })))();
}

describe("the seed letter with a logo, a photo and a signature image per signatory", () => {
  let file: string;
  let signatories: string[];
  beforeAll(async () => {
    const { pdf, view } = await renderSeedWithView(await loadImageTemplateSet());
    file = toFile(pdf);
    signatories = view.signatories.map(({ name }) => name);
  });

  it("embeds the PNG with its transparency as a soft mask and the JPEG as DCT, each once, at their pixel sizes", () => {
    const images = imageList(file);
    expect(images).toEqual([
      { page: 1, type: "image", width: 240, height: 80, enc: "image" },
      { page: 1, type: "smask", width: 240, height: 80, enc: "image" },
      { page: 1, type: "image", width: 200, height: 100, enc: "jpeg" },
    ]);
  });

  it("draws the logo at its width and height attributes (120 x 40 px = 90 x 30 pt), at the content's start above the sender", () => {
    const red = colourBox(file, 1, [204, 0, 0])!;
    const green = colourBox(file, 1, [0, 170, 0])!;
    const sender = words(file).find((w) => w.page === 1 && w.text === "Amnesty")!;
    expect(Math.abs(red.xMin - sender.box.xMin)).toBeLessThanOrEqual(1.5);
    // Each half is 45pt wide; the top 8 of 80 rows are transparent (3pt of 30).
    expect(Math.abs(red.xMax - red.xMin - 45)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(green.xMax - red.xMin - 90)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(red.yMax - red.yMin - 27)).toBeLessThanOrEqual(1.5);
    expect(red.yMax).toBeLessThan(sender.box.yMin);
  });

  it("sizes the block-level photo by CSS (width: 30mm, height: auto keeps its 2:1 ratio) below the sender's kind", () => {
    const blue = colourBox(file, 1, [0, 0, 204])!;
    expect(Math.abs(blue.xMax - blue.xMin - 30 * MM)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(blue.yMax - blue.yMin - 15 * MM)).toBeLessThanOrEqual(1.5);
    const kind = words(file).find((w) => w.page === 1 && w.text === "non-governmental")!;
    // Below the line before it, after the photo's 4mm margin.
    expect(blue.yMin).toBeGreaterThan(kind.box.yMax + 4 * MM - 2);
  });

  it("draws each signature as vector paths above its signatory's name, 12mm tall", () => {
    const all = words(file);
    const pages = run("pdfinfo", [file]).match(/Pages:\s+(\d+)/)![1]!;
    let found = 0;
    for (let page = 1; page <= Number(pages); page++) {
      const ink = colourBox(file, page, [26, 35, 126]);
      if (ink) found++;
    }
    expect(found).toBeGreaterThan(0);
    // The first signatory's name in the list (its first word's last occurrence), and the ink just above it on its page.
    const first = all.filter((w) => w.text === signatories[0]!.split(" ")[0]).at(-1);
    expect(first).toBeDefined();
    const ink = colourBox(file, first!.page, [26, 35, 126])!;
    expect(ink.yMin).toBeLessThan(first!.box.yMin);
    expect(first!.box.yMin - ink.yMin).toBeLessThanOrEqual(12 * MM + 2);
    // No image XObject for the SVGs: they are paths.
    expect(imageList(file)).toHaveLength(3);
  });

  it("tags every image as a Figure with its alt text", () => {
    const alts = structureElements(file, "Figure").map((f) => f.alt);
    expect(alts).toEqual(["Logo of the coalition", "A blue field", ...signatories.map((name) => `Signature of ${name}`)]);
  });

  it("passes qpdf's check", () => {
    expect(run("qpdf", ["--check", file])).toMatch(/No syntax or stream encoding errors/);
  });

  it("draws the signatures from the operator cache as it drew them afresh: the same bytes", async () => {
    // A freshly read template has new image bytes, which the cache has not seen: the first render draws afresh.
    const set = await loadImageTemplateSet();
    const fresh = await renderSeed(set);
    const cached = await renderSeed(set);
    expect(cached.equals(fresh)).toBe(true);
  });

  it("decodes a PNG's transparency once per process and synchronously: a second document takes the planes of the first (same bytes)", async () => {
    // pdfkit would decode through png-js after the page, for every document; spied, so that a pdfkit
    // upgrade that goes around the adapter (image-drawing.ts) fails here.
    const pngJs = require("png-js") as { prototype: { decodePixels: (...args: unknown[]) => unknown } };
    const asyncDecode = jest.spyOn(pngJs.prototype, "decodePixels");
    const syncDecode = jest.spyOn(PNG.sync, "read");
    try {
      const set = await loadImageTemplateSet();
      const first = await renderSeed(set);
      const second = await renderSeed(set);
      expect(asyncDecode).not.toHaveBeenCalled();
      expect(syncDecode).toHaveBeenCalledTimes(1);
      expect(second.equals(first)).toBe(true);
    } finally {
      asyncDecode.mockRestore();
      syncDecode.mockRestore();
    }
  });

  it("is deterministic: the same input makes the same bytes", async () => {
    const set = await loadImageTemplateSet();
    const [a, b] = await Promise.all([renderSeed(set), renderSeed(set)]);
    expect(a.equals(b)).toBe(true);
  });
});

describe("image sizing by CSS", () => {
  /** The logo's drawn box: red left half to green right half; its height less the transparent band (8 of 80 rows). */
  async function logoBox(img: string, css = ""): Promise<{ width: number; height: number; x: number }> {
    const file = toFile(await renderFragment(`<p class="logo">${img}</p><p>After.</p>`, css));
    const red = colourBox(file, 1, [204, 0, 0])!;
    const green = colourBox(file, 1, [0, 170, 0])!;
    return { width: green.xMax - red.xMin, height: ((red.yMax - red.yMin) * 80) / 72, x: red.xMin };
  }

  it("uses the intrinsic size (240 x 80 px = 180 x 60 pt) without attributes or CSS", async () => {
    const box = await logoBox('<img src="assets/logo.png" alt="Logo">');
    expect(box.width).toBeCloseTo(180, -0.6);
    expect(box.height).toBeCloseTo(60, -0.5);
  });

  it("keeps the ratio when CSS sets the width and height: auto overrides the height attribute", async () => {
    const box = await logoBox('<img src="assets/logo.png" alt="Logo" width="120" height="90">', ".logo img { width: 60mm; height: auto; }");
    expect(box.width).toBeCloseTo(60 * MM, -0.6);
    expect(box.height).toBeCloseTo(20 * MM, -0.5);
  });

  it("keeps the ratio when only the height is set", async () => {
    const box = await logoBox('<img src="assets/logo.png" alt="Logo">', ".logo img { height: 15mm; }");
    expect(box.width).toBeCloseTo(45 * MM, -0.5);
  });

  it("stretches when both are set, as a browser does", async () => {
    const box = await logoBox('<img src="assets/logo.png" alt="Logo" width="100" height="100">');
    expect(box.width).toBeCloseTo(75, -0.5);
    expect(box.height).toBeCloseTo(75, -0.5);
  });

  it("reads a percentage width attribute as a percentage of the line, not as pixels", async () => {
    const half = await logoBox('<img src="assets/logo.png" alt="Logo" width="50%">');
    const full = await logoBox('<img src="assets/logo.png" alt="Logo" width="100%">');
    expect(half.width).toBeCloseTo(full.width / 2, -0.6);
    expect(full.width).toBeGreaterThan(400);
  });

  it("clamps to max-width with the ratio kept", async () => {
    const box = await logoBox('<img src="assets/logo.png" alt="Logo">', ".logo img { max-width: 30mm; }");
    expect(box.width).toBeCloseTo(30 * MM, -0.5);
    expect(box.height).toBeCloseTo(10 * MM, -0.5);
  });

  it("starts at the right in a right-to-left letter, as its line's text would", async () => {
    const file = toFile(await renderFragment('<p class="logo"><img src="assets/logo.png" alt="Logo"></p><p>After.</p>', "", undefined, "rtl"));
    const green = colourBox(file, 1, [0, 170, 0])!;
    const after = words(file).find((w) => w.text.includes("After"))!;
    expect(Math.abs(green.xMax - after.box.xMax)).toBeLessThanOrEqual(1.5);
  });

  it("comes after the line's text-indent, which shifts a centred image by half the indent (as CSS's first-line indent does)", async () => {
    const start = await logoBox('<img src="assets/logo.png" alt="Logo">');
    const indented = await logoBox('<img src="assets/logo.png" alt="Logo">', ".logo { text-indent: 20mm; }");
    const centred = await logoBox('<img src="assets/logo.png" alt="Logo">', ".logo { text-align: center; }");
    const centredIndented = await logoBox('<img src="assets/logo.png" alt="Logo">', ".logo { text-align: center; text-indent: 20mm; }");
    expect(indented.x - start.x).toBeCloseTo(20 * MM, -0.6);
    expect(centredIndented.x - centred.x).toBeCloseTo(10 * MM, -0.6);
  });

  it("follows text-align on its line (centred, and at the end)", async () => {
    const start = await logoBox('<img src="assets/logo.png" alt="Logo">');
    const centred = await logoBox('<img src="assets/logo.png" alt="Logo">', ".logo { text-align: center; }");
    const end = await logoBox('<img src="assets/logo.png" alt="Logo">', ".logo { text-align: right; }");
    expect(centred.x - start.x).toBeCloseTo((end.x - start.x) / 2, -0.5);
    expect(end.x).toBeGreaterThan(start.x + 100);
  });
});

describe("images and pages", () => {
  it("embeds an image shown twice (on two pages) once, and tags each showing", async () => {
    const file = toFile(
      await renderFragment(
        '<p><img src="assets/logo.png" alt="Logo, first"></p><p class="next"><img src="assets/logo.png" alt="Logo, second"></p>',
        ".next { break-before: page; }",
      ),
    );
    const list = imageList(file);
    expect(list.map((image) => `${image.type} ${image.width}x${image.height}`)).toEqual(["image 240x80", "smask 240x80", "image 240x80", "smask 240x80"]);
    // pdfimages lists an image (and its soft mask) per showing, under the object shown: one XObject.
    const objects = run("pdfimages", ["-list", file])
      .split("\n")
      .slice(2)
      .filter((line) => line.trim() !== "")
      .map((line) => line.trim().split(/\s+/)[10]);
    expect(new Set(objects).size).toBe(1);
    expect(list.map((image) => image.page)).toEqual([1, 1, 2, 2]);
    expect(structureElements(file, "Figure").map((f) => f.alt)).toEqual(["Logo, first", "Logo, second"]);
  });

  it("moves an image that does not fit at the foot of a page to the next page", async () => {
    const filler = Array.from({ length: 30 }, (_, i) => `<p>Paragraph ${i + 1} of the filler.</p>`).join("");
    const file = toFile(await renderFragment(`${filler}<img class="big" src="assets/photo.jpg" alt="A blue field">`, "img.big { display: block; width: 160mm; }"));
    expect(colourBox(file, 1, [0, 0, 204])).toBeNull();
    const blue = colourBox(file, 2, [0, 0, 204])!;
    expect(Math.abs(blue.yMax - blue.yMin - 80 * MM)).toBeLessThanOrEqual(1.5);
  });

  it("refuses an image taller than the page area, naming the file", async () => {
    await expect(renderFragment('<img class="tall" src="assets/photo.jpg" alt="A blue field">', "img.tall { display: block; height: 400mm; }")).rejects.toThrow(
      /template\/assets\/photo\.jpg: drawn [\d.]+pt tall, taller than the page area/,
    );
  });

  it('sets a decorative image (role=presentation, alt="") as an artifact, not a Figure', async () => {
    const file = toFile(await renderFragment('<p><img src="assets/logo.png" alt="" role="presentation"></p><p>Text.</p>'));
    expect(structureElements(file, "Figure")).toEqual([]);
    expect(colourBox(file, 1, [204, 0, 0])).not.toBeNull();
  });
});

describe("an SVG with a gradient (objects of its own, drawn afresh each time)", () => {
  it("is drawn twice on a page, each with its pattern, in a file qpdf finds sound", async () => {
    const file = toFile(await renderFragment('<p><img src="assets/gradient.svg" alt="A"></p><p><img src="assets/gradient.svg" alt="B"></p>'));
    expect(run("qpdf", ["--check", file])).toMatch(/No syntax or stream encoding errors/);
    run("qpdf", ["--qdf", "--object-streams=disable", file, `${file}.qdf`]);
    const text = readFileSync(`${file}.qdf`, "latin1");
    expect((text.match(/\/ShadingType 2/g) ?? []).length).toBe(2);
    // Green at the gradient's end, in two places one above the other.
    const green = colourBox(file, 1, [0, 128, 0])!;
    expect(green.yMax - green.yMin).toBeGreaterThan(40);
  });
});

describe("images the PDF refuses", () => {
  it.each(IMAGE_ERROR_CASES)("$name", async ({ img, message }) => {
    await expect(renderFragment(`<p>${img}</p>`)).rejects.toThrow(message);
  });

  it("a signature image named by data that is missing, naming the signatory's file", async () => {
    const set = await loadImageTemplateSet({
      signatories:
        '<section class="signatories"><ul>{{#each signatories}}<li><p><img src="assets/signatures/{{id}}.png" alt="Signature of {{name}}"></p>{{name}}</li>{{/each}}</ul></section>',
    });
    await expect(renderSeed(set)).rejects.toThrow(/template\/assets\/signatures\/amnesty-international\.png: missing/);
  });

  it("an image beside text with its own margin, naming the line", async () => {
    await expect(renderFragment('<p>Signed: <img src="assets/logo.png" alt="Logo"></p>', "img { margin-left: 5mm; }")).rejects.toThrow(
      /filled template line 1: <img src="assets\/logo\.png">: an image on a line has no margin, padding or border/,
    );
  });

  it("an image on a line with its own margin (which only a block image has)", async () => {
    await expect(renderFragment('<p><img src="assets/logo.png" alt="Logo"></p>', "img { margin-left: 5mm; }")).rejects.toThrow(
      /an image on a line has no margin, padding or border/,
    );
  });

  it("a percentage height attribute, naming the attribute", async () => {
    await expect(renderFragment('<p><img src="assets/logo.png" alt="Logo" height="50%"></p>')).rejects.toThrow(
      '<img height="50%"> attribute: a percentage height is not supported',
    );
  });

  it("a height on a box that is not an image", async () => {
    await expect(renderFragment("<div class='tall'><p>Text</p></div>", ".tall { height: 30mm; }")).rejects.toThrow(
      /<div class="tall"> has a height; the PDF sizes only images by height/,
    );
  });

  it("an image file over 5 MB, naming it (said when an image names it, not when the folder is read)", async () => {
    const assets = await loadTemplateAssets(IMAGE_TEMPLATE_DIR);
    const big: TemplateAssets = {
      folder: assets.folder,
      files: new Map([...assets.files, ["assets/big.png", { problem: "has 6000000 bytes; an image may have at most 5 MB (5242880 bytes)" }]]),
    };
    await expect(renderFragment('<p><img src="assets/big.png" alt="Logo"></p>', "", big)).rejects.toThrow(
      /template\/assets\/big\.png: has 6000000 bytes; an image may have at most 5 MB/,
    );
  });

  it("a PNG whose chunks are whole but whose pixels are not zlib data, naming it", async () => {
    await expect(renderFragment('<p><img src="assets/bad/corrupt.png" alt="Logo"></p>')).rejects.toThrow(/template\/assets\/bad\/corrupt\.png: cannot be decoded as PNG/);
  });

  it("an opaque PNG (which pdfkit would copy without reading) whose pixels are not zlib data, naming it", async () => {
    const assets = await loadTemplateAssets(IMAGE_TEMPLATE_DIR);
    const opaque: TemplateAssets = {
      folder: assets.folder,
      files: new Map([...assets.files, ["assets/opaque.png", { bytes: pngOf(10, 10, Buffer.from("not zlib data"), 0, 2) }]]),
    };
    await expect(renderFragment('<p><img src="assets/opaque.png" alt="Logo"></p>', "", opaque)).rejects.toThrow(/template\/assets\/opaque\.png: cannot be decoded as PNG/);
  });

  it("a malformed SVG, naming it and what svg-to-pdfkit found", async () => {
    await expect(renderFragment('<p><img src="assets/bad/malformed.svg" alt="Logo"></p>')).rejects.toThrow(
      /template\/assets\/bad\/malformed\.svg: cannot be drawn in the PDF: parseXml: tag not matching/,
    );
  });

  it("a truncated PNG whose header is whole, naming it", async () => {
    const assets = await loadTemplateAssets(IMAGE_TEMPLATE_DIR);
    const logo = assets.files.get("assets/logo.png")!.bytes!;
    const broken: TemplateAssets = { folder: assets.folder, files: new Map([...assets.files, ["assets/broken.png", { bytes: logo.subarray(0, 60) }]]) };
    await expect(renderFragment('<p><img src="assets/broken.png" alt="Logo"></p>', "", broken)).rejects.toThrow(/template\/assets\/broken\.png: cannot be read as PNG/);
  });
});
