import { connect } from "node:net";
import { sha256Hex } from "../../functions/core/documents";
import { forwarded } from "../storage/embedded-s3-harness";
import { attribute, byTag, findAll, parseDocument } from "../support/html";
import type { DocumentRenderer } from "../../functions/core/render-document";
import type { HandlerLogger } from "../../functions/handler-logger";
import { DATA_DIR, SEED_LETTER } from "../support/letters";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";

describe("the local server's download API, end to end over HTTP", () => {
  let stack: LocalStack;
  let running: RunningServer;
  beforeAll(async () => {
    stack = await startLocalStack({ lifetime: { defaultSeconds: 60, maxSeconds: 600 } });
    running = await stack.listen();
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

  it("answers other methods with 405, offering GET and HEAD", async () => {
    const reply = await get(`/letters/${SEED_LETTER}/en/pdf`, { method: "DELETE" });
    expect(reply.status).toBe(405);
    expect(reply.headers.get("allow")).toBe("GET, HEAD");
  });

  /** The raw bytes of an answer, read to the socket's close: what a client really receives. */
  function rawExchange(method: string, path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const { hostname, port } = new URL(running.baseUrl);
      const socket = connect(Number(port), hostname, () =>
        socket.write(`${method} ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`),
      );
      const chunks: Buffer[] = [];
      socket.on("data", (chunk) => chunks.push(chunk));
      socket.on("end", () => resolve(Buffer.concat(chunks).toString("latin1")));
      socket.on("error", reject);
    });
  }
  const headersOf = (raw: string) =>
    raw
      .split("\r\n\r\n")[0]!
      .split("\r\n")
      .filter((line) => !/^date:/i.test(line));

  // RFC 9110 9.3.2: the same status and headers as GET (the signed URL's own signature aside), and no body.
  it.each([
    ["the letters page", "/"],
    ["a document link", `/letters/${SEED_LETTER}/en/pdf`],
    ["an unknown letter", "/letters/no-such-letter/en/pdf"],
    ["a malformed lifetime", `/letters/${SEED_LETTER}/en/pdf?expires=0`],
    ["a share link that is not one", `/s/${"A".repeat(40)}`],
  ])("answers HEAD on %s as GET without the body", async (_what, path) => {
    const got = await rawExchange("GET", path);
    const head = await rawExchange("HEAD", path);
    const withoutSignature = (lines: string[]) => lines.map((line) => line.replace(/"url":.*|X-Amz-(Date|Signature)=[^&]+/g, ""));
    expect(withoutSignature(headersOf(head))).toEqual(withoutSignature(headersOf(got)));
    expect(headersOf(head)[0]).not.toMatch(/ 405 /);
    expect(got.split("\r\n\r\n")[1]!.length).toBeGreaterThan(0);
    expect(head.split("\r\n\r\n").slice(1).join("")).toBe("");
  });

  it("routes by method and path as API Gateway does: a share route's path with another method is a 405 naming the route, an unknown path a 404 listing the routes", async () => {
    const wrongMethod = await get(`/shares/${"A".repeat(22)}`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("DELETE");
    expect(((await wrongMethod.json()) as { error: { message: string } }).error.message).toBe("this path answers only DELETE /shares/{id}");
    const unknown = await get("/s/");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain("GET /s/{token}");
  });

  it("serves the letters page (GET /) through the download handler: every document the manifest lists, with a download link and a share control that works", async () => {
    await stack.runtime.render({ letterId: SEED_LETTER, locales: ["en"], formats: ["pdf", "html"] });
    await stack.runtime.render({ letterId: SEED_LETTER, formats: ["pdf"], recipients: ["fr"] });
    const reply = await get("/");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(reply.headers.get("content-security-policy")).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*'/);
    const page = parseDocument(await reply.text());
    const forms = findAll(page, byTag("form"));
    const downloads = findAll(page, byTag("a")).map((anchor) => attribute(anchor, "href"));
    const latest = await stack.store.getLatest(SEED_LETTER);
    const manifest = (await stack.store.getManifest(SEED_LETTER, latest!.revision))!;
    expect(manifest.documents.some((doc) => doc.recipientId === "fr")).toBe(true);
    expect(forms).toHaveLength(manifest.documents.length);
    for (const doc of manifest.documents) {
      const path = `/letters/${SEED_LETTER}/${doc.locale}/${doc.format}`;
      expect(downloads).toContain(`${path}${doc.recipientId ? `?recipient=${doc.recipientId}` : ""}`);
      expect(forms.some((form) => attribute(form, "action") === `${path}/shares` && attribute(form, "data-recipient") === (doc.recipientId ?? undefined))).toBe(true);
    }
    // What the control's script sends: the form's action, JSON with the recipient; the link it gets opens.
    const form = forms.find((candidate) => attribute(candidate, "data-recipient") === "fr")!;
    const created = await get(attribute(form, "action")!, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ recipient: "fr" }) });
    expect(created.status).toBe(201);
    const { url } = (await created.json()) as { url: string };
    expect(url.startsWith(`${running.baseUrl}/s/`)).toBe(true);
    const opened = await fetch(url, { redirect: "manual" });
    expect(opened.status).toBe(302);
    expect(opened.headers.get("location")).toMatch(/\/fr\/[^/?]+\.pdf\?.*X-Amz-Signature=/);
  });

  it("answers the letters page's path with another method 405, as API Gateway would", async () => {
    const reply = await get("/", { method: "DELETE" });
    expect(reply.status).toBe(405);
    expect(reply.headers.get("allow")).toBe("GET, HEAD");
  });

  it("refuses a request body over 4096 bytes unread (413), and one sent without a length", async () => {
    const path = `/letters/${SEED_LETTER}/fr/pdf/shares`;
    const tooLarge = await get(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ recipient: "x".repeat(5000) }) });
    expect(tooLarge.status).toBe(413);
    const chunked = await get(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream({ start: (controller) => (controller.enqueue(new TextEncoder().encode("{}")), controller.close()) }),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it("renders a document that is not stored yet once, however many ask at the same time", async () => {
    const before = forwarded(stack.harness.s3, "PUT");
    const replies = await Promise.all(Array.from({ length: 25 }, () => get(`/letters/${SEED_LETTER}/es/pdf?recipient=cl`)));
    expect(replies.map((reply) => reply.status)).toEqual(Array(25).fill(302));
    const documentPuts = stack.harness.s3.requests.filter(
      (request) => request.method === "PUT" && request.refusedWith === undefined && /\/es\/cl\/letter\.pdf(\?|$)/.test(request.url),
    );
    expect(documentPuts).toHaveLength(1);
    // The document, its published entry and the revision's manifest; the latest pointer already names this revision.
    expect(forwarded(stack.harness.s3, "PUT") - before).toBe(3);
  });

  it("makes a document not stored yet on demand: the download handler invokes the render handler, and the link returns the stored bytes", async () => {
    const path = `/letters/${SEED_LETTER}/ar/html?recipient=jo`;
    const before = await stack.store.getLatest(SEED_LETTER);
    const listedBefore = before ? (await stack.store.getManifest(SEED_LETTER, before.revision))!.documents : [];
    expect(listedBefore.filter((entry) => entry.locale === "ar" && entry.recipientId === "jo" && entry.format === "html")).toEqual([]);

    const reply = await get(path);
    expect(reply.status).toBe(302);
    const location = new URL(reply.headers.get("location")!);
    const key = decodeURIComponent(location.pathname).replace(`/${stack.harness.s3.bucket}/`, "");
    const latest = await stack.store.getLatest(SEED_LETTER);
    const entry = (await stack.store.getManifest(SEED_LETTER, latest!.revision))!.documents.find((doc) => doc.key === key);
    expect(entry).toMatchObject({ locale: "ar", format: "html", recipientId: "jo" });
    const document = await fetch(location);
    expect(document.status).toBe(200);
    const bytes = Buffer.from(await document.arrayBuffer());
    expect(sha256Hex(bytes)).toBe(entry!.sha256);
    expect(bytes.toString("utf8")).toContain('<html lang="ar" dir="rtl">');
  });

  it("answers an unknown letter with its id, not with where the server keeps its data", async () => {
    const reply = await get("/letters/no-such-letter/en/pdf");
    expect(reply.status).toBe(404);
    const body = (await reply.json()) as { error: { code: string; message: string } };
    expect(body.error).toEqual({ code: "UNKNOWN_LETTER", message: 'no letter "no-such-letter"' });
    expect(JSON.stringify(body)).not.toContain(DATA_DIR);
  });
});

describe("the local server when the render function runs out of time", () => {
  let stack: LocalStack;
  let running: RunningServer;
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const logged: { message: string; attributes: unknown }[] = [];
  const logger: HandlerLogger = {
    info: () => {},
    warn: (message, attributes) => logged.push({ message, attributes }),
    error: (message, attributes) => logged.push({ message, attributes }),
  };

  beforeAll(async () => {
    // Every PDF waits for the gate: longer than the render function's time limit here (0.2 s).
    const held = (renderer: DocumentRenderer): DocumentRenderer => ({ ...renderer, pdf: async (...args) => (await gate, renderer.pdf(...args)) });
    stack = await startLocalStack({ renderTimeoutSeconds: 0.2, wrapRenderer: held, logger });
    running = await stack.listen();
  });
  afterAll(async () => {
    release();
    await running.close();
    await stack.stop();
  });

  it("answers 500 (the render timed out, as Lambda reports it), logs why, and the render that finishes later serves the next request", async () => {
    const path = `${running.baseUrl}/letters/${SEED_LETTER}/fr/pdf`;
    const reply = await fetch(path, { redirect: "manual" });
    expect(reply.status).toBe(500);
    expect(await reply.json()).toEqual({ error: { code: "INTERNAL", message: "internal error" } });
    expect(logged).toContainEqual({ message: "download failed", attributes: { code: "RENDER_ERROR", reason: expect.stringMatching(/Sandbox\.Timedout: Task timed out after/) } });

    // Lambda cannot take back what a timed-out function stored; neither can the local invoker.
    release();
    let status = 0;
    for (let attempt = 0; attempt < 200 && status !== 302; attempt++) {
      const latest = await stack.store.getLatest(SEED_LETTER);
      const listed = latest
        ? (await stack.store.getManifest(SEED_LETTER, latest.revision))?.documents.some((entry) => entry.locale === "fr" && entry.format === "pdf" && entry.recipientId === null)
        : false;
      if (listed) status = (await fetch(path, { redirect: "manual" })).status;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(302);
  });
});
