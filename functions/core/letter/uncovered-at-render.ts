import { type DataIssue, InvalidLetterDataError, LetterpressError } from "../errors";
import type { LocaleId } from "../locales";
import type { UncoveredCharacterError } from "../pdf/shaping";
import type { TemplateEngine } from "../template/template-engine";
import type { TextCoverage } from "./letter-context";
import { stringsOf } from "./letter-references";
import { LETTER_FACTS_FILE, type Letter } from "./parse-letter";

/**
 * A character no shipped face draws, met by the typesetter in text validation did not see (a font
 * whose character map lists a character its shaping cannot place, a letter read without the fonts):
 * named by the fields of the letter's files that hold it, as validation names one, so it is a data
 * error that fails once and never goes back for a retry. A character in no field came from the
 * template's words or from what Intl formats in the language: a template error, naming the catalog.
 */
export function uncoveredCharacterOfLetter(
  error: UncoveredCharacterError,
  letter: Letter,
  locale: LocaleId,
  recipientId: string | null,
  engine: TemplateEngine,
  coverage: TextCoverage | undefined,
): LetterpressError {
  const char = String.fromCodePoint(error.codePoint);
  const described = coverage?.describe?.(error.codePoint);
  const what = described ?? error.message.replace(/^no shipped font has a glyph for /, "").replace(/ in ".*$/s, "");
  const id = letter.facts.id;
  const translation = letter.translations.get(locale);
  const fields: DataIssue[] = [
    // letter.json's words a document prints are its reader's (a representative's name): only this document's reader.
    ...letter.facts.recipients.flatMap((recipient, index) =>
      recipient.id === recipientId ? stringsOf(recipient, `recipients[${index}]`).map((field) => ({ file: `${id}/${LETTER_FACTS_FILE}`, ...field })) : [],
    ),
    ...(translation ? stringsOf(translation).map((field) => ({ file: `${id}/${locale}.json`, ...field })) : []),
  ]
    .filter(({ text }) => text.includes(char))
    .map(({ file, path }) => ({
      file,
      path,
      message: `no shipped font has a glyph for ${what} (met while the document was made, in "…${error.context}…"); expected text the shipped fonts draw (replace or remove it)`,
    }));
  if (fields.length > 0) return new InvalidLetterDataError(fields);
  return new LetterpressError(
    "TEMPLATE_ERROR",
    `${engine.folder}/messages/${locale}.json: no shipped font has a glyph for ${what}, which the template prints for letter "${id}" in ${locale} (in "…${error.context}…"): in the catalog's words or what Intl formats for ${locale}; expected a language whose script the shipped fonts draw (add a font for it)`,
    { cause: error },
  );
}
