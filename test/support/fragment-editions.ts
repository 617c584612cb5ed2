import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { embeddedFontCss, styleLetter } from "../../functions/core/html/web-fonts";
import { type LocaleId, localeInfo } from "../../functions/core/locales";
import type { FontLibrary } from "../../functions/core/pdf/font-library";
import { renderPdf } from "../../functions/core/pdf/render-pdf";
import { documentStylesheets, stylesheetsAsHtmlCss } from "../../functions/core/style/document-stylesheets";
import { type HyphenationPatterns, hyphenateFragment } from "../../functions/core/text/hyphenate";
import { createWebFonts } from "../../functions/fonts/web-fonts";
import { run, toFile } from "../core/pdf/pdf-inspect";
import { TEMPLATES_DIR } from "./letters";
import { printWhenFontsLoaded } from "./browser";

/**
 * One letter fragment (`<article class="letter">...`) with an author stylesheet, as two PDF files:
 * our PDF, and Chromium printing the same fragment with the PDF's fonts embedded (as the HTML edition
 * carries them), print media, the stylesheet's own @page size; hyphenated first, as a render does,
 * when given the patterns.
 */
export async function printFragmentBothWays(
  browser: Browser,
  fonts: FontLibrary,
  options: { locale: LocaleId; fragment: string; author: string; hyphenation?: HyphenationPatterns },
): Promise<{ ours: string; chromium: string }> {
  const { script, tag, dir } = localeInfo(options.locale);
  const stylesheets = documentStylesheets(
    { userAgent: readFileSync(join(TEMPLATES_DIR, "ua.css"), "utf8"), author: options.author },
    { script, paper: "A4", pageLabel: (page, count) => `${page}/${count}` },
  );
  // As renderDocument: soft hyphens where the style says `hyphens: auto`, before either edition is made.
  const fragment = options.hyphenation ? hyphenateFragment(options.fragment, stylesheets, options.hyphenation) : options.fragment;
  const fontCss = await embeddedFontCss(createWebFonts(fonts), styleLetter(fragment, stylesheets));
  const page = await browser.newPage();
  try {
    await page.setContent(
      `<!DOCTYPE html><html lang="${tag}" dir="${dir}"><head><meta charset="utf-8"><style>${fontCss}\n${stylesheetsAsHtmlCss(stylesheets)}</style></head><body>${fragment}</body></html>`,
    );
    await page.emulateMedia({ media: "print" });
    const chromium = toFile(await printWhenFontsLoaded(page));
    const metadata = { title: "t", author: "a", subject: "s", keywords: [], creationDate: new Date(0) };
    const ours = toFile(await renderPdf(fragment, { locale: localeInfo(options.locale), stylesheets, metadata, fonts }));
    return { ours, chromium };
  } finally {
    await page.close();
  }
}

/** Each page's MediaBox [width, height] in points, as poppler's pdfinfo reads them. */
export function pageSizes(file: string): [number, number][] {
  const info = run("pdfinfo", ["-f", "1", "-l", "9999", "-box", file]);
  return [...info.matchAll(/Page\s+\d+\s+MediaBox:\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/g)].map((m) => [Number(m[3]) - Number(m[1]), Number(m[4]) - Number(m[2])]);
}
