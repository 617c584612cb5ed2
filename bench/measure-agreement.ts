import { existsSync } from "node:fs";
import { join } from "node:path";
import { fillLetter } from "../functions/core/html/render-html";
import type { LocaleId } from "../functions/core/locales";
import { loadLetter } from "../functions/letters/load-letters";
import { createRenderer } from "../functions/render/create-renderer";
import { CHROMIUM_PATH, launchChromium } from "../test/support/browser";
import { REPO_ROOT } from "./bundle";
import { BENCH_LETTER_ID } from "./workload";

/**
 * Issue 12 item 8's four figures and issue 13 item 6's extraction figure, per document of the bench
 * run: Chromium printing our HTML edition against our PDF (line starts, characters on the same page,
 * median line-top difference, page count), and the HTML's paragraphs found exactly in what poppler
 * and pdf.js extract from our PDF. Both measures are the tests' own (test/support/edition-comparison.ts,
 * line-starts.ts, test/core/pdf/pdf-inspect.ts), imported read-only, so the bench and the tests
 * cannot measure two different things.
 */

export interface ParagraphFigures {
  paragraphs: number;
  exact: number;
  /** The first paragraph not found exactly, and where it differs, to show what went wrong. */
  firstMiss?: string;
}

export interface AgreementResult {
  locale: LocaleId;
  /** Which document: the general letter (no recipient). */
  document: string;
  pages: { ours: number; chromium: number };
  characters: { ours: number; chromium: number };
  lineStarts: number;
  samePage: number;
  topDifferencePt: number;
  poppler: ParagraphFigures;
  pdfjs: ParagraphFigures;
  /** Set when this document could not be measured; the other figures are then zero. */
  error?: string;
}

export type AgreementRun = { status: "measured"; documents: AgreementResult[] } | { status: "not installed"; path: string };

type Comparison = typeof import("../test/support/edition-comparison");
type Inspect = typeof import("../test/core/pdf/pdf-inspect");

/**
 * The test helpers register their temporary folder's removal with Jest's `afterAll` when loaded; out of
 * Jest, the bench collects those and runs them when it is done.
 */
async function loadTestHelpers(): Promise<{ comparison: Comparison; inspect: Inspect; cleanUp: () => Promise<void> }> {
  const hooks: (() => unknown)[] = [];
  const scope = globalThis as { afterAll?: (hook: () => unknown) => void };
  const installed = scope.afterAll === undefined;
  if (installed) scope.afterAll = (hook) => hooks.push(hook);
  try {
    const comparison = await import("../test/support/edition-comparison");
    const inspect = await import("../test/core/pdf/pdf-inspect");
    return {
      comparison,
      inspect,
      cleanUp: async () => {
        for (const hook of hooks) await hook();
      },
    };
  } finally {
    if (installed) delete scope.afterAll;
  }
}

const UNIT_PT: Record<string, number> = { mm: 72 / 25.4, cm: 72 / 2.54, in: 72, pt: 1, px: 0.75 };

/** The bottom page margin, in points, of a stylesheet's first `@page` rule (the running footer stands in it and is left out of the line comparison). */
export function pageBottomMarginPt(stylesheet: string, file: string): number {
  const declaration = /@page\s*\{[^}]*?margin\s*:\s*([^;}]+)/.exec(stylesheet)?.[1]?.trim();
  const values = declaration?.split(/\s+/) ?? [];
  const bottom = values.length >= 3 ? values[2] : values[0];
  const match = bottom === undefined ? null : /^([\d.]+)(mm|cm|in|pt|px)$/.exec(bottom);
  if (!match) throw new Error(`${file}: expected an @page rule with a margin in mm, cm, in, pt or px, got ${declaration ?? "none"}`);
  return Number(match[1]) * (UNIT_PT[match[2] as string] as number);
}

/** Measures the general letter of each language; a document that fails is reported with its error, not dropped. */
export async function measureAgreement(locales: readonly LocaleId[]): Promise<AgreementRun> {
  if (!existsSync(CHROMIUM_PATH)) return { status: "not installed", path: CHROMIUM_PATH };
  const { comparison, inspect, cleanUp } = await loadTestHelpers();
  const renderer = await createRenderer({ templatesDir: join(REPO_ROOT, "templates"), paper: "A4" });
  const parsed = await loadLetter(join(REPO_ROOT, "data"), BENCH_LETTER_ID);
  const engine = renderer.templates.forLetter(parsed.letter);
  const bottomMargin = pageBottomMarginPt(engine.set.stylesheet, `templates/${engine.set.name}/print.css`);
  const launched = await launchChromium();
  const documents: AgreementResult[] = [];
  try {
    for (const locale of locales) {
      const request = { letterId: BENCH_LETTER_ID, locale, recipientId: null };
      const base = { locale, document: "general letter" };
      try {
        const { ours, chromium } = await comparison.printBothEditions(launched.browser, renderer, parsed, request);
        const figures = comparison.compareEditions(ours, chromium, bottomMargin);
        const { fragment } = fillLetter(engine, parsed.letter, locale);
        // The tests' own measure (issue 13 item 6): every paragraph whole and in order after white space and NFC normalization.
        const paragraphs = inspect.htmlParagraphs(fragment);
        const messages = engine.messages(locale);
        const title = inspect.footerTitle(fragment);
        const label = (page: number, pages: number) => messages.format("footer.page", { page, pages });
        const extracted = (pages: string[]): ParagraphFigures => {
          const missing = inspect.missingParagraphs(paragraphs, inspect.documentText(pages, title, label));
          const first = missing[0];
          return { paragraphs: paragraphs.length, exact: paragraphs.length - missing.length, ...(first ? { firstMiss: first.differs ?? first.paragraph.slice(0, 80) } : {}) };
        };
        documents.push({
          ...base,
          pages: figures.pages,
          characters: figures.characters,
          lineStarts: figures.agreeing,
          samePage: figures.samePage,
          topDifferencePt: figures.topDifference,
          poppler: extracted(inspect.popplerPages(ours)),
          pdfjs: extracted(inspect.pdfjsPages(ours)),
        });
      } catch (error) {
        const none = { paragraphs: 0, exact: 0 };
        documents.push({
          ...base,
          pages: { ours: 0, chromium: 0 },
          characters: { ours: 0, chromium: 0 },
          lineStarts: 0,
          samePage: 0,
          topDifferencePt: Number.NaN,
          poppler: none,
          pdfjs: none,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  } finally {
    await launched.close();
    await cleanUp();
  }
  return { status: "measured", documents };
}
