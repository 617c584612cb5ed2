import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { embeddedFontCss, styleLetter } from "../../functions/core/html/web-fonts";
import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import { type LocaleId, localeInfo } from "../../functions/core/locales";
import { renderPdf } from "../../functions/core/pdf/render-pdf";
import { type DocumentRenderer, renderDocument } from "../../functions/core/render-document";
import { documentStylesheets, stylesheetsAsHtmlCss } from "../../functions/core/style/document-stylesheets";
import { TemplateLibrary } from "../../functions/core/template/template-library";
import type { FontLibrary } from "../../functions/core/pdf/font-library";
import { createWebFonts } from "../../functions/fonts/web-fonts";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { toFile } from "../core/pdf/pdf-inspect";
import { type LaunchedBrowser, launchChromium, printWhenFontsLoaded } from "./browser";
import { DATA_DIR, TEMPLATES_DIR } from "./letters";
import { type PlacedCharacter, placedCharacters } from "./line-starts";

/**
 * Issue 12 item 8's four figures for one document: Chromium printing the HTML edition against our
 * PDF, both read back by poppler's `pdftotext -bbox-layout`, characters aligned one to one.
 */

export interface EditionFigures {
  /** Characters each edition has (they must be equal for the alignment to mean anything). */
  characters: { ours: number; chromium: number };
  pages: { ours: number; chromium: number };
  /** Share of line starts (of either edition) that start a line in both. */
  agreeing: number;
  /** Share of characters on the same page. */
  samePage: number;
  /** Median distance of the tops of lines that start in both on the same page, in points. */
  topDifference: number;
}

/** Compares the two PDFs (files) of one document; `bottomMargin` in points leaves the running footer out. */
export function compareEditions(oursFile: string, chromiumFile: string, bottomMargin: number): EditionFigures {
  return compareCharacters(placedCharacters(oursFile, bottomMargin), placedCharacters(chromiumFile, bottomMargin));
}

/** The four figures of two editions' placed characters (`placedCharacters`), aligned one to one. */
export function compareCharacters(ours: readonly PlacedCharacter[], chromium: readonly PlacedCharacter[]): EditionFigures {
  const pairs = ours.map((c, i) => [c, chromium[i]] as const).filter((pair): pair is readonly [PlacedCharacter, PlacedCharacter] => pair[1] !== undefined);
  const starts = pairs.filter(([a, b]) => a.lineStart || b.lineStart);
  const both = starts.filter(([a, b]) => a.lineStart && b.lineStart);
  // A line the two editions put on different pages has no top to compare: samePage counts it.
  const tops = both
    .filter(([a, b]) => a.page === b.page)
    .map(([a, b]) => Math.abs(a.top - b.top))
    .sort((a, b) => a - b);
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  return {
    characters: { ours: ours.length, chromium: chromium.length },
    pages: { ours: ours[ours.length - 1]?.page ?? 0, chromium: chromium[chromium.length - 1]?.page ?? 0 },
    agreeing: round(both.length / starts.length, 3),
    samePage: round(pairs.filter(([a, b]) => a.page === b.page).length / Math.max(ours.length, 1), 3),
    topDifference: round(tops[Math.floor(tops.length / 2)] ?? Number.NaN, 1),
  };
}

/**
 * The renderer with one template restyled: `css` appended to the template's print.css, as an
 * organization editing its folder would, every other template and asset as they are. Both editions
 * of `printBothEditions` then follow the variant.
 */
export function restyled(renderer: DocumentRenderer, template: string, css: string): DocumentRenderer {
  const sets = renderer.templates.names.map((name) => {
    const { set } = renderer.templates.get(name)!;
    return name === template ? { ...set, stylesheet: `${set.stylesheet}\n${css}` } : set;
  });
  return { ...renderer, templates: new TemplateLibrary(sets) };
}

/**
 * One document's two editions as files: our PDF, and Chromium printing our HTML edition (print media,
 * the page's own @page size), for `compareEditions`.
 */
export async function printBothEditions(
  browser: Browser,
  renderer: DocumentRenderer,
  parsed: ParsedLetter,
  request: { letterId: string; locale: LocaleId; recipientId: string | null },
): Promise<{ ours: string; chromium: string }> {
  const ours = toFile((await renderDocument(renderer, parsed, { ...request, format: "pdf" })).bytes);
  const page = await browser.newPage();
  try {
    await page.setContent((await renderDocument(renderer, parsed, { ...request, format: "html" })).bytes.toString("utf8"));
    await page.emulateMedia({ media: "print" });
    return { ours, chromium: toFile(await printWhenFontsLoaded(page)) };
  } finally {
    await page.close();
  }
}

/** What `chromiumWithLetter` sets up: filled in by its `beforeAll`, so read it inside tests only. */
export interface ChromiumWithLetter {
  launched: LaunchedBrowser;
  renderer: DocumentRenderer;
  parsed: ParsedLetter;
}

/**
 * Registers, in the calling `describe`, a `beforeAll` that launches Chromium, creates the renderer
 * of the shipped templates (A4 unless a stylesheet says otherwise) and loads `letterId` from data/,
 * and an `afterAll` that closes the browser. The returned object holds the three once `beforeAll`
 * has run.
 */
export function chromiumWithLetter(letterId: string): ChromiumWithLetter {
  const setup = {} as ChromiumWithLetter;
  beforeAll(async () => {
    setup.launched = await launchChromium();
    setup.renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    setup.parsed = await loadLetter(DATA_DIR, letterId);
  });
  afterAll(async () => setup.launched?.close());
  return setup;
}

/**
 * Paragraphs each set at several widths (in em of a 10pt body, one class per width), printed by
 * Chromium with the PDF's fonts embedded (as the HTML edition carries them) and laid out by our PDF
 * with the same stylesheets: the figures of the two, for line-breaking cases that must meet line
 * ends in many places. `bodyCss` adds declarations to the body rule, `css` rules to the author sheet
 * (a template's `@font-face` rules as its loader leaves them); `files` are the two PDFs.
 */
export async function paragraphsAtWidths(
  browser: Browser,
  fonts: FontLibrary,
  options: { locale: LocaleId; paragraphs: readonly string[]; widths: readonly number[]; align: string; bodyCss?: string; css?: string },
): Promise<EditionFigures & { files: { ours: string; chromium: string } }> {
  const { script, tag, dir } = localeInfo(options.locale);
  const paragraphs = options.widths.map((_, w) => options.paragraphs.map((text) => `<p class="w${w}">${text}</p>`).join("")).join("");
  const fragment = `<article class="letter" lang="${tag}" dir="${dir}">${paragraphs}</article>`;
  const author = [
    "@page { size: A4; margin: 15mm; }",
    `body { font-family: var(--font-body); font-size: 10pt; line-height: 1.6;${options.bodyCss ? ` ${options.bodyCss}` : ""} }`,
    `p { margin: 0 0 6pt; text-align: ${options.align}; }`,
    ...options.widths.map((width, w) => `.w${w} { width: ${width}em; }`),
    options.css ?? "",
  ].join("\n");
  const stylesheets = documentStylesheets(
    { userAgent: readFileSync(join(TEMPLATES_DIR, "ua.css"), "utf8"), author },
    { script, paper: "A4", pageLabel: (page, count) => `${page}/${count}` },
  );
  // The page carries the PDF's fonts, as the HTML edition does: the system's fonts draw other glyphs.
  const fontCss = await embeddedFontCss(createWebFonts(fonts), styleLetter(fragment, stylesheets));
  const page = await browser.newPage();
  await page.setContent(
    `<!DOCTYPE html><html lang="${tag}" dir="${dir}"><head><meta charset="utf-8"><style>${fontCss}\n${stylesheetsAsHtmlCss(stylesheets)}</style></head><body>${fragment}</body></html>`,
  );
  await page.emulateMedia({ media: "print" });
  const chromium = toFile(await printWhenFontsLoaded(page));
  await page.close();
  const metadata = { title: "t", author: "a", subject: "s", keywords: [], creationDate: new Date(0) };
  const ours = toFile(await renderPdf(fragment, { locale: localeInfo(options.locale), stylesheets, metadata, fonts }));
  return { ...compareEditions(ours, chromium, 0), files: { ours, chromium } };
}
