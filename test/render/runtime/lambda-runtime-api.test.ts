import { RuntimeApiClient, runInvocationLoop } from "../../../functions/render/runtime/lambda-runtime-api";
import { RuntimeApiServer } from "./runtime-api-server";

describe("the custom runtime's Runtime API loop, against a real HTTP server speaking the API", () => {
  let server: RuntimeApiServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  async function loop(events: ConstructorParameters<typeof RuntimeApiServer>[0], handler: (event: unknown) => Promise<unknown>) {
    server = new RuntimeApiServer(events);
    const client = new RuntimeApiClient(await server.start());
    await runInvocationLoop(handler, client, { maxInvocations: events.length });
    return server;
  }

  it("hands each event to the handler and posts its result as that invocation's response, in order", async () => {
    const seen: unknown[] = [];
    const api = await loop(
      [
        { requestId: "req-1", body: JSON.stringify({ letterId: "first", locales: ["en"] }) },
        { requestId: "req 2/ü", body: JSON.stringify({ letterId: "second" }) },
      ],
      async (event) => {
        seen.push(event);
        return { rendered: (event as { letterId: string }).letterId, documents: [1, 2] };
      },
    );
    expect(seen).toEqual([{ letterId: "first", locales: ["en"] }, { letterId: "second" }]);
    expect(api.posted.map((post) => post.path)).toEqual([
      "/2018-06-01/runtime/invocation/req-1/response",
      `/2018-06-01/runtime/invocation/${encodeURIComponent("req 2/ü")}/response`,
    ]);
    expect(JSON.parse(api.posted[0]?.body ?? "")).toEqual({ rendered: "first", documents: [1, 2] });
    expect(api.posted[0]?.headers["content-type"]).toBe("application/json");
  });

  it("answers null for a handler that returns nothing", async () => {
    const api = await loop([{ requestId: "r", body: "{}" }], async () => undefined);
    expect(api.posted[0]?.body).toBe("null");
  });

  it("reports a thrown error as the invocation's error, with its name as the error type, and goes on to the next", async () => {
    const api = await loop(
      [
        { requestId: "bad", body: '{"letterId":"x"}' },
        { requestId: "good", body: '{"letterId":"y"}' },
      ],
      async (event) => {
        if ((event as { letterId: string }).letterId === "x") throw Object.assign(new Error("letter x has no en translation"), { name: "UNKNOWN_LOCALE" });
        return "ok";
      },
    );
    expect(api.posted.map((post) => post.path)).toEqual(["/2018-06-01/runtime/invocation/bad/error", "/2018-06-01/runtime/invocation/good/response"]);
    const [failure] = api.posted;
    expect(failure?.headers["lambda-runtime-function-error-type"]).toBe("UNKNOWN_LOCALE");
    const body = JSON.parse(failure?.body ?? "") as { errorType: string; errorMessage: string; stackTrace: string[] };
    expect(body).toMatchObject({ errorType: "UNKNOWN_LOCALE", errorMessage: "letter x has no en translation" });
    expect(body.stackTrace.length).toBeGreaterThan(0);
    expect(api.posted[1]?.body).toBe('"ok"');
  });

  it("reports an event body that is not JSON as that invocation's error, without calling the handler", async () => {
    const handler = jest.fn(async () => "never");
    const api = await loop([{ requestId: "garbled", body: "{not json" }], handler);
    expect(handler).not.toHaveBeenCalled();
    expect(api.posted[0]?.path).toBe("/2018-06-01/runtime/invocation/garbled/error");
    expect(JSON.parse(api.posted[0]?.body ?? "")).toMatchObject({ errorType: "SyntaxError" });
  });

  it("sets the invocation's X-Ray trace header for the handler, and clears it for one without", async () => {
    const traces: (string | undefined)[] = [];
    await loop(
      [
        { requestId: "a", body: "{}", traceId: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1" },
        { requestId: "b", body: "{}" },
      ],
      async () => {
        traces.push(process.env["_X_AMZN_TRACE_ID"]);
        return null;
      },
    );
    expect(traces).toEqual(["Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", undefined]);
  });

  it("reports an init error on the init path", async () => {
    server = new RuntimeApiServer([]);
    const client = new RuntimeApiClient(await server.start());
    await client.initError(Object.assign(new Error("DOCUMENTS_BUCKET: expected an S3 bucket name"), { name: "CONFIG_ERROR" }));
    expect(server.posted).toHaveLength(1);
    expect(server.posted[0]).toMatchObject({ path: "/2018-06-01/runtime/init/error", headers: expect.objectContaining({ "lambda-runtime-function-error-type": "CONFIG_ERROR" }) });
    expect(JSON.parse(server.posted[0]?.body ?? "")).toMatchObject({ errorType: "CONFIG_ERROR", errorMessage: "DOCUMENTS_BUCKET: expected an S3 bucket name" });
  });

  it("refuses an endpoint that is not host:port, and a missing AWS_LAMBDA_RUNTIME_API, naming the variable", () => {
    expect(() => new RuntimeApiClient("http://127.0.0.1:9001/")).toThrow(/AWS_LAMBDA_RUNTIME_API must be host:port, got "http:\/\/127\.0\.0\.1:9001\/"/);
    expect(() => RuntimeApiClient.fromEnvironment({})).toThrow(/AWS_LAMBDA_RUNTIME_API is not set/);
  });
});
