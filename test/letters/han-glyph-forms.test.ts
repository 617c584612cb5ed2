import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { type DocumentRenderer, renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { run, toFile } from "../core/pdf/pdf-inspect";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { DATA_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * Issue 13 item 3: Han characters in the glyph forms of the letter's language, whatever the
 * template's font stack. templates/parliamentary-committee/print.css sets the body in
 * `"Noto Sans", var(--font-body)`: Noto Sans has no Han, and its characters went to the registry's
 * default CJK face (Noto Sans SC, Simplified Chinese forms) in both editions, although --font-body
 * of ja, zh-Hant and ko names Noto Sans JP, TC and KR. 直, 骨 and 今 are drawn differently in each.
 * Both shipped templates, a data letter per language made as a fresh user makes one (a translation
 * file and the template's messages file for the language); the PDF read back by pdffonts, the HTML
 * edition asked of Chromium (the DevTools protocol's platform fonts of the title).
 */
const HAN = "直骨今";
/** The CJK face each language's Han must be drawn in (PostScript name prefix), and the ones it must not. */
const EXPECTED = { ja: "NotoSansJP", "zh-Hant": "NotoSansTC", ko: "NotoSansKR" } as const;
const CJK_FACES = ["NotoSansSC", "NotoSansTC", "NotoSansJP", "NotoSansKR"];
const LETTERS = [
  { template: "parliamentary-committee", letter: "committee-hearing-defenders" },
  { template: "un-security-council", letter: "unsc-dprk-2015" },
] as const;

let work: string;
let renderer: DocumentRenderer;

/** A copy of the shipped templates and letters with a ja, zh-Hant and ko translation of each letter whose title holds `HAN`. */
function writeFixtures(): void {
  work = mkdtempSync(join(tmpdir(), "han-forms-"));
  cpSync(TEMPLATES_DIR, join(work, "templates"), { recursive: true });
  for (const { template, letter } of LETTERS) {
    cpSync(join(DATA_DIR, letter), join(work, "data", letter), { recursive: true });
    const messages = join(work, "templates", template, "messages");
    for (const locale of Object.keys(EXPECTED)) {
      // The template's messages in English where it ships none for the language (only the title has
      // Han), less the plural branches the language never selects, which the catalog check refuses
      // (CJK plurals have only "other"; the English branches have no nested braces).
      if (!existsSync(join(messages, `${locale}.json`))) {
        const english = readFileSync(join(messages, "en.json"), "utf8");
        const hasOne = new Intl.PluralRules(locale).resolvedOptions().pluralCategories.includes("one");
        writeFileSync(join(messages, `${locale}.json`), hasOne ? english : english.replace(/ one \{[^{}]*\}/g, ""));
      }
      // The letter's own translation where it has one (the Security Council letter's ja and ko), its
      // French otherwise (its Simplified Chinese would bring characters Noto Sans TC rightly leaves to
      // SC): a translation of the current source (translationOf), whose only Han is the title's.
      const source = [locale, "fr"].find((name) => existsSync(join(DATA_DIR, letter, `${name}.json`)))!;
      const base = JSON.parse(readFileSync(join(DATA_DIR, letter, `${source}.json`), "utf8")) as Record<string, unknown>;
      const translation = { ...base, locale, title: `${HAN} ${String(base["title"])}` };
      writeFileSync(join(work, "data", letter, `${locale}.json`), JSON.stringify(translation, null, 2));
    }
  }
}

/** The base font names pdffonts lists, subset tags removed. */
function pdfFonts(file: string): string[] {
  return run("pdffonts", [file])
    .split("\n")
    .slice(2)
    .map((line) => line.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, ""))
    .filter(Boolean);
}

/** The PostScript names of the faces Chromium draws the element's text with (DevTools protocol). */
async function facesDrawing(page: Page, selector: string): Promise<string[]> {
  const session = await page.context().newCDPSession(page);
  await session.send("DOM.enable");
  await session.send("CSS.enable");
  const { root } = await session.send("DOM.getDocument", { depth: -1 });
  const { nodeId } = await session.send("DOM.querySelector", { nodeId: root.nodeId, selector });
  const { fonts } = await session.send("CSS.getPlatformFontsForNode", { nodeId });
  await session.detach();
  return fonts.map((font) => font.postScriptName || font.familyName);
}

beforeAll(async () => {
  writeFixtures();
  renderer = await createRenderer({ templatesDir: join(work, "templates"), paper: "A4" });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(LETTERS)("Han in a $template letter", ({ letter }) => {
  describe.each(Object.entries(EXPECTED))("in %s", (locale, face) => {
    const request = { letterId: letter, locale, recipientId: null };

    it(`is set in ${face} in the PDF, and no other CJK face is embedded`, async () => {
      const parsed = await loadLetter(join(work, "data"), letter);
      const file = toFile((await renderDocument(renderer, parsed, { ...request, format: "pdf" })).bytes);
      const fonts = pdfFonts(file);
      expect(fonts.some((name) => name.startsWith(face))).toBe(true);
      expect(fonts.filter((name) => CJK_FACES.some((cjk) => name.startsWith(cjk)) && !name.startsWith(face))).toEqual([]);
    });

    const browserIt = browserAvailable() ? it : it.skip;
    browserIt(
      `is drawn with ${face} by Chromium in the HTML edition`,
      async () => {
        const parsed = await loadLetter(join(work, "data"), letter);
        const html = (await renderDocument(renderer, parsed, { ...request, format: "html" })).bytes.toString("utf8");
        let launched: LaunchedBrowser | undefined;
        try {
          launched = await launchChromium();
          const page = await launched.browser.newPage();
          await page.setContent(html);
          await page.evaluate(() => document.fonts.ready);
          const faces = await facesDrawing(page, "h1");
          expect(faces.some((name) => name.startsWith(face))).toBe(true);
          expect(faces.filter((name) => CJK_FACES.some((cjk) => name.startsWith(cjk)) && !name.startsWith(face))).toEqual([]);
        } finally {
          await launched?.close();
        }
      },
      60_000,
    );
  });
});
