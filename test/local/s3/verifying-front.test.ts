import { createHash, createHmac } from "node:crypto";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { SignatureV4 } from "@smithy/signature-v4";
import aws4 from "aws4";
import { createS3Client } from "../../../functions/storage/s3-client";
import { renderedDocument, REVISION, startHarness, type Harness } from "../../storage/embedded-s3-harness";
import { errorCode, rawRequest, type RawReply } from "./s3-http";

jest.setTimeout(30_000);

function toBytes(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 and HMAC-SHA-256 from node:crypto in the shape @smithy/signature-v4 asks for. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

let h: Harness;
let host: string;
let objectPath: string;
const body = Buffer.from("%PDF-1.7 signed bytes");

beforeEach(async () => {
  h = await startHarness();
  host = new URL(h.s3.endpoint).host;
  const { document } = await h.store().put(renderedDocument("en", "pdf", "signed"), { revision: REVISION, downloadName: "Letter" });
  objectPath = `/${h.s3.bucket}/${document.key}`;
});
afterEach(async () => {
  await h.stop();
});

function expectRefused(reply: RawReply, status: number, code: string): void {
  expect({ status: reply.status, code: errorCode(reply) }).toEqual({ status, code });
  expect(reply.headers["content-type"]).toBe("application/xml");
  expect(reply.body.toString("utf8")).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>/);
}

function aws4Sign(request: { method: string; path: string; headers?: Record<string, string>; body?: Buffer; signQuery?: boolean }, secret = h.s3.credentials.secretAccessKey) {
  const signed = aws4.sign(
    { host, service: "s3", region: h.s3.region, method: request.method, path: request.path, headers: { ...request.headers }, body: request.body, signQuery: request.signQuery },
    { accessKeyId: h.s3.credentials.accessKeyId, secretAccessKey: secret },
  );
  return { method: request.method, path: signed.path as string, headers: signed.headers as Record<string, string>, body: request.body };
}

async function sdkPresigned(options: { signingDate?: Date; expiresIn?: number; client?: S3Client } = {}): Promise<URL> {
  const url = await getSignedUrl(options.client ?? h.client, new GetObjectCommand({ Bucket: h.s3.bucket, Key: objectPath.slice(h.s3.bucket.length + 2) }), {
    expiresIn: options.expiresIn ?? 300,
    ...(options.signingDate ? { signingDate: options.signingDate } : {}),
  });
  return new URL(url);
}

async function fetchRaw(url: URL): Promise<RawReply> {
  return rawRequest(h.s3.endpoint, { method: "GET", path: `${url.pathname}${url.search}` });
}

describe("the verifying front accepts what an independent SigV4 signer signs", () => {
  it("aws4 header auth: a PUT with a signed payload hash, then a GET", async () => {
    const path = `/${h.s3.bucket}/letters/unsc-dprk-2015/${REVISION}/fr/aws4.pdf`;
    const put = await rawRequest(h.s3.endpoint, aws4Sign({ method: "PUT", path, headers: { "Content-Type": "application/pdf" }, body }));
    expect(put.status).toBe(200);

    const get = await rawRequest(h.s3.endpoint, aws4Sign({ method: "GET", path }));
    expect(get.status).toBe(200);
    expect(get.body.equals(body)).toBe(true);
  });

  it("aws4 presigned query auth", async () => {
    const reply = await rawRequest(h.s3.endpoint, aws4Sign({ method: "GET", path: `${objectPath}?X-Amz-Expires=120`, signQuery: true }));
    expect(reply.status).toBe(200);
  });

  it("@smithy/signature-v4 header auth and presigned URLs", async () => {
    const signer = new SignatureV4({ credentials: h.s3.credentials, region: h.s3.region, service: "s3", sha256: NodeSha256, uriEscapePath: false });
    const [hostname, port] = host.split(":");
    const base = { method: "GET", protocol: "http:", hostname: hostname!, port: Number(port), path: objectPath, query: {}, headers: { host } };

    const signed = await signer.sign({ ...base, headers: { ...base.headers, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    expect((await rawRequest(h.s3.endpoint, { method: "GET", path: objectPath, headers: signed.headers })).status).toBe(200);

    // As the SDK's presigner does: S3 presigned URLs carry an unsigned payload, hoisted into the query.
    const presigned = await signer.presign({ ...base, headers: { ...base.headers, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }, { expiresIn: 60 });
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
    expect(query.toLowerCase()).toContain("x-amz-content-sha256=unsigned-payload");
    expect((await rawRequest(h.s3.endpoint, { method: "GET", path: `${objectPath}?${query}` })).status).toBe(200);
  });

  it("the SDK's own presigned URL", async () => {
    expect((await fetchRaw(await sdkPresigned())).status).toBe(200);
  });
});

describe("the verifying front refuses as S3 refuses", () => {
  it("a presigned URL for another key (tampered key)", async () => {
    const url = await sdkPresigned();
    url.pathname = url.pathname.replace("/en/", "/fr/");
    expectRefused(await fetchRaw(url), 403, "SignatureDoesNotMatch");
  });

  it("a tampered signature", async () => {
    const url = await sdkPresigned();
    const signature = url.searchParams.get("X-Amz-Signature")!;
    url.searchParams.set("X-Amz-Signature", `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`);
    expectRefused(await fetchRaw(url), 403, "SignatureDoesNotMatch");
  });

  it("a tampered expiry, even on a link that has expired", async () => {
    const url = await sdkPresigned({ signingDate: new Date(Date.now() - 600_000), expiresIn: 60 });
    url.searchParams.set("X-Amz-Expires", "3600");
    expectRefused(await fetchRaw(url), 403, "SignatureDoesNotMatch");
  });

  it("an access key it does not know", async () => {
    const url = await sdkPresigned();
    url.searchParams.set("X-Amz-Credential", url.searchParams.get("X-Amz-Credential")!.replace(h.s3.credentials.accessKeyId, "AKIAUNKNOWNKEY000000"));
    expectRefused(await fetchRaw(url), 403, "InvalidAccessKeyId");
  });

  it("a link signed with the wrong secret for a known access key", async () => {
    const impostor = createS3Client({
      region: h.s3.region,
      endpoint: h.s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: h.s3.credentials.accessKeyId, secretAccessKey: "not-the-secret" },
    });
    expectRefused(await fetchRaw(await sdkPresigned({ client: impostor })), 403, "SignatureDoesNotMatch");
    impostor.destroy();
  });

  it("an expired link (signed in the past with the SDK's signingDate)", async () => {
    const reply = await fetchRaw(await sdkPresigned({ signingDate: new Date(Date.now() - 3_600_000), expiresIn: 600 }));
    expectRefused(reply, 403, "AccessDenied");
    expect(reply.body.toString()).toContain("<Message>Request has expired</Message>");
  });

  it("an unsigned request, for reading and for writing", async () => {
    expectRefused(await rawRequest(h.s3.endpoint, { method: "GET", path: objectPath }), 403, "AccessDenied");
    expectRefused(await rawRequest(h.s3.endpoint, { method: "PUT", path: objectPath, body: Buffer.from("overwritten") }), 403, "AccessDenied");
    const stillThere = await rawRequest(h.s3.endpoint, aws4Sign({ method: "GET", path: objectPath }));
    expect(stillThere.body.toString()).toContain("signed");
  });

  it("an unsigned HEAD gets the status without a body", async () => {
    const reply = await rawRequest(h.s3.endpoint, { method: "HEAD", path: objectPath });
    expect(reply.status).toBe(403);
    expect(reply.body.length).toBe(0);
  });

  it("a presigned lifetime beyond seven days", async () => {
    const reply = await rawRequest(h.s3.endpoint, aws4Sign({ method: "GET", path: `${objectPath}?X-Amz-Expires=604801`, signQuery: true }));
    expectRefused(reply, 400, "AuthorizationQueryParametersError");
  });

  it("a body that is not the one whose hash was signed", async () => {
    const signed = aws4Sign({ method: "PUT", path: objectPath, body });
    const reply = await rawRequest(h.s3.endpoint, { ...signed, body: Buffer.from("%PDF-1.7 other bytes!") });
    expectRefused(reply, 400, "XAmzContentSHA256Mismatch");
  });

  it("an x-amz- header added after signing", async () => {
    const signed = aws4Sign({ method: "GET", path: objectPath });
    const reply = await rawRequest(h.s3.endpoint, { ...signed, headers: { ...signed.headers, "x-amz-meta-injected": "1" } });
    expectRefused(reply, 403, "AccessDenied");
  });

  it("a header-signed request whose date is too far from now", async () => {
    const old = new Date(Date.now() - 20 * 60_000).toISOString().replace(/[-:]|\.\d+/g, "");
    const reply = await rawRequest(h.s3.endpoint, aws4Sign({ method: "GET", path: objectPath, headers: { "X-Amz-Date": old } }));
    expectRefused(reply, 403, "RequestTimeTooSkewed");
  });

  it("a signature for another region", async () => {
    const signed = aws4.sign({ host, service: "s3", region: "eu-west-1", method: "GET", path: objectPath }, h.s3.credentials);
    const reply = await rawRequest(h.s3.endpoint, { method: "GET", path: objectPath, headers: signed.headers as Record<string, string> });
    expectRefused(reply, 400, "AuthorizationHeaderMalformed");
  });
});
