import { isLocaleId, type LocaleId } from "../locales";
import { SLUG_PATTERN } from "./slug";
import { DEFAULT_TEMPLATE, LIMITS } from "./schema";

/**
 * What the checks between files need from a file (ids, keys, quotations), read leniently from its
 * parsed JSON by path. A file whose schema check failed elsewhere still has these parts, so a
 * signatory missing from en.json is reported together with en.json's missing title, not after it
 * is fixed. A part that is not there or not of its shape reads as undefined, and the schema has
 * said why; checks skip it rather than repeat that.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === "object" && !Array.isArray(value);
export const ownProperty = (value: unknown, key: string): unknown => (isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined);
const stringAt = (value: unknown, key: string): string | undefined => {
  const found = ownProperty(value, key);
  return typeof found === "string" ? found : undefined;
};

/** Ids found, and whether every item had one: an "unexpected" verdict needs the whole list. */
export interface IdList {
  ids: readonly string[];
  complete: boolean;
}

// An id the schema refused (not a slug) is not read: it would only repeat that error in other files.
const slugAt = (value: unknown, key: string): string | undefined => {
  const found = stringAt(value, key);
  return found !== undefined && SLUG_PATTERN.test(found) ? found : undefined;
};

/**
 * A list longer than the schema allows is not read: the schema says so once, and comparing it
 * would repeat that for every item in every language (10,000 paragraphs, 2,001 recipients).
 */
const withinLimit = (value: unknown, limit: number): value is unknown[] => Array.isArray(value) && value.length <= limit;

function idsOfItems(value: unknown, limit: number): IdList | undefined {
  if (!withinLimit(value, limit)) return undefined;
  const ids = value.map((item) => slugAt(item, "id"));
  return { ids: ids.filter((id) => id !== undefined), complete: ids.every((id) => id !== undefined) };
}

function keysOf(value: unknown): IdList | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  const slugs = keys.filter((key) => SLUG_PATTERN.test(key));
  return { ids: slugs, complete: slugs.length === keys.length };
}

/** letter.json's parts that other files and the deployment are checked against. */
export interface FactsReferences {
  id?: string;
  sourceLocale?: LocaleId;
  /** The template folder named (or the default when none is named); undefined when the field is malformed. */
  template?: string;
  signatories?: IdList;
  recipients?: IdList;
  /** Each recipient's language that is a well-formed tag, with the recipient's index. */
  recipientLocales: readonly { index: number; locale: LocaleId }[];
}

export function factsReferences(json: unknown): FactsReferences {
  const sourceLocale = stringAt(json, "sourceLocale");
  const template = ownProperty(json, "template");
  const recipients = ownProperty(json, "recipients");
  return {
    id: stringAt(json, "id"),
    sourceLocale: sourceLocale !== undefined && isLocaleId(sourceLocale) ? sourceLocale : undefined,
    template: template === undefined ? DEFAULT_TEMPLATE : typeof template === "string" && SLUG_PATTERN.test(template) ? template : undefined,
    signatories: idsOfItems(ownProperty(json, "signatories"), LIMITS.signatories),
    recipients: idsOfItems(recipients, LIMITS.recipients),
    recipientLocales: withinLimit(recipients, LIMITS.recipients)
      ? recipients.flatMap((recipient, index) => {
          const locale = stringAt(recipient, "locale");
          return locale !== undefined && isLocaleId(locale) ? [{ index, locale }] : [];
        })
      : [],
  };
}

/** A quotation of a paragraph: where it is and the source key it names. */
export interface QuotationReference {
  path: string;
  source: string;
}

export interface ParagraphReference {
  /** Where the paragraph is: `paragraphs[2]`. */
  path: string;
  id?: string;
  /** Undefined when the paragraph's content is not a list. */
  quotations?: readonly QuotationReference[];
}

/** A language file's parts that letter.json, the source language and the template are checked against. */
export interface TranslationReferences {
  locale?: string;
  hasTranslationOf: boolean;
  translationOfLocale?: string;
  /** The source fingerprint the translation records, as written (checked against the current one even when other fields fail). */
  translationOfSha256?: string;
  /** The fingerprint of each recipient's source words the translation records, by id, as written (strings only). */
  translationOfRecipients: ReadonlyMap<string, string>;
  /** The fingerprint of each source paragraph the translation records, by id, as written (strings only); empty in files older than it. */
  translationOfParagraphs: ReadonlyMap<string, string>;
  /** The fingerprint of each other source part the translation records, by path (`title`, `signatories.hrnk`), as written; empty in files older than it. */
  translationOfParts: ReadonlyMap<string, string>;
  sources?: IdList;
  signatories?: IdList;
  recipients?: IdList;
  paragraphs?: readonly ParagraphReference[];
  /** The fields present at the top of the file (for the letter's own words a template prints). */
  fields: ReadonlySet<string>;
}

export function translationReferences(json: unknown): TranslationReferences {
  const paragraphs = ownProperty(json, "paragraphs");
  return {
    locale: stringAt(json, "locale"),
    hasTranslationOf: ownProperty(json, "translationOf") !== undefined,
    translationOfLocale: stringAt(ownProperty(json, "translationOf"), "locale"),
    translationOfSha256: stringAt(ownProperty(json, "translationOf"), "sourceSha256"),
    translationOfRecipients: recordedFingerprints(ownProperty(ownProperty(json, "translationOf"), "recipients")),
    translationOfParagraphs: recordedFingerprints(ownProperty(ownProperty(json, "translationOf"), "paragraphs")),
    translationOfParts: recordedFingerprints(ownProperty(ownProperty(json, "translationOf"), "parts")),
    sources: keysOf(ownProperty(json, "sources")),
    signatories: keysOf(ownProperty(json, "signatories")),
    recipients: keysOf(ownProperty(json, "recipients")),
    paragraphs: withinLimit(paragraphs, LIMITS.paragraphs)
      ? paragraphs.map((paragraph, p): ParagraphReference => {
          const content = ownProperty(paragraph, "content");
          return {
            path: `paragraphs[${p}]`,
            id: slugAt(paragraph, "id"),
            quotations: withinLimit(content, LIMITS.segmentsPerParagraph)
              ? content.flatMap((segment, s) => {
                  const source = slugAt(segment, "source");
                  return ownProperty(segment, "quote") !== undefined && source !== undefined ? [{ path: `paragraphs[${p}].content[${s}].source`, source }] : [];
                })
              : undefined,
          };
        })
      : undefined,
    fields: new Set(isObject(json) ? Object.keys(json) : []),
  };
}

/**
 * Every string of a parsed file with its JSON path, for rules about characters (a glyph in some
 * shipped face). Keys are names, not text, and are left out.
 */
export function stringsOf(json: unknown, path = ""): { path: string; text: string }[] {
  if (typeof json === "string") return [{ path, text: json }];
  if (Array.isArray(json)) return json.flatMap((item, index) => stringsOf(item, `${path}[${index}]`));
  if (isObject(json)) {
    return Object.keys(json).flatMap((key) => stringsOf(json[key], /^[A-Za-z_$][\w$-]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`));
  }
  return [];
}

/** The fingerprints a translation records by id (its recipients', its paragraphs'), as far as they are strings (the schema says what else is wrong). */
function recordedFingerprints(value: unknown): ReadonlyMap<string, string> {
  if (!isObject(value)) return new Map();
  return new Map(
    Object.keys(value).flatMap((id) => {
      const recorded = ownProperty(value, id);
      return typeof recorded === "string" ? [[id, recorded] as const] : [];
    }),
  );
}
