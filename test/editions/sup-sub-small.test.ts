import { rmSync } from "node:fs";
import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import type { LocaleId } from "../../functions/core/locales";
import type { DocumentRenderer } from "../../functions/core/render-document";
import type { TemplateSet } from "../../functions/core/template/template-engine";
import { TemplateLibrary } from "../../functions/core/template/template-library";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { popplerPages, type WordBox, wordBoxes } from "../core/pdf/pdf-inspect";
import { loadImageTemplateSet } from "../fixtures/images/fixture-template";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { compareEditions, printBothEditions } from "../support/edition-comparison";
import { DATA_DIR, SEED_LETTER, SEED_TEMPLATE, TEMPLATES_DIR } from "../support/letters";

/**
 * `<sup>`, `<sub>` and `<small>` (and `vertical-align` lengths, percentages and `font-size` steps on inline text) in both
 * editions: Chromium printing the HTML edition against our PDF, both read back by poppler. Each marked word is found in
 * both (pdftotext -bbox) and must sit within 0.5pt of Chromium's, at the same size within 0.5pt; the lines around them
 * start where Chromium's do and have the same tops (a line with a superscript is taller, CSS 2.1 §10.8). Both in a
 * left-to-right letter and in the Arabic one (a footnote marker in a right-to-left paragraph).
 */

const describeInBrowser = browserAvailable() ? describe : describe.skip;
const MM = 72 / 25.4;

// Marked words are Latin letters or digits: found by their text in both editions, whatever the paragraph's script.
const LETTERHEAD = `<header class="letterhead">
<p class="notes">{{sender}} signs with its partners<sup>supmark1</sup> and H<sub>subtwo</sub>O, <small>smallprint wording</small> then {{t "letterhead.jointLetter"}} {{sender}} {{t "letterhead.jointLetter"}}<sup><a href="#n1">linkmark2</a></sup> {{sender}} {{t "letterhead.jointLetter"}} {{sender}} and <small><sup>nestedmark</sup></small> {{t "letterhead.jointLetter"}}.</p>
<p class="shifts">Shifts: {{sender}}<sup class="raised">raisedby</sup> and <span class="low">loweredby</span> and <span class="half">halfline</span>; sizes: <span class="larger">largerword</span> <span class="em">emword</span> <span class="pct">pctword</span> and <sub>lastsub</sub> end.</p>
{{#if date}}<p class="date"><time datetime="{{date.iso}}">{{t "document.date" date=date.epochMs}}</time></p>{{/if}}
</header>`;

const CSS = `.notes { text-align: justify; }
sup.raised { vertical-align: 6pt; }
span.low { vertical-align: -3px; }
span.half { vertical-align: 50%; font-size: 80%; }
span.larger { font-size: larger; }
span.em { font-size: 0.7em; }
span.pct { font-size: 130%; }`;

const MARKED = ["supmark1", "subtwo", "smallprint", "linkmark2", "raisedby", "loweredby", "halfline", "nestedmark", "largerword", "emword", "pctword", "lastsub"];

describeInBrowser("sup, sub, small: our PDF against Chromium's print of the HTML edition", () => {
  let launched: LaunchedBrowser;
  let base: DocumentRenderer;
  let parsed: ParsedLetter;
  let set: TemplateSet;
  const files: string[] = [];
  beforeAll(async () => {
    launched = await launchChromium();
    base = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    parsed = await loadLetter(DATA_DIR, SEED_LETTER);
    set = await loadImageTemplateSet({ letterhead: LETTERHEAD, css: CSS });
  });
  afterAll(async () => {
    await launched?.close();
    for (const file of files) rmSync(file, { force: true });
  });

  async function bothEditions(locale: LocaleId): Promise<{ ours: string; chromium: string }> {
    const templates = new TemplateLibrary(base.templates.names.map((name) => (name === SEED_TEMPLATE ? set : base.templates.get(name)!.set)));
    const printed = await printBothEditions(launched.browser, { ...base, templates }, parsed, { letterId: SEED_LETTER, locale, recipientId: null });
    files.push(printed.ours, printed.chromium);
    return printed;
  }

  /** Each marked word's box in one edition (the first one on page 1). */
  function marked(file: string): Record<string, WordBox | undefined> {
    const words = wordBoxes(file).filter((word) => word.page === 1);
    return Object.fromEntries(MARKED.map((text) => [text, words.find((word) => word.text.includes(text))]));
  }

  it.each(["en", "ar"] as const)("%s: each marked word where Chromium draws it, at its size; the lines around them as Chromium's", async (locale) => {
    const both = await bothEditions(locale);
    const ours = marked(both.ours);
    const chromium = marked(both.chromium);
    const apart = Object.fromEntries(
      MARKED.map((text) => {
        const [a, b] = [ours[text], chromium[text]];
        if (!a || !b) return [text, `found in ${a ? "ours" : b ? "Chromium's" : "neither"} only`];
        const d = {
          left: Math.abs(a.xMin - b.xMin),
          right: Math.abs(a.xMax - b.xMax),
          top: Math.abs(a.yMin - b.yMin),
          bottom: Math.abs(a.yMax - b.yMax),
          height: Math.abs(a.yMax - a.yMin - (b.yMax - b.yMin)),
        };
        const worst = Math.max(d.top, d.bottom, d.height);
        return [text, worst <= 0.5 ? "within 0.5pt" : Object.fromEntries(Object.entries(d).map(([k, v]) => [k, Number(v.toFixed(2))]))];
      }),
    );
    expect(apart).toEqual(Object.fromEntries(MARKED.map((text) => [text, "within 0.5pt"])));
    const figures = compareEditions(both.ours, both.chromium, 26 * MM);
    expect({ agreeing: figures.agreeing >= 0.98, topDifference: figures.topDifference <= 1, pages: figures.pages.ours }).toEqual({
      agreeing: true,
      topDifference: true,
      pages: figures.pages.chromium,
    });
    if (locale === "en") {
      // Copied, a superscript or subscript is part of its line in both editions: poppler reads the same words of the
      // first paragraph. (A word raised or lowered by half a line, as in the second, poppler reads as a line of its own
      // in both editions, each at another place: not compared.)
      const words = (file: string) => {
        const all = popplerPages(file).join(" ").replace(/-\s+/g, "").split(/\s+/);
        return all.slice(0, all.indexOf("Shifts:"));
      };
      expect(words(both.ours)).toEqual(words(both.chromium));
    }
  });
});
