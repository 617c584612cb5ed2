import * as z from "zod";
import { LetterpressError } from "./errors";

/**
 * A language letterpress can render: a BCP 47 tag in its canonical form (`en`, `pt-BR`, `zh-Hant`,
 * `sr-Latn`). Which languages exist is decided by files, not code: a message catalog in
 * `templates/<name>/messages/<tag>.json` (of the letter's template) and a translation in `data/<letter>/<tag>.json`.
 */
export type LocaleId = string;

/** An ISO 15924 script code (`Latn`, `Hebr`, `Jpan`...): fonts are chosen by it. */
export type Script = string;

export interface LocaleInfo {
  id: LocaleId;
  /** BCP 47 tag for `lang` attributes, `Intl` and PDF metadata. */
  tag: string;
  dir: "ltr" | "rtl";
  /** The script the language is written in: the tag's own script subtag, else the likely one (CLDR likely subtags). */
  script: Script;
}

/** Which languages a deployment serves: a list, or every language the data and templates have. */
export type AllowedLocales = readonly LocaleId[] | "all";

export function isAllowedLocale(allowed: AllowedLocales, locale: LocaleId): boolean {
  return allowed === "all" || allowed.includes(locale);
}

export function describeAllowedLocales(allowed: AllowedLocales): string {
  return allowed === "all" ? "every language of the letter" : allowed.join(", ");
}

/**
 * Scripts written right to left: the ISO 15924 codes whose letters are of Unicode bidi class R or AL
 * (UAX #9; Scripts.txt x DerivedBidiClass.txt, as CLDR's scriptMetadata.txt marks them RTL), up to
 * Unicode 17 (Garay, Sidetic), plus `Aran` (Nastaliq, an ISO 15924 variant of Arabic) and Syriac's
 * variants. test/core/locales.test.ts checks the table against the runtime's Unicode data both ways.
 */
export const RTL_SCRIPTS: ReadonlySet<Script> = new Set([
  "Adlm",
  "Arab",
  "Aran",
  "Armi",
  "Avst",
  "Chrs",
  "Cprt",
  "Elym",
  "Gara",
  "Hatr",
  "Hebr",
  "Hung",
  "Khar",
  "Lydi",
  "Mand",
  "Mani",
  "Mend",
  "Merc",
  "Mero",
  "Narb",
  "Nbat",
  "Nkoo",
  "Orkh",
  "Ougr",
  "Palm",
  "Phli",
  "Phlp",
  "Phnx",
  "Prti",
  "Rohg",
  "Samr",
  "Sarb",
  "Sidt",
  "Sogd",
  "Sogo",
  "Syrc",
  "Syre",
  "Syrj",
  "Syrn",
  "Thaa",
  "Yezi",
]);

/** The canonical form of a BCP 47 tag, or undefined when it is not a well-formed tag. */
export function canonicalLocale(value: string): LocaleId | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    return canonical;
  } catch {
    return undefined;
  }
}

/** True when the value is a well-formed BCP 47 tag written in its canonical form. */
export function isLocaleId(value: string): value is LocaleId {
  return value !== "" && canonicalLocale(value) === value;
}

/**
 * Validates a language tag read from a file name or a field, naming where it came from: a tag that is
 * not BCP 47, or not in its canonical form (`pt-br` for `pt-BR`), is refused with the expected form.
 */
export function parseLocaleId(value: string, where: string): LocaleId {
  const canonical = canonicalLocale(value);
  if (canonical === undefined || value === "") {
    throw new LetterpressError("UNKNOWN_LOCALE", `${where}: "${value}" is not a BCP 47 language tag (expected e.g. en, pt-BR, zh-Hant, sr-Latn)`);
  }
  if (canonical !== value) throw new LetterpressError("UNKNOWN_LOCALE", `${where}: "${value}" is not in canonical form; expected "${canonical}"`);
  return canonical;
}

/** A zod schema for a locale field: a canonical BCP 47 tag. */
const expectedTag = (input: unknown) => `expected a BCP 47 language tag in canonical form (e.g. en, pt-BR, zh-Hant), got ${JSON.stringify(input) ?? "nothing"}`;
export const localeIdSchema = z.string({ error: (issue) => expectedTag(issue.input) }).refine(isLocaleId, { error: (issue) => expectedTag(issue.input) });

const derived = new Map<LocaleId, LocaleInfo>();

/**
 * What rendering needs to know about a language, derived from its tag through `Intl` (CLDR): the
 * script is the tag's own script subtag, else the likely one (`ja` -> Jpan, `zh-Hant` -> Hant, `fa` ->
 * Arab), and the direction is that script's (`az-Arab` and `ms-Arab` rtl, `ks-Deva` ltr). Not Intl's
 * text info: it reads the language alone, ignoring a script subtag (`az-Arab` ltr), and has `dv`
 * (Thaana) ltr.
 */
export function localeInfo(locale: LocaleId): LocaleInfo {
  let info = derived.get(locale);
  if (!info) {
    const id = parseLocaleId(locale, "locale");
    const intlLocale = new Intl.Locale(id);
    const script = intlLocale.script ?? intlLocale.maximize().script ?? "Latn";
    info = { id, tag: id, dir: RTL_SCRIPTS.has(script) ? "rtl" : "ltr", script };
    derived.set(locale, info);
  }
  return info;
}

/**
 * `localeInfo` as a read-only record, for code that indexes by locale: any valid tag can be read,
 * nothing can be written.
 */
export const LOCALES: Readonly<Record<LocaleId, LocaleInfo>> = new Proxy({} as Record<LocaleId, LocaleInfo>, {
  get: (_target, key) => (typeof key === "string" ? localeInfo(key) : undefined),
  has: (_target, key) => typeof key === "string" && isLocaleId(key),
  set: () => false,
});

/**
 * Per-language settings a message catalog may declare under its `"$locale"` entry, where a language
 * wants something other than its CLDR default (e.g. `{ "calendar": "gregory" }` for fa, whose
 * default calendar is the Persian one). They become Unicode extension keywords of the tag given to `Intl`.
 */
export const localeOverridesSchema = z.strictObject({
  calendar: z
    .string()
    .regex(/^[a-z0-9]{3,8}(-[a-z0-9]{3,8})*$/, { error: "expected a Unicode calendar identifier such as gregory" })
    // A well-formed name Intl does not know would be ignored in silence: refused, with the names it knows.
    .refine((name) => Intl.supportedValuesOf("calendar").includes(name), { error: () => `expected a calendar Intl supports: ${Intl.supportedValuesOf("calendar").join(", ")}` })
    .optional(),
  numberingSystem: z
    .string()
    .regex(/^[a-z0-9]{3,8}$/, { error: "expected a Unicode numbering system such as latn or arab" })
    .refine((name) => Intl.supportedValuesOf("numberingSystem").includes(name), {
      error: () => `expected a numbering system Intl supports, such as latn, arab, arabext, deva, beng, thai or hanidec`,
    })
    .optional(),
});
export type LocaleOverrides = z.infer<typeof localeOverridesSchema>;

/** The tag to give `Intl` for formatting: the locale with its overrides as extension keywords (`fa-u-ca-gregory`). */
export function formattingLocale(locale: LocaleId, overrides: LocaleOverrides = {}): string {
  const options: Intl.LocaleOptions = {};
  if (overrides.calendar) options.calendar = overrides.calendar;
  if (overrides.numberingSystem) options.numberingSystem = overrides.numberingSystem;
  return new Intl.Locale(localeInfo(locale).tag, options).toString();
}
