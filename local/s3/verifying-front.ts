import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { verifySigV4, type S3ErrorReply } from "./sigv4-verifier";

/**
 * A small HTTP proxy on loopback that refuses what S3 would refuse before the embedded server sees
 * it: s3rver checks no SigV4 signatures at all, so without this a tampered or expired link would work.
 * It verifies header auth and presigned query auth, checks a signed payload hash against the body,
 * and answers failures with S3's XML errors.
 */

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
  upstream: { host: string; port: number };
  region: string;
  secrets: ReadonlyMap<string, string>;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Bodies with a signed SHA-256 are held in memory to check it; larger ones are refused. */
  maxSignedBodyBytes?: number;
  clock?: () => Date;
}

/** Enough history for any test; a long `npm run serve` must not grow without bound. */
const MAX_RECORDS = 10_000;

export interface VerifyingFront {
  endpoint: string;
  /** Requests seen, in order of completion (the most recent 10,000); tests count uploads with it. */
  readonly requests: readonly FrontRequestRecord[];
  stop(): Promise<void>;
}

/** Headers that describe one hop, not the request: never forwarded (RFC 9110 section 7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"]);

export function s3ErrorXml(error: S3ErrorReply, requestId: string): string {
  const escape = (text: string) =>
    text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[ch] ?? ch);
  const detail = Object.entries(error.detail ?? {})
    .map(([name, value]) => `<${name}>${escape(value)}</${name}>`)
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escape(error.code)}</Code><Message>${escape(error.message)}</Message>` +
    `${detail}<RequestId>${requestId}</RequestId></Error>`
  );
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
  const agent = new http.Agent({ keepAlive: true });

  const refuse = (req: http.IncomingMessage, res: http.ServerResponse, error: S3ErrorReply) => {
    const requestId = randomBytes(8).toString("hex").toUpperCase();
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

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer | undefined) => {
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i] as string;
      if (!HOP_BY_HOP.has(name.toLowerCase())) headers.push([name, req.rawHeaders[i + 1] as string]);
    }
    const upstream = http.request({
      agent,
      host: options.upstream.host,
      port: options.upstream.port,
      method: req.method,
      path: req.url,
      // Raw pairs keep the bytes of each value: Node writes header strings as latin1.
      headers: headers.flat(),
    });
    upstream.on("response", (up) => {
      const responseHeaders: string[] = [];
      for (let i = 0; i + 1 < up.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has((up.rawHeaders[i] as string).toLowerCase())) responseHeaders.push(up.rawHeaders[i] as string, up.rawHeaders[i + 1] as string);
      }
      res.writeHead(up.statusCode ?? 502, responseHeaders);
      up.pipe(res);
      up.on("end", () => record(requests, { ...describe(req), status: up.statusCode ?? 502 }));
      up.on("error", () => res.destroy());
    });
    upstream.on("error", () => {
      if (!res.headersSent) refuse(req, res, { status: 503, code: "ServiceUnavailable", message: "The embedded S3 server did not answer." });
      else res.destroy();
    });
    if (body !== undefined) {
      // write() then end(): given its body in end(), Node re-encodes Content-Disposition
      // (nodejs/node#46528) and would mangle the raw bytes we must pass on unchanged.
      upstream.write(body);
      upstream.end();
    } else {
      req.pipe(upstream);
    }
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const verdict = verifySigV4(
      { method: req.method ?? "GET", url: req.url ?? "/", headers: headerMap(req.rawHeaders) },
      { region: options.region, service: "s3", secrets: options.secrets, now: clock() },
    );
    if (!verdict.ok) return refuse(req, res, verdict.error);
    const payloadHash = verdict.payloadHash;
    if (payloadHash === "UNSIGNED-PAYLOAD") return forward(req, res, undefined);
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
    forward(req, res, body);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) refuse(req, res, { status: 500, code: "InternalError", message: "We encountered an internal error. Please try again." });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
