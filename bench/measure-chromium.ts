import { existsSync } from "node:fs";
import type { LocaleId } from "../functions/core/locales";
import { CHROMIUM_PATH, launchChromium, printWhenFontsLoaded } from "../test/support/browser";
import { countPdfPages, summarize, type Summary } from "./stats";

/** HTML pages to print for one language: the warm stream (personalized letters) and the general letter. */
export interface ChromiumInput {
  locale: LocaleId;
  stream: string[];
  general: string;
}

export interface ChromiumLocaleResult {
  locale: LocaleId;
  /** setContent(html) then, once its fonts have loaded, page.pdf({ preferCSSPageSize: true }) (printWhenFontsLoaded), in the one reused tab (reset to about:blank, untimed, before each page). */
  pdf: Summary;
  /** The first document of this language in the tab (the browser's fonts for the script not yet loaded). */
  firstPdfMs: number;
  pdfBytes: number;
  pdfPages: number;
}

export type ChromiumResult =
  | {
      status: "measured";
      version: string;
      /** Launch of the browser to the first PDF: Chromium's cold start. */
      launchToFirstPdfMs: number;
      locales: ChromiumLocaleResult[];
    }
  | { status: "not installed"; path: string };

export interface ChromiumCounts {
  warmups: number;
  iterations: number;
}

/**
 * Chromium's best case for the same documents: one browser, one tab reused for every page, our own
 * HTML edition printed with its CSS page size. Pages are measured in the given order, sequentially.
 */
export async function measureChromium(inputs: readonly ChromiumInput[], counts: ChromiumCounts): Promise<ChromiumResult> {
  if (!existsSync(CHROMIUM_PATH)) return { status: "not installed", path: CHROMIUM_PATH };
  const launchStart = performance.now();
  const launched = await launchChromium();
  try {
    const page = await launched.browser.newPage();
    const print = async (html: string) => {
      // A fresh document for each page, outside the timed part: setContent writes into the current
      // document, whose Content-Security-Policy meta (with the previous page's style hash) would
      // otherwise stay in force and block the next language's inline styles.
      await page.goto("about:blank");
      const start = performance.now();
      await page.setContent(html);
      const bytes = await printWhenFontsLoaded(page);
      return { ms: performance.now() - start, bytes };
    };
    let launchToFirstPdfMs: number | undefined;
    const locales: ChromiumLocaleResult[] = [];
    for (const input of inputs) {
      const needed = 1 + counts.warmups + counts.iterations;
      const stream = Array.from({ length: needed }, (_, index) => input.stream[index % input.stream.length] as string);
      const first = await print(stream[0] as string);
      launchToFirstPdfMs ??= performance.now() - launchStart;
      const samples: number[] = [];
      for (const [index, html] of stream.slice(1).entries()) {
        const { ms } = await print(html);
        if (index >= counts.warmups) samples.push(ms);
      }
      const general = await print(input.general);
      locales.push({ locale: input.locale, pdf: summarize(samples), firstPdfMs: first.ms, pdfBytes: general.bytes.length, pdfPages: countPdfPages(general.bytes) });
    }
    return { status: "measured", version: launched.browser.version(), launchToFirstPdfMs: launchToFirstPdfMs ?? 0, locales };
  } finally {
    await launched.close();
  }
}
