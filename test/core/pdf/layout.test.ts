import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type LocaleId, localeInfo } from "../../../functions/core/locales";
import { Composer } from "../../../functions/core/pdf/layout";
import type { Page, PlacedRule } from "../../../functions/core/pdf/page-model";
import { BoxBuilder, parseLetter } from "../../../functions/core/pdf/letter-tree";
import { parseStylesheets, styleDocument } from "../../../functions/core/style";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { stylesheetsFor } from "./pdf-inspect";

/** The layout stage on its own: pages of placed lines and rules, read from the computed styles. */

const PRINT_CSS = readFileSync(join(__dirname, "../../../templates/un-security-council/print.css"), "utf8");
const fonts = loadFontLibrary();
const MM = 72 / 25.4;

function layOut(body: string, css: string, locale: LocaleId = "en"): Page[] {
  const { tag, dir } = localeInfo(locale);
  const letter = parseLetter(`<article class="letter" lang="${tag}" dir="${dir}">${body}</article>`);
  const styled = styleDocument(letter.root, parseStylesheets(stylesheetsFor(locale, "A4", `${PRINT_CSS}\n${css}`)));
  return new Composer({ fonts, locale: localeInfo(locale), styled }).layout(new BoxBuilder(styled).build(letter));
}

/** Lines of the flow (not the margin boxes) per page. */
function flowLines(pages: readonly Page[]): number[] {
  return pages.map((page) => page.items.filter((item) => item.kind === "line" && item.node !== null).length);
}

const LONG = Array.from({ length: 12 }, (_, i) => `Sentence ${i + 1} of a paragraph long enough to fill several lines of the page.`).join(" ");

describe("fragmentation reads orphans and widows from the stylesheet", () => {
  // The spacer leaves room for about two lines of the paragraph at the foot of the first page.
  const spacer = (room: number) => `.spacer { margin-top: ${841.89 - 22 * MM - 26 * MM - room}pt; margin-bottom: 0; }`;
  const html = `<p class="spacer">x</p><p class="long">${LONG}</p>`;

  it("leaves two lines at the foot of a page when orphans allow two, none when orphans ask for three", () => {
    const lineHeight = 10.5 * 1.45;
    const room = 3.5 * lineHeight;
    const two = layOut(html, `${spacer(room)} .long { orphans: 2; widows: 2; margin: 0; }`);
    const three = layOut(html, `${spacer(room)} .long { orphans: 4; widows: 2; margin: 0; }`);
    // Page 1 holds the spacer's line plus the paragraph's first lines (or none of them).
    expect(flowLines(two)[0]! - 1).toBeGreaterThanOrEqual(2);
    expect(flowLines(three)[0]! - 1).toBe(0);
  });

  it("carries at least `widows` lines to the next page", () => {
    const total = flowLines(layOut(`<p class="long">${LONG}</p>`, ".long { margin: 0; }"))[0]!;
    // Room for all lines but one: with widows 3, three lines go over.
    const lineHeight = 10.5 * 1.45;
    const room = (total - 1) * lineHeight + 1;
    const carried = (widows: number) => flowLines(layOut(html, `${spacer(room + lineHeight)} .long { widows: ${widows}; orphans: 1; margin: 0; }`))[1];
    expect(carried(1)).toBe(1);
    expect(carried(3)).toBe(3);
  });
});

describe("the box model", () => {
  function rules(pages: readonly Page[], color: string): PlacedRule[] {
    return pages.flatMap((page) => page.items.filter((item): item is PlacedRule => item.kind === "rule" && item.color === color));
  }

  it("draws each side's border, border-inline-start on the right of an Arabic letter", () => {
    const css = ".box { border-inline-start: 4pt solid #00ff00; border-block-end: 2pt solid #0000ff; padding: 3pt; }";
    // The page area on whole CSS pixels, as Chromium prints it: 628 px wide, from 83 px (22 mm) at
    // its start side: the left, or the right of a right-to-left letter.
    const [left, right] = [83 * 0.75, (83 + 628) * 0.75];
    const rightToLeft = 595.28 - 83 * 0.75;
    const [start] = rules(layOut('<p class="box">نص عربي</p>', css, "ar"), "#00ff00");
    // Widths snap as border widths (CSS Values 4), as Chromium's do: 4pt = 5.33px -> 5px, 2pt = 2.67px -> 2px.
    expect(start!.width).toBe(3.75);
    expect(start!.x + start!.width).toBeCloseTo(rightToLeft, 6);
    const [startLtr] = rules(layOut('<p class="box">Text</p>', css), "#00ff00");
    expect(startLtr!.x).toBeCloseTo(left, 6);
    const [bottom] = rules(layOut('<p class="box">Text</p>', css), "#0000ff");
    expect(bottom!.height).toBe(1.5);
    // Under a pixel: one pixel.
    const [hairline] = rules(layOut('<p class="box">Text</p>', ".box { border-block-end: 0.3pt solid #0000ff; }"), "#0000ff");
    expect(hairline!.height).toBe(0.75);
    expect(bottom!.width).toBeCloseTo(right - left, 6);
  });

  it("narrows a box to its max-width and fills its background", () => {
    const [background] = rules(layOut('<p class="box">Text</p>', ".box { max-width: 200pt; background-color: #eeeeee; padding: 10pt; }"), "#eeeeee");
    expect(background!.width).toBeCloseTo(200, 6);
    expect(background!.height).toBeGreaterThan(20);
  });

  it("sets the markers of every list-style-type in the shipped fonts", () => {
    for (const type of ["disc", "circle", "square", "decimal"]) expect(() => layOut("<ul><li>One</li></ul>", `ul { list-style-type: ${type}; }`)).not.toThrow();
  });

  it("lays out nothing for display: none and numbers an ordered list", () => {
    const pages = layOut('<p class="gone">Hidden</p><ol><li>One</li><li>Two</li></ol>', ".gone { display: none; }");
    const texts = pages[0]!.items
      .filter((item) => item.kind === "line" && item.node !== null)
      .map((item) => (item.kind === "line" ? item.line.runs.map((r) => r.run.glyphs.map((g) => g.text).join("")).join("") : ""));
    expect(texts).toEqual(["1.", "One", "2.", "Two"]);
  });
});

describe("fonts", () => {
  it("sets the first family of the list the font registry has, and refuses a list without one", () => {
    expect(() => layOut("<p>Text</p>", 'p { font-family: "Comic Sans", "Noto Sans"; }')).not.toThrow();
    expect(() => layOut("<p>Text</p>", 'p { font-family: "Comic Sans", Georgia; }')).toThrow(
      /property font-family: none of the families "Comic Sans", "Georgia" is in the font registry/,
    );
  });
});

describe("@page", () => {
  it("takes the first page's top margin from @page :first and the others' from @page", () => {
    const many = Array.from({ length: 12 }, () => `<p>${LONG}</p>`).join("");
    const pages = layOut(many, "@page :first { margin-top: 60mm; }");
    const firstTop = (page: Page) => Math.min(...page.items.filter((i) => i.kind === "line" && i.node !== null).map((i) => i.y));
    // On whole CSS pixels, as Chromium lays a printed page out (60 mm is 226.8 px, 22 mm 83.1 px).
    const px = (pt: number) => Math.round(pt / 0.75) * 0.75;
    expect(firstTop(pages[0]!)).toBeCloseTo(px(60 * MM), 6);
    expect(firstTop(pages[1]!)).toBeCloseTo(px(22 * MM), 6);
  });

  it("draws the margin boxes in the page margin with the page counters and a running string", () => {
    const css = "h1 { string-set: running-title content(text); }\n@page { @bottom-left { content: string(running-title); } }";
    const pages = layOut(`<h1>Title</h1>${Array.from({ length: 8 }, () => `<p>${LONG}</p>`).join("")}`, css);
    const boxes = (page: Page) => page.items.filter((i) => i.kind === "line" && i.node === null);
    pages.forEach((page, index) => {
      const texts = boxes(page).map((i) => (i.kind === "line" ? i.line.runs.map((r) => r.run.glyphs.map((g) => g.text).join("")).join("") : ""));
      expect(texts).toEqual(["Title", `Page ${index + 1} of ${pages.length}`]);
      for (const line of boxes(page)) expect(line.y).toBeGreaterThan(841.89 - 26 * MM);
    });
  });

  it("draws each letter's own margin boxes when letters of one style follow each other (the rows are kept per page style)", () => {
    // One parsed stylesheet set, so that the letters share their page styles, as a mail merge's do.
    const sheets = parseStylesheets(
      stylesheetsFor("en", "A4", `${PRINT_CSS}\nh1 { string-set: running-title content(text); }\n@page { @bottom-left { content: string(running-title); } }`),
    );
    const layOutShared = (title: string, paragraphs: number) => {
      const letter = parseLetter(`<article class="letter" lang="en" dir="ltr"><h1>${title}</h1>${Array.from({ length: paragraphs }, () => `<p>${LONG}</p>`).join("")}</article>`);
      const styled = styleDocument(letter.root, sheets);
      return { styled, pages: new Composer({ fonts, locale: localeInfo("en"), styled }).layout(new BoxBuilder(styled).build(letter)) };
    };
    const marginTexts = (pages: readonly Page[]) =>
      pages.map((page) =>
        page.items.flatMap((i) =>
          i.kind === "line" && i.node === null ? [{ text: i.line.runs.map((r) => r.run.glyphs.map((g) => g.text).join("")).join(""), x: i.x, y: i.y }] : [],
        ),
      );
    const long = layOutShared("Alpha", 8);
    const short = layOutShared("Beta", 2);
    const longAgain = layOutShared("Alpha", 8);
    expect(short.styled.page(false)).toBe(long.styled.page(false));
    expect(long.pages.length).toBeGreaterThan(short.pages.length);
    for (const [{ pages }, title] of [
      [long, "Alpha"],
      [short, "Beta"],
      [longAgain, "Alpha"],
    ] as const) {
      expect(marginTexts(pages).map((row) => row.map((item) => item.text))).toEqual(pages.map((_, index) => [title, `Page ${index + 1} of ${pages.length}`]));
    }
    expect(marginTexts(longAgain.pages)).toEqual(marginTexts(long.pages));
    // Each page's items are its own: moving one moves nothing on another letter's page.
    const item = longAgain.pages[0]!.items.find((i) => i.kind === "line" && i.node === null)!;
    const before = marginTexts(long.pages);
    item.x += 100;
    expect(marginTexts(long.pages)).toEqual(before);
  });

  it("refuses an @page :first that would change the width of the lines", () => {
    expect(() => layOut("<p>x</p>", "@page :first { margin-left: 40mm; }")).toThrow("@page :first may change the top and bottom margins only");
  });
});

describe("the body face comes from the stylesheet's font stack, for any script the registry has", () => {
  // The HTML edition's --font-body is built from the font registry; the layout must know every family in it,
  // so a language added by files is set in its own face instead of failing or falling back to Latin.
  it.each([
    ["he", "שלום לכם, חברי מועצת הביטחון, 2015.", "hebrew"],
    ["hi", "सुरक्षा परिषद् के सदस्यों को नमस्कार, 2015।", "devanagari"],
    ["th", "สวัสดีคณะมนตรีความมั่นคง 2015", "thai"],
    ["ja", "安全保障理事会の皆様へ。", "jp"],
    ["bn", "নিরাপত্তা পরিষদের সদস্যদের প্রতি, 2015।", "bengali"],
    ["el", "Προς τα μέλη του Συμβουλίου Ασφαλείας.", "serif"],
  ] as const)("%s (%s) is set in the %s family, its digits and punctuation too", (locale, text, family) => {
    const pages = layOut(`<p>${text}</p>`, "", locale);
    const faces = pages.flatMap((page) => page.items.flatMap((item) => (item.kind === "line" && item.node !== null ? item.line.runs.map((run) => run.run.face) : [])));
    expect(faces.length).toBeGreaterThan(0);
    expect(faces.every((face) => face.startsWith(`${family}-`))).toBe(true);
  });
});
