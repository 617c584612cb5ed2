import { handlebarsTreeReader } from "./template-syntax";

/**
 * One walk of the fields a letter template reads, in the context Handlebars reads each in: the
 * check of unknown view fields (view-fields.ts) and the search for fields printed as markup
 * (markup-fields.ts) both read the template through it. `{{#each}}` and `{{#with}}` make their item
 * the context, `{{#if}}`/`{{#unless}}` keep it, a block helper of the template's own opens a context
 * not known here; `../` goes back, `@root` is the view; block parameters (`as |item index|`) name
 * values for the block and the partials it calls; a partial reads the context it is called with
 * (its argument, or its caller's) and its hash's names.
 */

/**
 * What a walk knows of a context, as its caller models it (a shape of the view, a view path): the
 * view itself, a field of a context, the item of a list, and a value for a context not known.
 */
export interface ContextModel<C> {
  readonly root: C;
  /** The context not known here (inside a block helper of the template's own, a literal's); compared with `===`. */
  readonly unknown: C;
  field(context: C, name: string): C;
  item(list: C): C;
}

/** What a path expression reads, before its parts are followed. */
export type Reading<C> =
  /** `parts` of the context `from` (the view's for `@root.x`, `fromRoot`). */
  | { kind: "field"; from: C; parts: readonly string[]; fromRoot: boolean }
  /** Its first part names a block parameter or a partial's hash value, `from`; `parts` are those after it. */
  | { kind: "bound"; from: C; parts: readonly string[] }
  /** Data, not a field of the view: `@index`, `@key`, a block's index parameter. */
  | { kind: "data" }
  /** A `../` going back past the outermost context: Handlebars' strict mode throws for it at render. */
  | { kind: "past" };

/** One path a `{{ }}` of the template reads, where it stands and what it reads. */
export interface FieldRead<C> {
  /** How the person finds the source it stands in (the letter's, or the partial's). */
  file: string;
  /** Its position in that source, counted from 1. */
  line: number;
  column: number;
  expression: hbs.AST.PathExpression;
  /** The `{{ }}` that reads it (`escaped` false for `{{{ }}}` and `{{& }}`). */
  mustache: hbs.AST.MustacheStatement;
  /** `printed`: the `{{ }}` prints the path itself; `argument`: a helper's argument or hash value, whose result it prints. */
  role: "printed" | "argument";
  reading: Reading<C>;
  /** How many contexts enclose the one it stands in (0 at the top of letter.hbs). */
  enclosing: number;
  /** Whether one of those contexts (or its own) is not known here. */
  withinUnknown: boolean;
}

/** The context `from` after following `parts` through the model. */
export function followed<C>(model: ContextModel<C>, from: C, parts: readonly string[]): C {
  return parts.reduce((context, part) => model.field(context, part), from);
}

/** A context of the walk: what it reads, and the names a partial's hash adds to it. */
interface Scope<C> {
  context: C;
  hash: ReadonlyMap<string, C>;
}

/** A block parameter: the value it names, or null for an index or key (data, not a field). */
type Parameters<C> = ReadonlyMap<string, C | null>;

/**
 * Calls `visit` with every path a `{{ }}` of letter.hbs and of the partials it calls reads, in
 * source order, a partial where it is called (walked once per context it is called in; a partial
 * calling itself ends). A source that does not parse is not walked: the syntax check names it.
 *
 * @param letter letter.hbs: how the person finds it, and its source
 * @param partials the template's partials by name, each with its file and source
 */
export function walkTemplateFields<C>(
  letter: { file: string; source: string },
  partials: Readonly<Record<string, { file: string; source: string }>>,
  model: ContextModel<C>,
  visit: (read: FieldRead<C>) => void,
): void {
  const treeOf = handlebarsTreeReader();
  const walked = new Set<string>();

  const readingOf = (path: hbs.AST.PathExpression, stack: readonly Scope<C>[], parameters: Parameters<C>): Reading<C> => {
    if (path.data) return path.parts[0] === "root" ? { kind: "field", from: model.root, parts: path.parts.slice(1), fromRoot: true } : { kind: "data" };
    const [first, ...rest] = path.parts;
    if (path.depth === 0 && first !== undefined) {
      const parameter = parameters.get(first);
      if (parameter === null) return { kind: "data" };
      if (parameter !== undefined) return { kind: "bound", from: parameter, parts: rest };
      const hashed = stack[stack.length - 1]!.hash.get(first);
      if (hashed !== undefined) return { kind: "bound", from: hashed, parts: rest };
    }
    const scope = stack[stack.length - 1 - path.depth];
    return scope ? { kind: "field", from: scope.context, parts: path.parts, fromRoot: false } : { kind: "past" };
  };

  /** The context an expression (a block's or a partial's argument, a hash value) makes. */
  const contextOf = (expression: hbs.AST.Expression | undefined, stack: readonly Scope<C>[], parameters: Parameters<C>): C => {
    if (expression?.type !== "PathExpression") return model.unknown;
    const reading = readingOf(expression as hbs.AST.PathExpression, stack, parameters);
    return reading.kind === "field" || reading.kind === "bound" ? followed(model, reading.from, reading.parts) : model.unknown;
  };

  const walk = (program: hbs.AST.Program, file: string, stack: readonly Scope<C>[], parameters: Parameters<C>): void => {
    const withinUnknown = stack.some((scope) => scope.context === model.unknown);
    for (const statement of program.body) {
      if (statement.type === "MustacheStatement") {
        const mustache = statement as hbs.AST.MustacheStatement;
        const printsItsPath = mustache.params.length === 0 && !mustache.hash;
        const read = printsItsPath ? [mustache.path] : [...mustache.params, ...(mustache.hash?.pairs.map((pair) => pair.value) ?? [])];
        for (const expression of read) {
          if (expression.type !== "PathExpression") continue;
          const path = expression as hbs.AST.PathExpression;
          visit({
            file,
            line: path.loc.start.line,
            column: path.loc.start.column + 1,
            expression: path,
            mustache,
            role: printsItsPath ? "printed" : "argument",
            reading: readingOf(path, stack, parameters),
            enclosing: stack.length - 1,
            withinUnknown,
          });
        }
      } else if (statement.type === "BlockStatement") {
        const block = statement as hbs.AST.BlockStatement;
        const name = block.path.type === "PathExpression" ? (block.path as hbs.AST.PathExpression).original : "";
        const argument = contextOf(block.params[0], stack, parameters);
        if (name === "if" || name === "unless") walk(block.program, file, stack, parameters);
        else if (name === "each" || name === "with") {
          const context = name === "each" ? model.item(argument) : argument;
          // `as |item index|`: the item (each's, or with's argument), then its index or key.
          const [itemName, indexName] = block.program.blockParams ?? [];
          const named = new Map<string, C | null>(parameters);
          if (itemName !== undefined) named.set(itemName, context);
          if (indexName !== undefined) named.set(indexName, null);
          walk(block.program, file, [...stack, { context, hash: new Map() }], named);
        } else walk(block.program, file, [...stack, { context: model.unknown, hash: new Map() }], parameters);
        if (block.inverse) walk(block.inverse, file, stack, parameters);
      } else if (statement.type === "PartialStatement") {
        const call = statement as hbs.AST.PartialStatement;
        if (call.name.type !== "PathExpression") continue;
        const partial = partials[(call.name as hbs.AST.PathExpression).original];
        const tree = partial ? treeOf(partial.source) : undefined;
        if (!partial || !tree) continue;
        const [argument] = call.params;
        const scope: Scope<C> = {
          context: argument ? contextOf(argument, stack, parameters) : stack[stack.length - 1]!.context,
          hash: new Map((call.hash?.pairs ?? []).map((pair): [string, C] => [pair.key, contextOf(pair.value, stack, parameters)])),
        };
        const key = JSON.stringify([partial.file, scope.context ?? null, [...scope.hash], [...parameters]]);
        if (walked.has(key)) continue;
        walked.add(key);
        // Called with its caller's context, the partial reads it at the same depth (`../` goes where the caller's would).
        walk(tree, partial.file, argument || call.hash ? [...stack, scope] : stack, parameters);
      }
    }
  };

  const tree = treeOf(letter.source);
  if (tree) walk(tree, letter.file, [{ context: model.root, hash: new Map() }], new Map());
}
