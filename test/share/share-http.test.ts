import { SHIPPED_LOCALES } from "../support/letters";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { LetterpressError } from "../../functions/core/errors";
import { S3ShareStore } from "../../functions/share/s3-share-store";
import { s3SharedDocumentPresigner } from "../../functions/share/s3-shared-document-presigner";
import { createShareRoutes, SHARE_ROUTES, shareEventHandlers } from "../../functions/share/share-http";
import { REFUSAL_PAGE_CSP } from "../../functions/share/share-refusal-page";
import { DAY_SECONDS, ShareService } from "../../functions/share/share-service";
import { storedShareDocuments } from "../../functions/share/shared-documents";
import { loadPageCatalogs } from "../../functions/templates/page-catalogs";
import { attribute, byTag, findAll, parseDocument, textContent } from "../support/html";
import { startHarness, type Harness } from "../storage/embedded-s3-harness";
import { LETTER, manualClock, recordEvents, ringOf, START, storeDocument } from "./support";
import { fixedKeyRing } from "../../functions/share/share-key-ring";

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, "fixtures", name), "utf8")) as APIGatewayProxyEventV2;
const createSample = fixture("api-create-share.json");
const openSample = fixture("api-open-share.json");

const REVISION = "4a4a4a4b5b5b";
const BASE = "https://abc123.execute-api.us-east-1.amazonaws.com/";

function createEvent(path: Partial<Record<string, string>> = {}, body?: unknown, raw?: string): APIGatewayProxyEventV2 {
  return {
    ...createSample,
    pathParameters: { ...createSample.pathParameters, ...path } as Record<string, string>,
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  };
}
function openEvent(token: string, headers: Record<string, string | undefined> = {}): APIGatewayProxyEventV2 {
  return { ...openSample, rawPath: `/s/${token}`, pathParameters: { token }, headers: { ...openSample.headers, ...headers } as Record<string, string> };
}
const listEvent = (letterId: string) => ({ ...createSample, routeKey: SHARE_ROUTES.list, pathParameters: { letterId }, body: undefined }) as APIGatewayProxyEventV2;
const revokeEvent = (id: string) => ({ ...createSample, routeKey: SHARE_ROUTES.revoke, pathParameters: { id }, body: undefined }) as APIGatewayProxyEventV2;

describe("the share routes", () => {
  let harness: Harness;
  let catalogs: Awaited<ReturnType<typeof loadPageCatalogs>>;
  const time = manualClock();
  const events = recordEvents();
  const errors: unknown[] = [];
  let handlers: ReturnType<typeof shareEventHandlers>;
  const keyRing = ringOf("k1");

  function handlersFor(options: { store?: S3ShareStore } = {}) {
    const service = new ShareService({
      store: options.store ?? new S3ShareStore({ client: harness.client, bucket: harness.s3.bucket }),
      keyRing: fixedKeyRing(keyRing),
      // As the render function answers a document the data cannot make.
      documents: storedShareDocuments(harness.store(), async (request) =>
        Promise.reject(new LetterpressError("NOT_FOUND", `letter "${request.letterId}" has no ${request.locale} translation`)),
      ),
      maxLifetimeSeconds: 30 * DAY_SECONDS,
      clock: time.clock,
      logger: events.logger,
      metrics: events.metrics,
    });
    // The presigned URL is checked by the embedded server against the real time: it is signed now.
    const presign = s3SharedDocumentPresigner({ client: harness.client, bucket: harness.s3.bucket, clock: () => new Date() });
    const routes = createShareRoutes({ service, presign, linkBaseUrl: BASE, catalogs, onError: (error) => errors.push(error) });
    return shareEventHandlers(routes, { allowedLocales: SHIPPED_LOCALES, onError: (error) => errors.push(error) });
  }

  beforeAll(async () => {
    harness = await startHarness();
    catalogs = await loadPageCatalogs(join(__dirname, "../../templates"));
    const documents = harness.store();
    await storeDocument(documents, REVISION, "fr", "pdf", "lettre en PDF", { downloadName: "Lettre conjointe des ONG" });
    await storeDocument(documents, REVISION, "fr", "html", "lettre en HTML");
    await storeDocument(documents, REVISION, "ar", "pdf", "رسالة", { downloadName: "رسالة مشتركة" });
    handlers = handlersFor();
  });
  afterAll(async () => harness?.stop());
  beforeEach(() => time.set(START));

  async function share(path: Partial<Record<string, string>> = {}, body: unknown = { lifetimeSeconds: 3 * DAY_SECONDS }) {
    const reply = await handlers[SHARE_ROUTES.create](createEvent(path, body));
    expect(reply.statusCode).toBe(201);
    return JSON.parse(reply.body) as { id: string; url: string; expiresAt: string; revision: string; follow: string };
  }
  const tokenOf = (url: string) => new URL(url).pathname.replace(/^\/s\//, "");

  describe("POST /letters/{letterId}/{locale}/{format}/shares", () => {
    it("answers 201 with the link, its expiry and the revision it serves, and records who asked", async () => {
      const reply = await handlers[SHARE_ROUTES.create](createEvent({}, { lifetimeSeconds: 3 * DAY_SECONDS }));
      expect(reply.statusCode).toBe(201);
      expect(reply.headers).toMatchObject({ "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
      const body = JSON.parse(reply.body);
      expect(body).toEqual({
        id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        url: expect.stringMatching(/^https:\/\/abc123\.execute-api\.us-east-1\.amazonaws\.com\/s\/k1\.[A-Za-z0-9_-]{39,}$/),
        expiresAt: "2026-03-05T09:00:00.000Z",
        revision: REVISION,
        follow: "pinned",
      });
      const listed = JSON.parse((await handlers[SHARE_ROUTES.list](listEvent(LETTER))).body);
      expect(listed.shares.find((entry: { id: string }) => entry.id === body.id)).toMatchObject({
        createdBy: "officer@example.org",
        status: "active",
        locale: "fr",
        format: "pdf",
      });
    });

    it("defaults to 7 days, pinned, for an empty body", async () => {
      const reply = await handlers[SHARE_ROUTES.create](createEvent({}, undefined));
      expect(JSON.parse(reply.body)).toMatchObject({ expiresAt: "2026-03-09T09:00:00.000Z", follow: "pinned" });
    });

    it.each([
      ["an unknown field", {}, { lifetime: 3 }, 400, "body: unknown field lifetime"],
      ["a lifetime in words", {}, { lifetimeSeconds: "3 days" }, 400, "body lifetimeSeconds: expected a whole number of seconds"],
      ["a fractional lifetime", {}, { lifetimeSeconds: 1.5 }, 400, "body lifetimeSeconds: expected a whole number of seconds"],
      [
        "a lifetime over the configured 30 days",
        {},
        { lifetimeSeconds: 31 * DAY_SECONDS },
        400,
        "lifetimeSeconds: expected whole seconds from 60 to 2592000 (30 days), got 2678400",
      ],
      ["an unknown follow mode", {}, { follow: "newest" }, 400, 'body follow: expected "pinned" (the revision shared, the default) or "latest"'],
      ["a malformed recipient", {}, { recipient: "../x" }, 400, "body recipient:"],
      ["a body that is not an object", {}, [1], 400, "body: "],
      ["a path-traversing letter", { letterId: "../shares" }, {}, 400, "path letterId:"],
      ["a language not served", { locale: "qaa" }, {}, 404, 'no documents in locale "qaa"'],
      ["a format not made", { format: "docx" }, {}, 404, 'no documents in format "docx"'],
      ["a document the data cannot make", { locale: "ko" }, {}, 404, 'letter "unsc-dprk-2015" has no ko translation'],
    ])("refuses %s with the field named", async (_name, path, body, status, message) => {
      const reply = await handlers[SHARE_ROUTES.create](createEvent(path, body));
      expect(reply.statusCode).toBe(status);
      expect(JSON.parse(reply.body).error.message).toContain(message);
      expect(reply.body).not.toMatch(/\n\s+at /);
    });

    it("refuses a body that is not JSON, or too large", async () => {
      const notJson = await handlers[SHARE_ROUTES.create](createEvent({}, undefined, "lifetimeSeconds=3"));
      expect([notJson.statusCode, JSON.parse(notJson.body).error.message]).toEqual([400, 'body: not JSON; expected {"recipient"?, "lifetimeSeconds"?, "follow"?}']);
      const large = await handlers[SHARE_ROUTES.create](createEvent({}, undefined, JSON.stringify({ recipient: "a".repeat(5000) })));
      expect([large.statusCode, JSON.parse(large.body).error.message]).toEqual([400, "body: at most 4096 bytes"]);
      const encoded = await handlers[SHARE_ROUTES.create]({
        ...createEvent({}, undefined, Buffer.from(JSON.stringify({ follow: "latest" })).toString("base64")),
        isBase64Encoded: true,
      });
      expect(JSON.parse(encoded.body)).toMatchObject({ follow: "latest" });
    });
  });

  describe("GET /s/{token}", () => {
    it("redirects to a fresh presigned URL that serves the PDF as an attachment with its localized name, with no credentials", async () => {
      const created = await share();
      const reply = await handlers[SHARE_ROUTES.open](openEvent(tokenOf(created.url)));
      expect(reply.statusCode).toBe(302);
      expect(reply.headers).toMatchObject({ "cache-control": "no-store", "referrer-policy": "no-referrer" });
      const location = new URL(reply.headers.location as string);
      expect(location.origin).toBe(harness.s3.endpoint);
      expect(location.searchParams.get("X-Amz-Expires")).toBe("300");
      const download = await fetch(location);
      expect(download.status).toBe(200);
      expect(download.headers.get("content-type")).toBe("application/pdf");
      expect(download.headers.get("content-disposition")).toBe(`attachment; filename="Lettre conjointe des ONG.pdf"; filename*=UTF-8''Lettre%20conjointe%20des%20ONG.pdf`);
      expect(Buffer.from(await download.arrayBuffer()).toString("utf8")).toBe("%PDF-1.7\nlettre en PDF\n%%EOF\n");
    });

    it("still opens days after it was made, up to the last second of its lifetime", async () => {
      const created = await share(); // 3 days
      time.advanceSeconds(3 * DAY_SECONDS - 1);
      const reply = await handlers[SHARE_ROUTES.open](openEvent(tokenOf(created.url)));
      expect(reply.statusCode).toBe(302);
      const download = await fetch(reply.headers.location as string);
      expect(Buffer.from(await download.arrayBuffer()).toString("utf8")).toBe("%PDF-1.7\nlettre en PDF\n%%EOF\n");
      time.advanceSeconds(1);
      expect((await handlers[SHARE_ROUTES.open](openEvent(tokenOf(created.url)))).statusCode).toBe(410);
    });

    it("keeps a non-Latin file name (RFC 5987) with an ASCII fallback", async () => {
      const created = await share({ locale: "ar" });
      const reply = await handlers[SHARE_ROUTES.open](openEvent(tokenOf(created.url)));
      const download = await fetch(reply.headers.location as string);
      expect(download.headers.get("content-disposition")).toBe(`attachment; filename="${LETTER}-ar.pdf"; filename*=UTF-8''${encodeURIComponent("رسالة مشتركة.pdf")}`);
    });

    it("opens the HTML edition inline, as text/html", async () => {
      const created = await share({ format: "html" });
      const reply = await handlers[SHARE_ROUTES.open](openEvent(tokenOf(created.url)));
      expect(reply.statusCode).toBe(302);
      const page = await fetch(reply.headers.location as string);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-disposition")).toBe("inline");
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(await page.text()).toBe("<!doctype html><p>lettre en HTML</p>");
    });

    /** The page a refused link gets, parsed: status, headers, language and what it says. */
    async function refusal(token: string, headers: Record<string, string | undefined> = {}) {
      const reply = await handlers[SHARE_ROUTES.open](openEvent(token, headers));
      const document = parseDocument(reply.body);
      const html = findAll(document, byTag("html"))[0]!;
      return {
        status: reply.statusCode,
        headers: reply.headers,
        lang: attribute(html, "lang"),
        dir: attribute(html, "dir"),
        heading: findAll(document, byTag("h1")).map(textContent),
        paragraphs: findAll(document, byTag("p")).map(textContent),
        scripts: findAll(document, byTag("script")).length,
        body: reply.body,
      };
    }

    it("answers an expired link with a 410 page in the document's language, saying whom to ask", async () => {
      const created = await share();
      time.advanceSeconds(3 * DAY_SECONDS);
      const page = await refusal(tokenOf(created.url));
      expect(page.status).toBe(410);
      expect(page.lang).toBe("fr");
      expect(page.heading).toEqual(["Ce lien a expiré"]);
      expect(page.paragraphs).toEqual([catalogs.fr!["share.expired.body"], catalogs.fr!["share.askSharer"]]);
      expect(page.headers).toMatchObject({
        "content-type": "text/html; charset=utf-8",
        "content-language": "fr",
        "content-security-policy": REFUSAL_PAGE_CSP,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
      });
      expect(page.scripts).toBe(0);
    });

    it("answers a revoked link with a 410 page, at once after DELETE /shares/{id}", async () => {
      const created = await share({ locale: "ar" });
      expect((await handlers[SHARE_ROUTES.open](openEvent(tokenOf(created.url)))).statusCode).toBe(302);
      const revoked = await handlers[SHARE_ROUTES.revoke](revokeEvent(created.id));
      expect([revoked.statusCode, revoked.body]).toEqual([204, ""]);
      const page = await refusal(tokenOf(created.url));
      expect([page.status, page.lang, page.dir]).toEqual([410, "ar", "rtl"]);
      expect(page.heading).toEqual([catalogs.ar!["share.revoked.title"]]);
      // A second DELETE changes nothing and says so the same way.
      expect((await handlers[SHARE_ROUTES.revoke](revokeEvent(created.id))).statusCode).toBe(204);
    });

    it("answers a tampered, foreign or truncated link with a 404 page in the reader's language", async () => {
      const created = await share();
      const token = tokenOf(created.url);
      const [kid, body] = token.split(".") as [string, string];
      const bytes = Buffer.from(body, "base64url");
      bytes.writeUInt8(bytes.readUInt8(20) ^ 1, 20);
      const tampered = `${kid}.${bytes.toString("base64url")}`;
      const cases = [tampered, token.slice(0, -5), "x".repeat(5000), ""];
      for (const presented of cases) {
        const page = await refusal(presented);
        expect([page.status, page.lang]).toEqual([404, "es"]); // de is not served; es is the reader's next choice
        expect(page.heading).toEqual(["Este enlace no funciona"]);
        expect(page.body).not.toContain(presented || "\u0000");
      }
      const english = await refusal(tampered, { "accept-language": undefined });
      expect([english.status, english.lang, english.heading]).toEqual([404, "en", ["This link does not work"]]);
      const chinese = await refusal(tampered, { "accept-language": "zh-TW;q=0.8, ko;q=0.9" });
      expect(chinese.lang).toBe("ko");
    });

    it("answers a link whose key the ring no longer holds (retired, or the ring replaced) as expired (410), not as changed", async () => {
      const created = await share();
      const [, body] = tokenOf(created.url).split(".") as [string, string];
      const page = await refusal(`k9.${body}`);
      expect([page.status, page.lang, page.heading]).toEqual([410, "es", ["Este enlace ha caducado"]]);
      expect(page.body).not.toContain("k9");
    });

    it("answers a failure of ours with a 503 page, never a stack or S3's words", async () => {
      const created = await share();
      const broken = handlersFor({ store: new S3ShareStore({ client: harness.client, bucket: "no-such-bucket" }) });
      const before = errors.length;
      const reply = await broken[SHARE_ROUTES.open](openEvent(tokenOf(created.url), { "accept-language": "ru" }));
      expect(reply.statusCode).toBe(503);
      const page = parseDocument(reply.body);
      expect(attribute(findAll(page, byTag("html"))[0]!, "lang")).toBe("ru");
      expect(findAll(page, byTag("h1")).map(textContent)).toEqual([catalogs.ru!["share.error.title"]]);
      expect(reply.body).not.toMatch(/NoSuch|Error|<\?xml|\bat \w/);
      expect(errors.length).toBe(before + 1);
    });

    it("never writes the token into a log line, a metric or an error it reports", async () => {
      const created = await share();
      const token = tokenOf(created.url);
      await handlers[SHARE_ROUTES.open](openEvent(token));
      time.advanceSeconds(4 * DAY_SECONDS);
      await handlers[SHARE_ROUTES.open](openEvent(token));
      await handlers[SHARE_ROUTES.open](openEvent(`${token}x`));
      const [, sealed] = token.split(".") as [string, string];
      const reported = events.text() + errors.map((error) => `${String(error)} ${JSON.stringify(error)}`).join("\n");
      for (const secret of [token, sealed, sealed.slice(0, 24), sealed.slice(-24)]) expect(reported).not.toContain(secret);
      expect(events.lines.filter((line) => line.fields["shareId"] === created.id).map((line) => line.fields["outcome"])).toEqual(["created", "served", "EXPIRED"]);
    });
  });

  describe("GET /letters/{letterId}/shares and DELETE /shares/{id}", () => {
    it("lists a letter's links newest first, without tokens or URLs", async () => {
      const letterId = "http-listed";
      await storeDocument(harness.store(), REVISION, "en", "pdf", "x", { letterId });
      const first = await share({ letterId, locale: "en" });
      time.advanceSeconds(10);
      const second = await share({ letterId, locale: "en" }, { follow: "latest" });
      const reply = await handlers[SHARE_ROUTES.list](listEvent(letterId));
      expect(reply.statusCode).toBe(200);
      const body = JSON.parse(reply.body);
      expect(body.letterId).toBe(letterId);
      expect(body.shares.map((entry: { id: string; follow: string }) => [entry.id, entry.follow])).toEqual([
        [second.id, "latest"],
        [first.id, "pinned"],
      ]);
      expect(reply.body).not.toContain(tokenOf(first.url));
      expect(reply.body).not.toContain("url");
    });

    it("answers 404 for an unknown share and 400 for a malformed id", async () => {
      const unknown = await handlers[SHARE_ROUTES.revoke](revokeEvent("AAAAAAAAAAAAAAAAAAAAAA"));
      expect([unknown.statusCode, JSON.parse(unknown.body).error]).toEqual([404, { code: "NOT_FOUND", message: "no share with id AAAAAAAAAAAAAAAAAAAAAA" }]);
      const malformed = await handlers[SHARE_ROUTES.revoke](revokeEvent("../letters"));
      expect(malformed.statusCode).toBe(400);
      expect(JSON.parse(malformed.body).error.message).toContain("path id: expected a share id");
      const badLetter = await handlers[SHARE_ROUTES.list](listEvent("Not A Slug"));
      expect(badLetter.statusCode).toBe(400);
    });
  });

  it("refuses a link base URL that is not http(s) or carries a query", () => {
    const base = { service: {} as ShareService, presign: async () => "", catalogs: {} };
    expect(() => createShareRoutes({ ...base, linkBaseUrl: "javascript:alert(1)" })).toThrow("share link base URL: expected http(s)");
    expect(() => createShareRoutes({ ...base, linkBaseUrl: "https://x.example/?a=1" })).toThrow("expected no query or fragment");
    expect(() => createShareRoutes({ ...base, linkBaseUrl: "not a url" })).toThrow("share link base URL: not a URL");
  });
});
