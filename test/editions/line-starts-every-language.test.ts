import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "parse5";
import { editionStylesheets } from "../../functions/core/html/render-html";
import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import type { DocumentRenderer } from "../../functions/core/render-document";
import { parseStylesheets, styleDocument } from "../../functions/core/style";
import type { Element } from "../../functions/core/style/dom-adapter";
import { listLetters, loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { compareEditions, type EditionFigures, printBothEditions } from "../support/edition-comparison";
import { DATA_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * Issue 12 item 8 and issue 13 item 4, for every letter in data/ and every language it has (both
 * discovered, none listed here): Chromium printing the HTML edition (the PDF's faces embedded) and
 * our PDF have the same page count and start at least 0.98 of their lines at the same characters
 * (aligned characters of poppler's `pdftotext -bbox-layout`, the running footer left out).
 */

const LINE_START_BAR = 0.98;

/**
 * Documents measured below the bar, by "letter/language", with the figure and its cause. Each runs
 * as `it.failing`, so it reports as soon as it starts passing and must then leave this list. Empty
 * since every document agrees at 1.00; when this test was written: committee/fr 0.95, bn 0.833 and
 * ko 0.911 (the content language in shaping, Chromium's advance scale, the page area and border
 * widths on whole CSS pixels: see paragraph-language, paragraph-measure and css-pixels tests).
 */
const BELOW_BAR: Readonly<Record<string, string>> = {};

/** The page's bottom margin (it holds the running footer) as the document's stylesheets give it. */
function bottomMarginOf(renderer: DocumentRenderer, parsed: ParsedLetter, locale: string): number {
  const engine = renderer.templates.forLetter(parsed.letter);
  const sheets = parseStylesheets(editionStylesheets(engine, locale, renderer.paper));
  const root = parse("<html></html>").childNodes[0] as Element;
  return styleDocument(root, sheets).page(false).margin.bottom;
}

interface Case {
  letterId: string;
  locale: string;
}

/**
 * Every letter folder's language files, read when jest collects the tests (it needs the cases
 * before any test runs); the first test checks them against what the letter reader parses.
 */
const CASES: Case[] = readdirSync(DATA_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((folder) =>
    readdirSync(join(DATA_DIR, folder.name))
      .filter((file) => file.endsWith(".json") && file !== "letter.json")
      .map((file) => ({ letterId: folder.name, locale: file.slice(0, -".json".length) })),
  )
  .sort((a, b) => a.letterId.localeCompare(b.letterId) || a.locale.localeCompare(b.locale));

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("every language of every letter: Chromium and our PDF start the same lines", () => {
  let launched: LaunchedBrowser;
  let renderer: DocumentRenderer;
  const letters = new Map<string, ParsedLetter>();
  beforeAll(async () => {
    launched = await launchChromium();
    renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    for (const letterId of (await listLetters(DATA_DIR)).letterIds) letters.set(letterId, await loadLetter(DATA_DIR, letterId));
  }, 120_000);
  afterAll(async () => launched?.close());

  it("measures every language of every letter the data holds", () => {
    const parsedCases = [...letters].flatMap(([letterId, parsed]) => [...parsed.letter.translations.keys()].map((locale) => `${letterId}/${locale}`));
    expect(CASES.map(({ letterId, locale }) => `${letterId}/${locale}`)).toEqual(parsedCases.sort());
    expect(CASES.length).toBeGreaterThanOrEqual(2);
  });

  const measure = async ({ letterId, locale }: Case) => {
    const parsed = letters.get(letterId)!;
    const { ours, chromium } = await printBothEditions(launched.browser, renderer, parsed, { letterId, locale, recipientId: null });
    const figures: EditionFigures = compareEditions(ours, chromium, bottomMarginOf(renderer, parsed, locale));
    expect(figures.characters.ours).toBe(figures.characters.chromium);
    // The figures show in a failure's message.
    expect({ figures, met: figures.pages.ours === figures.pages.chromium && figures.agreeing >= LINE_START_BAR }).toEqual({ figures, met: true });
  };
  const key = ({ letterId, locale }: Case) => `${letterId}/${locale}`;
  // Generous: one Chromium print and one PDF each, on a machine that may be busy.
  const TIMEOUT = 120_000;
  it.each(CASES.filter((c) => !(key(c) in BELOW_BAR)))("$letterId in $locale: same page count, at least 0.98 of line starts agree", measure, TIMEOUT);
  const below = CASES.filter((c) => key(c) in BELOW_BAR);
  if (below.length > 0) {
    it.failing.each(below)("$letterId in $locale: still below the bar (see BELOW_BAR)", measure, TIMEOUT);
  }
});
