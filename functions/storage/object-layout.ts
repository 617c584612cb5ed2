import { DOCUMENT_FORMATS, type DocumentFormat } from "../core/documents";
import { isLocaleId, type LocaleId } from "../core/locales";
import { SLUG_PATTERN } from "../core/letter/slug";
import { InvalidKeySegmentError } from "./errors";

/**
 * Where things live in the documents bucket:
 *
 *   letters/{letterId}/latest.json                                     pointer to the latest revision
 *   letters/{letterId}/{revision}/manifest.json                        every document of one revision
 *   letters/{letterId}/{revision}/{locale}/{file}.{format}             a document
 *   letters/{letterId}/{revision}/{locale}/{recipientId}/{file}.{format}   a personalized document
 *   letters/{letterId}/{revision}/published/{document path}/{sha256}-{size}   a published document's entry
 *
 * Keys are built only from validated segments, so no segment can contain "/", "..", or anything that
 * needs escaping: path traversal is impossible by construction.
 */

/** A revision is a short lowercase hex digest of the data and template that produced the documents. */
const REVISION = /^[0-9a-f]{7,64}$/;

/** Every document, manifest and latest pointer lives under this prefix (infra/ scopes IAM to it). */
export const DOCUMENTS_PREFIX = "letters/";

const PREFIX = DOCUMENTS_PREFIX.slice(0, -1);

/** Identifies one document: which letter, which revision, which language, whose copy, which file. */
export interface DocumentAddress {
  letterId: string;
  revision: string;
  locale: LocaleId;
  /** null for the letter to the whole Council; a recipient's id for a personalized letter. */
  recipientId: string | null;
  /** The file's base name, e.g. `letter`. */
  file: string;
  format: DocumentFormat;
}

function slug(segment: string, value: unknown): string {
  if (typeof value !== "string" || !SLUG_PATTERN.test(value)) {
    throw new InvalidKeySegmentError(segment, value, "expected 1-64 of a-z, 0-9 and '-', starting and ending with a letter or digit");
  }
  return value;
}

function revision(value: unknown): string {
  if (typeof value !== "string" || !REVISION.test(value)) {
    throw new InvalidKeySegmentError("revision", value, "expected 7-64 lowercase hex digits");
  }
  return value;
}

function locale(value: unknown): LocaleId {
  if (typeof value !== "string" || !isLocaleId(value)) {
    throw new InvalidKeySegmentError("locale", value, "expected a BCP 47 language tag in canonical form, such as en, pt-BR or zh-Hant");
  }
  return value;
}

function format(value: unknown): DocumentFormat {
  if (typeof value !== "string" || !(DOCUMENT_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidKeySegmentError("format", value, `expected one of ${DOCUMENT_FORMATS.join(", ")}`);
  }
  return value as DocumentFormat;
}

/** The validated copy of an address; throws `InvalidKeySegmentError` naming the first bad segment. */
export function validateDocumentAddress(address: DocumentAddress): DocumentAddress {
  return {
    letterId: slug("letterId", address.letterId),
    revision: revision(address.revision),
    locale: locale(address.locale),
    recipientId: address.recipientId === null ? null : slug("recipientId", address.recipientId),
    file: slug("file", address.file),
    format: format(address.format),
  };
}

export function documentKey(address: DocumentAddress): string {
  const a = validateDocumentAddress(address);
  const recipient = a.recipientId === null ? [] : [a.recipientId];
  return [PREFIX, a.letterId, a.revision, a.locale, ...recipient, `${a.file}.${a.format}`].join("/");
}

export function manifestKey(letterId: string, revisionId: string): string {
  return [PREFIX, slug("letterId", letterId), revision(revisionId), "manifest.json"].join("/");
}

/** The languages a revision's data cannot make yet, with the file to fix (see WaitingLanguages). */
export function waitingKey(letterId: string, revisionId: string): string {
  return [PREFIX, slug("letterId", letterId), revision(revisionId), "waiting.json"].join("/");
}

export function latestKey(letterId: string): string {
  return [PREFIX, slug("letterId", letterId), "latest.json"].join("/");
}

/** Reads a document key back into its address; throws `InvalidKeySegmentError` for anything else. */
export function parseDocumentKey(key: string): DocumentAddress {
  const parts = key.split("/");
  if (parts[0] !== PREFIX || (parts.length !== 5 && parts.length !== 6)) {
    throw new InvalidKeySegmentError("key", key, "not a document key (letters/{letterId}/{revision}/{locale}/[{recipientId}/]{file}.{format})");
  }
  const [, letterId, rev, loc, ...rest] = parts as [string, string, string, string, ...string[]];
  const fileName = rest[rest.length - 1] ?? "";
  const dot = fileName.lastIndexOf(".");
  const address: DocumentAddress = {
    letterId,
    revision: rev,
    locale: loc as LocaleId,
    recipientId: rest.length === 2 ? (rest[0] ?? null) : null,
    file: dot === -1 ? fileName : fileName.slice(0, dot),
    format: (dot === -1 ? "" : fileName.slice(dot + 1)) as DocumentFormat,
  };
  const validated = validateDocumentAddress(address);
  // a round trip proves the key is exactly the one we would have built
  if (documentKey(validated) !== key) {
    throw new InvalidKeySegmentError("key", key, "not in canonical form");
  }
  return validated;
}

/** Everything of one revision (documents, entries, manifest) is under this prefix. */
export function revisionPrefix(letterId: string, revisionId: string): string {
  return [PREFIX, slug("letterId", letterId), revision(revisionId), ""].join("/");
}

/**
 * Where a revision's published entries are: one empty-named object per published document, its key
 * carrying what the manifest lists (the document, its SHA-256 and size). Publishers of one revision
 * each write their own entries, so they never contend on one object for them; a LIST reads them all.
 */
export function publishedEntriesPrefix(letterId: string, revisionId: string): string {
  return `${revisionPrefix(letterId, revisionId)}published/`;
}

const ENTRY_SUFFIX = /^([0-9a-f]{64})-(0|[1-9][0-9]{0,11})$/;

/** The entry key of a stored document: `{revision prefix}published/{document path}/{sha256}-{size}`. */
export function publishedEntryKey(entry: { key: string; sha256: string; size: number }): string {
  const address = parseDocumentKey(entry.key);
  const prefix = revisionPrefix(address.letterId, address.revision);
  const suffix = `${entry.sha256}-${entry.size}`;
  if (!ENTRY_SUFFIX.test(suffix)) throw new InvalidKeySegmentError("entry", suffix, "expected a 64-hex SHA-256 and a whole size in bytes");
  return `${prefix}published/${entry.key.slice(prefix.length)}/${suffix}`;
}

/** Reads an entry key back; undefined for any key that is not exactly one we would have built. */
export function parsePublishedEntryKey(key: string): { address: DocumentAddress; key: string; sha256: string; size: number } | undefined {
  const slash = key.lastIndexOf("/");
  const match = ENTRY_SUFFIX.exec(key.slice(slash + 1));
  const parts = key.slice(0, slash).split("/");
  if (!match || parts[3] !== "published") return undefined;
  const documentKeyText = [...parts.slice(0, 3), ...parts.slice(4)].join("/");
  try {
    const address = parseDocumentKey(documentKeyText);
    const parsed = { address, key: documentKeyText, sha256: match[1] as string, size: Number(match[2]) };
    return publishedEntryKey(parsed) === key ? parsed : undefined;
  } catch {
    return undefined;
  }
}
