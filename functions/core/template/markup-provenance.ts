import { type DataIssue, InvalidLetterDataError, LetterpressError } from "../errors";
import { LETTER_FACTS_FILE, type Letter } from "../letter/parse-letter";
import type { LocaleId } from "../locales";
import { describe, type MarkupError, type VocabularyProblem } from "../pdf/letter-tree";
import type { TemplateEngine } from "./template-engine";

/**
 * Where markup outside the vocabulary in a filled letter came from. The template's own markup was
 * checked when it was loaded (template-markup.ts), so what the filled letter still holds came in
 * through a `{{ }}`: an attribute's value, or text the template prints unescaped (`{{{ }}}`). Each
 * problem is traced to the data field (file and JSON path) or the message (catalog file and key)
 * whose text carries it, so the person fixes the field, not a line of a filled template they never see.
 */

/** A string of the letter's data or the template's messages, with where it is. */
interface Field {
  file: string;
  path: string;
  text: string;
}

/** Every string leaf of a parsed JSON value, with its JSON path (`paragraphs[2].content[0].text`). */
function stringsOf(value: unknown, file: string, path: string, out: Field[]): Field[] {
  if (typeof value === "string") out.push({ file, path, text: value });
  else if (Array.isArray(value)) value.forEach((item, index) => stringsOf(item, file, `${path}[${index}]`, out));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) stringsOf(item, file, path === "" ? key : `${path}.${key}`, out);
  }
  return out;
}

/** The fields a letter's document in one language reads: its language file, letter.json and the template's catalog. */
function fieldsOf(letter: Letter, locale: LocaleId, engine: TemplateEngine): Field[] {
  const fields: Field[] = [];
  stringsOf(letter.translations.get(locale), `${letter.facts.id}/${locale}.json`, "", fields);
  stringsOf(letter.facts, `${letter.facts.id}/${LETTER_FACTS_FILE}`, "", fields);
  // A message's text as printed, near enough to find markup in: ICU quotes a "<" as '<'.
  const messages = stringsOf(engine.set.catalogs[locale], `${engine.folder}/messages/${locale}.json`, "", []);
  for (const message of messages) fields.push({ ...message, text: message.text.replace(/'([<{}#|])'?/g, "$1").replace(/''/g, "'") });
  return fields;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The fields whose text carries the problem, by the most specific evidence: the element written as
 * markup with that attribute in a field's text; else the field whose whole text is the attribute's
 * value, or the longest fields the value is made of (the template writes `href="https://{{id}}"`).
 * Any field that merely contains the value is not evidence: a value such as "e" is in nearly every
 * field, and each was blamed.
 */
function carriers(problem: VocabularyProblem, fields: readonly Field[]): Field[] {
  const tag = `<${problem.element.tagName}`;
  const byElement = fields.filter((field) => field.text.toLowerCase().includes(tag));
  if (!problem.attribute) return byElement;
  const { name, value } = problem.attribute;
  const written = new RegExp(`${escapeRegExp(tag)}\\b[^>]*\\s${escapeRegExp(name)}\\s*(=|>|/|\\s|$)`, "i");
  const inMarkup = byElement.filter((field) => written.test(field.text));
  if (inMarkup.length > 0) return inMarkup;
  const filled = value.trim();
  if (filled === "") return [];
  const whole = fields.filter((field) => field.text.trim() === filled);
  if (whole.length > 0) return whole;
  const parts = fields.filter((field) => field.text.trim() !== "" && filled.includes(field.text.trim()));
  const longest = Math.max(0, ...parts.map((field) => field.text.trim().length));
  return parts.filter((field) => field.text.trim().length === longest);
}

/**
 * The markup error of one document, each problem named by the field that carries it: an
 * InvalidLetterDataError (every problem in letter data: the person fixes the data) or a template
 * error (a catalog message, or what could not be traced, by its line of the filled template).
 */
export function markupErrorOfLetter(error: MarkupError, letter: Letter, locale: LocaleId, engine: TemplateEngine): LetterpressError {
  const fields = fieldsOf(letter, locale, engine);
  const issues: DataIssue[] = [];
  const untraced: string[] = [];
  for (const problem of error.problems) {
    const found = carriers(problem, fields);
    const what = `${describe(problem.element)} ${problem.detail}`;
    if (found.length === 0) {
      const line = problem.element.sourceCodeLocation?.startLine;
      untraced.push(`filled template${line ? ` line ${line}` : ""}: ${what}; no field of the letter or message of ${engine.folder} holds it`);
      continue;
    }
    for (const field of found) {
      issues.push({ file: field.file, path: field.path, message: `${what}; the template ${engine.folder} puts this text into the letter's markup: write plain text here` });
    }
  }
  const data = issues.filter((issue) => !issue.file.startsWith(`${engine.folder}/`));
  if (untraced.length === 0 && data.length === issues.length) return new InvalidLetterDataError(issues);
  return new LetterpressError("TEMPLATE_ERROR", [...issues.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`), ...untraced].join("\n"), { cause: error });
}
