import Handlebars from "handlebars";
import { type DefaultTreeAdapterTypes, parseFragment } from "parse5";
import { vocabularyProblems } from "../pdf/letter-tree";
import { withBlocksClosed } from "./template-syntax";

/**
 * The letter vocabulary checked in the template's own markup, when the template is loaded: each
 * element and attribute a source writes is named by its file, line and column, every problem of
 * every source at once, rather than one at a time by a line of the filled template at render.
 *
 * Each source is read with Handlebars' parser: its ContentStatements are the markup as written, with
 * their positions; every `{{ }}` (and partial) between them stands as a placeholder character, so
 * what comes from data is told apart from what the template writes. Both branches of a block are
 * read: an element the template can write is checked whichever branch writes it.
 */

/** Stands for text a `{{ }}` puts in (a private-use character no template writes). */
export const FROM_DATA = "\uE000";

type Node = hbs.AST.Node;

/** A run of the source's own markup: where it starts in the skeleton and in the source. */
interface Segment {
  at: number;
  text: string;
  line: number;
  /** 0-based, as Handlebars counts. */
  column: number;
}

/**
 * The skeleton of a source whose markup can be read: as written, or, when its only fault is a block
 * left open (which hides none of its markup), as if closed at its end; undefined for any other source
 * that does not parse (left to the syntax check).
 */
export function readableSkeletonOf(source: string): ReturnType<typeof skeletonOf> | undefined {
  try {
    return skeletonOf(source);
  } catch {
    const closed = withBlocksClosed(source);
    return closed === undefined ? undefined : skeletonOf(closed);
  }
}

/** A `{{ }}` or `{{> partial}}` of the source: where its placeholder stands in the skeleton, and the partial it names. */
interface Placeholder {
  at: number;
  line: number;
  /** 0-based, as Handlebars counts. */
  column: number;
  /** The partial's name when it is a `{{> name}}` naming it literally. */
  partial?: string;
}

/** A block with an `{{else}}`: the skeleton's ranges (start, end) of its two branches, of which a fill writes one. */
interface Branches {
  program: [number, number];
  inverse: [number, number];
}

/** The source as markup: its content as written, each mustache a placeholder; and where each run of it stands in the source. */
export function skeletonOf(source: string): { text: string; segments: Segment[]; placeholders: Placeholder[]; branches: Branches[] } {
  let text = "";
  const segments: Segment[] = [];
  const placeholders: Placeholder[] = [];
  const branches: Branches[] = [];
  const visit = (node: Node | undefined | null) => {
    if (!node) return;
    switch (node.type) {
      case "Program":
        for (const statement of (node as hbs.AST.Program).body) visit(statement);
        break;
      case "ContentStatement": {
        const content = node as hbs.AST.ContentStatement;
        segments.push({ at: text.length, text: content.value, line: content.loc.start.line, column: content.loc.start.column });
        text += content.value;
        break;
      }
      case "BlockStatement":
      case "DecoratorBlock":
      case "PartialBlockStatement": {
        const block = node as hbs.AST.BlockStatement;
        const programStart = text.length;
        visit(block.program);
        const inverseStart = text.length;
        visit(block.inverse);
        if (block.inverse) branches.push({ program: [programStart, inverseStart], inverse: [inverseStart, text.length] });
        break;
      }
      case "MustacheStatement":
      case "PartialStatement": {
        const name = node.type === "PartialStatement" ? (node as hbs.AST.PartialStatement).name : undefined;
        placeholders.push({
          at: text.length,
          line: node.loc.start.line,
          column: node.loc.start.column,
          ...(name?.type === "PathExpression" ? { partial: (name as hbs.AST.PathExpression).original } : {}),
        });
        text += FROM_DATA;
        break;
      }
      default:
        // Comments and decorators write nothing.
        break;
    }
  };
  // Without processing: the ContentStatements keep their text as written, so positions count in the source.
  visit(Handlebars.parseWithoutProcessing(source));
  return { text, segments, placeholders, branches };
}

/** The source line and column (from 1) of a skeleton offset. */
export function positionOf(segments: readonly Segment[], offset: number): { line: number; column: number } {
  let segment = segments[0];
  for (const candidate of segments) {
    if (candidate.at > offset) break;
    segment = candidate;
  }
  if (!segment) return { line: 1, column: 1 };
  const before = segment.text.slice(0, offset - segment.at);
  const breaks = before.split("\n");
  return breaks.length === 1 ? { line: segment.line, column: segment.column + before.length + 1 } : { line: segment.line + breaks.length - 1, column: breaks.at(-1)!.length + 1 };
}

/** `<name class="...">` as the source writes it, a `{{ }}` shown as such. */
function described(element: DefaultTreeAdapterTypes.Element): string {
  const cls = element.attrs.find((attribute) => attribute.name === "class")?.value;
  return `<${element.tagName}${cls ? ` class="${cls}"` : ""}>`.replaceAll(FROM_DATA, "{{…}}");
}

/**
 * Every element and attribute of a template's sources outside the letter vocabulary
 * (templates/VOCABULARY.md), one line each: `<file> line L, column C: <blink> is not an element of
 * the letter vocabulary`. `sources` maps how the person finds each file to its text; a source whose
 * only fault is a block left open is read as if closed at its end, any other that does not parse is
 * left to the syntax check.
 */
export function templateMarkupProblems(sources: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const [file, source] of Object.entries(sources)) {
    const skeleton = readableSkeletonOf(source);
    if (!skeleton) continue;
    // A fragment in a template's context: a partial may hold table rows or list items alone.
    const fragment = parseFragment(skeleton.text, { sourceCodeLocationInfo: true });
    for (const node of fragment.childNodes) {
      if (!("tagName" in node)) continue;
      for (const problem of vocabularyProblems(node, FROM_DATA)) {
        const location = problem.element.sourceCodeLocation;
        const offset = (problem.attribute && location?.attrs?.[problem.attribute.name]?.startOffset) ?? location?.startOffset ?? 0;
        const { line, column } = positionOf(skeleton.segments, offset);
        problems.push(`${file} line ${line}, column ${column}: ${described(problem.element)} ${problem.detail.replaceAll(FROM_DATA, "{{…}}")}`);
      }
    }
  }
  return problems;
}

type FragmentNode = DefaultTreeAdapterTypes.ChildNode;

const isElement = (node: FragmentNode): node is DefaultTreeAdapterTypes.Element => "tagName" in node;

/** Whether the node is `<article class="letter">`. */
const isLetterArticle = (node: FragmentNode) =>
  isElement(node) &&
  node.tagName === "article" &&
  (node.attrs
    .find((a) => a.name === "class")
    ?.value.split(/\s+/)
    .includes("letter") ??
    false);

/** The first `<article class="letter">` at any depth, with the top-level node that holds it. */
function letterArticleIn(nodes: readonly FragmentNode[]): { top: FragmentNode; article: FragmentNode } | undefined {
  const find = (node: FragmentNode): FragmentNode | undefined =>
    isLetterArticle(node) ? node : isElement(node) ? node.childNodes.map(find).find((found) => found !== undefined) : undefined;
  for (const top of nodes) {
    const article = find(top);
    if (article) return { top, article };
  }
  return undefined;
}

/**
 * What the filled letter would hold outside its one `<article class="letter">`, found in the
 * template's source when it loads rather than at render (where the filled letter has no file or
 * line): markup or text before or after the article, an element around it, a second article, a
 * `{{ }}` whose output would stand outside it, and the same in a partial `{{> name}}` called
 * outside it, each named by its file, line and column. White space, Handlebars comments and HTML
 * comments write nothing the letter holds. A letter.hbs that writes no `<article class="letter">`
 * itself (it may come from a partial) is not judged here; the render names it.
 *
 * @param file how the person finds letter.hbs (`templates/<name>/letter.hbs`)
 * @param source letter.hbs as written
 * @param partials the template's partials: each file as named in problems, and its source, by partial name
 */
export function outsideLetterProblems(file: string, source: string, partials: Readonly<Record<string, { file: string; source: string }>>): string[] {
  const skeleton = readableSkeletonOf(source);
  if (!skeleton) return [];
  const nodes = parseFragment(skeleton.text, { sourceCodeLocationInfo: true }).childNodes;
  const found = letterArticleIn(nodes);
  if (!found) return [];
  const problems: string[] = [];
  const at = (offset: number) => {
    const { line, column } = positionOf(skeleton.segments, offset);
    return `${file} line ${line}, column ${column}`;
  };
  if (found.top !== found.article)
    problems.push(
      `${at(found.top.sourceCodeLocation?.startOffset ?? 0)}: ${describedNode(found.top)} around <article class="letter">: the letter is one <article class="letter"> and nothing around it`,
    );
  // A node in the other branch of a block than the article's (`{{#if}}<article>…{{else}}<article>…{{/if}}`) is never beside it.
  const articleAt = found.top.sourceCodeLocation?.startOffset ?? 0;
  const inside = (offset: number, [start, end]: [number, number]) => offset >= start && offset < end;
  const alternative = (offset: number) =>
    skeleton.branches.some(({ program, inverse }) => (inside(articleAt, program) && inside(offset, inverse)) || (inside(articleAt, inverse) && inside(offset, program)));
  for (const node of nodes) {
    if (node === found.top || node.nodeName === "#comment") continue;
    const location = node.sourceCodeLocation;
    if (!location || alternative(location.startOffset)) continue;
    const where = location.startOffset < (found.top.sourceCodeLocation?.startOffset ?? 0) ? "before" : "after";
    if (isElement(node)) {
      const what = isLetterArticle(node) ? 'a second <article class="letter">' : describedNode(node);
      problems.push(`${at(location.startOffset)}: ${what} ${where} <article class="letter">: the letter is one <article class="letter"> and nothing ${where} it`);
      continue;
    }
    // Text: what the source writes (not white space), and each `{{ }}` in it.
    // The node's value, not its source: a stray end tag (`</article>` twice) is dropped by the parser as by the render.
    const text = (node as DefaultTreeAdapterTypes.TextNode).value ?? "";
    const written = /[^\s\uE000]/u.exec(text);
    if (written)
      problems.push(
        `${at(location.startOffset + written.index)}: text "${text.trim().replaceAll(FROM_DATA, "{{…}}").slice(0, 40)}" ${where} <article class="letter">: the letter is one <article class="letter"> and nothing ${where} it`,
      );
    for (const placeholder of skeleton.placeholders) {
      if (placeholder.at < location.startOffset || placeholder.at >= location.endOffset) continue;
      const position = `${file} line ${placeholder.line}, column ${placeholder.column + 1}`;
      const partial = placeholder.partial === undefined ? undefined : partials[placeholder.partial];
      if (placeholder.partial === undefined) {
        if (!written)
          problems.push(`${position}: {{…}} ${where} <article class="letter"> writes outside the letter: the letter is one <article class="letter"> and nothing ${where} it`);
      } else if (partial) problems.push(...writtenByPartial(partial.file, partial.source, `{{> ${placeholder.partial}}} (${position}) ${where} <article class="letter">`));
    }
  }
  return problems;
}

/** What a partial called outside the letter's article writes (anything but white space and comments), by its file and line. */
function writtenByPartial(file: string, source: string, calledAs: string): string[] {
  const skeleton = readableSkeletonOf(source);
  if (!skeleton) return [];
  const problems: string[] = [];
  for (const node of parseFragment(skeleton.text, { sourceCodeLocationInfo: true }).childNodes) {
    const location = node.sourceCodeLocation;
    if (node.nodeName === "#comment" || !location) continue;
    const written = isElement(node) ? { index: 0 } : /\S/u.exec((node as DefaultTreeAdapterTypes.TextNode).value ?? "");
    if (!written) continue;
    const { line, column } = positionOf(skeleton.segments, location.startOffset + written.index);
    const what = isElement(node) ? describedNode(node) : "text";
    problems.push(`${file} line ${line}, column ${column}: ${what}, written by ${calledAs}: the letter is one <article class="letter"> and nothing outside it`);
  }
  return problems;
}

/** An element as `described`, text as `text`. */
function describedNode(node: FragmentNode): string {
  return isElement(node) ? described(node) : "text";
}
