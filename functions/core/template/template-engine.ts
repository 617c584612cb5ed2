import Handlebars from "handlebars";
import { LetterpressError } from "../errors";
import { LETTER_WORDS, type LetterWord } from "../letter/schema";
import type { TemplateAssets } from "../images/image-source";
import type { LocaleId, LocaleOverrides } from "../locales";
import { outsideLetterProblems, templateMarkupProblems } from "./template-markup";
import { inlinePartialNames, missingPartialProblems, templateSyntaxProblem, withBlocksClosed } from "./template-syntax";
import { type CatalogLayout, checkTemplateCatalogs, type MessageCatalog, MessageError, MessageFormatter, type MessageValues, type PrintedMessage } from "./message-catalog";
import { type PreparedTemplates, preparedMessage, TEMPLATE_COMPILE_OPTIONS, templateKey } from "./prepared-templates";
import { sourceReferences } from "./template-references";
import { unknownViewFieldProblems } from "./view-fields";
import { ATTRIBUTE_TEXT_HELPER, isMarkupField, markupFieldsInAttributes, textOfMarkup, unescapedViewFields, withMarkupFieldsAsText } from "./markup-fields";
import type { Paper } from "../style/document-stylesheets";
import { effectivePaper, type TemplatePageSize, templatePageSize } from "./template-page-size";
import { FORBIDDEN_HELPERS, unknownHelperProblems } from "./template-helpers";
import { type FilledImageProblem, FilledImages, imagesOfSource, sourceImages, templateImageProblems } from "./template-images";

/** One template's sources, as read from templates/<name>/: the main templates by name, partials by name, catalogs by locale. */
export interface TemplateSet {
  /** The template's folder name under templates/, which a letter names in its letter.json. */
  name: string;
  /**
   * How errors name the template's folder, as the person who ran the tool would find it
   * (`scratch/tpl/my-org` under `--templates scratch/tpl`); `templates/<name>` when not given.
   */
  folder?: string;
  templates: Readonly<Record<string, string>>;
  partials: Readonly<Record<string, string>>;
  catalogs: Readonly<Partial<Record<LocaleId, MessageCatalog>>>;
  /** Per-language settings from the catalogs' `"$locale"` entries (e.g. fa's Gregorian calendar). */
  localeOverrides?: Readonly<Partial<Record<LocaleId, LocaleOverrides>>>;
  /** How each catalog file is written (where its keys are), when read from files: the catalogs' problems name their lines. */
  catalogLayouts?: Readonly<Partial<Record<LocaleId, CatalogLayout>>>;
  /** The template's stylesheet (templates/<name>/print.css), read by both editions. */
  stylesheet: string;
  /** The defaults of the vocabulary's elements (templates/ua.css), read by both editions before print.css. */
  userAgentStylesheet: string;
  /** The images of the template's assets/ folder (a logo, signatures); none when omitted. */
  assets?: TemplateAssets;
  /**
   * What could not be read of the folder (a malformed catalog, a missing print.css), one line each:
   * the engine reports them with every other problem of the template, so none hides another.
   */
  problems?: readonly string[];
}

export class TemplateError extends LetterpressError {
  /**
   * `template` is the template's folder name (what a letter.json names); `file`, when known, the
   * template file of the folder that failed (`letter.hbs`): "template "my-org" (letter.hbs, locale en)".
   */
  constructor(
    readonly template: string,
    readonly locale: string,
    detail: string,
    options?: { cause?: unknown; file?: string },
  ) {
    super(
      "TEMPLATE_ERROR",
      `template "${template}" (${options?.file ? `${options.file}, ` : ""}locale ${locale}): ${detail}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
  }
}

/** What a template's sources read, from their Handlebars syntax trees. */
interface SourceReferences {
  /** First parts of every path expression (the view's fields, wherever they stand). */
  paths: Set<string>;
  /** The message keys of `{{t "key"}}`, each with the first source that prints it and the arguments every call of it passes. */
  messageKeys: Map<string, PrintedMessage>;
  /** Whether a `{{t}}` names its key other than by a string literal (from data): then which keys print is not known. */
  dynamicKeys: boolean;
}

/** Every source's references, from its prepared entry when there is one (no parse), else parsed now. */
function referencesOf(sources: Readonly<Record<string, string>>, prepared: PreparedTemplates | undefined): SourceReferences {
  const references: SourceReferences = { paths: new Set(), messageKeys: new Map(), dynamicKeys: false };
  for (const [file, source] of Object.entries(sources)) {
    const { paths, calls, dynamicKeys } = prepared?.templates[templateKey(source)] ?? sourceReferences(source);
    for (const path of paths) references.paths.add(path);
    for (const call of calls)
      references.messageKeys.set(call.key, {
        calls: [
          ...(references.messageKeys.get(call.key)?.calls ?? []),
          { where: file, at: call.line === undefined ? undefined : { line: call.line, column: call.column ?? 1 }, arguments: new Set(call.arguments) },
        ],
      });
    references.dynamicKeys ||= dynamicKeys;
  }
  return references;
}

/** The partial file an error was raised in (the innermost, when partials nest), for the error's message. */
const RAISED_IN = new WeakMap<Error, string>();

/** Message keys the code formats for every template, whatever its sources print, with the arguments the code passes. */
const CODE_MESSAGE_KEYS: ReadonlyMap<string, PrintedMessage> = new Map([
  ["footer.page", { calls: [{ where: "the page label (--page-label)", arguments: new Set(["page", "pages"]) }] }],
]);

/** Every key printed, by the code and by the sources, each with every place that prints it. */
function printedMessages(fromSources: ReadonlyMap<string, PrintedMessage>): Map<string, PrintedMessage> {
  const printed = new Map(CODE_MESSAGE_KEYS);
  for (const [key, { calls }] of fromSources) printed.set(key, { calls: [...(printed.get(key)?.calls ?? []), ...calls] });
  return printed;
}

/** The most messages `TemplateEngine.formattedTexts` keeps per formatter before it starts again. */
const FORMATTED_TEXTS_LIMIT = 256;

/**
 * A `t` call's message key and values as one string (the key alone without values), or null when a
 * value is neither a string nor a finite number (a Date: its text is not its identity).
 */
function formattedKey(key: string, values: MessageValues): string | null {
  let parts: (string | number)[] | null = null;
  for (const name in values) {
    const value = values[name];
    // JSON tells every string and every finite number but -0 apart; the rest is formatted each time.
    if (typeof value !== "string" && (typeof value !== "number" || !Number.isFinite(value) || Object.is(value, -0))) return null;
    (parts ??= [key]).push(name, typeof value, value);
  }
  // "=" before a bare key, so that it never reads as the JSON of another call's key and values.
  return parts === null ? `=${key}` : JSON.stringify(parts);
}

interface RenderContext {
  messages: MessageFormatter;
  /** Told each message the fill prints, as formatted: validation checks the fonts draw what Intl made (template-coverage.ts). */
  printed?: (key: string, text: string) => void;
}

/**
 * A private Handlebars instance in strict mode with one helper, `t`, which formats a message of the
 * document's locale. Templates are compiled once, when the engine is created, or taken precompiled
 * from `prepared` (the bundle's, made at bundling time) when their source is the one prepared. Data
 * reaches the output only through `{{ }}`, which escapes it.
 */
export class TemplateEngine {
  private readonly handlebars = Handlebars.create();
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();
  private readonly formatters = new Map<LocaleId, MessageFormatter>();
  /**
   * Messages as printed, by formatter, then by key and values (`formattedKey`): the same for every
   * letter of the language that prints them so (a message reads no clock), so formatted once; an
   * intl-messageformat pass was a tenth of a fill. Emptied past FORMATTED_TEXTS_LIMIT (a reader's name is a value).
   */
  private readonly formattedTexts = new WeakMap<MessageFormatter, Map<string, string>>();
  /** The letter's own words this template prints; every language of a letter filled by it needs them. */
  readonly letterWords: readonly LetterWord[];
  /**
   * Whether the template prints the recipients' list (`recipientList`, their countries) anywhere: only
   * then does a language's letter to all recipients need every recipient's words, current.
   */
  readonly printsRecipientList: boolean;
  /** The images whose src a `{{ }}` makes, checked when the letter is filled (template-images.ts). */
  private readonly filledImages: FilledImages;

  /** How errors name the template's folder (see TemplateSet.folder). */
  get folder(): string {
    return this.set.folder ?? `templates/${this.set.name}`;
  }

  private pageSize: { read?: TemplatePageSize } | undefined;

  /** The view fields letter.hbs and its partials print unescaped, found on first use (markup-fields.ts). */
  private markupFields: ReadonlySet<string> | undefined;

  /** Where a source puts such a field into an HTML attribute, by source (`letter`, `partials/<name>`): compiled to print its text there. */
  private markupInAttributes = new Map<string, Set<string>>();

  /**
   * A field of the letter's view (`title`, `signatories.name`) as text, for the places only text can
   * go (a page's `<title>`, the PDF's /Title, a file name): the text the letter shows of it, without
   * tags, when this template prints it as markup; the value itself when it prints it escaped.
   */
  fieldText(path: string, value: string): string {
    return this.printsAsMarkup(path) ? textOfMarkup(value) : value;
  }

  /** Whether letter.hbs or a partial prints the view field at `path` (`title`, `signatories.name`) unescaped (markup-fields.ts). */
  printsAsMarkup(path: string): boolean {
    this.markupFields ??= unescapedViewFields(this.set.templates["letter"] ?? "", this.set.partials);
    return isMarkupField(this.markupFields, path);
  }

  /** The paper this template's documents are made on for a run on `paper` (template-page-size.ts): the template's own size wins. */
  paperFor(paper: Paper): Paper {
    this.pageSize ??= { read: templatePageSize(`${this.folder}/print.css`, this.set.stylesheet) };
    return effectivePaper(this.pageSize.read, paper);
  }

  constructor(
    readonly set: TemplateSet,
    /** Work done at bundling time (see prepared-templates.ts); what it lacks is done here. */
    readonly prepared?: PreparedTemplates,
  ) {
    // Refused when the template loads (FORBIDDEN_HELPERS); unregistered too, so no path reaches the console.
    for (const name of Object.keys(FORBIDDEN_HELPERS)) this.handlebars.unregisterHelper(name);
    const formattedTexts = this.formattedTexts;
    this.handlebars.registerHelper("t", function (this: unknown, key: unknown, options: Handlebars.HelperOptions) {
      const context = options.data.root?.__context as RenderContext | undefined;
      if (typeof key !== "string" || !context) throw new Error("t expects a message key");
      const values = options.hash as MessageValues;
      const memoKey = formattedKey(key, values);
      let text: string | undefined;
      if (memoKey !== null) {
        let texts = formattedTexts.get(context.messages);
        if (!texts) formattedTexts.set(context.messages, (texts = new Map()));
        text = texts.get(memoKey);
        if (text === undefined) {
          text = context.messages.format(key, values);
          if (texts.size >= FORMATTED_TEXTS_LIMIT) texts.clear();
          texts.set(memoKey, text);
        }
      } else text = context.messages.format(key, values);
      context.printed?.(key, text);
      return text;
    });
    // A markup field in an attribute (`title="{{title}}"`) prints its text, as the other text-only places do (markup-fields.ts).
    // Edges kept: an attribute may be written from several fields ("{{#each segments}}{{{text}}}{{/each}}"), whose spaces join them.
    this.handlebars.registerHelper(ATTRIBUTE_TEXT_HELPER, (value: unknown) => textOfMarkup(String(value ?? ""), "kept"));
    // Every source that does not parse is named at once, with its file, line and column.
    const syntax = [
      ...Object.entries(set.partials).map(([name, source]) => this.syntaxProblem(`partials/${name}.hbs`, source)),
      ...Object.entries(set.templates).map(([name, source]) => this.syntaxProblem(`${name}.hbs`, source)),
    ]
      .filter((problem) => problem !== undefined)
      .sort();
    // The letter's markup (not page.hbs: the HTML page around it) against the vocabulary, in every source that parses;
    // a prepared source was checked when it was prepared, and kept only if it had no problem.
    const unchecked = (entries: [string, string][]) => entries.filter(([, source]) => this.prepared?.templates[templateKey(source)]?.markupChecked !== true);
    const markup = templateMarkupProblems(
      Object.fromEntries(
        unchecked([
          ...("letter" in set.templates ? [[`${this.folder}/letter.hbs`, set.templates["letter"]!] as [string, string]] : []),
          ...Object.entries(set.partials).map(([name, source]): [string, string] => [`${this.folder}/partials/${name}.hbs`, source]),
        ]),
      ),
    );
    // What the filled letter would hold outside its one <article class="letter">: found now, with its file and line, not at render.
    for (const [file, source] of unchecked("letter" in set.templates ? [[`${this.folder}/letter.hbs`, set.templates["letter"]!]] : []))
      markup.push(
        ...outsideLetterProblems(
          file,
          source,
          Object.fromEntries(Object.entries(set.partials).map(([name, partial]) => [name, { file: `${this.folder}/partials/${name}.hbs`, source: partial }])),
        ),
      );
    // A {{field}} of letter.hbs or of a partial it calls that the letter's view has not, where it stands: found now, with its file and line,
    // not when a letter first fills that line (a prepared letter.hbs was checked so when it was prepared).
    for (const [file, source] of unchecked("letter" in set.templates ? [[`${this.folder}/letter.hbs`, set.templates["letter"]!]] : []))
      markup.push(
        ...unknownViewFieldProblems(
          { file, source },
          Object.fromEntries(Object.entries(set.partials).map(([name, partial]) => [name, { file: `${this.folder}/partials/${name}.hbs`, source: partial }])),
          new Set(Object.keys(this.handlebars.helpers)),
        ),
      );
    // Helpers the template does not have, in every source (page.hbs too), and the images the letter's sources write:
    // found now, all at once, rather than one per run when a line that calls them is filled. A source prepared at
    // bundling time was walked for both there (a Lambda's cold start does not walk them again): one that calls no
    // unknown helper is not walked again, and its images are taken as found there.
    const helpers = [
      ...Object.entries(set.templates).map(([name, source]): [string, string] => [`${name}.hbs`, source]),
      ...Object.entries(set.partials).map(([name, source]): [string, string] => [`partials/${name}.hbs`, source]),
    ]
      .filter(([, source]) => this.prepared?.templates[templateKey(source)]?.helpersChecked !== true)
      .flatMap(([file, source]) => unknownHelperProblems(`${this.folder}/${file}`, source));
    const images = [
      ...("letter" in set.templates ? [[`${this.folder}/letter.hbs`, set.templates["letter"]!] as [string, string]] : []),
      ...Object.entries(set.partials).map(([name, source]): [string, string] => [`${this.folder}/partials/${name}.hbs`, source]),
    ].flatMap(([file, source]) => imagesOfSource(file, this.prepared?.templates[templateKey(source)]?.images ?? sourceImages(source)));
    this.filledImages = new FilledImages(images, set.assets);
    markup.push(...helpers, ...templateImageProblems(images, set.assets));
    // Every source as the checks below read it: one whose only fault is a block left open is read closed at its end;
    // one that does not parse otherwise is left out (its syntax problem is reported), and then which messages print is not known.
    const readable: Record<string, string> = {};
    let unreadable = false;
    for (const [file, source] of [
      ...Object.entries(set.templates).map(([name, source]): [string, string] => [`${name}.hbs`, source]),
      ...Object.entries(set.partials).map(([name, source]): [string, string] => [`partials/${name}.hbs`, source]),
    ]) {
      const read = syntax.some((problem) => problem.startsWith(`${this.folder}/${file} `) || problem.startsWith(`${this.folder}/${file}:`)) ? withBlocksClosed(source) : source;
      if (read === undefined) unreadable = true;
      else readable[file] = read;
    }
    const partials = this.partialProblems(readable);
    if (syntax.length > 0) {
      // The other sources' problems and the catalogs' come with the syntax errors, not on the next run.
      const references = referencesOf(readable, undefined);
      const catalogs = this.catalogProblems(printedMessages(references.messageKeys), references.dynamicKeys || unreadable);
      throw new LetterpressError("TEMPLATE_ERROR", [...(set.problems ?? []), ...syntax, ...markup, ...partials, ...catalogs].join("\n"));
    }
    this.markupInAttributes = markupFieldsInAttributes(set.templates["letter"] ?? "", set.partials);
    for (const [name, source] of Object.entries(set.partials)) {
      const compiled = this.compileOrThrow(`partials/${name}`, source);
      const file = `partials/${name}.hbs`;
      // Handlebars reports a line of the innermost source but not which source: each partial marks
      // the errors raised inside it (the innermost mark stays), so `fill` can name the partial's file.
      const partial = (context: unknown, options?: Handlebars.RuntimeOptions) => {
        try {
          return compiled(context, options);
        } catch (error) {
          if (error instanceof Error && !RAISED_IN.has(error)) RAISED_IN.set(error, file);
          throw error;
        }
      };
      this.handlebars.registerPartial(name, partial as Handlebars.TemplateDelegate);
    }
    for (const [name, source] of Object.entries(set.templates)) this.compiled.set(name, this.compileOrThrow(name, source));
    // After compiling: a source that does not parse has been reported by name already.
    const references = referencesOf(
      {
        ...Object.fromEntries(Object.entries(set.templates).map(([name, source]) => [`${name}.hbs`, source])),
        ...Object.fromEntries(Object.entries(set.partials).map(([name, source]) => [`partials/${name}.hbs`, source])),
      },
      prepared,
    );
    this.letterWords = LETTER_WORDS.filter((word) => references.paths.has(word));
    this.printsRecipientList = references.paths.has("recipientList");
    // With the catalogs: every problem at once.
    const problems = [...(set.problems ?? []), ...markup, ...partials, ...this.catalogProblems(printedMessages(references.messageKeys), references.dynamicKeys)];
    if (problems.length > 0) throw new LetterpressError("TEMPLATE_ERROR", problems.join("\n"));
  }

  /**
   * Every catalog has every message the template prints, with the arguments the template passes, and
   * no key that nothing prints: each problem names the catalog file, the key and what prints it, when
   * the template is loaded, not when a letter in that language happens to be rendered. The reference
   * is the template's sources, never one of the catalogs, so the advice for one file does not flip
   * when another changes (checkTemplateCatalogs).
   */
  private catalogProblems(printed: ReadonlyMap<string, PrintedMessage>, dynamicKeys: boolean): string[] {
    return checkTemplateCatalogs(this.set.catalogs, printed, dynamicKeys, this.parsedMessage, this.set.catalogLayouts).map((problem) => `${this.folder}/${problem}`);
  }

  /**
   * Every `{{> name}}` naming no partial, with its file, line and column (missingPartialProblems), in
   * the sources not prepared at bundling time (bundling loads the template unprepared, so checks them).
   */
  private partialProblems(readable: Readonly<Record<string, string>>): string[] {
    const own = Object.entries(readable).filter(([, source]) => this.prepared?.templates[templateKey(source)] === undefined);
    if (own.length === 0) return [];
    const names = new Set([...Object.keys(this.set.partials), ...Object.values(readable).flatMap((source) => inlinePartialNames(source))]);
    return own.flatMap(([file, source]) => missingPartialProblems(`${this.folder}/${file}`, source, names));
  }

  /** A message's ICU syntax tree as prepared at bundling time (what `parse(message)` gives); undefined when not prepared. */
  private readonly parsedMessage = (message: string) => preparedMessage(this.prepared, message);

  /** The line naming where a source fails to parse; undefined when it parses (a prepared source parsed when it was prepared). */
  private syntaxProblem(file: string, source: string): string | undefined {
    if (this.prepared?.templates[templateKey(source)]) return undefined;
    try {
      Handlebars.parse(source);
      return undefined;
    } catch (error) {
      return templateSyntaxProblem(`${this.folder}/${file}`, source, error);
    }
  }

  private compileOrThrow(name: string, source: string): Handlebars.TemplateDelegate {
    // Precompiled at bundling time from this very source (the key is its hash): Handlebars' parse and code generation skipped.
    // Not a source that puts a markup field into an attribute: that one is compiled to print the field's text there.
    const asText = this.markupInAttributes.get(name);
    const precompiled = asText ? undefined : this.prepared?.templates[templateKey(source)];
    if (precompiled) return this.handlebars.template(precompiled.spec);
    const options = { ...TEMPLATE_COMPILE_OPTIONS, knownHelpers: { ...TEMPLATE_COMPILE_OPTIONS.knownHelpers } };
    try {
      // A tree each: Handlebars' compiler marks the tree it reads.
      const input = () => (asText ? withMarkupFieldsAsText(source, asText) : source);
      const template = this.handlebars.compile(input(), options);
      // compile() is lazy: a template that does not parse would otherwise fail on first render.
      this.handlebars.precompile(input(), options);
      return template;
    } catch (error) {
      throw new TemplateError(this.set.name, "*", (error as Error).message, { cause: error, file: `${name}.hbs` });
    }
  }

  /** The message formatter of one locale (shared across renders, so compiled messages are reused). */
  messages(locale: LocaleId): MessageFormatter {
    let formatter = this.formatters.get(locale);
    if (!formatter) {
      const catalog = this.set.catalogs[locale];
      if (!catalog)
        throw new TemplateError(
          this.set.name,
          locale,
          `no message catalog for this locale; a language needs ${this.folder}/messages/${locale}.json beside its data/<letter>/${locale}.json`,
        );
      formatter = new MessageFormatter(locale, catalog, this.set.localeOverrides?.[locale], this.parsedMessage);
      this.formatters.set(locale, formatter);
    }
    return formatter;
  }

  /**
   * Fills a template with a view; a missing field or message is an error naming the template, the key and the locale.
   * `printed`, when given, is told each message printed, formatted.
   */
  fill(name: string, view: object, locale: LocaleId, printed?: (key: string, text: string) => void): string {
    const filled = this.fillUnchecked(name, view, locale, printed);
    // The letter's images whose src a `{{ }}` made, named by their source line; the same for both editions.
    if (name === "letter") {
      const problems = this.filledImages.problems(filled);
      if (problems.length > 0) throw new TemplateError(this.set.name, locale, problems.join("\n"), { file: `${name}.hbs` });
    }
    return filled;
  }

  /**
   * The problems of the images a `{{ }}` makes in the letter filled with `view`, each with the src
   * filled and what filled it, without throwing them: the letter check names the data that made
   * each src (a signatory's id naming no signature file). `printed` as for `fill`; without it, a
   * template that makes no src of data is not filled. What else filling throws, it throws.
   */
  letterImageProblems(view: object, locale: LocaleId, printed?: (key: string, text: string) => void): FilledImageProblem[] {
    if (!printed && !this.filledImages.checksAny) return [];
    return this.filledImages.problemsOf(this.fillUnchecked("letter", view, locale, printed));
  }

  /** `fill` without the check of the images a `{{ }}` makes. */
  private fillUnchecked(name: string, view: object, locale: LocaleId, printed?: (key: string, text: string) => void): string {
    const template = this.compiled.get(name);
    if (!template) throw new TemplateError(this.set.name, locale, "no such template", { file: `${name}.hbs` });
    const messages = this.messages(locale);
    let filled: string;
    try {
      filled = template({ ...view, __context: { messages, printed } satisfies RenderContext });
    } catch (error) {
      const file = `${this.folder}/${(error instanceof Error && RAISED_IN.get(error)) || `${name}.hbs`}`;
      if (error instanceof MessageError) throw new TemplateError(this.set.name, locale, `${error.message}, in ${file}`, { cause: error, file: `${name}.hbs` });
      // Handlebars ends its message with " - line:column" of the innermost source, which it does not name.
      const { lineNumber, column } = error as { lineNumber?: number; column?: number };
      const detail = (error as Error).message
        .replace(/ in \[object Object\]/, " in the view")
        .replace(/ in undefined/, " (what should hold it is not set)")
        .replace(/ - \d+:\d+$/, "");
      const at = lineNumber === undefined ? file : `${file} line ${lineNumber}${column === undefined ? "" : `, column ${column + 1}`}`;
      throw new TemplateError(this.set.name, locale, `${detail}, at ${at}`, { cause: error, file: `${name}.hbs` });
    }
    return filled;
  }
}
