import { closestNames } from "./core/text/closest-names";
import { LetterpressError } from "./core/errors";
import { canonicalLocale, type LocaleId } from "./core/locales";
import type { DocumentStore } from "./storage/document-store";

/**
 * What a person asks for by language, and what they are told when it is not one there is: one
 * suggestion for the command line (`--locale`), the download and share routes (`/letters/<id>/pt-br/...`)
 * and the render function's own refusal, worded by each for its reader.
 */

/** Longest language tag read from a request (BCP 47's longest well-formed tags are shorter); longer is no tag. */
const MAX_WRITTEN_TAG = 35;

/**
 * The BCP 47 tag a written language stands for: underscores (POSIX locales such as `pt_BR`) and any
 * letter case are read as the tag (`EN` -> `en`, `pt_br` -> `pt-BR`), so the person can be told how
 * the data writes it. Undefined for what is no language tag at all (never echoed back then).
 */
export function readWrittenLocale(written: string): LocaleId | undefined {
  if (written.length === 0 || written.length > MAX_WRITTEN_TAG || !/^[A-Za-z0-9_-]+$/.test(written)) return undefined;
  return canonicalLocale(written.replaceAll("_", "-"));
}

/** How one reader is spoken to: the command line names flags, the HTTP routes name a letter's tags. */
export interface LocaleWording {
  /** The asked value, as the message starts: `--locale pt_br`, `locale "pt-br"`. */
  asked(written: string): string;
  /** A tag to use instead: `--locale pt-BR`, `"pt-BR"`. */
  suggested(tag: LocaleId): string;
  /** Whose languages they are: `the data` / `the letters`, `this letter` / `this letter`. */
  owner: { possessive: string; has: string; of: string };
}

/** The command line's wording (`generate --locale`). */
export const FLAG_WORDING: LocaleWording = {
  asked: (written) => `--locale ${written}`,
  suggested: (tag) => `--locale ${tag}`,
  owner: { possessive: "the data's", has: "the letters have", of: "the data" },
};

/** The download and share routes' wording, and the render function's (whose refusals reach their callers). */
export const REQUEST_WORDING: LocaleWording = {
  asked: (written) => `locale "${written}"`,
  suggested: (tag) => `"${tag}"`,
  owner: { possessive: "this letter's", has: "this letter has", of: "this letter" },
};

/**
 * Whether a language there is can stand in for one asked for without changing what the asked tag's
 * subtags mean: the same language in the same script (each as its likely subtags fill it in, so `zh`
 * is Simplified, `zh-TW` Traditional, `sr` Cyrillic), and no other region than one the asked tag
 * names. So `en` for `en-GB` and `pt-BR` for `pt`, but never `zh` for `zh-Hant`, `sr-Latn` for
 * `sr-Cyrl` or `pt-BR` for `pt-PT`.
 */
function standsInFor(candidate: string, asked: string): boolean {
  const have = new Intl.Locale(candidate);
  const want = new Intl.Locale(asked);
  const haveFull = have.maximize();
  const wantFull = want.maximize();
  if (haveFull.language !== wantFull.language || haveFull.script !== wantFull.script) return false;
  return have.region === undefined || want.region === undefined || have.region === want.region;
}

/** English names of scripts (`Latn` -> "Latin"), for saying which script a suggested tag is written in. */
const SCRIPT_NAMES = new Intl.DisplayNames(["en"], { type: "script" });

/** A tag's script as its likely subtags fill it in, named and coded: `sr` -> "Cyrillic, Cyrl". */
function scriptOf(tag: string): string {
  const script = new Intl.Locale(tag).maximize().script ?? "Zyyy";
  return `${SCRIPT_NAMES.of(script) ?? script}, ${script}`;
}

/**
 * The same language written in another script (`sr-Latn` for `sr`, which is Cyrillic; `zh` for
 * `zh-Hant`): never a stand-in (the text differs), but worth naming, with the script, when no stand-in exists.
 */
function otherScriptsOf(known: readonly string[], asked: string): string[] {
  const want = new Intl.Locale(asked).maximize();
  return known.filter((candidate) => {
    const have = new Intl.Locale(candidate).maximize();
    return have.language === want.language && have.script !== want.script;
  });
}

/** Language names, only to tell a language CLDR knows (`he` Hebrew) from a code it does not (`jp`). */
const LANGUAGE_NAMES = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });

/**
 * Whether a language subtag is a language CLDR names: such a tag was meant as written (`he` is Hebrew),
 * so a tag one letter away (`de`) is no near miss of it; only an unknown code (`jp`) is a typo.
 */
function isKnownLanguage(language: string): boolean {
  return LANGUAGE_NAMES.of(language) !== undefined;
}

/**
 * A language tag as a person reads it, the language named first (`Hebrew (he)`), so a real language the
 * letter lacks is never taken for a typo; a tag with a script or region, or one CLDR names no language, as written.
 */
function languageNamed(tag: string): string {
  const locale = new Intl.Locale(tag);
  if (locale.script !== undefined || locale.region !== undefined || !isKnownLanguage(locale.language)) return tag;
  return `${LANGUAGE_NAMES.of(tag)} (${tag})`;
}

/** Region names, only to tell a region code CLDR knows from one it does not (`fallback: "none"`). */
const REGION_NAMES = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });

/**
 * The languages there are that a two-letter tag meant when it is a country's code rather than its
 * language's (`gr` Greece for `el`, `ua` Ukraine for `uk`, `cn` for `zh`): the country's likely
 * language by CLDR's likely subtags (`Intl.Locale("und-GR").maximize()`, UTS #35 section 4.4).
 */
function languagesOfCountry(tag: string, known: readonly string[]): string[] {
  const written = new Intl.Locale(tag);
  if (written.script !== undefined || written.region !== undefined || !/^[a-z]{2}$/.test(written.language)) return [];
  // Only a code that is no language CLDR knows (`ja` is Japanese, never the region "JA") and is a region it names.
  if (written.maximize().toString() !== written.toString() || REGION_NAMES.of(written.language.toUpperCase()) === undefined) return [];
  let language: string;
  try {
    language = new Intl.Locale(`und-${written.language.toUpperCase()}`).maximize().language;
  } catch {
    return [];
  }
  if (language === "und" || language === written.language) return [];
  return known.filter((locale) => new Intl.Locale(locale).language === language);
}

/**
 * What is wrong with a language asked for, against the languages there are (`undefined`: not known
 * here); undefined when it is one of them, as written. Written another way (`EN`, `pt_br`, `pt-br`):
 * the tag is suggested. A language not there: the ones of the same language and script, in no other
 * region, are suggested (`en` for `en-GB`; none for `zh-Hant` when only `zh` is there), else the same
 * language in another script, else the language of a country whose code was written for it (`gr` for
 * `el`, `ua` for `uk`), else a near miss of another language's tag (`jp` for `ja`: closest-names.ts). The languages there are follow, when known.
 */
export function localeProblem(written: string, available: Iterable<string> | undefined, wording: LocaleWording): string | undefined {
  const tag = readWrittenLocale(written);
  const known = available === undefined ? undefined : [...new Set(available)].sort();
  const listed = known === undefined ? "" : ` (languages of ${wording.owner.of}: ${known.join(", ") || "none"})`;
  if (tag === undefined) return `${wording.asked("…")}: not a language tag; expected a BCP 47 tag such as en, pt-BR or zh-Hant${listed}`;
  if (known === undefined || known.includes(tag)) {
    if (written === tag) return undefined;
    const whose =
      known === undefined ? `a language tag is written "${tag}" (BCP 47)` : `${wording.owner.possessive} tag is "${tag}" (BCP 47, as its translation file ${tag}.json is named)`;
    return `${wording.asked(written)}: ${whose}; did you mean ${wording.suggested(tag)}?${listed}`;
  }
  const standIns = known.filter((locale) => standsInFor(locale, tag));
  const otherScripts = standIns.length > 0 ? [] : otherScriptsOf(known, tag);
  // Last, a mistyped language (`jp` for `ja`), as for letter ids: a near miss among the other languages'
  // tags only, so the same language in another region (`pt-BR` for `pt-PT`) is still never suggested.
  const language = new Intl.Locale(tag).language;
  const countryLanguages = standIns.length > 0 || otherScripts.length > 0 ? [] : languagesOfCountry(tag, known);
  const nearMisses =
    standIns.length > 0 || otherScripts.length > 0 || countryLanguages.length > 0 || isKnownLanguage(language)
      ? []
      : closestNames(
          tag,
          known.filter((locale) => new Intl.Locale(locale).language !== language),
        );
  const inScript = (locale: string) => `${wording.suggested(locale)} (${scriptOf(locale)})`;
  const meant = standIns.length > 0 ? standIns : countryLanguages.length > 0 ? countryLanguages : nearMisses;
  const suggestion =
    meant.length > 0
      ? `; did you mean ${meant.map(wording.suggested).join(" or ")}?`
      : otherScripts.length > 0
        ? `; ${wording.owner.has} it in another script than ${tag}'s ${scriptOf(tag)}: ${otherScripts.map(inScript).join(" or ")}`
        : "";
  return `${wording.asked(written)}: ${wording.owner.has} no ${languageNamed(tag)} translation${suggestion}${listed}`;
}

/**
 * A request's language written in another form than its tag (`pt-br`, `EN`, `pt_BR`): a 404 that says
 * the tag. The handler that can read the letter's languages words it again with them (`withLanguages`).
 */
export class LocaleWrittenOtherwiseError extends LetterpressError {
  constructor(
    readonly letterId: string,
    readonly written: string,
  ) {
    super("UNKNOWN_LOCALE", localeProblem(written, undefined, REQUEST_WORDING) ?? `locale "${written}": not a language of this letter`);
    this.name = "LocaleWrittenOtherwiseError";
  }
}

/**
 * The languages a letter's published documents are in (its latest revision's manifest), as the
 * download function knows them from the bucket; undefined when none is published or the store does
 * not answer (the refusal then goes without the list).
 */
export async function publishedLanguages(store: Pick<DocumentStore, "getLatest" | "getManifest">, letterId: string): Promise<LocaleId[] | undefined> {
  try {
    const latest = await store.getLatest(letterId);
    const manifest = latest ? await store.getManifest(letterId, latest.revision) : undefined;
    return manifest ? [...new Set(manifest.documents.map((document) => document.locale))].sort() : undefined;
  } catch {
    return undefined;
  }
}

/** The refusal of a language written otherwise, worded again with the letter's languages when they are known. */
export function withLanguages(error: LocaleWrittenOtherwiseError, languages: readonly string[] | undefined): LetterpressError {
  const message = languages === undefined ? undefined : localeProblem(error.written, languages, REQUEST_WORDING);
  return message === undefined ? error : new LetterpressError("UNKNOWN_LOCALE", message);
}
