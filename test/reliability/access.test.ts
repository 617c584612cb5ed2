import { readConfig } from "../../functions/config";
import { sha256Hex } from "../../functions/core/documents";
import type { S3DocumentStore } from "../../functions/storage/s3-document-store";
import type { Harness } from "../storage/embedded-s3-harness";
import { SEED_LETTER } from "../support/letters";
import { recordFigures } from "./support/figures";
import { type ServedStack, startServedStack } from "./support/served-stack";

/**
 * Access to stored documents: a signed link names one object, one lifetime and one signing time;
 * any change to it is refused, it stops working when it expires, no request gets a longer lifetime
 * than the configured maximum, and nothing in the bucket is readable without a signature.
 * (The deployed bucket's own policy, private and TLS-only, is checked by the infra tests.)
 */

const MAX_SECONDS = 600;
let clockOffsetMs = 0;
let stack: ServedStack;
let harness: Harness;
let store: S3DocumentStore;
let baseUrl: string;
const figures = { tamperedLinksRefused: 0, lifetimeRequestsChecked: 0, unsignedRequestsRefused: 0, expiryChecks: 0 };

beforeAll(async () => {
  // The front's clock runs ahead when a test moves it: links can be checked at and past their expiry without waiting.
  stack = await startServedStack({ lifetime: { defaultSeconds: 60, maxSeconds: MAX_SECONDS }, clock: () => new Date(Date.now() + clockOffsetMs) });
  ({ harness, store, baseUrl } = stack);
  await stack.service.render({ letterId: SEED_LETTER, locales: ["en", "es"], formats: ["html", "pdf"] });
  await stack.service.render({ letterId: SEED_LETTER, recipients: ["gb"], formats: ["html"] });
});
afterAll(async () => {
  await stack.stop();
  recordFigures("access", figures);
});
afterEach(() => {
  clockOffsetMs = 0;
});

async function linkTo(path: string): Promise<string> {
  const reply = await fetch(`${baseUrl}${path}`, { headers: { accept: "application/json" } });
  expect(reply.status).toBe(200);
  return ((await reply.json()) as { url: string }).url;
}

const setParam = (url: string, name: string, value: string) => {
  const parsed = new URL(url);
  parsed.searchParams.set(name, value);
  return parsed.toString();
};
const amzDatePlus = (amzDate: string, seconds: number) => {
  const date = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  return new Date(date.getTime() + seconds * 1000).toISOString().replace(/[-:]|\.\d+/g, "");
};

async function expectRefused(url: string, method = "GET") {
  const reply = await fetch(url, { method });
  const body = await reply.text();
  expect({ url, refused: [400, 403].includes(reply.status) }).toEqual({ url, refused: true });
  if (method !== "HEAD")
    expect(body).toMatch(/^<\?xml[\s\S]*<Code>(AccessDenied|SignatureDoesNotMatch|InvalidAccessKeyId|AuthorizationQueryParametersError|InvalidArgument)<\/Code>/);
  // The refusal never carries the document.
  expect(body).not.toContain("%PDF-");
  expect(body).not.toContain("<!DOCTYPE html");
}

describe("a signed download link", () => {
  it("cannot be turned into a link to another document, record or bucket", async () => {
    const url = await linkTo(`/letters/${SEED_LETTER}/en/html`);
    const other = await linkTo(`/letters/${SEED_LETTER}/es/pdf`);
    const { pathname } = new URL(url);
    const [, bucket, , letterId, revision] = pathname.split("/");
    const withPath = (path: string) => url.replace(pathname, path);
    const tampered = [
      url.replace("/en/letter.html", "/es/letter.html"),
      url.replace("/en/letter.html", "/en/letter.pdf"),
      url.replace("/en/letter.html", "/en/gb/letter.html"),
      url.replace(`/${revision}/`, `/${revision!.replace(/^./, (c) => (c === "0" ? "1" : "0"))}/`),
      withPath(`/${bucket}/letters/${letterId}/latest.json`),
      withPath(`/${bucket}/letters/${letterId}/${revision}/manifest.json`),
      withPath(`/${bucket}/data/${letterId}/en.json`),
      withPath(`/${bucket}/letters/${letterId}/${revision}/en/%2e%2e/es/letter.html`),
      withPath(`/${bucket}/letters/${letterId}/${revision}/en/letter.html%00`),
      withPath(`/another-bucket/letters/${letterId}/${revision}/en/letter.html`),
      withPath(`/${bucket}`),
      // Another document's valid signature on this document's address, and this one's on the other's.
      setParam(url, "X-Amz-Signature", new URL(other).searchParams.get("X-Amz-Signature")!),
      setParam(other, "X-Amz-Signature", new URL(url).searchParams.get("X-Amz-Signature")!),
      // Response overrides are signed parameters too: none can be added.
      setParam(url, "response-content-type", "text/plain"),
      setParam(url, "response-content-disposition", "inline"),
      setParam(url, "X-Amz-Credential", new URL(url).searchParams.get("X-Amz-Credential")!.replace(/^LP\w/, "LPX")),
      setParam(url, "X-Amz-SignedHeaders", "host;x-amz-date"),
    ];
    for (const link of tampered) await expectRefused(link);
    // Each kind of change, on HEAD too.
    await expectRefused(tampered[0]!, "HEAD");
    expect((await fetch(url)).status).toBe(200);
    figures.tamperedLinksRefused += tampered.length + 1;
  });

  it("cannot be extended: a longer lifetime or a later signing time voids the signature", async () => {
    const url = await linkTo(`/letters/${SEED_LETTER}/en/pdf?expires=60`);
    const amzDate = new URL(url).searchParams.get("X-Amz-Date")!;
    const tampered = [
      ...["61", "600", "3600", "604800"].map((expires) => setParam(url, "X-Amz-Expires", expires)),
      setParam(url, "X-Amz-Date", amzDatePlus(amzDate, 3_600)),
      setParam(setParam(url, "X-Amz-Date", amzDatePlus(amzDate, 1)), "X-Amz-Expires", "60"),
      setParam(url, "X-Amz-Expires", "604801"),
      setParam(url, "X-Amz-Expires", "-1"),
    ];
    for (const link of tampered) await expectRefused(link);
    figures.tamperedLinksRefused += tampered.length;
  });

  it("works until its expiry and is refused after it", async () => {
    const url = await linkTo(`/letters/${SEED_LETTER}/es/html?expires=60`);
    clockOffsetMs = 55_000;
    const early = await fetch(url);
    expect(early.status).toBe(200);
    expect(sha256Hex(Buffer.from(await early.arrayBuffer()))).toMatch(/^[0-9a-f]{64}$/);
    clockOffsetMs = 62_000;
    const late = await fetch(url);
    expect(late.status).toBe(403);
    expect(await late.text()).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
    // A link signed "in the future" (a client clock far ahead) is refused as not yet valid.
    clockOffsetMs = -20 * 60_000;
    const tooEarly = await fetch(url);
    expect(tooEarly.status).toBe(403);
    expect(await tooEarly.text()).toContain("Request is not valid yet");
    figures.expiryChecks += 3;
  });
});

describe("the lifetime of a download link", () => {
  // Every way of asking: either refused with 400 naming the parameter, or a link no longer than the maximum.
  const asks = [
    "1",
    "60",
    "599",
    "600",
    "601",
    "3600",
    "604800",
    "9999999",
    "0",
    "-1",
    "600.0",
    "6e2",
    "+600",
    " 600",
    "0600",
    "0x258",
    "Infinity",
    "NaN",
    "",
    "60&expires=99999",
    "99999&expires=60",
  ];

  it.each(asks)("is at most the maximum whatever ?expires=%p asks", async (ask) => {
    const reply = await fetch(`${baseUrl}/letters/${SEED_LETTER}/en/html?expires=${ask.replace(/ /g, "%20")}`, { redirect: "manual" });
    figures.lifetimeRequestsChecked++;
    if (reply.status === 302) {
      const seconds = Number(new URL(reply.headers.get("location")!).searchParams.get("X-Amz-Expires"));
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(MAX_SECONDS);
      return;
    }
    expect(reply.status).toBe(400);
    const body = (await reply.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("INVALID_REQUEST");
    expect(body.error.message).toMatch(/expires/);
  });

  it("gives exactly the maximum when asked for it, and refuses one second more with the rule", async () => {
    const atMax = await fetch(`${baseUrl}/letters/${SEED_LETTER}/en/html?expires=${MAX_SECONDS}`, { redirect: "manual" });
    expect(new URL(atMax.headers.get("location")!).searchParams.get("X-Amz-Expires")).toBe(String(MAX_SECONDS));
    const over = await fetch(`${baseUrl}/letters/${SEED_LETTER}/en/html?expires=${MAX_SECONDS + 1}`, { redirect: "manual" });
    expect(over.status).toBe(400);
    expect(await over.json()).toEqual({ error: { code: "INVALID_REQUEST", message: `query expires: expected a lifetime of 1 to ${MAX_SECONDS} whole seconds` } });
  });

  it("is enforced by the store too, below the handler, and by the configuration at start-up", async () => {
    const key = (await store.getManifest(SEED_LETTER, (await store.getLatest(SEED_LETTER))!.revision))!.documents[0]!.key;
    await expect(store.presignDownload(key, { expiresInSeconds: MAX_SECONDS + 1 })).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    await expect(store.presignDownload(key, { expiresInSeconds: 0 })).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    expect(() => readConfig({ DOCUMENTS_BUCKET: "letterpress-documents", DOWNLOAD_URL_MAX_TTL_SECONDS: "604801" })).toThrow(/DOWNLOAD_URL_MAX_TTL_SECONDS/);
    expect(() => readConfig({ DOCUMENTS_BUCKET: "letterpress-documents", DOWNLOAD_URL_TTL_SECONDS: "7200" })).toThrow(
      /DOWNLOAD_URL_TTL_SECONDS must not exceed DOWNLOAD_URL_MAX_TTL_SECONDS/,
    );
  });
});

describe("the bucket through the verifying front", () => {
  it("refuses every unsigned read, list and write", async () => {
    const { endpoint, bucket } = harness.s3;
    const manifest = (await store.getManifest(SEED_LETTER, (await store.getLatest(SEED_LETTER))!.revision))!;
    const documentKey = manifest.documents[0]!.key;
    const requests: [string, string, Record<string, string>?][] = [
      ["GET", `/${bucket}/${documentKey}`],
      ["HEAD", `/${bucket}/${documentKey}`],
      ["GET", `/${bucket}/letters/${SEED_LETTER}/latest.json`],
      ["GET", `/${bucket}/letters/${SEED_LETTER}/${manifest.revision}/manifest.json`],
      ["GET", `/${bucket}/data/${SEED_LETTER}/letter.json`],
      ["GET", `/${bucket}`],
      ["GET", `/${bucket}?list-type=2`],
      ["GET", `/${bucket}?list-type=2&prefix=letters/`],
      ["GET", `/${bucket}?versions`],
      ["GET", `/${bucket}?acl`],
      ["GET", `/${bucket}?policy`],
      ["GET", "/"],
      ["PUT", `/${bucket}/letters/${SEED_LETTER}/latest.json`],
      ["DELETE", `/${bucket}/${documentKey}`],
      ["POST", `/${bucket}?delete`],
      ["GET", `/${bucket}/${documentKey}`, { authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00" }],
      ["GET", `/${bucket}/${documentKey}`, { authorization: "AWS AKIDEXAMPLE:c2lnbmF0dXJl" }],
      ["GET", `/${bucket}/${documentKey}?X-Amz-Algorithm=AWS4-HMAC-SHA256`],
      ["GET", `/${bucket}/${documentKey}?X-Amz-Signature=${"0".repeat(64)}`],
    ];
    for (const [method, path, headers] of requests) {
      const reply = await fetch(`${endpoint}${path}`, { method, ...(headers ? { headers } : {}), ...(method === "PUT" ? { body: "{}" } : {}) });
      const body = await reply.text();
      expect({ method, path, refused: [400, 403].includes(reply.status) }).toEqual({ method, path, refused: true });
      if (method !== "HEAD") expect(body).toMatch(/<Code>(AccessDenied|InvalidArgument|AuthorizationQueryParametersError|AuthorizationHeaderMalformed|InvalidAccessKeyId)<\/Code>/);
      expect(body).not.toMatch(/<ListBucketResult|<Contents>|%PDF-|"documents"/);
      figures.unsignedRequestsRefused++;
    }
    // Nothing was changed: the pointer and the document are intact.
    expect((await store.getLatest(SEED_LETTER))?.revision).toBe(manifest.revision);
    expect(sha256Hex((await store.get(documentKey)).bytes)).toBe(manifest.documents[0]!.sha256);
  });
});
