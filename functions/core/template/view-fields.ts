import { handlebarsTreeReader } from "./template-syntax";

/**
 * A field of the letter's view as the template reads it (letter-view.ts, LetterView): a value
 * (`null`), an object's fields, or a list's items (`{ items }`), which `{{#each}}` makes the context.
 */
type FieldShape = null | { readonly fields: Readonly<Record<string, FieldShape>> } | { readonly items: FieldShape };

const object = (fields: Record<string, FieldShape>): FieldShape => ({ fields });
const list = (items: FieldShape): FieldShape => ({ items });

/**
 * The letter's view (LetterView), field by field: what `{{x}}` in letter.hbs and its partials may
 * read. A segment is a run of text or a quotation: its item has the fields of both (`{{#if quote}}` chooses).
 * Kept beside LetterView: test/core/template/view-fields.test.ts fills a real view and compares.
 */
export const LETTER_VIEW_SHAPE: FieldShape = object({
  letterId: null,
  locale: null,
  lang: null,
  dir: null,
  sourceLocale: null,
  isTranslation: null,
  excerpt: null,
  title: null,
  summary: null,
  sender: null,
  date: object({ iso: null, epochMs: null }),
  paragraphs: list(object({ id: null, segments: list(object({ text: null, quote: null, sourceId: null, sourceName: null })) })),
  signatories: list(object({ id: null, name: null, abbreviation: null })),
  signatoryCount: null,
  sources: list(object({ id: null, name: null })),
  recipient: object({ id: null, country: null, representative: null, representativeName: null }),
  recipientList: null,
  addressee: list(null),
  salutation: null,
  valediction: null,
  senderKind: null,
});

/** What a context reads: a known shape, or unknown (inside a block helper of the template's own, or a value's fields). */
type Context = FieldShape | "unknown";

/**
 * Every `{{field}}` of letter.hbs and the partials it calls that is no field of the letter's view
 * where it stands: each said with its file, line and column, when the template loads (strict mode
 * finds it only when a letter fills that line, `{{subtitle}}` in a partial included). Read the way
 * Handlebars reads the context: `{{#each}}` and `{{#with}}` make their item the context, `../` goes
 * back (and past the outermost context is an error), `@root` is the view, a partial reads the context
 * it is called with and its hash. Only plain `{{a.b}}` are checked
 * (strict mode throws for those; a helper's arguments, `{{#if x}}` too, are read leniently), and
 * nothing inside a context it cannot know. `helpers`: names that call a helper, not a field.
 */
export function unknownViewFieldProblems(
  letter: { file: string; source: string },
  partials: Readonly<Record<string, { file: string; source: string }>>,
  helpers: ReadonlySet<string>,
): string[] {
  const problems = new Set<string>();
  const treeOf = handlebarsTreeReader();
  // A partial called in the same context twice is walked once (and a partial calling itself ends).
  const walked = new Set<string>();

  const fieldsOf = (context: Context, path: hbs.AST.PathExpression, stack: readonly Context[]): Context => {
    let shape: Context = path.depth > 0 ? (stack[stack.length - 1 - path.depth] ?? "unknown") : context;
    for (const part of path.parts) {
      if (shape === "unknown" || shape === null || !("fields" in shape)) return "unknown";
      shape = shape.fields[part] ?? "unknown";
    }
    return shape;
  };

  const walk = (program: hbs.AST.Program, file: string, stack: Context[], blockParams: ReadonlySet<string>): void => {
    const context = stack[stack.length - 1]!;
    const check = (path: hbs.AST.PathExpression) => {
      const at = `${file} line ${path.loc.start.line}, column ${path.loc.start.column + 1}: {{${path.original}}}`;
      // `@root.x` reads the letter's view wherever it stands; other data (@index, @key, @first) is no field.
      const fromRoot = path.data && path.parts[0] === "root";
      if ((path.data && !fromRoot) || path.parts.length === 0 || blockParams.has(path.parts[0]!)) return;
      if (path.parts.length === 1 && path.depth === 0 && helpers.has(path.parts[0]!)) return;
      // `../` past the outermost context reads nothing, which strict mode throws for at render. Not said
      // inside a block helper of the template's own, which may or may not open a context of its own.
      if (!fromRoot && path.depth > stack.length - 1 && !stack.includes("unknown")) {
        problems.add(
          `${at}: goes back ${path.depth} ${path.depth === 1 ? "context" : "contexts"} ("../"), but ${stack.length === 1 ? "none encloses it" : `only ${stack.length - 1} ${stack.length === 2 ? "encloses" : "enclose"} it`} here (templates/VOCABULARY.md)`,
        );
        return;
      }
      let shape: Context = fromRoot ? LETTER_VIEW_SHAPE : path.depth > 0 ? (stack[stack.length - 1 - path.depth] ?? "unknown") : context;
      const read: string[] = [];
      for (const part of fromRoot ? path.parts.slice(1) : path.parts) {
        if (shape === "unknown" || shape === null || !("fields" in shape)) return;
        const next: FieldShape | undefined = shape.fields[part];
        if (next === undefined) {
          const where = read.length === 0 ? (fromRoot || stack.length === 1 ? "the letter's view" : "the item this block reads") : `"${read.join(".")}"`;
          problems.add(`${at}: "${part}" is not a field of ${where}; expected one of ${Object.keys(shape.fields).join(", ")} (templates/VOCABULARY.md)`);
          return;
        }
        read.push(part);
        shape = next;
      }
    };
    const item = (shape: Context): Context => (shape !== "unknown" && shape !== null && "items" in shape ? shape.items : "unknown");
    for (const statement of program.body) {
      if (statement.type === "MustacheStatement") {
        const mustache = statement as hbs.AST.MustacheStatement;
        if (mustache.path.type === "PathExpression" && mustache.params.length === 0 && !mustache.hash) check(mustache.path as hbs.AST.PathExpression);
      } else if (statement.type === "BlockStatement") {
        const block = statement as hbs.AST.BlockStatement;
        const name = block.path.type === "PathExpression" ? (block.path as hbs.AST.PathExpression).original : "";
        const [first] = block.params;
        const argument = first?.type === "PathExpression" ? fieldsOf(context, first as hbs.AST.PathExpression, stack) : "unknown";
        const params = new Set([...blockParams, ...(block.program.blockParams ?? [])]);
        if (name === "if" || name === "unless") walk(block.program, file, stack, params);
        else if (name === "each") walk(block.program, file, [...stack, block.program.blockParams?.length ? context : item(argument)], params);
        else if (name === "with") walk(block.program, file, [...stack, block.program.blockParams?.length ? context : argument], params);
        // A block helper of the template's own: its context is not known here.
        else walk(block.program, file, [...stack, "unknown"], params);
        if (block.inverse) walk(block.inverse, file, stack, blockParams);
      } else if (statement.type === "PartialStatement") {
        const call = statement as hbs.AST.PartialStatement;
        if (call.name.type !== "PathExpression") continue;
        const partial = partials[(call.name as hbs.AST.PathExpression).original];
        const tree = partial ? treeOf(partial.source) : undefined;
        if (!partial || !tree) continue;
        const [argument] = call.params;
        let called: Context = argument ? (argument.type === "PathExpression" ? fieldsOf(context, argument as hbs.AST.PathExpression, stack) : "unknown") : context;
        // The hash's names join the context the partial reads.
        if (call.hash && called !== "unknown" && called !== null && "fields" in called)
          called = { fields: { ...called.fields, ...Object.fromEntries(call.hash.pairs.map((pair) => [pair.key, null])) } };
        else if (call.hash) called = "unknown";
        const key = `${partial.file}\u0000${JSON.stringify(called)}\u0000${[...blockParams].join()}`;
        if (walked.has(key)) continue;
        walked.add(key);
        // Called with its caller's context, the partial reads it at the same depth (`../` goes where the caller's would).
        walk(tree, partial.file, argument || call.hash ? [...stack, called] : stack, blockParams);
      }
    }
  };

  const tree = treeOf(letter.source);
  if (tree) walk(tree, letter.file, [LETTER_VIEW_SHAPE], new Set());
  return [...problems];
}
