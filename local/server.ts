import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import Handlebars from "handlebars";
import { DOCUMENT_FORMATS } from "../functions/core/documents";
import { formatDataIssue } from "../functions/core/errors";
import { DOWNLOAD_ROUTE, DOWNLOAD_ROUTE_KEY, matchDownloadRoute } from "../functions/deployment-contract";
import type { LocalRuntime } from "./runtime";

/** Requests to this server carry no body; anything larger than this is refused unread. */
const MAX_BODY_BYTES = 1024;

const escape = Handlebars.escapeExpression;

/** The same event API Gateway (HTTP API, payload 2.0) gives the download function. */
export function toApiGatewayEvent(request: IncomingMessage, url: URL, match: Record<string, string>): APIGatewayProxyEventV2 {
  const decode = (segment: string | undefined) => {
    try {
      return decodeURIComponent(segment ?? "");
    } catch {
      return segment ?? "";
    }
  };
  const query = Object.fromEntries(url.searchParams);
  return {
    version: "2.0",
    routeKey: DOWNLOAD_ROUTE_KEY,
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
      routeKey: DOWNLOAD_ROUTE_KEY,
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      http: { method: request.method ?? "GET", path: url.pathname, protocol: "HTTP/1.1", sourceIp: request.socket.remoteAddress ?? "", userAgent: request.headers["user-agent"] ?? "" },
    },
    isBase64Encoded: false,
  };
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  response.end(result.body ?? "");
}

async function indexPage(runtime: LocalRuntime): Promise<string> {
  const sections: string[] = [];
  // What the reader skipped, or why there is nothing to list, is shown, never left out.
  const listing = await runtime.letters.listLetters().catch((error: Error) => {
    sections.push(`<p>Cannot list letters: ${escape(error.message)}</p>`);
    return { letterIds: [], warnings: [] };
  });
  if (listing.warnings.length > 0) sections.push(`<ul>${listing.warnings.map((warning) => `<li>${escape(formatDataIssue(warning))}</li>`).join("")}</ul>`);
  for (const letterId of listing.letterIds) {
    let parsed;
    try {
      parsed = await runtime.letters.loadLetter(letterId);
    } catch (error) {
      sections.push(`<section><h2>${escape(letterId)}</h2><p>Cannot be read: ${escape((error as Error).message)}</p></section>`);
      continue;
    }
    const { letter } = parsed;
    const link = (locale: string, format: string, recipient?: string) =>
      `<a href="/letters/${escape(letterId)}/${escape(locale)}/${format}${recipient ? `?recipient=${escape(recipient)}` : ""}">${format.toUpperCase()}</a>`;
    const rows = [...letter.translations.keys()].sort().map(
      (locale) => `<tr><th scope="row" lang="${escape(locale)}">${escape(letter.translations.get(locale)!.title)}</th><td>${escape(locale)}</td><td>${DOCUMENT_FORMATS.map((format) => link(locale, format)).join(" ")}</td></tr>`,
    );
    const recipients = letter.facts.recipients
      .filter((recipient) => letter.translations.has(recipient.locale))
      .map((recipient) => `<li>${escape(letter.translations.get("en")?.recipients[recipient.id]?.country ?? recipient.id)} (${escape(recipient.locale)}): ${DOCUMENT_FORMATS.map((format) => link(recipient.locale, format, recipient.id)).join(" ")}</li>`);
    sections.push(
      `<section><h2>${escape(letterId)}</h2><table><thead><tr><th scope="col">Title</th><th scope="col">Language</th><th scope="col">Download</th></tr></thead><tbody>${rows.join("")}</tbody></table>` +
        `<h3>Personalized letters</h3><ul>${recipients.join("")}</ul></section>`,
    );
  }
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>letterpress</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}td,th{padding:.25rem .75rem;text-align:start}</style></head>
<body><main><h1>letterpress</h1><p>Every link asks the local download API for a short-lived signed link to the document (stored in ${escape(runtime.description)}).</p>${sections.join("")}</main></body></html>`;
}

/**
 * The local server: the deployed API's route through the download function's own handler, plus an
 * index page. Documents not stored yet are rendered on demand by the render function's handler,
 * which the download handler invokes as on AWS (see local/runtime.ts).
 */
export function createLocalServer(runtime: LocalRuntime): Server {
  const download = runtime.download;
  return createServer(async (request, response) => {
    try {
      const length = Number(request.headers["content-length"] ?? 0);
      if (length > MAX_BODY_BYTES || request.headers["transfer-encoding"]) {
        send(response, { statusCode: 413, headers: { "content-type": "application/json; charset=utf-8", connection: "close" }, body: JSON.stringify({ error: { code: "PAYLOAD_TOO_LARGE", message: "requests carry no body" } }) });
        request.destroy();
        return;
      }
      const url = new URL(request.url ?? "/", "http://localhost");
      const match = matchDownloadRoute(url.pathname);
      if (match) return send(response, await download(toApiGatewayEvent(request, url, match)));
      if (url.pathname === "/" && request.method === "GET") {
        return send(response, { statusCode: 200, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, body: await indexPage(runtime) });
      }
      send(response, { statusCode: 404, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify({ error: { code: "NOT_FOUND", message: `no such route; try ${DOWNLOAD_ROUTE.method} ${DOWNLOAD_ROUTE.path}` } }) });
    } catch {
      send(response, { statusCode: 500, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify({ error: { code: "INTERNAL", message: "internal error" } }) });
    }
  });
}
