/**
 * What the functions, the local server and the CDK app must agree on: environment variable names,
 * defaults, limits, key prefixes, the API's route and the render function's timeout. `cdk synth`
 * loads this module, so it imports nothing heavy (no fontkit, no pdfkit, no AWS SDK): only constants
 * and the few light modules that define them.
 */
import { DOCUMENTS_PREFIX } from "./storage/object-layout";

export { DOCUMENTS_PREFIX };
export { RENDER_NODE_OPTIONS } from "./render/node-options";
export { PREPARED_TEMPLATES_FILE } from "./render/prepared-file";

/**
 * The file beside a bundle's index.js naming the page catalogs checked when it was bundled
 * (infra/bundling/check-page-catalogs-cli.ts): their digest, so the cold start skips the check.
 */
export const CHECKED_PAGE_CATALOGS_FILE = "page-catalogs-checked.json";
export { BUNDLE_FILES, assetPath } from "./fonts/font-files";
export { HYPHENATION_BUNDLE_FOLDER, hyphenationDir } from "./hyphenation/hyphenation-files";

/**
 * The render function's log lines (Powertools' `message` field) for documents that failed in a way
 * a retry would only repeat (data or template errors): such a message is not returned to its queue,
 * so it never reaches the dead-letter queue, and an alarm counts these lines instead.
 */
export const RENDER_FAILURE_LOG = {
  /** A part of a changed letter with failed documents (each named in the line). */
  part: "render part failed",
  /** A render message that failed as a whole (its letter could not be read or planned). */
  message: "render message failed",
} as const;

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
  /** The render part queue: the render function sends a changed letter's bounded parts to it (render function only). */
  renderPartQueueUrl: "RENDER_PART_QUEUE_URL",
  /** Local runs only: an S3-compatible endpoint (path-style addressing is then used). */
  s3Endpoint: "S3_ENDPOINT",
  region: "AWS_REGION",
  /** Where the templates and font files are; by default `templates/` and `fonts/` beside the bundle. */
  templatesDir: "TEMPLATES_DIR",
  fontsDir: "FONTS_DIR",
  /** Share links: the Secrets Manager secret holding the key ring (JSON, see functions/share/share-key-ring.ts). */
  shareKeysSecretId: "SHARE_KEYS_SECRET_ID",
  /** Share links: the API's public base URL; a link is `<base>s/<token>`. */
  shareLinkBaseUrl: "SHARE_LINK_BASE_URL",
  /** Share links: the longest lifetime a share may ask for, in seconds (at most SHARE_LIFETIME_LIMIT_SECONDS). */
  shareMaxLifetime: "SHARE_MAX_LIFETIME_SECONDS",
  /** People's sign-in (the people API, Cognito): the hosted UI's base URL, e.g. `https://<prefix>.auth.eu-west-1.amazoncognito.com`. */
  signInDomainUrl: "SIGN_IN_DOMAIN_URL",
  /** People's sign-in: the user pool app client the sign-in page asks tokens for (a public client: code flow with PKCE). */
  signInClientId: "SIGN_IN_CLIENT_ID",
} as const;

export const DEFAULTS = {
  dataPrefix: "data/",
  region: "us-east-1",
  urlLifetime: { defaultSeconds: 300, maxSeconds: 3600 },
  /** A share link lives 7 days unless asked otherwise, and at most 90 days unless configured shorter. */
  shareLifetime: { defaultSeconds: 7 * 86_400, maxSeconds: 90 * 86_400 },
} as const;

/** No configuration may let a share link live longer than 90 days: a forgotten link must die on its own. */
export const SHARE_LIFETIME_LIMIT_SECONDS = 90 * 86_400;

/** The longest lifetime S3 accepts for a presigned URL (SigV4): 7 days. The one name of this limit. */
export const PRESIGN_MAX_SECONDS = 604_800;

/**
 * The render function's time limit. Infra gives the Lambda this timeout; the local invoker gives up
 * on the render handler after the same time, as Lambda would.
 */
export const RENDER_TIMEOUT_SECONDS = 60;

/**
 * The render function's two queues, as infra wires them to it and local/runtime.ts imitates them.
 * `changes`: render requests and S3 notifications of changed letter data. A deployment uploads a
 * letter as several files and S3 sends a message for each: waiting up to 5 s for up to 10 messages
 * gathers them into one batch, in which the letter is planned once (a plan only reads the letter and
 * sends its parts: cheap). `parts`: one bounded part of a changed letter per invocation
 * (functions/render/render-parts.ts sizes a part to half the timeout). A message is tried
 * `maxReceiveCount` times before it moves to the dead-letter queue.
 */
export const RENDER_QUEUES = {
  changes: { batchSize: 10, windowSeconds: 5 },
  parts: { batchSize: 1 },
  maxReceiveCount: 3,
} as const;

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

/**
 * The share routes (issue 14), as API Gateway names them in `routeKey`. Only `open` is public (no
 * authorization, its own throttling): a colleague without AWS credentials opens the link.
 */
export const SHARE_ROUTES = {
  create: "POST /letters/{letterId}/{locale}/{format}/shares",
  list: "GET /letters/{letterId}/shares",
  revoke: "DELETE /shares/{id}",
  open: "GET /s/{token}",
} as const;

export type ShareRouteKey = (typeof SHARE_ROUTES)[keyof typeof SHARE_ROUTES];

/**
 * The letters page (issue 14): every published document with download and share controls, for people
 * signed in (authorized like the download route); the same handler serves it under `npm run serve`.
 */
export const LETTERS_PAGE_ROUTE_KEY = "GET /";

/**
 * The people's sign-in page (issue 14 item 2): on AWS, the people API authorizes every data route with
 * a JWT that a browser does not send on its own; this page (public, static, no data) obtains one from
 * the user pool's hosted UI (authorization code flow with PKCE) and shows the letters page with it.
 * Served only where sign-in is configured; `npm run serve` has no sign-in.
 */
export const SIGN_IN_ROUTE_KEY = "GET /signin";

/** Every route of the download function's API, by route key: the download route, the share routes and the letters page. */
export const API_ROUTE_KEYS = [DOWNLOAD_ROUTE_KEY, ...Object.values(SHARE_ROUTES), LETTERS_PAGE_ROUTE_KEY] as const;
export type ApiRouteKey = (typeof API_ROUTE_KEYS)[number];

/** `GET /s/{token}` as method and path, for infra (which declares routes as method + path). */
export function splitRouteKey(routeKey: ApiRouteKey | typeof SIGN_IN_ROUTE_KEY): { method: "GET" | "POST" | "DELETE"; path: string } {
  const [method, path] = routeKey.split(" ") as ["GET" | "POST" | "DELETE", string];
  return { method, path };
}

const compiledRoutes = API_ROUTE_KEYS.map((routeKey) => {
  const { method, path } = splitRouteKey(routeKey);
  const names = [...path.matchAll(/\{([A-Za-z]+)\}/g)].map((match) => match[1] as string);
  return { routeKey, method, names, pattern: new RegExp(`^${path.replace(/\{[A-Za-z]+\}/g, "([^/]+)")}$`) };
});

/**
 * The API route a request's path belongs to, as API Gateway matches it (each `{name}` one non-empty
 * segment, still percent-encoded). `methodMatches` is false when the path is a route's but the
 * method is not (the local server answers 405 then, or lets the download handler say so).
 */
export function matchApiRoute(method: string, pathname: string): { routeKey: ApiRouteKey; parameters: Record<string, string>; methodMatches: boolean } | undefined {
  let pathOnly: { routeKey: ApiRouteKey; parameters: Record<string, string>; methodMatches: boolean } | undefined;
  for (const route of compiledRoutes) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    const parameters = Object.fromEntries(route.names.map((name, index) => [name, match[index + 1] as string]));
    if (route.method === method) return { routeKey: route.routeKey, parameters, methodMatches: true };
    pathOnly ??= { routeKey: route.routeKey, parameters, methodMatches: false };
  }
  return pathOnly;
}

/** The download function's `Service` in its logs and share metrics; the alarm on refused links reads it. */
export const DOWNLOAD_SERVICE_NAME = "letterpress-download";
/** The share key ring's rotation function's `Service` in its logs. */
export const SHARE_KEY_ROTATION_SERVICE_NAME = "letterpress-share-key-rotation";
/** The namespace of the share metrics (CloudWatch EMF), for the function that writes them and the alarm that reads them. */
export const SHARE_METRICS_NAMESPACE = "Letterpress/Shares";
/** Where shares are kept in the documents bucket (the download function alone reads and writes there). */
export const SHARES_PREFIX = "shares/";
