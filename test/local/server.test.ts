import { sha256Hex } from "../../functions/core/documents";
import { forwarded } from "../storage/embedded-s3-harness";
import { SEED_LETTER } from "../support/letters";
import { listen, type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";

describe("the local server's download API, end to end over HTTP", () => {
  let stack: LocalStack;
  let running: RunningServer;
  beforeAll(async () => {
    stack = await startLocalStack();
    running = await listen(stack, { defaultSeconds: 60, maxSeconds: 600 });
  });
  afterAll(async () => {
    await running.close();
    await stack.stop();
  });

  const get = (path: string, init: RequestInit = {}) => fetch(`${running.baseUrl}${path}`, { redirect: "manual", ...init });

  it("answers a 302 to a signed URL whose bytes match the manifest, with the type and a localized file name", async () => {
    const reply = await get(`/letters/${SEED_LETTER}/ru/pdf`);
    expect(reply.status).toBe(302);
    expect(reply.headers.get("cache-control")).toBe("no-store");
    const location = reply.headers.get("location")!;
    expect(location).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
    expect(location).toMatch(/X-Amz-Expires=60(&|$)/);

    const document = await fetch(location);
    expect(document.status).toBe(200);
    expect(document.headers.get("content-type")).toBe("application/pdf");
    const bytes = Buffer.from(await document.arrayBuffer());
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const latest = await stack.store.getLatest(SEED_LETTER);
    const entry = (await stack.store.getManifest(SEED_LETTER, latest!.revision))!.documents.find((doc) => doc.locale === "ru" && doc.format === "pdf");
    expect(sha256Hex(bytes)).toBe(entry!.sha256);
    const disposition = document.headers.get("content-disposition")!;
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+\.pdf"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1]!)).toMatch(/^Совместное письмо .*\.pdf$/);
  });

  it("answers JSON with the URL and its expiry when the client asks for JSON", async () => {
    const reply = await get(`/letters/${SEED_LETTER}/en/html?expires=120`, { headers: { accept: "application/json" } });
    expect(reply.status).toBe(200);
    const body = (await reply.json()) as { url: string; expiresAt: string; revision: string };
    const lifetime = (Date.parse(body.expiresAt) - Date.now()) / 1000;
    expect(lifetime).toBeGreaterThan(100);
    expect(lifetime).toBeLessThanOrEqual(120);
    const page = await fetch(body.url);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain('<html lang="en" dir="ltr">');
  });

  it("refuses a link whose key, signature or expiry was tampered with", async () => {
    const reply = await get(`/letters/${SEED_LETTER}/es/html`, { headers: { accept: "application/json" } });
    const { url } = (await reply.json()) as { url: string };
    const otherKey = url.replace("/es/", "/en/");
    const otherSignature = url.replace(/X-Amz-Signature=([0-9a-f])/, (_match, first: string) => `X-Amz-Signature=${first === "0" ? "1" : "0"}`);
    const longer = url.replace(/X-Amz-Expires=\d+/, "X-Amz-Expires=604800");
    const unsigned = url.split("?")[0]!;
    for (const tampered of [otherKey, otherSignature, longer, unsigned]) {
      const answer = await fetch(tampered);
      expect(answer.status).toBe(403);
      expect(await answer.text()).toMatch(/<Code>(SignatureDoesNotMatch|AccessDenied)<\/Code>/);
    }
    expect((await fetch(url)).status).toBe(200);
  });

  it("refuses a link after it expires", async () => {
    const reply = await get(`/letters/${SEED_LETTER}/es/html?expires=1`, { headers: { accept: "application/json" } });
    const { url } = (await reply.json()) as { url: string };
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const answer = await fetch(url);
    expect(answer.status).toBe(403);
    expect(await answer.text()).toContain("Request has expired");
  });

  it.each([
    ["/letters/unsc-dprk-2015/qaa/pdf", 404, "UNKNOWN_LOCALE"],
    ["/letters/unsc-dprk-2015/en/docx", 404, "NOT_FOUND"],
    ["/letters/no-such-letter/en/pdf", 404, "UNKNOWN_LETTER"],
    ["/letters/unsc-dprk-2015/en/pdf?recipient=xx", 404, "NOT_FOUND"],
    ["/letters/unsc-dprk-2015/en/pdf?revision=0123456789abcdef", 404, "NOT_FOUND"],
    ["/letters/%2e%2e%2fsecrets/en/pdf", 400, "INVALID_REQUEST"],
    ["/letters/unsc%00/en/pdf", 400, "INVALID_REQUEST"],
    // URL parsing resolves an encoded ".." segment before routing: it can only reach another route.
    ["/letters/%2e%2e/en/pdf", 404, "NOT_FOUND"],
    ["/letters/unsc-dprk-2015/en/pdf?expires=99999", 400, "INVALID_REQUEST"],
    ["/letters/unsc-dprk-2015/en/pdf?download=1", 400, "INVALID_REQUEST"],
    ["/nowhere", 404, "NOT_FOUND"],
  ])("answers GET %s with %d %s and a clear message", async (path, status, code) => {
    const reply = await get(path);
    expect(reply.status).toBe(status);
    const body = (await reply.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
    expect(JSON.stringify(body)).not.toMatch(/\bat \S+:\d+:\d+/);
  });

  it("answers other methods with 405", async () => {
    const reply = await get(`/letters/${SEED_LETTER}/en/pdf`, { method: "DELETE" });
    expect(reply.status).toBe(405);
    expect(reply.headers.get("allow")).toBe("GET");
  });

  it("renders a document that is not stored yet once, however many ask at the same time", async () => {
    const before = forwarded(stack.harness.s3, "PUT");
    const replies = await Promise.all(Array.from({ length: 25 }, () => get(`/letters/${SEED_LETTER}/es/pdf?recipient=cl`)));
    expect(replies.map((reply) => reply.status)).toEqual(Array(25).fill(302));
    const documentPuts = stack.harness.s3.requests.filter((request) => request.method === "PUT" && request.refusedWith === undefined && /\/es\/cl\/letter\.pdf(\?|$)/.test(request.url));
    expect(documentPuts).toHaveLength(1);
    // The document, its published entry and the revision's manifest; the latest pointer already names this revision.
    expect(forwarded(stack.harness.s3, "PUT") - before).toBe(3);
  });
});
