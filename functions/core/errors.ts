/**
 * One error hierarchy for letterpress. Every error carries a stable code; only handlers map codes to
 * HTTP statuses or exit codes, and callers outside see the code and a safe message, never a stack.
 */
export const ERROR_CODES = [
  "INVALID_DATA",
  "STALE_TRANSLATION",
  "UNKNOWN_LETTER",
  "UNKNOWN_LOCALE",
  "TEMPLATE_ERROR",
  "RENDER_ERROR",
  "INVALID_REQUEST",
  "NOT_FOUND",
  "STORAGE_ERROR",
  "CONFIG_ERROR",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class LetterpressError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem found in a data file: where it is and what was expected. */
export interface DataIssue {
  /** The file, relative to the data directory, e.g. `unsc-dprk-2015/ko.json`. */
  file: string;
  /** JSON path inside the file, e.g. `paragraphs[2].content[0].text`; empty for the whole file. */
  path: string;
  message: string;
}

export function formatDataIssue(issue: DataIssue): string {
  return issue.path ? `${issue.file}: ${issue.path}: ${issue.message}` : `${issue.file}: ${issue.message}`;
}

/** Letter data that does not match the schema; lists every problem found, not just the first. */
export class InvalidLetterDataError extends LetterpressError {
  constructor(readonly issues: readonly DataIssue[]) {
    super("INVALID_DATA", issues.map(formatDataIssue).join("\n"));
  }
}

/** A translation made from an older revision of the source text. */
export class StaleTranslationError extends LetterpressError {
  /** The message without its file and field, for a list of data issues that names them (parse-letter.ts). */
  readonly reason: string;
  /**
   * @param recipient the recipient whose words are out of date (its fingerprint is `translationOf.recipients.<id>`);
   * without it, the letter's own text (`translationOf.sourceSha256`)
   * @param where for the letter's own text: where the change is ("paragraph "x" changed"), and what else to record
   *   (`, and "x": "<fingerprint>" in translationOf.paragraphs`), when the translation recorded its paragraphs' fingerprints
   */
  constructor(
    readonly file: string,
    readonly recordedFingerprint: string,
    readonly currentFingerprint: string,
    readonly recipient?: { id: string; sourceFile: string },
    where?: { change: string; alsoRecord: string },
  ) {
    const reason = recipient
      ? `recipient "${recipient.id}"'s words were translated from source revision ${recordedFingerprint.slice(0, 12)}, ` +
        `but ${recipient.sourceFile}'s recipients.${recipient.id} has changed since; update recipients.${recipient.id}, then record "${recipient.id}": "${currentFingerprint}" in translationOf.recipients`
      : `the translation was made from source revision ${recordedFingerprint.slice(0, 12)}, ` +
        `but the source text has changed since${where ? ` (${where.change})` : ""}; update the translation, then record "sourceSha256": "${currentFingerprint}"${where?.alsoRecord ?? ""}`;
    super("STALE_TRANSLATION", `${file}: ${StaleTranslationError.fieldOf(recipient?.id)}: ${reason}`);
    this.reason = reason;
  }

  /** The field that records the fingerprint of the part that is out of date. */
  static fieldOf(recipientId?: string): string {
    return recipientId === undefined ? "translationOf.sourceSha256" : `translationOf.recipients.${recipientId}`;
  }
}

/** "1 paragraph", "2 paragraphs": a count in English messages, by CLDR's plural rules. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${new Intl.NumberFormat("en").format(count)} ${new Intl.PluralRules("en").select(count) === "one" ? singular : plural}`;
}
