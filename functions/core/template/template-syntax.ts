import Handlebars from "handlebars";

/**
 * Where a Handlebars source fails to parse, as a person would look for it: the file, the line and
 * the column. Handlebars says "Parse error on line 3" with a 20-character excerpt, and for a block
 * left open ("{{#if}}" without "{{/if}}") points at the end of the file, far from the cause; this
 * names the block that was never closed instead, where it opens.
 */

/** A position in a source, counted from 1 as editors count. */
interface Position {
  line: number;
  column: number;
}

function positionOf(source: string, offset: number): Position {
  const before = source.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}

/** The source with comments and raw blocks blanked (same length, line breaks kept), so that what they hold opens no block. */
function withoutComments(source: string): string {
  const blank = (text: string) => text.replace(/[^\n]/g, " ");
  return source
    .replace(/\{\{!--[\s\S]*?--\}\}/g, blank)
    .replace(/\{\{![\s\S]*?\}\}/g, blank)
    .replace(/(\{\{\{\{[^}]*\}\}\}\})([\s\S]*?)(\{\{\{\{\/)/g, (_match, open: string, inner: string, close: string) => open + blank(inner) + close);
}

/** The blocks opened (`{{#name}}`, `{{^name}}`, `{{#> partial}}`, `{{#*inline}}`) and never closed, outermost first. */
function openBlocks(source: string): { name: string; opening: string; offset: number }[] {
  const text = withoutComments(source);
  const open: { name: string; opening: string; offset: number }[] = [];
  for (const match of text.matchAll(/\{\{~?\s*(?:([#^])\s*[>*]?\s*([^\s}~()]+)[^}]*\}\}|\/\s*([^\s}~]+)\s*~?\}\})/g)) {
    if (match[2] !== undefined) open.push({ name: match[2], opening: match[0], offset: match.index });
    else if (open.at(-1)?.name === match[3]) open.pop();
  }
  return open;
}

/** The innermost block opened (`{{#name}}`, `{{^name}}`, `{{#> partial}}`, `{{#*inline}}`) and never closed; undefined when every block closes. */
export function unclosedBlock(source: string): { name: string; opening: string; at: Position } | undefined {
  const last = openBlocks(source).at(-1);
  return last && { name: last.name, opening: last.opening, at: positionOf(source, last.offset) };
}

/**
 * A source whose only fault is blocks left open, with their closings added at its end, so that the
 * checks that read the rest of it (its markup, the messages it prints) still can: positions in it
 * are the source's own. Undefined when nothing is left open or the closed source still does not parse.
 */
export function withBlocksClosed(source: string): string | undefined {
  const open = openBlocks(source);
  if (open.length === 0) return undefined;
  const closed =
    source +
    open
      .reverse()
      .map((block) => `{{/${block.name}}}`)
      .join("");
  try {
    Handlebars.parse(closed);
    return closed;
  } catch {
    return undefined;
  }
}

/**
 * Every `{{> name}}` of a source naming no partial the template has (its partials/ files, and the
 * inline partials its sources define): one line each with the file, line and column, at load rather
 * than Handlebars' "The partial ... could not be found", without a place, at render. A partial block
 * (`{{#> name}}fallback{{/name}}`) draws its fallback, and a partial named from data (`{{> (name)}}`)
 * is known only at render; neither is checked.
 */
export function missingPartialProblems(file: string, source: string, partials: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const known = [...partials].sort();
  class Partials extends Handlebars.Visitor {
    override PartialStatement(partial: hbs.AST.PartialStatement): void {
      // The types say a path or a subexpression; the parser also gives a string literal for `{{> "name"}}`.
      const node = partial.name as hbs.AST.PathExpression | hbs.AST.SubExpression | hbs.AST.StringLiteral;
      const name = node.type === "PathExpression" ? node.original : node.type === "StringLiteral" ? node.value : undefined;
      if (name !== undefined && !partials.has(name)) {
        problems.push(
          `${file} line ${partial.loc.start.line}, column ${partial.loc.start.column + 1}: {{> ${name}}} names no partial of the template; expected ${known.length === 0 ? `a file partials/${name}.hbs` : `one of ${known.join(", ")} (partials/<name>.hbs)`}`,
        );
      }
    }
  }
  new Partials().accept(Handlebars.parse(source));
  return problems;
}

/** The names of the inline partials (`{{#*inline "name"}}`) a source defines. */
export function inlinePartialNames(source: string): string[] {
  const names: string[] = [];
  class Inline extends Handlebars.Visitor {
    override DecoratorBlock(block: hbs.AST.DecoratorBlock): void {
      const [name] = block.params;
      if ((block.path as hbs.AST.PathExpression).original === "inline" && name?.type === "StringLiteral") names.push((name as hbs.AST.StringLiteral).value);
      super.DecoratorBlock(block);
    }
  }
  new Inline().accept(Handlebars.parse(source));
  return names;
}

/**
 * The column of a jison parse error's caret on its line: the excerpt holds up to 20 characters
 * before the caret ("..." when cut) and 20 after, without line breaks; the one column of the line
 * that agrees with both. Undefined when none or several do.
 */
function caretColumn(lineText: string, excerpt: string, caret: number): number | undefined {
  let before = excerpt.slice(0, caret);
  const cut = before.startsWith("...");
  if (cut) before = before.slice(3);
  const after = excerpt.slice(caret).replace(/\.\.\.$/, "");
  const columns: number[] = [];
  for (let c = 0; c <= lineText.length; c++) {
    const head = lineText.slice(0, c);
    const tail = lineText.slice(c);
    const agreesBefore = head.length <= before.length ? before.endsWith(head) : cut && head.endsWith(before);
    const agreesAfter = tail.length <= after.length ? after.startsWith(tail) : tail.startsWith(after);
    if (agreesBefore && agreesAfter) columns.push(c + 1);
  }
  return columns.length === 1 ? columns[0] : undefined;
}

/** What the parser's token names stand for in a template (Handlebars' grammar, handlebars.yy). */
const TOKENS: Readonly<Record<string, string>> = {
  EOF: "the end of the file",
  INVERSE: "{{else}}",
  OPEN_INVERSE_CHAIN: "{{else ...}}",
  OPEN_ENDBLOCK: "a closing {{/...}}",
  CLOSE: "}}",
  CLOSE_UNESCAPED: "}}}",
  INVALID: "a character Handlebars does not read there",
  ID: "a name",
  STRING: "a string",
  NUMBER: "a number",
  EQUALS: "=",
  CONTENT: "text",
};

/** "Expecting 'ID', 'STRING', ..., got 'INVERSE'" as a person reads it: what was found, then what could stand there. */
function readable(expected: string): string {
  const parts = /^Expecting (.*), got '([^']+)'$/.exec(expected);
  if (!parts) return expected;
  const names = [...parts[1]!.matchAll(/'([^']+)'/g)].map((match) => match[1]!);
  const known = [...new Set(names.map((name) => TOKENS[name]).filter((text) => text !== undefined))];
  const found = TOKENS[parts[2]!] ?? parts[2]!;
  return `found ${found}${known.length > 0 ? `; expected ${known.join(", ")}` : ""}`;
}

/**
 * One line naming the file, the line and column, and what is wrong, for a source Handlebars could
 * not parse. `file` is how the person finds it (`templates/<name>/partials/body.hbs`).
 */
export function templateSyntaxProblem(file: string, source: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Handlebars' own exceptions ("if doesn't match each - 2:3") carry the position of the block.
  const { lineNumber, column } = error as { lineNumber?: number; column?: number };
  if (typeof lineNumber === "number") {
    return `${file} line ${lineNumber}${typeof column === "number" ? `, column ${column + 1}` : ""}: ${message.replace(/ - \d+:\d+$/, "")}`;
  }
  const parse = /^Parse error on line (\d+):\n(.*)\n(-*)\^\n([\s\S]*)$/.exec(message);
  if (!parse) return `${file}: ${message}`;
  const expected = parse[4]!;
  if (/got 'EOF'$/.test(expected)) {
    const block = unclosedBlock(source);
    if (block) {
      return `${file} line ${block.at.line}, column ${block.at.column}: ${block.opening} is not closed; expected {{/${block.name}}} before the end of the file`;
    }
  }
  const line = Number(parse[1]);
  const lineText = (source.split("\n")[line - 1] ?? "").replace(/\r$/, "");
  const at = caretColumn(lineText, parse[2]!, parse[3]!.length);
  return `${file} line ${line}${at === undefined ? "" : `, column ${at}`}: ${readable(expected)} (at "${parse[2]!.trim()}")`;
}

/**
 * A reader of Handlebars syntax trees that parses each source once (a partial called from several
 * places is one tree), and gives undefined for a source that does not parse: the syntax check says why.
 */
export function handlebarsTreeReader(): (source: string) => hbs.AST.Program | undefined {
  const trees = new Map<string, hbs.AST.Program | undefined>();
  return (source) => {
    if (!trees.has(source)) {
      try {
        trees.set(source, Handlebars.parse(source));
      } catch {
        trees.set(source, undefined);
      }
    }
    return trees.get(source);
  };
}
