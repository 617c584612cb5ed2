import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import * as z from "zod";
import { CONTENT_TYPES, DOCUMENT_FORMATS, documentFileName, type DocumentFormat } from "../core/documents";
import { LetterpressError } from "../core/errors";
import { SLUG_PATTERN, slug, writtenSlug } from "../core/letter/slug";
import { writesKeyTwice } from "../core/letter/parse-json";
import { type AllowedLocales, describeAllowedLocales, isAllowedLocale, type LocaleId, localeInfo } from "../core/locales";
import { letterIdWrittenOtherwise, withLetterSuggestion } from "../letter-suggestion";
import { LocaleWrittenOtherwiseError, readWrittenLocale, withLanguages } from "../locale-suggestion";
import type { MessageCatalog } from "../core/template/message-catalog";
import { SHARE_ROUTES } from "../deployment-contract";
import { toHttpError } from "../http-errors";
import { attachmentDisposition } from "../storage/content-disposition";
import { negotiateLocale, REFUSAL_PAGE_CSP, refusalPageKind, renderRefusalPage, type RefusalPageKind } from "./share-refusal-page";
import type { CreateShareRequest, ShareService } from "./share-service";
import { SHARE_ID_PATTERN } from "./share-token";
import type { PresignSharedDocument } from "./s3-shared-document-presigner";

/** The share routes, as API Gateway and the local server name them (declared in the deployment contract). Only `open` is unauthenticated. */
export { SHARE_ROUTES } from "../deployment-contract";

/** The redirect's presigned URL lives this long: one visit, with room for a slow start. */
export const DEFAULT_SHARE_REDIRECT_SECONDS = 300;
const MAX_BODY_BYTES = 4_096;

type Result = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string>; body: string };

// ---- validated requests --------------------------------------------------------------------------

export type CreateShareHttpRequest = CreateShareRequest;
export interface ListSharesHttpRequest {
  letterId: string;
}
export interface RevokeShareHttpRequest {
  shareId: string;
  /** Who revokes, as the API's authorizer names them; null locally. */
  revokedBy: string | null;
}
export interface OpenShareHttpRequest {
  /** As presented: any string, judged by the share service alone (a bad one gets a page, not a 400). */
  token: string;
  /** The reader's Accept-Language: the page's language when the link says nothing we trust. */
  acceptLanguage: string | undefined;
}

const LOCALE_EXPECTATION = "expected a language code such as fr or pt-BR";
const documentPathSchema = z.strictObject({
  // Any case and underscores pass here too, to be answered with the ids the person may have meant (404, "did you mean").
  letterId: writtenSlug,
  // Any case and underscores pass here, to be read as the tag they stand for and answered with it (404, "did you mean").
  locale: z.string().regex(/^[A-Za-z0-9_-]{1,35}$/, { error: LOCALE_EXPECTATION }),
  format: z.string().regex(/^[a-z0-9]{1,10}$/, { error: `expected a format: ${DOCUMENT_FORMATS.join(" or ")} (lowercase)` }),
});
const letterPathSchema = z.strictObject({ letterId: writtenSlug });
const sharePathSchema = z.strictObject({ id: z.string().regex(SHARE_ID_PATTERN, { error: "expected a share id (22 characters of A-Z, a-z, 0-9, '-' and '_')" }) });

/** `POST .../shares` body. Every field optional; anything else is refused by name. */
export const createShareBodySchema = z.strictObject({
  recipient: slug.optional(),
  lifetimeSeconds: z
    .number({ error: "expected a whole number of seconds" })
    .int({ error: "expected a whole number of seconds" })
    .positive({ error: "expected a positive number of seconds" })
    .optional(),
  follow: z.enum(["pinned", "latest"], { error: 'expected "pinned" (the revision shared, the default) or "latest"' }).optional(),
});

function describe(error: z.ZodError, where: string): string {
  return error.issues
    .map((issue) =>
      issue.code === "unrecognized_keys" ? `${where}: unknown field ${issue.keys.join(", ")}` : `${where}${issue.path.length ? ` ${issue.path.join(".")}` : ""}: ${issue.message}`,
    )
    .join("; ");
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new LetterpressError("INVALID_REQUEST", describe(parsed.error, where));
  return parsed.data;
}

/** Who calls, as API Gateway's authorizer says: a JWT's subject, or an IAM principal. Never trusted for access, only recorded. */
export function callerOf(event: APIGatewayProxyEventV2): string | null {
  const authorizer = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> }; iam?: { userArn?: unknown } } } | undefined)?.authorizer;
  const claims = authorizer?.jwt?.claims;
  const caller = claims?.["email"] ?? claims?.["sub"] ?? authorizer?.iam?.userArn;
  return typeof caller === "string" && caller.length > 0 ? caller.slice(0, 256) : null;
}

function readJsonBody(event: APIGatewayProxyEventV2): unknown {
  if (event.body === undefined || event.body === null || event.body === "") return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES) throw new LetterpressError("INVALID_REQUEST", `body: at most ${MAX_BODY_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LetterpressError("INVALID_REQUEST", `body: not JSON; expected ${BODY_SHAPE}`);
  }
  // zod would say "expected object, received array"; a person is told the shape and what came instead.
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new LetterpressError("INVALID_REQUEST", `body: expected a JSON object ${BODY_SHAPE} (or no body), got ${jsonKind(parsed)}`);
  // JSON.parse keeps the last of a key written twice in silence: {"recipient":"a","recipient":"b"} would share b's copy.
  if (writesKeyTwice(text, parsed)) throw new LetterpressError("INVALID_REQUEST", `body: a key is written twice; expected each of ${BODY_SHAPE} at most once`);
  return parsed;
}

const BODY_SHAPE = '{"recipient"?, "lifetimeSeconds"?, "follow"?}';

/** What a JSON value is, in words: "an array", "null", "a number"... */
function jsonKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? "a string" : typeof value === "number" ? "a number" : typeof value === "boolean" ? `${value}` : typeof value;
}

/** `POST /letters/{letterId}/{locale}/{format}/shares`: every value checked before anything is looked up. */
export function parseCreateShareEvent(event: APIGatewayProxyEventV2, allowedLocales: AllowedLocales): CreateShareHttpRequest {
  const path = parseWith(documentPathSchema, event.pathParameters ?? {}, "path");
  const body = parseWith(createShareBodySchema, readJsonBody(event), "body");
  if (!SLUG_PATTERN.test(path.letterId)) throw letterIdWrittenOtherwise(path.letterId);
  const tag = readWrittenLocale(path.locale);
  if (tag === undefined) throw new LetterpressError("INVALID_REQUEST", `path locale: ${LOCALE_EXPECTATION}`);
  // As the download route answers it: a 404 saying the tag, with the letter's languages where they can be read.
  if (tag !== path.locale) throw new LocaleWrittenOtherwiseError(path.letterId, path.locale);
  if (!isAllowedLocale(allowedLocales, path.locale))
    throw new LetterpressError("UNKNOWN_LOCALE", `no documents in locale "${path.locale}"; available: ${describeAllowedLocales(allowedLocales)}`);
  if (!(DOCUMENT_FORMATS as readonly string[]).includes(path.format))
    throw new LetterpressError("NOT_FOUND", `no documents in format "${path.format}"; available: ${DOCUMENT_FORMATS.join(", ")}`);
  return {
    letterId: path.letterId,
    locale: path.locale,
    format: path.format as DocumentFormat,
    recipientId: body.recipient ?? null,
    lifetimeSeconds: body.lifetimeSeconds ?? null,
    follow: body.follow ?? "pinned",
    createdBy: callerOf(event),
  };
}

export function parseListSharesEvent(event: APIGatewayProxyEventV2): ListSharesHttpRequest {
  const path = parseWith(letterPathSchema, event.pathParameters ?? {}, "path");
  if (!SLUG_PATTERN.test(path.letterId)) throw letterIdWrittenOtherwise(path.letterId);
  return path;
}

export function parseRevokeShareEvent(event: APIGatewayProxyEventV2): RevokeShareHttpRequest {
  return { shareId: parseWith(sharePathSchema, event.pathParameters ?? {}, "path").id, revokedBy: callerOf(event) };
}

/** Never fails: whatever was presented is the service's to judge, and a person gets a page either way. */
export function parseOpenShareEvent(event: APIGatewayProxyEventV2): OpenShareHttpRequest {
  const headers = event.headers ?? {};
  return { token: event.pathParameters?.["token"] ?? "", acceptLanguage: headers["accept-language"] ?? headers["Accept-Language"] };
}

// ---- the routes ----------------------------------------------------------------------------------

export interface ShareRoutesOptions {
  service: ShareService;
  presign: PresignSharedDocument;
  /** Where links point: the API's public base URL (`https://<api>/`, or `http://127.0.0.1:8080/` locally). */
  linkBaseUrl: string;
  /** Message catalogs (templates/share-pages), for the refused-link pages. */
  catalogs: Readonly<Partial<Record<LocaleId, MessageCatalog>>>;
  /** Whether a letter has documents (a latest revision); a list of no shares for a letter that has none is a 404. */
  letterExists?(letterId: string): Promise<boolean>;
  /** The redirect's lifetime; 300 s by default. */
  redirectSeconds?: number;
  /** Called with an error that became a 5xx; never given the token. */
  onError?(error: unknown): void;
}

const NO_STORE = "no-store";

function json(statusCode: number, body: unknown): Result {
  return { statusCode, headers: { "content-type": "application/json; charset=utf-8", "cache-control": NO_STORE }, body: JSON.stringify(body) };
}

function page(kind: RefusalPageKind, locale: LocaleId, catalogs: ShareRoutesOptions["catalogs"]): Result {
  const rendered = renderRefusalPage(kind, locale, catalogs);
  return {
    statusCode: rendered.statusCode,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-language": localeInfo(rendered.locale).tag,
      "content-security-policy": REFUSAL_PAGE_CSP,
      "cache-control": NO_STORE,
      "x-content-type-options": "nosniff",
      // The page's URL carries the token: no other site may learn it.
      "referrer-policy": "no-referrer",
    },
    body: rendered.html,
  };
}

function normalizedBase(linkBaseUrl: string): URL {
  let base: URL;
  try {
    base = new URL(linkBaseUrl);
  } catch {
    throw new LetterpressError("CONFIG_ERROR", `share link base URL: not a URL: ${JSON.stringify(linkBaseUrl)}`);
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") throw new LetterpressError("CONFIG_ERROR", `share link base URL: expected http(s), got ${base.protocol}`);
  if (base.search || base.hash) throw new LetterpressError("CONFIG_ERROR", "share link base URL: expected no query or fragment");
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  return base;
}

/**
 * The share API as four functions, one per route, each taking a validated request and answering an
 * API Gateway (v2) result. The download handler and the local server route to them; see
 * `shareEventHandlers` for the same functions taking raw events.
 */
export function createShareRoutes(options: ShareRoutesOptions) {
  const base = normalizedBase(options.linkBaseUrl);
  const redirectSeconds = options.redirectSeconds ?? DEFAULT_SHARE_REDIRECT_SECONDS;
  const { service, catalogs } = options;

  return {
    /** 201 `{ id, url, expiresAt, revision, follow }`. */
    async createShare(request: CreateShareHttpRequest): Promise<Result> {
      // Checked here too so the API words it as every other body field ("body lifetimeSeconds: ...").
      const refused = request.lifetimeSeconds === null ? undefined : service.lifetimeRefusal(request.lifetimeSeconds);
      if (refused !== undefined) throw new LetterpressError("INVALID_REQUEST", `body lifetimeSeconds: ${refused}`);
      const created = await service.create(request);
      const url = new URL(`s/${created.token}`, base).toString();
      return json(201, { id: created.id, url, expiresAt: created.expiresAt.toISOString(), revision: created.revision, follow: created.follow });
    },

    /** 200 `{ letterId, shares: [...] }`, newest first, each with its status. */
    async listShares(request: ListSharesHttpRequest): Promise<Result> {
      const shares = await service.list(request.letterId);
      // A letter with no shares and no documents is a letter we do not know (a typo), not an empty list.
      if (shares.length === 0 && options.letterExists !== undefined && !(await options.letterExists(request.letterId)))
        throw new LetterpressError("UNKNOWN_LETTER", `no letter "${request.letterId}" has documents or shares here; GET / lists the letters`);
      return json(200, { letterId: request.letterId, shares });
    },

    /** 204 once revoked (also when it already was); 404 for an unknown id. */
    async revokeShare(request: RevokeShareHttpRequest): Promise<Result> {
      await service.revoke(request.shareId, request.revokedBy);
      return { statusCode: 204, headers: { "cache-control": NO_STORE }, body: "" };
    },

    /**
     * 302 to a fresh presigned URL of a few minutes: the PDF as an attachment with its localized file
     * name, the HTML edition inline. A link that cannot be served gets a page (410 or 404); a failure
     * of ours a 503 page. Never JSON, XML or a stack: a person reads this.
     */
    async openShare(request: OpenShareHttpRequest): Promise<Result> {
      const readerLocale = negotiateLocale(request.acceptLanguage, Object.keys(catalogs)) ?? "en";
      let documentLocale: LocaleId | undefined;
      try {
        const resolution = await service.resolve(request.token);
        if (resolution.outcome === "refused") return page(refusalPageKind(resolution.reason), resolution.locale ?? readerLocale, catalogs);
        const { share, document } = resolution;
        documentLocale = share.locale;
        const fallbackName = documentFileName(share).replace(/\.[a-z]+$/, "");
        const contentDisposition = share.format === "pdf" ? attachmentDisposition(document.fileName?.replace(/\.pdf$/i, "") ?? fallbackName, "pdf", fallbackName) : "inline";
        const location = await options.presign(document.key, { expiresInSeconds: redirectSeconds, contentDisposition, contentType: CONTENT_TYPES[share.format] });
        return { statusCode: 302, headers: { location, "cache-control": NO_STORE, "referrer-policy": "no-referrer" }, body: "" };
      } catch (error) {
        options.onError?.(error);
        return page("error", documentLocale ?? readerLocale, catalogs);
      }
    },
  };
}

export type ShareRoutes = ReturnType<typeof createShareRoutes>;

/**
 * The same routes taking raw API Gateway events: parse (a bad request is a 400 naming the field),
 * call, and map our errors to statuses with `toHttpError` (never a stack or an SDK message).
 */
export function shareEventHandlers(
  routes: ShareRoutes,
  options: {
    allowedLocales: AllowedLocales;
    onError?(error: unknown): void;
    /** The languages of a letter's published documents, listed when a language was written in another form. */
    publishedLanguages?(letterId: string): Promise<readonly string[] | undefined>;
    /** The letters the routes can see (with documents in the store), to suggest from when one asked for is not there. */
    letterIds?(): Promise<readonly string[]>;
  },
) {
  const guarded =
    <R>(parse: (event: APIGatewayProxyEventV2) => R, route: (request: R) => Promise<Result>) =>
    async (event: APIGatewayProxyEventV2): Promise<Result> => {
      try {
        return await route(parse(event));
      } catch (thrown) {
        const worded = thrown instanceof LocaleWrittenOtherwiseError ? withLanguages(thrown, await options.publishedLanguages?.(thrown.letterId)) : thrown;
        // The share-link open (unauthenticated) is not guarded here: its pages never name a letter.
        const error = await withLetterSuggestion(worded, event.pathParameters?.["letterId"], async () => (await options.letterIds?.()) ?? []);
        const { statusCode, body } = toHttpError(error);
        if (statusCode >= 500) options.onError?.(error);
        return json(statusCode, body);
      }
    };
  return {
    [SHARE_ROUTES.create]: guarded((event) => parseCreateShareEvent(event, options.allowedLocales), routes.createShare),
    [SHARE_ROUTES.list]: guarded(parseListSharesEvent, routes.listShares),
    [SHARE_ROUTES.revoke]: guarded(parseRevokeShareEvent, routes.revokeShare),
    // openShare never throws: it answers a page for every failure.
    [SHARE_ROUTES.open]: (event: APIGatewayProxyEventV2) => routes.openShare(parseOpenShareEvent(event)),
  } as const;
}
