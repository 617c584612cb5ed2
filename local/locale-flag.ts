import { LetterpressError } from "../functions/core/errors";
import type { LocaleId } from "../functions/core/locales";
import { FLAG_WORDING, localeProblem, readWrittenLocale } from "../functions/locale-suggestion";

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
  const tag = readWrittenLocale(written);
  return tag === undefined ? undefined : { written, tag };
}

/**
 * The asked languages as tags the data has, or one error listing every item that is not: written
 * in another form (`EN`, `pt_br`: "did you mean --locale pt-BR"), or a language the letters do not
 * have, with the data's tags of the same language suggested first (`en-GB` when the data has `en`).
 * The wording is the download and share routes' too (functions/locale-suggestion.ts).
 */
export function resolveAskedLocales(asked: readonly AskedLocale[], dataLocales: ReadonlySet<string>): LocaleId[] {
  const problems: string[] = [];
  const resolved: LocaleId[] = [];
  for (const { written, tag } of asked) {
    const problem = localeProblem(written, dataLocales, FLAG_WORDING);
    if (problem !== undefined) problems.push(problem);
    else if (!resolved.includes(tag)) resolved.push(tag);
  }
  if (problems.length > 0) throw new LetterpressError("UNKNOWN_LOCALE", problems.join("\n"));
  return resolved;
}
