import type { S3Client } from "@aws-sdk/client-s3";
import type { AllowedLocales, LocaleId } from "../core/locales";
import type { MessageCatalog } from "../core/template/message-catalog";
import type { DocumentStore } from "../storage/document-store";
import type { ServerSideEncryption } from "../storage/s3-document-store";
import { s3SharedDocumentPresigner } from "./s3-shared-document-presigner";
import { S3ShareStore } from "./s3-share-store";
import { createShareRoutes, shareEventHandlers } from "./share-http";
import type { KeyRingSource } from "./share-key-ring";
import type { ShareLogger, ShareMetrics } from "./share-observability";
import { ShareService } from "./share-service";
import { publishedLanguages } from "../locale-suggestion";
import { storedShareDocuments, type MakeDocument } from "./shared-documents";

/** Everything the share API needs, made once by the download handler (AWS) or the local server. */
export interface ShareApiDependencies {
  /** The documents bucket's client and name: shares live under `shares/`, documents are read under `letters/`. */
  client: S3Client;
  bucket: string;
  encryption?: ServerSideEncryption | undefined;
  documentStore: DocumentStore;
  /** Renders a document that the data can make but that is not stored yet. */
  makeDocument: MakeDocument;
  /** The ring read again now and then (`rereadingKeyRing`): from Secrets Manager on AWS, `.local/share-keys.json` locally. */
  keyRing: KeyRingSource;
  /** templates/share-pages, for the refused-link pages. */
  catalogs: Readonly<Partial<Record<LocaleId, MessageCatalog>>>;
  allowedLocales: AllowedLocales;
  /** The API's public base URL; links are `<base>s/<token>`. */
  linkBaseUrl: string;
  maxLifetimeSeconds: number;
  defaultLifetimeSeconds?: number;
  logger: ShareLogger;
  metrics: ShareMetrics;
  /** Errors that became a 5xx (JSON routes) or the 503 page (links); never given a token. */
  onError?(error: unknown): void;
  clock?: () => Date;
}

/**
 * The share API wired from its dependencies: the service, the four route functions (validated
 * request in, API Gateway result out), and the same routes taking raw events, keyed by route
 * (`SHARE_ROUTES`), for a router to call.
 */
export function createShareApi(dependencies: ShareApiDependencies) {
  const clock = dependencies.clock ?? (() => new Date());
  const service = new ShareService({
    store: new S3ShareStore({ client: dependencies.client, bucket: dependencies.bucket, encryption: dependencies.encryption }),
    keyRing: dependencies.keyRing,
    documents: storedShareDocuments(dependencies.documentStore, dependencies.makeDocument),
    maxLifetimeSeconds: dependencies.maxLifetimeSeconds,
    ...(dependencies.defaultLifetimeSeconds === undefined ? {} : { defaultLifetimeSeconds: dependencies.defaultLifetimeSeconds }),
    clock,
    logger: dependencies.logger,
    metrics: dependencies.metrics,
  });
  const routes = createShareRoutes({
    service,
    presign: s3SharedDocumentPresigner({ client: dependencies.client, bucket: dependencies.bucket, clock }),
    linkBaseUrl: dependencies.linkBaseUrl,
    letterExists: async (letterId) => (await dependencies.documentStore.getLatest(letterId)) !== undefined,
    catalogs: dependencies.catalogs,
    ...(dependencies.onError ? { onError: dependencies.onError } : {}),
  });
  const handlers = shareEventHandlers(routes, {
    allowedLocales: dependencies.allowedLocales,
    publishedLanguages: (letterId) => publishedLanguages(dependencies.documentStore, letterId),
    letterIds: () => dependencies.documentStore.listLetterIds(),
    ...(dependencies.onError ? { onError: dependencies.onError } : {}),
  });
  return { service, routes, handlers };
}
