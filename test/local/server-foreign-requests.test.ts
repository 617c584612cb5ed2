import { request as httpRequest, IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { foreignRequestRefusal } from "../../local/server";
import { SEED_LETTER } from "../support/letters";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";

interface Reply {
  status: number;
  body: string;
}

/** A raw request: fetch would not let a test set Host, which is what DNS rebinding changes. */
function send(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { hostname, port: Number(port), method, path, headers: { ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) }), ...headers } },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/**
 * serve is reachable from any page the user's browser opens: a "simple" cross-site POST, or a page
 * that rebinds its own host name to 127.0.0.1. Neither may create a share or read the letters page.
 */
describe("the local server refuses requests other web pages make", () => {
  let stack: LocalStack;
  let running: RunningServer;
  let own: string;
  beforeAll(async () => {
    stack = await startLocalStack();
    running = await stack.listen();
    own = new URL(running.baseUrl).host;
    // The letter published (rendered on demand), so its shares can be listed (an unknown letter's are a 404).
    expect((await send(running.baseUrl, "GET", `/letters/${SEED_LETTER}/en/pdf`, { host: own })).status).toBe(302);
  });
  afterAll(async () => {
    await running.close();
    await stack.stop();
  });

  const sharePath = `/letters/${SEED_LETTER}/en/pdf/shares`;
  const sharesMade = async () => (JSON.parse((await send(running.baseUrl, "GET", `/letters/${SEED_LETTER}/shares`, { host: own })).body) as { shares: unknown[] }).shares.length;

  it.each([
    ["a rebinding attacker's name", "attacker.example"],
    ["a rebinding attacker's name and our port", "attacker.example:PORT"],
    ["a loopback name with another port", "127.0.0.1:1"],
    ["a name that only starts like ours", "127.0.0.1.attacker.example:PORT"],
    ["a name with credentials", "user@127.0.0.1:PORT"],
  ])("answers a GET of / with %s as Host 403, naming the host", async (_name, host) => {
    const port = new URL(running.baseUrl).port;
    const reply = await send(running.baseUrl, "GET", "/", { host: host.replace("PORT", port) });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body).error).toMatchObject({ code: "FORBIDDEN_HOST" });
    expect(reply.body).not.toContain("<html");
  });

  it("answers its own names: 127.0.0.1, localhost and a program's Host without a port", async () => {
    const port = new URL(running.baseUrl).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, "127.0.0.1"]) expect((await send(running.baseUrl, "GET", "/", { host })).status).toBe(200);
  });

  it.each([
    ["another site's Origin", { origin: "http://evil.example", "content-type": "text/plain" }, "{}", 403, "FORBIDDEN_ORIGIN"],
    ["another site's Origin with a JSON body", { origin: "http://evil.example", "content-type": "application/json" }, "{}", 403, "FORBIDDEN_ORIGIN"],
    ["a sandboxed page's Origin (null)", { origin: "null", "content-type": "application/json" }, "{}", 403, "FORBIDDEN_ORIGIN"],
    ["our name with another port as Origin", { origin: "http://127.0.0.1:1", "content-type": "application/json" }, "{}", 403, "FORBIDDEN_ORIGIN"],
    ["a cross-site fetch without Origin but with Sec-Fetch-Site", { "sec-fetch-site": "cross-site", "content-type": "application/json" }, "{}", 403, "FORBIDDEN_ORIGIN"],
    ["a text/plain body (what a form or a simple request sends)", { "content-type": "text/plain" }, "{}", 415, "UNSUPPORTED_MEDIA_TYPE"],
    ["a form-encoded body", { "content-type": "application/x-www-form-urlencoded" }, "recipient=fr", 415, "UNSUPPORTED_MEDIA_TYPE"],
  ])("refuses a share made with %s, and makes none", async (_name, headers, body, status, code) => {
    const before = await sharesMade();
    const reply = await send(running.baseUrl, "POST", sharePath, { host: own, ...headers }, body);
    expect(reply.status).toBe(status);
    expect(JSON.parse(reply.body).error).toMatchObject({ code });
    expect(await sharesMade()).toBe(before);
  });

  it("refuses a revoke from another site's page", async () => {
    const reply = await send(running.baseUrl, "DELETE", "/shares/AAAAAAAAAAAAAAAAAAAAAA", { host: own, origin: "http://evil.example" });
    expect(reply.status).toBe(403);
  });

  it("takes a share from its own page (same Origin, JSON) and from a program (no Origin)", async () => {
    for (const headers of <Record<string, string>[]>[
      { origin: `http://${own}`, "sec-fetch-site": "same-origin" },
      {},
      { origin: `http://localhost:${new URL(running.baseUrl).port}` },
    ]) {
      const reply = await send(running.baseUrl, "POST", sharePath, { host: own, "content-type": "application/json; charset=utf-8", ...headers }, "{}");
      expect(reply.status).toBe(201);
    }
  });
});

/**
 * The refusal reads the body's length its caller has parsed (once, for the size limit) rather than
 * parsing content-length again: a request as Node builds it, with the length given beside it.
 */
describe("foreignRequestRefusal takes the body's length from its caller", () => {
  const postOf = (headers: Record<string, string>) => {
    const incoming = new IncomingMessage(new Socket());
    incoming.method = "POST";
    incoming.headers = { host: "127.0.0.1:8080", ...headers };
    return incoming;
  };

  it("refuses a text/plain body of the length given, with no content-length header of its own to read", () => {
    expect(foreignRequestRefusal(postOf({ "content-type": "text/plain" }), 8080, { routeTakesOne: true, length: 12 })).toMatchObject({
      statusCode: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
    });
  });

  it("lets a POST with no body through whatever its content-type, and any body on a route that takes none (its 405 is the route's)", () => {
    expect(foreignRequestRefusal(postOf({ "content-type": "text/plain", "content-length": "12" }), 8080, { routeTakesOne: true, length: 0 })).toBeUndefined();
    expect(foreignRequestRefusal(postOf({ "content-type": "text/plain" }), 8080, { routeTakesOne: false, length: 12 })).toBeUndefined();
  });
});
