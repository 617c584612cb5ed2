import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TemplateAssets } from "../../../functions/core/images/image-source";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { loadTemplateAssets } from "../../../functions/templates/template-assets";
import { IMAGE_TEMPLATE_DIR } from "../../fixtures/images/fixture-template";
import { SEED_TEMPLATE_DIR } from "../../support/letters";
import { extractBoth, run, toFile } from "./pdf-inspect";
import { options, stylesheetsFor } from "./pdf-inspect";

/**
 * A line holding inline images copies as one line, its words in order, from both extractors.
 * Poppler (pdftotext) took the gap an image leaves between two words for a gap between columns and
 * read the words after it as a block of its own, on a line of its own; the writer now spans the first
 * word after each image over the image (an ActualText span, which pdf.js ignores): pdf-writer.ts
 * `imageBefore`. The inputs: icons of several widths, two images on a line, an image right after a
 * word with no space, an image before punctuation, a wide logo, lines of a wrapped paragraph, a
 * table cell, and a paragraph of Chinese (no spaces).
 */

describe("the text of a line holding inline images, as poppler and pdf.js copy it", () => {
  let assets: TemplateAssets;
  beforeAll(async () => {
    assets = await loadTemplateAssets(IMAGE_TEMPLATE_DIR);
  });
  const print = readFileSync(join(SEED_TEMPLATE_DIR, "print.css"), "utf8");
  const CSS = "p { text-align: left; } img.w8 { width: 8pt; } img.w30 { width: 30pt; } img.logo { height: 14pt; } table.t td { border: 1px solid #000; padding: 2pt; }";
  async function copies(body: string, lang = "en"): Promise<{ poppler: string; pdfjs: string; layout: string }> {
    const fragment = `<article class="letter" lang="${lang}" dir="ltr">${body}</article>`;
    const pdf = await renderPdf(
      fragment,
      options(lang === "zh" ? "zh" : "en", { stylesheets: stylesheetsFor(lang === "zh" ? "zh" : "en", "A4", `${print}\n${CSS}`), images: assets }),
    );
    const { poppler, pdfjs } = extractBoth(pdf);
    const layout = run("pdftotext", ["-layout", "-enc", "UTF-8", toFile(pdf), "-"]);
    // The running footer left out.
    const body_ = (pages: string[]) =>
      pages
        .join("\n")
        .replace(/\s*Page 1 of 1\s*$/, "")
        .trim();
    return { poppler: body_(poppler), pdfjs: body_(pdfjs), layout };
  }
  const ICON = (cls = "") => `<img${cls ? ` class="${cls}"` : ""} src="assets/icon.png" alt="Warning sign">`;

  it.each([
    ["an icon between two words", `Signed: Jane Doe ${ICON()} for the coalition.`, "Signed: Jane Doe for the coalition."],
    ["a narrow icon", `A narrow ${ICON("w8")} icon here.`, "A narrow icon here."],
    ["a wide icon", `A wide ${ICON("w30")} icon here.`, "A wide icon here."],
    ["two images on one line", `One ${ICON()} two ${ICON("w30")} three.`, "One two three."],
    ["an image right after a word, no space before it", `organizations${ICON()} Amnesty International`, "organizations Amnesty International"],
    ["an image before punctuation", `The sign ${ICON()}, then words.`, "The sign , then words."],
    ["a logo taller than the line", `Coalition <img class="logo" src="assets/logo.png" alt="Logo of the coalition"> for human rights.`, "Coalition for human rights."],
    // Images side by side leave one gap between the words around them: the span starts over the first.
    ["two images side by side", `Two ${ICON()}${ICON()} images adjacent.`, "Two images adjacent."],
    ["two images with a space between them", `Two ${ICON()} ${ICON("w30")} images apart.`, "Two images apart."],
    ["three images in a row, of three widths", `Three ${ICON("w8")}${ICON("w30")}${ICON()} in a row.`, "Three in a row."],
    ["a narrow and a tall image side by side", `Mixed ${ICON("w8")}<img class="logo" src="assets/logo.png" alt="Logo"> sizes here.`, "Mixed sizes here."],
    ["two images at the line's start", `${ICON()}${ICON()} Images first.`, "Images first."],
    ["two images at the line's end", `Images last ${ICON()} ${ICON()}`, "Images last"],
  ])("%s: one line, the words in order, in both", async (_, html, text) => {
    const { poppler, pdfjs } = await copies(`<p>${html}</p>`);
    expect({ poppler, pdfjs }).toEqual({ poppler: text, pdfjs: text });
  });

  // A left-to-right line with right-to-left words before the image: spanned as any other. (Right-to-left
  // words after it are not: see pdf-writer.ts `imageBefore`.) The direction marks and embeddings taken out.
  it.each([
    ["Hebrew words before an image", `The committee הוועדה המיוחדת ${ICON()} signed the letter.`, "The committee הוועדה המיוחדת signed the letter."],
    ["an Arabic word before two images", `Signed in جنيف ${ICON()}${ICON("w30")} on 1 December.`, "Signed in جنيف on 1 December."],
  ])("a left-to-right line, %s: one line, the words in order, in both", async (_, html, text) => {
    const { poppler, pdfjs } = await copies(`<p>${html}</p>`);
    const marks = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
    expect({ poppler: poppler.replace(marks, ""), pdfjs: pdfjs.replace(marks, "") }).toEqual({ poppler: text, pdfjs: text });
  });

  it("a wrapped paragraph with an image on each of its lines: each line one line, in both", async () => {
    const words = "words of a paragraph long enough to wrap over several lines of the page";
    const { poppler, pdfjs } = await copies(`<p>${[1, 2, 3, 4].map((n) => `${words} ${ICON()} number ${n}`).join(" ")}.</p>`);
    for (const text of [poppler, pdfjs]) {
      // As many lines as the paragraph sets (no line split at an image), and its words in order.
      expect(text.replace(/\s+/g, " ")).toBe(`${[1, 2, 3, 4].map((n) => `${words} number ${n}`).join(" ")}.`);
    }
    expect(poppler.split("\n")).toEqual(pdfjs.split("\n"));
  });

  it("a signature after a name in a table cell: the cell's line is one line", async () => {
    const { poppler, pdfjs } = await copies(
      `<table class="t"><tbody><tr><td>Jane Doe <img src="assets/signatures/fidh.svg" alt="Signature of Jane Doe"> Director</td><td>Other cell</td></tr></tbody></table>`,
    );
    for (const text of [poppler, pdfjs]) expect(text).toMatch(/^Jane Doe Director\b/m);
  });

  it("Chinese: the characters after an image follow those before it on one line", async () => {
    const { poppler, pdfjs } = await copies(`<p>联合国安全理事会${ICON()}成员国的来信。</p>`, "zh");
    for (const text of [poppler, pdfjs]) expect(text.replace(/ /g, "")).toBe("联合国安全理事会成员国的来信。");
  });

  it("pdftotext -layout keeps the words of the line on one line, as it did before the span", async () => {
    const { layout } = await copies(`<p>Signed: Jane Doe ${ICON()} for the coalition.</p>`);
    expect(layout).toMatch(/Signed: Jane Doe\s+for the coalition\./);
    expect(layout.split("\n").filter((line) => /Jane Doe|coalition/.test(line))).toHaveLength(1);
  });
});

/**
 * Right-to-left lines holding inline images. Poppler read the words after an image (left of it) as a
 * block of their own, and pdf.js put them first: the writer drew the line's text as one stretch left to
 * right, parted into text objects at the images, and pdf.js reads each object apart, in the order drawn.
 * Now each part is drawn in reading order, spanned for poppler (pdf-writer.ts `rtlBridgeOf`), with an
 * anchor that keeps its word space for pdf.js. The extractors' direction marks are taken out, as the
 * other right-to-left tests do.
 */
describe("the text of a right-to-left line holding inline images, as poppler and pdf.js copy it", () => {
  let assets: TemplateAssets;
  beforeAll(async () => {
    assets = await loadTemplateAssets(IMAGE_TEMPLATE_DIR);
  });
  const print = readFileSync(join(SEED_TEMPLATE_DIR, "print.css"), "utf8");
  const MARKS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
  async function copies(body: string, lang: "ar" | "he" | "fa"): Promise<{ poppler: string; pdfjs: string }> {
    const pdf = await renderPdf(
      `<article class="letter" lang="${lang}" dir="rtl">${body}</article>`,
      options(lang, { stylesheets: stylesheetsFor(lang, "A4", `${print}\np { text-align: right; }`), images: assets }),
    );
    const { poppler, pdfjs } = extractBoth(pdf);
    const body_ = (pages: string[]) =>
      pages
        .join("\n")
        .replace(MARKS, "")
        .replace(/\s*Page 1 of 1\s*$/, "")
        .trim();
    return { poppler: body_(poppler), pdfjs: body_(pdfjs) };
  }
  const ICON = `<img src="assets/icon.png" alt="Warning sign">`;

  it.each([
    ["Arabic, one image", "ar", `وقّع السيد ${ICON} باسم التحالف.`, "وقّع السيد باسم التحالف."],
    ["Hebrew, one image", "he", `חתם מר כהן ${ICON} בשם הקואליציה.`, "חתם מר כהן בשם הקואליציה."],
    ["Hebrew, two images", "he", `אחד ${ICON} שניים ${ICON} שלושה.`, "אחד שניים שלושה."],
    ["Arabic, two images", "ar", `رسالة ${ICON} من ${ICON} المنظمات غير الحكومية.`, "رسالة من المنظمات غير الحكومية."],
    ["Arabic, an image at the line's start", "ar", `${ICON} في بداية السطر.`, "في بداية السطر."],
    ["Hebrew, an image at the line's end", "he", `בסוף השורה ${ICON}`, "בסוף השורה"],
    ["Arabic, an image right after a word, no space", "ar", `المنظمات${ICON} الدولية`, "المنظمات الدولية"],
    // Words without a zero-width non-joiner: pdf.js drops it from any line (a trait of its own, images aside).
    ["Persian, one image", "fa", `نامه ما از ${ICON} سازمان حقوق بشر.`, "نامه ما از سازمان حقوق بشر."],
    ["Hebrew, two images side by side", "he", `אחד ${ICON}${ICON} שניים שלושה.`, "אחד שניים שלושה."],
    ["Arabic, two images with a space between them", "ar", `رسالة ${ICON} ${ICON} من المنظمات.`, "رسالة من المنظمات."],
    ["Hebrew, three images in a row", "he", `מכתב ${ICON}${ICON}${ICON} של הארגונים.`, "מכתב של הארגונים."],
    ["Arabic, two images at the line's start", "ar", `${ICON}${ICON} في بداية السطر.`, "في بداية السطر."],
    ["Hebrew, two images at the line's end", "he", `בסוף השורה ${ICON} ${ICON}`, "בסוף השורה"],
    // Digits and Latin text beside an image: the line's parts drawn in reading order too, each span's text
    // carrying the marks the writer draws for poppler's reordering (`popplerTextOf`).
    ["Hebrew, digits before an image", "he", `בשנת 2015 ${ICON} נכתב המכתב.`, "בשנת 2015 נכתב המכתב."],
    ["Hebrew, digits touching an image", "he", `בשנת 2015${ICON} נכתב המכתב.`, "בשנת 2015 נכתב המכתב."],
    ["Hebrew, digits after an image", "he", `המכתב נכתב ${ICON} 2015 בז'נבה.`, "המכתב נכתב 2015 בז'נבה."],
    ["Hebrew, digits at the line's start, then an image", "he", `${ICON} 2015 היא השנה.`, "2015 היא השנה."],
    ["Hebrew, digits at the line's end, after an image", "he", `המכתב נכתב בשנת 2015 ${ICON}`, "המכתב נכתב בשנת 2015"],
    ["Hebrew, digits, then two images side by side", "he", `בשנת 2015 ${ICON}${ICON} נכתב המכתב.`, "בשנת 2015 נכתב המכתב."],
    ["Hebrew, a date and a time around an image", "he", `ב־1 בדצמבר 2015 ${ICON} ב־10:00 נפגשה המועצה.`, "ב־1 בדצמבר 2015 ב־10:00 נפגשה המועצה."],
    ["Arabic, digits before an image", "ar", `في عام 2015 ${ICON} كتبت الرسالة.`, "في عام 2015 كتبت الرسالة."],
    ["Arabic, digits after an image", "ar", `كتبت الرسالة ${ICON} في عام 2015 في جنيف.`, "كتبت الرسالة في عام 2015 في جنيف."],
    ["Arabic, Arabic-Indic digits before an image", "ar", `في عام ٢٠١٥ ${ICON} كتبت الرسالة.`, "في عام ٢٠١٥ كتبت الرسالة."],
    // The anchor's ARABIC LETTER MARK before European digits made pdf.js read them as Arabic ones ("מ־%40").
    ["Hebrew, a percentage before an image", "he", `יותר מ־40% ${ICON} מהתושבים סובלים מרעב.`, "יותר מ־40% מהתושבים סובלים מרעב."],
    ["Arabic, a percentage before an image", "ar", `أكثر من 25% ${ICON} من السكان يعانون من الجوع.`, "أكثر من 25% من السكان يعانون من الجوع."],
    ["Persian, Persian digits before an image", "fa", `در سال ۱۳۹۴ ${ICON} نامه نوشته شد.`, "در سال ۱۳۹۴ نامه نوشته شد."],
    // A Latin phrase of several words by an image leaves a part pdf.js reads left to right (see readsLeftToRightInPdfjs).
    [
      "Hebrew, a Latin phrase before an image",
      "he",
      `הארגון Human Rights Watch ${ICON} חתם היום על המכתב המשותף של הארגונים.`,
      "הארגון Human Rights Watch חתם היום על המכתב המשותף של הארגונים.",
    ],
    ["Hebrew, a Latin phrase after an image", "he", `המכתב נחתם ${ICON} Human Rights Watch על ידי הארגונים הרבים.`, "המכתב נחתם Human Rights Watch על ידי הארגונים הרבים."],
    ["Hebrew, a Latin word before an image", "he", `מועצת הביטחון של UN ${ICON} קיבלה את המכתב.`, "מועצת הביטחון של UN קיבלה את המכתב."],
    ["Hebrew, a Latin word after an image", "he", `מועצת הביטחון ${ICON} UN קיבלה את המכתב.`, "מועצת הביטחון UN קיבלה את המכתב."],
    ["Hebrew, a Latin word at the line's start, then an image", "he", `DPRK ${ICON} היא הקיצור של שם המדינה בצפון.`, "DPRK היא הקיצור של שם המדינה בצפון."],
    ["Hebrew, a Latin word at the line's end, after an image", "he", `המכתב נחתם על ידי ${ICON} UN`, "המכתב נחתם על ידי UN"],
    ["Hebrew, a Latin acronym in parentheses before an image", "he", `הוועדה (NKHR) ${ICON} שלחה את המכתב לכל חברי המועצה.`, "הוועדה (NKHR) שלחה את המכתב לכל חברי המועצה."],
    [
      "Arabic, a Latin phrase before an image",
      "ar",
      `وقّعت منظمة Amnesty International ${ICON} على الرسالة المشتركة إلى أعضاء مجلس الأمن.`,
      "وقّعت منظمة Amnesty International على الرسالة المشتركة إلى أعضاء مجلس الأمن.",
    ],
    [
      "Arabic, a Latin phrase before two images",
      "ar",
      `منظمة Human Rights Watch ${ICON} ${ICON} وقعت على الرسالة المشتركة إلى مجلس الأمن الدولي.`,
      "منظمة Human Rights Watch وقعت على الرسالة المشتركة إلى مجلس الأمن الدولي.",
    ],
  ] as const)("%s: one line, the words in order, in both", async (_, lang, html, text) => {
    const { poppler, pdfjs } = await copies(`<p>${html}</p>`, lang);
    expect({ poppler, pdfjs }).toEqual({ poppler: text, pdfjs: text });
  });

  it("a Hebrew table cell with digits beside an image: the cell's line is one line, in order, in both", async () => {
    const { poppler, pdfjs } = await copies(`<table><tbody><tr><td>נחתם בשנת 2015 ${ICON} על ידי הוועדה</td><td>תא אחר</td></tr></tbody></table>`, "he");
    // The next cell's text follows on the same line (pdf.js joins the two cells with no space, image or not).
    for (const text of [poppler, pdfjs]) expect(text).toMatch(/^נחתם בשנת 2015 על ידי הוועדה ?תא אחר$/);
  });

  it("a wrapped Hebrew paragraph with digits and Latin text, and images side by side: the same lines in both, in order", async () => {
    const before = "מילים של פסקה ארוכה מספיק כדי לגלוש על פני כמה שורות של הדף בשנת 2015 ";
    const after = "ועוד מילים של ארגון UN בסוף הפסקה הארוכה הזאת ";
    const { poppler, pdfjs } = await copies(`<p>${before.repeat(3)}${ICON}${ICON} ${after.repeat(3)}</p>`, "he");
    for (const text of [poppler, pdfjs]) expect(text.replace(/\s+/g, " ")).toBe(`${before.repeat(3)}${after.repeat(3)}`.trim());
    expect(pdfjs.split("\n").length).toBeGreaterThan(1);
    expect(poppler.split("\n").filter(Boolean)).toEqual(pdfjs.split("\n"));
  });

  it.each([
    ["Hebrew", "he", "מילים של פסקה ארוכה מספיק כדי לגלוש על פני כמה שורות של הדף", "מספר", ["א", "ב", "ג", "ד"]],
    ["Arabic", "ar", "كلمات فقرة طويلة بما يكفي لتمتد على عدة أسطر من الصفحة", "رقم", ["أ", "ب", "ج", "د"]],
  ] as const)("a wrapped %s paragraph with an image on each of its lines: each line one line, in both", async (_, lang, words, number, n) => {
    const { poppler, pdfjs } = await copies(`<p>${n.map((k) => `${words} ${ICON} ${number} ${k}`).join(" ")}.</p>`, lang);
    for (const text of [poppler, pdfjs]) expect(text.replace(/\s+/g, " ")).toBe(`${n.map((k) => `${words} ${number} ${k}`).join(" ")}.`);
    // More than one line, and as many lines in each (no line split at an image).
    expect(pdfjs.split("\n").length).toBeGreaterThan(1);
    expect(poppler.split("\n").filter(Boolean)).toEqual(pdfjs.split("\n"));
  });
});
