import { parseFragment } from "parse5";
import type { DefaultTreeAdapterTypes } from "parse5";
import { type ContextModel, type FieldRead, followed, walkTemplateFields } from "./template-walk";

/**
 * Which fields of the letter's view a template prints as markup (`{{{title}}}`, `{{& title}}`, or as
 * an argument of a helper printed so), and the text of such a field where only text can go: the
 * HTML `<title>` and description, the PDF's /Title, /Author, /Subject and /Keywords (and their XMP),
 * the running title, the download's file name and the title the letters page shows. Those places
 * printed `<em>now</em>` literally, tags and all, when the letter itself set the word in italics.
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
 * (`&amp;` is "&"), no tags, a `<br>` a space, white space collapsed as HTML collapses it.
 */
export function textOfMarkup(markup: string): string {
  let text = "";
  const visit = (nodes: readonly Node[]) => {
    for (const node of nodes) {
      if (node.nodeName === "#text") text += (node as DefaultTreeAdapterTypes.TextNode).value;
      else if (node.nodeName === "br") text += " ";
      else if ("childNodes" in node) visit(node.childNodes);
    }
  };
  visit(parseFragment(markup).childNodes);
  return text.replace(/[ \t\n\f\r]+/g, " ").trim();
}
