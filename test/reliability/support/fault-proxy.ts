import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { s3ErrorXml } from "../../../local/s3/s3-xml";

/**
 * A fault-injecting HTTP proxy on loopback, put between an S3 client and the embedded server's
 * verifying front. Headers (Host included) pass unchanged, so SigV4 signatures made for the proxy's
 * address verify at the front. A programmable schedule decides, request by request, whether to pass
 * it on, delay it, answer an S3 XML 500/503 itself, drop the connection without an answer, or pass it
 * on and drop the connection when the answer comes (the request took effect; the client never hears).
 */

export type Fault =
  | { kind: "pass" }
  | { kind: "delay"; ms: number }
  | { kind: "status"; status: 500 | 503; code: "InternalError" | "ServiceUnavailable" | "SlowDown" }
  | { kind: "drop" }
  | { kind: "lose-answer" };

export interface ProxiedRequest {
  /** 0-based, in order of arrival. */
  index: number;
  method: string;
  url: string;
}

export interface FaultRecord extends ProxiedRequest {
  fault: Fault["kind"];
  /** The status the client got; undefined when the connection was dropped or the upstream was down. */
  status?: number;
}

/**
 * One rule of a schedule: of the requests that match, the first `after` pass, then `times` of them
 * get the fault (every one after that without `times`).
 */
export interface FaultRule {
  match?: (request: ProxiedRequest) => boolean;
  fault: Fault;
  after?: number;
  times?: number;
}

export interface FaultProxy {
  endpoint: string;
  /** Where requests go; may change (an upstream restarted on another port). */
  upstream: string;
  /** Everything the proxy saw, with the fault it applied. */
  readonly records: readonly FaultRecord[];
  /** Adds rules; earlier rules win. */
  schedule(...rules: FaultRule[]): void;
  /** Removes every rule: from now on, everything passes. */
  clear(): void;
  /** Faults applied so far, other than "pass". */
  injected(): FaultRecord[];
  stop(): Promise<void>;
}

export const PASS: Fault = { kind: "pass" };
export const INTERNAL_ERROR: Fault = { kind: "status", status: 500, code: "InternalError" };
export const SERVICE_UNAVAILABLE: Fault = { kind: "status", status: 503, code: "ServiceUnavailable" };
export const SLOW_DOWN: Fault = { kind: "status", status: 503, code: "SlowDown" };
export const DROP: Fault = { kind: "drop" };
export const LOSE_ANSWER: Fault = { kind: "lose-answer" };
export const delay = (ms: number): Fault => ({ kind: "delay", ms });

/** Matches requests by method and a test on the path (query excluded). */
export function requestTo(method: string, path: RegExp = /./): (request: ProxiedRequest) => boolean {
  return (request) => request.method === method && path.test(request.url.split("?")[0] ?? "");
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"]);

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const rules: { rule: FaultRule; seen: number; used: number }[] = [];
  const records: FaultRecord[] = [];
  const sockets = new Set<Socket>();
  const agent = new http.Agent({ keepAlive: true });
  let index = 0;

  const decide = (request: ProxiedRequest): Fault => {
    for (const entry of rules) {
      if (entry.rule.times !== undefined && entry.used >= entry.rule.times) continue;
      if (entry.rule.match && !entry.rule.match(request)) continue;
      if (entry.seen++ < (entry.rule.after ?? 0)) continue;
      entry.used++;
      return entry.rule.fault;
    }
    return PASS;
  };

  const proxy: FaultProxy = {
    endpoint: "",
    upstream,
    records,
    schedule: (...added) => void rules.push(...added.map((rule) => ({ rule, seen: 0, used: 0 }))),
    clear: () => void rules.splice(0),
    injected: () => records.filter((record) => record.fault !== "pass"),
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      });
    },
  };

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, record: FaultRecord, loseAnswer = false) => {
    const target = new URL(proxy.upstream);
    const headers: string[] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      if (!HOP_BY_HOP.has((req.rawHeaders[i] as string).toLowerCase())) headers.push(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
    }
    const upstreamRequest = http.request({ agent, host: target.hostname, port: target.port, method: req.method, path: req.url, headers });
    upstreamRequest.on("response", (up) => {
      if (loseAnswer) {
        up.resume();
        req.socket.destroy();
        return;
      }
      const responseHeaders: string[] = [];
      for (let i = 0; i + 1 < up.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has((up.rawHeaders[i] as string).toLowerCase())) responseHeaders.push(up.rawHeaders[i] as string, up.rawHeaders[i + 1] as string);
      }
      record.status = up.statusCode;
      res.writeHead(up.statusCode ?? 502, responseHeaders);
      up.pipe(res);
      up.on("error", () => res.destroy());
    });
    // An upstream that is down looks, to the client, like a connection that went away.
    upstreamRequest.on("error", () => res.destroy());
    req.pipe(upstreamRequest);
  };

  const server = http.createServer((req, res) => {
    const request: ProxiedRequest = { index: index++, method: req.method ?? "", url: req.url ?? "" };
    const fault = decide(request);
    const record: FaultRecord = { ...request, fault: fault.kind };
    records.push(record);
    switch (fault.kind) {
      case "pass":
        return forward(req, res, record);
      case "delay": {
        const timer = setTimeout(() => forward(req, res, record), fault.ms);
        res.on("close", () => clearTimeout(timer));
        return;
      }
      case "status": {
        req.resume();
        const body = s3ErrorXml({ status: fault.status, code: fault.code, message: `injected ${fault.code}` }, randomBytes(8).toString("hex").toUpperCase());
        record.status = fault.status;
        res.writeHead(fault.status, { "Content-Type": "application/xml", "Content-Length": req.method === "HEAD" ? 0 : Buffer.byteLength(body) });
        res.end(req.method === "HEAD" ? undefined : body);
        return;
      }
      case "drop":
        req.socket.destroy();
        return;
      case "lose-answer":
        return forward(req, res, record, true);
    }
  });
  // Idle connections kept as long as the verifying front keeps them: with Node's default 5 s the proxy
  // can close a client's socket left idle through a slow render just as the client reuses it, and a
  // document no fault touched then fails with a reset connection (seen on a busy machine).
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = server.keepAliveTimeout + 5_000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
