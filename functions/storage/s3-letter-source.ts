import { GetObjectCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from "@aws-sdk/client-s3";
import { LetterpressError } from "../core/errors";
import type { LetterContext } from "../core/letter/letter-context";
import type { ParsedLetter } from "../core/letter/parse-letter";
import { SLUG_PATTERN } from "../core/letter/slug";
import type { LetterSource } from "../letters/letter-source";
import { type DataEntry, type LetterListing, listLettersOf, READER_LIMITS, readLetter } from "../letters/reader-rules";
import { toStorageError } from "./s3-errors";

/** Keys listed for one letter; far beyond READER_LIMITS.maxFilesPerLetter, so the rules, not the listing, refuse. */
const MAX_KEYS_PER_LETTER = 1000;

/**
 * Letter data in the bucket, under the data prefix: `data/<letterId>/letter.json`, `data/<letterId>/<locale>.json`
 * (the repository's data/ folder, deployed there). Read by the same rules as a folder on disk
 * (reader-rules.ts): key prefixes are folders, objects are files, and the bucket holds no links.
 */
export class S3LetterSource implements LetterSource {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly dataPrefix: string,
  ) {}

  async listLetters(): Promise<LetterListing> {
    const keys: { key: string; bytes: number }[] = [];
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await this.send("list", this.dataPrefix, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.dataPrefix, ContinuationToken: token })),
      );
      for (const { Key, Size } of page.Contents ?? []) if (Key) keys.push({ key: Key.slice(this.dataPrefix.length), bytes: Size ?? 0 });
      token = page.NextContinuationToken;
    } while (token);
    // Every key as the entries a folder would show: data/<a>/<b>/... is folder <a> holding folder <b>.
    const top = new Map<string, DataEntry>();
    const inLetter = new Map<string, Map<string, DataEntry>>();
    for (const { key, bytes } of keys) {
      const [first = "", second, ...rest] = key.split("/");
      if (second === undefined) {
        if (first) top.set(first, { name: first, kind: "file", bytes });
        continue;
      }
      top.set(first, { name: first, kind: "folder" });
      const entries = inLetter.get(first) ?? new Map<string, DataEntry>();
      inLetter.set(first, entries);
      // "data/<id>/" itself is the marker a console writes for a folder, not a file.
      if (second) entries.set(second, rest.length > 0 ? { name: second, kind: "folder" } : { name: second, kind: "file", bytes });
    }
    return listLettersOf(`s3://${this.bucket}/${this.dataPrefix}`, [...top.values()], async (letterId) => [...(inLetter.get(letterId)?.values() ?? [])]);
  }

  async loadLetter(letterId: string, context?: LetterContext): Promise<ParsedLetter> {
    if (!SLUG_PATTERN.test(letterId)) throw new LetterpressError("UNKNOWN_LETTER", `letter id ${JSON.stringify(letterId)}: expected lowercase letters, digits and hyphens`);
    const prefix = `${this.dataPrefix}${letterId}/`;
    const listing = await this.send("list", prefix, () =>
      this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, Delimiter: "/", MaxKeys: MAX_KEYS_PER_LETTER })),
    );
    if (listing.IsTruncated)
      throw new LetterpressError("INVALID_DATA", `${letterId}/: more than ${MAX_KEYS_PER_LETTER} objects; a letter has at most ${READER_LIMITS.maxFilesPerLetter} files`);
    const entries: DataEntry[] = [
      ...(listing.Contents ?? [])
        .filter(({ Key }) => Key && Key !== prefix)
        .map(({ Key, Size }) => ({ name: (Key as string).slice(prefix.length), kind: "file" as const, bytes: Size ?? 0 })),
      ...(listing.CommonPrefixes ?? []).filter(({ Prefix }) => Prefix).map(({ Prefix }) => ({ name: (Prefix as string).slice(prefix.length, -1), kind: "folder" as const })),
    ];
    // The marker of an empty folder ("data/<id>/") is a letter folder without files, as an empty folder on disk is.
    const folderMarked = (listing.Contents ?? []).some(({ Key }) => Key === prefix);
    if (entries.length === 0 && !folderMarked) throw new LetterpressError("UNKNOWN_LETTER", `no letter "${letterId}"`);
    return readLetter(
      letterId,
      entries,
      async (entry) => {
        const key = `${prefix}${entry.name}`;
        const object = await this.send("get", key, () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })));
        return (await object.Body?.transformToByteArray()) ?? new Uint8Array();
      },
      context,
    );
  }

  private async send<T>(operation: "list" | "get", key: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toStorageError(operation === "list" ? "get" : operation, key, error);
    }
  }
}
