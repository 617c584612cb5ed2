import { randomBytes } from "node:crypto";

/** S3's XML bodies: the error document every failure carries, and the ListObjectsV2 result. */

/** An S3 error reply: status and the `<Code>` and `<Message>` S3 would send, plus any detail elements. */
export interface S3ErrorReply {
  status: number;
  code: string;
  message: string;
  detail?: Record<string, string>;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[ch] ?? ch);
}

export function newRequestId(): string {
  return randomBytes(8).toString("hex").toUpperCase();
}

export function s3ErrorXml(error: S3ErrorReply, requestId: string): string {
  const detail = Object.entries(error.detail ?? {})
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
    `${detail}<RequestId>${requestId}</RequestId></Error>`
  );
}

/** The errors the embedded server answers itself, with S3's status, code and message for each. */
export const S3Errors = {
  noSuchBucket: (bucket: string): S3ErrorReply => ({ status: 404, code: "NoSuchBucket", message: "The specified bucket does not exist", detail: { BucketName: bucket } }),
  noSuchKey: (key: string): S3ErrorReply => ({ status: 404, code: "NoSuchKey", message: "The specified key does not exist.", detail: { Key: key } }),
  preconditionFailed: (condition: "If-Match" | "If-None-Match"): S3ErrorReply => ({
    status: 412,
    code: "PreconditionFailed",
    message: "At least one of the pre-conditions you specified did not hold",
    detail: { Condition: condition },
  }),
  invalidRange: (range: string, size: number): S3ErrorReply => ({
    status: 416,
    code: "InvalidRange",
    message: "The requested range is not satisfiable",
    detail: { RangeRequested: range, ActualObjectSize: String(size) },
  }),
  invalidArgument: (message: string, name?: string, value?: string): S3ErrorReply => ({
    status: 400,
    code: "InvalidArgument",
    message,
    ...(name === undefined ? {} : { detail: { ArgumentName: name, ArgumentValue: value ?? "" } }),
  }),
  invalidDigest: (): S3ErrorReply => ({ status: 400, code: "InvalidDigest", message: "The Content-MD5 you specified was invalid." }),
  badDigest: (what: "Content-MD5" | "SHA256"): S3ErrorReply => ({
    status: 400,
    code: "BadDigest",
    message: what === "Content-MD5" ? "The Content-MD5 you specified did not match what we received." : "The SHA256 you specified did not match the calculated checksum.",
  }),
  missingContentLength: (): S3ErrorReply => ({ status: 411, code: "MissingContentLength", message: "You must provide the Content-Length HTTP header." }),
  entityTooLarge: (max: number): S3ErrorReply => ({
    status: 400,
    code: "EntityTooLarge",
    message: "Your proposed upload exceeds the maximum allowed size",
    detail: { MaxSizeAllowed: String(max) },
  }),
  metadataTooLarge: (max: number): S3ErrorReply => ({
    status: 400,
    code: "MetadataTooLarge",
    message: "Your metadata headers exceed the maximum allowed metadata size.",
    detail: { MaxSizeAllowed: String(max) },
  }),
  keyTooLong: (why: string): S3ErrorReply => ({ status: 400, code: "KeyTooLongError", message: `Your key is too long (${why})` }),
  invalidUri: (): S3ErrorReply => ({ status: 400, code: "InvalidURI", message: "Couldn't parse the specified URI." }),
  notImplemented: (what: string): S3ErrorReply => ({
    status: 501,
    code: "NotImplemented",
    message: `A header or parameter you provided implies functionality that is not implemented (the local server does not do ${what})`,
  }),
  slowDown: (): S3ErrorReply => ({ status: 503, code: "SlowDown", message: "Please reduce your request rate." }),
  internalError: (): S3ErrorReply => ({ status: 500, code: "InternalError", message: "We encountered an internal error. Please try again." }),
} as const;

export interface ListedObject {
  key: string;
  lastModified: Date;
  etag: string;
  size: number;
}

export interface ListResult {
  bucket: string;
  prefix: string;
  delimiter: string | undefined;
  maxKeys: number;
  startAfter: string | undefined;
  continuationToken: string | undefined;
  nextContinuationToken: string | undefined;
  contents: readonly ListedObject[];
  commonPrefixes: readonly string[];
  /** `encoding-type=url`: keys, prefixes and the delimiter are URL-encoded in the answer. */
  urlEncoded: boolean;
}

/** The ListObjectsV2 answer, element for element as S3 writes it. */
export function listObjectsV2Xml(result: ListResult): string {
  const text = (value: string) => escapeXml(result.urlEncoded ? encodeURIComponent(value).replace(/%2F/g, "/") : value);
  const element = (name: string, value: string | undefined) => (value === undefined ? "" : `<${name}>${value}</${name}>`);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    element("Name", escapeXml(result.bucket)) +
    element("Prefix", text(result.prefix)) +
    element("Delimiter", result.delimiter === undefined ? undefined : text(result.delimiter)) +
    element("MaxKeys", String(result.maxKeys)) +
    element("EncodingType", result.urlEncoded ? "url" : undefined) +
    element("KeyCount", String(result.contents.length + result.commonPrefixes.length)) +
    element("IsTruncated", String(result.nextContinuationToken !== undefined)) +
    element("ContinuationToken", result.continuationToken === undefined ? undefined : escapeXml(result.continuationToken)) +
    element("NextContinuationToken", result.nextContinuationToken === undefined ? undefined : escapeXml(result.nextContinuationToken)) +
    element("StartAfter", result.startAfter === undefined ? undefined : text(result.startAfter)) +
    result.contents
      .map(
        (object) =>
          `<Contents><Key>${text(object.key)}</Key><LastModified>${object.lastModified.toISOString()}</LastModified>` +
          `<ETag>&quot;${object.etag}&quot;</ETag><Size>${object.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      )
      .join("") +
    result.commonPrefixes.map((prefix) => `<CommonPrefixes><Prefix>${text(prefix)}</Prefix></CommonPrefixes>`).join("") +
    `</ListBucketResult>`
  );
}
