import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import type { LocaleId } from "../../functions/core/locales";
import { type DocumentRenderer, renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { toFile } from "../core/pdf/pdf-inspect";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { DATA_DIR, FIXTURES_DIR, TEMPLATES_DIR } from "../support/letters";
import { containsLabel, footerLines } from "../support/line-starts";

/**
 * A copy of the committee template with its own family in two faces (Source Serif 4 regular and bold,
 * test/fixtures), the letter in the regular one and the running footer in the bold one. The bold face
 * was asked for only when the page was printed: Chromium's page.pdf() right after the page loaded
 * printed the footer while the face loaded, empty (font-display: block), on every page; one face
 * alone, loaded by the letter, printed fine. The edition now loads every face it embeds with the page.
 */
const LETTER = "committee-hearing-defenders";
const FONTS = join(FIXTURES_DIR, "fonts/source-serif-4");
const MM = 72 / 25.4;
/** print.css's bottom margin. */
const BOTTOM_MARGIN = 26 * MM;

const FACES = [
  '@font-face { font-family: "Brand Serif"; src: url("fonts/SourceSerif4-Regular.ttf"); font-weight: 400; }',
  '@font-face { font-family: "Brand Serif"; src: url("fonts/SourceSerif4-Bold.ttf"); font-weight: 700; }',
].join("\n");
/** The letter set in the regular face only; the footer's two boxes in the bold one. */
const LOOK = [
  'body { font-family: "Brand Serif", var(--font-body); }',
  "main * { font-weight: 400 !important; }",
  '@page { size: A5; @bottom-left { font-family: "Brand Serif"; font-weight: 700; } @bottom-right { font-family: "Brand Serif"; font-weight: 700; } }',
].join("\n");

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("a face the page sets only in its margin boxes, in Chromium's print of the HTML edition", () => {
  let root: string;
  let renderer: DocumentRenderer;
  let parsed: ParsedLetter;
  let launched: LaunchedBrowser;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "letterpress-margin-box-faces-"));
    cpSync(TEMPLATES_DIR, root, { recursive: true });
    const template = join(root, "parliamentary-committee");
    mkdirSync(join(template, "fonts"));
    for (const file of ["SourceSerif4-Regular.ttf", "SourceSerif4-Bold.ttf"]) copyFileSync(join(FONTS, file), join(template, "fonts", file));
    writeFileSync(join(template, "print.css"), `${FACES}\n${readFileSync(join(template, "print.css"), "utf8")}\n${LOOK}\n`);
    renderer = await createRenderer({ templatesDir: root, paper: "A4" });
    parsed = await loadLetter(DATA_DIR, LETTER);
    launched = await launchChromium();
  });
  afterAll(async () => {
    await launched?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it.each(["en", "de"] as LocaleId[])("is loaded with the page: the %s footer is printed on every page right after the page loads", async (locale) => {
    const html = (await renderDocument(renderer, parsed, { letterId: LETTER, locale, recipientId: null, format: "html" })).bytes.toString("utf8");
    const page = await launched.browser.newPage();
    try {
      // As a reader's script would: print as soon as the page has loaded, waiting for nothing else.
      await page.setContent(html);
      const pages = footerLines(toFile(await page.pdf({ preferCSSPageSize: true })), BOTTOM_MARGIN);
      expect(pages.length).toBeGreaterThanOrEqual(2);
      const footers = pages.map((footer) => footer.lines.map((line) => line.text).join(" "));
      const engine = renderer.templates.forLetter(parsed.letter);
      const title = (parsed.letter.translations.get(locale)?.title ?? "").slice(0, 16);
      footers.forEach((footer, index) => {
        expect(containsLabel(footer, engine.messages(locale).format("footer.page", { page: index + 1, pages: pages.length }))).toBe(true);
        expect(footer).toContain(title);
      });
    } finally {
      await page.close();
    }
  });
});
