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

/** The source as markup: its content as written, each mustache a placeholder; and where each run of it stands in the source. */
export function skeletonOf(source: string): { text: string; segments: Segment[] } {
  let text = "";
  const segments: Segment[] = [];
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
        visit(block.program);
        visit(block.inverse);
        break;
      }
      case "MustacheStatement":
      case "PartialStatement":
        text += FROM_DATA;
        break;
      default:
        // Comments and decorators write nothing.
        break;
    }
  };
  // Without processing: the ContentStatements keep their text as written, so positions count in the source.
  visit(Handlebars.parseWithoutProcessing(source));
  return { text, segments };
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
