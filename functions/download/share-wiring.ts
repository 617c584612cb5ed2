import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { LetterpressError } from "../core/errors";
import { SHARE_ROUTES, type ShareRouteKey } from "../deployment-contract";
import type { HandlerLogger } from "../handler-logger";
import { callerFacing } from "../http-errors";
import { loadUsablePageCatalogs } from "../templates/page-catalogs";
import { createShareApi, type ShareApiDependencies } from "../share/create-share-api";
import { createEmfMetrics } from "../share/share-observability";

/** The share routes taking raw events, keyed by route key (SHARE_ROUTES). */
export type ShareHandlers = Record<ShareRouteKey, (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>>;

export interface ShareWiringOptions extends Omit<ShareApiDependencies, "catalogs" | "metrics" | "onError" | "logger"> {
  /** templates/: letterpress's own catalogs there (templates/share-pages/) word the refused-link pages. */
  templatesDir: string;
  logger: HandlerLogger;
  /** The `Service` dimension of the share metrics. */
  service: string;
  /** Where EMF metric lines go: stdout on Lambda (CloudWatch makes metrics of them); locally, the log. */
  writeMetric?: (line: string) => void;
}

/**
 * The share API from its parts, the same on Lambda (`fromEnvironment`) and under `npm run serve`
 * (local/runtime.ts): the message catalogs read once (a broken language's set aside, logged), CloudWatch
 * EMF metrics, errors logged by code.
 */
export async function wireShareHandlers(options: ShareWiringOptions): Promise<ShareHandlers> {
  const { templatesDir, logger, service, writeMetric, ...parts } = options;
  // A language's catalog with a problem is set aside (its pages in English), said in the log; only the English one's problems stop share links.
  const { catalogs, setAside } = await loadUsablePageCatalogs(templatesDir);
  for (const { file, problems } of setAside) logger.warn("share page catalog set aside: its language's refused-link pages are in English", { file, problems });
  const clock = parts.clock ?? (() => new Date());
  return createShareApi({
    ...parts,
    catalogs,
    logger,
    metrics: createEmfMetrics({ service, clock, ...(writeMetric ? { write: writeMetric } : {}) }),
    onError: (error) => logError(logger, "share link failed", error),
  }).handlers;
}

/** A LetterpressError is logged by code and reason; anything else with its stack (never a token: none is ever in an error). */
export function logError(logger: HandlerLogger, message: string, error: unknown): void {
  if (!(error instanceof LetterpressError)) {
    logger.error(message, error as Error);
    return;
  }
  const classified = callerFacing(error);
  logger.error(message, { code: classified.code, reason: classified.message });
}

export function isShareRouteKey(routeKey: string | undefined): routeKey is ShareRouteKey {
  return (Object.values(SHARE_ROUTES) as string[]).includes(routeKey ?? "");
}

/**
 * What a share route answers when share links cannot be served: not configured (404), or their
 * configuration failed at start-up (503; the cause is in the log, once). A person opening a link gets
 * a line of text, never JSON or a stack.
 */
export function sharesUnavailable(routeKey: ShareRouteKey, failed: boolean): APIGatewayProxyStructuredResultV2 {
  const statusCode = failed ? 503 : 404;
  if (routeKey === SHARE_ROUTES.open) {
    const text = failed ? "This document cannot be opened right now. Please try again later." : "This link does not work. Please ask the person who sent it for a new one.";
    return { statusCode, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "referrer-policy": "no-referrer" }, body: text };
  }
  const error = failed
    ? { code: "SHARES_UNAVAILABLE", message: "share links are unavailable: configuration error (see the function's log)" }
    : { code: "NOT_FOUND", message: "share links are not configured" };
  return { statusCode, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }, body: JSON.stringify({ error }) };
}
