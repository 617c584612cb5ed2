import { DOWNLOAD_ROUTE, DOWNLOAD_ROUTE_KEY, matchDownloadRoute } from "../functions/deployment-contract";

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
