import Handlebars from "handlebars";
import { LetterpressError } from "../errors";
import type { TemplateAssets } from "../images/image-source";
import type { LocaleId, LocaleOverrides } from "../locales";
import { type MessageCatalog, MessageError, MessageFormatter, type MessageValues } from "./message-catalog";

/** One template's sources, as read from templates/<name>/: the main templates by name, partials by name, catalogs by locale. */
export interface TemplateSet {
  /** The template's folder name under templates/, which a letter names in its letter.json. */
  name: string;
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

  constructor(readonly set: TemplateSet) {
    this.handlebars.registerHelper("t", function (this: unknown, key: unknown, options: Handlebars.HelperOptions) {
      const context = options.data.root?.__context as RenderContext | undefined;
      if (typeof key !== "string" || !context) throw new Error("t expects a message key");
      return context.messages.format(key, options.hash as MessageValues);
    });
    for (const [name, source] of Object.entries(set.partials)) {
      this.handlebars.registerPartial(name, this.compileOrThrow(`partials/${name}`, source));
    }
    for (const [name, source] of Object.entries(set.templates)) this.compiled.set(name, this.compileOrThrow(name, source));
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
        throw new TemplateError(
          "*",
          locale,
          `no message catalog for this locale; a language needs templates/${this.set.name}/messages/${locale}.json beside its data/<letter>/${locale}.json`,
        );
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
      if (error instanceof MessageError) throw new TemplateError(name, locale, error.message, { cause: error });
      const detail = (error as Error).message.replace(/ in \[object Object\]/, " in the view");
      throw new TemplateError(name, locale, detail, { cause: error });
    }
  }
}
