/// <reference lib="dom" />
import * as fontkit from "fontkit";
import { renderHtmlWithFonts } from "../../functions/core/html/render-html";
import type { Letter } from "../../functions/core/letter/parse-letter";
import type { LocaleId } from "../../functions/core/locales";
import { FAMILIES } from "../../functions/core/pdf/font-library";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { createWebFonts } from "../../functions/fonts/web-fonts";
import { localeInfo } from "../../functions/core/locales";
import { browserAvailable, type LaunchedBrowser, launchChromium, openOfflinePage } from "../support/browser";
import { createEngine, loadSeedLetter, SHIPPED_LOCALES } from "../support/letters";

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("the HTML edition in headless Chromium", () => {
  let launched: LaunchedBrowser;
  const pages = new Map<string, string>();

  beforeAll(async () => {
    launched = await launchChromium();
    const engine = await createEngine();
    const { letter } = await loadSeedLetter();
    const webFonts = createWebFonts(loadFontLibrary());
    // The edition the service stores: the PDF's faces embedded.
    for (const locale of SHIPPED_LOCALES) pages.set(locale, await renderHtmlWithFonts(engine, letter, locale, webFonts));
  });
  afterAll(async () => launched?.close());

  it.each(SHIPPED_LOCALES)("shows the %s letter with no error, no request and no overflow, and prints it", async (locale) => {
    // Any request beyond the page itself is recorded and refused: the page must be self-contained.
    const { page, context, requests, problems } = await openOfflinePage(launched.browser, { viewport: { width: 900, height: 1200 } });

    await page.setContent(pages.get(locale)!, { waitUntil: "load" });

    const layout = await page.evaluate(() => {
      const article = document.querySelector("article")!;
      const main = document.querySelector("main")!;
      const bounds = main.getBoundingClientRect();
      const overflowing = [...article.querySelectorAll("p, li, h1, h2, address")]
        // Elements that are not laid out (the PDF's running footer) cannot overflow.
        .filter((element) => element.getClientRects().length > 0)
        .filter((element) => {
          const rect = element.getBoundingClientRect();
          return element.scrollWidth > element.clientWidth + 1 || rect.left < bounds.left - 1 || rect.right > bounds.right + 1;
        })
        .map((element) => element.outerHTML.slice(0, 80));
      return {
        direction: getComputedStyle(article).direction,
        htmlDirection: getComputedStyle(document.documentElement).direction,
        overflowing,
        pageScrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth,
        headings: [...document.querySelectorAll("h1, h2")].map((heading) => heading.tagName),
        landmarks: document.querySelectorAll("main").length,
      };
    });
    expect(layout.direction).toBe(localeInfo(locale).dir);
    expect(layout.htmlDirection).toBe(localeInfo(locale).dir);
    expect(layout.overflowing).toEqual([]);
    expect(layout.pageScrolls).toBe(false);
    expect(layout.headings).toEqual(["H1", "H2", "H2"]);
    expect(layout.landmarks).toBe(1);

    await page.emulateMedia({ media: "print" });
    const pdf = await page.pdf({ preferCSSPageSize: true });
    const pageCount = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    // The letter is two to three A4 pages in every language.
    expect(pageCount).toBeGreaterThanOrEqual(1);
    expect(pageCount).toBeLessThanOrEqual(4);

    expect(requests).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it.each(SHIPPED_LOCALES)("draws every character of the %s letter in a face it embeds, none of the machine's", async (locale) => {
    const page = await launched.browser.newPage();
    await page.setContent(pages.get(locale)!, { waitUntil: "load" });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    // Chromium reports, per element, the fonts that drew its own text and whether each is a web font.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
    const { nodeIds } = await cdp.send("DOM.querySelectorAll", { nodeId: root.nodeId, selector: "body, body *" });
    const used = new Map<string, number>();
    // Asked all at once, not one round trip after another (Promise.all keeps the nodes' order).
    const fontsOfNodes = await Promise.all(nodeIds.map((nodeId) => cdp.send("CSS.getPlatformFontsForNode", { nodeId })));
    for (const { fonts } of fontsOfNodes) {
      for (const font of fonts) {
        const key = `${font.familyName}${font.isCustomFont ? "" : " (the machine's)"}`;
        used.set(key, (used.get(key) ?? 0) + font.glyphCount);
      }
    }
    await page.close();
    const registry: string[] = Object.values(FAMILIES).map((family) => family.name);
    expect([...used.keys()].filter((family) => !registry.includes(family))).toEqual([]);
    expect([...used.values()].reduce((sum, glyphs) => sum + glyphs, 0)).toBeGreaterThan(1000);
  });
});

/** Per family name, the characters the page's embedded faces map (their WOFF2 data: URIs decoded with fontkit). */
function embeddedCharacters(html: string): Map<string, Set<number>> {
  const byFamily = new Map<string, Set<number>>();
  for (const [, family, base64] of html.matchAll(/@font-face \{ font-family: "([^"]+)";[^}]*?url\(data:font\/woff2;base64,([A-Za-z0-9+/=]+)\)/g)) {
    const font = fontkit.create(Buffer.from(base64!, "base64")) as fontkit.Font;
    const characters = byFamily.get(family!) ?? new Set<number>();
    for (const codePoint of font.characterSet) characters.add(codePoint);
    byFamily.set(family!, characters);
  }
  return byFamily;
}

/**
 * Readers whose names hold characters the letter's own text lacks: rare Han in Chinese and Japanese,
 * Bengali letters and a conjunct the Bengali letter does not use. (Names of no real person.)
 */
const NEW_CHARACTERS: Partial<Record<LocaleId, { country: string; representative: string }>> = {
  zh: { country: "鑫淼国", representative: "鑫淼犇骉龘" },
  ja: { country: "鑫淼国", representative: "鑫淼犇骉龘さん" },
  bn: { country: "ঔৠৡ দেশ", representative: "ঔৠৡ ঋক্ষ্মঞ্ঝ ঢ়ৎ" },
};

describeInBrowser("the HTML edition to a reader whose name adds characters the letter lacks", () => {
  let launched: LaunchedBrowser;
  let letter: Letter;
  const webFonts = createWebFonts(loadFontLibrary());

  beforeAll(async () => {
    launched = await launchChromium();
    const seed = (await loadSeedLetter()).letter;
    const reader = seed.facts.recipients[0]!.id;
    // The same letter with one reader renamed in each of these languages.
    const translations = new Map(seed.translations);
    for (const [locale, names] of Object.entries(NEW_CHARACTERS) as [LocaleId, { country: string; representative: string }][]) {
      const translation = seed.translations.get(locale)!;
      translations.set(locale, { ...translation, recipients: { ...translation.recipients, [reader]: names } });
    }
    letter = { ...seed, translations };
  });
  afterAll(async () => launched?.close());

  it.each(Object.keys(NEW_CHARACTERS) as LocaleId[])("draws the new %s characters of the reader's name with the embedded faces", async (locale) => {
    const engine = await createEngine();
    const reader = letter.facts.recipients[0]!.id;
    const names = NEW_CHARACTERS[locale]!;
    // The addressee of a personalized letter is its representative (the country is in the letter to everyone).
    const added = [...new Set([...names.representative].filter((c) => c.trim() !== ""))];
    // The letter to everyone lacks them: the reader's page has to bring them.
    const general = embeddedCharacters(await renderHtmlWithFonts(engine, letter, locale, webFonts));
    const inGeneral = new Set([...general.values()].flatMap((characters) => [...characters]));
    expect(added.filter((c) => !inGeneral.has(c.codePointAt(0)!)).length).toBeGreaterThan(0);

    const html = await renderHtmlWithFonts(engine, letter, locale, webFonts, { recipientId: reader });
    const embedded = embeddedCharacters(html);
    const page = await launched.browser.newPage();
    await page.setContent(html, { waitUntil: "load" });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const address = await page.evaluate(() => document.querySelector("address")?.textContent ?? "");
    expect(address).toContain(names.representative);
    // Chromium names, for the addressee, each font that drew its text and whether it is a web font.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector: "address" });
    const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
    // And the faces that loaded: every face of the families that drew it, with the new characters in its subset.
    const loaded = await page.evaluate(() => [...document.fonts].filter((face) => face.status === "loaded").map((face) => face.family.replace(/"/g, "")));
    await page.close();
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.filter((font) => !font.isCustomFont)).toEqual([]);
    const drawing = fonts.map((font) => font.familyName);
    for (const family of drawing) expect(loaded).toContain(family);
    // Each new character is in the subset of a family that drew the addressee.
    const missing = added.filter((c) => !drawing.some((family) => embedded.get(family)?.has(c.codePointAt(0)!)));
    expect(missing).toEqual([]);
  });
});
