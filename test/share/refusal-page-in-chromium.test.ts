import { SHIPPED_LOCALES } from "../support/letters";
/// <reference lib="dom" />
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { type LocaleId, localeInfo } from "../../functions/core/locales";
import { S3ShareStore } from "../../functions/share/s3-share-store";
import { createShareRoutes, parseOpenShareEvent } from "../../functions/share/share-http";
import { DAY_SECONDS, ShareService } from "../../functions/share/share-service";
import { storedShareDocuments } from "../../functions/share/shared-documents";
import { loadPageCatalogs } from "../../functions/templates/page-catalogs";
import { browserAvailable, type LaunchedBrowser, launchChromium, seriousAxeViolations } from "../support/browser";
import { startHarness, type Harness } from "../storage/embedded-s3-harness";
import { manualClock, recordEvents, ringOf, storeDocument } from "./support";
import { fixedKeyRing } from "../../functions/share/share-key-ring";

const describeInBrowser = browserAvailable() ? describe : describe.skip;
const REVISION = "5c5c5c5d6d6d";

describeInBrowser("the refused-link page in headless Chromium", () => {
  let harness: Harness;
  let launched: LaunchedBrowser;
  let server: Server;
  let origin: string;
  const time = manualClock();
  const expiredTokens = new Map<LocaleId, string>();

  beforeAll(async () => {
    harness = await startHarness();
    const catalogs = await loadPageCatalogs(join(__dirname, "../../templates"));
    const service = new ShareService({
      store: new S3ShareStore({ client: harness.client, bucket: harness.s3.bucket }),
      keyRing: fixedKeyRing(ringOf("k1")),
      documents: storedShareDocuments(harness.store(), async () => Promise.reject(new Error("not made here"))),
      maxLifetimeSeconds: 90 * DAY_SECONDS,
      clock: time.clock,
      ...recordEvents(),
    });
    const routes = createShareRoutes({ service, presign: async () => Promise.reject(new Error("never served here")), linkBaseUrl: "http://127.0.0.1/", catalogs });
    // A real HTTP server answering GET /s/{token} through the route function, headers and all, so
    // Chromium enforces the page's Content-Security-Policy as it would on AWS.
    server = createServer(async (request, response) => {
      const token = decodeURIComponent((request.url ?? "").replace(/^\/s\//, ""));
      const event = { pathParameters: { token }, headers: { "accept-language": request.headers["accept-language"] } } as unknown as APIGatewayProxyEventV2;
      const reply = await routes.openShare(parseOpenShareEvent(event));
      response.writeHead(reply.statusCode, reply.headers);
      response.end(reply.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    for (const locale of SHIPPED_LOCALES) {
      await storeDocument(harness.store(), REVISION, locale, "pdf", `letter in ${locale}`, { downloadName: `letter ${locale}` });
      expiredTokens.set(
        locale,
        (await service.create({ letterId: "unsc-dprk-2015", locale, format: "pdf", recipientId: null, lifetimeSeconds: 3 * DAY_SECONDS, follow: "pinned", createdBy: null })).token,
      );
    }
    // Expired by the clock, not by waiting.
    time.advanceSeconds(3 * DAY_SECONDS);
    launched = await launchChromium();
  });
  afterAll(async () => {
    await launched?.close();
    await new Promise((resolve) => server?.close(resolve));
    await harness?.stop();
  });

  async function visit(path: string, acceptLanguage = "en") {
    const context = await launched.browser.newContext({ viewport: { width: 390, height: 800 }, locale: acceptLanguage });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    const url = `${origin}${path}`;
    page.on("console", (message) => {
      // Chromium reports the page's own 410/404 status as a failed load: that status is the answer we mean.
      const ownStatus = /^Failed to load resource: the server responded with a status of (404|410)\b/.test(message.text()) && message.location().url === url;
      if ((message.type() === "error" || message.type() === "warning") && !ownStatus) problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("request", (request) => requests.push(request.url()));
    const response = await page.goto(url, { waitUntil: "load" });
    const serious = await seriousAxeViolations(page);
    const layout = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      dir: getComputedStyle(document.documentElement).direction,
      heading: document.querySelector("h1")?.textContent,
      // The stylesheet applied: the policy's hash matched it.
      mainWidth: getComputedStyle(document.querySelector("main")!).maxWidth,
      scrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    }));
    await context.close();
    return { status: response?.status(), problems, requests, serious, layout };
  }

  it.each(SHIPPED_LOCALES)("shows the expired-link page in %s with no console error and no serious axe violation", async (locale) => {
    const result = await visit(`/s/${expiredTokens.get(locale)}`);
    expect(result.status).toBe(410);
    expect(result.problems).toEqual([]);
    expect(result.serious).toEqual([]);
    expect(result.layout.lang).toMatch(new RegExp(`^${locale}`));
    expect(result.layout.dir).toBe(localeInfo(locale).dir);
    expect(result.layout.mainWidth).toBe("576px");
    expect(result.layout.scrolls).toBe(false);
    expect(result.requests).toEqual([`${origin}/s/${expiredTokens.get(locale)}`]);
  });

  it("shows the page for a tampered link in the reader's language, as cleanly", async () => {
    const token = expiredTokens.get("en")!;
    const result = await visit(`/s/${token.slice(0, -2)}AA`, "fr-FR");
    expect(result.status).toBe(404);
    expect(result.layout.lang).toBe("fr");
    expect(result.layout.heading).toBe("Ce lien ne fonctionne pas");
    expect(result.problems).toEqual([]);
    expect(result.serious).toEqual([]);
  });
});
