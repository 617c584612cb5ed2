/// <reference lib="dom" />
import { renderHtmlWithFonts } from "../../functions/core/html/render-html";
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
