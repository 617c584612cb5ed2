import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { LetterpressError } from "../core/errors";
import { type LetterFile, type ParsedLetter, parseLetter } from "../core/letter/parse-letter";
import { SLUG_PATTERN } from "../core/letter/schema";
import type { LetterSource } from "../letters/letter-source";
import { toStorageError } from "./s3-errors";

/** A letter has a handful of files; anything far beyond is not letter data and is refused. */
const MAX_FILES_PER_LETTER = 64;
const MAX_FILE_BYTES = 2 * 1024 * 1024;

/**
 * Letter data in the bucket, under the data prefix: `data/<letterId>/letter.json`, `data/<letterId>/<locale>.json`
 * (the repository's data/ folder, deployed there). Validated exactly like a folder on disk.
 */
export class S3LetterSource implements LetterSource {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly dataPrefix: string,
  ) {}

  async listLetterIds(): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.send("list", this.dataPrefix, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.dataPrefix, Delimiter: "/", ContinuationToken: token })),
      );
      for (const { Prefix } of page.CommonPrefixes ?? []) {
        const id = Prefix?.slice(this.dataPrefix.length, -1);
        if (id && SLUG_PATTERN.test(id)) ids.push(id);
      }
      token = page.NextContinuationToken;
    } while (token);
    return ids.sort();
  }

  async loadLetter(letterId: string): Promise<ParsedLetter> {
    if (!SLUG_PATTERN.test(letterId)) throw new LetterpressError("UNKNOWN_LETTER", `letter id ${JSON.stringify(letterId)}: expected lowercase letters, digits and hyphens`);
    const prefix = `${this.dataPrefix}${letterId}/`;
    const listing = await this.send("list", prefix, () =>
      this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, Delimiter: "/", MaxKeys: MAX_FILES_PER_LETTER + 1 })),
    );
    const objects = (listing.Contents ?? []).filter((object) => object.Key?.endsWith(".json"));
    if (objects.length === 0) throw new LetterpressError("UNKNOWN_LETTER", `no letter "${letterId}"`);
    if (objects.length > MAX_FILES_PER_LETTER) throw new LetterpressError("INVALID_DATA", `${letterId}: more than ${MAX_FILES_PER_LETTER} files`);
    const files: LetterFile[] = await Promise.all(
      objects.map(async ({ Key, Size }) => {
        const key = Key as string;
        if ((Size ?? 0) > MAX_FILE_BYTES) throw new LetterpressError("INVALID_DATA", `${key.slice(this.dataPrefix.length)}: larger than ${MAX_FILE_BYTES} bytes`);
        const object = await this.send("get", key, () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })));
        return { name: key.slice(prefix.length), text: (await object.Body?.transformToString("utf-8")) ?? "" };
      }),
    );
    return parseLetter(letterId, files.sort((a, b) => (a.name < b.name ? -1 : 1)));
  }

  private async send<T>(operation: "list" | "get", key: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toStorageError(operation === "list" ? "get" : operation, key, error);
    }
  }
}
