import { readFileSync } from "node:fs";
import { join } from "node:path";
import { embeddedFontCss, styleLetter } from "../../../functions/core/html/web-fonts";
import { type LocaleId, localeInfo } from "../../../functions/core/locales";
import { type BidiIsolate, type Line, setParagraph, type StyledText } from "../../../functions/core/pdf/paragraph";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { documentStylesheets, stylesheetsAsHtmlCss } from "../../../functions/core/style/document-stylesheets";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { createWebFonts } from "../../../functions/fonts/web-fonts";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../../support/browser";
import { parseStylesheets } from "../../../functions/core/style";
import { fixture, options, stylesheetsFor, toFile, type WordBox, wordBoxes } from "./pdf-inspect";
import { PLAIN, paragraphSpec } from "./paragraph-spec";

/*
 * Inline elements with `dir` (and `bdi`) are bidi isolates, as HTML's user-agent sheet makes them
 * (`[dir], bdi { unicode-bidi: isolate }`): the layout gives bidi-js the text with UAX #9's isolate
 * controls around them (X5a-X5c) and keeps only the levels, so the controls are neither drawn nor copied.
 */

const fonts = loadFontLibrary();

/** A paragraph of runs, each plain text or `[dir, text]` inside an isolate of its own. */
function runsOf(...parts: readonly (string | readonly [BidiIsolate["dir"], string])[]): StyledText[] {
  return parts.map((part) => (typeof part === "string" ? { text: part, style: PLAIN } : { text: part[1], style: PLAIN, isolates: [{ dir: part[0] }] }));
}

/** A placed run's text in reading order (a right-to-left run's glyphs are drawn from its end). */
function textOf(placed: Line["runs"][number]): string {
  const texts = placed.run.glyphs.map((glyph) => glyph.text);
  return (placed.run.direction === "rtl" ? texts.reverse() : texts).join("");
}

/** The line's runs from left to right, each as its text in reading order. */
function drawnLeftToRight(line: Line): string[] {
  return [...line.runs]
    .sort((a, b) => a.x - b.x)
    .map((placed) => textOf(placed).trim())
    .filter((text) => text !== "");
}

/** Where `text` is drawn on the paragraph's one line: the left edge of the run that holds it. */
function xOf(line: Line, text: string): number {
  const placed = line.runs.find((r) => textOf(r).includes(text));
  if (!placed) throw new Error(`no run draws "${text}"`);
  return placed.x;
}

function oneLine(runs: StyledText[], dir: "ltr" | "rtl" = "ltr"): Line {
  const lines = setParagraph(fonts, { ...paragraphSpec("", { dir, rules: { primary: dir === "rtl" ? "naskh" : "serif", keepAll: false } }), runs });
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe("a paragraph's bidi isolates", () => {
  it("keep a number after a right-to-left phrase in a left-to-right line on the phrase's right (the issue's case)", () => {
    const isolated = oneLine(runsOf("its report ", ["rtl", "דוח שנתי"], " 2015/16 lists"));
    expect(xOf(isolated, "2015/16")).toBeGreaterThan(xOf(isolated, "שנתי"));
    // Without the isolate UAX #9 takes the number into the phrase, on its left: the old layout.
    const flowing = oneLine(runsOf("its report ", "דוח שנתי", " 2015/16 lists"));
    expect(xOf(flowing, "2015/16")).toBeLessThan(xOf(flowing, "שנתי"));
  });

  it("keep a number after a left-to-right phrase in a right-to-left line on the phrase's left, apart from it", () => {
    const isolated = oneLine(runsOf("הארגון ", ["ltr", "Human Rights Watch"], " 2024 פרסם"), "rtl");
    // In reading order right to left: the organisation, the phrase, then the number, left of the phrase.
    expect(xOf(isolated, "2024")).toBeLessThan(xOf(isolated, "Human"));
    const flowing = oneLine(runsOf("הארגון ", "Human Rights Watch", " 2024 פרסם"), "rtl");
    expect(xOf(flowing, "2024")).toBeGreaterThan(xOf(flowing, "Watch"));
  });

  it("give an isolate of direction auto (bdi, dir=auto) the direction of its first strong letter", () => {
    // "Posted by إيان: 3 notes": unisolated, the Arabic name takes ": 3" to its left (the number an Arabic one).
    const auto = oneLine(runsOf("Posted by ", ["auto", "إيان"], ": 3 notes"));
    expect(xOf(auto, "3")).toBeGreaterThan(xOf(auto, "إيان"));
    expect(drawnLeftToRight(auto).join(" ")).toMatch(/Posted by .*: 3 notes/u);
    const flowing = oneLine(runsOf("Posted by ", "إيان", ": 3 notes"));
    expect(xOf(flowing, "3")).toBeLessThan(xOf(flowing, "إيان"));
    // A Latin name in an auto isolate is left to right, in a right-to-left line too.
    const latin = oneLine(runsOf("כתב ", ["auto", "Maria 2"], " היום"), "rtl");
    expect(xOf(latin, "Maria")).toBeLessThan(xOf(latin, "2"));
  });

  it("keep two isolates side by side apart, nested isolates inside their outer one", () => {
    // Two right-to-left names, each isolated, read in the line's order: the first on the left.
    const two = oneLine(runsOf("Names ", ["rtl", "שרה"], " ", ["rtl", "דוד"], " 12"));
    expect(xOf(two, "שרה")).toBeLessThan(xOf(two, "דוד"));
    // One isolate of both: the right-to-left order puts the first name on the right.
    const one = oneLine([
      { text: "Names ", style: PLAIN },
      ...(() => {
        const isolate: BidiIsolate = { dir: "rtl" };
        return [
          { text: "שרה ", style: PLAIN, isolates: [isolate] },
          { text: "דוד", style: PLAIN, isolates: [isolate] },
        ];
      })(),
      { text: " 12", style: PLAIN },
    ]);
    expect(xOf(one, "שרה")).toBeGreaterThan(xOf(one, "דוד"));
    // An LTR isolate inside an RTL one: "Inner 5" stays left to right, the 6 after the outer isolate on its right.
    const outer: BidiIsolate = { dir: "rtl" };
    const nested = oneLine([
      { text: "Outer ", style: PLAIN },
      { text: "חיצוני ", style: PLAIN, isolates: [outer] },
      { text: "Inner text", style: PLAIN, isolates: [outer, { dir: "ltr" }] },
      { text: " 5 סוף", style: PLAIN, isolates: [outer] },
      { text: " 6 end", style: PLAIN },
    ]);
    expect(xOf(nested, "Inner")).toBeLessThan(xOf(nested, "חיצוני"));
    expect(xOf(nested, "5")).toBeLessThan(xOf(nested, "Inner"));
    expect(xOf(nested, "6")).toBeGreaterThan(xOf(nested, "חיצוני"));
  });

  it("are told apart by the paragraph cache: the same text with and without an isolate is set twice", () => {
    const isolated = oneLine(runsOf("code ", ["rtl", "אב"], " 42"));
    const flowing = oneLine(runsOf("code ", "אב", " 42"));
    expect(drawnLeftToRight(isolated)).not.toEqual(drawnLeftToRight(flowing));
  });

  it("add no character to the text: the runs draw the paragraph's characters and nothing else", () => {
    const line = oneLine(runsOf("its report ", ["rtl", "דוח שנתי"], " 2015/16 lists"));
    const drawn = line.runs.flatMap((r) => r.run.glyphs.map((g) => g.text)).join("");
    expect(drawn.match(/[\u2066-\u2069\u200e\u200f\u061c]/gu) ?? []).toEqual([]);
  });
});

describe("unicode-bidi in the stylesheet", () => {
  /** Where poppler puts the "3" of the fixture's line and the Arabic name before it, left to right. */
  async function numberRightOfName(author: string, markup: string): Promise<boolean> {
    const html = `<article class="letter" lang="en" dir="ltr" aria-labelledby="t"><h1 id="t">Isolates</h1><section class="body">\n<p>Posted by ${markup}: 3 notes.</p>\n</section></article>`;
    const css = `${readFileSync(join(__dirname, "../../../templates/un-security-council/print.css"), "utf8")}\n${author}`;
    const words = wordBoxes(toFile(await renderPdf(html, options("en", { stylesheets: stylesheetsFor("en", "A4", css) }))));
    const name = words.find((w) => /\p{Script=Arabic}/u.test(w.text));
    const three = words.find((w) => w.text.replace(/[^\d]/gu, "") === "3");
    if (!name || !three) throw new Error(`no name or number in ${words.map((w) => w.text).join(" ")}`);
    return three.xMin > name.xMax;
  }

  it("isolates an element the author's sheet gives unicode-bidi: isolate or plaintext, and not one it gives normal", async () => {
    expect(await numberRightOfName(".name { unicode-bidi: plaintext }", '<span class="name">إيان</span>')).toBe(true);
    expect(await numberRightOfName(".name { unicode-bidi: isolate }", '<span class="name" dir="rtl">إيان</span>')).toBe(true);
    // The user-agent sheet isolates [dir]; an author may take it back, and UAX #9 then moves the number.
    expect(await numberRightOfName("", '<span dir="rtl">إيان</span>')).toBe(true);
    expect(await numberRightOfName("[dir] { unicode-bidi: normal }", '<span dir="rtl">إيان</span>')).toBe(false);
  });

  it("refuses a value the PDF does not lay out, naming the property and what it accepts", () => {
    let message = "";
    try {
      parseStylesheets([{ name: "brand/print.css", text: "span { unicode-bidi: bidi-override }", origin: "author" }]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^brand\/print\.css line 1, selector span, property unicode-bidi: .*expected normal \| isolate \| plaintext/u);
  });
});

const describeInBrowser = browserAvailable() ? describe : describe.skip;

/** The fixture's stylesheets as both editions read them. */
function stylesheets(locale: LocaleId) {
  const templates = join(__dirname, "../../../templates");
  return documentStylesheets(
    { userAgent: readFileSync(join(templates, "ua.css"), "utf8"), author: readFileSync(join(templates, "un-security-council", "print.css"), "utf8") },
    { script: localeInfo(locale).script, paper: "A4", pageLabel: (page, count) => `${page}/${count}` },
  );
}

/** The invisible marks our PDF gives some glyphs for the extractors (pdf-writer.ts); Chromium's has none. */
const WRITER_MARKS = /[\u061c\u200e\u200f]/gu;

const RTL_LETTER = /[\u0590-\u08ff]/u;

/**
 * The tokens of each line with a digit (every paragraph of the fixture has one), left to right as
 * drawn: its numbers and Latin words, punctuation stripped, and each stretch of right-to-left words
 * as one token, its letters sorted. Poppler cuts Chromium's Arabic into pieces and may give a
 * right-to-left word's letters in either order: which side of a phrase a number falls is compared.
 */
function wordOrderOfLines(words: readonly WordBox[]): string[][] {
  const lines: WordBox[][] = [];
  for (const word of words) {
    // One line where the boxes overlap by most of the smaller one (faces of other scripts have boxes of other heights).
    const overlap = (a: WordBox, b: WordBox) => Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin) > 0.5 * Math.min(a.yMax - a.yMin, b.yMax - b.yMin);
    const line = lines.find((l) => l[0]!.page === word.page && overlap(l[0]!, word));
    if (line) line.push(word);
    else lines.push([word]);
  }
  return lines
    .map((line) => {
      const tokens: string[] = [];
      let rtlLetters = "";
      for (const word of [...line].sort((a, b) => a.xMin - b.xMin)) {
        const text = word.text.replace(WRITER_MARKS, "");
        if (RTL_LETTER.test(text)) {
          rtlLetters += text.replace(/[^\p{L}\p{M}]/gu, "");
          continue;
        }
        if (rtlLetters) tokens.push([...rtlLetters].sort().join(""));
        rtlLetters = "";
        const latin = text.replace(/^\p{P}+|\p{P}+$/gu, "");
        if (latin) tokens.push(latin);
      }
      if (rtlLetters) tokens.push([...rtlLetters].sort().join(""));
      return tokens;
    })
    .filter((line) => line.length > 2 && line.some((text) => /\d/u.test(text)));
}

describeInBrowser("bidi isolates in our PDF and in Chromium printing the HTML edition", () => {
  let launched: LaunchedBrowser;
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => launched?.close());

  // Each fixture with its lines that have a number, and its letter's language.
  it.each([
    ["bidi-isolates.html", "en", 8],
    ["bidi-isolates-rtl.html", "he", 4],
    ["bidi-isolates-nested-rtl.html", "he", 1],
  ] as const)("draw every line's words of %s in Chromium's order", async (file, locale, numbered) => {
    const html = fixture(file);
    const sheets = stylesheets(locale);
    const metadata = { title: "Isolates", author: "letterpress", subject: "bidi", keywords: [], creationDate: new Date("2026-11-30T00:00:00Z") };
    const ours = toFile(await renderPdf(html, { locale: localeInfo(locale), stylesheets: sheets, metadata, fonts }));
    const fontCss = await embeddedFontCss(createWebFonts(fonts), styleLetter(html, sheets));
    const page = await launched.browser.newPage();
    let chromium: string;
    try {
      const { tag, dir } = localeInfo(locale);
      await page.setContent(
        `<!DOCTYPE html><html lang="${tag}" dir="${dir}"><head><meta charset="utf-8"><style>${fontCss}\n${stylesheetsAsHtmlCss(sheets)}</style></head><body>${html}</body></html>`,
      );
      await page.emulateMedia({ media: "print" });
      chromium = toFile(await page.pdf({ preferCSSPageSize: true }));
    } finally {
      await page.close();
    }
    const [oursLines, chromiumLines] = [wordOrderOfLines(wordBoxes(ours)), wordOrderOfLines(wordBoxes(chromium))];
    expect(chromiumLines).toHaveLength(numbered);
    expect(oursLines).toEqual(chromiumLines);
  });
});
