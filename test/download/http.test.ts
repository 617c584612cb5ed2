import { SHIPPED_LOCALES } from "../support/letters";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { parseDownloadRequest } from "../../functions/download/http";
import { toHttpError } from "../../functions/http-errors";

const sample = JSON.parse(readFileSync(join(__dirname, "../fixtures/events/api-download.json"), "utf8")) as APIGatewayProxyEventV2;

function event(path: Record<string, string>, query?: Record<string, string>): APIGatewayProxyEventV2 {
  return { ...sample, pathParameters: { ...sample.pathParameters, ...path }, queryStringParameters: query };
}

/** The status and message a request gets, as the handler would answer it. */
function outcome(request: APIGatewayProxyEventV2): { status: number; message: string } {
  try {
    parseDownloadRequest(request, SHIPPED_LOCALES);
    return { status: 200, message: "" };
  } catch (error) {
    const { statusCode, body } = toHttpError(error);
    return { status: statusCode, message: body.error.message };
  }
}

describe("parseDownloadRequest", () => {
  it("reads the sample API Gateway event", () => {
    expect(parseDownloadRequest(sample, SHIPPED_LOCALES)).toEqual({ letterId: "unsc-dprk-2015", locale: "ar", format: "pdf", recipientId: "jo", revision: null, expiresInSeconds: null });
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
    ["a negative lifetime", 400, event({}, { expires: "-5" }), "query expires: expected a lifetime in whole seconds"],
    ["an unknown parameter", 400, event({}, { download: "1" }), "query: unknown parameter download"],
  ])("answers %s with %d", (_what, status, request, message) => {
    const result = outcome(request);
    expect(result.status).toBe(status);
    expect(result.message).toContain(message);
  });
});

describe("toHttpError", () => {
  it("never passes an unexpected error's message or stack to the caller", () => {
    const { statusCode, body } = toHttpError(new TypeError("Cannot read properties of undefined (reading 'secret') at /var/task/index.js:1:2"));
    expect(statusCode).toBe(500);
    expect(body).toEqual({ error: { code: "INTERNAL", message: "internal error" } });
  });
});
