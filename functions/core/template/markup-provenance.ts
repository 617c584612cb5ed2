import { type DataIssue, InvalidLetterDataError, LetterpressError } from "../errors";
import { type DefaultTreeAdapterTypes, parseFragment } from "parse5";
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
  /** A message is printed formatted, its arguments filled in: only the words between them stand in the letter as written. */
  message?: true;
  /** A field of the language file, which becomes fields of the letter's view (`viewPathsOf`). */
  translation?: true;
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
  for (const field of stringsOf(letter.translations.get(locale), `${letter.facts.id}/${locale}.json`, "", [])) fields.push({ ...field, translation: true });
  stringsOf(letter.facts, `${letter.facts.id}/${LETTER_FACTS_FILE}`, "", fields);
  // A message's text as printed, near enough to find markup in: ICU quotes a "<" as '<'.
  const messages = stringsOf(engine.set.catalogs[locale], `${engine.folder}/messages/${locale}.json`, "", []);
  for (const message of messages) fields.push({ ...message, text: message.text.replace(/'([<{}#|])'?/g, "$1").replace(/''/g, "'"), message: true });
  return fields;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The view fields (letter-view.ts) a field of a language file becomes, by its JSON path; undefined
 * for the fields not known here (letter.json's, a message's), which only the letter's text can clear.
 */
function viewPathsOf(path: string): readonly string[] | undefined {
  if (/^(title|summary|sender|salutation|valediction|senderKind)$/.test(path)) return [path];
  if (/^addressee\[\d+\]$/.test(path)) return ["addressee"];
  const signatory = /^signatories\.[^.]+\.(name|abbreviation)$/.exec(path);
  if (signatory) return [`signatories.${signatory[1]}`];
  if (/^sources\.[^.]+$/.test(path)) return ["sources.name", "paragraphs.segments.sourceName"];
  const segment = /^paragraphs\[\d+\]\.content\[\d+\]\.(text|quote)$/.exec(path);
  if (segment) return [`paragraphs.segments.${segment[1]}`];
  const recipient = /^recipients\.[^.]+\.(country|representative)$/.exec(path);
  if (recipient) return recipient[1] === "country" ? ["recipient.country", "recipientList"] : ["recipient.representative"];
  return undefined;
}

/**
 * Whether the markup a field's text writes (`<tag` at `at`) stands in the filled letter as written:
 * the template printed that field unescaped. A field printed with `{{ }}` is in the letter as
 * `&lt;tag`, text, whatever markup it spells; naming it beside the field that really carries the
 * element sent the person to fix a field that was fine. A message's words between its arguments
 * are what must stand there; hyphenation's soft hyphens are left out of both.
 */
function writtenUnescaped(field: Field, at: number, letterText: string, references: Map<string, string>): boolean {
  let written = field.text;
  if (field.message) {
    const before = Math.max(written.lastIndexOf("{", at), written.lastIndexOf("}", at));
    const after = written.indexOf("{", at);
    written = written.slice(before + 1, after === -1 ? undefined : after);
  }
  return letterText.includes(comparable(written, references));
}

/**
 * Markup as written, in the form two writings of one text compare in: hyphenation rewrites a text
 * it hyphenates (hyphenate.ts: soft hyphens in, characters escaped anew, `&eacute;` as "é"), so
 * soft hyphens are left out and character references read as their characters, except that a "<"
 * stays `&lt;`: an escaped "<" is text and a bare one starts markup, the difference looked for.
 * `references`: each reference's reading, by reference, for this comparison.
 */
function comparable(markup: string, references: Map<string, string>): string {
  return markup.replace(/\u00ad/g, "").replace(/&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);?/gi, (reference) => {
    let reading = references.get(reference);
    if (reading === undefined) {
      // The HTML parser reads it as a browser does (legacy names without ";", numbers out of range).
      const node = parseFragment(reference).childNodes[0];
      const text = node && "value" in node ? node.value : reference;
      reading = text.replace(/</g, "&lt;");
      references.set(reference, reading);
    }
    return reading;
  });
}

/**
 * The fields whose text carries the problem, by the most specific evidence: the element written as
 * markup with that attribute in a field's text; else the field whose whole text is the attribute's
 * value, or the longest fields the value is made of (the template writes `href="https://{{id}}"`).
 * Any field that merely contains the value is not evidence: a value such as "e" is in nearly every
 * field, and each was blamed.
 */
function carriers(problem: VocabularyProblem, fields: readonly Field[], letterText: string, engine: TemplateEngine, references: Map<string, string>): Field[] {
  const tag = `<${problem.element.tagName}`;
  const byElement = fields.filter((field) => {
    const at = field.text.toLowerCase().indexOf(tag);
    if (at === -1 || !writtenUnescaped(field, at, letterText, references)) return false;
    // Text in the letter as written may be another field's (a source's name inside the summary): a field the template prints escaped carries no markup.
    const printedAs = field.translation ? viewPathsOf(field.path) : undefined;
    return printedAs === undefined || printedAs.some((path) => engine.printsAsMarkup(path));
  });
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
 * `filled`: the filled letter the problems were found in (hyphenated or not).
 */
export function markupErrorOfLetter(error: MarkupError, letter: Letter, locale: LocaleId, engine: TemplateEngine, filled: string): LetterpressError {
  const fields = fieldsOf(letter, locale, engine);
  const references = new Map<string, string>();
  const written = comparable(filled, references);
  const issues: DataIssue[] = [];
  const untraced: string[] = [];
  for (const problem of error.problems) {
    const found = carriers(problem, fields, written, engine, references);
    const what = `${describe(problem.element)} ${problem.detail}`;
    if (found.length === 0) {
      const line = problem.element.sourceCodeLocation?.startLine;
      untraced.push(`filled template${line ? ` line ${line}` : ""}: ${what}; no field of the letter or message of ${engine.folder} holds it`);
      continue;
    }
    for (const field of found) {
      // The same field's markup printed twice (a title in the heading and the footer) is one thing to fix.
      if (issues.some((issue) => issue.file === field.file && issue.path === field.path && issue.message.startsWith(`${what};`))) continue;
      issues.push({ file: field.file, path: field.path, message: `${what}; the template ${engine.folder} puts this text into the letter's markup: write plain text here` });
    }
  }
  const data = issues.filter((issue) => !issue.file.startsWith(`${engine.folder}/`));
  if (untraced.length === 0 && data.length === issues.length) return new InvalidLetterDataError(issues);
  return new LetterpressError("TEMPLATE_ERROR", [...issues.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`), ...untraced].join("\n"), { cause: error });
}

/** HTML's void elements: written without an end tag, so none is missing. */
const VOID_ELEMENT = /^(?:area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)$/;

/** An end tag as written (`</em>`, `</EM >`). */
const END_TAG = /<\/([a-z][^\s/>]*)[^>]*>/gi;

/**
 * What is unbalanced in one field's markup, read alone as the HTML parser reads it: each element
 * it opens and does not close (`<em>` with no `</em>`), and each end tag that closes nothing it
 * opened (`oops</em>`). Empty for balanced markup and for text with no tags.
 */
export function unbalancedMarkup(markup: string): string[] {
  if (!markup.includes("<")) return [];
  const problems: string[] = [];
  let closed = 0;
  const visit = (nodes: readonly DefaultTreeAdapterTypes.ChildNode[]) => {
    for (const node of nodes) {
      if (!("tagName" in node)) continue;
      if (node.sourceCodeLocation?.endTag) closed++;
      else if (!VOID_ELEMENT.test(node.tagName) && node.sourceCodeLocation?.startTag)
        problems.push(`<${node.tagName}> is opened and not closed: close it with </${node.tagName}> in this field, or write plain text`);
      visit(node.childNodes);
    }
  };
  visit(parseFragment(markup, { sourceCodeLocationInfo: true }).childNodes);
  const endTags = [...markup.matchAll(END_TAG)].map((match) => match[1]!.toLowerCase());
  if (endTags.length > closed) {
    const opened = new Set((markup.match(/<([a-z][^\s/>]*)/gi) ?? []).map((tag) => tag.slice(1).toLowerCase()));
    const stray = [...new Set(endTags.filter((name) => !opened.has(name)))];
    const named = stray.length > 0 ? stray.map((name) => `</${name}>`).join(", ") : "an end tag";
    problems.push(`${named} closes no element this field opens: remove it, or open the element in this field`);
  }
  return problems;
}

/**
 * The unbalanced markup (`unbalancedMarkup`) in the fields of a letter's language file that its
 * template prints as markup (`{{{title}}}`), as an error naming each by file and JSON path; undefined
 * when there is none. Each such field is put into the letter's markup as written, so an unclosed
 * `<em>` in a title set the rest of the letter in italics, or outside the article (reported as the
 * template's fault, "letter.hbs (as filled)"), and a stray `</em>` vanished unseen.
 */
export function unbalancedMarkupOfLetter(letter: Letter, locale: LocaleId, engine: TemplateEngine): InvalidLetterDataError | undefined {
  const translation = letter.translations.get(locale);
  if (translation === undefined) return undefined;
  // Every document of a mail merge renders the same parsed translation: it is walked once, not per recipient.
  let byEngine = unbalancedChecked.get(translation);
  if (!byEngine) unbalancedChecked.set(translation, (byEngine = new WeakMap()));
  let checked = byEngine.get(engine);
  if (checked === undefined) byEngine.set(engine, (checked = unbalancedMarkupOf(translation, `${letter.facts.id}/${locale}.json`, engine) ?? null));
  return checked ?? undefined;
}

/**
 * The check's result per parsed translation and template engine: both are immutable once made, so
 * a result can never go stale, and a new parse or engine is a new key (nothing warms a render).
 */
const unbalancedChecked = new WeakMap<object, WeakMap<TemplateEngine, InvalidLetterDataError | null>>();

function unbalancedMarkupOf(translation: object, file: string, engine: TemplateEngine): InvalidLetterDataError | undefined {
  const issues: DataIssue[] = [];
  for (const field of stringsOf(translation, file, "", [])) {
    if (!field.text.includes("<")) continue;
    const printedAs = viewPathsOf(field.path);
    if (!printedAs?.some((path) => engine.printsAsMarkup(path))) continue;
    for (const problem of unbalancedMarkup(field.text))
      issues.push({ file: field.file, path: field.path, message: `${problem} (the template ${engine.folder} prints this field as markup)` });
  }
  return issues.length > 0 ? new InvalidLetterDataError(issues) : undefined;
}
