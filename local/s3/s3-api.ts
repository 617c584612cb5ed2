import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LockTimeoutError } from "./key-lock";
import { type Encryption, KeyNotStorableError, type ObjectMeta, type ObjectStore, type WriteCondition } from "./object-store";
import { listObjectsV2Xml, type ListedObject, newRequestId, S3Errors, s3ErrorXml, type S3ErrorReply } from "./s3-xml";

/**
 * The S3 operations the application uses, answered as S3 answers them: PutObject (with If-Match /
 * If-None-Match, Content-MD5, SSE headers, user metadata), GetObject and HeadObject (with Range and
 * response-* overrides), ListObjectsV2 (prefix, delimiter, max-keys, continuation, start-after),
 * HeadBucket, DeleteObject (204 whether or not the key held anything, as on an unversioned bucket).
 * Anything else gets S3's 501 NotImplemented rather than a guess.
 * Requests reach this only after the verifying front has checked their signature.
 */

export interface S3ApiOptions {
  store: ObjectStore;
  /** Larger bodies are refused with EntityTooLarge (S3's own limit for one PUT is 5 GiB). */
  maxObjectBytes: number;
  /** Told of every 5xx this server answers, with its cause. */
  onServerError?: (request: { method: string; url: string }, error: unknown) => void;
}

export type S3Api = (req: IncomingMessage, res: ServerResponse, body: Buffer | undefined) => Promise<void>;

/** S3's limit on user metadata: names and values of all `x-amz-meta-*` headers, in bytes. */
const MAX_USER_METADATA_BYTES = 2 * 1024;
const MAX_LIST_KEYS = 1000;
const STORED_HEADERS = ["cache-control", "content-disposition", "content-encoding", "content-language", "expires"] as const;
const RESPONSE_OVERRIDES: Record<string, string> = {
  "response-content-type": "Content-Type",
  "response-content-language": "Content-Language",
  "response-expires": "Expires",
  "response-cache-control": "Cache-Control",
  "response-content-disposition": "Content-Disposition",
  "response-content-encoding": "Content-Encoding",
};
/** Sub-resources of an object or bucket that name operations the application never calls. */
const UNSUPPORTED_SUBRESOURCES = [
  "acl",
  "tagging",
  "uploads",
  "uploadId",
  "partNumber",
  "versionId",
  "versions",
  "retention",
  "legal-hold",
  "torrent",
  "restore",
  "select",
  "attributes",
  "delete",
  "policy",
  "cors",
  "lifecycle",
  "location",
  "versioning",
];
const CONTINUATION_PREFIX = "lp1:";

class S3Failure extends Error {
  constructor(readonly reply: S3ErrorReply) {
    super(reply.code);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A header value carried as bytes (one latin1 character each) and not plain ASCII: RFC 2047, as S3 returns it. */
function asciiHeaderValue(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, "latin1").toString("base64")}?=`;
}

export type ByteRange = { start: number; end: number };

/**
 * The Range header as S3 reads it: one `bytes=first-last`, `bytes=first-` or `bytes=-suffix`.
 * Syntactically invalid or multi-range headers are ignored (the whole object is served); a range
 * that starts past the end, or a zero suffix, is unsatisfiable.
 */
export function parseRange(value: string | undefined, size: number): ByteRange | "whole" | "unsatisfiable" {
  const match = value === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!match || (match[1] === "" && match[2] === "")) return "whole";
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const last = match[2] === "" ? undefined : Number(match[2]);
  if (last !== undefined && last < start) return "whole";
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(last ?? size - 1, size - 1) };
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new S3Failure(S3Errors.entityTooLarge(limit));
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function encryptionOf(req: IncomingMessage): Encryption {
  const algorithm = header(req, "x-amz-server-side-encryption");
  const kmsKeyId = header(req, "x-amz-server-side-encryption-aws-kms-key-id");
  if (algorithm === "aws:kms") return { algorithm, ...(kmsKeyId === undefined ? {} : { kmsKeyId }) };
  if (kmsKeyId !== undefined) {
    throw new S3Failure(
      S3Errors.invalidArgument(
        "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms",
        "x-amz-server-side-encryption-aws-kms-key-id",
        kmsKeyId,
      ),
    );
  }
  if (algorithm !== undefined && algorithm !== "AES256") {
    throw new S3Failure(S3Errors.invalidArgument("The encryption method specified is not supported", "x-amz-server-side-encryption", algorithm));
  }
  // S3 encrypts every new object with SSE-S3 when the request names nothing else.
  return { algorithm: "AES256" };
}

/** Checks the body against the digests the request sent; returns the body's MD5 (hex), computed once for the check and the ETag. */
function checkDigests(req: IncomingMessage, body: Buffer): string {
  const bodyMd5 = createHash("md5").update(body).digest();
  const md5 = header(req, "content-md5");
  if (md5 !== undefined) {
    if (!/^[A-Za-z0-9+/]{22}==$/.test(md5)) throw new S3Failure(S3Errors.invalidDigest());
    if (!bodyMd5.equals(Buffer.from(md5, "base64"))) throw new S3Failure(S3Errors.badDigest("Content-MD5"));
  }
  for (const name of Object.keys(req.headers)) {
    if (!name.startsWith("x-amz-checksum-") || name === "x-amz-checksum-type") continue;
    if (name !== "x-amz-checksum-sha256") throw new S3Failure(S3Errors.notImplemented(`${name} (send Content-MD5 or x-amz-checksum-sha256)`));
    if (createHash("sha256").update(body).digest("base64") !== header(req, name)) throw new S3Failure(S3Errors.badDigest("SHA256"));
  }
  if (header(req, "x-amz-trailer") !== undefined) throw new S3Failure(S3Errors.notImplemented("trailing checksums"));
  return bodyMd5.toString("hex");
}

function userMetadataOf(req: IncomingMessage): Record<string, string> {
  const metadata: Record<string, string> = {};
  let bytes = 0;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] as string).toLowerCase();
    if (!name.startsWith("x-amz-meta-")) continue;
    const value = req.rawHeaders[i + 1] as string;
    metadata[name.slice("x-amz-meta-".length)] = value;
    bytes += Buffer.byteLength(name.slice("x-amz-meta-".length)) + Buffer.byteLength(value, "latin1");
  }
  if (bytes > MAX_USER_METADATA_BYTES) throw new S3Failure(S3Errors.metadataTooLarge(MAX_USER_METADATA_BYTES));
  return metadata;
}

function conditionOf(req: IncomingMessage): WriteCondition | undefined {
  const ifMatch = header(req, "if-match");
  const ifNoneMatch = header(req, "if-none-match");
  // S3 takes only "*" in If-None-Match on a PUT.
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== "*") throw new S3Failure(S3Errors.notImplemented("If-None-Match with an ETag on PUT; S3 accepts only *"));
  if (ifMatch !== undefined && ifNoneMatch !== undefined) throw new S3Failure(S3Errors.notImplemented("If-Match and If-None-Match on one PUT"));
  if (ifMatch !== undefined) return { ifMatch: ifMatch.trim() };
  return ifNoneMatch === undefined ? undefined : { ifNoneMatch: "*" };
}

function objectHeaders(meta: ObjectMeta): Record<string, string> {
  const headers: Record<string, string> = {
    "Last-Modified": new Date(meta.lastModified).toUTCString(),
    ETag: `"${meta.etag}"`,
    "Content-Type": meta.contentType,
    "Accept-Ranges": "bytes",
    "x-amz-server-side-encryption": meta.encryption.algorithm,
  };
  if (meta.encryption.algorithm === "aws:kms" && meta.encryption.kmsKeyId !== undefined) headers["x-amz-server-side-encryption-aws-kms-key-id"] = meta.encryption.kmsKeyId;
  for (const name of STORED_HEADERS) {
    const value = meta.headers[name];
    if (value !== undefined) headers[name.replace(/(^|-)[a-z]/g, (ch) => ch.toUpperCase())] = value;
  }
  for (const [name, value] of Object.entries(meta.userMetadata)) headers[`x-amz-meta-${name}`] = asciiHeaderValue(value);
  return headers;
}

function encodeToken(marker: string): string {
  return Buffer.from(`${CONTINUATION_PREFIX}${marker}`, "utf8").toString("base64url");
}

function decodeToken(token: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, "base64url").toString("utf8") : "";
  if (!text.startsWith(CONTINUATION_PREFIX)) throw new S3Failure(S3Errors.invalidArgument("The continuation token provided is incorrect", "continuation-token", token));
  return text.slice(CONTINUATION_PREFIX.length);
}

export function createS3Api(options: S3ApiOptions): S3Api {
  const { store } = options;

  const send = (req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string | number>, body?: string | Buffer) => {
    const payload = body === undefined || req.method === "HEAD" ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
    res.writeHead(status, {
      "x-amz-request-id": newRequestId(),
      "x-amz-id-2": randomBytes(24).toString("base64"),
      ...(payload ? { "Content-Length": payload.length } : {}),
      ...headers,
    });
    res.end(payload);
  };

  const fail = (req: IncomingMessage, res: ServerResponse, reply: S3ErrorReply) => {
    const requestId = newRequestId();
    const body = s3ErrorXml(reply, requestId);
    if (!req.complete) {
      // A body we did not read: close the connection so it is not taken for the next request.
      res.setHeader("Connection", "close");
      req.resume();
    }
    res.writeHead(reply.status, {
      "Content-Type": "application/xml",
      "Content-Length": req.method === "HEAD" ? 0 : Buffer.byteLength(body),
      "x-amz-request-id": requestId,
    });
    res.end(req.method === "HEAD" ? undefined : body);
  };

  const putObject = async (req: IncomingMessage, res: ServerResponse, key: string, received: Buffer | undefined) => {
    if (header(req, "x-amz-copy-source") !== undefined) throw new S3Failure(S3Errors.notImplemented("CopyObject"));
    if (received === undefined && header(req, "content-length") === undefined) throw new S3Failure(S3Errors.missingContentLength());
    const condition = conditionOf(req);
    const encryption = encryptionOf(req);
    const userMetadata = userMetadataOf(req);
    store.fileOf(key); // refuses an unstorable key before the body is read
    const body = received ?? (await readBody(req, options.maxObjectBytes));
    if (body.length > options.maxObjectBytes) throw new S3Failure(S3Errors.entityTooLarge(options.maxObjectBytes));
    const md5Hex = checkDigests(req, body);
    const headers: Record<string, string> = {};
    for (const name of STORED_HEADERS) {
      const value = header(req, name);
      if (value !== undefined) headers[name] = value;
    }
    const outcome = await store.put(
      {
        key,
        // Under SSE-KMS S3's ETag is not the MD5 of the bytes; clients must not rely on it being so.
        etag: encryption.algorithm === "aws:kms" ? randomBytes(16).toString("hex") : md5Hex,
        size: body.length,
        contentType: header(req, "content-type") ?? "binary/octet-stream",
        headers,
        userMetadata,
        encryption,
      },
      body,
      condition,
    );
    if (!outcome.written) throw new S3Failure(outcome.failed === "NoSuchKey" ? S3Errors.noSuchKey(key) : S3Errors.preconditionFailed(outcome.failed));
    const { meta } = outcome;
    const reply: Record<string, string> = { ETag: `"${meta.etag}"`, "x-amz-server-side-encryption": meta.encryption.algorithm, "Content-Length": "0" };
    if (meta.encryption.algorithm === "aws:kms" && meta.encryption.kmsKeyId !== undefined) reply["x-amz-server-side-encryption-aws-kms-key-id"] = meta.encryption.kmsKeyId;
    send(req, res, 200, reply);
  };

  const getObject = async (req: IncomingMessage, res: ServerResponse, key: string, query: URLSearchParams) => {
    const opened = await store.open(key);
    if (opened === undefined) throw new S3Failure(S3Errors.noSuchKey(key));
    const { meta, handle, bodyOffset } = opened;
    let handedOver = false;
    try {
      const rangeHeader = header(req, "range");
      const range = parseRange(rangeHeader, meta.size);
      if (range === "unsatisfiable") {
        res.setHeader("Content-Range", `bytes */${meta.size}`);
        throw new S3Failure(S3Errors.invalidRange(rangeHeader ?? "", meta.size));
      }
      const headers: Record<string, string | number> = objectHeaders(meta);
      for (const [parameter, name] of Object.entries(RESPONSE_OVERRIDES)) {
        const value = query.get(parameter);
        if (value !== null) headers[name] = value;
      }
      const { start, end } = range === "whole" ? { start: 0, end: meta.size - 1 } : range;
      headers["Content-Length"] = end - start + 1;
      if (range !== "whole") headers["Content-Range"] = `bytes ${start}-${end}/${meta.size}`;
      res.writeHead(range === "whole" ? 200 : 206, { "x-amz-request-id": newRequestId(), ...headers });
      if (req.method === "HEAD" || end < start) {
        res.end();
        return;
      }
      const stream = handle.createReadStream({ start: bodyOffset + start, end: bodyOffset + end, autoClose: true });
      handedOver = true;
      stream.on("error", () => res.destroy());
      res.on("close", () => stream.destroy());
      stream.pipe(res);
    } finally {
      if (!handedOver) await handle.close();
    }
  };

  const listObjectsV2 = async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => {
    const maxKeysText = query.get("max-keys");
    if (maxKeysText !== null && !/^\d{1,10}$/.test(maxKeysText)) {
      throw new S3Failure(S3Errors.invalidArgument("Provided max-keys not an integer or within integer range", "max-keys", maxKeysText));
    }
    const maxKeys = Math.min(MAX_LIST_KEYS, maxKeysText === null ? MAX_LIST_KEYS : Number(maxKeysText));
    const encodingType = query.get("encoding-type");
    if (encodingType !== null && encodingType !== "url")
      throw new S3Failure(S3Errors.invalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encodingType));
    const prefix = query.get("prefix") ?? "";
    const delimiter = query.get("delimiter") || undefined;
    const startAfter = query.get("start-after") || undefined;
    const token = query.get("continuation-token") ?? undefined;
    const marker = token === undefined ? undefined : decodeToken(token);

    const all = await store.list(prefix, delimiter, startAfter);
    const sortKeyOf = (entry: (typeof all)[number]) => (entry.kind === "object" ? entry.key : entry.prefix);
    const remaining = marker === undefined ? all : all.filter((entry) => Buffer.compare(Buffer.from(sortKeyOf(entry)), Buffer.from(marker)) > 0);
    const page = remaining.slice(0, maxKeys);
    const contents: ListedObject[] = [];
    for (const entry of page) {
      if (entry.kind !== "object") continue;
      const meta = await store.readMeta(entry.file);
      if (meta !== undefined) contents.push({ key: entry.key, etag: meta.etag, size: meta.size, lastModified: new Date(meta.lastModified) });
    }
    const last = page[page.length - 1];
    const xml = listObjectsV2Xml({
      bucket: store.bucket,
      prefix,
      delimiter,
      maxKeys,
      startAfter,
      continuationToken: token,
      nextContinuationToken: remaining.length > page.length && last !== undefined ? encodeToken(sortKeyOf(last)) : undefined,
      contents,
      commonPrefixes: page.flatMap((entry) => (entry.kind === "prefix" ? [entry.prefix] : [])),
      urlEncoded: encodingType === "url",
    });
    send(req, res, 200, { "Content-Type": "application/xml" }, xml);
  };

  const route = async (req: IncomingMessage, res: ServerResponse, body: Buffer | undefined) => {
    const target = req.url ?? "/";
    const q = target.indexOf("?");
    const rawPath = q === -1 ? target : target.slice(0, q);
    const query = new URLSearchParams(q === -1 ? "" : target.slice(q + 1));
    const slash = rawPath.indexOf("/", 1);
    let bucket: string;
    let key: string;
    try {
      bucket = decodeURIComponent(slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash));
      key = slash === -1 ? "" : decodeURIComponent(rawPath.slice(slash + 1));
    } catch {
      throw new S3Failure(S3Errors.invalidUri());
    }
    const method = req.method ?? "GET";
    if (bucket === "") throw new S3Failure(S3Errors.notImplemented("ListBuckets"));
    if (bucket !== store.bucket) throw new S3Failure(S3Errors.noSuchBucket(bucket));
    const subresource = UNSUPPORTED_SUBRESOURCES.find((name) => query.has(name));
    if (subresource !== undefined) throw new S3Failure(S3Errors.notImplemented(`the ?${subresource} sub-resource`));

    if (key === "") {
      if (method === "HEAD") return send(req, res, 200, {});
      if (method === "GET" && query.get("list-type") === "2") return listObjectsV2(req, res, query);
      throw new S3Failure(S3Errors.notImplemented(method === "GET" ? "ListObjects version 1 (send list-type=2)" : `${method} on a bucket`));
    }
    if (method === "GET" || method === "HEAD") return getObject(req, res, key, query);
    if (method === "PUT") return putObject(req, res, key, body);
    if (method === "DELETE") {
      await store.delete(key);
      return send(req, res, 204, {});
    }
    throw new S3Failure(S3Errors.notImplemented(`${method} on an object`));
  };

  return async (req, res, body) => {
    try {
      await route(req, res, body);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof S3Failure) return fail(req, res, error.reply);
      if (error instanceof KeyNotStorableError) return fail(req, res, S3Errors.keyTooLong(error.message));
      if (error instanceof LockTimeoutError) {
        options.onServerError?.({ method: req.method ?? "", url: req.url ?? "" }, error);
        return fail(req, res, S3Errors.slowDown());
      }
      options.onServerError?.({ method: req.method ?? "", url: req.url ?? "" }, error);
      fail(req, res, S3Errors.internalError());
    }
  };
}
