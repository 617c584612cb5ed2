import { LetterpressError } from "../functions/core/errors";
import { canonicalLocale, type LocaleId } from "../functions/core/locales";

/** A language as written after `--locale`, and the BCP 47 tag it stands for (`en_GB` -> `en-GB`, `EN` -> `en`). */
export interface AskedLocale {
  written: string;
  tag: LocaleId;
}

/**
 * Reads one `--locale` item. Underscores (POSIX locales such as `pt_BR`) and any letter case are
 * read as the BCP 47 tag they stand for, so the user can be told the tag the data has; a value that
 * is no language tag at all is refused here, with the expected form.
 */
export function readAskedLocale(written: string): AskedLocale | undefined {
  const tag = canonicalLocale(written.replaceAll("_", "-"));
  return tag === undefined ? undefined : { written, tag };
}

/** The primary language subtag (`pt` of `pt-BR`), for suggesting a tag of the same language. */
const languageOf = (tag: string) => new Intl.Locale(tag).language;

/**
 * The asked languages as tags the data has, or one error listing every item that is not: written
 * in another form (`EN`, `pt_br`: "write it pt-BR"), or a language the letters do not have, with the
 * data's tags of the same language suggested first (`en-GB` when the data has `en`).
 */
export function resolveAskedLocales(asked: readonly AskedLocale[], dataLocales: ReadonlySet<string>): LocaleId[] {
  const problems: string[] = [];
  const resolved: LocaleId[] = [];
  for (const { written, tag } of asked) {
    if (dataLocales.has(tag)) {
      if (written === tag) resolved.includes(tag) || resolved.push(tag);
      else problems.push(`--locale ${written}: the data's tag is "${tag}" (BCP 47, as the translation file ${tag}.json is named); did you mean --locale ${tag}?`);
      continue;
    }
    const sameLanguage = [...dataLocales].filter((locale) => languageOf(locale) === languageOf(tag)).sort();
    const available = [...dataLocales].sort().join(", ") || "none";
    problems.push(
      sameLanguage.length > 0
        ? `--locale ${written}: the letters have no ${tag} translation; did you mean ${sameLanguage.map((locale) => `--locale ${locale}`).join(" or ")}? (languages of the data: ${available})`
        : `--locale ${written}: the letters have no ${tag} translation (languages of the data: ${available})`,
    );
  }
  if (problems.length > 0) throw new LetterpressError("UNKNOWN_LOCALE", problems.join("\n"));
  return resolved;
}
