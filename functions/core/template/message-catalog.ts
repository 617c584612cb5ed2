import { type MessageFormatElement, parse, TYPE } from "@formatjs/icu-messageformat-parser";
import { IntlMessageFormat } from "intl-messageformat";
import { LetterpressError } from "../errors";
import { formattingLocale, type LocaleId, type LocaleOverrides, localeInfo, RTL_SCRIPTS } from "../locales";

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
  /** Whether the language is written right to left: each value formatted into its messages is then a bidi isolate (`withIsolatedArguments`). */
  private readonly isolatesArguments: boolean;

  constructor(
    readonly locale: LocaleId,
    private readonly catalog: MessageCatalog,
    overrides: LocaleOverrides = {},
    private readonly parsed: ParsedMessageLookup = noParsedMessages,
  ) {
    this.intlLocale = formattingLocale(locale, overrides);
    this.isolatesArguments = localeInfo(locale).dir === "rtl";
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
        if (this.isolatesArguments) message = new IntlMessageFormat(withMarkedArguments(message.getAst()), this.intlLocale, FORMATS);
      } catch (error) {
        throw new MessageError(this.locale, key, malformed(error, this.catalog[key] as string), { cause: error });
      }
      this.compiled.set(key, message);
    }
    try {
      const text = String(message.format(this.localizeNumbers(key, values)));
      return this.isolatesArguments ? withLeftToRightValuesIsolated(text) : text;
    } catch (error) {
      throw new MessageError(this.locale, key, (error as Error).message, { cause: error });
    }
  }
}

/** U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE (UAX #9): what stands between them takes its direction from its own first strong letter. */
const FIRST_STRONG_ISOLATE = "\u2068";
const POP_DIRECTIONAL_ISOLATE = "\u2069";
/** Where a formatted value starts and ends in a right-to-left message's output: noncharacters, Unicode's own for a program's internal use. */
const VALUE_START = "\ufdd0";
const VALUE_END = "\ufdd1";
const MARKED_VALUE = /\ufdd0([^\ufdd0\ufdd1]*)\ufdd1/gu;

/** Whether this runtime's Unicode data names `script` (Node 20's lacks the newest: a pattern naming one would not compile). */
function runtimeKnowsScript(script: string): boolean {
  try {
    return new RegExp(`\\p{Script=${script}}`, "u").unicode;
  } catch {
    return false;
  }
}

/** A letter of a right-to-left script (locales.ts RTL_SCRIPTS, those this runtime's Unicode data names). */
const RTL_LETTER = new RegExp(
  `[${[...RTL_SCRIPTS]
    .filter(runtimeKnowsScript)
    .map((script) => `\\p{Script=${script}}`)
    .join("")}]`,
  "u",
);

/**
 * A message's syntax tree with each value it formats (`{name}`, `{n, number}`, `{date, date, long}`,
 * a plural's `#`) between VALUE_START and VALUE_END, in every branch of its selects and plurals, for
 * `withLeftToRightValuesIsolated` to find in the formatted text.
 */
function withMarkedArguments(elements: readonly MessageFormatElement[]): MessageFormatElement[] {
  const literal = (value: string) => ({ type: TYPE.literal, value }) as MessageFormatElement;
  return elements.flatMap((element): MessageFormatElement[] => {
    switch (element.type) {
      case TYPE.argument:
      case TYPE.number:
      case TYPE.date:
      case TYPE.time:
      case TYPE.pound:
        return [literal(VALUE_START), element, literal(VALUE_END)];
      case TYPE.select:
      case TYPE.plural:
        return [
          { ...element, options: Object.fromEntries(Object.entries(element.options).map(([name, option]) => [name, { ...option, value: withMarkedArguments(option.value) }])) },
        ];
      case TYPE.tag:
        return [{ ...element, children: withMarkedArguments(element.children) }];
      default:
        return [element];
    }
  });
}

/**
 * A right-to-left message's formatted text with each value (`withMarkedArguments`) that is not
 * right-to-left text (its first letter not of a right-to-left script: Latin words, a date in Latin
 * script, a number with a sign or a separator; digits alone excepted) between FIRST_STRONG_ISOLATE and POP_DIRECTIONAL_ISOLATE. Read as part of
 * the line around it, such a value came out of order: `az-Arab` has no CLDR data, so its date is
 * formatted in Latin script ("2 mart 2026"), and the line showed "mart 2026 2"; a Latin name ending
 * in a number, a negative number, likewise. As an isolate it reads in its own direction, in its
 * place (Unicode's advice for inserted text, UAX #9 section 6.3), in the HTML edition and in the PDF,
 * whose bidi reads the same isolates; a right-to-left value (an Arabic list of names) is left as it
 * was. Copied text holds the two invisible controls (the editions' comparison drops them).
 */
function withLeftToRightValuesIsolated(text: string): string {
  return text.replace(MARKED_VALUE, (_, value: string) => {
    if (DIGITS_ALONE.test(value)) return value;
    const firstLetter = /\p{L}/u.exec(value)?.[0];
    return firstLetter !== undefined && RTL_LETTER.test(firstLetter) ? value : `${FIRST_STRONG_ISOLATE}${value}${POP_DIRECTIONAL_ISOLATE}`;
  });
}

/**
 * A value of digits alone (`9`, `١٢`), or of the private-use placeholders that stand for one (the
 * page label's counters, document-stylesheets.ts): a run of digits reads in order in its place in
 * either direction, so it needs no isolate (which would only cost the PDF bytes).
 */
const DIGITS_ALONE = /^[\p{Nd}\p{Co}]*$/u;

type IcuNode = { type: number; value?: string; options?: Record<string, { value: IcuNode[] }>; children?: IcuNode[]; pluralType?: "cardinal" | "ordinal" };

/**
 * "malformed ICU message (...)" with where the parser stopped: formatjs's SyntaxError carries only its
 * kind ("EXPECT_ARGUMENT_CLOSING_BRACE") in its message and the position in `location`.
 */
function malformed(error: unknown, message: string): string {
  const { location } = error as { location?: { start: { offset: number; line: number; column: number } } };
  const kind = (error as Error).message;
  const readable = /^[A-Z_]+$/.test(kind) ? kind.toLowerCase().replace(/_/g, " ") : kind;
  if (!location) return `malformed ICU message (${readable})`;
  const { offset, line, column } = location.start;
  const near = message.slice(Math.max(0, offset - 12), offset + 12).replace(/\n/g, "\\n");
  // Where in the message, not in its file: a message of one line is told by its column alone.
  const within = message.includes("\n") ? `line ${line}, column ${column} of the message` : `column ${column} of the message`;
  return `malformed ICU message (${readable}, at ${within}: near "${near}")`;
}

/**
 * Plural categories a message names that its language never selects (French has no `few`): such a
 * branch is never printed, and is most often a branch meant for another language. What the language
 * has comes from Intl.PluralRules (cardinal for plural, ordinal for selectordinal), with `other` and
 * exact `=n` matches always allowed.
 */
function pluralCategoryProblems(nodes: readonly IcuNode[], locale: string, problems: string[] = []): string[] {
  for (const node of nodes) {
    // Type 6 is plural (and selectordinal, with pluralType "ordinal").
    if (node.type === 6 && node.options) {
      const type = node.pluralType === "ordinal" ? "ordinal" : "cardinal";
      const has = pluralRulesOf(locale, type).categories;
      const kind = type === "ordinal" ? "selectordinal" : "plural";
      for (const category of Object.keys(node.options)) {
        if (has.has(category) || /^=\d+(\.\d+)?$/.test(category)) continue;
        problems.push(`{${node.value}, ${kind}} has a branch "${category}", a category ${locale} never selects; expected ${[...has].join(", ")} or an exact =n`);
      }
      for (const { category, counts } of missingCategories(node.options, locale, type)) {
        problems.push(
          `{${node.value}, ${kind}} has no branch "${category}", which ${locale} selects for ${counts}: those counts would print the "other" branch; add a "${category}" branch (or exact =n branches for them)`,
        );
      }
    }
    for (const option of Object.values(node.options ?? {})) pluralCategoryProblems(option.value, locale, problems);
    if (node.children) pluralCategoryProblems(node.children, locale, problems);
  }
  return problems;
}

/**
 * The whole counts a missing category is looked for among: 0-199 and the hundreds to 900. Every CLDR
 * rule reads a whole count by its last two digits (`n % 100`, `n % 10`) or by a few values (Italian
 * ordinal `many`: 8, 11, 80, 800), so these meet every category the scan of 0-999 they replaced met,
 * with the same counts there; a category that goes on past them says so (`categoryGoesOn`). A test proves it for every
 * language Intl knows (test/templates/plural-counts-scan.test.ts): 208 questions, not 1,000, per cold start.
 */
export const COUNTS_ASKED: readonly number[] = [...Array.from({ length: 200 }, (_, count) => count), 200, 300, 400, 500, 600, 700, 800, 900];

/**
 * The categories the language selects for some whole count (the counts a letter prints: signatories,
 * pages) that a message has no branch for and no exact `=n` for each such count: those counts would
 * print the `other` branch, worded for another number (Serbian "few" for 2-4 falling back to "other").
 * A category that goes on past the counts asked (`categoryGoesOn`) no `=n` branches cover.
 * Categories for fractions only (CLDR's `many` in French) are not asked for. Counts are from
 * Intl.PluralRules (Unicode TR35, Language Plural Rules), the first few named.
 */
function missingCategories(options: Record<string, unknown>, locale: string, type: "cardinal" | "ordinal"): { category: string; counts: string }[] {
  const missing: { category: string; counts: string }[] = [];
  for (const [category, counts] of pluralRulesOf(locale, type).wholeCounts) {
    if (category in options) continue;
    const open = categoryGoesOn(counts);
    const uncovered = counts.filter((count) => !(`=${count}` in options));
    if (uncovered.length === 0 && !open) continue;
    const named = uncovered.length > 0 ? uncovered : counts;
    missing.push({ category, counts: named.length > 4 || open ? `${named.slice(0, 4).join(", ")}, …` : named.join(", ") });
  }
  return missing;
}

/**
 * Whether a category's counts among `COUNTS_ASKED` may go on past them: it recurs (a count in 100-199,
 * which every hundred has again), or it has more than four (Ligurian ordinal `many`: 8, 11, 80-89,
 * 800-899). Else they are all it has below 1,000 (Italian ordinal `many`: 8, 11, 80, 800), which exact
 * `=n` branches may cover.
 */
export function categoryGoesOn(counts: readonly number[]): boolean {
  return counts.length > 4 || counts.some((count) => count >= 100 && count < 200);
}

/** What the plural checks ask of a language's plural rules (by tag and type), asked once per process. */
export interface PluralRulesRead {
  /** Every category it has, `other` always among them. */
  categories: ReadonlySet<string>;
  /** The counts asked (`COUNTS_ASKED`) of each category but `other`, in order. */
  wholeCounts: ReadonlyMap<string, readonly number[]>;
}

/**
 * Intl.PluralRules read once per process and language: its categories, and the whole counts of
 * `COUNTS_ASKED` by category (asked per message it was a sixth of a template's load; asked once for
 * 1,000 counts, ~4 ms of a cold start).
 */
const pluralRulesRead = new Map<string, PluralRulesRead>();

/** A language's plural categories and counts (`counts`: the counts to ask, `COUNTS_ASKED` but in a test). */
export function pluralRulesOf(locale: string, type: "cardinal" | "ordinal", counts: readonly number[] = COUNTS_ASKED): PluralRulesRead {
  const key = `${locale}\u0000${type}${counts === COUNTS_ASKED ? "" : `\u0000${counts.join()}`}`;
  let read = pluralRulesRead.get(key);
  if (!read) {
    const rules = new Intl.PluralRules(locale, { type });
    const wholeCounts = new Map<string, number[]>();
    for (const count of counts) {
      const category = rules.select(count);
      if (category === "other") continue;
      let list = wholeCounts.get(category);
      if (!list) wholeCounts.set(category, (list = []));
      list.push(count);
    }
    read = { categories: new Set([...rules.resolvedOptions().pluralCategories, "other"]), wholeCounts };
    pluralRulesRead.set(key, read);
  }
  return read;
}

/** A catalog message read for the checks: the arguments it uses and what is wrong with it besides; throws what the parser throws. */
function readMessage(locale: string, message: string, parsed: ParsedMessageLookup): { names: Set<string>; problems: string[] } {
  const tree = (parsed(message) ?? parse(message)) as unknown as IcuNode[];
  return { names: argumentNames(tree), problems: [...pluralCategoryProblems(tree, locale), ...tagProblems(tree)] };
}

/**
 * Rich-text tags (`<b>...</b>`): formatjs reads them as calls to a function the caller passes, which
 * no template or page passes, so the message would fail each time it is printed (the fresh user's
 * share page answered 503). Styling is the template's markup; a literal "<" is written '<'.
 */
function tagProblems(nodes: readonly IcuNode[], problems: string[] = []): string[] {
  for (const node of nodes) {
    // Type 8 is a tag.
    if (node.type === 8)
      problems.push(
        `<${node.value}> is a rich-text tag, which nothing here fills; write the words plain (styling belongs to the template's markup), or quote a literal "<" as '<'`,
      );
    for (const option of Object.values(node.options ?? {})) tagProblems(option.value, problems);
    if (node.children) tagProblems(node.children, problems);
  }
  return problems;
}

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
export function checkCatalogs(
  catalogs: Readonly<Partial<Record<LocaleId, MessageCatalog>>>,
  sourceLocale: LocaleId,
  parsed: ParsedMessageLookup = noParsedMessages,
  /** How each catalog file is written: a problem of a key it writes names the key's line and column. */
  layouts: Readonly<Partial<Record<LocaleId, CatalogLayout>>> = {},
): string[] {
  const problems: string[] = [];
  const keyAt = (locale: string, key: string) => catalogKeyAt(layouts, locale as LocaleId, key);
  const source = catalogs[sourceLocale];
  if (!source) return [`messages/${sourceLocale}.json: missing; it is the source catalog`];
  const argumentsOf = (locale: string, key: string, message: string): Set<string> | undefined => {
    try {
      const read = readMessage(locale, message, parsed);
      for (const problem of read.problems) problems.push(`${keyAt(locale, key)}: ${problem}`);
      return read.names;
    } catch (error) {
      problems.push(`${keyAt(locale, key)}: ${malformed(error, message)}`);
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
        problems.push(`${keyAt(locale, key)}: unexpected key; it is not in messages/${sourceLocale}.json`);
        continue;
      }
      const expected = sourceArguments.get(key);
      const actual = argumentsOf(locale, key, message);
      if (expected && actual && [...expected].sort().join() !== [...actual].sort().join()) {
        const [want, found] = [listed(expected), listed(actual)];
        const detail =
          want === "no arguments"
            ? `takes no arguments, as in messages/${sourceLocale}.json, but uses ${found}`
            : found === "no arguments"
              ? `uses no arguments, but messages/${sourceLocale}.json's message uses ${want}`
              : `expected the arguments ${want}, found ${found}`;
        problems.push(`${keyAt(locale, key)}: ${detail}`);
      }
    }
  }
  return problems;
}

/**
 * How a catalog file is written, for its problems to name lines: where each key is (1-based line and
 * column of its name), and what of it could not be read, which its reader has said already.
 */
/** `messages/fr.json line 12, column 3: footer.page`: a catalog's key where its file writes it, when its layout is known. */
function catalogKeyAt(layouts: Readonly<Partial<Record<LocaleId, CatalogLayout>>>, locale: LocaleId, key: string): string {
  const position = layouts[locale]?.positions[key];
  return `messages/${locale}.json${position ? ` line ${position.line}, column ${position.column}` : ""}: ${key}`;
}

export interface CatalogLayout {
  /** The 1-based line and column of each top-level key; read from the file only when a problem asks (catalog-folder.ts). */
  positions: Readonly<Record<string, { line: number; column: number }>>;
  /** Keys whose value is not a message string: left out of the catalog, but not missing from the file. */
  unreadableKeys?: readonly string[];
  /** The whole file could not be read (malformed JSON): no key of it is known. */
  unreadable?: boolean;
}

/** One place that prints a message: a source file (or the code), and the argument names it passes (`{{t "key" name=...}}`). */
export interface MessageCall {
  where: string;
  /** Where in the source file the `{{t}}` stands (from 1); none for the code, or a call prepared without it. */
  at?: { line: number; column: number } | undefined;
  arguments: ReadonlySet<string>;
}

/** `partials/body.hbs line 3, column 5`: the place a call stands, as problems name it. */
function placeOf(call: MessageCall): string {
  return call.at ? `${call.where} line ${call.at.line}, column ${call.at.column}` : call.where;
}

/** A message key the template prints: every place that prints it, the first first. */
export interface PrintedMessage {
  calls: readonly MessageCall[];
}

function listed(names: Iterable<string>): string {
  const sorted = [...names].sort();
  return sorted.length === 0 ? "no arguments" : `{${sorted.join("}, {")}}`;
}

/** A message that uses other arguments than the ones passed, said in words (never "expected the arguments none"). */
function argumentMismatch(passed: string, used: string, by: string): string {
  if (passed === "no arguments") return `takes no arguments, since ${by} passes none, but uses ${used}`;
  if (used === "no arguments") return `uses no arguments, but ${by} passes ${passed}: the message should use them`;
  return `expected the arguments ${passed}, found ${used}; ${by} passes them`;
}

/**
 * Checks a template's catalogs against what the template prints, not against one catalog of them:
 * the reference is the template's sources (and the code's own keys), the same for every file, so
 * following the advice for one catalog never makes another wrong. A key the template prints is
 * missing wherever a catalog lacks it; its message must use exactly the arguments the template
 * passes; a key nothing prints, held by some catalogs and not others, is unexpected where it is
 * (remove it). When a `{{t}}` names its key from data (`dynamicKeys`), which keys are printed is
 * not known: every catalog then needs every key another has. Returns one line per problem, each
 * naming `messages/<tag>.json` and the key.
 */
export function checkTemplateCatalogs(
  catalogs: Readonly<Partial<Record<LocaleId, MessageCatalog>>>,
  printed: ReadonlyMap<string, PrintedMessage>,
  dynamicKeys = false,
  parsed: ParsedMessageLookup = noParsedMessages,
  /** How each catalog file is written (catalog-folder.ts): its problems then name the key's line and column. */
  layouts: Readonly<Partial<Record<LocaleId, CatalogLayout>>> = {},
): string[] {
  const problems: string[] = [];
  const locales = (Object.keys(catalogs) as LocaleId[]).sort();
  const file = (locale: string) => `messages/${locale}.json`;
  const keyAt = (locale: LocaleId, key: string) => catalogKeyAt(layouts, locale, key);
  // Files that do not parse: not counted among those that lack a key (nobody knows what they hold); their own error is said by their reader.
  const unknown = (Object.keys(layouts) as LocaleId[]).filter((locale) => layouts[locale]?.unreadable && !catalogs[locale]).sort();
  const uncounted = unknown.length === 0 ? "" : ` (${unknown.map(file).join(", ")}, which cannot be read, ${unknown.length === 1 ? "is" : "are"} not counted)`;
  // Arguments a message uses that a place printing it does not pass, by key and place: one line for the place when every catalog uses them.
  const unpassedBy = new Map<string, { locale: LocaleId; names: string[]; call: MessageCall }[]>();
  const holders = new Map<string, LocaleId[]>();
  // A key whose value is not a string is held by its file (its reader says what is wrong with it), not missing from it.
  const written = (locale: LocaleId) => [...Object.keys(catalogs[locale] ?? {}), ...(layouts[locale]?.unreadableKeys ?? [])];
  for (const locale of locales) for (const key of new Set(written(locale))) holders.set(key, [...(holders.get(key) ?? []), locale]);
  for (const locale of locales) {
    const catalog = catalogs[locale] ?? {};
    const held = new Set(written(locale));
    for (const [key, { calls }] of printed) if (!held.has(key)) problems.push(`${file(locale)}: ${key}: missing; ${placeOf(calls[0]!)} prints it`);
    for (const [key, message] of Object.entries(catalog)) {
      let used: Set<string>;
      try {
        const read = readMessage(locale, message, parsed);
        for (const problem of read.problems) problems.push(`${keyAt(locale, key)}: ${problem}`);
        used = read.names;
      } catch (error) {
        problems.push(`${keyAt(locale, key)}: ${malformed(error, message)}`);
        continue;
      }
      const print = printed.get(key);
      if (print) {
        const passed = print.calls.map((call) => listed(call.arguments));
        // Every place passes the same arguments: the message uses exactly those (a dropped {pages} would print "Page 1" in silence).
        if (passed.every((names) => names === passed[0])) {
          if (passed[0] !== listed(used)) problems.push(`${keyAt(locale, key)}: ${argumentMismatch(passed[0]!, listed(used), print.calls[0]!.where)}`);
          continue;
        }
        // Places that pass different arguments: the message may use only what each passes.
        for (const call of print.calls) {
          const unpassed = [...used].filter((name) => !call.arguments.has(name));
          if (unpassed.length === 0) continue;
          const at = `${key}\u0000${call.where}`;
          unpassedBy.set(at, [...(unpassedBy.get(at) ?? []), { locale, names: unpassed, call }]);
        }
        continue;
      }
      const having = holders.get(key) ?? [];
      if (having.length === locales.length) continue;
      const lacking = locales.filter((other) => !having.includes(other));
      if (!dynamicKeys) {
        problems.push(
          `${keyAt(locale, key)}: unexpected key; no source of the template prints it and ${lacking.map(file).join(", ")} ${lacking.length === 1 ? "lacks" : "lack"} it${uncounted}: remove it (or print it, and add it to every catalog)`,
        );
      }
    }
    if (dynamicKeys) {
      for (const [key, having] of holders) {
        if (printed.has(key) || having.includes(locale)) continue;
        problems.push(
          `${file(locale)}: ${key}: missing; ${having.map(file).join(", ")} ${having.length === 1 ? "has" : "have"} it, and a {{t}} of the template names its key from data, so every catalog needs every key of the others`,
        );
      }
    }
  }
  for (const [at, found] of unpassedBy) {
    const key = at.split("\u0000")[0]!;
    const { call } = found[0]!;
    const names = listed(new Set(found.flatMap((entry) => entry.names)));
    // Only a source file can be told to pass more; what the code passes is fixed, so the catalogs are at fault.
    if (found.length === locales.length && call.where.endsWith(".hbs"))
      problems.push(`${call.where}: {{t "${key}"}} passes ${listed(call.arguments)}, but every catalog's message uses ${names}: pass it there`);
    else
      for (const { locale, names: own } of found)
        problems.push(`${keyAt(locale, key)}: uses ${listed(own)}, which ${call.where} does not pass (it passes ${listed(call.arguments)})`);
  }
  return problems;
}
