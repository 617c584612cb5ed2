import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import type { LocaleId } from "../../functions/core/locales";
import type { DocumentRenderer } from "../../functions/core/render-document";
import { TemplateLibrary } from "../../functions/core/template/template-library";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { colourBox } from "../core/pdf/images-inspect";
import { popplerPages } from "../core/pdf/pdf-inspect";
import { loadImageTemplateSet } from "../fixtures/images/fixture-template";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { compareEditions, printBothEditions } from "../support/edition-comparison";
import { DATA_DIR, SEED_LETTER, SEED_TEMPLATE, SEED_TEMPLATE_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * A running logo in `@page` margin boxes (`content: url("assets/logo.png")`) in both editions:
 * Chromium printing the HTML edition against our PDF, the logo found by its colours on every page
 * of both rasters (288 dpi), the letter's text compared by `compareEditions`. Chromium 156 draws
 * nothing for a margin box whose content is a lone `url()` (measured); the HTML edition draws the
 * PDF's image as the box's background (margin-boxes.ts `marginBoxCuts`), which this proves lands
 * where the PDF draws it: intrinsic size, sized by `width`, bounded by `height`, on each of the three
 * sides of the top and bottom rows, beside the seed's running title and page label, right to left,
 * and on a first page of other margins.
 */

const describeInBrowser = browserAvailable() ? describe : describe.skip;
const MM = 72 / 25.4;

/** The fixture logo's halves (240 x 80 px, a transparent band above them). */
const COLOURS: Record<string, [number, number, number]> = { "logo (red half)": [204, 0, 0], "logo (green half)": [0, 170, 0] };

/** An SVG sized by its viewBox alone (as the shipped templates' logos are): Chromium gives it no natural size. */
const MARK =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 50"><rect width="100" height="50" fill="#cc0000"/><rect x="100" width="100" height="50" fill="#00aa00"/></svg>';

const VARIANTS: Record<string, string> = {
  "top left, intrinsic size": '@page { margin-top: 30mm; @top-left { content: url("assets/logo.png"); } }',
  "top right, by width, bounded by height": '@page { @top-right { content: url("assets/logo.png"); width: 40mm; height: 8mm; } }',
  "top centre, by width, text-align: left": '@page { @top-center { content: url("assets/logo.png"); width: 50mm; text-align: left; } }',
  "bottom centre between the running title and the page label": '@page { @bottom-left { width: 40%; } @bottom-center { content: url("assets/logo.png"); height: 6mm; } }',
  "an SVG of a viewBox alone, by height": '@page { @top-left { content: url("assets/mark.svg"); height: 9mm; } }',
  "an SVG of a viewBox alone, intrinsic size, centred": '@page { margin-top: 25mm; @top-center { content: url("assets/mark.svg"); } }',
  "a first page of its own margins, the logo larger there":
    '@page { @top-left { content: url("assets/logo.png"); height: 8mm; } } @page :first { margin-top: 40mm; @top-left { height: 25mm; } }',
};

describeInBrowser("images in @page margin boxes: our PDF against Chromium's print of the HTML edition", () => {
  let launched: LaunchedBrowser;
  let base: DocumentRenderer;
  let parsed: ParsedLetter;
  beforeAll(async () => {
    launched = await launchChromium();
    base = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    parsed = await loadLetter(DATA_DIR, SEED_LETTER);
  });
  afterAll(async () => launched?.close());

  async function bothEditions(css: string, locale: LocaleId): Promise<{ ours: string; chromium: string }> {
    // The shipped letterhead: the fixture's has the same logo, which would be found instead of the margin box's.
    const fixture = await loadImageTemplateSet({ css, letterhead: readFileSync(join(SEED_TEMPLATE_DIR, "partials/letterhead.hbs"), "utf8") });
    const files = new Map(fixture.assets!.files).set("assets/mark.svg", { bytes: new TextEncoder().encode(MARK) });
    const set = { ...fixture, assets: { ...fixture.assets!, files } };
    const templates = new TemplateLibrary(base.templates.names.map((name) => (name === SEED_TEMPLATE ? set : base.templates.get(name)!.set)));
    return printBothEditions(launched.browser, { ...base, templates }, parsed, { letterId: SEED_LETTER, locale, recipientId: null });
  }

  /** How far apart the two editions draw each colour on a page, in points (the largest edge difference). */
  function apart(files: { ours: string; chromium: string }, page: number): Record<string, number | string> {
    const out: Record<string, number | string> = {};
    for (const [name, colour] of Object.entries(COLOURS)) {
      const a = colourBox(files.chromium, page, colour, 288);
      const b = colourBox(files.ours, page, colour, 288);
      if (a === null || b === null) out[name] = `drawn by ${a ? "Chromium" : b ? "ours" : "neither"} only`;
      else {
        const d = Math.max(Math.abs(a.xMin - b.xMin), Math.abs(a.yMin - b.yMin), Math.abs(a.xMax - b.xMax), Math.abs(a.yMax - b.yMax));
        out[name] = d <= 1 ? "within 1pt" : Number(d.toFixed(2));
      }
    }
    return out;
  }
  const within = Object.fromEntries(Object.keys(COLOURS).map((name) => [name, "within 1pt"]));

  it.each([...Object.keys(VARIANTS).map((name) => [name, "en"] as const), ["top right, by width, bounded by height", "ar"] as const])(
    "%s (%s): the logo on every page within 1 pt of Chromium's, the letter's text in place",
    async (variant, locale) => {
      const files = await bothEditions(VARIANTS[variant]!, locale);
      const pages = popplerPages(files.ours).length;
      expect(popplerPages(files.chromium).length).toBe(pages);
      expect(Array.from({ length: pages }, (_, i) => apart(files, i + 1))).toEqual(Array.from({ length: pages }, () => within));
      const figures = compareEditions(files.ours, files.chromium, 26 * MM);
      expect({ samePage: figures.samePage, agreeing: figures.agreeing >= 0.98 }).toEqual({ samePage: 1, agreeing: true });
    },
  );
});
