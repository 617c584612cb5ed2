import { handlebarsTreeReader } from "./template-syntax";
import { parseFragment } from "parse5";
import type { DefaultTreeAdapterTypes } from "parse5";

/**
 * Which fields of the letter's view a template prints as markup (`{{{title}}}`, `{{& title}}`, or as
 * an argument of a helper printed so), and the text of such a field where only text can go: the
 * HTML `<title>` and description, the PDF's /Title, /Author, /Subject and /Keywords (and their XMP),
 * the running title, the download's file name and the title the letters page shows. Those places
 * printed `<em>now</em>` literally, tags and all, when the letter itself set the word in italics.
 */

/** A context the walk reads: the view path it stands for ("" the view, "signatories" its items; undefined when not known), and names bound in it. */
interface Scope {
  path: string | undefined;
  names: ReadonlyMap<string, string | undefined>;
}

/** A field of unknown context printed as markup: recorded by its last name (`*.name`), so a field of that name is taken as markup. */
const ANY = "*";

function joined(base: string, parts: readonly string[]): string {
  return [base, ...parts].filter((part) => part !== "").join(".");
}

/**
 * The view paths (`title`, `signatories.name`, `recipient.country`; a list's items share its path)
 * that letter.hbs and the partials it calls print unescaped. Read as Handlebars reads the context:
 * `{{#each}}` and `{{#with}}` make their argument the context, `../` goes back, `@root` is the view,
 * block parameters and a partial's hash name paths; inside a block helper of the template's own the
 * context is unknown and a field printed so is recorded by its name alone (`*.name`).
 */
export function unescapedViewFields(letter: string, partials: Readonly<Record<string, string>>): Set<string> {
  const fields = new Set<string>();
  const treeOf = handlebarsTreeReader();
  const walked = new Set<string>();

  /** The view path an expression reads, undefined for none (a literal, `@index`), or `*.name` when its context is not known. */
  const pathOf = (expression: hbs.AST.Expression, stack: readonly Scope[]): string | undefined => {
    if (expression.type !== "PathExpression") return undefined;
    const path = expression as hbs.AST.PathExpression;
    if (path.data) return path.parts[0] === "root" ? joined("", path.parts.slice(1)) : undefined;
    const [first, ...rest] = path.parts;
    if (path.depth === 0 && first !== undefined) {
      for (let i = stack.length - 1; i >= 0; i--) {
        const scope = stack[i]!;
        if (scope.names.has(first)) {
          const named = scope.names.get(first);
          return named === undefined ? `${ANY}.${path.parts[path.parts.length - 1]}` : joined(named, rest);
        }
      }
    }
    const scope = stack[stack.length - 1 - path.depth];
    if (scope?.path === undefined) return path.parts.length === 0 ? undefined : `${ANY}.${path.parts[path.parts.length - 1]}`;
    return joined(scope.path, path.parts);
  };

  const walk = (program: hbs.AST.Program, stack: readonly Scope[]): void => {
    for (const statement of program.body) {
      if (statement.type === "MustacheStatement") {
        const mustache = statement as hbs.AST.MustacheStatement;
        if (mustache.escaped) continue;
        // A field printed so, or a helper's argument whose result is printed so (`{{{t "key" name=title}}}`).
        const read = mustache.params.length === 0 && !mustache.hash ? [mustache.path] : [...mustache.params, ...(mustache.hash?.pairs.map((pair) => pair.value) ?? [])];
        for (const expression of read) {
          const path = pathOf(expression as hbs.AST.Expression, stack);
          if (path !== undefined) fields.add(path);
        }
      } else if (statement.type === "BlockStatement") {
        const block = statement as hbs.AST.BlockStatement;
        const name = block.path.type === "PathExpression" ? (block.path as hbs.AST.PathExpression).original : "";
        const argument = block.params[0] ? pathOf(block.params[0], stack) : undefined;
        const [itemName] = block.program.blockParams ?? [];
        const names = itemName === undefined ? new Map() : new Map([[itemName, argument]]);
        if (name === "if" || name === "unless") walk(block.program, stack);
        else if (name === "each" || name === "with") walk(block.program, [...stack, { path: argument, names }]);
        else walk(block.program, [...stack, { path: undefined, names: new Map() }]);
        if (block.inverse) walk(block.inverse, stack);
      } else if (statement.type === "PartialStatement") {
        const call = statement as hbs.AST.PartialStatement;
        if (call.name.type !== "PathExpression") continue;
        const source = partials[(call.name as hbs.AST.PathExpression).original];
        const tree = source === undefined ? undefined : treeOf(source);
        if (!tree) continue;
        const [argument] = call.params;
        const names = new Map((call.hash?.pairs ?? []).map((pair): [string, string | undefined] => [pair.key, pathOf(pair.value, stack)]));
        const current = stack[stack.length - 1]!;
        const scope: Scope = { path: argument ? pathOf(argument, stack) : current.path, names };
        const key = `${source}\u0000${scope.path}\u0000${JSON.stringify([...names])}`;
        if (walked.has(key)) continue;
        walked.add(key);
        walk(tree, argument || call.hash ? [...stack, scope] : stack);
      }
    }
  };

  const tree = treeOf(letter);
  if (tree) walk(tree, [{ path: "", names: new Map() }]);
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
