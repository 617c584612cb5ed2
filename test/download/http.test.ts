import { SHIPPED_LOCALES } from "../support/letters";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { createDownloadHttpHandler, parseDownloadRequest } from "../../functions/download/http";
import type { DownloadService } from "../../functions/download/download-service";
import { LetterpressError } from "../../functions/core/errors";
import { toHttpError, withoutServerPaths } from "../../functions/http-errors";
import { StorageAccessDeniedError, StorageUnavailableError } from "../../functions/storage/errors";

const sample = JSON.parse(readFileSync(join(__dirname, "../fixtures/events/api-download.json"), "utf8")) as APIGatewayProxyEventV2;

const OPTIONS = { allowedLocales: SHIPPED_LOCALES, maxLifetimeSeconds: 3_600 };

function event(path: Record<string, string>, query?: Record<string, string>): APIGatewayProxyEventV2 {
  return { ...sample, pathParameters: { ...sample.pathParameters, ...path }, queryStringParameters: query };
}

/** The status and message a request gets, as the handler would answer it. */
function outcome(request: APIGatewayProxyEventV2): { status: number; message: string } {
  try {
    parseDownloadRequest(request, OPTIONS);
    return { status: 200, message: "" };
  } catch (error) {
    const { statusCode, body } = toHttpError(error);
    return { status: statusCode, message: body.error.message };
  }
}

describe("parseDownloadRequest", () => {
  it("reads the sample API Gateway event", () => {
    expect(parseDownloadRequest(sample, OPTIONS)).toEqual({ letterId: "unsc-dprk-2015", locale: "ar", format: "pdf", recipientId: "jo", revision: null, expiresInSeconds: null });
  });

  it.each([
    ["a path-traversing letter id", 400, event({ letterId: "../secrets" }), "path letterId: expected an id of lowercase letters"],
    ["an encoded traversal", 400, event({ letterId: "%2e%2e" }), "path letterId"],
    ["a letter id with a slash", 400, event({ letterId: "a/b" }), "path letterId"],
    ["a NUL byte", 400, event({ letterId: "unsc\u0000" }), "path letterId"],
    ["a very long id", 400, event({ letterId: "a".repeat(300) }), "path letterId"],
    ["a malformed locale", 400, event({ locale: "../x" }), "path locale: expected a language code"],
    ["a locale we do not serve", 404, event({ locale: "qaa" }), 'no documents in locale "qaa"'],
    ["a format we do not make", 404, event({ format: "docx" }), 'no documents in format "docx"'],
    ["a malformed format", 400, event({ format: "pdf;rm" }), "path format"],
    ["a bad recipient", 400, event({}, { recipient: "JO" }), "query recipient"],
    ["a bad revision", 400, event({}, { revision: "latest" }), "query revision: expected a revision"],
    ["a negative lifetime", 400, event({}, { expires: "-5" }), "query expires: expected a lifetime of 1 to 3600 whole seconds"],
    ["an unknown parameter", 400, event({}, { download: "1" }), "query: unknown parameter download"],
  ])("answers %s with %d", (_what, status, request, message) => {
    const result = outcome(request);
    expect(result.status).toBe(status);
    expect(result.message).toContain(message);
  });
});

describe("a link's lifetime (?expires)", () => {
  // Whatever is wrong with it, the answer says the range a caller may ask for.
  it.each(["0", "99999999", "3601", "604800", "-1", "1.5", "6e2", "0x258", "+60", " 60", "060", "", "9".repeat(40)])(
    "refuses expires=%j, naming the range 1 to 3600",
    (expires) => {
      const result = outcome(event({}, { expires }));
      expect(result).toEqual({ status: 400, message: "query expires: expected a lifetime of 1 to 3600 whole seconds" });
    },
  );

  it("names the configured maximum, not a fixed one", () => {
    expect(() => parseDownloadRequest(event({}, { expires: "601" }), { ...OPTIONS, maxLifetimeSeconds: 600 })).toThrow("expected a lifetime of 1 to 600 whole seconds");
  });

  it.each([
    ["1", 1],
    ["60", 60],
    ["3600", 3600],
  ])("accepts expires=%s", (expires, seconds) => {
    expect(parseDownloadRequest(event({}, { expires }), OPTIONS).expiresInSeconds).toBe(seconds);
  });
});

describe("toHttpError", () => {
  it("answers storage refusing our credentials with a 500 (a configuration fault), not a 503 asking to try again", () => {
    const denied = new StorageAccessDeniedError("put", "letters/x/abc/en/letter.pdf", new Error("AccessDenied"));
    expect(toHttpError(denied)).toEqual({ statusCode: 500, body: { error: { code: "INTERNAL", message: "internal error" } } });
    // An unreachable store is still the retryable 503.
    expect(toHttpError(new StorageUnavailableError("get", "letters/x/latest.json", new Error("ECONNRESET"))).statusCode).toBe(503);
  });

  it.each([
    ['no letter "x" in /srv/letterpress/data', "/srv/letterpress"],
    ["cannot read /home/someone/my letters/data/x", "/home/someone"],
    ['no letter "x" in C:\\Users\\someone\\data', "C:\\Users"],
    ["unreadable: /tmp/letterpress-abc123/x/en.json", "letterpress-abc123"],
  ])("never shows a caller a server path (%s)", (message, leaked) => {
    const { statusCode, body } = toHttpError(new LetterpressError("UNKNOWN_LETTER", message));
    expect(statusCode).toBe(404);
    expect(body.error.message).not.toContain(leaked);
    expect(body.error.message).toContain("<path>");
  });

  it("keeps a data file's name relative to the letter, and words with slashes, as they are", () => {
    for (const message of ["unsc-dprk-2015/en.json: paragraphs[2].content[1].source: unknown source", "expected pdf and/or html", "expected a key prefix such as data/"]) {
      expect(withoutServerPaths(message)).toBe(message);
    }
  });

  it("never passes an unexpected error's message or stack to the caller", () => {
    const { statusCode, body } = toHttpError(new TypeError("Cannot read properties of undefined (reading 'secret') at /var/task/index.js:1:2"));
    expect(statusCode).toBe(500);
    expect(body).toEqual({ error: { code: "INTERNAL", message: "internal error" } });
  });
});

describe("the download handler's methods", () => {
  const expiresAt = new Date("2030-01-01T00:00:00Z");
  const service = { link: async () => ({ url: "https://bucket.example/key?X-Amz-Signature=00", expiresAt, revision: "abcdef0" }) } as unknown as DownloadService;
  const handler = createDownloadHttpHandler(service, OPTIONS);
  const withMethod = (method: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 => ({
    ...sample,
    headers: { ...sample.headers, ...headers },
    requestContext: { ...sample.requestContext, http: { ...sample.requestContext.http, method } },
  });

  it.each<Record<string, string>>([{}, { accept: "application/json" }])("answers HEAD with the GET's status and headers (RFC 9110 9.3.2), accept %j", async (headers) => {
    const get = await handler(withMethod("GET", headers));
    const head = await handler(withMethod("HEAD", headers));
    expect(head.statusCode).toBe(get.statusCode);
    expect(head.headers).toEqual(get.headers);
    expect([200, 302]).toContain(head.statusCode);
  });

  it.each(["POST", "PUT", "DELETE", "OPTIONS"])("answers %s with 405 offering GET and HEAD", async (method) => {
    const reply = await handler(withMethod(method));
    expect(reply.statusCode).toBe(405);
    expect(reply.headers?.allow).toBe("GET, HEAD");
  });
});
