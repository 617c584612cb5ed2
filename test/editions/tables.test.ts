import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type LocaleId, localeInfo } from "../../functions/core/locales";
import { renderPdf } from "../../functions/core/pdf/render-pdf";
import { documentStylesheets, stylesheetsAsHtmlCss } from "../../functions/core/style/document-stylesheets";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { run, toFile } from "../core/pdf/pdf-inspect";
import { browserAvailable, type LaunchedBrowser, launchChromium, printWhenFontsLoaded } from "../support/browser";

/**
 * A table looks the same in both editions: Chromium printing the HTML and our PDF break the cells'
 * lines alike, put them at the same heights and at the same horizontal positions (so the columns
 * have the same widths), and break a long table onto the same pages with its header repeated.
 * Line boxes from poppler's pdftotext -bbox-layout, characters aligned one to one.
 */

const FIXTURES = join(__dirname, "../fixtures/tables");
const TEMPLATES = join(__dirname, "../../templates");

interface Line {
  text: string;
  page: number;
  top: number;
  left: number;
}

/**
 * Every line box, its text without white space, marks and default-ignorable characters. Lines are
 * matched by their text rather than by reading order: poppler orders the lines of a row's cells by
 * their exact heights, which a fraction of a point decides.
 */
function lines(path: string): Line[] {
  const out: Line[] = [];
  run("pdftotext", ["-bbox-layout", path, "-"])
    .split("<page ")
    .slice(1)
    .forEach((page, index) => {
      for (const line of page.matchAll(/<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([\s\S]*?)<\/line>/g)) {
        const text = [...line[3]!.matchAll(/>([^<]*)<\/word>/g)]
          .map((m) => m[1])
          .join("")
          .replace(/\s|\p{M}|\p{Default_Ignorable_Code_Point}/gu, "");
        if (text !== "") out.push({ text, page: index + 1, top: Number(line[2]), left: Number(line[1]) });
      }
    });
  return out;
}

/**
 * Pairs each line of ours with the nearest unpaired line of the same text in Chromium's: on the
 * nearest page, then the nearest in position. Short texts recur ("14" ends both "Session 14" and
 * "Speaker 14" when those wrap), and poppler's order of a row's lines is no guide to which is which.
 */
function pair(ours: readonly Line[], theirs: readonly Line[]): { pairs: [Line, Line][]; unpaired: number } {
  const left = [...theirs];
  const pairs: [Line, Line][] = [];
  let unpaired = 0;
  const distance = (a: Line, b: Line) => Math.abs(a.page - b.page) * 1e6 + Math.abs(a.left - b.left) + Math.abs(a.top - b.top);
  for (const line of ours) {
    let at = -1;
    left.forEach((other, i) => {
      if (other.text === line.text && (at === -1 || distance(line, other) < distance(line, left[at]!))) at = i;
    });
    if (at === -1) unpaired++;
    else pairs.push([line, left.splice(at, 1)[0]!]);
  }
  return { pairs, unpaired: unpaired + left.length };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

interface Variant {
  name: string;
  html: string;
  css: string;
  locale: LocaleId;
  pages: number;
  /**
   * Whether the first line of every page after the first is held within a point of Chromium's (where
   * a table goes on), and every line of a text found once in each edition within 1.5 pt.
   */
  pageTops?: boolean;
}

/*
 * Spanning cells: a budget (colspan and rowspan, rowspan="0", auto column widths that the spanning
 * cells widen) and members listed by country over three pages. Chromium breaks a page between the
 * rows a rowspan cell covers, and so does the PDF: the rowspan-pages.css variants keep no row group
 * whole, and each crosses a page inside a rowspan (with the header repeated and without a header,
 * rowspan="0" in row groups, and a spanning cell whose own text goes on on the next page beside the
 * next row). Before the PDF broke there (it moved a rowspan's rows whole), the four had 0.963, 0.919,
 * 0.919 and 0.58 of the characters on the same page (measured 2026-11-30); one tbody per country with
 * break-inside: avoid keeps a country together in both. The separated budget words one header cell
 * otherwise than budget.html: there "a coordinator for the whole programme" ended within 0.1 pt of
 * its column's edge, and fitted the line in Chromium but not in the PDF (columns 0.1 pt apart at worst).
 * With separated borders (rowspan-pages-separate.css), rows that the spanning cell's height made
 * tall, taller than the room left, are started and cut inside the first (before: moved whole, 0.894
 * of the characters on the same page), and a repeated header has no spacing above it at a page's top
 * (before: 3.3 pt lower than Chromium's; measured 2026-11-30). Rows that go on after a break between
 * a rowspan cell's rows stand one spacing lower again (2.8 pt), and the rows after a cut spanning cell
 * are not lowered for the room its lines left unused at the page's end (before: 9.4-10 pt lower).
 * A table whose first rows a rowspan cell binds starts where it is when its first row fits, and
 * breaks between the bound rows (rowspan-forty: a short paragraph, then a first cell spanning 40 of
 * 60 rows, taller than a page; rowspan-twenty-low: 20 rows low on a page, shorter than a page).
 * Before, the PDF moved the table whole to the next page: 0.065 and 0.098 (forty, collapsed and
 * separated), 0.921 and 0.923 (twenty-low) of the characters on the same page (measured 2026-11-30).
 * The footer (pagination-footer-*) is repeated, as the header, only when it takes at most a quarter
 * of the page area: 174 pt repeated, 182 pt and 189 pt printed once, in both editions (agreeing before).
 */
/*
 * Pagination (pagination.css, orphans and widows 4 in a cell's paragraph). Chromium cuts a row taller
 * than a page at the page's end with no padding at the cut either side, starts a table whose first
 * row is taller than a page where it is when the first orphans lines of every cell fit, leaves the
 * widows of a cell's paragraph, and repeats a header only when it takes at most a quarter of the
 * page. Before these, the PDF kept each cell's padding at the cut (0.989), moved such a table to the
 * next page (0.328) or started it with 3 lines under orphans 4 (0.919), left 3 widows (0.988) and
 * repeated the tall header (0.433 of the characters on the same page; measured 2026-11-30 on these
 * fixtures, each step's figure before its fix). The heading case agreed already.
 * A block kept with the next (a heading's `break-after: avoid`, a paragraph's) before rows a rowspan
 * cell binds whose first row alone is taller than a page: Chromium starts the rows under it, cutting
 * the first row, or moves both when the first row's orphans do not fit. The PDF counted the first
 * lines of the bound rows' later cells too, which never fit, and so put the heading on a page of its
 * own and the table on the next (keep-*-rowspan-tall*; fixed in tableHead, measured 2026-11-30).
 */
const VARIANTS: readonly Variant[] = [
  { name: "signatories, collapsed borders, caption above", html: "signatories.html", css: "collapsed.css", locale: "en", pages: 1 },
  { name: "signatories, separated borders and spacing, caption below, US Letter", html: "signatories.html", css: "separate.css", locale: "en", pages: 1 },
  { name: "signatories in Arabic, right to left", html: "signatories-ar.html", css: "collapsed-ar.css", locale: "ar", pages: 1 },
  { name: "sixty members over three pages, the header repeated", html: "long.html", css: "members.css", locale: "en", pages: 3 },
  { name: "sixty members over three pages, the header and the footer repeated", html: "long-footer.html", css: "members.css", locale: "en", pages: 3 },
  { name: "a budget with colspan and rowspan (0 too), column widths by content, collapsed borders", html: "budget.html", css: "budget.css", locale: "en", pages: 1 },
  {
    name: "the budget with separated borders, spacing and table padding, baseline-aligned, US Letter",
    html: "budget-separate.html",
    css: "budget-separate.css",
    locale: "en",
    pages: 1,
  },
  { name: "signatories by country in Arabic, right to left, with colspan and rowspan", html: "signatories-spans-ar.html", css: "collapsed-ar.css", locale: "ar", pages: 1 },
  { name: "a spanning header cell 60% wide, its percentage shared by the columns it spans", html: "percent-spans.html", css: "percent-spans.css", locale: "en", pages: 1 },
  { name: "members by country over three pages, each country a rowspan cell in a row group kept whole", html: "by-country.html", css: "by-country.css", locale: "en", pages: 3 },
  {
    name: "members by country in one row group: a page breaks inside a rowspan, the header repeated",
    html: "by-country-ungrouped.html",
    css: "rowspan-pages.css",
    locale: "en",
    pages: 3,
  },
  { name: "members by country without a header: a page breaks inside a rowspan", html: "rowspan-no-thead.html", css: "rowspan-pages.css", locale: "en", pages: 3 },
  {
    name: "members by country in one row group, separated borders and spacing, US Letter: a page breaks inside a rowspan",
    html: "by-country-ungrouped.html",
    css: "rowspan-pages-separate.css",
    locale: "en",
    pages: 4,
    pageTops: true,
  },
  {
    name: "members by country without a header, separated borders and spacing, US Letter: the spacing above a page's first row",
    html: "rowspan-no-thead.html",
    css: "rowspan-pages-separate.css",
    locale: "en",
    pages: 4,
    pageTops: true,
  },
  { name: 'members by region, rowspan="0" in each row group: a page breaks inside the group', html: "rowspan-zero.html", css: "rowspan-pages.css", locale: "en", pages: 3 },
  { name: "a spanning cell whose own text goes on on the next page, beside the next row", html: "rowspan-tall.html", css: "rowspan-pages.css", locale: "en", pages: 3 },
  {
    name: "a spanning cell whose own text goes on on the next page, separated borders and spacing, US Letter",
    html: "rowspan-tall.html",
    css: "rowspan-pages-separate.css",
    locale: "en",
    pages: 3,
    pageTops: true,
  },
  { name: "a short paragraph, then a first cell spanning 40 rows: started on the first page", html: "rowspan-forty.html", css: "rowspan-pages.css", locale: "en", pages: 2 },
  {
    name: "a short paragraph, then a first cell spanning 40 rows, separated borders and spacing, US Letter: started on the first page",
    html: "rowspan-forty.html",
    css: "rowspan-pages-separate.css",
    locale: "en",
    pages: 3,
    pageTops: true,
  },
  { name: "a first cell spanning 20 rows low on a page, shorter than a page: started there", html: "rowspan-twenty-low.html", css: "rowspan-pages.css", locale: "en", pages: 2 },
  {
    name: "a first cell spanning 20 rows low on a page, separated borders and spacing, US Letter: started there",
    html: "rowspan-twenty-low.html",
    css: "rowspan-pages-separate.css",
    locale: "en",
    pages: 2,
    pageTops: true,
  },
  { name: "a heading that stays with the header row and first row on the next page", html: "pagination-heading.html", css: "pagination.css", locale: "en", pages: 2 },
  { name: "a row taller than a page after short rows, cut at the page's end", html: "pagination-tall-row.html", css: "pagination.css", locale: "en", pages: 2 },
  { name: "a first row taller than a page, started on the page where the table is", html: "pagination-first-row-tall.html", css: "pagination.css", locale: "en", pages: 2 },
  { name: "a first row taller than a page whose orphans do not fit: the table moves", html: "pagination-orphans.html", css: "pagination.css", locale: "en", pages: 3 },
  { name: "a row taller than a page cut to leave its paragraph's widows", html: "pagination-widows.html", css: "pagination.css", locale: "en", pages: 3 },
  { name: "a footer of 174 pt, under a quarter of the page area (179.3 pt), repeated", html: "pagination-footer-repeated.html", css: "pagination.css", locale: "en", pages: 4 },
  { name: "a footer of 189 pt, over a quarter of the page area, printed once", html: "pagination-footer-tall.html", css: "pagination.css", locale: "en", pages: 3 },
  { name: "a footer of 182 pt, just over a quarter of the page area, printed once", html: "pagination-footer-over.html", css: "pagination.css", locale: "en", pages: 3 },
  { name: "a header taller than a quarter of the page, not repeated", html: "pagination-tall-header.html", css: "pagination.css", locale: "en", pages: 2 },
  {
    name: "a heading kept with rows a rowspan cell binds, the first row taller than a page: started under the heading",
    html: "keep-heading-rowspan-tall.html",
    css: "pagination.css",
    locale: "en",
    pages: 3,
  },
  {
    name: "the same after a page and a half of paragraphs: heading and rows start where Chromium starts them",
    html: "keep-heading-rowspan-tall-low.html",
    css: "pagination.css",
    locale: "en",
    pages: 4,
  },
  { name: "a paragraph kept with three bound rows, the first taller than a page", html: "keep-paragraph-rowspan-tall.html", css: "pagination.css", locale: "en", pages: 2 },
  {
    name: "a heading and a paragraph kept with four bound rows, the first taller than a page",
    html: "keep-heading-paragraph-rowspan-tall.html",
    css: "pagination.css",
    locale: "en",
    pages: 3,
  },
];

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("a table printed by Chromium and in our PDF", () => {
  let launched: LaunchedBrowser;
  const fonts = loadFontLibrary();
  beforeAll(async () => {
    launched = await launchChromium();
  });
  afterAll(async () => launched?.close());

  it.each(VARIANTS)("$name: same pages, line starts, line tops and column edges", async ({ html, css, locale, pages, pageTops }) => {
    const fragment = readFileSync(join(FIXTURES, html), "utf8");
    const { script, tag, dir } = localeInfo(locale);
    const stylesheets = documentStylesheets(
      { userAgent: readFileSync(join(TEMPLATES, "ua.css"), "utf8"), author: readFileSync(join(FIXTURES, css), "utf8") },
      { script, paper: "A4", pageLabel: (page, count) => `${page}/${count}` },
    );
    const page = await launched.browser.newPage();
    await page.setContent(
      `<!DOCTYPE html><html lang="${tag}" dir="${dir}"><head><meta charset="utf-8"><style>${stylesheetsAsHtmlCss(stylesheets)}</style></head><body><main>${fragment}</main></body></html>`,
    );
    await page.emulateMedia({ media: "print" });
    const chromium = lines(toFile(await printWhenFontsLoaded(page)));
    await page.close();
    const metadata = { title: "t", author: "a", subject: "s", keywords: [], creationDate: new Date(0) };
    const ours = lines(toFile(await renderPdf(fragment, { locale: localeInfo(locale), stylesheets, metadata, fonts })));

    // Line starts agree where both editions have a line of the same text.
    const { pairs, unpaired } = pair(ours, chromium);
    const characters = (list: readonly Line[]) => list.reduce((n, l) => n + [...l.text].length, 0);
    const measured = {
      pages: [Math.max(...ours.map((l) => l.page)), Math.max(...chromium.map((l) => l.page))],
      agreeing: Number(((2 * pairs.length) / (2 * pairs.length + unpaired)).toFixed(3)),
      samePage: Number((characters(pairs.filter(([a, b]) => a.page === b.page).map(([a]) => a)) / characters(ours)).toFixed(3)),
      topDifference: Number(median(pairs.map(([a, b]) => Math.abs(a.top - b.top))).toFixed(1)),
      leftDifference: Number(median(pairs.map(([a, b]) => Math.abs(a.left - b.left))).toFixed(1)),
      worstLeft: Number(Math.max(...pairs.map(([a, b]) => Math.abs(a.left - b.left))).toFixed(1)),
      // The top line of each later page (a repeated header's, or the first row's) against its pair.
      worstPageTop: Number(
        Math.max(
          0,
          ...pairs.filter(([a]) => a.page > 1 && a.top === Math.min(...ours.filter((l) => l.page === a.page).map((l) => l.top))).map(([a, b]) => Math.abs(a.top - b.top)),
        ).toFixed(1),
      ),
      // Lines whose text occurs once in each edition (no pairing doubt): the worst top difference.
      worstUniqueTop: Number(
        Math.max(
          0,
          ...pairs
            .filter(([a]) => ours.filter((l) => l.text === a.text).length === 1 && chromium.filter((l) => l.text === a.text).length === 1)
            .map(([a, b]) => Math.abs(a.top - b.top)),
        ).toFixed(1),
      ),
    };
    // Issue 12's bar for line starts, pages and tops; columns within a point at the median, two at
    // worst. Measured when written: line tops 0.3-0.8 pt apart at the median, column edges 0.1-0.4 pt
    // at worst, in English; in Arabic 2.6 pt and 1.1 pt: every Arabic line of the letter, table or not,
    // sat 2.5-3 pt lower in our PDF than in Chromium (its line boxes), so Arabic is held to 3 pt here.
    // Measured 2026-11-30 with spanning cells: tops 0.1-0.2 pt, column edges 0-0.4 pt at worst, Arabic 0.1 pt and 1.2 pt.
    expect({
      measured,
      met:
        measured.pages[0] === pages &&
        measured.pages[1] === pages &&
        measured.agreeing >= 0.98 &&
        measured.samePage >= 0.99 &&
        measured.topDifference <= (locale === "ar" ? 3 : 2) &&
        measured.leftDifference <= 1 &&
        measured.worstLeft <= 2 &&
        (!pageTops || (measured.worstPageTop <= 1 && measured.worstUniqueTop <= 1.5)),
    }).toEqual({ measured, met: true });
  });
});
