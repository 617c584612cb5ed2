import { join } from "node:path";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { LetterpressError } from "../../functions/core/errors";
import { DownloadService } from "../../functions/download/download-service";
import { createDownloadHttpHandler } from "../../functions/download/http";
import { createShareApi } from "../../functions/share/create-share-api";
import { createEmfMetrics } from "../../functions/share/share-observability";
import { SHARE_ROUTES } from "../../functions/share/share-http";
import { fixedKeyRing } from "../../functions/share/share-key-ring";
import { loadPageCatalogs } from "../../functions/templates/page-catalogs";
import { recordEvents, ringOf, storeDocument } from "../share/support";
import { startHarness, type Harness } from "../storage/embedded-s3-harness";
import { SHIPPED_LOCALES } from "../support/letters";

/**
 * The download and share-creation routes answer a letter id that is not there with the ids the
 * person most likely meant, as `generate --letter` does (closest-names.ts): the id in another case
 * or with `_` for `-`, a near miss, its beginning; from the letters the route can see (the store's),
 * never from data it cannot (fresh user, s11 item 3). They answered a bare "no letter".
 */
const STORED = ["unsc-dprk-2015", "committee-hearing-defenders", "water-appeal"];

const event = (routeKey: string, pathParameters: Record<string, string>, body?: unknown) =>
  ({
    routeKey,
    rawPath: `/letters/${pathParameters["letterId"]}`,
    pathParameters,
    headers: { accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { http: { method: routeKey.startsWith("POST") ? "POST" : "GET" } },
  }) as unknown as APIGatewayProxyEventV2;

/** As the render function answers a letter its data does not have (render-invoker.ts words it so). */
const noSuchLetter = async (request: { letterId: string }) => Promise.reject(new LetterpressError("UNKNOWN_LETTER", `no letter "${request.letterId}"`));

describe("a wrong letter id at the download and share routes", () => {
  let harness: Harness;
  let download: ReturnType<typeof createDownloadHttpHandler>;
  let shares: ReturnType<typeof createShareApi>["handlers"];
  beforeAll(async () => {
    harness = await startHarness();
    for (const letterId of STORED) await storeDocument(harness.store(), "7a7a7a7b8b8b", "en", "pdf", letterId, { letterId });
    const service = new DownloadService({ store: harness.store(), lifetime: { defaultSeconds: 300, maxSeconds: 3_600 }, renderOnDemand: noSuchLetter });
    download = createDownloadHttpHandler(service, { allowedLocales: SHIPPED_LOCALES, maxLifetimeSeconds: 3_600 });
    shares = createShareApi({
      client: harness.client,
      bucket: harness.s3.bucket,
      documentStore: harness.store(),
      makeDocument: noSuchLetter,
      keyRing: fixedKeyRing(ringOf("k1")),
      catalogs: await loadPageCatalogs(join(__dirname, "../../templates")),
      allowedLocales: SHIPPED_LOCALES,
      linkBaseUrl: "http://127.0.0.1:8080",
      maxLifetimeSeconds: 90 * 86_400,
      logger: recordEvents().logger,
      metrics: createEmfMetrics({ service: "letterpress-download", clock: () => new Date(), write: () => undefined }),
    }).handlers;
  });
  afterAll(async () => harness?.stop());

  /** Each route's status and error message for `letterId`. */
  async function answers(letterId: string) {
    const read = (reply: { statusCode?: number; body?: string }) => [reply.statusCode, (JSON.parse(reply.body ?? "{}") as { error: { message: string } }).error.message] as const;
    return {
      download: read(await download(event("GET /letters/{letterId}/{locale}/{format}", { letterId, locale: "en", format: "pdf" }))),
      create: read(await shares[SHARE_ROUTES.create](event(SHARE_ROUTES.create, { letterId, locale: "en", format: "pdf" }, {}))),
      list: read(await shares[SHARE_ROUTES.list](event(SHARE_ROUTES.list, { letterId }))),
    };
  }

  it.each([
    ["another case", "UNSC-DPRK-2015", '"unsc-dprk-2015"'],
    ["underscores for hyphens", "Water_Appeal", '"water-appeal"'],
    ["a near miss", "unsc-dprk2015", '"unsc-dprk-2015"'],
    ["a letter left out", "comittee-hearing-defenders", '"committee-hearing-defenders"'],
    ["its beginning", "committee", '"committee-hearing-defenders"'],
  ])("suggests the id for %s (%s), on every route", async (_, written, meant) => {
    const { download: got, create, list } = await answers(written);
    expect(got).toEqual([
      404,
      `no letter "${written}"${written === written.toLowerCase() ? "" : ": a letter id is written in lowercase letters, digits and hyphens"}; did you mean ${meant}?`,
    ]);
    expect(create).toEqual(got);
    expect(list[0]).toBe(404);
    expect(list[1]).toMatch(new RegExp(`^no letter "${written}".*; did you mean ${meant}\\?$`));
  });

  it("suggests nothing for an id near none of the stored letters, and still refuses what is no id at all", async () => {
    const { download: got, create } = await answers("quarterly-report");
    expect(got).toEqual([404, 'no letter "quarterly-report"']);
    expect(create).toEqual(got);
    const { download: traversal } = await answers("../unsc-dprk-2015");
    expect(traversal[0]).toBe(400);
    expect(traversal[1]).not.toContain("did you mean");
  });

  it("serves the stored letter asked for as written", async () => {
    const reply = await download(event("GET /letters/{letterId}/{locale}/{format}", { letterId: "water-appeal", locale: "en", format: "pdf" }));
    expect(reply.statusCode).toBe(200);
  });
});
