import { parse } from "parse5";
import type { DefaultTreeAdapterTypes } from "parse5";
import { borderWidthsOf, parseStylesheets, styleDocument } from "../../../functions/core/style";

/**
 * The page area's measure and border widths on whole CSS pixels, as Chromium prints: the content box
 * starts at the start margin rounded to a pixel and is as wide as the rest of the page rounded up to
 * one; a border under a pixel draws one pixel, a wider one whole pixels rounded down (main's rule). Measured in Chromium
 * printing a page with `preferCSSPageSize` (a 22 mm margin on A4: text from 62.25pt to 533.25pt, not
 * 62.36pt to 532.92pt). The PDF's lines were 0.44pt narrower than Chromium's, and broke elsewhere in
 * the committee letter's French (0.95 of line starts agreeing, 1.00 since).
 */

type Element = DefaultTreeAdapterTypes.Element;
const PX = 0.75;

function styled(css: string, html = '<p id="box">x</p>', dir = "ltr") {
  const root = parse(`<html dir="${dir}"><body>${html}</body></html>`).childNodes.find((n): n is Element => "tagName" in n && n.tagName === "html")!;
  const document = styleDocument(root, parseStylesheets([{ name: "print.css", origin: "author", text: css }]));
  const body = root.childNodes.find((n): n is Element => "tagName" in n && n.tagName === "body")!;
  const box = body.childNodes.find((n): n is Element => "tagName" in n && n.tagName === "p")!;
  return { page: document.page(false), box: document.styleOf(box) };
}

describe("the page area on whole CSS pixels", () => {
  it.each([
    // size, margins, left (px), content width (px)
    ["A4", "22mm", 83, 628],
    ["letter", "16mm 20mm 22mm 28mm", 106, 635],
    ["A5", "1in", 96, 368],
    ["letter", "75px", 75, 666],
  ])("%s with margin %s starts at %d px and is %d px wide", (size, margin, left, width) => {
    const { page } = styled(`@page { size: ${size}; margin: ${margin} }`);
    expect(page.margin.left).toBeCloseTo(left * PX, 9);
    expect(page.width - page.margin.left - page.margin.right).toBeCloseTo(width * PX, 9);
  });
});

it("in a right-to-left document the page area starts at the right margin rounded to a pixel", () => {
  const { page } = styled("@page { size: A4; margin: 22mm }", "<p>x</p>", "rtl");
  expect(page.margin.right).toBeCloseTo(83 * PX, 9);
  expect(page.width - page.margin.left - page.margin.right).toBeCloseTo(628 * PX, 9);
});

describe("border widths snapped as border widths", () => {
  it.each([
    ["0.6pt", 0.75],
    ["0.1pt", 0.75],
    ["1pt", 0.75],
    ["1.5pt", 1.5],
    ["3pt", 3],
    ["4pt", 3.75],
    ["2px", 1.5],
    ["0", 0],
  ])("%s draws %fpt", (width, points) => {
    const { box } = styled(`p { border: ${width} solid #000 }`);
    const widths = borderWidthsOf(box);
    expect([widths.top, widths.right, widths.bottom, widths.left]).toEqual([points, points, points, points]);
  });

  it("a side without a solid style has none", () => {
    expect(borderWidthsOf(styled("p { border-top: 3pt none #000 }").box).top).toBe(0);
  });
});
