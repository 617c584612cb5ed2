import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { ENV, readConfig } from "../../functions/config";
import { SHARE_ROUTES } from "../../functions/deployment-contract";
import { fromEnvironment } from "../../functions/download/download-environment";
import { createDownloadHandler } from "../../functions/download/download-handler";
import { type Harness, startHarness } from "../storage/embedded-s3-harness";
import { storeDocument } from "../share/support";
import { lambdaEnvironment } from "../support/lambda-env";

const LETTER = "unsc-dprk-2015";

/** An API Gateway (HTTP API, payload 2.0) event for one of the share routes. */
function eventFor(routeKey: string, rawPath: string, pathParameters: Record<string, string>, body?: unknown): APIGatewayProxyEventV2 {
  const method = routeKey.split(" ")[0]!;
  return {
    version: "2.0",
    routeKey,
    rawPath,
    rawQueryString: "",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    pathParameters,
    requestContext: { http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "test" } } as APIGatewayProxyEventV2["requestContext"],
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    isBase64Encoded: false,
  };
}

/**
 * A stand-in for Secrets Manager's JSON protocol (POST, X-Amz-Target: secretsmanager.GetSecretValue),
 * so the deployed wiring reads its key ring through the real SDK client over HTTP.
 */
async function startSecretsManager(secrets: Record<string, string>): Promise<{ endpoint: string; asked: string[]; server: Server }> {
  const asked: string[] = [];
  const server = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    request.on("end", () => {
      const { SecretId } = JSON.parse(text) as { SecretId: string };
      asked.push(`${String(request.headers["x-amz-target"])} ${SecretId}`);
      const secret = secrets[SecretId];
      if (secret === undefined) {
        response.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
        return response.end(JSON.stringify({ __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." }));
      }
      response.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      response.end(JSON.stringify({ ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${SecretId}`, Name: SecretId, SecretString: secret }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked, server };
}

describe("the share configuration of the download function (functions/config.ts)", () => {
  const base = { [ENV.documentsBucket]: "letterpress-docs" };

  it("is off without a key secret, and 90 days at most by default when on", () => {
    expect(readConfig(base).share).toBeUndefined();
    expect(readConfig({ ...base, [ENV.shareKeysSecretId]: "letterpress/dev/share-keys", [ENV.shareLinkBaseUrl]: "https://api.example.org/" }).share).toEqual({
      keysSecretId: "letterpress/dev/share-keys",
      linkBaseUrl: "https://api.example.org/",
      maxLifetimeSeconds: 90 * 86_400,
    });
  });

  it.each([
    [{ [ENV.shareKeysSecretId]: "keys" }, /SHARE_LINK_BASE_URL is required when SHARE_KEYS_SECRET_ID is set/],
    [{ [ENV.shareLinkBaseUrl]: "https://api.example.org/" }, /SHARE_KEYS_SECRET_ID is required when SHARE_LINK_BASE_URL is set/],
    [
      { [ENV.shareKeysSecretId]: "keys", [ENV.shareLinkBaseUrl]: "https://api.example.org/", [ENV.shareMaxLifetime]: String(91 * 86_400) },
      /SHARE_MAX_LIFETIME_SECONDS: expected at most 7776000 seconds \(90 days\)/,
    ],
    [
      { [ENV.shareKeysSecretId]: "keys", [ENV.shareLinkBaseUrl]: "https://api.example.org/", [ENV.shareMaxLifetime]: "3.5" },
      /SHARE_MAX_LIFETIME_SECONDS: expected a whole number of seconds/,
    ],
    [{ [ENV.shareKeysSecretId]: "keys", [ENV.shareLinkBaseUrl]: "ftp://api.example.org/" }, /SHARE_LINK_BASE_URL: expected the API's public base URL/],
    [{ [ENV.shareKeysSecretId]: "keys", [ENV.shareLinkBaseUrl]: "https://api.example.org/?x=1" }, /SHARE_LINK_BASE_URL: expected a base URL without query or fragment/],
    [{ [ENV.shareKeysSecretId]: "keys with spaces", [ENV.shareLinkBaseUrl]: "https://api.example.org/" }, /SHARE_KEYS_SECRET_ID: expected a Secrets Manager secret name or ARN/],
  ])("fails at start-up naming the variable: %j", (env, message) => {
    expect(() => readConfig({ ...base, ...env })).toThrow(message);
  });
});

describe("the download function as deployed (fromEnvironment) with share links", () => {
  let harness: Harness;
  let secrets: Awaited<ReturnType<typeof startSecretsManager>>;
  // The SDK's default chain (endpoint and credentials) as Lambda gives it, pointed at the stand-in.
  const AWS_ENV = ["AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] as const;
  const previous = Object.fromEntries(AWS_ENV.map((name) => [name, process.env[name]]));
  // As Secrets Manager generates it at deployment (infra/constructs/share-keys.ts): flat, 64 alphanumerics.
  const generated = JSON.stringify({
    current: "k1",
    k1: randomBytes(48)
      .toString("base64")
      .replace(/[^A-Za-z0-9]/g, "A")
      .slice(0, 64),
  });

  beforeAll(async () => {
    harness = await startHarness();
    secrets = await startSecretsManager({ "letterpress/test/share-keys": generated, "letterpress/test/broken": '{"current":"k1","k1":"short"}' });
    Object.assign(process.env, { AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
  });
  afterAll(async () => {
    for (const name of AWS_ENV) {
      if (previous[name] === undefined) delete process.env[name];
      else process.env[name] = previous[name];
    }
    secrets.server.close();
    await harness.stop();
  });

  const handlerWith = (secretId: string | undefined) => {
    const logged: { message: string; attributes: unknown }[] = [];
    const record = (message: string, attributes?: unknown) => void logged.push({ message, attributes });
    const extra: Record<string, string> = secretId ? { [ENV.shareKeysSecretId]: secretId, [ENV.shareLinkBaseUrl]: "https://api.example.org/prod" } : {};
    const dependencies = fromEnvironment(readConfig(lambdaEnvironment(harness, "/nonexistent-fonts", extra)), {
      credentials: harness.s3.credentials,
      maxAttempts: 1,
    });
    return { handler: createDownloadHandler({ ...dependencies, logger: { info: record, warn: record, error: record } }), logged };
  };

  it("reads the generated key ring from Secrets Manager, creates a link under the configured base URL, and opens it", async () => {
    await storeDocument(harness.store(), "1a2b3c4d5e6f", "fr", "pdf", "%PDF-1.7 stand-in", { letterId: LETTER });
    const { handler } = handlerWith("letterpress/test/share-keys");
    const created = await handler(
      eventFor(SHARE_ROUTES.create, `/letters/${LETTER}/fr/pdf/shares`, { letterId: LETTER, locale: "fr", format: "pdf" }, { lifetimeSeconds: 3 * 86_400 }),
    );
    expect(created.statusCode).toBe(201);
    const { url, id } = JSON.parse(created.body!) as { url: string; id: string };
    expect(url).toMatch(/^https:\/\/api\.example\.org\/prod\/s\/k1\./);
    expect(secrets.asked).toContain("secretsmanager.GetSecretValue letterpress/test/share-keys");

    const token = url.split("/s/")[1]!;
    const opened = await handler(eventFor(SHARE_ROUTES.open, `/s/${token}`, { token }));
    expect(opened.statusCode).toBe(302);
    const document = await fetch(opened.headers!["location"] as string);
    expect(Buffer.from(await document.arrayBuffer()).toString("latin1")).toContain("%PDF-1.7 stand-in");

    const listed = await handler(eventFor(SHARE_ROUTES.list, `/letters/${LETTER}/shares`, { letterId: LETTER }));
    expect(JSON.parse(listed.body!).shares.map((share: { id: string }) => share.id)).toContain(id);
    expect((await handler(eventFor(SHARE_ROUTES.revoke, `/shares/${id}`, { id }))).statusCode).toBe(204);
    expect((await handler(eventFor(SHARE_ROUTES.open, `/s/${token}`, { token }))).statusCode).toBe(410);
  });

  it("answers the share routes 503 when the key ring is malformed, and logs the field once (never in the reply)", async () => {
    const { handler, logged } = handlerWith("letterpress/test/broken");
    const created = await handler(eventFor(SHARE_ROUTES.create, `/letters/${LETTER}/fr/pdf/shares`, { letterId: LETTER, locale: "fr", format: "pdf" }, {}));
    expect(created.statusCode).toBe(503);
    expect(JSON.parse(created.body!).error.code).toBe("SHARES_UNAVAILABLE");
    const opened = await handler(eventFor(SHARE_ROUTES.open, "/s/anything", { token: "anything" }));
    expect(opened.statusCode).toBe(503);
    expect(opened.headers!["content-type"]).toBe("text/plain; charset=utf-8");
    expect(opened.body).not.toMatch(/secret|k1|stack/i);
    expect(logged).toEqual([
      {
        message: "share links unavailable: configuration error",
        attributes: { code: "CONFIG_ERROR", reason: expect.stringMatching(/^secret "letterpress\/test\/broken": keys\.k1: expected base64 of at least 32 random bytes/) },
      },
    ]);
  });

  it("answers the share routes 404 when share links are not configured", async () => {
    const { handler } = handlerWith(undefined);
    const reply = await handler(eventFor(SHARE_ROUTES.list, `/letters/${LETTER}/shares`, { letterId: LETTER }));
    expect(reply.statusCode).toBe(404);
    expect(JSON.parse(reply.body!)).toEqual({ error: { code: "NOT_FOUND", message: "share links are not configured" } });
  });
});
