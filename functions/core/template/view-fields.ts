import { type ContextModel, walkTemplateFields } from "./template-walk";

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

/** The view's shapes as the walk of a template's fields reads its contexts. */
const VIEW_SHAPES: ContextModel<Context> = {
  root: LETTER_VIEW_SHAPE,
  unknown: "unknown",
  field: (context, name) => (context !== "unknown" && context !== null && "fields" in context ? (context.fields[name] ?? "unknown") : "unknown"),
  item: (list) => (list !== "unknown" && list !== null && "items" in list ? list.items : "unknown"),
};

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
  walkTemplateFields(letter, partials, VIEW_SHAPES, (read) => {
    // Only a `{{a.b}}` printing its path is checked: strict mode throws for those; a helper's arguments are read leniently.
    const { expression: path, reading } = read;
    if (read.role !== "printed" || path.parts.length === 0) return;
    // Data (@index, @key), a block parameter and a partial's hash name no field of the view.
    if (reading.kind === "data" || reading.kind === "bound") return;
    if (path.parts.length === 1 && path.depth === 0 && helpers.has(path.parts[0]!)) return;
    const at = `${read.file} line ${read.line}, column ${read.column}: {{${path.original}}}`;
    if (reading.kind === "past") {
      // Not said inside a block helper of the template's own, which may or may not open a context of its own.
      const { enclosing } = read;
      if (!read.withinUnknown)
        problems.add(
          `${at}: goes back ${path.depth} ${path.depth === 1 ? "context" : "contexts"} ("../"), but ${enclosing === 0 ? "none encloses it" : `only ${enclosing} ${enclosing === 1 ? "encloses" : "enclose"} it`} here (templates/VOCABULARY.md)`,
        );
      return;
    }
    let shape: Context = reading.from;
    const readSoFar: string[] = [];
    for (const part of reading.parts) {
      if (shape === "unknown" || shape === null || !("fields" in shape)) return;
      const next: FieldShape | undefined = shape.fields[part];
      if (next === undefined) {
        const where = readSoFar.length === 0 ? (reading.fromRoot || read.enclosing === 0 ? "the letter's view" : "the item this block reads") : `"${readSoFar.join(".")}"`;
        problems.add(`${at}: "${part}" is not a field of ${where}; expected one of ${Object.keys(shape.fields).join(", ")} (templates/VOCABULARY.md)`);
        return;
      }
      readSoFar.push(part);
      shape = next;
    }
  });
  return [...problems];
}
