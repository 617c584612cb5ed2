import type { z } from "zod";
import { countOf, type DataIssue, formatDataIssue, InvalidLetterDataError, LetterpressError, StaleTranslationError } from "../errors";
import { isLocaleId, type LocaleId } from "../locales";
import type { LetterContext, TemplateOffer, TextCoverage } from "./letter-context";
import {
  factsReferences,
  type FactsReferences,
  type IdList,
  ownProperty,
  type ParagraphReference,
  type QuotationReference,
  stringsOf,
  translationReferences,
  type TranslationReferences,
} from "./letter-references";
import { formatJsonPath, parseDataJson } from "./parse-json";
import {
  bytesBesidesFingerprints,
  DEFAULT_TEMPLATE,
  describeInput,
  LIMITS,
  type LetterFacts,
  letterFactsSchema,
  RETIRED_FIELDS,
  type Translation,
  translationSchema,
} from "./schema";
import { closestNames } from "../text/closest-names";
import { SLUG_PATTERN } from "./slug";
import { paragraphChanges, paragraphFingerprints, partFingerprints, recipientFingerprints, sourceFingerprint } from "./source-fingerprint";
import { misnamedFileOf, translationFileNameProblem } from "./translation-file-name";

export const LETTER_FACTS_FILE = "letter.json";

/** A fingerprint as translationOf.sourceSha256 records it (the schema's rule); any other value is the schema's error. */
const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/**
 * A data file as a reader found it: its name within the letter's folder and its bytes, or the reason
 * the reader refused to read it (a symbolic link, too large), which is reported like any other problem.
 */
export type LetterFile = { name: string; bytes: Uint8Array } | { name: string; refused: string };

const isJsonObject = (value: unknown): boolean => value !== null && typeof value === "object" && !Array.isArray(value);

/** A letter whose facts and every usable translation passed validation. */
export interface Letter {
  facts: LetterFacts;
  /** The translations that passed every check, the source language included. */
  translations: ReadonlyMap<LocaleId, Translation>;
  /** SHA-256 of the source language's own text (its recipients' words aside): the revision that translations record. */
  sourceFingerprint: string;
}

export interface ParsedLetter {
  letter: Letter;
  /** Languages whose file is present but unusable (invalid or stale), with the reason. */
  localeErrors: ReadonlyMap<LocaleId, LetterpressError>;
  /**
   * Recipients whose documents cannot be made though their language's file is usable (its words for
   * them missing, or translated from older source words), by recipient id: only their documents fail.
   */
  recipientErrors: ReadonlyMap<string, LetterpressError>;
  /**
   * Languages whose letter to all recipients (not a recipient's copy) cannot be made, by locale: it lists
   * every recipient, and the language's file lacks some recipients' words, or holds some translated from older
   * source words or with no fingerprint recorded (generalLetterChecks). Its recipients' own copies are made.
   */
  generalLetterErrors: ReadonlyMap<LocaleId, LetterpressError>;
  /** Files and folders the reader skipped (a README, a .DS_Store, a subfolder), each named: the same the reader's listing names. */
  warnings: readonly DataIssue[];
}

/** One strict decoder for every file (decode is stateless without `stream`): made once, not per file. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The text of a file, or why it has none: letter data is UTF-8, and a byte that is not is refused, not replaced. */
function decode(file: string, letterFile: LetterFile): { text?: string; issues: DataIssue[] } {
  if ("refused" in letterFile) return { issues: [{ file, path: "", message: letterFile.refused }] };
  const utf16 = utf16Form(letterFile.bytes);
  if (utf16) return { issues: [{ file, path: "", message: `not UTF-8: the file is UTF-16 (${utf16}); save it as UTF-8` }] };
  try {
    return { text: UTF8.decode(letterFile.bytes), issues: [] };
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

/**
 * Whether a file is UTF-16 (what some Windows editors call "Unicode"), and how it shows: a byte order
 * mark (FF FE little-endian, FE FF big-endian; Unicode 15 §23.8), or, without one, a zero byte beside
 * every ASCII character of its start (JSON begins with ASCII: "{" and white space). Such a file would
 * otherwise be called "not UTF-8" at its first byte with a guess of Windows-1252.
 */
function utf16Form(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "little-endian, byte order mark FF FE";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "big-endian, byte order mark FE FF";
  const start = bytes.subarray(0, Math.min(bytes.length, 64) & ~1);
  if (start.length < 2) return undefined;
  const zeroAt = (parity: number) => start.every((byte, i) => (i % 2 === parity ? byte === 0 : byte !== 0 && byte < 0x80));
  if (zeroAt(1)) return "little-endian, without a byte order mark";
  if (zeroAt(0)) return "big-endian, without a byte order mark";
  return undefined;
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

const formatBytes = (bytes: number) => new Intl.NumberFormat("en").format(bytes);

/** Why a file holds too much besides its fingerprints (`bytesBesidesFingerprints`). */
const tooMuchText = (bytes: number) =>
  `${formatBytes(bytes)} bytes, not counting translationOf; a data file may have at most ${formatBytes(LIMITS.fileBytes)} bytes (${LIMITS.fileBytes / 1024} KiB) not counting its translationOf fingerprints: shorten its text, or split the letter`;

function validate<T>(schema: z.ZodType<T>, file: string, letterFile: LetterFile): { value?: T; json?: unknown; issues: DataIssue[] } {
  const decoded = decode(file, letterFile);
  if (decoded.text === undefined) return { issues: decoded.issues };
  const parsed = parseDataJson(file, decoded.text);
  // Keys written twice are the file's problem, and the rest of it is still read (with the value JSON
  // kept), so its other problems come in the same run; the file is never usable until the key is fixed.
  if (!parsed.ok && parsed.keptValue === undefined) return { issues: parsed.issues };
  const json = parsed.ok ? parsed.value : parsed.keptValue;
  // The reader let through room for fingerprints (READER_LIMITS.maxFileBytes); the rest is the text a
  // language prints, bounded as measured. Said with the file's other problems, as keys written twice are.
  const counted = bytesBesidesFingerprints("bytes" in letterFile ? letterFile.bytes.length : 0, json);
  const before = [...(parsed.ok ? [] : parsed.issues), ...(counted > LIMITS.fileBytes ? [{ file, path: "", message: tooMuchText(counted) }] : [])];
  // The input is reported so that a message can say what was found ("found 501").
  const result = schema.safeParse(json, { reportInput: true });
  if (result.success) return before.length > 0 ? { json, issues: before } : { value: result.data, json, issues: [] };
  return {
    // The parsed JSON is kept: the checks between files read what did parse (letter-references.ts).
    json,
    issues: [
      ...before,
      ...result.error.issues.map((issue) => ({
        file,
        path: formatJsonPath(issue.path),
        message:
          issue.code === "unrecognized_keys"
            ? unexpectedFields(issue.keys)
            : // zod says only "Invalid key in record"; the key's own issues state the rule (test/reliability, issue 8).
              issue.code === "invalid_key"
              ? `invalid key: ${issue.issues.map((keyIssue) => keyIssue.message).join("; ")}`
              : messageOf(issue),
      })),
    ],
  };
}

/**
 * Ids in one file against the ids another file defines. An id is "unexpected" only when the other
 * file's whole list could be read; a "missing" one needs only the ids that were.
 */
/** JSON's words for what a field holds, for zod's type names. */
const EXPECTED_TYPES: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  array: "a list (a JSON array [...])",
  object: "an object",
};

/** What was found instead, with its value when it is short to say: "the string "yes"", "the number 250", "an array". */
function describeFound(input: unknown): string {
  if (typeof input === "string") return `the string ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`;
  if (typeof input === "number") return `the number ${input}`;
  if (typeof input === "boolean") return String(input);
  return describeInput(input);
}

/**
 * zod's messages in words a person can act on. A schema's own message (the fields an object
 * expects, the rule of an id) stands; zod's defaults ("expected string, received undefined", "Too
 * big: expected array to have <=500 items") are said as what is missing, expected and received.
 */
function messageOf(issue: z.core.$ZodIssue): string {
  const own = issue.message.replace(/^Invalid input: /, "");
  if (!/^(Invalid input|Too big|Too small)/.test(issue.message)) return own;
  if (issue.code === "invalid_type") {
    const expected = EXPECTED_TYPES[issue.expected] ?? issue.expected;
    return issue.input === undefined ? `missing; expected ${expected}` : `expected ${expected}, received ${describeFound(issue.input)}`;
  }
  if ((issue.code === "too_big" || issue.code === "too_small") && issue.origin === "array") {
    const bound = issue.code === "too_big" ? `at most ${issue.maximum}` : `at least ${issue.minimum}`;
    const found = Array.isArray(issue.input) ? `, found ${issue.input.length}` : "";
    return `expected ${bound} item${bound.endsWith(" 1") ? "" : "s"}${found}`;
  }
  return own;
}

function compareKeys(file: string, path: string, actual: IdList | undefined, expected: IdList | undefined, what: string, where = LETTER_FACTS_FILE): DataIssue[] {
  if (!actual || !expected) return [];
  const actualSet = new Set(actual.ids);
  const expectedSet = new Set(expected.ids);
  const issues: DataIssue[] = [];
  for (const key of expectedSet) if (!actualSet.has(key)) issues.push({ file, path: `${path}.${key}`, message: `missing; expected the ${what} "${key}"` });
  if (expected.complete) {
    for (const key of actualSet) if (!expectedSet.has(key)) issues.push({ file, path: `${path}.${key}`, message: `unexpected ${what} "${key}"; it is not in ${where}` });
  }
  return issues;
}

const quoteSources = (quotations: readonly QuotationReference[]): string =>
  quotations
    .map((quotation) => quotation.source)
    .sort()
    .join(", ");

/** Checks within one file: every quotation's source is one of the file's own sources. */
function ownChecks(file: string, refs: TranslationReferences): DataIssue[] {
  const sources = refs.sources;
  // With a key the schema refused, a quotation may name the source that key meant.
  if (!sources?.complete) return [];
  const known = new Set(sources.ids);
  return (refs.paragraphs ?? []).flatMap((paragraph) =>
    (paragraph.quotations ?? [])
      .filter((quotation) => !known.has(quotation.source))
      .map((quotation) => ({ file, path: quotation.path, message: `unknown source "${quotation.source}"; expected one of the keys of "sources"` })),
  );
}

/**
 * Checks that tie a language file to letter.json: the same signatories and recipients. A translation
 * that lacks a recipient's words fails only that recipient's documents (see recipientChecks), so that
 * adding a recipient stops no language's other documents; the source language must have them all.
 */
function factsChecks(file: string, refs: TranslationReferences, facts: FactsReferences, isSource: boolean): DataIssue[] {
  // Words of a recipient letter.json does not name are no error: removedRecipientWarnings says them.
  const recipients = isSource ? compareKeys(file, "recipients", refs.recipients, { ids: facts.recipients?.ids ?? [], complete: false }, "recipient") : [];
  return [...compareKeys(file, "signatories", refs.signatories, facts.signatories, "signatory"), ...(facts.recipients ? recipients : [])];
}

/**
 * Words of recipients letter.json no longer names (`recipients.<id>`, `translationOf.recipients.<id>`),
 * in any language file, the source's included: nothing prints them, so removing a recipient from
 * letter.json stops no document while the language files still hold its words. One warning per file
 * and recipient, naming the fields to remove. Said only when letter.json's whole list could be read.
 */
function removedRecipientWarnings(file: string, refs: TranslationReferences, facts: FactsReferences): DataIssue[] {
  if (!facts.recipients?.complete) return [];
  const named = new Set(facts.recipients.ids);
  const held = [...new Set([...(refs.recipients?.ids ?? []), ...refs.translationOfRecipients.keys()])].filter((id) => !named.has(id));
  return held.map((id) => {
    const fields = [...(refs.recipients?.ids.includes(id) ? [`recipients.${id}`] : []), ...(refs.translationOfRecipients.has(id) ? [`translationOf.recipients.${id}`] : [])];
    return {
      file,
      path: fields[0] as string,
      message: `recipient "${id}" is not in ${LETTER_FACTS_FILE}: nothing prints these words; remove ${fields.join(" and ")} (or add the recipient to ${LETTER_FACTS_FILE})`,
    };
  });
}

/**
 * An id letter.json names that none of the files naming its kind has, where they all name one like it
 * that letter.json lacks (`sample-legal-ayd` for `sample-legal-aid`): letter.json's mistake, said once
 * there with the id meant, instead of a "missing" and an "unexpected" in every language file. The
 * files that must name a signatory are every language's; a recipient, the source language's (a
 * translation may lack a recipient's words: see recipientChecks). Each file's two issues are dropped,
 * and its warning of the words of a recipient letter.json lacks (`warnings`, emptied in place).
 */
function mistypedFactIds(
  factsFile: string,
  factsJson: unknown,
  facts: FactsReferences,
  translations: ReadonlyMap<LocaleId, { file: string; issues: DataIssue[]; refs?: TranslationReferences }>,
  sourceLocale: LocaleId | undefined,
  warnings: DataIssue[],
): DataIssue[] {
  const issues: DataIssue[] = [];
  for (const kind of ["signatories", "recipients"] as const) {
    const expected = facts[kind];
    const namers = [...translations]
      .filter(([locale, translation]) => translation.refs?.[kind] && (kind === "signatories" || locale === sourceLocale))
      .map(([, translation]) => translation);
    if (!expected?.complete || namers.length === 0) continue;
    const known = new Set(expected.ids);
    const namedByAll = (id: string) => namers.every((translation) => translation.refs?.[kind]?.ids.includes(id));
    const extras = [...new Set(namers.flatMap((translation) => translation.refs?.[kind]?.ids ?? []))].filter((id) => !known.has(id) && namedByAll(id));
    const entries = ownProperty(factsJson, kind);
    for (const id of expected.ids) {
      if (namers.some((translation) => translation.refs?.[kind]?.ids.includes(id))) continue;
      const [meant, ...others] = closestNames(id, extras);
      if (meant === undefined || others.length > 0) continue;
      const index = Array.isArray(entries) ? entries.findIndex((entry) => ownProperty(entry, "id") === id) : -1;
      const files = namers.map((translation) => translation.file.slice(translation.file.lastIndexOf("/") + 1)).join(", ");
      issues.push({
        file: factsFile,
        path: index >= 0 ? `${kind}[${index}].id` : kind,
        message:
          kind === "signatories"
            ? `"${id}" is named by no language file (${files}); did you mean "${meant}", which ${namers.length === 1 ? "it names" : "they all name"}?`
            : `"${id}" has no words in the source language's file (${files}); did you mean "${meant}", whose words it holds?`,
      });
      for (const translation of translations.values()) {
        const drop = new Set([`${kind}.${id}`, `${kind}.${meant}`]);
        for (let i = translation.issues.length - 1; i >= 0; i--) if (drop.has(translation.issues[i]!.path)) translation.issues.splice(i, 1);
        for (let i = warnings.length - 1; i >= 0; i--) if (warnings[i]!.file === translation.file && drop.has(warnings[i]!.path)) warnings.splice(i, 1);
      }
    }
  }
  return issues;
}

/** Checks that tie a translation to its source: the same sources, paragraphs and quotations, as far as each file could be read. */
function sourceChecks(
  file: string,
  refs: TranslationReferences,
  source: TranslationReferences,
  sourceLocale: LocaleId,
  fingerprint: string | undefined,
  recipients: ReadonlyMap<string, string>,
  paragraphs: ReadonlyMap<string, string>,
  parts: ReadonlyMap<string, string>,
): DataIssue[] {
  const issues: DataIssue[] = [];
  if (!refs.hasTranslationOf) {
    // Every part's fingerprint is printed here (the recipients': of each one whose words the file holds), so a new translation can record them without guessing first.
    const recipientParts = (refs.recipients?.ids ?? []).flatMap((id) => (recipients.has(id) ? [`"${id}": "${recipients.get(id)}"`] : [])).join(", ");
    const paragraphParts = [...paragraphs].map(([id, print]) => `"${id}": "${print}"`).join(", ");
    const otherParts = [...parts].map(([path, print]) => `"${path}": "${print}"`).join(", ");
    const expected = fingerprint
      ? `{"locale": "${sourceLocale}", "sourceSha256": "${fingerprint}"${otherParts ? `, "parts": {${otherParts}}` : ""}${paragraphParts ? `, "paragraphs": {${paragraphParts}}` : ""}${recipientParts ? `, "recipients": {${recipientParts}}` : ""}} (the fingerprints of the current ${sourceLocale}.json: its own text${otherParts ? ", each of its other parts" : ""}${paragraphParts ? ", each paragraph" : ""}${recipientParts ? `, and each recipient's words this file holds` : ""})`
      : `{"locale": "${sourceLocale}", "sourceSha256": "<fingerprint>"} (printed here once ${sourceLocale}.json is valid)`;
    issues.push({ file, path: "translationOf", message: `missing; expected ${expected}` });
  } else if (refs.translationOfLocale !== undefined && isLocaleId(refs.translationOfLocale) && refs.translationOfLocale !== sourceLocale) {
    issues.push({ file, path: "translationOf.locale", message: `expected "${sourceLocale}", the letter's source language` });
  }
  const sourceFile = `${sourceLocale}.json`;
  issues.push(...compareKeys(file, "sources", refs.sources, source.sources, "source", sourceFile));
  const expectedParagraphs = source.paragraphs;
  const actualParagraphs = refs.paragraphs;
  if (!expectedParagraphs || !actualParagraphs) return issues;
  const count = countOf(expectedParagraphs.length, "paragraph");
  // A source quotation naming no source of its own is the source's error; translations are not held to it.
  const knownSources = new Set(source.sources?.ids ?? []);
  const quotationsReadable = (quotations: readonly QuotationReference[] | undefined): quotations is readonly QuotationReference[] =>
    quotations !== undefined && source.sources !== undefined && quotations.every((quotation) => knownSources.has(quotation.source));
  const quotationIssue = (p: number, expected: ParagraphReference, actual: ParagraphReference): void => {
    if (actual.quotations && quotationsReadable(expected.quotations) && quoteSources(actual.quotations) !== quoteSources(expected.quotations)) {
      issues.push({
        file,
        path: `paragraphs[${p}].content`,
        message: `expected the source's quotations (${quoteSources(expected.quotations) || "none"}), found (${quoteSources(actual.quotations) || "none"})`,
      });
    }
  };
  const expectedIds = new Map(expectedParagraphs.flatMap((paragraph, p) => (paragraph.id === undefined ? [] : [[paragraph.id, p] as const])));
  const actualIds = new Set(actualParagraphs.flatMap((paragraph) => (paragraph.id === undefined ? [] : [paragraph.id])));
  // The paragraphs in the source's order, matched by id: what is between two matches is added, missing,
  // renamed or moved. One paragraph too many at the start is one "unexpected", not a mismatch at every place.
  const matches = commonSubsequence(
    expectedParagraphs.map((paragraph) => paragraph.id),
    actualParagraphs.map((paragraph) => paragraph.id),
  );
  let e = 0;
  let a = 0;
  for (const [matchE, matchA] of [...matches, [expectedParagraphs.length, actualParagraphs.length] as const]) {
    const gapE = range(e, matchE);
    const gapA = range(a, matchA);
    // Where a gap holds a paragraph of each, neither found elsewhere, the translation renamed it in place.
    const renamedE = gapE.filter((p) => expectedParagraphs[p]!.id === undefined || !actualIds.has(expectedParagraphs[p]!.id!));
    const renamedA = gapA.filter((p) => actualParagraphs[p]!.id === undefined || !expectedIds.has(actualParagraphs[p]!.id!));
    const pairs = Math.min(renamedE.length, renamedA.length);
    for (let i = 0; i < pairs; i++) {
      const expected = expectedParagraphs[renamedE[i]!]!;
      const actual = actualParagraphs[renamedA[i]!]!;
      // A paragraph without a readable id, in either file, has its own error.
      if (expected.id !== undefined && actual.id !== undefined)
        issues.push({ file, path: `paragraphs[${renamedA[i]}].id`, message: `expected paragraph "${expected.id}" here, found "${actual.id}"` });
    }
    for (const p of renamedE.slice(pairs)) {
      if (expectedParagraphs[p]!.id !== undefined)
        issues.push({ file, path: `paragraphs[${p}]`, message: `missing; expected paragraph "${expectedParagraphs[p]!.id}" (the source has ${count})` });
    }
    for (const p of gapA) {
      const id = actualParagraphs[p]!.id;
      if (renamedA.indexOf(p) >= 0 && renamedA.indexOf(p) < pairs) continue;
      if (id !== undefined && expectedIds.has(id)) {
        issues.push({ file, path: `paragraphs[${p}].id`, message: `paragraph "${id}" is out of the source's order: the source has it as paragraphs[${expectedIds.get(id)}]` });
      } else if (renamedA.includes(p)) {
        issues.push({ file, path: `paragraphs[${p}]`, message: `unexpected paragraph${id === undefined ? "" : ` "${id}"`}; the source has ${count}` });
      }
    }
    if (matchE < expectedParagraphs.length) quotationIssue(matchA, expectedParagraphs[matchE]!, actualParagraphs[matchA]!);
    e = matchE + 1;
    a = matchA + 1;
  }
  return issues;
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/**
 * The longest common subsequence of two id lists (undefined matches nothing), as index pairs in order:
 * the classic dynamic programme (Wagner and Fischer 1974), O(n·m) for at most 200 paragraphs a side.
 */
function commonSubsequence(left: readonly (string | undefined)[], right: readonly (string | undefined)[]): (readonly [number, number])[] {
  const n = left.length;
  const m = right.length;
  const lengths = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lengths[i]![j] = left[i] !== undefined && left[i] === right[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
  const pairs: (readonly [number, number])[] = [];
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (left[i] !== undefined && left[i] === right[j]) pairs.push([i++, j++]);
    else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/**
 * Checks against the deployment (LetterContext): the template letter.json names exists, it has a
 * message catalog for each language, each language file has the letter's own words it prints, and
 * every character of every file has a glyph in some shipped face.
 */
function templateIssue(at: (name: string) => string, name: string | undefined, templates: ReadonlyMap<string, TemplateOffer>): DataIssue | undefined {
  if (name === undefined || templates.has(name)) return undefined;
  const names = [...templates.keys()].filter((known) => templates.get(known)?.setAside !== true).sort();
  return {
    file: at(LETTER_FACTS_FILE),
    path: "template",
    message: `no template "${name}"${name === DEFAULT_TEMPLATE ? " (the default when letter.json names none)" : ""}; expected one of the folders of templates/: ${names.map((known) => `"${known}"`).join(", ")}`,
  };
}

function languageTemplateIssues(file: string, locale: LocaleId, refs: TranslationReferences | undefined, name: string, offer: TemplateOffer): DataIssue[] {
  if (!offer.locales.has(locale)) {
    const has = [...offer.locales].sort().join(", ");
    return [
      {
        file,
        path: "",
        message: `the letter's template "${name}" has no messages in this language; expected ${offer.folder ?? `templates/${name}`}/messages/${locale}.json (it has ${has || "none"})`,
      },
    ];
  }
  return offer.letterWords.filter((word) => refs && !refs.fields.has(word)).map((word) => ({ file, path: word, message: `missing; the letter's template "${name}" prints it` }));
}

/** A coverage that counts the faces of the letter's template (`TemplateOffer.fontFaces`) as drawing, and no other template's. */
function coverageOfTemplate(coverage: TextCoverage, offer: TemplateOffer | undefined): TextCoverage {
  const faces = offer?.fontFaces?.() ?? [];
  return { ...coverage, uncovered: (text) => coverage.uncovered(text, faces) };
}

/** How many uncovered characters past the first five a coverage problem names by code point (a bound on its length). */
const MAX_NAMED_BY_CODE_POINT = 100;

/** What a coverage problem says: each character no shipped face draws, where it first stands in the text; undefined when there is none. */
function uncoveredInText(text: string, coverage: TextCoverage): string | undefined {
  const uncovered = coverage.uncovered(text);
  if (uncovered.length === 0) return undefined;
  // Each character once, where it first occurs, counted in characters (code points) as a person counts them.
  const seen = new Set<number>();
  const distinct = uncovered.filter((character) => !seen.has(character.codePoint) && seen.add(character.codePoint));
  // The first five described where they stand; the rest named by code point, so that one run
  // names every character to replace (a cap of five hid a script behind "and 3 more").
  const listed = distinct
    .slice(0, 5)
    .map((character) => `${character.description} at character ${[...text.slice(0, character.index)].length}`)
    .join(", ");
  const rest = distinct.slice(5, 5 + MAX_NAMED_BY_CODE_POINT).map((character) => `U+${character.codePoint.toString(16).toUpperCase().padStart(4, "0")}`);
  const unnamed = distinct.length - 5 - rest.length;
  const more = rest.length > 0 ? `, and ${rest.join(", ")}${unnamed > 0 ? ` and ${unnamed} more` : ""}` : "";
  return `no shipped font has a glyph for ${listed}${more}`;
}

function coverageIssues(file: string, json: unknown, coverage: TextCoverage): DataIssue[] {
  return stringsOf(json).flatMap(({ path, text }) => {
    const uncovered = uncoveredInText(text, coverage);
    return uncovered ? [{ file, path, message: `${uncovered}; expected text the shipped fonts draw (replace or remove it)` }] : [];
  });
}

/** The template's own words in a language, its catalog's messages, against the fonts: named by the catalog file and the key. */
function catalogCoverageIssues(offer: TemplateOffer, locale: LocaleId, coverage: TextCoverage): DataIssue[] {
  const catalog = offer.catalog?.(locale);
  if (!catalog || offer.folder === undefined) return [];
  const file = `${offer.folder}/messages/${locale}.json`;
  return Object.entries(catalog).flatMap(([key, text]) => {
    const uncovered = uncoveredInText(text, coverage);
    return uncovered ? [{ file, path: key, message: `${uncovered}; expected words the shipped fonts draw (replace or remove them)` }] : [];
  });
}

/** What of a message Intl formats, said from its ICU arguments: `{date, date, long}` is the date, `{members}` a list. */
function formattedPart(message: string | undefined, locale: LocaleId): string {
  if (message !== undefined && /\{\s*[\w-]+\s*,\s*(date|time)\b/.test(message)) return `the date as Intl formats it for ${locale}`;
  if (message !== undefined && /\{\s*[\w-]+\s*,\s*(number|plural|selectordinal)\b/.test(message)) return `a number as Intl formats it for ${locale}`;
  // A plain argument holds a string the view made: the data's are checked as data, so what is left is a list Intl joined (the recipients').
  if (message !== undefined && /\{\s*[\w-]+\s*\}/.test(message)) return `a list as Intl joins it for ${locale}`;
  return `what Intl formats for ${locale}`;
}

/**
 * What the template prints for a letter in a language that no file holds, against the fonts: the
 * date, numbers and lists as `Intl` formats them in the language ("24 டிசம்பர், 2026" for ta), named
 * by the message that prints them. Run on a language whose files passed every check, so a character
 * left uncovered here is Intl's, not the catalog's or the data's.
 */
function printedCoverageIssues(offer: TemplateOffer, letter: Letter, locale: LocaleId, coverage: TextCoverage): DataIssue[] {
  if (!offer.printedMessages || offer.folder === undefined) return [];
  let printed: ReturnType<NonNullable<TemplateOffer["printedMessages"]>>;
  try {
    printed = offer.printedMessages(letter, locale);
  } catch {
    // A template that does not fill this letter fails at render with its own error (file and line); nothing to check here.
    return [];
  }
  const file = `${offer.folder}/messages/${locale}.json`;
  const catalog = offer.catalog?.(locale);
  const seen = new Set<string>();
  return printed.flatMap(({ key, text }) => {
    const uncovered = uncoveredInText(text, coverage);
    if (!uncovered || seen.has(`${key}\u0000${uncovered}`)) return [];
    seen.add(`${key}\u0000${uncovered}`);
    const what = formattedPart(catalog?.[key], locale);
    return [
      {
        file,
        path: key,
        message: `prints ${JSON.stringify(text)} for letter "${letter.facts.id}", ${what}: ${uncovered}; expected a language whose script the shipped fonts draw (add a font for it)`,
      },
    ];
  });
}

/** A string of a letter's files, with its file and JSON path: what filled an image's src may be one of them. */
interface LetterField {
  file: string;
  path: string;
  text: string;
}

/**
 * The images whose src the letter's data makes, looked up as the template will look them up
 * (`TemplateOffer.imageProblems`: `assets/signatures/{{id}}` finds one `<id>.svg`, `.png`, `.jpg` or
 * `.jpeg`), for the general letter in `locale`. Each problem is named by the fields whose text
 * filled the src (letter.json's `signatories[1].id`), with the file looked for and what the lookup
 * expected; by the template folder when no field's text did. A fill that fails says nothing here:
 * the render names what it throws.
 */
function imageIssues(offer: TemplateOffer, letter: Letter, locale: LocaleId, fields: readonly LetterField[]): DataIssue[] {
  if (!offer.imageProblems) return [];
  let problems: ReturnType<NonNullable<TemplateOffer["imageProblems"]>>;
  try {
    problems = offer.imageProblems(letter, locale);
  } catch {
    return [];
  }
  return problems.flatMap(({ src, filledParts, problem }) => {
    const named = fields.filter((field) => filledParts.includes(field.text));
    const message = `makes the template's image src "${src.slice(0, 80)}": ${problem}`;
    return named.length > 0 ? named.map(({ file, path }) => ({ file, path, message })) : [{ file: offer.folder ?? "the template", path: "", message: problem }];
  });
}

/** Issues once each, in order (an image of every language says the same problem of letter.json). */
function distinctIssues(issues: readonly DataIssue[]): DataIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = formatDataIssue(issue);
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

/**
 * Validates a letter's files: `letter.json` and one `<locale>.json` per language.
 * Problems in the facts or the source language make the whole letter invalid; then every file's
 * problems are reported at once, the language files' included. A translation that is invalid or out
 * of date disables only its language. The checks between files run on whatever parts of each file
 * could be read, so a schema error in one file hides no problem of another.
 *
 * @param folder the letter's folder name, which must equal its id; file names in errors start with it
 * @param warnings what the reader skipped, passed through to the result
 * @param context the deployment's templates and fonts, checked now rather than first at render
 */
export function parseLetter(folder: string, files: readonly LetterFile[], warnings: readonly DataIssue[] = [], context: LetterContext = {}): ParsedLetter {
  const at = (name: string) => `${folder}/${name}`;
  const letterIssues: DataIssue[] = [];
  const factsFile = files.find((file) => file.name === LETTER_FACTS_FILE);
  // A letter.json written another way ("Letter.json", "letter.JSON") was skipped by the reader: named here.
  const factsNamedOtherwise = [...files.map((file) => file.name), ...warnings.map((warning) => warning.file.slice(`${folder}/`.length))].find(
    (name) => name !== LETTER_FACTS_FILE && name.toLowerCase() === LETTER_FACTS_FILE,
  );
  if (!factsFile) {
    const hint = factsNamedOtherwise ? `; ${factsNamedOtherwise} is skipped: rename it ${LETTER_FACTS_FILE} (names are read as written, in lower case)` : "";
    letterIssues.push({ file: at(LETTER_FACTS_FILE), path: "", message: `missing; every letter folder needs a letter.json${hint}` });
  }

  const facts = factsFile ? validate(letterFactsSchema, at(LETTER_FACTS_FILE), factsFile) : { issues: [] as DataIssue[] };
  letterIssues.push(...facts.issues);
  const factsRefs = facts.json === undefined ? undefined : factsReferences(facts.json);
  if (factsRefs?.id !== undefined && SLUG_PATTERN.test(factsRefs.id) && factsRefs.id !== folder) {
    letterIssues.push({ file: at(LETTER_FACTS_FILE), path: "id", message: `expected "${folder}", the name of the letter's folder` });
  }

  const translations = new Map<LocaleId, { file: string; value?: Translation; json?: unknown; refs?: TranslationReferences; issues: DataIssue[] }>();
  const skipped: DataIssue[] = [];
  for (const file of files) {
    if (file.name === LETTER_FACTS_FILE) continue;
    // A file named by no language is no language of the letter: skipped with a warning (as the readers do).
    const nameProblem = translationFileNameProblem(file.name);
    if (nameProblem !== undefined) {
      skipped.push({ file: at(file.name), path: "", message: `skipped: ${nameProblem}` });
      continue;
    }
    const locale = file.name.replace(/\.json$/, "") as LocaleId;
    const result = validate(translationSchema, at(file.name), file);
    // A file that is no JSON object (an array, a string) has that one problem: nothing in it to compare.
    const refs = isJsonObject(result.json) ? translationReferences(result.json) : undefined;
    if (refs?.locale !== undefined && isLocaleId(refs.locale) && refs.locale !== locale) {
      result.issues.push({ file: at(file.name), path: "locale", message: `expected "${locale}", the file's name` });
    }
    if (refs) result.issues.push(...ownChecks(at(file.name), refs));
    translations.set(locale, { file: at(file.name), ...result, refs });
  }

  const everyWarning: DataIssue[] = [...warnings, ...skipped];
  // A skipped file that would be a language's file in canonical form ("EN.json") is named where that language is missed.
  const skippedNames = everyWarning.filter((warning) => warning.file.startsWith(at(""))).map((warning) => warning.file.slice(at("").length));
  const misnamed = (locale: string): string => {
    const name = misnamedFileOf(locale, skippedNames);
    if (!name) return "";
    const why = name.endsWith(".json") ? `"${name.slice(0, -".json".length)}" is not in canonical form` : "the extension is read in lower case";
    return `; ${name} is skipped: ${why}, expected ${locale}.json`;
  };

  // When letter.json cannot say it (malformed, or its sourceLocale is), the translations can: the
  // language they all say they were made from, if its file is there and is no translation itself.
  const sourceLocale = factsRefs?.sourceLocale ?? sourceNamedByTranslations(translations);
  const removedRecipients: DataIssue[] = [];
  for (const [locale, translation] of translations) {
    if (translation.refs && factsRefs) {
      translation.issues.push(...factsChecks(translation.file, translation.refs, factsRefs, locale === sourceLocale));
      removedRecipients.push(...removedRecipientWarnings(translation.file, translation.refs, factsRefs));
    }
  }
  if (factsRefs) letterIssues.push(...mistypedFactIds(at(LETTER_FACTS_FILE), facts.json, factsRefs, translations, sourceLocale, removedRecipients));
  everyWarning.push(...removedRecipients);
  // Any well-formed tag is a language, so a recipient's language must be one this letter has a file for
  // (a missing source file is reported on its own, below).
  for (const { index, locale } of factsRefs?.recipientLocales ?? []) {
    if (!translations.has(locale) && locale !== sourceLocale) {
      letterIssues.push({
        file: at(LETTER_FACTS_FILE),
        path: `recipients[${index}].locale`,
        // A file the reader skipped (a symbolic link) counts as absent, as in the bucket, which holds none:
        // the same letter reads the same from both; the reason is named here and in the skip's warning.
        message: `"${locale}" is not a language of this letter (${skippedNames.includes(`${locale}.json`) ? `${locale}.json is skipped: see its warning` : `no ${locale}.json${misnamed(locale)}`}); expected one of ${[...translations.keys()].sort().join(", ")}`,
      });
    }
  }

  const source = sourceLocale ? translations.get(sourceLocale) : undefined;
  if (factsFile && sourceLocale && !source) {
    letterIssues.push({ file: at(`${sourceLocale}.json`), path: "", message: `missing; the letter's source language is "${sourceLocale}"${misnamed(sourceLocale)}` });
  }
  if (source?.refs?.hasTranslationOf) source.issues.push({ file: source.file, path: "translationOf", message: "the source language's own file must not have translationOf" });
  const fingerprint = source?.value && source.issues.length === 0 ? sourceFingerprint(source.value) : undefined;
  // The words of the recipients letter.json names only: a removed recipient's are neither recorded nor stale.
  const sourceRecipients = new Map(
    [...(fingerprint && source?.value ? recipientFingerprints(source.value) : [])].filter(([id]) => !factsRefs?.recipients?.complete || factsRefs.recipients.ids.includes(id)),
  );
  const sourceParagraphs = fingerprint && source?.value ? paragraphFingerprints(source.value) : new Map<string, string>();
  const sourceParts = fingerprint && source?.value ? partFingerprints(source.value) : new Map<string, string>();

  // Checks against the deployment, after the fingerprint: a missing catalog or glyph is no fault of the source's text.
  const deploymentIssues = new Map<LocaleId, DataIssue[]>();
  const name = factsRefs?.template;
  const offer = name === undefined ? undefined : context.templates?.get(name);
  if (context.templates) {
    const unknown = templateIssue(at, name, context.templates);
    if (unknown) letterIssues.push(unknown);
  }
  // The fonts the letter is set in: the registry's and its own template's faces, not another template's.
  const letterCoverage = context.coverage && coverageOfTemplate(context.coverage, offer);
  const factsCoverage = letterCoverage && facts.json !== undefined ? coverageIssues(at(LETTER_FACTS_FILE), facts.json, letterCoverage) : [];
  letterIssues.push(...factsCoverage);
  for (const [locale, translation] of translations) {
    const issues: DataIssue[] = [];
    if (offer && !offer.setAside && name !== undefined) issues.push(...languageTemplateIssues(translation.file, locale, translation.refs, name, offer));
    const checksCoverage = locale === sourceLocale || context.coverageLocales === undefined || context.coverageLocales.has(locale);
    if (letterCoverage && checksCoverage && translation.json !== undefined) issues.push(...coverageIssues(translation.file, translation.json, letterCoverage));
    if (letterCoverage && checksCoverage && offer && !offer.setAside) issues.push(...catalogCoverageIssues(offer, locale, letterCoverage));
    deploymentIssues.set(locale, issues);
  }

  // Every translation is checked against the source, whether or not the letter as a whole is valid.
  const translationIssues = new Map<LocaleId, DataIssue[]>();
  // A source with a problem of its own (its file's, or a glyph or word the deployment lacks) will change
  // before it is right: what a translation should record is known only then, so no staleness is claimed.
  const sourceSettled = sourceLocale !== undefined && (deploymentIssues.get(sourceLocale) ?? []).length === 0;
  // A translation whose only problem is being out of date fails with its own code, STALE_TRANSLATION.
  const staleTranslations = new Map<LocaleId, StaleTranslationError>();
  const staleIssues = new Set<DataIssue>();
  for (const [locale, translation] of translations) {
    if (locale === sourceLocale) continue;
    const issues = [...translation.issues];
    if (translation.refs && source?.refs && sourceLocale)
      issues.push(...sourceChecks(translation.file, translation.refs, source.refs, sourceLocale, fingerprint, sourceRecipients, sourceParagraphs, sourceParts));
    if (fingerprint) {
      // A malformed fingerprint is answered with the right one.
      for (const issue of issues) {
        const recipient = /^translationOf\.recipients\.(.+)$/.exec(issue.path)?.[1];
        const paragraph = /^translationOf\.paragraphs\.(.+)$/.exec(issue.path)?.[1];
        const part = /^translationOf\.parts\.(.+)$/.exec(issue.path)?.[1];
        const current =
          recipient !== undefined
            ? sourceRecipients.get(recipient)
            : paragraph !== undefined
              ? sourceParagraphs.get(paragraph)
              : part !== undefined
                ? sourceParts.get(part)
                : fingerprint;
        if (issue.path.startsWith("translationOf") && current !== undefined && !issue.message.includes(current))
          issue.message +=
            recipient !== undefined
              ? `; the current fingerprint of ${sourceLocale}.json's recipients.${recipient} is ${current}`
              : paragraph !== undefined
                ? `; the current fingerprint of ${sourceLocale}.json's paragraph "${paragraph}" is ${current}`
                : part !== undefined
                  ? `; the current fingerprint of ${sourceLocale}.json's ${part} is ${current}`
                  : `; the current ${sourceLocale}.json's fingerprint is ${current}`;
      }
    }
    issues.push(...(deploymentIssues.get(locale) ?? []));
    // Out of date is said with the file's other problems and the letter's, not first once they are all fixed.
    const recorded = translation.refs?.translationOfSha256;
    if (sourceSettled && fingerprint && sourceLocale && recorded !== undefined && SHA256_PATTERN.test(recorded) && recorded !== fingerprint) {
      const stale = new StaleTranslationError(translation.file, recorded, fingerprint, undefined, whereTheSourceChanged(translation.refs, sourceParagraphs, sourceParts));
      staleTranslations.set(locale, stale);
      // Every stale part in one run: the language is refused here, so the recipient checks (which read usable
      // translations only) would name its stale recipients' words only once the text is brought up to date.
      const staleParts = [
        { file: translation.file, path: "translationOf.sourceSha256", message: stale.reason },
        ...staleRecipientIssues(translation.file, translation.refs, sourceRecipients, `${sourceLocale}.json`),
      ];
      for (const issue of staleParts) staleIssues.add(issue);
      issues.push(...staleParts);
    }
    translationIssues.set(locale, issues);
  }

  if (source) letterIssues.push(...source.issues, ...(sourceLocale ? (deploymentIssues.get(sourceLocale) ?? []) : []));
  // The strings of letter.json and of a language's file: the data an image's src may be made of.
  const factsFields = stringsOf(facts.json).map((field) => ({ file: at(LETTER_FACTS_FILE), ...field }));
  const fieldsOf = (locale: LocaleId): LetterField[] => {
    const translation = translations.get(locale);
    return [...factsFields, ...(translation ? stringsOf(translation.json).map((field) => ({ file: translation.file, ...field })) : [])];
  };
  if (letterIssues.length > 0 || !facts.value || !source?.value || !sourceLocale || !fingerprint) {
    // What the catalogs print for the letter is said too, for the languages whose files have no problem of their own:
    // a bad id in letter.json hid a catalog's problem until it was fixed (issue 13). The letter is filled from what
    // did parse; a fill that fails on it says nothing (the data's own problems are what to fix first).
    // A language only out of date is filled too: its other problems are said with its staleness.
    const sound = [...translations.keys()].filter((locale) =>
      locale === sourceLocale
        ? source?.issues.length === 0 && (deploymentIssues.get(locale) ?? []).length === 0
        : (translationIssues.get(locale) ?? []).every((issue) => staleIssues.has(issue)),
    );
    const coverage = letterCoverage;
    const filled = offer && !offer.setAside && isJsonObject(facts.json) && factsCoverage.length === 0 && sound.length > 0;
    const letter = filled ? partialLetter(facts.json as LetterFacts, translations, fingerprint) : undefined;
    const printed = letter && coverage ? sound.flatMap((locale) => printedCoverageIssues(offer!, letter, locale, coverage)) : [];
    const images = letter ? sound.flatMap((locale) => imageIssues(offer!, letter, locale, fieldsOf(locale))) : [];
    const everyIssue = [...letterIssues, ...[...translationIssues.values()].flat(), ...printed, ...images];
    throw new InvalidLetterDataError(sortByFile(distinctIssues(everyIssue)));
  }

  const usable = new Map<LocaleId, Translation>([[sourceLocale, source.value]]);
  const localeErrors = new Map<LocaleId, LetterpressError>();
  for (const [locale, translation] of translations) {
    if (locale === sourceLocale) continue;
    const issues = translationIssues.get(locale) ?? [];
    const stale = staleTranslations.get(locale);
    if (stale && issues.length === 1) {
      localeErrors.set(locale, stale);
    } else if (stale && issues.every((issue) => staleIssues.has(issue))) {
      // Out of date in several parts and nothing else: still STALE_TRANSLATION, every part named.
      localeErrors.set(locale, new LetterpressError("STALE_TRANSLATION", issues.map(formatDataIssue).join("\n")));
    } else if (issues.length > 0 || !translation.value) {
      localeErrors.set(locale, new InvalidLetterDataError(issues));
    } else {
      usable.set(locale, translation.value);
    }
  }
  // A recipient's language without a translation yet disables only that language's documents.
  for (const recipient of facts.value.recipients) {
    if (!translations.has(recipient.locale) && !localeErrors.has(recipient.locale)) {
      localeErrors.set(
        recipient.locale,
        new LetterpressError(
          "UNKNOWN_LOCALE",
          `${at(`${recipient.locale}.json`)}: missing; recipient "${recipient.id}" is to receive the letter in this language${misnamed(recipient.locale)}`,
        ),
      );
    }
  }
  const generalLetterListsRecipients = offer?.printsRecipientList !== false;
  const checked: RecipientWords = { facts: facts.value, usable, translations, sourceLocale, sourceRecipients, sourceSettled, generalLetterListsRecipients };
  const recipientErrors = recipientChecks(checked);
  const generalLetterErrors = generalLetterChecks(checked);
  const letter: Letter = { facts: facts.value, translations: usable, sourceFingerprint: fingerprint };
  // The fills below check the usable languages and those only out of date: a stale language's other problems
  // (a signatory's missing signature, a date Intl prints in a glyph no face has) are said with its staleness.
  const onlyStale = [...localeErrors].filter(([locale, error]) => error.code === "STALE_TRANSLATION" && translations.get(locale)?.value !== undefined);
  const fillable: Letter = {
    ...letter,
    translations: new Map([...usable, ...onlyStale.map(([locale]) => [locale, translations.get(locale)!.value!] as const)]),
  };
  const problemsOf = (locale: LocaleId, issues: DataIssue[]): InvalidLetterDataError =>
    new InvalidLetterDataError(usable.has(locale) ? issues : [...(translationIssues.get(locale) ?? []), ...issues]);
  // Every language's problems, for a letter refused for its source's: a stale language's staleness included.
  const othersOf = (): DataIssue[] =>
    [...localeErrors].flatMap(([locale, error]) =>
      error instanceof InvalidLetterDataError ? error.issues : error.code === "STALE_TRANSLATION" ? (translationIssues.get(locale) ?? []) : [],
    );
  // Last, what Intl makes of the letter in each language whose files passed: it needs the letter filled.
  if (letterCoverage && offer && !offer.setAside) {
    const printedIssues = new Map<LocaleId, DataIssue[]>();
    for (const locale of fillable.translations.keys()) {
      const checksCoverage = locale === sourceLocale || context.coverageLocales === undefined || context.coverageLocales.has(locale);
      const issues = checksCoverage ? printedCoverageIssues(offer, fillable, locale, letterCoverage) : [];
      if (issues.length > 0) printedIssues.set(locale, issues);
    }
    const sourceIssues = printedIssues.get(sourceLocale);
    if (sourceIssues) {
      throw new InvalidLetterDataError(
        sortByFile(distinctIssues([...sourceIssues, ...othersOf(), ...[...printedIssues].filter(([locale]) => locale !== sourceLocale).flatMap(([, issues]) => issues)])),
      );
    }
    for (const [locale, issues] of printedIssues) {
      localeErrors.set(locale, problemsOf(locale, issues));
      usable.delete(locale);
    }
  }
  // The images the data names (a signatory's signature), as the template looks them up: the source
  // language's make the letter invalid, another language's (a src made of its words) only that language.
  if (offer && !offer.setAside) {
    const imageIssuesOf = new Map<LocaleId, DataIssue[]>();
    for (const locale of fillable.translations.keys()) {
      const issues = imageIssues(offer, fillable, locale, fieldsOf(locale));
      if (issues.length > 0) imageIssuesOf.set(locale, issues);
    }
    const sourceIssues = imageIssuesOf.get(sourceLocale);
    if (sourceIssues) throw new InvalidLetterDataError(sortByFile(distinctIssues([...sourceIssues, ...othersOf(), ...[...imageIssuesOf.values()].flat()])));
    for (const [locale, issues] of imageIssuesOf) {
      const earlier = localeErrors.get(locale);
      // A language refused for its printed text already holds its staleness: its image problems join them.
      localeErrors.set(locale, earlier instanceof InvalidLetterDataError ? new InvalidLetterDataError([...earlier.issues, ...issues]) : problemsOf(locale, issues));
      usable.delete(locale);
    }
  }
  for (const locale of localeErrors.keys()) generalLetterErrors.delete(locale);
  return { letter, localeErrors, recipientErrors, generalLetterErrors, warnings: everyWarning };
}

/** What the recipient checks read: the letter's facts, its usable translations and files, and the source's recipient fingerprints. */
interface RecipientWords {
  facts: LetterFacts;
  usable: ReadonlyMap<LocaleId, Translation>;
  translations: ReadonlyMap<LocaleId, { file: string; refs?: TranslationReferences }>;
  sourceLocale: LocaleId;
  /** Each recipient's fingerprint in the source (`recipients.<id>`), by id. */
  sourceRecipients: ReadonlyMap<string, string>;
  /** Whether the source has no problem of its own: only then is a translation called stale. */
  sourceSettled: boolean;
  /** Whether the letter's template prints the recipients' list in a letter to all recipients (TemplateOffer.printsRecipientList). */
  generalLetterListsRecipients: boolean;
}

/** The usable translations but the source's, each with its file name and what it records (`translationOf`). */
function* translationsOtherThan(
  sourceLocale: LocaleId,
  usable: ReadonlyMap<LocaleId, Translation>,
  translations: ReadonlyMap<LocaleId, { file: string; refs?: TranslationReferences }>,
): Generator<{ locale: LocaleId; translation: Translation; file: string; refs: TranslationReferences | undefined }> {
  for (const [locale, translation] of usable) {
    if (locale === sourceLocale) continue;
    const { file, refs } = translations.get(locale) ?? { file: `${locale}.json` };
    yield { locale, translation, file, refs };
  }
}

/**
 * Checks each recipient's words in the usable translations, one recipient at a time: a recipient
 * whose letter is in a language whose file lacks its words, records no fingerprint for them, or
 * records one of older source words, fails its own documents (returned by id); the language's other
 * recipients' copies are made. (Its letter to all recipients is generalLetterChecks' to refuse.)
 */
function recipientChecks({ facts, usable, translations, sourceLocale, sourceRecipients, sourceSettled }: RecipientWords): Map<string, LetterpressError> {
  const errors = new Map<string, LetterpressError>();
  const sourceFile = `${sourceLocale}.json`;
  for (const { locale, translation, file, refs } of translationsOtherThan(sourceLocale, usable, translations)) {
    for (const recipient of facts.recipients) {
      const current = sourceRecipients.get(recipient.id);
      if (current === undefined || recipient.locale !== locale) continue;
      const record = `"${recipient.id}": "${current}" in translationOf.recipients`;
      if (!Object.hasOwn(translation.recipients, recipient.id)) {
        const message = `missing; recipient "${recipient.id}" is to receive the letter in this language: expected its words translated from ${sourceFile}'s recipients.${recipient.id} ({"country": ..., "representative": ...}), and ${record}`;
        errors.set(recipient.id, new InvalidLetterDataError([{ file, path: `recipients.${recipient.id}`, message }]));
        continue;
      }
      const recorded = refs?.translationOfRecipients.get(recipient.id);
      if (recorded === undefined) {
        const message = `missing; expected ${record} (the fingerprint of ${sourceFile}'s recipients.${recipient.id}, which recipients.${recipient.id} was translated from)`;
        errors.set(recipient.id, new InvalidLetterDataError([{ file, path: StaleTranslationError.fieldOf(recipient.id), message }]));
      } else if (sourceSettled && recorded !== current) {
        errors.set(recipient.id, new StaleTranslationError(file, recorded, current, { id: recipient.id, sourceFile }));
      }
    }
  }
  return errors;
}

/**
 * The languages whose letter to all recipients cannot be made: it lists every recipient (the Council's
 * members), so a file lacking some recipients' words would print a shortened list, silently, and one
 * holding words translated from older source words (translationOf.recipients.<id> is not the source's
 * current fingerprint) would print them stale, silently. That letter is refused, naming the file, the
 * field, the ids and what to add or record; each recipient's own copy in the language is still made
 * where its words are there and current (recipientChecks says the others). A recipient whose words
 * the file holds with no fingerprint refuses it too: their age is unknown. A template that prints no
 * recipients' list (`recipientList`) needs none of this: its letter to all recipients is made.
 */
function generalLetterChecks({
  facts,
  usable,
  translations,
  sourceLocale,
  sourceRecipients,
  sourceSettled,
  generalLetterListsRecipients,
}: RecipientWords): Map<LocaleId, LetterpressError> {
  const errors = new Map<LocaleId, LetterpressError>();
  // A template that prints no recipients' list makes a letter to all recipients without their words.
  if (!generalLetterListsRecipients) return errors;
  const sourceFile = `${sourceLocale}.json`;
  for (const { locale, translation, file, refs } of translationsOtherThan(sourceLocale, usable, translations)) {
    const listed = facts.recipients.filter((recipient) => sourceRecipients.has(recipient.id));
    const missing = listed.filter((recipient) => !Object.hasOwn(translation.recipients, recipient.id)).map((recipient) => recipient.id);
    const issues: DataIssue[] = [];
    if (missing.length > 0) {
      const ids = missing.map((id) => `"${id}"`).join(", ");
      const message =
        `missing the words of ${missing.length} of the letter's ${countOf(facts.recipients.length, "recipient")} (${ids}): the ${locale} letter to all recipients lists every one, ` +
        `so it is not made until each one's words are added, translated from ${sourceFile}'s recipients.<id> ({"country": ..., "representative": ...}); ` +
        `each recipient's own ${locale} copy is made where its words are there`;
      issues.push({ file, path: "recipients", message });
    }
    for (const { id } of listed) {
      if (!Object.hasOwn(translation.recipients, id)) continue;
      const current = sourceRecipients.get(id) as string;
      const recorded = refs?.translationOfRecipients.get(id);
      const generalOnly = `the ${locale} letter to all recipients prints recipient "${id}"'s words, so it is not made until then`;
      // A reader's missing or stale fingerprint fails its own copy too (recipientChecks); said here for the general letter,
      // which prints every recipient's words, its own readers' included.
      if (recorded === undefined) {
        const message = `missing; expected "${id}": "${current}" in translationOf.recipients (the fingerprint of ${sourceFile}'s recipients.${id}, which recipients.${id} was translated from): ${generalOnly}`;
        issues.push({ file, path: StaleTranslationError.fieldOf(id), message });
      } else if (recorded !== undefined && sourceSettled && recorded !== current) {
        const stale = new StaleTranslationError(file, recorded, current, { id, sourceFile });
        issues.push({ file, path: StaleTranslationError.fieldOf(id), message: `${stale.reason}; ${generalOnly}` });
      }
    }
    if (issues.length > 0) errors.set(locale, new InvalidLetterDataError(issues));
  }
  return errors;
}

/**
 * The recipients whose words a translation recorded from older source words (translationOf.recipients.<id>
 * is not the source's current fingerprint of recipients.<id>), one issue each, in the order recorded.
 */
function staleRecipientIssues(file: string, refs: TranslationReferences | undefined, sourceRecipients: ReadonlyMap<string, string>, sourceFile: string): DataIssue[] {
  const issues: DataIssue[] = [];
  for (const [id, recorded] of refs?.translationOfRecipients ?? []) {
    const current = sourceRecipients.get(id);
    if (current === undefined || recorded === current) continue;
    const stale = new StaleTranslationError(file, recorded, current, { id, sourceFile });
    issues.push({ file, path: StaleTranslationError.fieldOf(id), message: stale.reason });
  }
  return issues;
}

/**
 * Where the source changed since a translation recorded its fingerprints, every part named: the paragraphs
 * (translationOf.paragraphs) and the other parts (translationOf.parts: the title, each signatory, ...)
 * changed, added and removed, with what to record; a kind of part the file records no fingerprints
 * for is named as one that may have changed. Undefined when the file records neither.
 */
function whereTheSourceChanged(
  refs: TranslationReferences | undefined,
  currentParagraphs: ReadonlyMap<string, string>,
  currentParts: ReadonlyMap<string, string>,
): { change: string; alsoRecord: string } | undefined {
  const recordedParagraphs = refs?.translationOfParagraphs ?? new Map<string, string>();
  const recordedParts = refs?.translationOfParts ?? new Map<string, string>();
  if (recordedParagraphs.size === 0 && recordedParts.size === 0) return undefined;
  const changes: string[] = [];
  const records: string[] = [];
  // Kinds of part no fingerprint tells about: the fields of the source's own text (`title`, `signatories`), and its paragraphs.
  const unrecorded: string[] = [];
  const say = (ids: readonly string[], what: string, one: string, many: string, show: (id: string) => string) =>
    ids.length === 0 ? [] : [`${ids.length === 1 ? one : many}${ids.map(show).join(", ")} ${what}`];
  const describe = (recorded: ReadonlyMap<string, string>, current: ReadonlyMap<string, string>, field: string, one: string, many: string, show: (id: string) => string) => {
    const { changed, added, removed } = paragraphChanges(recorded, current);
    changes.push(...say(changed, "changed", one, many, show), ...say(added, "added", one, many, show), ...say(removed, "removed", one, many, show));
    const record = [...changed, ...added].map((id) => `"${id}": "${current.get(id)}"`);
    if (record.length + removed.length === 0) return;
    const removal = removed.length > 0 ? `${record.length > 0 ? " " : ""}(and remove ${removed.map((id) => `"${id}"`).join(", ")})` : "";
    records.push(`in translationOf.${field}: ${record.join(", ")}${removal}`);
  };
  if (recordedParagraphs.size > 0 && currentParagraphs.size > 0) {
    describe(recordedParagraphs, currentParagraphs, "paragraphs", "paragraph ", "paragraphs ", (id) => `"${id}"`);
    // The fingerprints are each paragraph's own; their order is the record's.
    const kept = (order: Iterable<string>, other: ReadonlyMap<string, string>) => [...order].filter((id) => other.has(id)).join(",");
    if (kept(recordedParagraphs.keys(), currentParagraphs) !== kept(currentParagraphs.keys(), recordedParagraphs)) changes.push("the paragraphs' order changed");
  } else unrecorded.push("paragraphs");
  if (recordedParts.size > 0) describe(recordedParts, currentParts, "parts", "", "", (path) => path);
  else unrecorded.push(...new Set([...currentParts.keys()].map((path) => path.split(".")[0] as string)));
  const alsoRecord = records.length === 0 ? "" : `, and ${records.join("; and ")}`;
  if (unrecorded.length === 0) return { change: changes.length > 0 ? changes.join("; ") : "no recorded part changed", alsoRecord };
  // Parts without fingerprints: said as the kinds that may have changed, with the fingerprints that tell them apart next time.
  const kinds = new Intl.ListFormat("en", { type: "disjunction" }).format(unrecorded);
  const partsToRecord =
    recordedParts.size === 0 && currentParts.size > 0
      ? `; and, to be told which part changes next time, "parts": {${[...currentParts].map(([path, print]) => `"${path}": "${print}"`).join(", ")}} in translationOf`
      : "";
  if (changes.length === 0)
    return {
      change: `no ${recordedParts.size > 0 ? "recorded part" : "paragraph"} changed: ${kinds} did (this file records no fingerprints of them)`,
      alsoRecord: `${alsoRecord}${partsToRecord}`,
    };
  return { change: `${changes.join("; ")}; ${kinds} may also have changed (this file records no fingerprints of them)`, alsoRecord: `${alsoRecord}${partsToRecord}` };
}

/**
 * A letter of what its files' JSON holds, valid or not, for the checks that fill the template (which
 * catch what a fill throws): signatories and recipients whose id breaks the rule of ids (no
 * translation names them) are left out, so that the rest fills.
 */
function partialLetter(written: LetterFacts, translations: ReadonlyMap<LocaleId, { value?: Translation; json?: unknown }>, fingerprint: string | undefined): Letter {
  const wellNamed = (list: unknown) => (Array.isArray(list) ? list.filter((entry) => typeof entry?.id === "string" && SLUG_PATTERN.test(entry.id)) : list);
  const facts = { ...written, signatories: wellNamed(written.signatories), recipients: wellNamed(written.recipients) } as LetterFacts;
  const readable = [...translations].flatMap(([locale, { value, json }]) =>
    value ? [[locale, value] as const] : isJsonObject(json) ? [[locale, json as Translation] as const] : [],
  );
  return { facts, translations: new Map(readable), sourceFingerprint: fingerprint ?? "" };
}

function sourceNamedByTranslations(translations: ReadonlyMap<string, { refs?: TranslationReferences }>): LocaleId | undefined {
  const named = new Set([...translations.values()].flatMap(({ refs }) => (refs?.translationOfLocale === undefined ? [] : [refs.translationOfLocale])));
  const [only] = named;
  if (named.size !== 1 || only === undefined || !isLocaleId(only)) return undefined;
  const source = translations.get(only);
  return source?.refs && !source.refs.hasTranslationOf ? only : undefined;
}

/** Issues grouped by file, in file-name order (each file's own order kept), as people read a folder. */
function sortByFile(issues: readonly DataIssue[]): DataIssue[] {
  return [...issues].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
