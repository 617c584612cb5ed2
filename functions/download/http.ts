import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import * as z from "zod";
import { DOCUMENT_FORMATS } from "../core/documents";
import { LetterpressError } from "../core/errors";
import { SLUG_PATTERN, slug, writtenSlug } from "../core/letter/slug";
import { type AllowedLocales, describeAllowedLocales, isAllowedLocale } from "../core/locales";
import { letterIdWrittenOtherwise, withLetterSuggestion } from "../letter-suggestion";
import { LocaleWrittenOtherwiseError, readWrittenLocale, withLanguages } from "../locale-suggestion";
import type { DownloadRouteParameter } from "../deployment-contract";
import { toHttpError } from "../http-errors";
import { type DownloadLink, type DownloadQuery, type DownloadService, lifetimeExpectation } from "./download-service";

const LOCALE_EXPECTATION = "expected a language code such as fr or pt-BR";

// Well-formed but unknown values (a locale we do not serve, a format we do not make) are 404s;
// anything malformed is a 400 and never reaches a key. One schema per parameter of the route
// (functions/deployment-contract.ts): a parameter renamed there and not here fails to compile.
const pathSchema = z.strictObject({
  // Any case and underscores pass here too, to be answered with the ids the person may have meant (404, "did you mean").
  letterId: writtenSlug,
  // Any case and underscores pass here, to be read as the tag they stand for and answered with it (404, "did you mean").
  locale: z.string().regex(/^[A-Za-z0-9_-]{1,35}$/, { error: LOCALE_EXPECTATION }),
  format: z.string().regex(/^[a-z0-9]{1,10}$/, { error: `expected a format: ${DOCUMENT_FORMATS.join(" or ")} (lowercase)` }),
} satisfies Record<DownloadRouteParameter, z.ZodType<string>>);

/** The query's schema; `expires` must be a plain decimal number of seconds within the configured range. */
function querySchemaFor(maxLifetimeSeconds: number) {
  const expectation = { error: lifetimeExpectation(maxLifetimeSeconds) };
  return z.strictObject({
    recipient: slug.optional(),
    revision: z
      .string()
      .regex(/^[0-9a-f]{7,64}$/, { error: "expected a revision of 7-64 lowercase hex digits" })
      .optional(),
    // At most 16 digits before converting, so the number is exact; then the range.
    expires: z
      .string()
      .regex(/^[1-9][0-9]{0,15}$/, expectation)
      .transform(Number)
      .pipe(z.number().max(maxLifetimeSeconds, expectation))
      .optional(),
  });
}

export interface DownloadHttpOptions {
  allowedLocales: AllowedLocales;
  /** The longest link a request may ask for (`?expires`), in seconds. */
  maxLifetimeSeconds: number;
  /** Called once per link issued; never given the URL itself, which carries a signature. */
  onLinkIssued?(query: DownloadQuery, link: Omit<DownloadLink, "url">): void;
  onError?(error: unknown): void;
}

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }, body: JSON.stringify(body) };
}

function describe(error: z.ZodError, where: string): string {
  return error.issues
    .map((issue) => (issue.code === "unrecognized_keys" ? `${where}: unknown parameter ${issue.keys.join(", ")}` : `${where} ${issue.path.join(".")}: ${issue.message}`))
    .join("; ");
}

/** The query parameters named more than once in a raw query string (`?recipient=a&recipient=b`). */
export function repeatedParameters(rawQueryString: string | undefined): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of new URLSearchParams(rawQueryString ?? "").keys()) (seen.has(name) ? repeated : seen).add(name);
  return [...repeated];
}

/** Parses and validates a download request: every value is checked before anything is looked up. */
export function parseDownloadRequest(event: APIGatewayProxyEventV2, options: Pick<DownloadHttpOptions, "allowedLocales" | "maxLifetimeSeconds">): DownloadQuery {
  const { allowedLocales } = options;
  const path = pathSchema.safeParse(event.pathParameters ?? {});
  if (!path.success) throw new LetterpressError("INVALID_REQUEST", describe(path.error, "path"));
  // API Gateway joins a repeated parameter's values with commas; which one was meant is not ours to guess.
  const repeated = repeatedParameters(event.rawQueryString);
  if (repeated.length > 0) throw new LetterpressError("INVALID_REQUEST", repeated.map((name) => `query ${name}: given more than once; expected one value`).join("; "));
  const query = querySchemaFor(options.maxLifetimeSeconds).safeParse(event.queryStringParameters ?? {});
  if (!query.success) throw new LetterpressError("INVALID_REQUEST", describe(query.error, "query"));
  const { letterId, locale, format } = path.data;
  if (!SLUG_PATTERN.test(letterId)) throw letterIdWrittenOtherwise(letterId);
  const tag = readWrittenLocale(locale);
  if (tag === undefined) throw new LetterpressError("INVALID_REQUEST", `path locale: ${LOCALE_EXPECTATION}`);
  // `pt-br`, `EN`, `pt_BR`: a 404 saying the tag (the handler adds the letter's languages).
  if (tag !== locale) throw new LocaleWrittenOtherwiseError(letterId, locale);
  if (!isAllowedLocale(allowedLocales, locale))
    throw new LetterpressError("UNKNOWN_LOCALE", `no documents in locale "${locale}"; available: ${describeAllowedLocales(allowedLocales)}`);
  if (!(DOCUMENT_FORMATS as readonly string[]).includes(format))
    throw new LetterpressError("NOT_FOUND", `no documents in format "${format}"; available: ${DOCUMENT_FORMATS.join(", ")}`);
  return {
    letterId,
    locale,
    format: format as DownloadQuery["format"],
    recipientId: query.data.recipient ?? null,
    revision: query.data.revision ?? null,
    expiresInSeconds: query.data.expires ?? null,
  };
}

/**
 * The download API (DOWNLOAD_ROUTE in deployment-contract.ts): `GET /letters/{letterId}/{locale}/{format}[?recipient=&revision=&expires=]`
 * answers a 302 to a presigned URL, or JSON with the URL and its expiry when the client accepts JSON.
 */
export function createDownloadHttpHandler(service: DownloadService, options: DownloadHttpOptions) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      // HEAD is answered as GET (RFC 9110 9.3.2); whoever sends the reply drops its body. Only the local
      // server sends HEAD here: API Gateway's HTTP API routes a HEAD to no GET route (see deployment-contract.ts).
      const method = event.requestContext?.http?.method;
      if (method !== "GET" && method !== "HEAD") {
        return {
          ...json(405, { error: { code: "METHOD_NOT_ALLOWED", message: "only GET and HEAD are allowed" } }),
          headers: { allow: "GET, HEAD", "content-type": "application/json; charset=utf-8" },
        };
      }
      const query = parseDownloadRequest(event, options);
      const { url, ...link } = await service.link(query);
      options.onLinkIssued?.(query, link);
      const accept = event.headers?.accept ?? event.headers?.Accept ?? "";
      if (/\bapplication\/json\b/.test(accept)) return json(200, { url, expiresAt: link.expiresAt.toISOString(), revision: link.revision });
      return { statusCode: 302, headers: { location: url, "cache-control": "no-store" }, body: "" };
    } catch (thrown) {
      const worded = thrown instanceof LocaleWrittenOtherwiseError ? withLanguages(thrown, await service.publishedLanguages(thrown.letterId)) : thrown;
      // An unknown letter: the ids it most likely meant, among those the store holds documents of.
      const error = await withLetterSuggestion(worded, event.pathParameters?.["letterId"], () => service.letterIds());
      options.onError?.(error);
      const { statusCode, body } = toHttpError(error);
      return json(statusCode, body);
    }
  };
}
