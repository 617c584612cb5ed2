import { parseFragment } from "parse5";
import type { DefaultTreeAdapterTypes } from "parse5";
import { LetterpressError } from "../errors";

/**
 * The filled template read as the typesetter's document tree. Only the vocabulary of
 * templates/VOCABULARY.md is accepted: anything else is an error naming the element, so the PDF
 * cannot silently drop or misplace what the HTML edition shows.
 */

export interface InlineStyle {
  bold: boolean;
  italic: boolean;
  /** The run's language when it differs from the letter's (`span lang`). */
  lang?: string;
}

export type Inline = { kind: "text"; text: string; style: InlineStyle } | { kind: "break" };

/** How a paragraph is set; one per class the layout reads. */
export type ParagraphRole =
  | "body"
  | "sender"
  | "sender-kind"
  | "date"
  | "summary"
  | "excerpt-notice"
  | "salutation"
  | "closing"
  | "translation-notice"
  | "footer-title"
  | "page-label"
  | "address";

export type Block =
  | { kind: "paragraph"; role: ParagraphRole; inlines: Inline[] }
  | { kind: "heading"; level: 1 | 2 | 3; inlines: Inline[] }
  | { kind: "quote"; children: Block[] }
  | { kind: "list"; ordered: boolean; items: Block[][] }
  | { kind: "group"; role: GroupRole; children: Block[] }
  | { kind: "page-break" };

export type GroupRole = "letterhead" | "signatories" | "translation-notice" | "section" | "page-footer";

export interface LetterTree {
  lang: string;
  dir: "ltr" | "rtl";
  blocks: Block[];
  /** The running footer, laid out on every page rather than in the flow. */
  footer: Block[];
}

type Element = DefaultTreeAdapterTypes.Element;
type ChildNode = DefaultTreeAdapterTypes.ChildNode;

const PARAGRAPH_CLASSES: Readonly<Record<string, ParagraphRole>> = {
  sender: "sender",
  "sender-kind": "sender-kind",
  date: "date",
  summary: "summary",
  "excerpt-notice": "excerpt-notice",
  salutation: "salutation",
  closing: "closing",
  "translation-notice": "translation-notice",
  "footer-title": "footer-title",
};

const GROUP_CLASSES: Readonly<Record<string, GroupRole>> = {
  letterhead: "letterhead",
  signatories: "signatories",
  "translation-notice": "translation-notice",
  "page-footer": "page-footer",
  body: "section",
  sources: "section",
};

/** Attributes that carry no layout; any other attribute is accepted only where listed per element. */
const NEUTRAL_ATTRIBUTES = new Set(["id", "lang", "dir", "role", "aria-labelledby", "aria-label", "title", "cite", "datetime", "href"]);

function describe(element: Element): string {
  const cls = attribute(element, "class");
  return `<${element.tagName}${cls ? ` class="${cls}"` : ""}>`;
}

function attribute(element: Element, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

function fail(element: Element, why: string): never {
  const line = element.sourceCodeLocation?.startLine;
  throw new LetterpressError("TEMPLATE_ERROR", `filled template${line ? ` line ${line}` : ""}: ${describe(element)} ${why}`);
}

function checkAttributes(element: Element, allowed: readonly string[] = []): void {
  for (const { name } of element.attrs) {
    if (!NEUTRAL_ATTRIBUTES.has(name) && name !== "class" && !allowed.includes(name)) fail(element, `has an attribute the PDF layout does not know: ${name}`);
  }
}

function classes(element: Element): string[] {
  return (attribute(element, "class") ?? "").split(/\s+/).filter(Boolean);
}

function singleClass<T>(element: Element, known: Readonly<Record<string, T>>, fallback: T): T {
  const names = classes(element);
  if (names.length === 0) return fallback;
  if (names.length > 1) fail(element, "has more than one class; the PDF layout reads one");
  const role = known[names[0]!];
  if (role === undefined) fail(element, `has a class the PDF layout does not know: ${names[0]}`);
  return role;
}

function isElement(node: ChildNode): node is Element {
  return "tagName" in node;
}

function isBlank(node: ChildNode): boolean {
  return node.nodeName === "#comment" || (node.nodeName === "#text" && !/\S/.test((node as DefaultTreeAdapterTypes.TextNode).value));
}

/** HTML collapses white space in flow text; the PDF must show what a browser shows. */
function collapse(inlines: Inline[]): Inline[] {
  const out: Inline[] = [];
  let atLineStart = true;
  for (const inline of inlines) {
    if (inline.kind === "break") {
      const last = out[out.length - 1];
      if (last?.kind === "text") last.text = last.text.replace(/ +$/, "");
      out.push(inline);
      atLineStart = true;
      continue;
    }
    let text = inline.text.replace(/[\t\n\r\f ]+/g, " ");
    if (atLineStart) text = text.replace(/^ +/, "");
    if (text === "") continue;
    out.push({ kind: "text", text, style: inline.style });
    atLineStart = text.endsWith(" ");
  }
  const last = out[out.length - 1];
  if (last?.kind === "text") {
    last.text = last.text.replace(/ +$/, "");
    if (last.text === "") out.pop();
  }
  return out;
}

function readInlines(nodes: readonly ChildNode[], style: InlineStyle, out: Inline[]): Inline[] {
  for (const node of nodes) {
    if (node.nodeName === "#comment") continue;
    if (node.nodeName === "#text") {
      out.push({ kind: "text", text: (node as DefaultTreeAdapterTypes.TextNode).value, style });
      continue;
    }
    if (!isElement(node)) continue;
    const element = node;
    if (classes(element).length > 0) fail(element, "is an inline element with a class; the PDF layout reads none");
    switch (element.tagName) {
      case "br":
        checkAttributes(element);
        out.push({ kind: "break" });
        break;
      case "strong":
        checkAttributes(element);
        readInlines(element.childNodes, { ...style, bold: true }, out);
        break;
      case "em":
        checkAttributes(element);
        readInlines(element.childNodes, { ...style, italic: true }, out);
        break;
      case "q":
      case "abbr":
      case "time":
      case "a":
        checkAttributes(element);
        readInlines(element.childNodes, style, out);
        break;
      case "span": {
        checkAttributes(element);
        const lang = attribute(element, "lang");
        readInlines(element.childNodes, lang ? { ...style, lang } : style, out);
        break;
      }
      default:
        fail(element, "is not an inline element of the letter vocabulary (templates/VOCABULARY.md)");
    }
  }
  return out;
}

function paragraphOf(element: Element, role: ParagraphRole): Block {
  return { kind: "paragraph", role, inlines: collapse(readInlines(element.childNodes, { bold: false, italic: false }, [])) };
}

function readBlocks(nodes: readonly ChildNode[]): Block[] {
  const blocks: Block[] = [];
  for (const node of nodes) {
    if (isBlank(node)) continue;
    if (!isElement(node)) {
      throw new LetterpressError("TEMPLATE_ERROR", `filled template: text outside a paragraph: "${(node as DefaultTreeAdapterTypes.TextNode).value.trim().slice(0, 40)}"`);
    }
    blocks.push(readBlock(node));
  }
  return blocks;
}

function readBlock(element: Element): Block {
  switch (element.tagName) {
    case "p": {
      checkAttributes(element, ["data-page-label"]);
      if (attribute(element, "data-page-label") !== undefined) return { kind: "paragraph", role: "page-label", inlines: [] };
      return paragraphOf(element, singleClass(element, PARAGRAPH_CLASSES, "body"));
    }
    case "h1":
    case "h2":
    case "h3":
      checkAttributes(element);
      if (classes(element).length > 0) fail(element, "has a class the PDF layout does not know");
      return { kind: "heading", level: Number(element.tagName[1]) as 1 | 2 | 3, inlines: collapse(readInlines(element.childNodes, { bold: true, italic: false }, [])) };
    case "blockquote":
      checkAttributes(element);
      if (classes(element).length > 0) fail(element, "has a class the PDF layout does not know");
      return { kind: "quote", children: readBlocks(element.childNodes) };
    case "address":
      checkAttributes(element);
      singleClass(element, { addressee: "address" }, "address");
      return paragraphOf(element, "address");
    case "ul":
    case "ol": {
      checkAttributes(element);
      const items: Block[][] = [];
      for (const child of element.childNodes) {
        if (isBlank(child)) continue;
        if (!isElement(child) || child.tagName !== "li") {
          throw new LetterpressError("TEMPLATE_ERROR", `filled template: <${element.tagName}> may hold only <li>, found ${isElement(child) ? describe(child) : "text"}`);
        }
        checkAttributes(child);
        items.push(readListItem(child));
      }
      return { kind: "list", ordered: element.tagName === "ol", items };
    }
    case "hr":
      checkAttributes(element);
      if (!classes(element).includes("page-break") || classes(element).length !== 1) fail(element, 'is allowed only as <hr class="page-break">');
      return { kind: "page-break" };
    case "header":
    case "section":
    case "footer":
    case "div": {
      checkAttributes(element);
      const role = singleClass(element, GROUP_CLASSES, "section");
      return { kind: "group", role, children: readBlocks(element.childNodes) };
    }
    default:
      return fail(element, "is not a block element of the letter vocabulary (templates/VOCABULARY.md)");
  }
}

const BLOCK_TAGS = new Set(["p", "h1", "h2", "h3", "blockquote", "address", "ul", "ol", "hr", "header", "section", "footer", "div"]);

/** A list item holds either inline content (the usual case) or blocks. */
function readListItem(li: Element): Block[] {
  const hasBlocks = li.childNodes.some((n) => isElement(n) && BLOCK_TAGS.has(n.tagName));
  if (hasBlocks) return readBlocks(li.childNodes);
  return [paragraphOf(li, "body")];
}

/** Parses the filled template (one `<article class="letter">`) into the typesetter's tree. */
export function readLetterTree(filledTemplate: string): LetterTree {
  try {
    return readParsedTree(filledTemplate, false);
  } catch (error) {
    // Source locations cost parse5 a tenth of its time on every render; only an error needs them,
    // so the template is parsed again with them to name the line.
    if (error instanceof LetterpressError) return readParsedTree(filledTemplate, true);
    throw error;
  }
}

function readParsedTree(filledTemplate: string, sourceCodeLocationInfo: boolean): LetterTree {
  const fragment = parseFragment(filledTemplate, { sourceCodeLocationInfo });
  const roots = fragment.childNodes.filter((n) => !isBlank(n));
  const article = roots[0];
  if (roots.length !== 1 || !article || !isElement(article) || article.tagName !== "article" || !classes(article).includes("letter")) {
    throw new LetterpressError("TEMPLATE_ERROR", 'filled template: expected exactly one <article class="letter">');
  }
  checkAttributes(article);
  const dir = attribute(article, "dir") === "rtl" ? "rtl" : "ltr";
  const blocks = readBlocks(article.childNodes);
  const footer: Block[] = [];
  const flow = blocks.filter((block) => {
    if (block.kind === "group" && block.role === "page-footer") {
      footer.push(...block.children);
      return false;
    }
    return true;
  });
  return { lang: attribute(article, "lang") ?? "", dir, blocks: flow, footer };
}
