import { parseFragment } from "parse5";
import type { DefaultTreeAdapterTypes } from "parse5";

/**
 * Issue 13 item 6's measure, as a bench figure: how many of the HTML edition's paragraphs a PDF
 * extractor gives back exactly, after white space and NFC normalization (not a similarity threshold).
 * Pure string work, so a test can check it on made-up pages.
 */

type Node = DefaultTreeAdapterTypes.ChildNode;

/** Elements whose text is one paragraph of the letter as a reader copies it. */
const PARAGRAPH_TAGS = new Set(["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "td", "th", "figcaption", "blockquote"]);
/** Characters after which (or before which) a line end is not a word space: scripts written without spaces between words. */
const NO_WORD_SPACE = /\s*([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\u3000-\u303f\uff00-\uffef])\s*/gu;

/**
 * One form for both sides: NFC; soft hyphens, other format characters (bidi marks, word joiners) and
 * combining-grapheme-joiner noise dropped; white space runs made one space; no space kept around
 * characters of scripts without word spaces (a line end there is not a space in either edition), nor
 * after a hyphen (a line end after "long-" is not a word space). Both sides get the same treatment.
 */
export function normalizeParagraph(text: string): string {
  return (
    text
      .normalize("NFC")
      .replace(/\p{Cf}/gu, "")
      .replace(/\s+/gu, " ")
      .replace(NO_WORD_SPACE, "$1")
      // A line may end after a hyphen ("long-" / "standing"); extractors give that line end as white space.
      .replace(/([-\u2010])\s/gu, "$1")
      .trim()
  );
}

/** The letter's paragraphs, in order: the text of each paragraph-like element that holds no other, without the running footer. */
export function htmlParagraphs(fragmentHtml: string): string[] {
  const paragraphs: string[] = [];
  const text = (nodes: readonly Node[]): string =>
    nodes
      .map((node) => {
        if (node.nodeName === "#text") return (node as DefaultTreeAdapterTypes.TextNode).value;
        if (!("tagName" in node)) return "";
        if (node.tagName === "br") return " ";
        return text(node.childNodes);
      })
      .join("");
  const holdsParagraph = (nodes: readonly Node[]): boolean => nodes.some((node) => "tagName" in node && (PARAGRAPH_TAGS.has(node.tagName) || holdsParagraph(node.childNodes)));
  const walk = (nodes: readonly Node[]) => {
    for (const node of nodes) {
      if (!("tagName" in node)) continue;
      const classes = node.attrs.find((attribute) => attribute.name === "class")?.value.split(/\s+/) ?? [];
      if (classes.includes("page-footer") || node.tagName === "style" || node.tagName === "script") continue;
      if (PARAGRAPH_TAGS.has(node.tagName) && !holdsParagraph(node.childNodes)) {
        const paragraph = normalizeParagraph(text(node.childNodes));
        if (paragraph) paragraphs.push(paragraph);
      } else {
        walk(node.childNodes);
      }
    }
  };
  walk(parseFragment(fragmentHtml).childNodes);
  return paragraphs;
}

/**
 * The extracted pages as one text, each page's running footer (its title, whole or cut with an
 * ellipsis, and its page label) taken off its end, so a paragraph that runs over a page break reads
 * on. `labels[i]` is page i's label.
 */
export function extractedFlow(pages: readonly string[], labels: readonly string[], runningTitle: string): string {
  const title = normalizeParagraph(runningTitle);
  return pages
    .map((page, index) => {
      let text = normalizeParagraph(page);
      const label = normalizeParagraph(labels[index] ?? "");
      const at = label ? text.lastIndexOf(label) : -1;
      if (at >= 0) text = (text.slice(0, at) + text.slice(at + label.length)).trim();
      return withoutTitle(text, title);
    })
    .map((text) => text.replace(/\s+/gu, " ").trim())
    .join(" ");
}

/** Drops the page's last running title: whole, or its start cut with an ellipsis (one character or three full stops). */
function withoutTitle(page: string, title: string): string {
  if (!title) return page;
  for (const mark of ["…", "..."]) {
    const ellipsis = page.lastIndexOf(mark);
    if (ellipsis < 0) continue;
    for (let length = Math.min(title.length, ellipsis); length >= Math.min(10, title.length); length--) {
      const start = title.slice(0, length).trimEnd();
      if (page.slice(ellipsis - start.length, ellipsis) === start) return page.slice(0, ellipsis - start.length) + page.slice(ellipsis + mark.length);
    }
  }
  const whole = page.lastIndexOf(title);
  return whole >= 0 ? page.slice(0, whole) + page.slice(whole + title.length) : page;
}

export interface ParagraphFigures {
  paragraphs: number;
  exact: number;
  /** The first paragraph not found exactly, shortened, to show what went wrong. */
  firstMiss?: string;
}

/** How many paragraphs occur exactly, in order, in the extracted flow (one after the other, never behind the last found). */
export function paragraphsExact(paragraphs: readonly string[], flow: string): ParagraphFigures {
  let from = 0;
  let exact = 0;
  let firstMiss: string | undefined;
  for (const paragraph of paragraphs) {
    const at = flow.indexOf(paragraph, from);
    if (at >= 0) {
      exact += 1;
      from = at + paragraph.length;
    } else {
      firstMiss ??= paragraph.length > 80 ? `${paragraph.slice(0, 77)}...` : paragraph;
    }
  }
  return { paragraphs: paragraphs.length, exact, ...(firstMiss === undefined ? {} : { firstMiss }) };
}
