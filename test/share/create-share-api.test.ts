import { SHIPPED_LOCALES } from "../support/letters";
import { join } from "node:path";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { createShareApi } from "../../functions/share/create-share-api";
import { createEmfMetrics } from "../../functions/share/share-observability";
import { SHARE_ROUTES } from "../../functions/share/share-http";
import { loadPageCatalogs } from "../../functions/templates/page-catalogs";
import { startHarness, type Harness } from "../storage/embedded-s3-harness";
import { LETTER, recordEvents, ringOf, storeDocument } from "./support";
import { fixedKeyRing } from "../../functions/share/share-key-ring";

const event = (routeKey: string, pathParameters: Record<string, string>, body?: unknown) =>
  ({
    routeKey,
    pathParameters,
    headers: {},
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {},
  }) as unknown as APIGatewayProxyEventV2;

describe("createShareApi, wired as the download handler and the local server wire it", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
    await storeDocument(harness.store(), "7a7a7a7b8b8b", "en", "pdf", "the letter", { downloadName: "Joint letter" });
  });
  afterAll(async () => harness?.stop());

  it("shares, opens, lists and revokes through the handlers keyed by route, with EMF lines for each step", async () => {
    const emf: string[] = [];
    const { logger, lines } = recordEvents();
    const api = createShareApi({
      client: harness.client,
      bucket: harness.s3.bucket,
      documentStore: harness.store(),
      makeDocument: async () => Promise.reject(new Error("not here")),
      keyRing: fixedKeyRing(ringOf("k1")),
      catalogs: await loadPageCatalogs(join(__dirname, "../../templates")),
      allowedLocales: SHIPPED_LOCALES,
      linkBaseUrl: "http://127.0.0.1:8080",
      maxLifetimeSeconds: 90 * 86_400,
      logger,
      metrics: createEmfMetrics({ service: "letterpress-download", clock: () => new Date(), write: (line) => emf.push(line) }),
    });
    const created = await api.handlers[SHARE_ROUTES.create](event(SHARE_ROUTES.create, { letterId: LETTER, locale: "en", format: "pdf" }, { lifetimeSeconds: 3 * 86_400 }));
    expect(created.statusCode).toBe(201);
    const { id, url } = JSON.parse(created.body) as { id: string; url: string };
    expect(url.startsWith("http://127.0.0.1:8080/s/k1.")).toBe(true);
    const token = url.slice("http://127.0.0.1:8080/s/".length);
    const opened = await api.handlers[SHARE_ROUTES.open](event(SHARE_ROUTES.open, { token }));
    expect(opened.statusCode).toBe(302);
    expect(await (await fetch(opened.headers.location as string)).text()).toBe("%PDF-1.7\nthe letter\n%%EOF\n");
    expect(JSON.parse((await api.handlers[SHARE_ROUTES.list](event(SHARE_ROUTES.list, { letterId: LETTER }))).body).shares).toHaveLength(1);
    expect((await api.handlers[SHARE_ROUTES.revoke](event(SHARE_ROUTES.revoke, { id }))).statusCode).toBe(204);
    expect((await api.handlers[SHARE_ROUTES.open](event(SHARE_ROUTES.open, { token }))).statusCode).toBe(410);
    expect(emf.map((line) => JSON.parse(line)._aws.CloudWatchMetrics[0].Metrics[0].Name)).toEqual(["ShareCreated", "ShareUsed", "ShareRevoked", "ShareRefused"]);
    expect(lines.map((line) => line.message)).toEqual(["share created", "share used", "share revoked", "share refused"]);
    expect(JSON.stringify(lines) + emf.join("\n")).not.toContain(token);
  });
});
