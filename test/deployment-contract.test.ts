import { API_ROUTE_KEYS, DOWNLOAD_ROUTE, DOWNLOAD_ROUTE_KEY, LETTERS_PAGE_ROUTE_KEY, matchApiRoute, matchDownloadRoute, SHARE_ROUTES } from "../functions/deployment-contract";

describe("the download route, defined once for the API, the local server and the handler", () => {
  it("names as parameters exactly the {placeholders} of its path, in order", () => {
    expect([...DOWNLOAD_ROUTE.path.matchAll(/\{([A-Za-z]+)\}/g)].map((match) => match[1])).toEqual([...DOWNLOAD_ROUTE.parameters]);
    expect(DOWNLOAD_ROUTE_KEY).toBe("GET /letters/{letterId}/{locale}/{format}");
  });

  it("matches a request path as API Gateway does: one non-empty segment per parameter, still encoded", () => {
    expect(matchDownloadRoute("/letters/unsc-dprk-2015/fr/pdf")).toEqual({ letterId: "unsc-dprk-2015", locale: "fr", format: "pdf" });
    expect(matchDownloadRoute("/letters/a%2Fb/fr/pdf")).toEqual({ letterId: "a%2Fb", locale: "fr", format: "pdf" });
    for (const other of ["/letters/x/fr", "/letters/x/fr/pdf/more", "/letters//fr/pdf", "/", "/letters/x/fr/pdf/"]) expect(matchDownloadRoute(other)).toBeUndefined();
  });
});

describe("every route of the download function's API (download and share links), matched by method and path", () => {
  it("finds each route with its parameters, and says when only the path matched", () => {
    expect(matchApiRoute("POST", "/letters/unsc-dprk-2015/fr/pdf/shares")).toEqual({
      routeKey: SHARE_ROUTES.create,
      parameters: { letterId: "unsc-dprk-2015", locale: "fr", format: "pdf" },
      methodMatches: true,
    });
    expect(matchApiRoute("GET", "/letters/unsc-dprk-2015/shares")).toEqual({ routeKey: SHARE_ROUTES.list, parameters: { letterId: "unsc-dprk-2015" }, methodMatches: true });
    expect(matchApiRoute("DELETE", "/shares/abc")).toEqual({ routeKey: SHARE_ROUTES.revoke, parameters: { id: "abc" }, methodMatches: true });
    expect(matchApiRoute("GET", "/s/k1.e30.sig")).toEqual({ routeKey: SHARE_ROUTES.open, parameters: { token: "k1.e30.sig" }, methodMatches: true });
    expect(matchApiRoute("GET", "/letters/x/fr/pdf")).toEqual({ routeKey: DOWNLOAD_ROUTE_KEY, parameters: { letterId: "x", locale: "fr", format: "pdf" }, methodMatches: true });
    expect(matchApiRoute("DELETE", "/s/k1.e30.sig")).toMatchObject({ routeKey: SHARE_ROUTES.open, methodMatches: false });
    expect(matchApiRoute("GET", "/")).toEqual({ routeKey: LETTERS_PAGE_ROUTE_KEY, parameters: {}, methodMatches: true });
    expect(matchApiRoute("POST", "/")).toMatchObject({ routeKey: LETTERS_PAGE_ROUTE_KEY, methodMatches: false });
    for (const other of ["/s/", "/s/a/b", "/shares", "/letters/x/fr/pdf/shares/1", "//", "/index.html"]) expect(matchApiRoute("GET", other)).toBeUndefined();
    expect(API_ROUTE_KEYS).toEqual([DOWNLOAD_ROUTE_KEY, ...Object.values(SHARE_ROUTES), LETTERS_PAGE_ROUTE_KEY]);
  });
});
