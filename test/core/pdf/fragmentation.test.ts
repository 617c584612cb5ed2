import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "parse5";
import type { DefaultTreeAdapterTypes } from "parse5";
import { type LocaleId, localeInfo } from "../../../functions/core/locales";
import { Composer } from "../../../functions/core/pdf/layout";
import { BoxBuilder, parseLetter } from "../../../functions/core/pdf/letter-tree";
import { lineBox } from "../../../functions/core/pdf/line-box";
import type { Page, PlacedLine } from "../../../functions/core/pdf/page-model";
import { parseStylesheets, styleDocument } from "../../../functions/core/style";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { stylesheetsFor } from "./pdf-inspect";

/**
 * The layout's page breaks, on their own (test/editions/page-breaks.test.ts compares them with
 * Chromium's): a block taller than what is left of its page breaks inside (CSS Fragmentation 3
 * §4.4), headings included; break-after: avoid weighs the break after a block, not the block's
 * own lines; break-inside: avoid moves a block that fits the next page. And the heights that decide
 * whether a line fits: whole CSS pixels of page area, line-heights in Blink's layout units.
 */

const PRINT_CSS = readFileSync(join(__dirname, "../../../templates/un-security-council/print.css"), "utf8");
const fonts = loadFontLibrary();
const MM = 72 / 25.4;
const A4_AREA = 841.89 - 22 * MM - 26 * MM;

function layOut(body: string, css: string, locale: LocaleId = "en"): Page[] {
  const { tag, dir } = localeInfo(locale);
  const letter = parseLetter(`<article class="letter" lang="${tag}" dir="${dir}">${body}</article>`);
  const styled = styleDocument(letter.root, parseStylesheets(stylesheetsFor(locale, "A4", `${PRINT_CSS}\n${css}`)));
  return new Composer({ fonts, locale: localeInfo(locale), styled }).layout(new BoxBuilder(styled).build(letter));
}

/** The flow's lines of one structure type (H1, P, LBody...) on each page. */
function linesOf(pages: readonly Page[], type: string): number[] {
  return pages.map((page) => page.items.filter((item): item is PlacedLine => item.kind === "line" && item.node?.type === type).length);
}

const words = (text: string, count: number) => Array.from({ length: count }, (_, i) => `${text} ${i + 1}.`).join(" ");
/** A spacer paragraph of one line whose bottom margin leaves `room` points of the first page. */
const spacer = (room: number) => `.spacer { margin: 0 0 ${A4_AREA - room - 10.5 * 1.45}pt; }`;

describe("a block taller than what is left of its page breaks inside it", () => {
  const title = words("A heading long enough to run over many lines of the page", 60);

  it("starts a long h1 (break-after: avoid) where the page has room and carries the rest on", () => {
    const pages = layOut(`<p class="spacer">x</p><h1>${title}</h1><p>${words("Then a paragraph", 30)}</p>`, spacer(A4_AREA / 3));
    const h1 = linesOf(pages, "H1");
    // Before: the whole h1 moved to page 2, leaving two thirds of page 1 empty.
    expect(h1[0]).toBeGreaterThanOrEqual(2);
    expect(h1[1]).toBeGreaterThan(0);
  });

  it("breaks an h1 taller than a whole page over as many pages as it needs", () => {
    const pages = layOut(`<h1>${words(title, 4)}</h1><p>${words("Then a paragraph", 30)}</p>`, "");
    const h1 = linesOf(pages, "H1");
    const perPage = Math.floor(A4_AREA / (15 * 1.25));
    // Every page but the h1's last is full of it.
    expect(h1.slice(0, 2)).toEqual([perPage, perPage]);
  });

  it("breaks a list's first item after `orphans` lines rather than move its heading on, the item kept with the second", () => {
    const item = words("A source named at length", 8);
    const html = `<p class="spacer">x</p><section class="sources"><h2>Sources</h2><ul><li>${item}</li><li>${item}</li></ul></section>`;
    const three = linesOf(layOut(html, ".sources li { font-size: 10.5pt; }"), "LBody")[0]!;
    expect(three).toBeGreaterThanOrEqual(3);
    // Room for the heading and two lines of the first item, not three.
    const lineHeight = 10.5 * 1.45;
    const room = (n: number) => 12 + 11.5 * 1.45 + 5 + n * lineHeight;
    const pages = layOut(html, `${spacer(room(2.5))} .sources { font-size: 10.5pt; }`);
    expect(linesOf(pages, "H2")[0]).toBe(1);
    expect(linesOf(pages, "LBody")[0]).toBe(2);
  });

  it("still moves a block that avoids breaks inside to the next page when it fits there", () => {
    const pages = layOut(`<p class="spacer">x</p><p class="kept">${words("Kept together", 100)}</p>`, `${spacer(A4_AREA / 4)} .kept { break-inside: avoid; }`);
    expect(linesOf(pages, "P").slice(0, 2)).toEqual([1, expect.any(Number)]);
  });
});

describe("the heights that decide whether a line fits a page, as Chromium's", () => {
  it("takes a line-height in whole layout units (1/64 px), rounded down", () => {
    // 1.45 x 12pt = 23.2 px: 1484.8 layout units, 1484 of them.
    expect(lineBox(12, 12 * 1.45, { ascent: 1, descent: 0.3 }).height).toBe((1484 / 64) * 0.75);
    // A whole number of pixels stays as it is.
    expect(lineBox(15, 22.5, { ascent: 0.9, descent: 0.3 }).height).toBe(22.5);
  });

  it.each([
    // size, margins, top (px), page area height (px)
    ["letter", "27mm 25mm 32mm", 102, 834],
    ["letter", "30mm 25mm 32mm", 113, 822],
    ["A4", "22mm 22mm 26mm", 83, 942],
    ["A5", "14mm 12mm 18mm", 53, 673],
  ])("on %s with margin %s the page area starts %d px down and is %d px tall", (size, margin, top, height) => {
    const root = parse("<html><body><p>x</p></body></html>").childNodes.find((n): n is DefaultTreeAdapterTypes.Element => "tagName" in n)!;
    const page = styleDocument(root, parseStylesheets([{ name: "print.css", origin: "author", text: `@page { size: ${size}; margin: ${margin} }` }])).page(false);
    expect(page.margin.top).toBeCloseTo(top * 0.75, 9);
    expect(page.height - page.margin.top - page.margin.bottom).toBeCloseTo(height * 0.75, 9);
  });
});
