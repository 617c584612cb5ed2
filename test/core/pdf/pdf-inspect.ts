import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFragment } from "parse5";
import type { DefaultTreeAdapterTypes } from "parse5";
import { localeInfo, type LocaleId } from "../../../functions/core/locales";
import { renderPdf, type RenderPdfOptions } from "../../../functions/core/pdf/render-pdf";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import type { StylesheetSource } from "../../../functions/core/style";
import { documentStylesheets, type Paper } from "../../../functions/core/style/document-stylesheets";

/** Helpers that read rendered PDFs back with real tools: poppler, qpdf and pdf.js. */

export const FIXTURES = join(__dirname, "../../fixtures/pdf");
const workDir = mkdtempSync(join(tmpdir(), "letterpress-pdf-"));
// Each test file that imports these helpers gets its own folder; it goes when the file's tests end.
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
let counter = 0;

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

export const PAGE_LABEL = (page: number | string, pages: number | string) => `Page ${page} of ${pages}`;

const TEMPLATES = join(__dirname, "../../../templates");

/** The template's stylesheets for a language, with `author` in place of templates/print.css when given. */
export function stylesheetsFor(
  locale: LocaleId,
  paper: Paper = "A4",
  author = readFileSync(join(TEMPLATES, "un-security-council", "print.css"), "utf8"),
  runningTitle = "",
): StylesheetSource[] {
  return documentStylesheets(
    { userAgent: readFileSync(join(TEMPLATES, "ua.css"), "utf8"), author },
    { script: localeInfo(locale).script, paper, pageLabel: PAGE_LABEL, runningTitle },
  );
}

/** One font library (and its caches) for a test file's renders, as a render worker has; a test wanting cold caches makes its own. */
const SHARED_FONTS = loadFontLibrary();

export function options(locale: LocaleId, overrides: Partial<RenderPdfOptions> = {}): RenderPdfOptions {
  return {
    locale: localeInfo(locale),
    stylesheets: stylesheetsFor(locale),
    metadata: {
      title: `Joint letter (${locale})`,
      author: "Amnesty International & Human Rights Watch",
      subject: "North Korean human rights",
      keywords: ["DPRK", "Security Council", locale],
      creationDate: new Date("2015-12-01T09:00:00Z"),
    },
    fonts: SHARED_FONTS,
    ...overrides,
  };
}

/** Renders a fixture as the renderer does: its footer's title is the running title. */
export async function render(name: string, locale: LocaleId, overrides: Partial<RenderPdfOptions> = {}): Promise<Buffer> {
  const html = fixture(name);
  return renderPdf(html, options(locale, { stylesheets: stylesheetsFor(locale, "A4", undefined, footerTitle(html)), ...overrides }));
}

/** Writes the PDF to a temporary file for the command-line tools. */
export function toFile(pdf: Buffer): string {
  const file = join(workDir, `doc-${++counter}.pdf`);
  writeFileSync(file, pdf);
  return file;
}

export function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

/** Page texts by poppler's pdftotext. */
export function popplerPages(file: string): string[] {
  return run("pdftotext", ["-enc", "UTF-8", file, "-"]).split("\f").slice(0, -1);
}

/** Page texts by pdf.js (unpdf), run in a child Node process. */
export function pdfjsPages(file: string): string[] {
  return JSON.parse(run(process.execPath, [join(__dirname, "extract-text.mjs"), file])) as string[];
}

/** A word as poppler places it (`pdftotext -bbox-layout`): its page (from 1) and its box in points, y down from the page top. */
export interface WordBox {
  page: number;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
  text: string;
}

/** pdftotext writes a word's text as XML: these five are escaped. */
const XML_ENTITIES: Readonly<Record<string, string>> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'" };

/** Every word of the PDF with its box, page by page, in poppler's reading order. */
export function wordBoxes(file: string): WordBox[] {
  const out: WordBox[] = [];
  run("pdftotext", ["-bbox-layout", file, "-"])
    .split("<page ")
    .slice(1)
    .forEach((page, index) => {
      for (const m of page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
        const text = m[5]!.replace(/&(?:amp|lt|gt|quot|apos);/g, (entity) => XML_ENTITIES[entity]!);
        out.push({ page: index + 1, xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]), text });
      }
    });
  return out;
}

/** The `nth` word (from 0) whose text is exactly `text`; throws naming the word when there is none. */
export function findWord(words: readonly WordBox[], text: string, nth = 0): WordBox {
  const word = words.filter((w) => w.text === text)[nth];
  if (!word) throw new Error(`no word "${text}" (occurrence ${nth + 1})`);
  return word;
}

export function pdfInfo(file: string): Record<string, string> {
  const info: Record<string, string> = {};
  for (const line of run("pdfinfo", ["-enc", "UTF-8", file]).split("\n")) {
    const match = /^([^:]+):\s*(.*)$/.exec(line);
    if (match) info[match[1]!] = match[2]!;
  }
  return info;
}

type Node = DefaultTreeAdapterTypes.ChildNode;

/** The letter's text as a reader sees it, without the running footer (which the PDF repeats per page). */
export function fragmentText(html: string): string {
  const parts: string[] = [];
  const walk = (nodes: readonly Node[]) => {
    for (const node of nodes) {
      if (node.nodeName === "#text") parts.push((node as DefaultTreeAdapterTypes.TextNode).value);
      else if ("tagName" in node) {
        if (node.tagName === "footer" && node.attrs.some((a) => a.name === "class" && a.value === "page-footer")) continue;
        if (node.tagName === "br" || node.tagName === "p" || node.tagName === "li") parts.push(" ");
        walk(node.childNodes);
      }
    }
  };
  walk(parseFragment(html).childNodes);
  return parts.join("");
}

/*
 * Copies compared paragraph by paragraph: what a reader copies from the PDF is what the HTML edition
 * says, every paragraph extracted by poppler (pdftotext) and by pdf.js (Firefox's viewer) equal to the
 * HTML paragraph exactly, after only white space is normalized (runs collapsed, and the line ends
 * extractors put between two CJK characters, or two Thai, Lao, Khmer or Myanmar letters, dropped, as
 * CSS does with a segment break there) and both are NFC-normalized (issue 13 item 6).
 */

const BLOCKS = new Set(["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "address", "dt", "dd", "th", "td", "caption", "figcaption"]);
const CJK = "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\u3000-\\u303f\\uff00-\\uffef";
/** A quotation mark between CJK characters, where a line may break (UAX 14 LB19a): before an opening one, after a closing one. */
const BETWEEN_CJK = new RegExp(`(?<=[${CJK}]|[${CJK}][\u201d\u2019]) (?=[${CJK}]|[\u201c\u2018][${CJK}])`, "gu");
/**
 * Thai, Lao, Khmer, Myanmar: lines break between words without a space (at the dictionary's word
 * boundaries), and extractors put a space at every line end, so a space between two of their
 * letters is dropped on both sides, as between two CJK characters; line-breaks.test.ts holds the
 * breaks themselves to word boundaries.
 */
const BETWEEN_SA = /(?<=[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]) (?=[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}])/gu;
/**
 * Invisible bidi controls: poppler writes embeddings and marks around right-to-left text, and our
 * lines with right-to-left text carry ARABIC LETTER and LEFT-TO-RIGHT MARKs for the extractors (see pdf-writer.ts). The HTML
 * edition's own controls (the isolates of ignorables.html) are dropped alike.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** A line break after a hyphen is no word space: pdf.js ends the line "long-" and starts the next "standing". */
const AFTER_HYPHEN = /(?<=\S-) (?=\S)/gu;
/**
 * Characters Unicode never draws, but for the ZERO WIDTH NON-JOINER and JOINER: they change a word's
 * shape and spelling (Persian "بین‌الملل", "می‌خواهند"), so a copy keeps them, from pdf.js too (see
 * pdf-writer.ts, joinerCarriedOn). The others (soft hyphens, word joiners, variation selectors) are
 * compared without; a separate test holds poppler to keeping them.
 */
const DEFAULT_IGNORABLE = /(?![\u200c\u200d])\p{Default_Ignorable_Code_Point}/gu;

export function normalizeCopy(text: string): string {
  return text
    .normalize("NFC")
    .replace(BIDI_CONTROLS, "")
    .replace(DEFAULT_IGNORABLE, "")
    .replace(/\s+/gu, " ")
    .replace(BETWEEN_CJK, "")
    .replace(BETWEEN_SA, "")
    .replace(AFTER_HYPHEN, "")
    .trim();
}

/** Each block of the filled template (paragraph, list item, heading) as text, footer left out. */
export function htmlParagraphs(html: string): string[] {
  const paragraphs: string[] = [];
  const textOf = (nodes: readonly Node[]): string =>
    nodes
      .map((node) =>
        node.nodeName === "#text" ? (node as DefaultTreeAdapterTypes.TextNode).value : "tagName" in node ? (node.tagName === "br" ? " " : textOf(node.childNodes)) : "",
      )
      .join("");
  const walk = (nodes: readonly Node[]) => {
    for (const node of nodes) {
      if (!("tagName" in node)) continue;
      if (node.tagName === "footer") continue;
      const hasBlockChild = node.childNodes.some((child) => "tagName" in child && (BLOCKS.has(child.tagName) || child.tagName === "ul" || child.tagName === "ol"));
      if (BLOCKS.has(node.tagName) && !hasBlockChild) {
        const text = normalizeCopy(textOf(node.childNodes));
        if (text !== "") paragraphs.push(text);
      } else walk(node.childNodes);
    }
  };
  walk(parseFragment(html).childNodes);
  return paragraphs;
}

/** The document's text: its pages joined, each page without its running footer (title and page label). */
export function documentText(pages: readonly string[], title: string, label: (page: number, pages: number) => string): string {
  return pages
    .map((page, i) => {
      let text = normalizeCopy(page);
      const repeated = normalizeCopy(label(i + 1, pages.length));
      const at = repeated ? text.lastIndexOf(repeated) : -1;
      if (at >= 0) text = text.slice(0, at) + text.slice(at + repeated.length);
      return withoutRunningTitle(text, normalizeCopy(title));
    })
    .join(" ")
    .replace(/\s+/g, " ");
}

/** The paragraphs not found, in order, in the extracted text: each one must appear whole, exactly. */
export function missingParagraphs(paragraphs: readonly string[], text: string): { paragraph: string; near: string; differs?: string }[] {
  const missing: { paragraph: string; near: string; differs?: string }[] = [];
  let from = 0;
  for (const paragraph of paragraphs) {
    const at = text.indexOf(paragraph, from);
    if (at < 0) {
      const probe = paragraph.slice(0, 12);
      const near = text.indexOf(probe, from);
      const found = near >= 0 ? text.slice(near, near + paragraph.length + 10) : "";
      let at = 0;
      while (at < paragraph.length && paragraph[at] === found[at]) at++;
      const differs = `expected "${paragraph.slice(Math.max(0, at - 15), at + 15)}", extracted "${found.slice(Math.max(0, at - 15), at + 15)}"`;
      missing.push({ paragraph, near: found || `(no "${probe}")`, ...(found ? { differs } : {}) });
    } else from = at + paragraph.length;
  }
  return missing;
}

/** The pages' texts by both extractors. */
export function extractBoth(pdf: Buffer): { poppler: string[]; pdfjs: string[] } {
  const file = toFile(pdf);
  try {
    return { poppler: popplerPages(file), pdfjs: pdfjsPages(file) };
  } finally {
    rmSync(file, { force: true });
  }
}

/** The footer's title, the text the PDF repeats at the bottom of each page. */
export function footerTitle(html: string): string {
  return /<p class="footer-title">([^<]*)<\/p>/.exec(html)?.[1] ?? "";
}

/**
 * The page's text without its running title: as the footer prints a long one (its start cut with an
 * ellipsis to the margin box's width, print.css bounding it to one line), or whole; the last such on
 * the page, since the heading above the letter keeps the title whole. `page` and `title` normalized alike.
 */
export function withoutRunningTitle(page: string, title: string): string {
  if (!title) return page;
  // Extractors give the ellipsis as one character or as three full stops.
  for (const mark of ["…", "..."]) {
    const ellipsis = page.lastIndexOf(mark);
    if (ellipsis < 0) continue;
    // The longest start of the title (ten characters at least) that ends right before the ellipsis.
    for (let length = Math.min(title.length, ellipsis); length >= Math.min(10, title.length); length--) {
      const start = title.slice(0, length).trimEnd();
      if (page.slice(ellipsis - start.length, ellipsis) === start) return page.slice(0, ellipsis - start.length) + page.slice(ellipsis + mark.length);
    }
  }
  const whole = page.lastIndexOf(title);
  return whole >= 0 ? page.slice(0, whole) + page.slice(whole + title.length) : page;
}

/** Drops each page's running footer (its last occurrence of the title, whole or cut, and the page label). */
export function withoutFooters(pages: readonly string[], title: string): string {
  return pages
    .map((page, i) => {
      let text = normalize(page);
      const label = normalize(PAGE_LABEL(i + 1, pages.length));
      const at = text.lastIndexOf(label);
      if (at >= 0) text = text.slice(0, at) + text.slice(at + label.length);
      return withoutRunningTitle(text, normalize(title));
    })
    .join("");
}

/**
 * Text compared as characters without white space: extractors differ in where they put spaces and line
 * ends, not in the letters and their order. Bidi marks that poppler adds are dropped; pdftotext's
 * joining of words hyphenated at a line end is undone by dropping hyphens on both sides.
 */
export function normalize(text: string): string {
  return text.normalize("NFKC").replace(/[\p{Cf}\s\-\u2010\u00ad]/gu, "");
}

/**
 * Jest runs test code in a vm context, where each read of a global (Math) goes through the context's
 * interceptor: in the loop below that made one comparison of a letter take 10 s instead of 0.2 s
 * (jestjs/jest#5163, nodejs/node#31658). A module constant is read as fast as a local.
 */
const { max } = Math;

/** Similarity of two strings: 2 × (longest common subsequence) / (total length), in [0, 1]. */
export function similarity(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  if (x.length + y.length === 0) return 1;
  let previous = new Uint16Array(y.length + 1);
  let current = new Uint16Array(y.length + 1);
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      current[j] = x[i - 1] === y[j - 1] ? previous[j - 1]! + 1 : max(previous[j]!, current[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  return (2 * previous[y.length]!) / (x.length + y.length);
}

/** A filled rectangle in PDF user space: points from the page's bottom-left corner, y upwards, (x, y) its lower left. */
export interface FilledRect {
  /** The fill colour's operands as the content writes them before `rg` ("1 0 0"). */
  rgb: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

const CONTENT_TOKEN = /<[0-9a-fA-F\s]*>|\((?:\\.|[^\\)])*\)|\[|\]|\/[^\s/[\]()<>]+|[-+]?(?:\d+\.?\d*|\.\d+)|[A-Za-z'"*]+/g;

/**
 * Every `re` filled by `f` in the page content streams of a qpdf `--qdf --object-streams=disable`
 * file, in the page's user space (the writer draws lines and their rules in frames moved by `cm`: a
 * rectangle's own operands are relative to them).
 */
export function filledRects(qdfContent: string): FilledRect[] {
  const rects: FilledRect[] = [];
  for (const [, stream] of qdfContent.matchAll(/\bstream\r?\n([\s\S]*?)\bendstream/g)) {
    let ctm = [1, 0, 0, 1, 0, 0];
    const saved: number[][] = [];
    let rgb = "0 0 0";
    let path: number[][] = [];
    const operands: string[] = [];
    for (const token of stream!.match(CONTENT_TOKEN) ?? []) {
      if (!/^[A-Za-z'"*]+$/.test(token)) {
        operands.push(token);
        continue;
      }
      const n = operands.map(Number);
      if (token === "q") saved.push(ctm);
      else if (token === "Q") ctm = saved.pop() ?? [1, 0, 0, 1, 0, 0];
      else if (token === "cm" && n.length === 6) {
        const [a, b, c, d, e, f] = n as [number, number, number, number, number, number];
        const [A, B, C, D, E, F] = ctm as [number, number, number, number, number, number];
        ctm = [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F];
      } else if (token === "rg") rgb = operands.join(" ");
      else if (token === "re" && n.length === 4) path.push(n);
      else if (token === "f" || token === "f*") {
        for (const [x, y, w, h] of path as [number, number, number, number][]) {
          const [A, B, C, D, E, F] = ctm as [number, number, number, number, number, number];
          const corners = [
            [x, y],
            [x + w, y + h],
          ].map(([px, py]) => [px! * A + py! * C + E, px! * B + py! * D + F] as const);
          const xs = corners.map(([cx]) => cx);
          const ys = corners.map(([, cy]) => cy);
          rects.push({ rgb, x: Math.min(...xs), y: Math.min(...ys), width: Math.abs(xs[1]! - xs[0]!), height: Math.abs(ys[1]! - ys[0]!) });
        }
        path = [];
      } else if (token === "n" || token === "S" || token === "B" || token === "b") path = [];
      operands.length = 0;
    }
  }
  return rects;
}
