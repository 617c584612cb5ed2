import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fillLetter } from "../../functions/core/html/render-html";
import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import { type DocumentRenderer, renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { catalogLocales } from "../../functions/templates/load-template-set";
import { footerTitle, fragmentText, normalize, pdfInfo, pdfjsPages, popplerPages, run, toFile, withoutRunningTitle } from "../core/pdf/pdf-inspect";
import { browserAvailable } from "../support/browser";
import { chromiumWithLetter, compareEditions, printBothEditions } from "../support/edition-comparison";
import { attribute, byTag, findAll, parseDocument, readingText } from "../support/html";
import { DATA_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * The second shipped letter, data/committee-hearing-defenders: a coalition's letter to a
 * parliamentary committee in its own template folder, templates/parliamentary-committee (a logo,
 * the letter's own addressee, salutation and valediction, signatories as a table with a signature
 * image each, Noto Sans in teal and rust on US Letter). Both editions, every language it has.
 */
const LETTER = "committee-hearing-defenders";
const TEMPLATE = "parliamentary-committee";
const LOCALES = catalogLocales(TEMPLATES_DIR, TEMPLATE);
const MM = 72 / 25.4;

/** The structure elements of a type with their /Alt, from qpdf's uncompressed output (pdfkit writes non-ASCII text as UTF-16BE hex). */
function altTexts(file: string, type: string): (string | null)[] {
  const text = run("qpdf", ["--qdf", "--object-streams=disable", file, "-"]);
  return [...text.matchAll(/\d+ 0 obj\n<<([\s\S]*?)\n>>\nendobj/g)]
    .map((m) => m[1]!)
    .filter((dict) => new RegExp(`/S /${type}\\b`).test(dict))
    .map((dict) => {
      const literal = /\/Alt \(([^)]*)\)/.exec(dict)?.[1];
      const hex = /\/Alt <feff([0-9a-f]*)>/i.exec(dict)?.[1];
      return literal ?? (hex ? Buffer.from(hex, "hex").swap16().toString("utf16le") : null);
    });
}

describe("the committee letter, made with its own template folder", () => {
  let renderer: DocumentRenderer;
  let parsed: ParsedLetter;
  beforeAll(async () => {
    renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    parsed = await loadLetter(DATA_DIR, LETTER);
  });

  it("names its template, and has every language its template has (at least two)", () => {
    expect(parsed.letter.facts.template).toBe(TEMPLATE);
    expect(parsed.localeErrors.size).toBe(0);
    expect([...parsed.letter.translations.keys()].sort()).toEqual(LOCALES);
    expect(LOCALES.length).toBeGreaterThanOrEqual(2);
  });

  it("has the same bytes cold and after the Security Council letter warmed the caches in the same process (caches keyed by what each template gives them)", async () => {
    const request = { letterId: LETTER, locale: "en", format: "pdf" as const, recipientId: null };
    renderer.caches.clear();
    const cold = (await renderDocument(renderer, parsed, request)).bytes;
    const seed = await loadLetter(DATA_DIR, "unsc-dprk-2015");
    await renderDocument(renderer, seed, { ...request, letterId: "unsc-dprk-2015" });
    await renderDocument(renderer, seed, { ...request, letterId: "unsc-dprk-2015", format: "html" });
    const warm = (await renderDocument(renderer, parsed, request)).bytes;
    expect(warm.equals(cold)).toBe(true);
  });

  describe.each(LOCALES)("in %s", (locale) => {
    let pdfFile: string;
    let html: string;
    beforeAll(async () => {
      const request = { letterId: LETTER, locale, recipientId: null };
      pdfFile = toFile((await renderDocument(renderer, parsed, { ...request, format: "pdf" })).bytes);
      html = (await renderDocument(renderer, parsed, { ...request, format: "html" })).bytes.toString("utf8");
    });

    it("prints the letter's own addressee, salutation, valediction and sender kind, in both editions", () => {
      const own = JSON.parse(readFileSync(join(DATA_DIR, LETTER, `${locale}.json`), "utf8")) as Record<string, string | string[]>;
      const pdfText = popplerPages(pdfFile).join("\n").replace(/\s+/g, " ");
      const htmlText = readingText(findAll(parseDocument(html), byTag("main"))[0]!).replace(/\s+/g, " ");
      for (const words of [...(own["addressee"] as string[]), own["salutation"], own["valediction"], own["senderKind"]] as string[]) {
        expect(pdfText).toContain(words);
        expect(htmlText).toContain(words);
      }
      // No Security Council words leak in from another template.
      expect(pdfText).not.toMatch(/Security Council|Excellenc/);
    });

    it("copies out of the PDF, with poppler and with pdf.js, as the HTML edition's text, word for word (the running footer and list markers left out)", () => {
      const engine = renderer.templates.get(TEMPLATE)!;
      const { fragment } = fillLetter(engine, parsed.letter, locale);
      const expected = normalize(fragmentText(fragment));
      const title = normalize(footerTitle(fragment));
      for (const pages of [popplerPages(pdfFile), pdfjsPages(pdfFile)]) {
        const body = pages
          .map((page, index) => {
            let text = normalize(page);
            const label = normalize(engine.messages(locale).format("footer.page", { page: index + 1, pages: pages.length }));
            const at = text.lastIndexOf(label);
            if (at >= 0) text = text.slice(0, at) + text.slice(at + label.length);
            // The running title, whole or cut to one line with an ellipsis.
            return withoutRunningTitle(text, title);
          })
          .join("")
          // The list's markers are the PDF's own text (tagged Lbl); the HTML's are drawn by the browser.
          .replaceAll("•", "");
        expect(body).toBe(expected);
      }
    });

    it("is set on US Letter in Noto Sans, as its print.css says (the renderer was asked for A4)", () => {
      expect(pdfInfo(pdfFile)["Page size"]).toMatch(/^612 x 792 pts/);
      const fonts = run("pdffonts", [pdfFile]);
      expect(fonts).toMatch(/NotoSans-Regular/);
      expect(fonts).not.toMatch(/NotoSerif/);
    });

    it("tags the logo and a signature per signatory as Figures with their alt text, and the signatories as a table", () => {
      const messages = renderer.templates.get(TEMPLATE)!.messages(locale);
      const names = parsed.letter.facts.signatories.map(({ id }) => parsed.letter.translations.get(locale)!.signatories[id]!.name);
      expect(altTexts(pdfFile, "Figure")).toEqual([messages.format("letterhead.logo"), ...names.map((name) => messages.format("signatories.signatureOf", { name }))]);
      expect(altTexts(pdfFile, "Table")).toHaveLength(1);
      expect(altTexts(pdfFile, "TH")).toHaveLength(2);
      expect(altTexts(pdfFile, "TR")).toHaveLength(1 + names.length);
    });

    it("carries the same images in the HTML edition, inline as data: URIs with their alt text, in a table", () => {
      const document = parseDocument(html);
      const images = findAll(document, byTag("img"));
      expect(images).toHaveLength(1 + parsed.letter.facts.signatories.length);
      for (const image of images) {
        expect(attribute(image, "src")).toMatch(/^data:image\/svg\+xml;base64,/);
        expect(attribute(image, "alt")).toBeTruthy();
      }
      expect(findAll(document, byTag("table"))).toHaveLength(1);
    });
  });
});

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("the committee letter's HTML edition printed by Chromium and its PDF", () => {
  const setup = chromiumWithLetter(LETTER);

  /**
   * Languages measured below issue 12 item 8's line-start bar, with the figure (every other figure
   * at the bar). None: fr was at 0.95 ("… à la vie, à la liberté": Chromium fitted "liberté" on a
   * page area 0.44pt wider, on whole CSS pixels, which the PDF now takes too).
   */
  const BELOW_BAR: Readonly<Record<string, number>> = {};

  it.each(LOCALES)("in %s: the same pages, line starts and line tops (issue 12 item 8's bar)", async (locale) => {
    const request = { letterId: LETTER, locale, recipientId: null };
    const { ours, chromium } = await printBothEditions(setup.launched.browser, setup.renderer, setup.parsed, request);
    // The template's bottom margin (22 mm) holds the running footer, which is left out.
    const figures = compareEditions(ours, chromium, 22 * MM);
    expect(figures.characters.ours).toBe(figures.characters.chromium);
    const lineStartBar = BELOW_BAR[locale] ?? 0.98;
    expect({ figures, met: figures.pages.ours === figures.pages.chromium && figures.agreeing >= lineStartBar && figures.samePage >= 0.99 && figures.topDifference <= 2 }).toEqual({
      figures,
      met: true,
    });
  });
});
