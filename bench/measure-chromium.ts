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

/** One language's pages printed in turns (see `ChromiumSession.printer`). */
export interface LocalePrinter {
  /** Prints the next `count` measured pages (the language's first page and its warm-ups before the first turn's). */
  printNext(count: number): Promise<void>;
  /** Prints the measured pages not printed yet, then the general letter: the language's figures. */
  finish(): Promise<ChromiumLocaleResult>;
}

export interface ChromiumSession {
  version: string;
  /** Pages of one language, printed in the session's one tab. */
  printer(input: ChromiumInput, counts: ChromiumCounts): LocalePrinter;
  /** Launch of the browser to its first PDF (Chromium's cold start); undefined before a page was printed. */
  launchToFirstPdfMs(): number | undefined;
  close(): Promise<void>;
}

/**
 * Chromium's best case for the same documents: one browser, one tab reused for every page, our own
 * HTML edition printed with its CSS page size. Pages are printed one at a time, in the order given.
 * Undefined when Chromium is not installed.
 */
export async function openChromiumSession(): Promise<ChromiumSession | undefined> {
  if (!existsSync(CHROMIUM_PATH)) return undefined;
  const launchStart = performance.now();
  const launched = await launchChromium();
  let launchToFirstPdfMs: number | undefined;
  try {
    const page = await launched.browser.newPage();
    // Launch to a tab ready; the first print's own time is added to it. The first page may come much
    // later (after our process's first turn), and Chromium's cold start must not count that wait.
    const launchToTabMs = performance.now() - launchStart;
    const print = async (html: string) => {
      const goingBlank = performance.now();
      // A fresh document for each page, outside the timed part: setContent writes into the current
      // document, whose Content-Security-Policy meta (with the previous page's style hash) would
      // otherwise stay in force and block the next language's inline styles.
      await page.goto("about:blank");
      const start = performance.now();
      await page.setContent(html);
      const bytes = await printWhenFontsLoaded(page);
      launchToFirstPdfMs ??= launchToTabMs + (performance.now() - goingBlank);
      return { ms: performance.now() - start, bytes };
    };
    const printer = (input: ChromiumInput, counts: ChromiumCounts): LocalePrinter => {
      const needed = 1 + counts.warmups + counts.iterations;
      const stream = Array.from({ length: needed }, (_, index) => input.stream[index % input.stream.length] as string);
      const samples: number[] = [];
      let firstPdfMs: number | undefined;
      let next = 0;
      const printNext = async (count: number) => {
        if (firstPdfMs === undefined) {
          firstPdfMs = (await print(stream[0] as string)).ms;
          for (next = 1; next <= counts.warmups; next++) await print(stream[next] as string);
        }
        for (const end = Math.min(needed, next + count); next < end; next++) samples.push((await print(stream[next] as string)).ms);
      };
      return {
        printNext,
        finish: async () => {
          await printNext(needed);
          const general = await print(input.general);
          return { locale: input.locale, pdf: summarize(samples), firstPdfMs: firstPdfMs ?? 0, pdfBytes: general.bytes.length, pdfPages: countPdfPages(general.bytes) };
        },
      };
    };
    return { version: launched.browser.version(), printer, launchToFirstPdfMs: () => launchToFirstPdfMs, close: () => launched.close() };
  } catch (error) {
    await launched.close();
    throw error;
  }
}
