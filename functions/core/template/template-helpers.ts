import Handlebars from "handlebars";
import { withBlocksClosed } from "./template-syntax";

/**
 * Handlebars' own helpers and letterpress's one (`t`): every name a template may call with
 * arguments. Anything else is an unknown helper, which strict Handlebars refuses only when the
 * line that calls it is filled, one per run, named by a line of the filled output.
 * Not `log`: see FORBIDDEN_HELPERS.
 */
export const KNOWN_HELPERS: ReadonlySet<string> = new Set(["t", "if", "unless", "each", "with", "lookup"]);

/**
 * Handlebars' own helpers a template may not use, with why. `log` writes to the console of whoever
 * runs the tool (unlabelled, once per edition, so twice per document; in a Lambda, into its logs):
 * the console is the tool's, and a template's output is its document. It is refused when the
 * template loads rather than made a no-op, because a no-op would let a template ship with a
 * line that silently does nothing its author meant it to do (the engine also unregisters it).
 */
export const FORBIDDEN_HELPERS: Readonly<Record<string, string>> = Object.freeze({
  log: "writes to the console of whoever runs letterpress, which a template may not do (its output is the document); remove it",
});

type Node = hbs.AST.Node;
type Call = hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression;

/**
 * Every call of a helper the template does not have, in one source, by walking its Handlebars syntax
 * tree: `{{name arg}}`, `{{#name arg}}`, `(name arg)` and `{{name key=value}}`, wherever they stand
 * (in blocks, inverse branches, arguments), and every use of a forbidden one (`{{log}}`, bare too).
 * A bare `{{name}}` or `{{#name}}` reads a field and is not
 * a call. Each problem names the file, the line and the column (from 1).
 */
export function unknownHelperProblems(file: string, source: string, known: ReadonlySet<string> = KNOWN_HELPERS): string[] {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parseWithoutProcessing(source);
  } catch {
    // A block left open hides none of the source's calls: read with its closings added at the end
    // (as the markup check does), so an unknown helper is said in the same run as the open block.
    // Any other source that does not parse is named by the syntax check.
    const closed = withBlocksClosed(source);
    if (closed === undefined) return [];
    program = Handlebars.parseWithoutProcessing(closed);
  }
  const problems: string[] = [];
  const expected = [...known].join(", ");
  const visit = (node: Node | undefined | null): void => {
    if (!node) return;
    switch (node.type) {
      case "Program":
        for (const statement of (node as hbs.AST.Program).body) visit(statement);
        return;
      case "MustacheStatement":
      case "BlockStatement":
      case "SubExpression":
      case "PartialStatement":
      case "PartialBlockStatement":
      case "DecoratorBlock": {
        const call = node as Call;
        if (node.type !== "PartialStatement" && node.type !== "PartialBlockStatement" && node.type !== "DecoratorBlock") check(call);
        for (const param of call.params ?? []) visit(param);
        for (const pair of call.hash?.pairs ?? []) visit(pair.value);
        const block = node as hbs.AST.BlockStatement;
        visit(block.program);
        visit(block.inverse);
        return;
      }
      default:
        return;
    }
  };
  const check = (call: Call) => {
    const path = call.path as hbs.AST.PathExpression;
    if (path.type !== "PathExpression" || path.data) return;
    const { line, column } = call.loc.start;
    // `this.log` is a field: its original is "this.log".
    const forbidden = Object.hasOwn(FORBIDDEN_HELPERS, path.original) ? FORBIDDEN_HELPERS[path.original] : undefined;
    // Bare too: `{{log}}` would otherwise be read as a field of that name, not found when filled.
    if (forbidden !== undefined) {
      problems.push(`${file} line ${line}, column ${column + 1}: {{${path.original}}} ${forbidden}`);
      return;
    }
    const isCall = call.params.length > 0 || (call.hash?.pairs.length ?? 0) > 0 || call.type === "SubExpression";
    if (!isCall || known.has(path.original)) return;
    problems.push(
      `${file} line ${line}, column ${column + 1}: {{${path.original} …}} calls a helper the template does not have; expected one of ${expected} (a field is read as {{${path.original}}}, with no arguments)`,
    );
  };
  visit(program);
  return problems;
}
