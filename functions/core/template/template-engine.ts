import Handlebars from "handlebars";
import { LetterpressError } from "../errors";
import { LETTER_WORDS, type LetterWord } from "../letter/schema";
import type { TemplateAssets } from "../images/image-source";
import type { LocaleId, LocaleOverrides } from "../locales";
import { templateMarkupProblems } from "./template-markup";
import { templateSyntaxProblem } from "./template-syntax";
import { checkTemplateCatalogs, type MessageCatalog, MessageError, MessageFormatter, type MessageValues, type PrintedMessage } from "./message-catalog";

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
  /** The template's stylesheet (templates/<name>/print.css), read by both editions. */
  stylesheet: string;
  /** The defaults of the vocabulary's elements (templates/ua.css), read by both editions before print.css. */
  userAgentStylesheet: string;
  /** The images of the template's assets/ folder (a logo, signatures); none when omitted. */
  assets?: TemplateAssets;
}

export class TemplateError extends LetterpressError {
  constructor(
    readonly template: string,
    readonly locale: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super("TEMPLATE_ERROR", `template "${template}" (locale ${locale}): ${detail}`, options);
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

function referencesOf(sources: Readonly<Record<string, string>>): SourceReferences {
  const references: SourceReferences = { paths: new Set(), messageKeys: new Map(), dynamicKeys: false };
  let file = "";
  const messageKey = (call: hbs.AST.MustacheStatement | hbs.AST.SubExpression) => {
    if (call.path.type !== "PathExpression" || (call.path as hbs.AST.PathExpression).original !== "t") return;
    const [key] = call.params;
    if (key?.type !== "StringLiteral") {
      references.dynamicKeys = true;
      return;
    }
    const value = (key as hbs.AST.StringLiteral).value;
    const passed = new Set((call.hash?.pairs ?? []).map((pair) => pair.key));
    const calls = references.messageKeys.get(value)?.calls ?? [];
    references.messageKeys.set(value, { calls: [...calls, { where: file, arguments: passed }] });
  };
  class Collector extends Handlebars.Visitor {
    override PathExpression(path: hbs.AST.PathExpression): void {
      if (!path.data && path.parts[0] !== undefined) references.paths.add(path.parts[0]);
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
  const collector = new Collector();
  for (const [name, source] of Object.entries(sources)) {
    file = name;
    collector.accept(Handlebars.parse(source));
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

interface RenderContext {
  messages: MessageFormatter;
}

/**
 * A private Handlebars instance in strict mode with one helper, `t`, which formats a message of the
 * document's locale. Templates are compiled once, when the engine is created. Data reaches the
 * output only through `{{ }}`, which escapes it.
 */
export class TemplateEngine {
  private readonly handlebars = Handlebars.create();
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();
  private readonly formatters = new Map<LocaleId, MessageFormatter>();
  /** The letter's own words this template prints; every language of a letter filled by it needs them. */
  readonly letterWords: readonly LetterWord[];

  /** How errors name the template's folder (see TemplateSet.folder). */
  get folder(): string {
    return this.set.folder ?? `templates/${this.set.name}`;
  }

  constructor(readonly set: TemplateSet) {
    this.handlebars.registerHelper("t", function (this: unknown, key: unknown, options: Handlebars.HelperOptions) {
      const context = options.data.root?.__context as RenderContext | undefined;
      if (typeof key !== "string" || !context) throw new Error("t expects a message key");
      return context.messages.format(key, options.hash as MessageValues);
    });
    // Every source that does not parse is named at once, with its file, line and column.
    const syntax = [
      ...Object.entries(set.partials).map(([name, source]) => this.syntaxProblem(`partials/${name}.hbs`, source)),
      ...Object.entries(set.templates).map(([name, source]) => this.syntaxProblem(`${name}.hbs`, source)),
    ]
      .filter((problem) => problem !== undefined)
      .sort();
    // The letter's markup (not page.hbs: the HTML page around it) against the vocabulary, in every source that parses.
    const markup = templateMarkupProblems({
      ...("letter" in set.templates ? { [`${this.folder}/letter.hbs`]: set.templates["letter"]! } : {}),
      ...Object.fromEntries(Object.entries(set.partials).map(([name, source]) => [`${this.folder}/partials/${name}.hbs`, source])),
    });
    if (syntax.length > 0) throw new LetterpressError("TEMPLATE_ERROR", [...syntax, ...markup].join("\n"));
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
    const references = referencesOf({
      ...Object.fromEntries(Object.entries(set.templates).map(([name, source]) => [`${name}.hbs`, source])),
      ...Object.fromEntries(Object.entries(set.partials).map(([name, source]) => [`partials/${name}.hbs`, source])),
    });
    this.letterWords = LETTER_WORDS.filter((word) => references.paths.has(word));
    // With the catalogs: every problem at once.
    const problems = [...markup, ...this.catalogProblems(printedMessages(references.messageKeys), references.dynamicKeys)];
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
    return checkTemplateCatalogs(this.set.catalogs, printed, dynamicKeys).map((problem) => `${this.folder}/${problem}`);
  }

  /** The line naming where a source fails to parse; undefined when it parses. */
  private syntaxProblem(file: string, source: string): string | undefined {
    try {
      Handlebars.parse(source);
      return undefined;
    } catch (error) {
      return templateSyntaxProblem(`${this.folder}/${file}`, source, error);
    }
  }

  private compileOrThrow(name: string, source: string): Handlebars.TemplateDelegate {
    const options = { strict: true, noEscape: false, preventIndent: true, knownHelpers: { t: true }, knownHelpersOnly: false };
    try {
      const template = this.handlebars.compile(source, options);
      // compile() is lazy: a template that does not parse would otherwise fail on first render.
      this.handlebars.precompile(source, options);
      return template;
    } catch (error) {
      throw new TemplateError(name, "*", (error as Error).message, { cause: error });
    }
  }

  /** The message formatter of one locale (shared across renders, so compiled messages are reused). */
  messages(locale: LocaleId): MessageFormatter {
    let formatter = this.formatters.get(locale);
    if (!formatter) {
      const catalog = this.set.catalogs[locale];
      if (!catalog)
        throw new TemplateError("*", locale, `no message catalog for this locale; a language needs ${this.folder}/messages/${locale}.json beside its data/<letter>/${locale}.json`);
      formatter = new MessageFormatter(locale, catalog, this.set.localeOverrides?.[locale]);
      this.formatters.set(locale, formatter);
    }
    return formatter;
  }

  /** Fills a template with a view; a missing field or message is an error naming the template, the key and the locale. */
  fill(name: string, view: object, locale: LocaleId): string {
    const template = this.compiled.get(name);
    if (!template) throw new TemplateError(name, locale, "no such template");
    const messages = this.messages(locale);
    try {
      return template({ ...view, __context: { messages } satisfies RenderContext });
    } catch (error) {
      const file = `${this.folder}/${(error instanceof Error && RAISED_IN.get(error)) || `${name}.hbs`}`;
      if (error instanceof MessageError) throw new TemplateError(name, locale, `${error.message}, in ${file}`, { cause: error });
      // Handlebars ends its message with " - line:column" of the innermost source, which it does not name.
      const { lineNumber, column } = error as { lineNumber?: number; column?: number };
      const detail = (error as Error).message
        .replace(/ in \[object Object\]/, " in the view")
        .replace(/ in undefined/, " (what should hold it is not set)")
        .replace(/ - \d+:\d+$/, "");
      const at = lineNumber === undefined ? file : `${file} line ${lineNumber}${column === undefined ? "" : `, column ${column + 1}`}`;
      throw new TemplateError(name, locale, `${detail}, at ${at}`, { cause: error });
    }
  }
}
