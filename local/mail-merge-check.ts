import { join } from "node:path";
import { countOf } from "../functions/core/errors";
import type { Letter } from "../functions/core/letter/parse-letter";
import type { LocaleId } from "../functions/core/locales";
import { buildLetterView, type LetterView } from "../functions/core/template/letter-view";
import type { TemplateEngine } from "../functions/core/template/template-engine";

type RecipientView = NonNullable<LetterView["recipient"]>;

/** The recipient's fields a template can print (its id is a key, not text of the letter). */
const RECIPIENT_FIELDS = ["country", "representative", "representativeName"] as const satisfies readonly (keyof RecipientView)[];

/**
 * The recipient fields a template prints, found by filling it: each field in turn is given a value
 * of its own, and a field whose value changes nothing in the filled letter is never printed. Filling
 * sees through partials, `{{#with}}` and helpers alike, where reading the template's source would not.
 */
export function recipientFieldsPrinted(engine: TemplateEngine, letter: Letter): { printed: string[]; neverPrinted: string[] } | undefined {
  const recipient = letter.facts.recipients.find((candidate) => letter.translations.has(candidate.locale as LocaleId));
  if (!recipient) return undefined;
  const locale = recipient.locale as LocaleId;
  const view = buildLetterView(letter, locale, recipient.id);
  const filled = engine.fill("letter", view, locale);
  const printed: string[] = [];
  const neverPrinted: string[] = [];
  for (const field of RECIPIENT_FIELDS) {
    const changed = { ...view, recipient: { ...(view.recipient as RecipientView), [field]: `\uE000mail-merge ${field} probe\uE001` } };
    (engine.fill("letter", changed, locale) === filled ? neverPrinted : printed).push(`recipient.${field}`);
  }
  return { printed, neverPrinted };
}

/**
 * A mail merge whose template prints nothing of the recipient makes identical copies: said once per
 * letter, naming the template (under `templatesDir`, the --templates folder as written), the fields it never prints and
 * how many copies the run makes (the recipients who read one of `locales`, when --locale limits it). Undefined when the
 * copies differ, or the run makes none (unreadLocalesWarning says so).
 */
export function identicalCopiesWarning(engine: TemplateEngine, letter: Letter, templatesDir = "templates", locales?: readonly LocaleId[]): string | undefined {
  const fields = recipientFieldsPrinted(engine, letter);
  if (!fields || fields.printed.length > 0) return undefined;
  // The copies this run makes: a recipient gets one in their own language, so --locale counts only its readers.
  const copies = letter.facts.recipients.filter((recipient) => !locales || locales.includes(recipient.locale)).length;
  if (copies === 0) return undefined;
  return (
    `${letter.facts.id}: --recipients makes ${countOf(copies, "copy", "copies")} that say nothing of their recipient: template "${engine.set.name}" ` +
    `(${join(templatesDir, engine.set.name, "letter.hbs")} and its partials) never prints ${fields.neverPrinted.join(", ")}; print one of them (as un-security-council's partials/addressee.hbs does) or leave out --recipients`
  );
}

/**
 * A mail merge that makes no copy of a letter, or none in some asked languages, says so rather than a
 * silent "0 documents": a letter without recipients (with, when the run asked for every letter,
 * `lettersWithRecipients`: the letters that have some), or languages (`--recipients --locale sr-Latn`)
 * no recipient reads, with the languages its recipients do read. Undefined when every asked language has a reader.
 */
export function unreadLocalesWarning(letter: Letter, locales: readonly LocaleId[] | undefined, lettersWithRecipients?: readonly string[]): string | undefined {
  if (letter.facts.recipients.length === 0) {
    const others =
      lettersWithRecipients === undefined
        ? ""
        : lettersWithRecipients.length === 0
          ? "; no letter of the data has recipients"
          : `; the letters with recipients: ${lettersWithRecipients.join(", ")}`;
    return `${letter.facts.id}: --recipients makes no copy: the letter has no recipients (its letter.json lists none)${others}`;
  }
  if (!locales) return undefined;
  const read = new Set(letter.facts.recipients.map((recipient) => recipient.locale));
  const unread = locales.filter((locale) => !read.has(locale));
  if (unread.length === 0) return undefined;
  const none = unread.length === locales.length;
  return `${letter.facts.id}: --recipients makes ${none ? "no copy" : `no copy in ${unread.join(", ")}`}: no recipient reads ${unread.join(" or ")} (its recipients read ${[...read].sort().join(", ")})`;
}
