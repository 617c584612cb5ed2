import Handlebars from "handlebars";

/** What one Handlebars source reads, from its syntax tree. */
export interface SourceReferences {
  /** First parts of every path expression (the view's fields, wherever they stand), in order of first use. */
  paths: string[];
  /** Every `{{t "key"}}` call, in order, with the names of the arguments it passes and where it stands (from 1). */
  calls: { key: string; arguments: string[]; line: number; column: number }[];
  /** Whether a `{{t}}` names its key other than by a string literal (from data). */
  dynamicKeys: boolean;
}

/**
 * The fields and message keys a template source reads. Computed when a template is compiled at run
 * time, and kept beside the precompiled template when it is prepared at bundling time (one function, so both agree).
 */
export function sourceReferences(source: string): SourceReferences {
  const paths = new Set<string>();
  const calls: SourceReferences["calls"] = [];
  let dynamicKeys = false;
  const messageKey = (call: hbs.AST.MustacheStatement | hbs.AST.SubExpression) => {
    if (call.path.type !== "PathExpression" || (call.path as hbs.AST.PathExpression).original !== "t") return;
    const [key] = call.params;
    if (key?.type !== "StringLiteral") {
      dynamicKeys = true;
      return;
    }
    calls.push({
      key: (key as hbs.AST.StringLiteral).value,
      arguments: [...new Set((call.hash?.pairs ?? []).map((pair) => pair.key))],
      line: call.loc.start.line,
      column: call.loc.start.column + 1,
    });
  };
  class Collector extends Handlebars.Visitor {
    override PathExpression(path: hbs.AST.PathExpression): void {
      if (!path.data && path.parts[0] !== undefined) paths.add(path.parts[0]);
    }
    override MustacheStatement(mustache: hbs.AST.MustacheStatement): void {
      messageKey(mustache);
      super.MustacheStatement(mustache);
    }
    override SubExpression(sexpr: hbs.AST.SubExpression): void {
      messageKey(sexpr);
      super.SubExpression(sexpr);
    }
    // A partial's name (`{{> addressee}}`) names a file, not a field of the view: only its arguments are read.
    override PartialStatement(partial: hbs.AST.PartialStatement): void {
      for (const param of partial.params) this.accept(param);
      if (partial.hash) this.accept(partial.hash);
    }
  }
  new Collector().accept(Handlebars.parse(source));
  return { paths: [...paths], calls, dynamicKeys };
}
