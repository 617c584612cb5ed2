/**
 * What the functions, the local server and the CDK app must agree on: environment variable names,
 * defaults, limits, key prefixes, the API's route and the render function's timeout. `cdk synth`
 * loads this module, so it imports nothing heavy (no fontkit, no pdfkit, no AWS SDK): only constants
 * and the few light modules that define them.
 */
import { DOCUMENTS_PREFIX } from "./storage/object-layout";

export { DOCUMENTS_PREFIX };
export { RENDER_NODE_OPTIONS } from "./render/node-options";
export { BUNDLE_FILES, assetPath } from "./fonts/font-files";

/** Environment variable names; infra sets them, `functions/config.ts` reads them. */
export const ENV = {
  documentsBucket: "DOCUMENTS_BUCKET",
  /** Key prefix of letter data in the bucket, e.g. `data/`; an upload there triggers a render. */
  dataPrefix: "DATA_PREFIX",
  allowedLocales: "ALLOWED_LOCALES",
  urlLifetimeDefault: "DOWNLOAD_URL_TTL_SECONDS",
  urlLifetimeMax: "DOWNLOAD_URL_MAX_TTL_SECONDS",
  /** `s3` (SSE-S3) or `kms` (SSE-KMS with DOCUMENTS_KMS_KEY_ID). */
  encryption: "DOCUMENTS_ENCRYPTION",
  kmsKeyId: "DOCUMENTS_KMS_KEY_ID",
  /** The render function, which the download function invokes to make a missing document on demand. */
  renderFunctionName: "RENDER_FUNCTION_NAME",
  /** Local runs only: an S3-compatible endpoint (path-style addressing is then used). */
  s3Endpoint: "S3_ENDPOINT",
  region: "AWS_REGION",
  /** Where the templates and font files are; by default `templates/` and `fonts/` beside the bundle. */
  templatesDir: "TEMPLATES_DIR",
  fontsDir: "FONTS_DIR",
} as const;

export const DEFAULTS = {
  dataPrefix: "data/",
  region: "us-east-1",
  urlLifetime: { defaultSeconds: 300, maxSeconds: 3600 },
} as const;

/** The longest lifetime S3 accepts for a presigned URL (SigV4): 7 days. The one name of this limit. */
export const PRESIGN_MAX_SECONDS = 604_800;

/**
 * The render function's time limit. Infra gives the Lambda this timeout; the local invoker gives up
 * on the render handler after the same time, as Lambda would.
 */
export const RENDER_TIMEOUT_SECONDS = 60;

/**
 * The download API's one route (API Gateway HTTP API, payload 2.0): infra declares it, the local
 * server matches it, the download handler reads its path parameters by these names.
 */
export const DOWNLOAD_ROUTE = {
  method: "GET",
  path: "/letters/{letterId}/{locale}/{format}",
  parameters: ["letterId", "locale", "format"],
} as const;

/** The route as API Gateway names it in `routeKey`: `GET /letters/{letterId}/{locale}/{format}`. */
export const DOWNLOAD_ROUTE_KEY = `${DOWNLOAD_ROUTE.method} ${DOWNLOAD_ROUTE.path}` as const;

/** A name of the route's path parameters. */
export type DownloadRouteParameter = (typeof DOWNLOAD_ROUTE.parameters)[number];

const ROUTE_PATTERN = new RegExp(`^${DOWNLOAD_ROUTE.path.replace(/\{[A-Za-z]+\}/g, "([^/]+)")}$`);

/**
 * The route's path parameters in a request path, as API Gateway extracts them (each `{name}` one
 * non-empty segment, still percent-encoded); undefined when the path is not this route.
 */
export function matchDownloadRoute(pathname: string): Record<DownloadRouteParameter, string> | undefined {
  const match = ROUTE_PATTERN.exec(pathname);
  if (!match) return undefined;
  return Object.fromEntries(DOWNLOAD_ROUTE.parameters.map((name, index) => [name, match[index + 1] as string])) as Record<DownloadRouteParameter, string>;
}
