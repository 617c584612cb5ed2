import type { z } from "zod";
import { type DataIssue, InvalidLetterDataError, LetterpressError, StaleTranslationError } from "../errors";
import { isLocaleId, type LocaleId, SUPPORTED_LOCALES } from "../locales";
import { formatJsonPath, parseDataJson } from "./parse-json";
import { type LetterFacts, letterFactsSchema, type Translation, translationSchema } from "./schema";
import { sourceFingerprint } from "./source-fingerprint";

export const LETTER_FACTS_FILE = "letter.json";

/** A data file as read from disk or S3: its name within the letter's folder and its text. */
export interface LetterFile {
  name: string;
  text: string;
}

/** A letter whose facts and every usable translation passed validation. */
export interface Letter {
  facts: LetterFacts;
  /** The translations that passed every check, the source language included. */
  translations: ReadonlyMap<LocaleId, Translation>;
  /** SHA-256 of the source language's content: the revision that translations record. */
  sourceFingerprint: string;
}

export interface ParsedLetter {
  letter: Letter;
  /** Languages whose file is present but unusable (invalid or stale), with the reason. */
  localeErrors: ReadonlyMap<LocaleId, LetterpressError>;
}

function validate<T>(schema: z.ZodType<T>, file: string, text: string): { value?: T; issues: DataIssue[] } {
  const parsed = parseDataJson(file, text);
  if (!parsed.ok) return { issues: parsed.issues };
  const result = schema.safeParse(parsed.value);
  if (result.success) return { value: result.data, issues: [] };
  return {
    issues: result.error.issues.map((issue) => ({
      file,
      path: formatJsonPath(issue.path),
      message:
        issue.code === "unrecognized_keys"
          ? `unexpected field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => JSON.stringify(key)).join(", ")}`
          : // zod says only "Invalid key in record"; the key's own issues state the rule (test/reliability, issue 8).
            issue.code === "invalid_key"
            ? `invalid key: ${issue.issues.map((keyIssue) => keyIssue.message).join("; ")}`
            : issue.message.replace(/^Invalid input: /, ""),
    })),
  };
}

function compareKeys(file: string, path: string, actual: Iterable<string>, expected: Iterable<string>, what: string): DataIssue[] {
  const actualSet = new Set(actual);
  const expectedSet = new Set(expected);
  const issues: DataIssue[] = [];
  for (const key of expectedSet) if (!actualSet.has(key)) issues.push({ file, path: `${path}.${key}`, message: `missing; expected the ${what} "${key}"` });
  for (const key of actualSet) if (!expectedSet.has(key)) issues.push({ file, path: `${path}.${key}`, message: `unexpected ${what} "${key}"; it is not in ${LETTER_FACTS_FILE}` });
  return issues;
}

const quoteSources = (paragraph: Translation["paragraphs"][number]): string =>
  paragraph.content.flatMap((segment) => ("quote" in segment ? [segment.source] : [])).sort().join(", ");

/** Checks that tie one translation to the letter's facts (and, for a translation, to the source). */
function crossCheck(file: string, translation: Translation, facts: LetterFacts, source: Translation | undefined): DataIssue[] {
  const issues: DataIssue[] = [
    ...compareKeys(file, "signatories", Object.keys(translation.signatories), facts.signatories.map((s) => s.id), "signatory"),
    ...compareKeys(file, "recipients", Object.keys(translation.recipients), facts.recipients.map((r) => r.id), "recipient"),
  ];
  translation.paragraphs.forEach((paragraph, p) =>
    paragraph.content.forEach((segment, s) => {
      if ("quote" in segment && !(segment.source in translation.sources)) {
        issues.push({ file, path: `paragraphs[${p}].content[${s}].source`, message: `unknown source "${segment.source}"; expected one of the keys of "sources"` });
      }
    }),
  );
  if (!source) {
    if (translation.translationOf) issues.push({ file, path: "translationOf", message: "the source language's own file must not have translationOf" });
    return issues;
  }
  if (!translation.translationOf) {
    issues.push({ file, path: "translationOf", message: `missing; expected {"locale": "${facts.sourceLocale}", "sourceSha256": "<fingerprint of the source it translates>"}` });
  } else if (translation.translationOf.locale !== facts.sourceLocale) {
    issues.push({ file, path: "translationOf.locale", message: `expected "${facts.sourceLocale}", the letter's source language` });
  }
  issues.push(...compareKeys(file, "sources", Object.keys(translation.sources), Object.keys(source.sources), "source"));
  source.paragraphs.forEach((expected, p) => {
    const actual = translation.paragraphs[p];
    if (!actual) {
      issues.push({ file, path: `paragraphs[${p}]`, message: `missing; expected paragraph "${expected.id}" (the source has ${source.paragraphs.length} paragraphs)` });
    } else if (actual.id !== expected.id) {
      issues.push({ file, path: `paragraphs[${p}].id`, message: `expected paragraph "${expected.id}" here, found "${actual.id}"` });
    } else if (quoteSources(actual) !== quoteSources(expected)) {
      issues.push({ file, path: `paragraphs[${p}].content`, message: `expected the source's quotations (${quoteSources(expected) || "none"}), found (${quoteSources(actual) || "none"})` });
    }
  });
  for (let p = source.paragraphs.length; p < translation.paragraphs.length; p++) {
    issues.push({ file, path: `paragraphs[${p}]`, message: `unexpected paragraph "${translation.paragraphs[p]?.id}"; the source has ${source.paragraphs.length}` });
  }
  return issues;
}

/**
 * Validates a letter's files: `letter.json` and one `<locale>.json` per language.
 * Problems in the facts or the source language make the whole letter invalid (every problem is
 * reported at once); a translation that is invalid or out of date disables only its language.
 *
 * @param folder the letter's folder name, which must equal its id; file names in errors start with it
 */
export function parseLetter(folder: string, files: readonly LetterFile[]): ParsedLetter {
  const at = (name: string) => `${folder}/${name}`;
  const factsFile = files.find((file) => file.name === LETTER_FACTS_FILE);
  if (!factsFile) throw new InvalidLetterDataError([{ file: at(LETTER_FACTS_FILE), path: "", message: "missing; every letter folder needs a letter.json" }]);

  const facts = validate(letterFactsSchema, at(LETTER_FACTS_FILE), factsFile.text);
  const letterIssues = [...facts.issues];
  if (facts.value && facts.value.id !== folder) {
    letterIssues.push({ file: at(LETTER_FACTS_FILE), path: "id", message: `expected "${folder}", the name of the letter's folder` });
  }

  const translations = new Map<LocaleId, { file: string; value?: Translation; issues: DataIssue[] }>();
  for (const file of files) {
    if (file.name === LETTER_FACTS_FILE) continue;
    const locale = file.name.replace(/\.json$/, "");
    if (!file.name.endsWith(".json") || !isLocaleId(locale)) {
      letterIssues.push({ file: at(file.name), path: "", message: `unexpected file; expected letter.json or <locale>.json for a supported locale (${SUPPORTED_LOCALES.join(", ")})` });
      continue;
    }
    const result = validate(translationSchema, at(file.name), file.text);
    if (result.value && result.value.locale !== locale) {
      result.issues.push({ file: at(file.name), path: "locale", message: `expected "${locale}", the file's name` });
    }
    translations.set(locale, { file: at(file.name), ...result });
  }

  const sourceLocale = facts.value?.sourceLocale;
  const source = sourceLocale ? translations.get(sourceLocale) : undefined;
  if (facts.value && sourceLocale && !source) {
    letterIssues.push({ file: at(`${sourceLocale}.json`), path: "", message: `missing; the letter's source language is "${sourceLocale}"` });
  }
  if (source && source.issues.length > 0) letterIssues.push(...source.issues);
  if (facts.value && source?.value) letterIssues.push(...crossCheck(source.file, source.value, facts.value, undefined));
  if (letterIssues.length > 0 || !facts.value || !source?.value || !sourceLocale) throw new InvalidLetterDataError(letterIssues);

  // The schema adds no defaults to translations, so the validated value fingerprints like the file.
  const fingerprint = sourceFingerprint(source.value);
  const usable = new Map<LocaleId, Translation>([[sourceLocale, source.value]]);
  const localeErrors = new Map<LocaleId, LetterpressError>();
  for (const [locale, translation] of translations) {
    if (locale === sourceLocale) continue;
    const issues = translation.value ? [...translation.issues, ...crossCheck(translation.file, translation.value, facts.value, source.value)] : translation.issues;
    if (issues.length > 0) {
      localeErrors.set(locale, new InvalidLetterDataError(issues));
    } else if (translation.value?.translationOf?.sourceSha256 !== fingerprint) {
      localeErrors.set(locale, new StaleTranslationError(translation.file, translation.value?.translationOf?.sourceSha256 ?? "", fingerprint));
    } else {
      usable.set(locale, translation.value);
    }
  }
  // A recipient's language without a translation yet disables only that language's documents.
  for (const recipient of facts.value.recipients) {
    if (!translations.has(recipient.locale) && !localeErrors.has(recipient.locale)) {
      localeErrors.set(recipient.locale, new LetterpressError("UNKNOWN_LOCALE", `${at(`${recipient.locale}.json`)}: missing; recipient "${recipient.id}" is to receive the letter in this language`));
    }
  }
  return { letter: { facts: facts.value, translations: usable, sourceFingerprint: fingerprint }, localeErrors };
}
