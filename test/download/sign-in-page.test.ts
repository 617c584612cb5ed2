import { createHash } from "node:crypto";
import { readConfig } from "../../functions/config";
import { ENV, SIGN_IN_ROUTE_KEY } from "../../functions/deployment-contract";
import { createDownloadHandler } from "../../functions/download/download-handler";
import { LETTERS_PAGE_CSP } from "../../functions/download/letters-page";
import { signInPage, signInPageCsp } from "../../functions/download/sign-in-page";
import { createHandlerLogger } from "../../functions/handler-logger";
import type { DocumentStore } from "../../functions/storage/document-store";
import { attribute, byTag, findAll, parseDocument, textContent } from "../support/html";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";

jest.setTimeout(30_000);

const SETTINGS = { hostedUiUrl: "https://letters-dev.auth.eu-west-1.amazoncognito.com", clientId: "4p1c1ient1d0000000000000000" };

/** A store that records every call: the sign-in page must make none (it holds no data). */
function recordingStore(calls: string[]): DocumentStore {
  return new Proxy({} as DocumentStore, {
    get: (_target, name) => () => {
      calls.push(String(name));
      throw new Error(`the sign-in page read the store (${String(name)})`);
    },
  });
}

const event = (routeKey: string, path: string) =>
  ({ version: "2.0", routeKey, rawPath: path, rawQueryString: "", headers: {}, requestContext: { http: { method: "GET", path } }, isBase64Encoded: false }) as never;

function handlerWith(signIn: typeof SETTINGS | undefined, calls: string[] = []) {
  return createDownloadHandler({
    store: recordingStore(calls),
    invokeRender: async () => ({ payload: new Uint8Array(), functionError: "Unhandled" }),
    allowedLocales: "all",
    urlLifetime: { defaultSeconds: 60, maxSeconds: 600 },
    logger: createHandlerLogger("sign-in-test", "SILENT"),
    ...(signIn ? { signIn } : {}),
  });
}

const directivesOf = (csp: string) => Object.fromEntries(csp.split("; ").map((directive) => [directive.split(" ")[0], directive.split(" ").slice(1).join(" ")]));
const hashOf = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

describe("the sign-in page (GET /signin)", () => {
  it("is served by the download handler, the same for everyone, without reading the store", async () => {
    const calls: string[] = [];
    const reply = await handlerWith(SETTINGS, calls)(event(SIGN_IN_ROUTE_KEY, "/signin"));
    expect(reply).toMatchObject({
      statusCode: 200,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "referrer-policy": "no-referrer", "x-content-type-options": "nosniff" },
    });
    expect(calls).toEqual([]);
    const main = findAll(parseDocument(reply.body as string), byTag("main"))[0]!;
    expect(attribute(main, "data-hosted-ui")).toBe(SETTINGS.hostedUiUrl);
    expect(attribute(main, "data-client-id")).toBe(SETTINGS.clientId);
    // No letter, no link: only where to sign in.
    expect(findAll(main, byTag("a"))).toHaveLength(0);
    expect(findAll(main, byTag("table"))).toHaveLength(0);
  });

  it("allows only its own script and the letters page's style by hash, and fetch only to this API and the hosted UI", async () => {
    const reply = await handlerWith(SETTINGS)(event(SIGN_IN_ROUTE_KEY, "/signin"));
    const headers = reply.headers as Record<string, string>;
    const document = parseDocument(reply.body as string);
    const directives = directivesOf(headers["content-security-policy"]!);
    expect(directives).toEqual({
      "default-src": "'none'",
      "script-src": hashOf(textContent(findAll(document, byTag("script"))[0]!)),
      "style-src": hashOf(textContent(findAll(document, byTag("style"))[0]!)),
      "connect-src": `'self' ${SETTINGS.hostedUiUrl}`,
      "form-action": "'self'",
      "base-uri": "'none'",
      "frame-ancestors": "'none'",
    });
    expect(findAll(document, byTag("script"))).toHaveLength(1);
    // The letters page it shows keeps its own, stricter policy: fetch to this API only.
    expect(directivesOf(LETTERS_PAGE_CSP)["connect-src"]).toBe("'self'");
    expect(directivesOf(LETTERS_PAGE_CSP)["style-src"]).toBe(directives["style-src"]);
  });

  it("asks the hosted UI for an authorization code with PKCE (S256), never for a token in the URL (implicit grant)", () => {
    const script = textContent(findAll(parseDocument(signInPage(SETTINGS)), byTag("script"))[0]!);
    expect(script).toContain('response_type: "code"');
    expect(script).toContain('code_challenge_method: "S256"');
    expect(script).toContain('crypto.subtle.digest("SHA-256"');
    expect(script).not.toMatch(/response_type: "token"/);
    // The token stays in this tab (sessionStorage), never in a cookie or localStorage.
    expect(script).not.toMatch(/document\.cookie|localStorage/);
  });

  it("escapes its settings into attributes: markup in a client id stays text", () => {
    const hostile = `"><script>alert(1)</script>`;
    const document = parseDocument(signInPage({ ...SETTINGS, clientId: hostile }));
    expect(findAll(document, byTag("script"))).toHaveLength(1);
    expect(attribute(findAll(document, byTag("main"))[0]!, "data-client-id")).toBe(hostile);
  });

  it("refuses, at start-up, a hosted UI that is not https (loopback excepted, for tests)", () => {
    expect(() => handlerWith({ ...SETTINGS, hostedUiUrl: "http://login.example.org" })).toThrow(/sign-in: hosted UI URL: expected https:\/\/, got http:/);
    expect(() => handlerWith({ ...SETTINGS, hostedUiUrl: "not a url" })).toThrow(/sign-in: hosted UI URL: not a URL/);
    expect(signInPageCsp({ ...SETTINGS, hostedUiUrl: "http://127.0.0.1:4567" })).toContain("connect-src 'self' http://127.0.0.1:4567");
  });

  it("answers 404 in words where sign-in is not configured (npm run serve, an external issuer)", async () => {
    const reply = await handlerWith(undefined)(event(SIGN_IN_ROUTE_KEY, "/signin"));
    expect(reply.statusCode).toBe(404);
    expect(reply.body).toContain("There is no sign-in here");
  });
});

describe("the sign-in settings from the environment", () => {
  const base = { [ENV.documentsBucket]: "letters-bucket" };

  it("reads the hosted UI and the app client together", () => {
    expect(readConfig({ ...base, [ENV.signInDomainUrl]: SETTINGS.hostedUiUrl, [ENV.signInClientId]: SETTINGS.clientId }).signIn).toEqual(SETTINGS);
    expect(readConfig(base).signIn).toBeUndefined();
  });

  it.each([
    [{ [ENV.signInDomainUrl]: SETTINGS.hostedUiUrl }, /SIGN_IN_DOMAIN_URL and SIGN_IN_CLIENT_ID go together/],
    [{ [ENV.signInClientId]: SETTINGS.clientId }, /SIGN_IN_DOMAIN_URL and SIGN_IN_CLIENT_ID go together/],
    [{ [ENV.signInDomainUrl]: "http://letters.auth.eu-west-1.amazoncognito.com", [ENV.signInClientId]: "abc" }, /SIGN_IN_DOMAIN_URL: expected the hosted UI's https:\/\/ base URL/],
    [{ [ENV.signInDomainUrl]: `${SETTINGS.hostedUiUrl}/oauth2`, [ENV.signInClientId]: "abc" }, /SIGN_IN_DOMAIN_URL: expected a base URL without path/],
    [{ [ENV.signInDomainUrl]: SETTINGS.hostedUiUrl, [ENV.signInClientId]: "a b" }, /SIGN_IN_CLIENT_ID: expected a user pool app client id/],
  ])("refuses %j, naming the variable", (extra, message) => {
    expect(() => readConfig({ ...base, ...extra })).toThrow(message);
  });
});

describe("npm run serve has no sign-in (real HTTP through the local server)", () => {
  let stack: LocalStack;
  let running: RunningServer;
  beforeAll(async () => {
    stack = await startLocalStack();
    running = await stack.listen();
  });
  afterAll(async () => {
    await running?.close();
    await stack?.stop();
  });

  it("serves the letters page with no token, and has no sign-in page", async () => {
    const page = await fetch(`${running.baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const signIn = await fetch(`${running.baseUrl}/signin`);
    expect(signIn.status).toBe(404);
    expect(await signIn.text()).not.toContain("data-hosted-ui");
  });
});
