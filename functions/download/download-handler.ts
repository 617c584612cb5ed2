import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { LetterpressError } from "../core/errors";
import type { AllowedLocales } from "../core/locales";
import type { HandlerLogger } from "../handler-logger";
import { callerFacing } from "../http-errors";
import type { DocumentStore } from "../storage/document-store";
import { LETTERS_PAGE_ROUTE_KEY, SIGN_IN_ROUTE_KEY } from "../deployment-contract";
import { DownloadService } from "./download-service";
import { lettersPageResponse } from "./letters-page";
import { createDownloadHttpHandler } from "./http";
import { type RenderInvoker, renderThrough } from "./render-invoker";
import { isShareRouteKey, logError, type ShareHandlers, sharesUnavailable } from "./share-wiring";
import { type SignInSettings, signInPageResponse } from "./sign-in-page";

/** What the download function is made of. On Lambda `fromEnvironment` builds them; locally and in tests, local parts. */
export interface DownloadDependencies {
  /** Signs links with the function's own credentials: read-only on documents. */
  store: DocumentStore;
  /** Reaches the render function, which makes a document not stored yet. */
  invokeRender: RenderInvoker;
  /** A list, or "all": every language the data has (ALLOWED_LOCALES unset). */
  allowedLocales: AllowedLocales;
  urlLifetime: { defaultSeconds: number; maxSeconds: number };
  logger: HandlerLogger;
  /** The time links are said to expire from; the system clock when omitted. */
  clock?: () => Date;
  /**
   * The share routes (SHARE_ROUTES), being made at start-up (a key ring and message catalogs to
   * read). Omitted: share links are not configured and their routes answer 404. A rejected promise
   * is a configuration fault: logged once, and the share routes answer 503.
   */
  shares?: Promise<ShareHandlers>;
  /**
   * People's sign-in (the people API on AWS): the hosted UI and app client the sign-in page
   * (`GET /signin`) uses. Omitted (`npm run serve`, an external JWT issuer): that route answers 404.
   */
  signIn?: SignInSettings;
}

export type DownloadHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The download function: `GET /letters/{letterId}/{locale}/{format}` to a short-lived signed link,
 * the share routes (create, list, revoke, open) and the letters page (`GET /`), chosen by the event's
 * route key as API Gateway sets it.
 */
export function createDownloadHandler(dependencies: DownloadDependencies): DownloadHandler {
  const { logger } = dependencies;
  // Caught here, at once: a failed start-up is logged once and never an unhandled rejection.
  const shares = dependencies.shares?.then(
    (handlers) => ({ handlers }),
    (error: unknown) => {
      logError(logger, "share links unavailable: configuration error", error);
      return { handlers: undefined };
    },
  );
  const download = createDownloadRoute(dependencies);
  const lettersPage = async (): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      return await lettersPageResponse(dependencies.store);
    } catch (error) {
      // The letters could not be listed at all (a storage fault): said in a line of text, its cause logged.
      logError(logger, "letters page failed", error);
      return {
        statusCode: 503,
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
        body: "The letters cannot be listed right now (the document store did not answer). Please try again later.",
      };
    }
  };
  // Built once: a malformed hosted UI URL fails at start-up, naming it, not on a person's first visit.
  const signInPage = dependencies.signIn ? signInPageResponse(dependencies.signIn) : undefined;
  return async (event) => {
    const routeKey = event.routeKey;
    if (routeKey === LETTERS_PAGE_ROUTE_KEY) return lettersPage();
    if (routeKey === SIGN_IN_ROUTE_KEY) return signInPage ?? signInNotConfigured;
    if (!isShareRouteKey(routeKey)) return download(event);
    const handlers = (await shares)?.handlers;
    return handlers ? handlers[routeKey](event) : sharesUnavailable(routeKey, shares !== undefined);
  };
}

const signInNotConfigured: APIGatewayProxyStructuredResultV2 = {
  statusCode: 404,
  headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  body: "There is no sign-in here: this deployment's people sign in elsewhere, or (npm run serve) need not sign in. Open the letters page at /.",
};

function createDownloadRoute(dependencies: DownloadDependencies): DownloadHandler {
  const { logger } = dependencies;
  const service = new DownloadService({
    store: dependencies.store,
    lifetime: dependencies.urlLifetime,
    renderOnDemand: renderThrough(dependencies.invokeRender),
    ...(dependencies.clock ? { clock: dependencies.clock } : {}),
  });
  return createDownloadHttpHandler(service, {
    allowedLocales: dependencies.allowedLocales,
    maxLifetimeSeconds: dependencies.urlLifetime.maxSeconds,
    // One line per link issued; the URL itself (it carries a signature) is never logged.
    onLinkIssued: (query, link) => logger.info("download link issued", { ...query, key: link.key, revision: link.revision, expiresAt: link.expiresAt.toISOString() }),
    onError: (error) => {
      if (!(error instanceof LetterpressError)) return logger.error("download failed", error as Error);
      const classified = callerFacing(error);
      if (classified.code === "CONFIG_ERROR") return logger.error("download failed: configuration error", { code: classified.code, reason: classified.message });
      if (classified.code === "STORAGE_ERROR" || classified.code === "RENDER_ERROR" || classified.code === "TEMPLATE_ERROR")
        return logger.error("download failed", { code: classified.code, reason: classified.message });
      logger.warn("download refused", { code: classified.code, reason: classified.message });
    },
  });
}
