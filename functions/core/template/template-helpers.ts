import Handlebars from "handlebars";
import { withBlocksClosed } from "./template-syntax";

/**
 * Handlebars' own helpers and letterpress's one (`t`): every name a template may call with
 * arguments. Anything else is an unknown helper, which strict Handlebars refuses only when the
 * line that calls it is filled, one per run, named by a line of the filled output.
 */
export const KNOWN_HELPERS: ReadonlySet<string> = new Set(["t", "if", "unless", "each", "with", "lookup", "log"]);

type Node = hbs.AST.Node;
type Call = hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression;

/**
 * Every call of a helper the template does not have, in one source, by walking its Handlebars syntax
 * tree: `{{name arg}}`, `{{#name arg}}`, `(name arg)` and `{{name key=value}}`, wherever they stand
 * (in blocks, inverse branches, arguments). A bare `{{name}}` or `{{#name}}` reads a field and is not
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
    const isCall = call.params.length > 0 || (call.hash?.pairs.length ?? 0) > 0 || call.type === "SubExpression";
    if (!isCall || known.has(path.original)) return;
    const { line, column } = call.loc.start;
    problems.push(
      `${file} line ${line}, column ${column + 1}: {{${path.original} …}} calls a helper the template does not have; expected one of ${expected} (a field is read as {{${path.original}}}, with no arguments)`,
    );
  };
  visit(program);
  return problems;
}
