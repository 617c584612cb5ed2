import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { TemplateAssets } from "../../../functions/core/images/image-source";
import { type AtomicInline, type InlineAlign, lineBoxWith } from "../../../functions/core/pdf/line-box";
import { OBJECT_REPLACEMENT, setParagraph } from "../../../functions/core/pdf/paragraph";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { paragraphSpec } from "./paragraph-spec";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { loadTemplateAssets } from "../../../functions/templates/template-assets";
import { IMAGE_TEMPLATE_DIR } from "../../fixtures/images/fixture-template";
import { SEED_TEMPLATE_DIR } from "../../support/letters";
import { colourBox, imageList, pixels, structureElements } from "./images-inspect";
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

describe("vertical-align: middle reads the x-height of the image's parent's face (CSS 2.1 10.8.1: the parent's x-height)", () => {
  const fonts = loadFontLibrary();
  // Noto Sans is the family whose bold face's x-height (OS/2 sxHeight 546) differs most from its regular's (536).
  const xHeightOf = (face: "sans-regular" | "sans-bold") => (fonts.face(face) as unknown as { "OS/2": { xHeight: number } })["OS/2"].xHeight / fonts.face(face).unitsPerEm;
  function middleOf(bold: boolean): number {
    const style = { bold, italic: false };
    const image: AtomicInline = { width: 40, height: 40, align: "middle", key: "square", content: null, parentStyle: style };
    const [line] = setParagraph(
      fonts,
      paragraphSpec("", {
        size: 100,
        rules: { primary: "sans", keepAll: false },
        runs: [
          { text: "Name ", style },
          { text: OBJECT_REPLACEMENT, style, image },
        ],
      }),
    );
    const placed = line!.images![0]!;
    // How far above the baseline the image's middle stands.
    return line!.ascent - (placed.top + placed.box.height / 2);
  }

  it("half the bold face's x-height in a bold paragraph, half the regular's in a regular one", () => {
    expect(xHeightOf("sans-bold")).not.toBeCloseTo(xHeightOf("sans-regular"), 3);
    expect(middleOf(true)).toBeCloseTo((xHeightOf("sans-bold") * 100) / 2, 3);
    expect(middleOf(false)).toBeCloseTo((xHeightOf("sans-regular") * 100) / 2, 3);
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
    // Poppler's box of the word after the image starts a word space into the image (the writer's span
    // over the image, which keeps the line one for poppler); the word's ink is right of the image.
    expect(after.xMin).toBeGreaterThan(icon.xMin);
    expect(after.xMin).toBeLessThan(icon.xMax);
    const page = pixels(file, 1, 288);
    const inkRightOf = (from: number) =>
      Array.from({ length: 40 }, (_, dx) => page.at((from + 1 + dx) * 4, ((after.yMin + after.yMax) / 2) * 4)).some(([r, g, b]) => r + g + b < 200);
    expect(inkRightOf(icon.xMax)).toBe(true);
    expect(Math.abs(before.yMin - after.yMin)).toBeLessThan(0.1);
    expect(structureElements(file, "Figure")).toEqual([{ alt: "Warning sign" }]);
  });

  it("copies as nothing in both extractors (as Chromium's printed PDF: an image has no text), the words around it kept", async () => {
    const { poppler, pdfjs } = extractBoth(await render(`<p>Signed: Jane Doe ${ICON} for the coalition.</p>`));
    for (const text of [poppler.join("\n"), pdfjs.join("\n")]) {
      // One line in both, in order, with nothing between the words (poppler read the text after an image as a block of its own before the writer's span over the image).
      expect(text).toMatch(/^Signed: Jane Doe for the coalition\.$/m);
      expect(text).not.toMatch(/Warning sign|\ufffc/);
    }
  });

  /**
   * Each structure element holding a Figure, as pdf.js reads the tree back (table-structure.mjs): its
   * children in order, marked content as its text (pdf.js's copy), a Figure as "[Figure]".
   */
  function elementsWithFigures(pdf: Buffer): { role: string; children: string[] }[] {
    type Node = { role?: string; text?: string; children?: Node[] };
    const file = toFile(pdf);
    try {
      const pages = JSON.parse(execFileSync(process.execPath, [join(__dirname, "table-structure.mjs"), file], { encoding: "utf8" })) as (Node | null)[];
      const found: { role: string; children: string[] }[] = [];
      const walk = (node: Node) => {
        const children = node.children ?? [];
        if (children.some((child) => child.role === "Figure")) {
          found.push({
            role: node.role!,
            children: children.map((child) => (child.role === "Figure" ? "[Figure]" : child.role ? `[${child.role}]` : child.text!.trim())).filter((text) => text !== ""),
          });
        }
        children.forEach(walk);
      };
      for (const page of pages) if (page) walk(page);
      return found;
    } finally {
      rmSync(file, { force: true });
    }
  }

  describe("an inline image's Figure in reading order (ISO 32000-1 14.8.2.3, PDF/UA-1 7.1): between the words it stands between", () => {
    it("a left-to-right paragraph: the words before, the Figure, the words after, on each line", async () => {
      const pdf = await render(`<p>Before ${ICON} after the first.</p><p>${"word ".repeat(40)}middle ${ICON} end ${ICON}</p>`);
      expect(elementsWithFigures(pdf)).toEqual([
        { role: "P", children: ["Before", "[Figure]", "after the first."] },
        { role: "P", children: [expect.stringMatching(/^(word ?)+$/), expect.stringMatching(/^(word )*middle$/), "[Figure]", "end", "[Figure]"] },
      ]);
      const { poppler, pdfjs } = extractBoth(pdf);
      for (const text of [poppler.join("\n"), pdfjs.join("\n")]) expect(text.replace(/\s+/g, " ")).toMatch(/Before after the first\. (word ){40}middle end/);
    });

    it("a right-to-left paragraph: the first word read, the Figure, the next (in reading order, whatever the drawing order)", async () => {
      const pdf = await render(`<p>שלום ${ICON} עולם טוב</p>`, "", "rtl", "he");
      expect(elementsWithFigures(pdf)).toEqual([{ role: "P", children: [expect.stringContaining("שלום"), "[Figure]", expect.stringMatching(/עולם.*טוב|טוב.*עולם/)] }]);
      expect(structureElements(toFile(pdf), "Figure")).toEqual([{ alt: "Warning sign" }]);
      const { poppler, pdfjs } = extractBoth(pdf);
      // Bidi embeddings and marks aside (the writer's, for poppler's reordering): the words in reading order, as
      // before the Figure moved (pdf.js keeps the space at the image: see inline-image-extraction.test.ts).
      for (const text of [poppler, pdfjs]) {
        expect(
          text
            .join(" ")
            .replace(/[\u061c\u200e\u200f\u202a-\u202e]/g, "")
            .replace(/\s+/g, " ")
            .trim(),
        ).toMatch(/^שלום עולם טוב/);
      }
    });

    it("a signature image after a name in a table cell: the name, the Figure, the role after it", async () => {
      const pdf = await render(
        '<table><tbody><tr><td>Jane Doe <img src="assets/signatures/fidh.svg" alt="Signature of Jane Doe" width="80" height="30"> Director</td></tr></tbody></table>',
      );
      const [cell] = elementsWithFigures(pdf);
      expect(cell!.children).toEqual(["Jane Doe", "[Figure]", "Director"]);
      const { poppler, pdfjs } = extractBoth(pdf);
      for (const text of [poppler.join("\n"), pdfjs.join("\n")]) expect(text.replace(/\s+/g, " ")).toMatch(/Jane Doe Director/);
    });

    it("keeps the file valid (qpdf --check): each part of the line its own marked sequence in its own text object", async () => {
      const file = toFile(await render(`<p>Before ${ICON} after.</p><p dir="rtl" lang="he">שלום ${ICON} עולם</p>`));
      try {
        expect(execFileSync("qpdf", ["--check", file], { encoding: "utf8" })).toMatch(/No syntax or stream encoding errors/);
      } finally {
        rmSync(file, { force: true });
      }
    });
  });

  describe("a percentage-sized image in a table cell as Chromium measures the cell (CSS Sizing 3 5.2.2, compressible replaced elements)", () => {
    // Measured in Chromium (playwright, 16px serif, padding 0): "Jane Doe <img style="width: 50%">" of a
    // 240px image makes the cell 311.36px, the text (71.36px) and the image's own 240px, and the image
    // 155.67px, half of it; with display: block the cell is 240px and the image 120px. Squeezed into a
    // 100px container both shrink (the image counts as 0 in the min-content width). Before, a percentage
    // counted as 0 in the max-content width too: the cell was as wide as its text, the image half of that.
    const LOGO_RED = [204, 0, 0] as const;
    const LOGO_GREEN = [0, 170, 0] as const;
    const logoBox = (file: string) => {
      const red = colourBox(file, 1, [...LOGO_RED], 288)!;
      const green = colourBox(file, 1, [...LOGO_GREEN], 288)!;
      return { xMin: Math.min(red.xMin, green.xMin), xMax: Math.max(red.xMax, green.xMax) };
    };
    const table = (img: string) => `<table class="auto"><tbody><tr><td>Jane Doe ${img}</td><td>x</td></tr></tbody></table>`;
    const css =
      "table.auto { width: auto; border-collapse: collapse; } table.auto td { padding: 0; border: none; } img.half { width: 50%; } img.block { display: block; } img.fit { max-width: 100%; }";

    it("on a line: the cell is its text and the image's own width, the image a percentage of that", async () => {
      const file = toFile(await render(table('<img class="half" src="assets/logo.png" alt="Logo">'), css));
      const jane = findWord(wordBoxes(file), "Jane");
      const logo = logoBox(file);
      // The cell's content: the text before the image, then the image's own 240px (180pt).
      const cell = logo.xMin - jane.xMin + 180;
      expect(logo.xMax - logo.xMin).toBeCloseTo(cell / 2, 0);
    });

    it("as a block: the cell is the image's own width, the image half of it", async () => {
      const file = toFile(await render(table('<img class="half block" src="assets/logo.png" alt="Logo">'), css));
      const logo = logoBox(file);
      expect(logo.xMax - logo.xMin).toBeCloseTo(90, 0);
    });

    it("max-width: 100% counts as none in the max-content width: the image keeps its own size", async () => {
      const file = toFile(await render(table('<img class="fit" src="assets/logo.png" alt="Logo">'), css));
      const logo = logoBox(file);
      expect(logo.xMax - logo.xMin).toBeCloseTo(180, 0);
    });
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
    // Poppler's box of the word after the image ends a word space into the image (the writer's span
    // over it, pdf-writer.ts rtlBridgeOf): the word itself is left of the image.
    expect(second.xMin).toBeLessThan(icon.xMin);
    expect(second.xMax).toBeGreaterThan(icon.xMin);
    expect(second.xMax).toBeLessThan(icon.xMax);
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

  it("refuses on an image the vertical-align values of inline text (super, sub, lengths, percentages), naming the image", async () => {
    for (const value of ["sub", "super", "3pt", "20%"]) {
      await expect(render(`<p>Before ${ICON} after.</p>`, `img {\n  vertical-align: ${value};\n}`)).rejects.toThrow(
        /<img[^\n]*an image on a line takes vertical-align baseline, middle, top, bottom, text-top or text-bottom in the PDF \(super, sub, lengths and percentages are for inline text\)/,
      );
    }
    // A word is no value at all: the stylesheet check names it by line, selector and property.
    await expect(render(`<p>Before ${ICON} after.</p>`, "img { vertical-align: sideways; }")).rejects.toThrow(/property vertical-align: not an accepted value/);
    // On text, the values that align a box still set it apart from its paragraph's baseline.
    await expect(render("<p>Before <span>x</span> after.</p>", "span { vertical-align: middle; }")).rejects.toThrow(
      /<span> sets vertical-align apart from its paragraph \(middle aligns a box: an image, a table cell; inline text takes baseline, super, sub, a length or a percentage\)/,
    );
  });
});
