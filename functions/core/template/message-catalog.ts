import { type MessageFormatElement, parse } from "@formatjs/icu-messageformat-parser";
import { IntlMessageFormat } from "intl-messageformat";
import { LetterpressError } from "../errors";
import { formattingLocale, type LocaleId, type LocaleOverrides } from "../locales";

/** The words a template prints itself, per locale: message key -> ICU MessageFormat string. */
export type MessageCatalog = Readonly<Record<string, string>>;
export type MessageValues = Record<string, string | number | Date>;

/** A missing key, a missing value or a malformed message: names the key and the locale. */
export class MessageError extends LetterpressError {
  constructor(
    readonly locale: string,
    readonly key: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super("TEMPLATE_ERROR", `message "${key}" (locale ${locale}): ${detail}`, options);
  }
}

// Dates are formatted in UTC: a letter's date is a calendar date, and the output must not depend on
// the time zone of the machine that renders it.
const FORMATS = {
  date: {
    short: { year: "numeric", month: "numeric", day: "numeric", timeZone: "UTC" },
    medium: { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" },
    long: { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" },
    full: { weekday: "long", year: "numeric", month: "long", day: "numeric", timeZone: "UTC" },
  },
} as const;

/** A message's ICU syntax tree made earlier (at bundling time), exactly what `parse(message)` gives; undefined when there is none. */
export type ParsedMessageLookup = (message: string) => MessageFormatElement[] | undefined;

const noParsedMessages: ParsedMessageLookup = () => undefined;

/** Formats a locale's messages; each message is compiled once, on first use. */
export class MessageFormatter {
  private readonly compiled = new Map<string, IntlMessageFormat>();
  private readonly simpleArguments = new Map<string, ReadonlySet<string>>();
  private numberFormat: Intl.NumberFormat | undefined;

  /** The tag `Intl` formats with: the locale plus the catalog's overrides (`fa-u-ca-gregory`). */
  readonly intlLocale: string;

  constructor(
    readonly locale: LocaleId,
    private readonly catalog: MessageCatalog,
    overrides: LocaleOverrides = {},
    private readonly parsed: ParsedMessageLookup = noParsedMessages,
  ) {
    this.intlLocale = formattingLocale(locale, overrides);
  }

  // intl-messageformat prints a number given to a plain `{page}` argument with String(), in Latin
  // digits; Intl.NumberFormat prints it in the locale's own digits (Persian ۱, Bengali ১).
  private localizeNumbers(key: string, values: MessageValues): MessageValues {
    let names = this.simpleArguments.get(key);
    if (!names) {
      const message = this.catalog[key] as string;
      names = plainArgumentNames((this.parsed(message) ?? parse(message)) as unknown as IcuNode[]);
      this.simpleArguments.set(key, names);
    }
    const numeric = [...names].filter((name) => typeof values[name] === "number");
    if (numeric.length === 0) return values;
    this.numberFormat ??= new Intl.NumberFormat(this.intlLocale, { useGrouping: false });
    const localized: MessageValues = { ...values };
    for (const name of numeric) localized[name] = this.numberFormat.format(values[name] as number);
    return localized;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.catalog, key);
  }

  format(key: string, values: MessageValues = {}): string {
    let message = this.compiled.get(key);
    if (!message) {
      if (!this.has(key)) throw new MessageError(this.locale, key, "no such key in the message catalog");
      try {
        // Parsed here, not from the prepared tree: IntlMessageFormat parses with the locale, and quotes the
        // text in its errors only when it parsed it. One language's messages, each once: the catalogs' check is what parses them all.
        message = new IntlMessageFormat(this.catalog[key] as string, this.intlLocale, FORMATS);
      } catch (error) {
        throw new MessageError(this.locale, key, `malformed ICU message (${(error as Error).message})`, { cause: error });
      }
      this.compiled.set(key, message);
    }
    try {
      return String(message.format(this.localizeNumbers(key, values)));
    } catch (error) {
      throw new MessageError(this.locale, key, (error as Error).message, { cause: error });
    }
  }
}

type IcuNode = { type: number; value?: string; options?: Record<string, { value: IcuNode[] }>; children?: IcuNode[] };

function argumentNames(nodes: readonly IcuNode[], names = new Set<string>()): Set<string> {
  for (const node of nodes) {
    // Types 1-6 are argument, number, date, time, select and plural: each names a value.
    if (node.type >= 1 && node.type <= 6 && node.value) names.add(node.value);
    for (const option of Object.values(node.options ?? {})) argumentNames(option.value, names);
    if (node.children) argumentNames(node.children, names);
  }
  return names;
}

/** The arguments a message prints as they are (`{page}`), as opposed to formatted ones (`{n, number}`, plurals). */
function plainArgumentNames(nodes: readonly IcuNode[], names = new Set<string>()): Set<string> {
  for (const node of nodes) {
    // Type 1 is a plain argument.
    if (node.type === 1 && node.value) names.add(node.value);
    for (const option of Object.values(node.options ?? {})) plainArgumentNames(option.value, names);
    if (node.children) plainArgumentNames(node.children, names);
  }
  return names;
}

/**
 * A catalog file's key for per-language settings rather than a message (see `LocaleOverrides`).
 * Keys starting with `$` are never message keys, so the key checks below do not see it.
 */
export const LOCALE_SETTINGS_KEY = "$locale";

/**
 * Checks that every locale's catalog has exactly the source catalog's keys, that each message is
 * valid ICU and that it uses the same arguments as the source's. Returns one line per problem.
 */
export function checkCatalogs(catalogs: Readonly<Partial<Record<LocaleId, MessageCatalog>>>, sourceLocale: LocaleId, parsed: ParsedMessageLookup = noParsedMessages): string[] {
  const problems: string[] = [];
  const source = catalogs[sourceLocale];
  if (!source) return [`messages/${sourceLocale}.json: missing; it is the source catalog`];
  const argumentsOf = (locale: string, key: string, message: string): Set<string> | undefined => {
    try {
      return argumentNames((parsed(message) ?? parse(message)) as unknown as IcuNode[]);
    } catch (error) {
      problems.push(`messages/${locale}.json: ${key}: malformed ICU message (${(error as Error).message})`);
      return undefined;
    }
  };
  const sourceArguments = new Map(Object.entries(source).map(([key, message]) => [key, argumentsOf(sourceLocale, key, message)]));
  for (const [locale, catalog] of Object.entries(catalogs) as [LocaleId, MessageCatalog][]) {
    if (locale === sourceLocale) continue;
    for (const key of Object.keys(source))
      if (!Object.hasOwn(catalog, key)) problems.push(`messages/${locale}.json: ${key}: missing; every locale needs every key of messages/${sourceLocale}.json`);
    for (const [key, message] of Object.entries(catalog)) {
      if (!Object.hasOwn(source, key)) {
        problems.push(`messages/${locale}.json: ${key}: unexpected key; it is not in messages/${sourceLocale}.json`);
        continue;
      }
      const expected = sourceArguments.get(key);
      const actual = argumentsOf(locale, key, message);
      if (expected && actual && [...expected].sort().join() !== [...actual].sort().join()) {
        problems.push(`messages/${locale}.json: ${key}: expected the arguments {${[...expected].sort().join("}, {")}}, found {${[...actual].sort().join("}, {")}}`);
      }
    }
  }
  return problems;
}
