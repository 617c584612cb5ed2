import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { LetterpressError } from "../core/errors";
import type { AllowedLocales } from "../core/locales";
import type { HandlerLogger } from "../handler-logger";
import { callerFacing } from "../http-errors";
import type { DocumentStore } from "../storage/document-store";
import { DownloadService } from "./download-service";
import { createDownloadHttpHandler } from "./http";
import { type RenderInvoker, renderThrough } from "./render-invoker";

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
}

export type DownloadHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** The download function: `GET /letters/{letterId}/{locale}/{format}` to a short-lived signed link. */
export function createDownloadHandler(dependencies: DownloadDependencies): DownloadHandler {
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
      if (classified.code === "STORAGE_ERROR" || classified.code === "RENDER_ERROR" || classified.code === "TEMPLATE_ERROR") return logger.error("download failed", { code: classified.code, reason: classified.message });
      logger.warn("download refused", { code: classified.code, reason: classified.message });
    },
  });
}
