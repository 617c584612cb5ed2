import { languageTagFault } from "../language-tag-syntax";
import { canonicalLocale, isLocaleId, type LocaleId } from "../locales";

const languageNames = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });

/**
 * ISO 639-2's special codes: well-formed tags that name no language a letter is written in
 * (undetermined, uncoded, multiple, no linguistic content). `Intl.Locale("und").language` is even
 * undefined in Node 20, which made `DisplayNames.of` throw.
 */
const NOT_A_LANGUAGE = new Set(["und", "mis", "mul", "zxx"]);

/** A well-formed tag may still name no language ("xx", "notes", "und"): CLDR's names of languages decide. */
export function isKnownLanguage(locale: LocaleId): boolean {
  // A LocaleId passed isLocaleId, which `Intl.Locale` accepts: no try needed here.
  const language: string | undefined = new Intl.Locale(locale).language;
  if (!language || NOT_A_LANGUAGE.has(language)) return false;
  try {
    return languageNames.of(language) !== undefined;
  } catch {
    return false;
  }
}

/**
 * A file name as it may be printed: with its control and format characters (a newline, a bidi
 * override) escaped as JSON escapes them, so a name cannot break or fake a line of a report.
 */
export function printableFileName(name: string): string {
  return /[\p{Cc}\p{Cf}\u2028\u2029]/u.test(name)
    ? JSON.stringify(name)
        .slice(1, -1)
        .replace(/[\p{Cf}\u2028\u2029]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`)
    : name;
}

/** The language a name would be in canonical form ("fr_FR" -> fr-FR, "EN" -> en), if any. */
function meantLocale(locale: string): LocaleId | undefined {
  return canonicalLocale(locale.replaceAll("_", "-"));
}

/** What a letter folder holds, as its warnings say it; a template's messages/ says its own. */
const LETTER_FOLDER_FILES = { files: "letter.json or <locale>.json", folder: "the letter folder" };

/**
 * Why a `.json` file of a letter folder (other than letter.json) is not a translation: its name is
 * not a language's BCP 47 tag in canonical form. The readers skip such a file with this reason as
 * a warning (reader-rules.ts), so it is never taken for a language of the letter; undefined when the
 * name is a language's tag.
 */
export function translationFileNameProblem(name: string, wanted: { files: string; folder: string } = LETTER_FOLDER_FILES): string | undefined {
  const locale = name.replace(/\.json$/, "");
  const shown = printableFileName(locale);
  if (!name.endsWith(".json") || !isLocaleId(locale)) {
    // "fr_FR" (a POSIX locale name) is answered with the tag it means, as "pt-br" is; a name that
    // means no tag ("zh-TW-x") with what is wrong with it.
    const canonical = name.endsWith(".json") ? meantLocale(locale) : undefined;
    const fault = name.endsWith(".json") && !canonical ? languageTagFault(locale.replaceAll("_", "-"), (text) => `"${printableFileName(text)}"`) : undefined;
    const expected = canonical ? `; "${shown}" is not in canonical form, expected ${canonical}.json` : fault ? `; ${fault}` : "";
    return `unexpected file; expected ${wanted.files} named by a BCP 47 language tag such as en, pt-BR or zh-Hant${expected}`;
  }
  if (!isKnownLanguage(locale)) {
    return `"${shown}" names no language known to Unicode CLDR; name a translation by its language's BCP 47 tag (such as en, pt-BR or zh-Hant), or move the file out of ${wanted.folder}`;
  }
  return undefined;
}

/** The file among `names` (base names) that would be `<locale>.json` in canonical form: "EN.json" for en. */
export function misnamedFileOf(locale: string, names: readonly string[]): string | undefined {
  const wanted = `${locale}.json`;
  return names.find((name) => name !== wanted && (name.toLowerCase() === wanted.toLowerCase() || (name.endsWith(".json") && meantLocale(name.replace(/\.json$/, "")) === locale)));
}

/** The name a file would have with its extension in lower case ("en.JSON" -> en.json); undefined when it has none such. */
export function withLowerCaseJson(name: string): string | undefined {
  return /\.json$/i.test(name) && !name.endsWith(".json") ? `${name.slice(0, -".json".length)}.json` : undefined;
}
