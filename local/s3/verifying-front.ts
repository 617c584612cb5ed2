import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { newRequestId, s3ErrorXml, type S3ErrorReply } from "./s3-xml";
import { verifySigV4 } from "./sigv4-verifier";

/**
 * The embedded S3 server's only door: an HTTP server on loopback that refuses what S3 would refuse
 * before any operation runs. It verifies header auth and presigned query auth, checks a signed
 * payload hash against the body, and answers failures with S3's XML errors; only a request that
 * passes is handed to the S3 operations, in this process. There is no unsigned port.
 */

/** What runs a verified request: given the body when the front read it to check its hash. */
export type VerifiedRequestHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer | undefined) => Promise<void>;

export interface FrontRequestRecord {
  method: string;
  /** The request target as received (path and query). */
  url: string;
  /** Request headers, lowercase names, first value of each. */
  headers: Record<string, string>;
  status: number;
  /** The S3 error code when the front refused the request itself. */
  refusedWith?: string;
}

export interface VerifyingFrontOptions {
  handler: VerifiedRequestHandler;
  region: string;
  secrets: ReadonlyMap<string, string>;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Bodies with a signed SHA-256 are held in memory to check it; larger ones are refused. */
  maxSignedBodyBytes?: number;
  clock?: () => Date;
  /**
   * How long an idle keep-alive connection stays open. Longer than any client keeps an idle socket
   * (Node's agent closes its own a second before the hint this sends), so a client never reuses a
   * socket the server is closing at that moment: that race is an ECONNRESET under load.
   */
  keepAliveTimeoutMs?: number;
  /** Connections waiting to be accepted; bursts of clients queue here instead of being refused. */
  backlog?: number;
}

/** Enough history for any test; a long `npm run serve` must not grow without bound. */
const MAX_RECORDS = 10_000;

export interface VerifyingFront {
  endpoint: string;
  /** Requests seen, in order of completion (the most recent 10,000); tests count uploads with it. */
  readonly requests: readonly FrontRequestRecord[];
  stop(): Promise<void>;
}

function headerMap(rawHeaders: readonly string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    const values = map.get(name) ?? [];
    values.push(rawHeaders[i + 1] as string);
    map.set(name, values);
  }
  return map;
}

function record(requests: FrontRequestRecord[], entry: FrontRequestRecord): void {
  if (requests.length >= MAX_RECORDS) requests.splice(0, requests.length - MAX_RECORDS + 1);
  requests.push(entry);
}

function describe(req: http.IncomingMessage): Pick<FrontRequestRecord, "method" | "url" | "headers"> {
  const headers: Record<string, string> = {};
  for (const [name, values] of headerMap(req.rawHeaders)) headers[name] = values[0] ?? "";
  return { method: req.method ?? "", url: req.url ?? "", headers };
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function startVerifyingFront(options: VerifyingFrontOptions): Promise<VerifyingFront> {
  const requests: FrontRequestRecord[] = [];
  const clock = options.clock ?? (() => new Date());
  const maxBody = options.maxSignedBodyBytes ?? 64 * 1024 * 1024;

  const refuse = (req: http.IncomingMessage, res: http.ServerResponse, error: S3ErrorReply) => {
    const requestId = newRequestId();
    const body = s3ErrorXml(error, requestId);
    record(requests, { ...describe(req), status: error.status, refusedWith: error.code });
    // The unread body is dropped; the connection is closed so it cannot be mistaken for a next request.
    req.resume();
    res.writeHead(error.status, {
      "Content-Type": "application/xml",
      "Content-Length": req.method === "HEAD" ? 0 : Buffer.byteLength(body),
      "x-amz-request-id": requestId,
      Connection: "close",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  };

  const pass = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer | undefined) => {
    res.once("finish", () => record(requests, { ...describe(req), status: res.statusCode }));
    await options.handler(req, res, body);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const verdict = verifySigV4(
      { method: req.method ?? "GET", url: req.url ?? "/", headers: headerMap(req.rawHeaders) },
      { region: options.region, service: "s3", secrets: options.secrets, now: clock() },
    );
    if (!verdict.ok) return refuse(req, res, verdict.error);
    const payloadHash = verdict.payloadHash;
    if (payloadHash === "UNSIGNED-PAYLOAD") return pass(req, res, undefined);
    if (!/^[0-9a-f]{64}$/.test(payloadHash)) {
      // aws-chunked streaming signatures: our client never sends them (checksums are WHEN_REQUIRED).
      return refuse(req, res, { status: 501, code: "NotImplemented", message: `x-amz-content-sha256 ${payloadHash} is not supported by the local server` });
    }
    const body = await readBody(req, maxBody);
    if (body === undefined) return refuse(req, res, { status: 400, code: "EntityTooLarge", message: "Your proposed upload exceeds the maximum allowed size" });
    const actual = createHash("sha256").update(body).digest("hex");
    if (actual !== payloadHash) {
      return refuse(req, res, {
        status: 400,
        code: "XAmzContentSHA256Mismatch",
        message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
        detail: { ClientComputedContentSHA256: payloadHash, S3ComputedContentSHA256: actual },
      });
    }
    await pass(req, res, body);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) refuse(req, res, { status: 500, code: "InternalError", message: "We encountered an internal error. Please try again." });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 60_000;
  // Node wants the headers timeout above the keep-alive one, or it can cut a reused connection short.
  server.headersTimeout = server.keepAliveTimeout + 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: options.port ?? 0, host: "127.0.0.1", backlog: options.backlog ?? 4_096 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
