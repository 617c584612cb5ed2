import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TemplateAssets } from "../../../functions/core/images/image-source";
import { type InlineAlign, lineBoxWith } from "../../../functions/core/pdf/line-box";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { loadTemplateAssets } from "../../../functions/templates/template-assets";
import { IMAGE_TEMPLATE_DIR } from "../../fixtures/images/fixture-template";
import { SEED_TEMPLATE_DIR } from "../../support/letters";
import { colourBox, imageList, structureElements } from "./images-inspect";
import { extractBoth, findWord, options, stylesheetsFor, toFile, wordBoxes } from "./pdf-inspect";

/**
 * Inline images in the PDF (atomic inline boxes): the line box's height by CSS 2.1 §10.8 for every
 * `vertical-align` we support, break opportunities around the image, its Figure and alt text, and
 * what the extractors copy. Their places against Chromium's: test/editions/inline-images.test.ts.
 */

describe("the line box grown by atomic inline boxes (CSS 2.1 §10.8.1)", () => {
  // A strut 20pt tall, its baseline 14pt down; the parent font's ascent 11, descent 4, x-height 6.
  const strut = { height: 20, baseline: 14 };
  const parent = { ascent: 11, descent: 4, xHeight: 6 };
  const one = (height: number, align: InlineAlign) => lineBoxWith(strut, parent, [{ height, align }]);

  it("leaves the strut's box when every box fits inside it", () => {
    expect(one(10, "baseline")).toEqual({ box: strut, tops: [4] });
    expect(one(10, "top")).toEqual({ box: strut, tops: [0] });
    expect(one(10, "bottom")).toEqual({ box: strut, tops: [10] });
  });

  it("grows above the baseline for an image on the baseline taller than the strut's ascent", () => {
    expect(one(30, "baseline")).toEqual({ box: { height: 36, baseline: 30 }, tops: [0] });
  });

  it("centres a middle image on the baseline plus half the x-height, growing both sides", () => {
    // 40pt: 23 above the baseline (20 + 3), 17 below.
    expect(one(40, "middle")).toEqual({ box: { height: 40, baseline: 23 }, tops: [0] });
  });

  it("puts a text-top image's top on the parent's ascent and a text-bottom image's bottom on its descent", () => {
    // text-top: 11 above, 19 below the baseline; the strut's 14 above stays.
    expect(one(30, "text-top")).toEqual({ box: { height: 33, baseline: 14 }, tops: [3] });
    // text-bottom: 26 above, 4 below; the strut's 6 below stays.
    expect(one(30, "text-bottom")).toEqual({ box: { height: 32, baseline: 26 }, tops: [0] });
  });

  it("grows downward for a tall top image and upward for a tall bottom image, after the baseline-relative boxes", () => {
    expect(one(30, "top")).toEqual({ box: { height: 30, baseline: 14 }, tops: [0] });
    expect(one(30, "bottom")).toEqual({ box: { height: 30, baseline: 24 }, tops: [0] });
    // A baseline image first makes the line 36 tall; a 30pt top image then fits.
    expect(
      lineBoxWith(strut, parent, [
        { height: 30, align: "baseline" },
        { height: 30, align: "top" },
      ]),
    ).toEqual({ box: { height: 36, baseline: 30 }, tops: [0, 0] });
  });
});

describe("inline images in the PDF", () => {
  let assets: TemplateAssets;
  beforeAll(async () => {
    assets = await loadTemplateAssets(IMAGE_TEMPLATE_DIR);
  });

  const print = readFileSync(join(SEED_TEMPLATE_DIR, "print.css"), "utf8");
  function render(body: string, css = "", dir: "ltr" | "rtl" = "ltr", lang = "en"): Promise<Buffer> {
    const fragment = `<article class="letter" lang="${lang}" dir="${dir}">${body}</article>`;
    return renderPdf(fragment, options("en", { stylesheets: stylesheetsFor("en", "A4", `${print}\n${css}`), images: assets }));
  }

  const ICON = '<img src="assets/icon.png" alt="Warning sign" width="16" height="16">';

  it("draws an icon between two words on their line, its bottom on the baseline, a Figure with its alt", async () => {
    const file = toFile(await render(`<p>Before ${ICON} after.</p>`));
    expect(imageList(file)).toEqual([
      { page: 1, type: "image", width: 16, height: 16, enc: "image" },
      { page: 1, type: "smask", width: 16, height: 16, enc: "image" },
    ]);
    const words = wordBoxes(file);
    const before = findWord(words, "Before");
    const after = findWord(words, "after.");
    const icon = colourBox(file, 1, [255, 0, 255], 288)!;
    // 16px = 12pt, between the words, one line.
    expect(icon.xMax - icon.xMin).toBeCloseTo(12, 0);
    expect(icon.xMin).toBeGreaterThan(before.xMax);
    expect(icon.xMax).toBeLessThan(after.xMin);
    expect(Math.abs(before.yMin - after.yMin)).toBeLessThan(0.1);
    expect(structureElements(file, "Figure")).toEqual([{ alt: "Warning sign" }]);
  });

  it("copies as nothing in both extractors (as Chromium's printed PDF: an image has no text), the words around it kept", async () => {
    const { poppler, pdfjs } = extractBoth(await render(`<p>Signed: Jane Doe ${ICON} for the coalition.</p>`));
    for (const text of [poppler.join("\n"), pdfjs.join("\n")]) {
      // The image's gap may read as a line break (poppler): the words, in order, and nothing between them.
      expect(text.replace(/\s+/g, " ")).toMatch(/Signed: Jane Doe for the coalition\./);
      expect(text).not.toMatch(/Warning sign|\ufffc/);
    }
  });

  it('tags a decorative image (alt="") as an artifact: no Figure', async () => {
    const file = toFile(await render('<p>Before <img src="assets/icon.png" alt="" role="presentation" width="16" height="16"> after.</p>'));
    expect(structureElements(file, "Figure")).toEqual([]);
    expect(colourBox(file, 1, [255, 0, 255])).not.toBeNull();
  });

  it("grows the line holding an image taller than it, and only that line", async () => {
    const text = "word ".repeat(60);
    const plain = wordBoxes(toFile(await render(`<p>${text}</p>`)));
    const tall = toFile(await render(`<p>${text}<img src="assets/tall-icon.png" alt="Marker" width="24" height="48"> ${text}</p>`));
    const withImage = wordBoxes(tall);
    const tops = (words: typeof plain) => [...new Set(words.filter((w) => w.text === "word").map((w) => w.yMin.toFixed(1)))].map(Number);
    const [a, b] = [tops(plain), tops(withImage)];
    const marker = colourBox(tall, 1, [255, 136, 0], 288)!;
    // 48px = 36pt tall, its bottom on its line's baseline.
    expect(marker.yMax - marker.yMin).toBeCloseTo(36, 0);
    const lineOf = b.findIndex((top) => top > marker.yMin && top < marker.yMax);
    expect(lineOf).toBeGreaterThan(0);
    // Lines above it keep their places; its line moves down by the image's height above the strut's ascent.
    expect(b.slice(0, lineOf)).toEqual(a.slice(0, lineOf));
    const grown = b[lineOf]! - b[lineOf - 1]! - (a[1]! - a[0]!);
    expect(grown).toBeGreaterThan(20);
    // The line after it is spaced as usual.
    expect(b[lineOf + 1]! - b[lineOf]!).toBeCloseTo(a[1]! - a[0]!, 1);
  });

  it("breaks after an image between two words without spaces (a break opportunity on both sides, as Chromium's), never inside them", async () => {
    // 48pt wide: "aaaa" and the 12pt icon fit, "bbbb" does not. Without the opportunities the three
    // would be one unbreakable word, cut between letters (overflow-wrap: break-word).
    const file = toFile(await render(`<p class="narrow">aaaa${ICON}bbbb</p>`, "p.narrow { width: 48pt; }"));
    const words = wordBoxes(file);
    const a = findWord(words, "aaaa");
    const b = findWord(words, "bbbb");
    const icon = colourBox(file, 1, [255, 0, 255], 288)!;
    expect(b.yMin - a.yMin).toBeGreaterThan(10);
    expect(icon.xMin).toBeGreaterThan(a.xMax - 0.5);
    expect(icon.yMin).toBeLessThan(a.yMax);
    expect(icon.yMax).toBeLessThan(b.yMin);
  });

  it("sets an RTL paragraph's images in visual order: after the first word, to its left", async () => {
    const file = toFile(await render(`<p>שלום ${ICON} עולם</p>`, "", "rtl", "he"));
    const words = wordBoxes(file);
    // pdftotext -bbox writes each right-to-left word's letters in visual order.
    const visual = (word: string) => [...word].reverse().join("");
    const first = words.find((w) => w.text === visual("שלום"))!;
    const second = words.find((w) => w.text === visual("עולם"))!;
    const icon = colourBox(file, 1, [255, 0, 255], 288)!;
    expect(first.xMin).toBeGreaterThan(icon.xMax);
    expect(icon.xMin).toBeGreaterThan(second.xMax);
  });

  it("draws each template's own file when two templates' images share a name, size and alt (set paragraphs are shared, keyed by the image's bytes)", async () => {
    const body = `<p>Before ${ICON} after.</p>`;
    const magenta = toFile(await render(body));
    // Another template whose assets/icon.png is an orange square: the same paragraph, another picture.
    const orange = assets.files.get("assets/tall-icon.png")!;
    const other: TemplateAssets = { folder: "templates/other", files: new Map([["assets/icon.png", orange]]) };
    const fragment = `<article class="letter" lang="en" dir="ltr">${body}</article>`;
    const second = toFile(await renderPdf(fragment, options("en", { stylesheets: stylesheetsFor("en", "A4", print), images: other })));
    expect(colourBox(magenta, 1, [255, 0, 255])).not.toBeNull();
    expect(colourBox(second, 1, [255, 0, 255])).toBeNull();
    expect(colourBox(second, 1, [255, 136, 0])).not.toBeNull();
  });

  it("refuses an image beside text whose line would be taller than the page area, naming the file", async () => {
    await expect(render('<p>Before <img src="assets/tall-icon.png" alt="Marker" height="1200"> after.</p>')).rejects.toThrow(
      /template\/assets\/tall-icon\.png: drawn \d+\.\dpt tall, taller than the page area/,
    );
  });

  it("accepts display: inline-block on an image (an atomic inline either way) and refuses it on text", async () => {
    await expect(render(`<p>Before ${ICON} after.</p>`, "img { display: inline-block; }")).resolves.toBeInstanceOf(Buffer);
    await expect(render("<p>Before <span>x</span> after.</p>", "span { display: inline-block; }")).rejects.toThrow(/<span>.*display: inline-block/);
  });

  it("refuses vertical-align values outside the table by stylesheet, line, selector and property", async () => {
    await expect(render(`<p>Before ${ICON} after.</p>`, "img {\n  vertical-align: sub;\n}")).rejects.toThrow(
      /line \d+, selector img, property vertical-align: not an accepted value; expected baseline \| top \| middle \| bottom \| text-top \| text-bottom/,
    );
    await expect(render(`<p>Before ${ICON} after.</p>`, "img { vertical-align: 3pt; }")).rejects.toThrow(/property vertical-align: not an accepted value/);
    // On text, any value but baseline still sets it apart from its paragraph's one baseline.
    await expect(render("<p>Before <span>x</span> after.</p>", "span { vertical-align: middle; }")).rejects.toThrow(/sets vertical-align apart from its paragraph/);
  });
});
