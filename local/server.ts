import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { API_ROUTE_KEYS, type ApiRouteKey, DOWNLOAD_ROUTE_KEY, matchApiRoute } from "../functions/deployment-contract";
import { LetterpressError } from "../functions/core/errors";
import type { LocalRuntime } from "./runtime";

/** Only creating a share carries a body (a small JSON object); anything larger is refused unread. */
const MAX_BODY_BYTES = 4096;

/** The same event API Gateway (HTTP API, payload 2.0) gives the download function for `routeKey`. */
export function toApiGatewayEvent(
  request: IncomingMessage,
  url: URL,
  match: Record<string, string>,
  routeKey: ApiRouteKey = DOWNLOAD_ROUTE_KEY,
  body?: string,
): APIGatewayProxyEventV2 {
  const decode = (segment: string | undefined) => {
    try {
      return decodeURIComponent(segment ?? "");
    } catch {
      return segment ?? "";
    }
  };
  // As API Gateway gives them: a parameter named twice has its values joined with commas.
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  return {
    version: "2.0",
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(",") : (value ?? "")])),
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    pathParameters: Object.fromEntries(Object.entries(match).map(([name, segment]) => [name, decode(segment)])),
    requestContext: {
      accountId: "local",
      apiId: "local",
      domainName: url.host,
      domainPrefix: "local",
      requestId: randomUUID(),
      routeKey,
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      http: {
        method: request.method ?? "GET",
        path: url.pathname,
        protocol: "HTTP/1.1",
        sourceIp: request.socket.remoteAddress ?? "",
        userAgent: request.headers["user-agent"] ?? "",
      },
    },
    ...(body ? { body } : {}),
    isBase64Encoded: false,
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body = result.body ?? "";
  // The length is set here, not left to Node, so a HEAD (whose body Node never sends) has the GET's headers.
  response.writeHead(result.statusCode ?? 200, { "content-length": String(Buffer.byteLength(body)), ...(result.headers as Record<string, string>) });
  response.end(body);
}

/**
 * RFC 9110 9.3.2: HEAD is GET without the body, with the same status and headers, so a HEAD is
 * routed as the GET of its path (the handler sees method HEAD) and Node drops the body it answers.
 */
const routedMethod = (method: string) => (method === "HEAD" ? "GET" : method);

/** What a 405 offers: a GET route answers HEAD too. */
const allowedMethods = (routeKey: string) => {
  const method = routeKey.split(" ")[0] as string;
  return method === "GET" ? "GET, HEAD" : method;
};

/** Connections waiting to be accepted: a burst of clients queues in the kernel instead of being refused. */
const LISTEN_BACKLOG = 4_096;
/**
 * Idle keep-alive connections stay open this long: longer than clients keep theirs (they close a
 * second or two before the hint the server sends), so a client never sends a request on a socket
 * the server is closing at that moment, which is an ECONNRESET on a busy machine.
 */
const KEEP_ALIVE_MS = 65_000;

/** Where the server says why it answered a 5xx; `console.error` unless a caller (a test) listens. */
export type ServerLog = (line: string) => void;

/** An error and its causes, one line: the code and message of each, never a stack. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      const code = current instanceof LetterpressError ? ` ${current.code}` : "";
      parts.push(`${current.name}${code}: ${current.message}`);
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(" <- caused by ");
}

/** The error code a JSON error body carries, for the one-line log; a page of text (a share link's) carries none. */
function describeBody(body: string | undefined): string {
  try {
    const parsed = JSON.parse(body ?? "") as { error?: { code?: string } };
    return parsed.error?.code ?? "no error code";
  } catch {
    return "a page for a person, no error code";
  }
}

function logServerError(log: ServerLog, request: IncomingMessage, status: number, error: unknown): void {
  // The path without the query: nothing a client sent beyond the route reaches the log.
  log(`${new Date().toISOString()} ${status} ${request.method ?? "?"} ${(request.url ?? "").split("?")[0]}: ${describeError(error)}`);
}

/** The names this server answers to: it listens on loopback only (see listenLocalServer). */
const LOOPBACK_HOSTNAMES: ReadonlySet<string> = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Methods that change something (create or revoke a share): a page of another site must not be able to send them. */
const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

interface ForeignRequestRefusal {
  statusCode: 403 | 415;
  code: "FORBIDDEN_HOST" | "FORBIDDEN_ORIGIN" | "UNSUPPORTED_MEDIA_TYPE";
  message: string;
}

/** `host[:port]` read as a URL reads it, or undefined when it is not one. */
function hostAndPort(value: string): { hostname: string; port: string } | undefined {
  try {
    const url = new URL(`http://${value}`);
    return url.username || url.password || url.pathname !== "/" ? undefined : { hostname: url.hostname, port: url.port };
  } catch {
    return undefined;
  }
}

/**
 * Why a request that another web page may have made is refused, or undefined when it may go on.
 * A browser lets any page send a "simple" POST (text/plain, a form) to 127.0.0.1, and a DNS-rebinding
 * page reaches it under its own host name. So: the Host must be a loopback name with the port we
 * listen on (rebinding sends the attacker's name); a state-changing request must come from no page or
 * from this server's own pages (Origin, and Sec-Fetch-Site where the browser sends it), and its body
 * must be application/json, which no page of another site can send without CORS, which we never grant.
 * `body.routeTakesOne`: whether the request's route and method take a body at all; a body on one that
 * takes none is left to the route's own answer (405 for a method it has not). `body.length`: its
 * content-length in bytes, as the caller has already read it (0 when none).
 */
export function foreignRequestRefusal(
  request: IncomingMessage,
  listeningPort: number | undefined,
  body: { routeTakesOne: boolean; length: number },
): ForeignRequestRefusal | undefined {
  const ours = (value: string | undefined, allowMissingPort: boolean) => {
    const parsed = value === undefined ? undefined : hostAndPort(value);
    if (parsed === undefined || !LOOPBACK_HOSTNAMES.has(parsed.hostname)) return false;
    // A Host with no port comes only from a program (browsers always name a port other than 80); the name is what rebinding changes.
    if (parsed.port === "") return allowMissingPort;
    return listeningPort === undefined || parsed.port === String(listeningPort);
  };
  const host = request.headers.host;
  if (!ours(host, true))
    return {
      statusCode: 403,
      code: "FORBIDDEN_HOST",
      message: `this server answers only at 127.0.0.1 or localhost${listeningPort === undefined ? "" : ` port ${listeningPort}`}; the request named host ${JSON.stringify(host ?? "")}`,
    };
  if (!STATE_CHANGING_METHODS.has(request.method ?? "GET")) return undefined;
  const origin = request.headers.origin;
  const fetchSite = request.headers["sec-fetch-site"];
  const originHost = origin === undefined ? undefined : /^http:\/\/([^/]+)$/.exec(origin)?.[1];
  if ((origin !== undefined && (originHost === undefined || !ours(originHost, false))) || (fetchSite !== undefined && fetchSite !== "same-origin" && fetchSite !== "none"))
    return {
      statusCode: 403,
      code: "FORBIDDEN_ORIGIN",
      message: `a ${request.method} is taken only from this server's own pages or from a program (no Origin); it came from ${JSON.stringify(origin ?? fetchSite ?? "")}`,
    };
  const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (body.routeTakesOne && body.length > 0 && type !== "application/json")
    return {
      statusCode: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: `a ${request.method} body must be sent as content-type application/json; it came as ${JSON.stringify(request.headers["content-type"] ?? "nothing")}`,
    };
  return undefined;
}

/**
 * Listens on loopback with a deep backlog. A port already in use is a CONFIG_ERROR naming it, which
 * the CLI prints as one line, not a stack.
 */
export function listenLocalServer(server: Server, port: number, host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE")
        reject(new LetterpressError("CONFIG_ERROR", `port ${port} on ${host} is already in use; stop what is using it or choose another with --port`));
      else if (error.code === "EACCES") reject(new LetterpressError("CONFIG_ERROR", `port ${port} on ${host} is not open to this user; choose one above 1023 with --port`));
      else reject(error);
    };
    server.once("error", onError);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * The local server: the deployed API's routes through the download function's own handler, the
 * letters page (`GET /`) among them, as on AWS. Documents not stored yet are rendered on demand by the render function's handler,
 * which the download handler invokes as on AWS (see local/runtime.ts). Every 5xx is said in one
 * line here (status, path, error code and where the functions' log is); its cause is in the download
 * handler's own log line there, as on Lambda.
 */
export function createLocalServer(runtime: LocalRuntime, log: ServerLog = (line) => console.error(line)): Server {
  const download = runtime.download;
  const server = createServer(async (request, response) => {
    try {
      const length = Number(request.headers["content-length"] ?? 0);
      // Only POST (creating a share) carries a body; on any other method a body is refused unread.
      const limit = request.method === "POST" ? MAX_BODY_BYTES : 0;
      if (length > limit || request.headers["transfer-encoding"]) {
        const message = limit === 0 ? `a ${request.method ?? "GET"} request carries no body` : `a request body is at most ${MAX_BODY_BYTES} bytes, with a content-length`;
        send(response, {
          statusCode: 413,
          headers: { "content-type": "application/json; charset=utf-8", connection: "close" },
          body: JSON.stringify({ error: { code: "PAYLOAD_TOO_LARGE", message } }),
        });
        request.destroy();
        return;
      }
      const url = new URL(request.url ?? "/", "http://localhost");
      const method = request.method ?? "GET";
      const route = matchApiRoute(routedMethod(method), url.pathname);
      const refusal = foreignRequestRefusal(request, (server.address() as AddressInfo | null)?.port, { routeTakesOne: route?.methodMatches === true, length });
      if (refusal) {
        send(response, {
          statusCode: refusal.statusCode,
          headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
          body: JSON.stringify({ error: { code: refusal.code, message: refusal.message } }),
        });
        // The body (at most MAX_BODY_BYTES, checked above) is drained unread so the reply reaches the client.
        request.resume();
        return;
      }
      // As API Gateway routes: by method and path. A path of the download route with another method
      // still goes to the handler, which answers 405 (as it always has); other routes' paths get 405 here.
      if (route && (route.methodMatches || route.routeKey === DOWNLOAD_ROUTE_KEY)) {
        const body = length > 0 ? await readBody(request) : undefined;
        const result = await download(toApiGatewayEvent(request, url, route.parameters, route.routeKey, body));
        if ((result.statusCode ?? 200) >= 500) logServerError(log, request, result.statusCode ?? 500, `${describeBody(result.body)}; its cause is in ${runtime.functionsLog}`);
        return send(response, result);
      }
      if (route) {
        return send(response, {
          statusCode: 405,
          headers: { "content-type": "application/json; charset=utf-8", allow: allowedMethods(route.routeKey) },
          body: JSON.stringify({ error: { code: "METHOD_NOT_ALLOWED", message: `this path answers only ${route.routeKey}` } }),
        });
      }
      send(response, {
        statusCode: 404,
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify({ error: { code: "NOT_FOUND", message: `no such route; try ${API_ROUTE_KEYS.join(", ")}` } }),
      });
    } catch (error) {
      logServerError(log, request, 500, error);
      send(response, {
        statusCode: 500,
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify({ error: { code: "INTERNAL", message: "internal error" } }),
      });
    }
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // Node wants the headers timeout above the keep-alive one, or it can cut a reused connection short.
  server.headersTimeout = KEEP_ALIVE_MS + 5_000;
  return server;
}
