import type { z } from "zod";
import { countOf, type DataIssue, InvalidLetterDataError, LetterpressError, StaleTranslationError } from "../errors";
import { canonicalLocale, isLocaleId, type LocaleId } from "../locales";
import { formatJsonPath, parseDataJson } from "./parse-json";
import { type LetterFacts, letterFactsSchema, RETIRED_FIELDS, type Translation, translationSchema } from "./schema";
import { sourceFingerprint } from "./source-fingerprint";

export const LETTER_FACTS_FILE = "letter.json";

/**
 * A data file as a reader found it: its name within the letter's folder and its bytes, or the reason
 * the reader refused to read it (a symbolic link, too large), which is reported like any other problem.
 */
export type LetterFile = { name: string; bytes: Uint8Array } | { name: string; refused: string };

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
  /** Files and folders the reader skipped (a README, a .DS_Store, a subfolder), each named. */
  warnings: readonly DataIssue[];
}

/** The text of a file, or why it has none: letter data is UTF-8, and a byte that is not is refused, not replaced. */
function decode(file: string, letterFile: LetterFile): { text?: string; issues: DataIssue[] } {
  if ("refused" in letterFile) return { issues: [{ file, path: "", message: letterFile.refused }] };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(letterFile.bytes), issues: [] };
  } catch {
    const offset = firstInvalidUtf8Offset(letterFile.bytes);
    const byte = (letterFile.bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    const line = letterFile.bytes.subarray(0, offset).filter((value) => value === 0x0a).length + 1;
    return {
      issues: [
        {
          file,
          path: "",
          message: `not UTF-8: byte 0x${byte} at byte offset ${offset} (line ${line}) is not valid UTF-8 (was the file saved as Windows-1252 or Latin-1?); save it as UTF-8`,
        },
      ],
    };
  }
}

/** Where a byte sequence stops being UTF-8 (RFC 3629: no overlong forms, surrogates or code points past U+10FFFF). */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    const second = bytes[i + 1];
    if (second === undefined || second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return bytes.length;
}

/** "unexpected field "x"", with the reason when the field is one letter.json used to have. */
function unexpectedFields(keys: readonly string[]): string {
  const retired = keys.filter((key) => Object.hasOwn(RETIRED_FIELDS, key));
  const others = keys.filter((key) => !Object.hasOwn(RETIRED_FIELDS, key));
  return [
    ...(others.length > 0 ? [`unexpected field${others.length > 1 ? "s" : ""} ${others.map((key) => JSON.stringify(key)).join(", ")}`] : []),
    ...retired.map((key) => `${JSON.stringify(key)}: ${RETIRED_FIELDS[key]}`),
  ].join("; ");
}

function validate<T>(schema: z.ZodType<T>, file: string, letterFile: LetterFile): { value?: T; issues: DataIssue[] } {
  const decoded = decode(file, letterFile);
  if (decoded.text === undefined) return { issues: decoded.issues };
  const parsed = parseDataJson(file, decoded.text);
  if (!parsed.ok) return { issues: parsed.issues };
  const result = schema.safeParse(parsed.value);
  if (result.success) return { value: result.data, issues: [] };
  return {
    issues: result.error.issues.map((issue) => ({
      file,
      path: formatJsonPath(issue.path),
      message:
        issue.code === "unrecognized_keys"
          ? unexpectedFields(issue.keys)
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
  paragraph.content
    .flatMap((segment) => ("quote" in segment ? [segment.source] : []))
    .sort()
    .join(", ");

/** Checks within one file: every quotation's source is one of the file's own sources. */
function ownChecks(file: string, translation: Translation): DataIssue[] {
  const issues: DataIssue[] = [];
  translation.paragraphs.forEach((paragraph, p) =>
    paragraph.content.forEach((segment, s) => {
      if ("quote" in segment && !Object.hasOwn(translation.sources, segment.source)) {
        issues.push({ file, path: `paragraphs[${p}].content[${s}].source`, message: `unknown source "${segment.source}"; expected one of the keys of "sources"` });
      }
    }),
  );
  return issues;
}

/** Checks that tie a language file to letter.json: the same signatories and recipients. */
function factsChecks(file: string, translation: Translation, facts: LetterFacts): DataIssue[] {
  return [
    ...compareKeys(
      file,
      "signatories",
      Object.keys(translation.signatories),
      facts.signatories.map((s) => s.id),
      "signatory",
    ),
    ...compareKeys(
      file,
      "recipients",
      Object.keys(translation.recipients),
      facts.recipients.map((r) => r.id),
      "recipient",
    ),
  ];
}

/** Checks that tie a translation to its source: the same sources, paragraphs and quotations. */
function sourceChecks(file: string, translation: Translation, source: Translation, sourceLocale: LocaleId, fingerprint: string | undefined): DataIssue[] {
  const issues: DataIssue[] = [];
  if (!translation.translationOf) {
    // The fingerprint is printed here, so a new translation can record it without guessing one first.
    const expected = fingerprint
      ? `{"locale": "${sourceLocale}", "sourceSha256": "${fingerprint}"} (the fingerprint of the current ${sourceLocale}.json)`
      : `{"locale": "${sourceLocale}", "sourceSha256": "<fingerprint>"} (printed here once ${sourceLocale}.json is valid)`;
    issues.push({ file, path: "translationOf", message: `missing; expected ${expected}` });
  } else if (translation.translationOf.locale !== sourceLocale) {
    issues.push({ file, path: "translationOf.locale", message: `expected "${sourceLocale}", the letter's source language` });
  }
  // Compared with a source that has problems of its own, every translation would repeat them.
  if (!fingerprint) return issues;
  issues.push(...compareKeys(file, "sources", Object.keys(translation.sources), Object.keys(source.sources), "source"));
  source.paragraphs.forEach((expected, p) => {
    const actual = translation.paragraphs[p];
    if (!actual) {
      issues.push({ file, path: `paragraphs[${p}]`, message: `missing; expected paragraph "${expected.id}" (the source has ${countOf(source.paragraphs.length, "paragraph")})` });
    } else if (actual.id !== expected.id) {
      issues.push({ file, path: `paragraphs[${p}].id`, message: `expected paragraph "${expected.id}" here, found "${actual.id}"` });
    } else if (quoteSources(actual) !== quoteSources(expected)) {
      issues.push({
        file,
        path: `paragraphs[${p}].content`,
        message: `expected the source's quotations (${quoteSources(expected) || "none"}), found (${quoteSources(actual) || "none"})`,
      });
    }
  });
  for (let p = source.paragraphs.length; p < translation.paragraphs.length; p++) {
    issues.push({
      file,
      path: `paragraphs[${p}]`,
      message: `unexpected paragraph "${translation.paragraphs[p]?.id}"; the source has ${countOf(source.paragraphs.length, "paragraph")}`,
    });
  }
  return issues;
}

/** letter.json's source language even when the file fails validation, so the language files can still be checked. */
function declaredSourceLocale(letterFile: LetterFile | undefined): LocaleId | undefined {
  if (!letterFile || "refused" in letterFile) return undefined;
  try {
    const value = (JSON.parse(new TextDecoder().decode(letterFile.bytes)) as { sourceLocale?: unknown } | null)?.sourceLocale;
    return typeof value === "string" && isLocaleId(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const languageNames = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });

/** A well-formed tag may still name no language ("xx", "notes"): CLDR's names of languages decide. */
function isKnownLanguage(locale: LocaleId): boolean {
  return languageNames.of(new Intl.Locale(locale).language) !== undefined;
}

/**
 * Validates a letter's files: `letter.json` and one `<locale>.json` per language.
 * Problems in the facts or the source language make the whole letter invalid; then every file's
 * problems are reported at once, the language files' included. A translation that is invalid or out
 * of date disables only its language.
 *
 * @param folder the letter's folder name, which must equal its id; file names in errors start with it
 * @param warnings what the reader skipped, passed through to the result
 */
export function parseLetter(folder: string, files: readonly LetterFile[], warnings: readonly DataIssue[] = []): ParsedLetter {
  const at = (name: string) => `${folder}/${name}`;
  const letterIssues: DataIssue[] = [];
  const factsFile = files.find((file) => file.name === LETTER_FACTS_FILE);
  if (!factsFile) letterIssues.push({ file: at(LETTER_FACTS_FILE), path: "", message: "missing; every letter folder needs a letter.json" });

  const facts = factsFile ? validate(letterFactsSchema, at(LETTER_FACTS_FILE), factsFile) : { issues: [] as DataIssue[] };
  letterIssues.push(...facts.issues);
  if (facts.value && facts.value.id !== folder) {
    letterIssues.push({ file: at(LETTER_FACTS_FILE), path: "id", message: `expected "${folder}", the name of the letter's folder` });
  }

  const translations = new Map<LocaleId, { file: string; value?: Translation; issues: DataIssue[] }>();
  for (const file of files) {
    if (file.name === LETTER_FACTS_FILE) continue;
    const locale = file.name.replace(/\.json$/, "");
    if (!file.name.endsWith(".json") || !isLocaleId(locale)) {
      // "fr_FR" (a POSIX locale name) is answered with the tag it means, as "pt-br" is.
      const canonical = file.name.endsWith(".json") ? canonicalLocale(locale.replaceAll("_", "-")) : undefined;
      const expected = canonical ? `; "${locale}" is not in canonical form, expected ${canonical}.json` : "";
      // A problem of this file only (a stray "notes (copy).json" must not stop the letter's languages):
      // it fails as a language of its own, listed with every other problem.
      const issue = {
        file: at(file.name),
        path: "",
        message: `unexpected file; expected letter.json or <locale>.json named by a BCP 47 language tag such as en, pt-BR or zh-Hant${expected}`,
      };
      translations.set(locale, { file: at(file.name), issues: [issue] });
      continue;
    }
    if (!isKnownLanguage(locale)) {
      const message = `"${locale}" names no language known to Unicode CLDR; name a translation by its language's BCP 47 tag (such as en, pt-BR or zh-Hant), or move the file out of the letter folder`;
      translations.set(locale, { file: at(file.name), issues: [{ file: at(file.name), path: "", message }] });
      continue;
    }
    const result = validate(translationSchema, at(file.name), file);
    if (result.value && result.value.locale !== locale) {
      result.issues.push({ file: at(file.name), path: "locale", message: `expected "${locale}", the file's name` });
    }
    if (result.value) result.issues.push(...ownChecks(at(file.name), result.value));
    if (result.value && facts.value) result.issues.push(...factsChecks(at(file.name), result.value, facts.value));
    translations.set(locale, { file: at(file.name), ...result });
  }

  // Any well-formed tag is a language, so a recipient's language must be one this letter has a file for
  // (a missing source file is reported on its own, below).
  for (const [index, recipient] of (facts.value?.recipients ?? []).entries()) {
    if (!translations.has(recipient.locale) && recipient.locale !== facts.value?.sourceLocale) {
      letterIssues.push({
        file: at(LETTER_FACTS_FILE),
        path: `recipients[${index}].locale`,
        message: `"${recipient.locale}" is not a language of this letter (no ${recipient.locale}.json); expected one of ${[...translations.keys()].sort().join(", ")}`,
      });
    }
  }

  const sourceLocale = facts.value?.sourceLocale ?? declaredSourceLocale(factsFile);
  const source = sourceLocale ? translations.get(sourceLocale) : undefined;
  if (factsFile && sourceLocale && !source) {
    letterIssues.push({ file: at(`${sourceLocale}.json`), path: "", message: `missing; the letter's source language is "${sourceLocale}"` });
  }
  if (source?.value?.translationOf) source.issues.push({ file: source.file, path: "translationOf", message: "the source language's own file must not have translationOf" });
  const fingerprint = source?.value && source.issues.length === 0 ? sourceFingerprint(source.value) : undefined;

  // Every translation is checked against the source, whether or not the letter as a whole is valid.
  const translationIssues = new Map<LocaleId, DataIssue[]>();
  for (const [locale, translation] of translations) {
    if (locale === sourceLocale) continue;
    const issues = [...translation.issues];
    if (translation.value && source?.value && sourceLocale) issues.push(...sourceChecks(translation.file, translation.value, source.value, sourceLocale, fingerprint));
    if (fingerprint) {
      // A malformed fingerprint is answered with the right one.
      for (const issue of issues) {
        if (issue.path.startsWith("translationOf") && !issue.message.includes(fingerprint)) issue.message += `; the current ${sourceLocale}.json's fingerprint is ${fingerprint}`;
      }
    }
    translationIssues.set(locale, issues);
  }

  if (source) letterIssues.push(...source.issues);
  if (letterIssues.length > 0 || !facts.value || !source?.value || !sourceLocale || !fingerprint) {
    const everyIssue = [...letterIssues, ...[...translationIssues.values()].flat()];
    throw new InvalidLetterDataError(sortByFile(everyIssue));
  }

  const usable = new Map<LocaleId, Translation>([[sourceLocale, source.value]]);
  const localeErrors = new Map<LocaleId, LetterpressError>();
  for (const [locale, translation] of translations) {
    if (locale === sourceLocale) continue;
    const issues = translationIssues.get(locale) ?? [];
    if (issues.length > 0 || !translation.value) {
      localeErrors.set(locale, new InvalidLetterDataError(issues));
    } else if (translation.value.translationOf?.sourceSha256 !== fingerprint) {
      localeErrors.set(locale, new StaleTranslationError(translation.file, translation.value.translationOf?.sourceSha256 ?? "", fingerprint));
    } else {
      usable.set(locale, translation.value);
    }
  }
  // A recipient's language without a translation yet disables only that language's documents.
  for (const recipient of facts.value.recipients) {
    if (!translations.has(recipient.locale) && !localeErrors.has(recipient.locale)) {
      localeErrors.set(
        recipient.locale,
        new LetterpressError("UNKNOWN_LOCALE", `${at(`${recipient.locale}.json`)}: missing; recipient "${recipient.id}" is to receive the letter in this language`),
      );
    }
  }
  return { letter: { facts: facts.value, translations: usable, sourceFingerprint: fingerprint }, localeErrors, warnings };
}

/** Issues grouped by file, in file-name order (each file's own order kept), as people read a folder. */
function sortByFile(issues: readonly DataIssue[]): DataIssue[] {
  return [...issues].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
