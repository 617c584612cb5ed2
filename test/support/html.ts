import { parse, parseFragment } from "parse5";
import type { DefaultTreeAdapterMap } from "parse5";

export type HtmlNode = DefaultTreeAdapterMap["node"];
export type HtmlElement = DefaultTreeAdapterMap["element"];

export const parseDocument = (html: string) => parse(html);
export const parseHtmlFragment = (html: string) => parseFragment(html);

function isElement(node: HtmlNode): node is HtmlElement {
  return "tagName" in node;
}

function childrenOf(node: HtmlNode): HtmlNode[] {
  const children = "childNodes" in node ? [...node.childNodes] : [];
  if (isElement(node) && "content" in node) children.push(...node.content.childNodes);
  return children;
}

/** Every element below `root`, in document order, that matches. */
export function findAll(root: HtmlNode, matches: (element: HtmlElement) => boolean): HtmlElement[] {
  const found: HtmlElement[] = [];
  const visit = (node: HtmlNode) => {
    if (isElement(node) && matches(node)) found.push(node);
    childrenOf(node).forEach(visit);
  };
  visit(root);
  return found;
}

export const byTag = (tag: string) => (element: HtmlElement) => element.tagName === tag;

export function attribute(element: HtmlElement, name: string): string | undefined {
  return element.attrs.find((attr) => attr.name === name)?.value;
}

export function hasClass(element: HtmlElement, className: string): boolean {
  return (attribute(element, "class") ?? "").split(/\s+/).includes(className);
}

/** The text of a node as a reader gets it: character data joined, `<br>` as a line break. */
/**
 * The text a reader sees and copies: `textContent` without soft hyphens (U+00AD), which a stylesheet's
 * `hyphens: auto` puts into the filled template and which are invisible unless a line breaks there.
 * For tests that compare a letter's words with the page, whatever the template's hyphenation.
 */
export function readingText(node: HtmlNode): string {
  return textContent(node).replaceAll("\u00ad", "");
}

export function textContent(node: HtmlNode): string {
  if (node.nodeName === "#text") return (node as DefaultTreeAdapterMap["textNode"]).value;
  if (isElement(node) && node.tagName === "br") return "\n";
  return childrenOf(node).map(textContent).join("");
}
