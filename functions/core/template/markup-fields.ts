import Handlebars from "handlebars";
import { parseFragment } from "parse5";
import type { DefaultTreeAdapterTypes } from "parse5";
import { readableSkeletonOf } from "./template-markup";
import { type ContextModel, type FieldRead, followed, walkTemplateFields } from "./template-walk";

/**
 * Which fields of the letter's view a template prints as markup (`{{{title}}}`, `{{& title}}`, or as
 * an argument of a helper printed so), and the text of such a field where only text can go: the
 * HTML `<title>` and description, the PDF's /Title, /Author, /Subject and /Keywords (and their XMP),
 * the running title, the download's file name, the title the letters page shows, and an HTML
 * attribute a `{{ }}` puts it into (`title="{{title}}"`). Those places printed `<em>now</em>`
 * literally, tags and all, when the letter itself set the word in italics.
 */

/** A field of unknown context printed as markup: recorded by its last name (`*.name`), so a field of that name is taken as markup. */
const ANY = "*";

/** Contexts as the view paths they stand for ("" the view, "signatories" its items too); undefined when not known. */
export const VIEW_PATHS: ContextModel<string | undefined> = {
  root: "",
  unknown: undefined,
  field: (context, name) => (context === undefined ? undefined : context === "" ? name : `${context}.${name}`),
  item: (list) => list,
};

/**
 * The view path a field read reads (`signatories.name`), `*.name` when its context is not known
 * here, undefined when it reads no field of the view (`@index`, `{{this}}` of an unknown context).
 */
export function viewPathOf(read: FieldRead<string | undefined>): string | undefined {
  const { reading, expression } = read;
  if (reading.kind === "data") return undefined;
  const path = reading.kind === "past" ? undefined : followed(VIEW_PATHS, reading.from, reading.parts);
  if (path !== undefined) return path;
  return expression.parts.length === 0 ? undefined : `${ANY}.${expression.parts[expression.parts.length - 1]}`;
}

/**
 * The view paths (`title`, `signatories.name`, `recipient.country`; a list's items share its path)
 * that letter.hbs and the partials it calls print unescaped (`{{{title}}}`, `{{& title}}`, or as an
 * argument of a helper printed so: `{{{t "greeting" name=title}}}`), read as Handlebars reads the
 * context (template-walk.ts); inside a block helper of the template's own the context is unknown
 * and a field printed so is recorded by its name alone (`*.name`).
 */
export function unescapedViewFields(letter: string, partials: Readonly<Record<string, string>>): Set<string> {
  const fields = new Set<string>();
  walkTemplateFields(
    { file: "letter", source: letter },
    Object.fromEntries(Object.entries(partials).map(([name, source]) => [name, { file: name, source }])),
    VIEW_PATHS,
    (read) => {
      if (read.mustache.escaped) return;
      const path = viewPathOf(read);
      if (path !== undefined) fields.add(path);
    },
  );
  return fields;
}

/** Whether the view field at `path` (`title`, `signatories.name`) is printed as markup, by `unescapedViewFields`' answer. */
export function isMarkupField(fields: ReadonlySet<string>, path: string): boolean {
  return fields.has(path) || fields.has(`${ANY}.${path.slice(path.lastIndexOf(".") + 1)}`);
}

type Node = DefaultTreeAdapterTypes.ChildNode;

/**
 * The text of markup as a reader of it sees it: its characters, character references decoded once
 * (`&amp;` is "&"), no tags, a `<br>` a space, white space collapsed as HTML collapses it; its
 * edges trimmed for a whole text (a title), or kept for a piece that others join (an attribute's part).
 */
export function textOfMarkup(markup: string, edges: "trimmed" | "kept" = "trimmed"): string {
  let text = "";
  const visit = (nodes: readonly Node[]) => {
    for (const node of nodes) {
      if (node.nodeName === "#text") text += (node as DefaultTreeAdapterTypes.TextNode).value;
      else if (node.nodeName === "br") text += " ";
      else if ("childNodes" in node) visit(node.childNodes);
    }
  };
  visit(parseFragment(markup).childNodes);
  const collapsed = text.replace(/[ \t\n\f\r]+/g, " ");
  return edges === "trimmed" ? collapsed.trim() : collapsed;
}

/**
 * The helper the engine registers to print a markup field's text (`textOfMarkup`) where a
 * `{{ }}` stands in an HTML attribute. A name no template may call: the helper check refuses it.
 */
export const ATTRIBUTE_TEXT_HELPER = "letterpressAttributeText";

/** `line:column` (from 1) of a path expression, as the walk and the rewrite name it. */
const placeOf = (path: hbs.AST.PathExpression) => `${path.loc.start.line}:${path.loc.start.column + 1}`;

/** The `line:column` (from 1) of each `{{ }}` of a source that stands inside an HTML attribute (`title="{{x}}"`, `alt={{x}}`). */
function mustachesInAttributes(source: string): Set<string> {
  const skeleton = readableSkeletonOf(source);
  const places = new Set<string>();
  if (!skeleton) return places;
  const ranges: [number, number][] = [];
  const visit = (nodes: readonly Node[]) => {
    for (const node of nodes) {
      if (!("tagName" in node)) continue;
      for (const range of Object.values(node.sourceCodeLocation?.attrs ?? {})) ranges.push([range.startOffset, range.endOffset]);
      visit(node.childNodes);
    }
  };
  visit(parseFragment(skeleton.text, { sourceCodeLocationInfo: true }).childNodes);
  for (const placeholder of skeleton.placeholders)
    if (ranges.some(([start, end]) => placeholder.at >= start && placeholder.at < end)) places.add(`${placeholder.line}:${placeholder.column + 1}`);
  return places;
}

/**
 * Where letter.hbs and its partials put a markup field into an HTML attribute: the `line:column` of
 * each path expression (printed, or a helper's argument) that reads, in some context it is walked
 * in, a field the template prints unescaped elsewhere (`unescapedViewFields`), by source:
 * `letter`, or `partials/<name>`. An attribute takes text only; there the field's tags would show as
 * text (`title="Safe <em>now</em>"`), so `withMarkupFieldsAsText` gives it the field's text instead.
 * Empty when no source prints a field unescaped.
 */
export function markupFieldsInAttributes(letter: string, partials: Readonly<Record<string, string>>): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  // No field is printed as markup without {{{ }}} or {{& }}: most templates need no walk.
  if (![letter, ...Object.values(partials)].some((source) => /\{\{~?\s*(\{|&)/.test(source))) return found;
  const reads: { file: string; path: hbs.AST.PathExpression; mustache: hbs.AST.MustacheStatement; field: string | undefined }[] = [];
  const fields = new Set<string>();
  walkTemplateFields(
    { file: "letter", source: letter },
    Object.fromEntries(Object.entries(partials).map(([name, source]) => [name, { file: `partials/${name}`, source }])),
    VIEW_PATHS,
    (read) => {
      const field = viewPathOf(read);
      if (field !== undefined && !read.mustache.escaped) fields.add(field);
      reads.push({ file: read.file, path: read.expression, mustache: read.mustache, field });
    },
  );
  const sources: Record<string, string> = { letter, ...Object.fromEntries(Object.entries(partials).map(([name, source]) => [`partials/${name}`, source])) };
  const inAttributes = new Map<string, Set<string>>();
  for (const { file, path, mustache, field } of reads) {
    if (field === undefined || !isMarkupField(fields, field)) continue;
    let attributes = inAttributes.get(file);
    if (!attributes) inAttributes.set(file, (attributes = mustachesInAttributes(sources[file] ?? "")));
    if (!attributes.has(`${mustache.loc.start.line}:${mustache.loc.start.column + 1}`)) continue;
    found.set(file, (found.get(file) ?? new Set()).add(placeOf(path)));
  }
  return found;
}

/**
 * A source's syntax tree with each path expression at `places` (`markupFieldsInAttributes`) read
 * through ATTRIBUTE_TEXT_HELPER: `{{title}}` and `{{{title}}}` become `{{letterpressAttributeText
 * title}}`, escaped as any text (`{{{ }}}` included: the text of markup may hold a `"`), and a
 * helper's argument `name=title` becomes `name=(letterpressAttributeText title)`.
 */
export function withMarkupFieldsAsText(source: string, places: ReadonlySet<string>): hbs.AST.Program {
  const tree = Handlebars.parse(source);
  const asText = (path: hbs.AST.PathExpression): hbs.AST.SubExpression => ({
    type: "SubExpression",
    path: { type: "PathExpression", data: false, depth: 0, parts: [ATTRIBUTE_TEXT_HELPER], original: ATTRIBUTE_TEXT_HELPER, loc: path.loc } as hbs.AST.PathExpression,
    params: [path],
    hash: undefined as unknown as hbs.AST.Hash,
    loc: path.loc,
  });
  const read = (expression: hbs.AST.Expression): hbs.AST.Expression =>
    expression.type === "PathExpression" && places.has(placeOf(expression as hbs.AST.PathExpression)) ? asText(expression as hbs.AST.PathExpression) : expression;
  class Rewrite extends Handlebars.Visitor {
    override MustacheStatement(mustache: hbs.AST.MustacheStatement): void {
      if (mustache.params.length === 0 && !mustache.hash) {
        if (mustache.path.type === "PathExpression" && places.has(placeOf(mustache.path as hbs.AST.PathExpression))) {
          mustache.params = [mustache.path as hbs.AST.PathExpression];
          mustache.path = asText(mustache.path as hbs.AST.PathExpression).path;
          mustache.escaped = true;
        }
        return;
      }
      mustache.params = mustache.params.map(read);
      for (const pair of mustache.hash?.pairs ?? []) pair.value = read(pair.value);
    }
  }
  new Rewrite().accept(tree);
  return tree;
}
