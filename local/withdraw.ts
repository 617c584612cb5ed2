import { checkBucketFlags, withBucketFlags } from "./bucket-flags";
import { userInfo } from "node:os";
import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { LetterpressError } from "../functions/core/errors";
import { SLUG_PATTERN } from "../functions/core/letter/slug";
import { isLocaleId, type LocaleId } from "../functions/core/locales";
import { DEFAULTS } from "../functions/deployment-contract";
import { DirectoryLetterSource, type LetterSource } from "../functions/letters/letter-source";
import { S3ShareStore } from "../functions/share/s3-share-store";
import type { ShareStore } from "../functions/share/share-store";
import type { DocumentStore, WithdrawalResult, WithdrawalScope } from "../functions/storage/document-store";
import { createS3Client } from "../functions/storage/s3-client";
import { S3DocumentStore } from "../functions/storage/s3-document-store";
import { S3LetterSource } from "../functions/storage/s3-letter-source";
import { EMBEDDED_S3_DIR } from "./runtime";
import { startEmbeddedS3 } from "./s3/embedded-s3";

/**
 * `npm run withdraw -- --letter X [--locale Z] [--recipient Y]`: takes back what was handed out of a
 * letter, a language of it, or one recipient's copies. Every share link to it is revoked (its readers
 * get the 410 "withdrawn" page from then on), then its stored documents are deleted in every revision.
 *
 * Run with the operator's own credentials against the bucket (`--bucket`), not through an API route:
 * the download function may only read `letters/` (infra grants it nothing more there), and a rare,
 * destructive act by a person is better done, and logged by CloudTrail, under that person's identity
 * than by widening a function that answers the public for good. Locally it runs against the embedded
 * S3 server's folder, also while `npm run serve` runs.
 */

export interface WithdrawParts {
  documents: DocumentStore;
  shares: ShareStore;
  clock?: () => Date;
  /** Recorded in each revocation as who revoked it. */
  revokedBy: string | null;
}

export interface WithdrawOutcome extends WithdrawalResult {
  /** Share ids revoked now. */
  revokedShares: string[];
  /** Share ids of the scope that were revoked already. */
  alreadyRevokedShares: string[];
}

/**
 * Links first: from the moment a link is revoked every use of it answers 410, also a "latest" link
 * whose letter the data could still make again; then the documents, so no download finds them.
 */
export async function withdraw(scope: WithdrawalScope, parts: WithdrawParts): Promise<WithdrawOutcome> {
  const clock = parts.clock ?? (() => new Date());
  const inScope = (record: { locale: string; recipientId: string | null }) =>
    (scope.locale === undefined || record.locale === scope.locale) && (scope.recipientId === undefined || record.recipientId === scope.recipientId);
  const revokedShares: string[] = [];
  const alreadyRevokedShares: string[] = [];
  for (const { record, revocation } of await parts.shares.listByLetter(scope.letterId)) {
    if (!inScope(record)) continue;
    if (revocation !== undefined) {
      alreadyRevokedShares.push(record.id);
      continue;
    }
    await parts.shares.revoke({ schemaVersion: 1, id: record.id, letterId: record.letterId, revokedAt: clock().toISOString(), revokedBy: parts.revokedBy });
    revokedShares.push(record.id);
  }
  return { ...(await parts.documents.withdraw(scope)), revokedShares, alreadyRevokedShares };
}

/** What the scope names, in words: `letter "x"`, `letter "x" in fr`, `donor-uk's copies of letter "x"`. */
export function describeScope(scope: WithdrawalScope): string {
  const letter = `letter "${scope.letterId}"`;
  const whose = scope.recipientId === undefined ? letter : `${scope.recipientId}'s copies of ${letter}`;
  return scope.locale === undefined ? whose : `${whose} in ${scope.locale}`;
}

/**
 * Why the data could still make what was withdrawn, or undefined when it no longer can: withdrawing
 * deletes what is stored, not the data, and a download or a new link renders from the data again.
 */
export async function stillInData(letters: LetterSource, scope: WithdrawalScope, where: string): Promise<string | undefined> {
  let parsed: Awaited<ReturnType<LetterSource["loadLetter"]>>;
  try {
    parsed = await letters.loadLetter(scope.letterId);
  } catch (error) {
    if (error instanceof LetterpressError && error.code === "UNKNOWN_LETTER") return undefined;
    return `${where}${scope.letterId}/ cannot be read (${(error as Error).message}), so whether it still holds ${describeScope(scope)} is unknown`;
  }
  const { letter, localeErrors } = parsed;
  if (scope.recipientId !== undefined && !letter.facts.recipients.some((recipient) => recipient.id === scope.recipientId)) return undefined;
  if (scope.locale !== undefined && !letter.translations.has(scope.locale) && !localeErrors.has(scope.locale)) return undefined;
  return `${where}${scope.letterId}/ still holds ${describeScope(scope)}: a download or a new share link renders it again; remove it from the data too`;
}

const slugFlag = (flag: string) => (value: string) => {
  if (!SLUG_PATTERN.test(value)) throw new InvalidArgumentError(`${flag}: expected an id of a-z, 0-9 and "-" (as in data/), got "${value}"`);
  return value;
};

const localeFlag = (value: string): LocaleId => {
  if (!isLocaleId(value)) throw new InvalidArgumentError(`expected a language tag such as en, fr or pt-BR, got "${value}"`);
  return value;
};

interface WithdrawFlags {
  letter: string;
  locale?: LocaleId;
  recipient?: string;
  data: string;
  bucket?: string;
  endpoint?: string;
  region?: string;
}

/** The `withdraw` command, for local/cli.ts. */
export function withdrawCommand(): Command {
  const command = new Command("withdraw")
    .description("revoke every share link to a letter (or one language, or one recipient's copies) and delete its stored documents in every revision")
    .requiredOption("--letter <id>", "the letter to withdraw (all of it, unless --locale or --recipient narrows it)", slugFlag("--letter"))
    .option("--locale <tag>", "only the documents in this language", localeFlag)
    .option("--recipient <id>", "only this recipient's copies", slugFlag("--recipient"))
    .option("--data <dir>", "folder of letters, to say whether the data could still make what is withdrawn", "data");
  return withBucketFlags(command, "withdraw from this S3 bucket (your own credentials) instead of the embedded server").action(async (flags: WithdrawFlags) => {
    checkBucketFlags(flags);
    const scope: WithdrawalScope = {
      letterId: flags.letter,
      ...(flags.locale === undefined ? {} : { locale: flags.locale }),
      ...(flags.recipient === undefined ? {} : { recipientId: flags.recipient }),
    };
    const embedded = flags.bucket ? undefined : await startEmbeddedS3({ dataDir: EMBEDDED_S3_DIR });
    const client = embedded
      ? createS3Client(embedded.connection)
      : createS3Client({ region: flags.region ?? DEFAULTS.region, ...(flags.endpoint ? { endpoint: flags.endpoint, forcePathStyle: true } : {}) });
    const bucket = embedded ? embedded.bucket : (flags.bucket as string);
    const encryption = embedded ? undefined : { mode: "SSE-S3" as const };
    try {
      const outcome = await withdraw(scope, {
        documents: new S3DocumentStore({ client, bucket, maxPresignExpirySeconds: DEFAULTS.urlLifetime.maxSeconds, encryption }),
        shares: new S3ShareStore({ client, bucket, encryption }),
        revokedBy: `withdraw by ${userInfo().username}`,
      });
      const where = embedded ? `the embedded S3 (${EMBEDDED_S3_DIR})` : `s3://${bucket}`;
      console.log(`withdrew ${describeScope(scope)} from ${where}:`);
      console.log(
        `  share links revoked: ${outcome.revokedShares.length}${outcome.alreadyRevokedShares.length ? ` (${outcome.alreadyRevokedShares.length} were revoked already)` : ""}`,
      );
      console.log(`  documents deleted: ${outcome.documents.length} (and ${outcome.records.length} records of them)`);
      if (outcome.manifestsRewritten.length) console.log(`  manifests rewritten without them: revisions ${outcome.manifestsRewritten.join(", ")}`);
      for (const key of outcome.documents) console.log(`    ${key}`);
      const letters = embedded ? new DirectoryLetterSource(resolve(flags.data)) : new S3LetterSource(client, bucket, DEFAULTS.dataPrefix);
      const still = await stillInData(letters, scope, embedded ? `${flags.data.replace(/\/$/, "")}/` : `s3://${bucket}/${DEFAULTS.dataPrefix}`);
      if (still) console.error(`warning: ${still}`);
    } finally {
      client.destroy();
      await embedded?.stop();
    }
  });
}
