import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import type { LocaleId } from "../../functions/core/locales";
import type { DocumentRenderer } from "../../functions/core/render-document";
import type { TemplateSet } from "../../functions/core/template/template-engine";
import { TemplateLibrary } from "../../functions/core/template/template-library";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { colourBox } from "../core/pdf/images-inspect";
import { popplerPages } from "../core/pdf/pdf-inspect";
import { loadImageTemplateSet } from "../fixtures/images/fixture-template";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { compareEditions, printBothEditions } from "../support/edition-comparison";
import { DATA_DIR, SEED_LETTER, SEED_TEMPLATE, TEMPLATES_DIR } from "../support/letters";

/**
 * Inline images (atomic inline boxes, CSS 2.1 §10.8) in both editions: Chromium printing the HTML
 * edition against our PDF, the images found by their colour in both rasters (288 dpi) and the text
 * compared by `compareEditions` (line starts and line tops of the aligned characters). The cases:
 * an icon inside a justified paragraph, a logo taller than the line beside the sender's name, icons
 * aligned `middle`, `text-top`, `text-bottom`, `top`, `bottom` and `baseline`, a signature image
 * after a name in a table cell, and all of it in the Arabic letter (right to left). In Arabic the
 * `middle` case needs the HTML edition's Noto Naskh Arabic subset to keep its "x" (web-fonts.ts
 * keepXHeight): without it Chromium's line was 3pt taller (median line tops 2.5pt apart, measured).
 */

const describeInBrowser = browserAvailable() ? describe : describe.skip;
const MM = 72 / 25.4;

const LETTERHEAD = `<header class="letterhead">
<p class="logo"><img src="assets/logo.png" alt="Logo of the coalition" width="120" height="40"> {{sender}}</p>
<p class="note">{{t "letterhead.jointLetter"}} {{sender}} <img class="icon" src="assets/icon.png" alt="Warning sign"> {{t "letterhead.jointLetter"}} {{sender}} {{t "letterhead.jointLetter"}}<img class="icon middle" src="assets/tall-icon.png" alt="Marker"> {{sender}} {{t "letterhead.jointLetter"}} {{sender}} {{t "letterhead.jointLetter"}}</p>
{{#if date}}<p class="date"><time datetime="{{date.iso}}">{{t "document.date" date=date.epochMs}}</time></p>{{/if}}
</header>`;

const SIGNATORIES = `<section class="signatories"><table class="signing"><tbody>{{#each signatories}}<tr><td>{{name}} <img src="assets/signatures/{{id}}.svg" alt="Signature of {{name}}"></td></tr>{{/each}}</tbody></table></section>`;

const CSS = `.note { text-align: justify; }
img.icon { width: 12pt; height: auto; }
img.middle { height: 18pt; width: auto; vertical-align: middle; }
table.signing td img { height: 8mm; }`;

/** Variants of the middle icon's alignment: each is a CSS 2.1 10.8.1 case of its own. */
const ALIGNMENTS = ["middle", "text-top", "text-bottom", "top", "bottom", "baseline"] as const;

const COLOURS: Record<string, [number, number, number]> = {
  "logo (red half)": [204, 0, 0],
  "logo (green half)": [0, 170, 0],
  icon: [255, 0, 255],
  "tall icon": [255, 136, 0],
};

describeInBrowser("inline images: our PDF against Chromium's print of the HTML edition", () => {
  let launched: LaunchedBrowser;
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => launched?.close());

  let base: DocumentRenderer;
  let parsed: ParsedLetter;
  beforeAll(async () => {
    base = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    parsed = await loadLetter(DATA_DIR, SEED_LETTER);
  });

  /** The seed letter's two editions (the HTML one with our faces embedded, printed by Chromium), its template replaced by `set`. */
  function bothEditions(set: TemplateSet, locale: LocaleId): Promise<{ ours: string; chromium: string }> {
    const templates = new TemplateLibrary(base.templates.names.map((name) => (name === SEED_TEMPLATE ? set : base.templates.get(name)!.set)));
    return printBothEditions(launched.browser, { ...base, templates }, parsed, { letterId: SEED_LETTER, locale, recipientId: null });
  }

  /** How far apart the two editions draw each colour on page 1, in points (the largest edge difference). */
  function imagesApart(files: { ours: string; chromium: string }, colours: Record<string, [number, number, number]>, page = 1): Record<string, number | string> {
    const apart: Record<string, number | string> = {};
    for (const [name, colour] of Object.entries(colours)) {
      const a = colourBox(files.chromium, page, colour, 288);
      const b = colourBox(files.ours, page, colour, 288);
      if (a === null || b === null) {
        apart[name] = `drawn by ${a ? "Chromium" : b ? "ours" : "neither"} only`;
        continue;
      }
      const d = Math.max(Math.abs(a.xMin - b.xMin), Math.abs(a.yMin - b.yMin), Math.abs(a.xMax - b.xMax), Math.abs(a.yMax - b.yMax));
      apart[name] = d <= 1 ? "within 1pt" : Number(d.toFixed(2));
    }
    return apart;
  }

  const within = (colours: Record<string, unknown>) => Object.fromEntries(Object.keys(colours).map((name) => [name, "within 1pt"]));

  it.each([
    ["en", "middle"],
    ["ar", "middle"],
  ] as const)("%s: the logo beside the sender, icons in a justified paragraph (one %s), signatures after names in table cells", async (locale, align) => {
    const css = `${CSS}\nimg.middle { vertical-align: ${align}; }`;
    const files = await bothEditions(await loadImageTemplateSet({ letterhead: LETTERHEAD, signatories: SIGNATORIES, css }), locale);
    expect(imagesApart(files, COLOURS)).toEqual(within(COLOURS));
    const signatures = { signatures: [26, 35, 126] as [number, number, number] };
    const pages = [1, 2].map((page) => imagesApart(files, signatures, page));
    expect(pages).toEqual(pages.map((page) => (page.signatures === "drawn by neither only" ? page : within(signatures))));
    // The text around them: line starts and tops as Chromium sets them (the running footer left out).
    // Copied, the images are nothing in either edition: poppler reads the same words of the letterhead
    // from both (its first 80 words; bidi marks and the join of a word hyphenated at a line's end,
    // which the two editions' text layers spell apart, left out).
    const words = (file: string) =>
      popplerPages(file)
        .join(" ")
        .replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
        .replace(/-\s+/g, "")
        .split(/\s+/)
        .slice(0, 80);
    // Not in Arabic: poppler reads Chromium's Arabic text layer in pieces of words ("ظ", "مة"), images or not.
    if (locale === "en") expect(words(files.ours)).toEqual(words(files.chromium));
    const figures = compareEditions(files.ours, files.chromium, 26 * MM);
    expect({ ...figures, agreeing: figures.agreeing >= 0.98, topDifference: figures.topDifference <= 1 }).toEqual({
      ...figures,
      characters: { ours: figures.characters.chromium, chromium: figures.characters.chromium },
      pages: { ours: figures.pages.chromium, chromium: figures.pages.chromium },
      agreeing: true,
      topDifference: true,
    });
  });

  it.each(ALIGNMENTS)("vertical-align: %s grows the line box as Chromium's does (the image and the lines after it in place)", async (align) => {
    const css = `${CSS}\nimg.middle { vertical-align: ${align}; }`;
    const files = await bothEditions(await loadImageTemplateSet({ letterhead: LETTERHEAD, signatories: SIGNATORIES, css }), "en");
    const tall = { "tall icon": COLOURS["tall icon"]!, icon: COLOURS.icon! };
    expect(imagesApart(files, tall)).toEqual(within(tall));
    const figures = compareEditions(files.ours, files.chromium, 26 * MM);
    expect({ agreeing: figures.agreeing, topDifference: figures.topDifference <= 1 }).toEqual({ agreeing: 1, topDifference: true });
  });
});
