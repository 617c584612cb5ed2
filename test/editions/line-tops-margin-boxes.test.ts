import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FilledLetter, fillLetter, renderHtmlEdition } from "../../functions/core/html/render-html";
import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import type { LocaleId } from "../../functions/core/locales";
import type { DocumentRenderer } from "../../functions/core/render-document";
import type { TemplateEngine } from "../../functions/core/template/template-engine";
import { createRenderer } from "../../functions/render/create-renderer";
import { toFile } from "../core/pdf/pdf-inspect";
import { browserAvailable, type LaunchedBrowser, launchChromium, printWhenFontsLoaded } from "../support/browser";
import { restyled } from "../support/edition-comparison";
import { loadSeedLetter, SEED_TEMPLATE_DIR, TEMPLATES_DIR } from "../support/letters";
import { characters, containsLabel, footerLines } from "../support/line-starts";

/**
 * Nothing in a running header or footer pushes the page label off the page, in any template (issue
 * 12 item 7): a template of our own, a copy of the seed template whose running title has no
 * one-line rule (no width, `white-space`, `overflow` or `text-overflow`), prints titles of 600 and
 * 3,000 characters on US Letter and on A5, left to right and right to left. Each margin box is
 * bounded to its margin area: a title the margin cannot hold is cut to one line with an ellipsis in both
 * editions, every page keeps its "Page X of Y" on one line, and nothing is drawn outside the bottom
 * margin.
 */

const MM = 72 / 25.4;
const TEMPLATE = "unbounded-footer";

/** The seed template's one-line rule for its running title, which this template leaves out. */
const ONE_LINE_RULE = " width: 75%; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;";

const PAPERS = [
  { name: "US Letter", css: "", bottomMargin: 26 * MM },
  { name: "A5", css: "@page { size: A5; margin: 14mm 12mm 16mm; }", bottomMargin: 16 * MM },
] as const;

const TITLES: readonly { locale: LocaleId; length: number; title: string }[] = [
  { locale: "en", length: 600, title: "Joint letter on the situation of human rights defenders and the follow-up to the Commission of Inquiry ".repeat(6).slice(0, 600) },
  { locale: "en", length: 3000, title: "A title that an organization wrote as a paragraph, not as a title, and that no footer can hold ".repeat(32).slice(0, 3000) },
  { locale: "ar", length: 600, title: "رسالة مشتركة بشأن أوضاع المدافعين عن حقوق الإنسان ومتابعة توصيات لجنة التحقيق ".repeat(8).slice(0, 600) },
  { locale: "ar", length: 3000, title: "رسالة مشتركة بشأن أوضاع المدافعين عن حقوق الإنسان ومتابعة توصيات لجنة التحقيق ".repeat(38).slice(0, 3000) },
];

const CASES = PAPERS.flatMap((paper) => TITLES.map((title) => ({ ...title, paper })));

function withTitle(filled: FilledLetter, title: string): FilledLetter {
  return { ...filled, view: { ...filled.view, title } };
}

describe("a template whose running title may wrap", () => {
  let root: string;
  let renderer: DocumentRenderer;
  let parsed: ParsedLetter;
  let launched: LaunchedBrowser | undefined;
  beforeAll(async () => {
    // The copy is made from the shipped folder at test time, so it follows every other change to it.
    root = mkdtempSync(join(tmpdir(), "unbounded-footer-"));
    cpSync(join(TEMPLATES_DIR, "ua.css"), join(root, "ua.css"));
    cpSync(SEED_TEMPLATE_DIR, join(root, TEMPLATE), { recursive: true });
    const css = join(root, TEMPLATE, "print.css");
    const stylesheet = readFileSync(css, "utf8");
    expect(stylesheet).toContain(ONE_LINE_RULE);
    writeFileSync(css, stylesheet.replace(ONE_LINE_RULE, ""));
    renderer = await createRenderer({ templatesDir: root, paper: "Letter" });
    parsed = await loadSeedLetter();
  });
  afterAll(async () => {
    await launched?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const engineFor = (css: string): TemplateEngine => restyled(renderer, TEMPLATE, css).templates.get(TEMPLATE)!;
  const labels = (engine: TemplateEngine, locale: LocaleId, pages: number) =>
    Array.from({ length: pages }, (_, i) => engine.messages(locale).format("footer.page", { page: i + 1, pages }));

  /**
   * Every page: the footer inside the bottom margin, the title there whole or cut with an ellipsis,
   * and the page's label on one line. Returns each page's footer characters.
   */
  function expectBoundedFooters(path: string, engine: TemplateEngine, locale: LocaleId, title: string, bottomMargin: number): string[] {
    const pages = footerLines(path, bottomMargin);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const expected = labels(engine, locale, pages.length);
    pages.forEach(({ height, lines }, index) => {
      const texts = lines.map((line) => line.text);
      const footer = { page: index + 1, lines: texts };
      expect({ ...footer, inMargin: lines.every((line) => line.top > height - bottomMargin && line.bottom < height) }).toEqual({ ...footer, inMargin: true });
      expect({ ...footer, label: texts.some((text) => containsLabel(text, expected[index]!)) }).toEqual({ ...footer, label: true });
      const whole = characters(texts.join("")).length >= characters(title).length;
      expect({ ...footer, wholeOrCut: whole || texts.some((text) => text.includes("…")) }).toEqual({ ...footer, wholeOrCut: true });
    });
    return pages.map(({ lines }) => characters(lines.map((line) => line.text).join("")));
  }

  it.each(CASES)(
    "on $paper.name, a $length-character $locale title: the PDF keeps its footer in the margin, the title whole or cut, every page label",
    async ({ locale, title, paper }) => {
      const engine = engineFor(paper.css);
      const filled = withTitle(fillLetter(engine, parsed.letter, locale), title);
      expectBoundedFooters(toFile(await renderer.pdf(filled, "Letter", engine)), engine, locale, title, paper.bottomMargin);
    },
  );

  const describeInBrowser = browserAvailable() ? describe : describe.skip;
  describeInBrowser("and Chromium printing the HTML edition", () => {
    it.each(CASES)("on $paper.name, a $length-character $locale title: the same footer in the margin, the same cut, every page label", async ({ locale, title, paper }) => {
      launched ??= await launchChromium();
      const engine = engineFor(paper.css);
      const filled = withTitle(fillLetter(engine, parsed.letter, locale), title);
      const page = await launched.browser.newPage();
      await page.setContent(await renderHtmlEdition(engine, filled, "Letter", renderer.webFonts!));
      const chromium = toFile(await printWhenFontsLoaded(page));
      await page.close();
      const theirs = expectBoundedFooters(chromium, engine, locale, title, paper.bottomMargin);
      const ours = footerLines(toFile(await renderer.pdf(filled, "Letter", engine)), paper.bottomMargin).map(({ lines }) => characters(lines.map((line) => line.text).join("")));
      expect(theirs).toEqual(ours);
    });
  });
});
