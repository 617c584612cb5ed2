import { readFileSync } from "node:fs";
import { FAMILIES, FAMILY_IDS, faceOf } from "../../functions/core/pdf/font-library";
import { strutOf } from "../../functions/core/pdf/line-box";
import { assetPath, FONT_FILES } from "../../functions/fonts/font-files";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";

/**
 * The line box model of functions/core/pdf/line-box.ts against Chromium's own: for every family of
 * the font registry (its regular face, served to the page as a web font), at several sizes and
 * line-heights, the baseline of a line sits as far below the line's top in Chromium's layout as in
 * ours. The 0.86 em ascent of the old model missed by up to 3 px (Devanagari), the unrounded CSS
 * formula by up to 0.9 px (Noto Serif).
 */

const PX_PER_PT = 96 / 72;
const SIZES_PT = [7.5, 9.5, 10.5, 12, 14];
const LINE_HEIGHTS = [1.2, 1.45, 1.6, 1.75];

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("line boxes: our baselines where Chromium puts them", () => {
  let launched: LaunchedBrowser;
  const fonts = loadFontLibrary();
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => launched?.close());

  it.each(FAMILY_IDS)("in %s, at every size and line-height", async (family) => {
    const face = faceOf(family, { bold: false, italic: false });
    const page = await launched.browser.newPage();
    try {
      // The face is served to the page from its file, as the HTML edition embeds it.
      await page.route("https://fonts.test/face.ttf", (route) => route.fulfill({ body: readFileSync(assetPath(FONT_FILES[face])), contentType: "font/ttf" }));
      const cases = SIZES_PT.flatMap((size) => LINE_HEIGHTS.map((lineHeight) => ({ size, lineHeight })));
      const lines = cases
        .map(({ size, lineHeight }) => `<div style="font-size: ${size}pt; line-height: ${lineHeight}">x<span style="display: inline-block; width: 1px; height: 0"></span></div>`)
        .join("");
      await page.setContent(`<style>@font-face { font-family: "Face"; src: url(https://fonts.test/face.ttf); } body { margin: 0; font-family: "Face"; }</style>${lines}`);
      const loaded = await page.evaluate(async () => {
        await document.fonts.ready;
        return document.fonts.check('12px "Face"');
      });
      expect({ face: FAMILIES[family].name, loaded }).toEqual({ face: FAMILIES[family].name, loaded: true });
      // An empty inline-block sits with its bottom on the baseline.
      const chromium = await page.evaluate(() =>
        [...document.querySelectorAll("div")].map((line) => line.querySelector("span")!.getBoundingClientRect().bottom - line.getBoundingClientRect().top),
      );
      const ours = cases.map(({ size, lineHeight }) => strutOf(fonts, family, size, size * lineHeight).baseline * PX_PER_PT);
      const report = (baselines: number[]) => cases.map(({ size, lineHeight }, i) => `${size}pt/${lineHeight}: ${baselines[i]!.toFixed(2)}px`);
      expect(report(ours)).toEqual(report(chromium));
    } finally {
      await page.close();
    }
  });
});
