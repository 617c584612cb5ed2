/// <reference lib="dom" />
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { type ApiRouteKey, matchApiRoute, SHARE_ROUTES, SIGN_IN_ROUTE_KEY, splitRouteKey } from "../../functions/deployment-contract";
import { createDownloadHandler } from "../../functions/download/download-handler";
import { createHandlerLogger } from "../../functions/handler-logger";
import { toApiGatewayEvent } from "../../local/server";
import { browserAvailable, type LaunchedBrowser, launchChromium, seriousAxeViolations, watchProblems } from "../support/browser";
import { SEED_LETTER } from "../support/letters";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";

/**
 * The people's front end to end in Chromium, against stand-ins for the two AWS parts a browser talks
 * to: a hosted UI that speaks the OAuth 2.0 code flow and checks PKCE (RFC 7636 S256) for real, and a
 * people API that authorizes as API Gateway's JWT authorizer does (the routes need
 * `Authorization: Bearer <a token it issued>`, else 401 {"message":"Unauthorized"}; the share link
 * and the sign-in page are public). Behind it, the download function's own handler.
 */

const CLIENT_ID = "testclient0000000000000000";

const describeInBrowser = browserAvailable() ? describe : describe.skip;

const base64url = (bytes: Buffer) => bytes.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface HostedUi {
  url: string;
  /** The authorize requests it was sent, as query parameters. */
  authorizeRequests: Record<string, string>[];
  /** Tokens it issued, which the people API accepts. */
  issued: Set<string>;
  /** Token exchanges it refused, with why. */
  refused: string[];
  server: Server;
}

async function startHostedUi(signInUrl: () => string): Promise<HostedUi> {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const ui: HostedUi = { url: "", authorizeRequests: [], issued: new Set(), refused: [], server: undefined as never };
  ui.server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (request.method === "GET" && url.pathname === "/oauth2/authorize") {
      const query = Object.fromEntries(url.searchParams);
      ui.authorizeRequests.push(query);
      // As Cognito: only this client, only its callback URL, only the code flow.
      if (query["client_id"] !== CLIENT_ID || query["redirect_uri"] !== signInUrl() || query["response_type"] !== "code") {
        response.writeHead(400).end("bad authorize request");
        return;
      }
      // The person signs in here; this stand-in signs them in at once.
      const code = base64url(randomBytes(16));
      codes.set(code, { challenge: query["code_challenge"] ?? "", redirectUri: query["redirect_uri"] });
      const back = new URL(query["redirect_uri"]);
      back.searchParams.set("code", code);
      back.searchParams.set("state", query["state"] ?? "");
      response.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (request.method === "POST" && url.pathname === "/oauth2/token") {
      const form = new URLSearchParams(await readBody(request));
      const pending = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      const verifier = form.get("code_verifier") ?? "";
      const problem = !pending
        ? "unknown or reused code"
        : form.get("grant_type") !== "authorization_code" || form.get("client_id") !== CLIENT_ID
          ? "wrong grant or client"
          : form.get("redirect_uri") !== pending.redirectUri
            ? "redirect_uri differs"
            : base64url(createHash("sha256").update(verifier).digest()) !== pending.challenge
              ? "code_verifier does not match the challenge"
              : undefined;
      const cors = { "access-control-allow-origin": request.headers.origin ?? "*", "content-type": "application/json" };
      if (problem) {
        ui.refused.push(problem);
        response.writeHead(400, cors).end(JSON.stringify({ error: "invalid_grant" }));
        return;
      }
      const token = base64url(randomBytes(24));
      ui.issued.add(token);
      response.writeHead(200, cors).end(JSON.stringify({ access_token: token, id_token: "unused", expires_in: 3600, token_type: "Bearer" }));
      return;
    }
    if (request.method === "GET" && url.pathname === "/logout") {
      response.writeHead(302, { location: url.searchParams.get("logout_uri") ?? "/" }).end();
      return;
    }
    response.writeHead(404).end();
  });
  ui.url = await listen(ui.server);
  return ui;
}

/** The people API as API Gateway serves it: JWT on every route but the share link and the sign-in page. */
async function startPeopleApi(stack: LocalStack, hostedUi: () => HostedUi): Promise<{ url: string; server: Server; unauthorized: string[] }> {
  const signInPath = splitRouteKey(SIGN_IN_ROUTE_KEY).path;
  const unauthorized: string[] = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const method = request.method ?? "GET";
    const match = method === "GET" && url.pathname === signInPath ? { routeKey: SIGN_IN_ROUTE_KEY, parameters: {} } : matchApiRoute(method, url.pathname);
    if (!match) {
      response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "Not Found" }));
      return;
    }
    const isPublic = match.routeKey === SIGN_IN_ROUTE_KEY || match.routeKey === SHARE_ROUTES.open;
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!isPublic && !(token && hostedUi().issued.has(token))) {
      unauthorized.push(`${method} ${url.pathname}`);
      response.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ message: "Unauthorized" }));
      return;
    }
    const body = method === "POST" ? await readBody(request) : undefined;
    const event: APIGatewayProxyEventV2 = toApiGatewayEvent(request, url, match.parameters, match.routeKey as ApiRouteKey, body);
    const handler = match.routeKey === SIGN_IN_ROUTE_KEY ? signInHandler : stack.runtime.download;
    const result = await handler(event);
    response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>).end(result.body ?? "");
  });
  // The download function's factory, with the sign-in settings infra gives it on AWS.
  const signInHandler = createDownloadHandler({
    store: stack.store,
    invokeRender: async () => ({ payload: new Uint8Array(), functionError: "Unhandled" }),
    allowedLocales: "all",
    urlLifetime: { defaultSeconds: 300, maxSeconds: 3600 },
    logger: createHandlerLogger("sign-in-browser-test", "SILENT"),
    signIn: { hostedUiUrl: hostedUi().url, clientId: CLIENT_ID },
  });
  return { url: await listen(server), server, unauthorized };
}

describeInBrowser("people sign in (code flow with PKCE) and use the letters page behind a JWT authorizer, in headless Chromium", () => {
  let launched: LaunchedBrowser;
  let stack: LocalStack;
  let running: RunningServer;
  let hostedUi: HostedUi;
  let people: Awaited<ReturnType<typeof startPeopleApi>>;

  beforeAll(async () => {
    [launched, stack] = await Promise.all([launchChromium(), startLocalStack()]);
    // Share links point at the stack's local server (its URL is where links are made to point).
    running = await stack.listen();
    hostedUi = await startHostedUi(() => `${people.url}/signin`);
    people = await startPeopleApi(stack, () => hostedUi);
    await stack.runtime.render({ letterId: SEED_LETTER, locales: ["en", "fr"] });
  });
  afterAll(async () => {
    await launched?.close();
    await new Promise((resolve) => hostedUi?.server.close(resolve));
    await new Promise((resolve) => people?.server.close(resolve));
    await running?.close();
    await stack?.stop();
  });

  it("refuses the letters page and its routes without a token, as the authorizer does", async () => {
    const page = await (await launched.browser.newContext()).newPage();
    const reply = await page.goto(`${people.url}/`);
    expect(reply!.status()).toBe(401);
    expect(await reply!.json()).toEqual({ message: "Unauthorized" });
    const share = await page.request.post(`${people.url}/letters/${SEED_LETTER}/en/pdf/shares`, { data: {} });
    expect(share.status()).toBe(401);
    await page.context().close();
  });

  it("signs in through the hosted UI with PKCE, shows the letters, downloads and makes a share link with the token; no console error, no serious axe violation", async () => {
    const context = await launched.browser.newContext({ acceptDownloads: true });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: people.url });
    const page = await context.newPage();
    // The 401s of a plain navigation are the authorizer at work, not the page's fault.
    const problems = watchProblems(page, /401 \(Unauthorized\)/);
    const before = hostedUi.authorizeRequests.length;

    await page.goto(`${people.url}/signin`);
    // Back from the hosted UI, the code exchanged and the letters shown; the code is gone from the URL.
    await page.locator(`a[href="/letters/${SEED_LETTER}/fr/pdf"]`).waitFor();
    expect(page.url()).toBe(`${people.url}/signin`);
    const authorize = hostedUi.authorizeRequests.slice(before);
    expect(authorize).toHaveLength(1);
    expect(authorize[0]).toMatchObject({ response_type: "code", client_id: CLIENT_ID, redirect_uri: `${people.url}/signin`, code_challenge_method: "S256", scope: "openid email" });
    expect(authorize[0]!["code_challenge"]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize[0]!["state"]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hostedUi.refused).toEqual([]);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A download link asks for the signed URL with the token, then follows it.
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator(`a[href="/letters/${SEED_LETTER}/en/pdf"]`).click()]);
    expect(download.url()).toMatch(/X-Amz-Signature=/);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);

    // The share control sends the token too.
    const form = page.locator(`form[action="/letters/${SEED_LETTER}/fr/html/shares"]`);
    await form.getByRole("button", { name: "Copy share link" }).click();
    const shown = form.locator("output a");
    await shown.waitFor();
    expect(await shown.getAttribute("href")).toMatch(new RegExp(`^${running.baseUrl}/s/[A-Za-z0-9._~-]+$`));
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(people.unauthorized).not.toContain(`POST /letters/${SEED_LETTER}/fr/html/shares`);
    expect(problems).toEqual([]);

    // Reloading keeps the token of this tab: no second trip to the hosted UI.
    await page.reload();
    await page.locator(`a[href="/letters/${SEED_LETTER}/fr/pdf"]`).waitFor();
    expect(hostedUi.authorizeRequests.length - before).toBe(1);

    // Signing out forgets it: the next visit goes to the hosted UI again.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${people.url}/signin`);
    await page.locator(`a[href="/letters/${SEED_LETTER}/fr/pdf"]`).waitFor();
    expect(hostedUi.authorizeRequests.length - before).toBe(2);
    await context.close();
  });

  it("refuses a code sent back without this tab's state (a forged or replayed answer), and exchanges nothing", async () => {
    const context = await launched.browser.newContext();
    const page = await context.newPage();
    const issuedBefore = hostedUi.issued.size;
    await page.goto(`${people.url}/signin?code=stolen&state=not-mine`);
    await page.getByRole("status").filter({ hasText: "Signing in did not work" }).waitFor();
    expect(await page.getByRole("status").textContent()).toContain("does not match this tab's request");
    expect(hostedUi.issued.size).toBe(issuedBefore);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });

  it("signs in again when the token is refused (expired or revoked), instead of showing an error", async () => {
    const context = await launched.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${people.url}/signin`);
    await page.locator(`a[href="/letters/${SEED_LETTER}/fr/pdf"]`).waitFor();
    const before = hostedUi.authorizeRequests.length;
    // The authorizer stops accepting every token issued so far.
    hostedUi.issued.clear();
    await page.reload();
    await page.locator(`a[href="/letters/${SEED_LETTER}/fr/pdf"]`).waitFor();
    expect(hostedUi.authorizeRequests.length - before).toBe(1);
    expect(hostedUi.issued.size).toBe(1);
    await context.close();
  });
});
