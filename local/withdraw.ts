import { checkBucketFlags, withBucketFlags } from "./bucket-flags";
import { userInfo } from "node:os";
import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { countOf, LetterpressError } from "../functions/core/errors";
import { foldedSlug, SLUG_PATTERN } from "../functions/core/letter/slug";
import { closestNames } from "../functions/core/text/closest-names";
import { localeProblem, type LocaleWording } from "../functions/locale-suggestion";
import { type AskedLocale, readAskedLocale } from "./locale-flag";
import { DEFAULTS } from "../functions/deployment-contract";
import { DirectoryLetterSource, type LetterSource } from "../functions/letters/letter-source";
import { S3ShareStore } from "../functions/share/s3-share-store";
import type { ShareStore } from "../functions/share/share-store";
import type { DocumentStore, WithdrawalResult, WithdrawalScope } from "../functions/storage/document-store";
import { createS3Client } from "../functions/storage/s3-client";
import { S3DocumentStore } from "../functions/storage/s3-document-store";
import { S3LetterSource } from "../functions/storage/s3-letter-source";
import { EMBEDDED_S3_DIR } from "./runtime";
import { relativeToHere } from "./shown-path";
import { exportedFilesOf } from "./export";
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

/** What a store and the data hold of one letter: the ids a withdrawal's scope may name. */
export interface WithdrawableParts {
  /** Whether the store or the data has the letter at all (documents, share links, or a data folder). */
  exists: boolean;
  /** Every letter id the store or the data has, for the "did you mean". */
  letterIds: string[];
  locales: Set<string>;
  recipientIds: Set<string>;
  /** What is stored (the latest revision's documents, share links): a language and whose copy (null: the general letter). */
  storedCopies: Array<{ locale: string; recipientId: string | null }>;
  /** Each recipient's language in the data. */
  dataRecipientLocales: Map<string, string>;
}

/**
 * What there is to withdraw of `letterId`, judged by what is stored (the documents of its latest
 * revision, its share links) as well as by the data: a letter whose data folder was removed, its
 * documents still stored, is still withdrawn. The data's listing and letter may be unreadable: the
 * store then decides alone.
 */
export async function withdrawableParts(letterId: string, parts: Pick<WithdrawParts, "documents" | "shares">, letters: LetterSource): Promise<WithdrawableParts> {
  const storedLetters = await parts.documents.listLetterIds();
  const dataLetters = await letters.listLetters().then(
    (listing) => listing.letterIds,
    () => [] as string[],
  );
  const shares = await parts.shares.listByLetter(letterId);
  const locales = new Set<string>();
  const recipientIds = new Set<string>();
  const storedCopies: WithdrawableParts["storedCopies"] = [];
  const add = (locale: string, recipientId: string | null | undefined) => {
    locales.add(locale);
    if (recipientId) recipientIds.add(recipientId);
    storedCopies.push({ locale, recipientId: recipientId ?? null });
  };
  for (const { record } of shares) add(record.locale, record.recipientId);
  const latest = await parts.documents.getLatest(letterId);
  const manifest = latest === undefined ? undefined : await parts.documents.getManifest(letterId, latest.revision);
  for (const entry of manifest?.documents ?? []) add(entry.locale, entry.recipientId);
  const parsed = dataLetters.includes(letterId) ? await letters.loadLetter(letterId).catch(() => undefined) : undefined;
  for (const locale of [...(parsed?.letter.translations.keys() ?? []), ...(parsed?.localeErrors.keys() ?? [])]) locales.add(locale);
  const dataRecipientLocales = new Map<string, string>();
  for (const recipient of parsed?.letter.facts.recipients ?? []) {
    recipientIds.add(recipient.id);
    dataRecipientLocales.set(recipient.id, recipient.locale);
  }
  return {
    exists: storedLetters.includes(letterId) || dataLetters.includes(letterId) || shares.length > 0,
    letterIds: [...new Set([...storedLetters, ...dataLetters])].sort(),
    locales,
    recipientIds,
    storedCopies,
    dataRecipientLocales,
  };
}

const sortedUnique = (values: Iterable<string>) => [...new Set(values)].sort();

/** At most `shown` names, then how many more: a letter may have 2,000 recipients. */
function namesWithMore(names: string[], shown = 10): string {
  return names.length <= shown ? names.join(", ") : `${names.slice(0, shown).join(", ")} and ${names.length - shown} more`;
}

/**
 * The refusal of a withdrawal that matched nothing (deleted and revoked nothing): each part of its
 * scope exists, but not together (`--recipient cn --locale fr` where cn's copies are zh), or the
 * scope was withdrawn already. Says what is stored of the letter, in the scope's own terms, with the
 * flags that would name it.
 */
export function nothingToWithdraw(scope: WithdrawalScope, known: WithdrawableParts, where: string): LetterpressError {
  const head = `nothing to withdraw: no document or share link of ${describeScope(scope)} is stored in ${where}`;
  const letterFlag = `--letter ${scope.letterId}`;
  let there: string;
  if (known.storedCopies.length === 0) {
    there = `nothing of letter "${scope.letterId}" is stored there (withdrawn already, or never generated)`;
  } else if (scope.recipientId !== undefined) {
    const recipient = scope.recipientId;
    const locales = sortedUnique(known.storedCopies.filter((copy) => copy.recipientId === recipient).map((copy) => copy.locale));
    const inData = known.dataRecipientLocales.get(recipient);
    if (locales.length > 0) {
      there = `${recipient}'s copies are in ${locales.join(", ")}; withdraw them with ${letterFlag} --recipient ${recipient}${locales.length === 1 ? ` --locale ${locales[0]}` : ""}`;
    } else {
      const others = sortedUnique(known.storedCopies.flatMap((copy) => (copy.recipientId === null ? [] : [copy.recipientId])));
      there =
        `no copy of ${recipient} is stored${inData === undefined ? "" : ` (its language in the data: ${inData})`}; ` +
        (others.length > 0 ? `the stored copies are those of ${namesWithMore(others)}` : `letter "${scope.letterId}" has no recipient's copy stored`);
    }
  } else {
    const locales = sortedUnique(known.storedCopies.map((copy) => copy.locale));
    there = `letter "${scope.letterId}" is stored in ${locales.join(", ")}`;
  }
  return new LetterpressError("NOT_FOUND", `${head}; ${there}`);
}

/** `--locale` of withdraw, worded for the one letter it withdraws from. */
function withdrawLocaleWording(letterId: string): LocaleWording {
  return {
    asked: (written) => `--locale ${written}`,
    suggested: (tag) => `--locale ${tag}`,
    owner: { possessive: `letter "${letterId}"'s`, has: `letter "${letterId}" has`, of: `letter "${letterId}", stored or in the data` },
  };
}

/**
 * The refusal of a scope naming a letter, language or recipient neither the store nor the data has
 * (a typo: `--letter nope`, `--recipient ghost`), as `generate` refuses them: the ids there are, the
 * likeliest meant first. Undefined when every part is known. A language or recipient not found here
 * may still be stored in an older revision (the caller then withdraws, and refuses when nothing was found).
 */
export function scopeProblem(scope: { letterId: string; locale?: AskedLocale; recipientId?: string }, known: WithdrawableParts, where: string): LetterpressError | undefined {
  if (!known.exists) {
    const meant = closestNames(scope.letterId, known.letterIds);
    const suggestion = meant.length > 0 ? `; did you mean ${meant.map((id) => `--letter ${id}`).join(" or ")}?` : "";
    return new LetterpressError(
      "UNKNOWN_LETTER",
      `--letter ${scope.letterId}: no letter "${scope.letterId}" is stored in ${where} or in the data; the letters there: ${known.letterIds.join(", ") || "none"}${suggestion}`,
    );
  }
  const problems: string[] = [];
  let localeRefused = false;
  if (scope.locale !== undefined) {
    const problem = localeProblem(scope.locale.written, known.locales, withdrawLocaleWording(scope.letterId));
    if (problem !== undefined) problems.push(problem);
    localeRefused = problem !== undefined;
  }
  if (scope.recipientId !== undefined && !known.recipientIds.has(scope.recipientId)) {
    const ids = [...known.recipientIds].sort();
    const meant = closestNames(scope.recipientId, ids);
    const suggestion = meant.length > 0 ? `; did you mean ${meant.map((id) => `--recipient ${id}`).join(" or ")}?` : "";
    problems.push(
      `--recipient ${scope.recipientId}: letter "${scope.letterId}" has no recipient "${scope.recipientId}", stored or in the data; its recipients: ${ids.join(", ") || "none"}${suggestion}`,
    );
  }
  if (problems.length === 0) return undefined;
  return new LetterpressError(localeRefused ? "UNKNOWN_LOCALE" : "NOT_FOUND", problems.join("\n"));
}

/**
 * A withdrawal names one letter, one language, one recipient: a flag given twice is refused, never
 * narrowed to its last value in silence (`--locale fr --locale en` withdrew en alone: fresh user 14).
 */
function once(flag: string, previous: unknown, value: string): void {
  if (previous !== undefined)
    throw new InvalidArgumentError(
      `${flag} given twice ("${String((previous as { written?: string }).written ?? previous)}", then "${value}"): withdraw one at a time, a run for each`,
    );
}

const slugFlag = (flag: string) => (value: string, previous?: string) => {
  once(flag, previous, value);
  if (!SLUG_PATTERN.test(value)) {
    // Written otherwise (`UNSC-DPRK-2015`, `unsc_dprk_2015`): the id it most likely means, as generate suggests.
    const near = foldedSlug(value);
    throw new InvalidArgumentError(
      SLUG_PATTERN.test(near)
        ? `${flag} ${value}: did you mean ${flag} ${near}? (ids are written as in data/: a-z, 0-9 and "-")`
        : `${flag}: expected an id of a-z, 0-9 and "-" (as in data/), got "${value}"`,
    );
  }
  return value;
};

// Read as generate reads it (any case, `_`): the check against what there is suggests the tag (`MY` -> `my`).
const localeFlag = (value: string, previous?: AskedLocale): AskedLocale => {
  once("--locale", previous, value);
  const asked = readAskedLocale(value);
  if (!asked) throw new InvalidArgumentError(`"${value}" is not a language tag; expected BCP 47 tags such as en, pt-BR, zh-Hant`);
  return asked;
};

interface WithdrawFlags {
  letter: string;
  locale?: AskedLocale;
  recipient?: string;
  data: string;
  out: string;
  bucket?: string;
  endpoint?: string;
  region?: string;
}

/** The `withdraw` command, for local/cli.ts. */
export function withdrawCommand(): Command {
  const command = new Command("withdraw")
    // As generate: a flag the command cannot take exits 2 (commander's own is 1; addCommand inherits nothing).
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
    .description("revoke every share link to a letter (or one language, or one recipient's copies) and delete its stored documents in every revision")
    .requiredOption("--letter <id>", "the letter to withdraw (all of it, unless --locale or --recipient narrows it)", slugFlag("--letter"))
    .option("--locale <tag>", "only the documents in this language", localeFlag)
    .option("--recipient <id>", "only this recipient's copies", slugFlag("--recipient"))
    .option("--data <dir>", "folder of letters, to say whether the data could still make what is withdrawn", "data")
    .option("--out <dir>", "folder `generate` exported to, to name the files of what is withdrawn still there", "out");
  return withBucketFlags(command, "withdraw from this S3 bucket (your own credentials) instead of the embedded server").action(async (flags: WithdrawFlags) => {
    checkBucketFlags(flags);
    const scope: WithdrawalScope = {
      letterId: flags.letter,
      ...(flags.locale === undefined ? {} : { locale: flags.locale.tag }),
      ...(flags.recipient === undefined ? {} : { recipientId: flags.recipient }),
    };
    const embedded = flags.bucket ? undefined : await startEmbeddedS3({ dataDir: EMBEDDED_S3_DIR });
    const client = embedded
      ? createS3Client(embedded.connection)
      : createS3Client({ region: flags.region ?? DEFAULTS.region, ...(flags.endpoint ? { endpoint: flags.endpoint, forcePathStyle: true } : {}) });
    const bucket = embedded ? embedded.bucket : (flags.bucket as string);
    const encryption = embedded ? undefined : { mode: "SSE-S3" as const };
    try {
      const documents = new S3DocumentStore({ client, bucket, maxPresignExpirySeconds: DEFAULTS.urlLifetime.maxSeconds, encryption });
      const shares = new S3ShareStore({ client, bucket, encryption });
      const where = embedded ? `the embedded S3 (${relativeToHere(EMBEDDED_S3_DIR)})` : `s3://${bucket}`;
      const letters = embedded ? new DirectoryLetterSource(resolve(flags.data)) : new S3LetterSource(client, bucket, DEFAULTS.dataPrefix);
      const known = await withdrawableParts(flags.letter, { documents, shares }, letters);
      const problem = scopeProblem({ letterId: flags.letter, locale: flags.locale, recipientId: flags.recipient }, known, where);
      // An unknown letter, or a language written otherwise (`MY`), is refused before anything is touched.
      if (problem !== undefined && (!known.exists || flags.locale?.written !== flags.locale?.tag)) throw problem;
      const outcome = await withdraw(scope, { documents, shares, revokedBy: `withdraw by ${userInfo().username}` });
      // A language or recipient only an older revision holds is found by the withdrawal itself; when it
      // found nothing either (deleting nothing), the name was a typo, or its parts exist but not together.
      const foundNothing =
        outcome.documents.length + outcome.records.length + outcome.manifestsRewritten.length + outcome.revokedShares.length + outcome.alreadyRevokedShares.length === 0;
      if (foundNothing) throw problem ?? nothingToWithdraw(scope, known, where);
      console.log(`withdrew ${describeScope(scope)} from ${where}:`);
      console.log(
        `  share links revoked: ${outcome.revokedShares.length}${outcome.alreadyRevokedShares.length ? ` (${countOf(outcome.alreadyRevokedShares.length, "was", "were")} revoked already)` : ""}`,
      );
      console.log(`  documents deleted: ${outcome.documents.length} (and ${countOf(outcome.records.length, "record")} of them)`);
      if (outcome.manifestsRewritten.length) console.log(`  manifests rewritten without them: revisions ${outcome.manifestsRewritten.join(", ")}`);
      for (const key of outcome.documents) console.log(`    ${key}`);
      const still = await stillInData(letters, scope, embedded ? `${flags.data.replace(/\/$/, "")}/` : `s3://${bucket}/${DEFAULTS.dataPrefix}`);
      if (still) console.error(`warning: ${still}`);
      // The files generate exported are the person's own copies, not handed out by a link: named, not deleted.
      const exported = await exportedFilesOf(resolve(flags.out), scope);
      if (exported.length > 0) {
        const shown = relativeToHere(resolve(flags.out));
        console.error(
          `warning: ${shown}/ still holds ${countOf(exported.length, "file")} of ${describeScope(scope)} that generate exported (withdraw deletes only what is stored and shared); delete ${exported.length === 1 ? "it" : "them"} if ${exported.length === 1 ? "it is" : "they are"} to go too:`,
        );
        for (const path of exported) console.error(`    ${shown}/${path}`);
      }
    } finally {
      client.destroy();
      await embedded?.stop();
    }
  });
}
