/**
 * How Chromium's own PDF of the HTML edition copies out of poppler and pdf.js, beside ours: the
 * paragraphs found exactly (the tests' measure, test/core/pdf/pdf-inspect.ts) and the invisible
 * bidi marks each copy carries that the letter lacks. A yardstick for issue 13 item 6: what the
 * extractors make of a PDF from the browser engine the HTML edition is compared with.
 *
 *   npx tsx bench/ab/chromium-copies.ts [--locales he,ar,fa,en]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fillLetter } from "../../functions/core/html/render-html";
import type { LocaleId } from "../../functions/core/locales";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { launchChromium } from "../../test/support/browser";
import { REPO_ROOT } from "../bundle";
import { BENCH_LETTER_ID } from "../workload";

const { values } = parseArgs({ options: { locales: { type: "string", default: "he,ar,fa,en" } } });
/** Marks a writer can put in the text (ALM, LRM, RLM, isolates), and the embeddings poppler writes itself around right-to-left text. */
const MARKS = /[\u061c\u200e\u200f\u2066-\u2069]/gu;
const EMBEDDINGS = /[\u202a-\u202e]/gu;

async function main(): Promise<void> {
  const scope = globalThis as { afterAll?: (hook: () => unknown) => void };
  const hooks: (() => unknown)[] = [];
  scope.afterAll = (hook) => hooks.push(hook);
  const comparison = await import("../../test/support/edition-comparison");
  const inspect = await import("../../test/core/pdf/pdf-inspect");
  const renderer = await createRenderer({ templatesDir: join(REPO_ROOT, "templates"), paper: "A4" });
  const parsed = await loadLetter(join(REPO_ROOT, "data"), BENCH_LETTER_ID);
  const engine = renderer.templates.forLetter(parsed.letter);
  const launched = await launchChromium();
  try {
    for (const locale of values.locales.split(",") as LocaleId[]) {
      const files = await comparison.printBothEditions(launched.browser, renderer, parsed, { letterId: BENCH_LETTER_ID, locale, recipientId: null });
      const { fragment } = fillLetter(engine, parsed.letter, locale);
      const paragraphs = inspect.htmlParagraphs(fragment);
      const title = inspect.footerTitle(fragment);
      const messages = engine.messages(locale);
      const label = (page: number, pages: number) => messages.format("footer.page", { page, pages });
      const letterMarks = (fragment.match(MARKS) ?? []).length;
      for (const [who, file] of Object.entries(files)) {
        for (const tool of ["poppler", "pdfjs"] as const) {
          const pages = tool === "poppler" ? inspect.popplerPages(file) : inspect.pdfjsPages(file);
          const missing = inspect.missingParagraphs(paragraphs, inspect.documentText(pages, title, label));
          const marks = (pages.join("").match(MARKS) ?? []).length - letterMarks;
          const embeddings = (pages.join("").match(EMBEDDINGS) ?? []).length;
          console.log(
            `${locale}\t${who}\t${tool}\texact ${paragraphs.length - missing.length}/${paragraphs.length}\tmarks ${marks}\tembeddings ${embeddings}\t${missing[0]?.differs ?? ""}`,
          );
        }
      }
    }
  } finally {
    await launched.close();
    for (const hook of hooks) await hook();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
