import { type DocumentRenderer, renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { browserAvailable, type LaunchedBrowser, launchChromium, openOfflinePage, seriousAxeViolations } from "../support/browser";
import { DATA_DIR, TEMPLATES_DIR } from "../support/letters";

const describeInBrowser = browserAvailable() ? describe : describe.skip;

/**
 * The HTML edition of each shipped letter, as the service stores it, in headless Chromium with axe-core
 * (fresh user 9, item 11: axe flagged the committee letter's h2, #c2571a on white at 4.49:1, as a
 * serious color-contrast violation; the axe tests covered the share pages, not the letters). A
 * left-to-right and a right-to-left language of the Security Council letter; every language of the
 * committee letter.
 */
const CASES = [
  ["committee-hearing-defenders", "en"],
  ["committee-hearing-defenders", "de"],
  ["committee-hearing-defenders", "fr"],
  ["unsc-dprk-2015", "en"],
  ["unsc-dprk-2015", "ar"],
] as const;

describeInBrowser("axe-core on the shipped letters' HTML edition", () => {
  let launched: LaunchedBrowser;
  let renderer: DocumentRenderer;
  beforeAll(async () => {
    launched = await launchChromium();
    renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
  });
  afterAll(async () => launched?.close());

  it.each(CASES)(
    "%s (%s): no serious or critical violation, colour contrast included, and every <abbr> titled",
    async (letterId, locale) => {
      const parsed = await loadLetter(DATA_DIR, letterId);
      const html = Buffer.from((await renderDocument(renderer, parsed, { letterId, locale, format: "html", recipientId: null })).bytes).toString("utf8");
      const { page, context } = await openOfflinePage(launched.browser, { viewport: { width: 900, height: 1200 } });
      await page.setContent(html, { waitUntil: "load" });
      expect(await seriousAxeViolations(page)).toEqual([]);
      const abbreviations = await page.evaluate(() => [...document.querySelectorAll("abbr")].map((abbr) => ({ text: abbr.textContent, title: abbr.getAttribute("title") })));
      // The committee letter's signatories have abbreviations (ENHRD): the check below has something to check.
      if (letterId === "committee-hearing-defenders") expect(abbreviations.length).toBeGreaterThan(0);
      for (const abbr of abbreviations) expect(abbr).toEqual({ text: abbr.text, title: expect.stringMatching(/\S/) });
      await context.close();
    },
    60_000,
  );
});
