import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { S3ErrorReply } from "./s3-xml";

/**
 * AWS Signature Version 4 verification for S3 requests: header auth (`Authorization: AWS4-HMAC-SHA256 ...`)
 * and presigned query auth (`X-Amz-Signature=...`). Pure: the clock and the secrets are arguments.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
 */

const ALGORITHM = "AWS4-HMAC-SHA256";
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
/** S3's limits: presigned URLs live at most 7 days; signed requests may be 15 minutes off our clock. */
export const MAX_PRESIGN_SECONDS = 604_800;
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface SignedRequest {
  method: string;
  /** The request target exactly as received: path and query, still percent-encoded. */
  url: string;
  /**
   * Lowercase header name to its values in arrival order. Values are as Node hands them over
   * (one latin1 character per byte), so non-ASCII bytes are hashed exactly as they were sent.
   */
  headers: ReadonlyMap<string, readonly string[]>;
}

export interface VerifierConfig {
  region: string;
  service: string;
  /** Access key id to secret access key. */
  secrets: ReadonlyMap<string, string>;
  now: Date;
}

export type { S3ErrorReply };

export type Verdict = { ok: true; accessKeyId: string; mechanism: "header" | "query"; payloadHash: string } | { ok: false; error: S3ErrorReply };

const deny = (status: number, code: string, message: string, detail?: Record<string, string>): Verdict => ({
  ok: false,
  error: { status, code, message, ...(detail === undefined ? {} : { detail }) },
});

const ACCESS_DENIED = deny(403, "AccessDenied", "Access Denied");

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ percent-encoded, in UTF-8. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** Query parameters decoded, in order; undefined when a value is not valid percent-encoding. */
function parseQuery(rawQuery: string): [string, string][] | undefined {
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = safeDecode((eq === -1 ? part : part.slice(0, eq)).replace(/\+/g, " "));
    const value = safeDecode((eq === -1 ? "" : part.slice(eq + 1)).replace(/\+/g, " "));
    if (name === undefined || value === undefined) return undefined;
    pairs.push([name, value]);
  }
  return pairs;
}

function canonicalUri(rawPath: string): string | undefined {
  const segments = rawPath.split("/").map((segment) => safeDecode(segment));
  if (segments.some((segment) => segment === undefined)) return undefined;
  // S3 does not normalize paths: "a//b" and "a/./b" are other keys, not the same one.
  return (segments as string[]).map(uriEncode).join("/") || "/";
}

function canonicalQuery(pairs: readonly [string, string][]): string {
  return pairs
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

function canonicalHeaderValue(values: readonly string[] | undefined): string {
  return (values ?? []).map((value) => value.trim().replace(/\s+/g, " ")).join(",");
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/**
 * Derived keys of the last few (secret, date, region, service) scopes: a key changes once a day, and
 * deriving it is four HMACs per request (as SDKs cache it on their side). Bounded, so a flood of
 * made-up scopes cannot grow it.
 */
const signingKeys = new Map<string, Buffer>();
const MAX_CACHED_SIGNING_KEYS = 64;

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = JSON.stringify([secret, date, region, service]);
  const cached = signingKeys.get(id);
  if (cached) return cached;
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
  if (signingKeys.size >= MAX_CACHED_SIGNING_KEYS) signingKeys.delete(signingKeys.keys().next().value as string);
  signingKeys.set(id, key);
  return key;
}

/** `yyyyMMddTHHmmssZ` as a Date, or undefined. */
function parseAmzDate(value: string | undefined): Date | undefined {
  const m = value === undefined ? null : /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

interface AuthParts {
  mechanism: "header" | "query";
  credential: string;
  signedHeaders: string;
  signature: string;
  amzDate: string;
  payloadHash: string;
  /** Query parameters that take part in the canonical query string. */
  queryPairs: [string, string][];
  expiresSeconds?: number;
}

type Parsed = { ok: true; parts: AuthParts } | { ok: false; error: S3ErrorReply };

function first(headers: ReadonlyMap<string, readonly string[]>, name: string): string | undefined {
  return headers.get(name)?.[0];
}

function parseHeaderAuth(authorization: string, request: SignedRequest, queryPairs: [string, string][]): Parsed {
  const malformed = (message: string): Parsed => ({ ok: false, error: { status: 400, code: "AuthorizationHeaderMalformed", message } });
  const space = authorization.indexOf(" ");
  const algorithm = space === -1 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) {
    return { ok: false, error: { status: 400, code: "InvalidArgument", message: `Unsupported Authorization Type; only ${ALGORITHM} is accepted` } };
  }
  const fields = new Map<string, string>();
  for (const part of authorization.slice(space + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq !== -1) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get("Credential");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credential || !signedHeaders || !signature) {
    return malformed("The authorization header is malformed; it requires Credential, SignedHeaders and Signature.");
  }
  const amzDate = first(request.headers, "x-amz-date");
  if (amzDate === undefined) {
    return { ok: false, error: { status: 403, code: "AccessDenied", message: "AWS authentication requires a valid Date or x-amz-date header" } };
  }
  const payloadHash = first(request.headers, "x-amz-content-sha256");
  if (payloadHash === undefined) {
    return { ok: false, error: { status: 400, code: "InvalidRequest", message: "Missing required header for this request: x-amz-content-sha256" } };
  }
  return { ok: true, parts: { mechanism: "header", credential, signedHeaders, signature, amzDate, payloadHash, queryPairs } };
}

function parseQueryAuth(queryPairs: [string, string][]): Parsed {
  const bad = (message: string): Parsed => ({ ok: false, error: { status: 400, code: "AuthorizationQueryParametersError", message } });
  const params = new Map(queryPairs);
  if (params.get("X-Amz-Algorithm") !== ALGORITHM) return bad(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const credential = params.get("X-Amz-Credential");
  const signedHeaders = params.get("X-Amz-SignedHeaders");
  const signature = params.get("X-Amz-Signature");
  const amzDate = params.get("X-Amz-Date");
  const expires = params.get("X-Amz-Expires");
  if (!credential || !signedHeaders || !signature || !amzDate || expires === undefined) {
    return bad(
      "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, " + "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
    );
  }
  if (!/^\d+$/.test(expires)) return bad("X-Amz-Expires should be a number");
  const expiresSeconds = Number(expires);
  if (expiresSeconds < 1) return bad("X-Amz-Expires must be non-negative");
  if (expiresSeconds > MAX_PRESIGN_SECONDS) {
    return bad(`X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ${MAX_PRESIGN_SECONDS} seconds`);
  }
  return {
    ok: true,
    parts: {
      mechanism: "query",
      credential,
      signedHeaders,
      signature,
      amzDate,
      // Signers hoist the x-amz-content-sha256 header into the query with either spelling.
      payloadHash: queryPairs.find(([name]) => name.toLowerCase() === "x-amz-content-sha256")?.[1] ?? UNSIGNED_PAYLOAD,
      // Every parameter but the signature itself is signed.
      queryPairs: queryPairs.filter(([name]) => name !== "X-Amz-Signature"),
      expiresSeconds,
    },
  };
}

/** Checks one request's SigV4 signature, credential scope and time window, as S3 would. */
export function verifySigV4(request: SignedRequest, config: VerifierConfig): Verdict {
  const q = request.url.indexOf("?");
  const rawPath = q === -1 ? request.url : request.url.slice(0, q);
  const queryPairs = parseQuery(q === -1 ? "" : request.url.slice(q + 1));
  if (queryPairs === undefined) return deny(400, "InvalidArgument", "The query string is not valid percent-encoding");

  const authorization = first(request.headers, "authorization");
  const presigned = queryPairs.some(([name]) => name === "X-Amz-Algorithm" || name === "X-Amz-Signature" || name === "X-Amz-Credential");
  if (authorization !== undefined && presigned) {
    return deny(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified");
  }
  // Our bucket is private: an anonymous request is refused as S3 refuses it.
  if (authorization === undefined && !presigned) return ACCESS_DENIED;

  const parsed = authorization !== undefined ? parseHeaderAuth(authorization, request, queryPairs) : parseQueryAuth(queryPairs);
  if (!parsed.ok) return parsed;
  const parts = parsed.parts;
  const scopeError = parts.mechanism === "header" ? "AuthorizationHeaderMalformed" : "AuthorizationQueryParametersError";

  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator, ...extra] = parts.credential.split("/");
  if (!accessKeyId || !scopeDate || !scopeRegion || !scopeService || terminator !== "aws4_request" || extra.length > 0) {
    return deny(400, scopeError, 'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  }
  const secret = config.secrets.get(accessKeyId);
  if (secret === undefined) {
    return deny(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", { AWSAccessKeyId: accessKeyId });
  }
  if (scopeRegion !== config.region) {
    return deny(400, scopeError, `The authorization header is malformed; the region '${scopeRegion}' is wrong; expecting '${config.region}'`, { Region: config.region });
  }
  if (scopeService !== config.service) {
    return deny(400, scopeError, `The authorization header is malformed; incorrect service "${scopeService}". This endpoint belongs to "${config.service}".`);
  }
  const requestTime = parseAmzDate(parts.amzDate);
  if (requestTime === undefined) {
    return deny(400, scopeError, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  }
  if (scopeDate !== parts.amzDate.slice(0, 8)) {
    return deny(400, scopeError, `Invalid credential date "${scopeDate}". This date is not the same as X-Amz-Date: "${parts.amzDate.slice(0, 8)}".`);
  }

  const signedHeaderNames = parts.signedHeaders.split(";");
  if (!signedHeaderNames.includes("host")) {
    return deny(400, scopeError, "The host header must be signed");
  }
  if (parts.mechanism === "header") {
    const unsigned = [...request.headers.keys()].filter((name) => name.startsWith("x-amz-") && !signedHeaderNames.includes(name));
    if (unsigned.length > 0) {
      return deny(403, "AccessDenied", "There were headers present in the request which were not signed", { HeadersNotSigned: unsigned.join(", ") });
    }
  }

  const path = canonicalUri(rawPath);
  if (path === undefined) return deny(400, "InvalidURI", "Couldn't parse the specified URI.");
  const canonicalRequest = [
    request.method.toUpperCase(),
    path,
    canonicalQuery(parts.queryPairs),
    ...signedHeaderNames.map((name) => `${name}:${canonicalHeaderValue(request.headers.get(name))}`),
    "",
    parts.signedHeaders,
    parts.payloadHash,
  ].join("\n");
  const scope = `${scopeDate}/${scopeRegion}/${scopeService}/aws4_request`;
  // latin1: header values are one character per byte as received; everything else is ASCII by now.
  const stringToSign = [ALGORITHM, parts.amzDate, scope, createHash("sha256").update(canonicalRequest, "latin1").digest("hex")].join("\n");
  const expected = createHmac("sha256", signingKey(secret, scopeDate, scopeRegion, scopeService))
    .update(stringToSign, "utf8")
    .digest();
  const provided = /^[0-9a-f]{64}$/.test(parts.signature) ? Buffer.from(parts.signature, "hex") : Buffer.alloc(0);
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    return deny(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", {
      AWSAccessKeyId: accessKeyId,
      StringToSign: stringToSign,
      CanonicalRequest: canonicalRequest,
    });
  }

  const now = config.now.getTime();
  if (parts.mechanism === "query") {
    const expiresAt = requestTime.getTime() + (parts.expiresSeconds ?? 0) * 1000;
    if (now > expiresAt) {
      return deny(403, "AccessDenied", "Request has expired", {
        "X-Amz-Expires": String(parts.expiresSeconds),
        Expires: new Date(expiresAt).toISOString().replace(/\.\d+/, ""),
        ServerTime: config.now.toISOString().replace(/\.\d+/, ""),
      });
    }
    if (requestTime.getTime() - now > MAX_CLOCK_SKEW_MS) {
      return deny(403, "AccessDenied", "Request is not valid yet");
    }
  } else if (Math.abs(now - requestTime.getTime()) > MAX_CLOCK_SKEW_MS) {
    return deny(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", {
      RequestTime: parts.amzDate,
      ServerTime: config.now.toISOString().replace(/\.\d+/, ""),
    });
  }
  return { ok: true, accessKeyId, mechanism: parts.mechanism, payloadHash: parts.payloadHash };
}
