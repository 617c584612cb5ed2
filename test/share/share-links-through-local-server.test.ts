import { sha256Hex } from "../../functions/core/documents";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOCAL_KEY_FILE, loadOrCreateLocalKeyRing, rotateLocalKey } from "../../functions/share/local-key-file";
import { REFUSAL_PAGE_CSP } from "../../functions/share/share-refusal-page";
import { SEED_LETTER } from "../support/letters";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";
import { manualClock } from "./support";

const DAY = 86_400;

interface CreatedShare {
  id: string;
  url: string;
  expiresAt: string;
  revision: string;
  follow: string;
}

/**
 * Share links end to end through the local server (what `npm run serve` runs): the download
 * function's own handler, the embedded S3 over HTTP, a key ring generated in a folder. The
 * function's clock is moved by hand: expiry is tested by setting the time, never by sleeping.
 */
describe("share links through the local server", () => {
  let stack: LocalStack;
  let running: RunningServer;
  const time = manualClock(new Date(Math.floor(Date.now() / 1000) * 1000));

  beforeAll(async () => {
    stack = await startLocalStack({ functionClock: time.clock });
    running = await stack.listen();
  });
  afterAll(async () => stack.stop());

  const request = (path: string, init: RequestInit = {}, base = running.baseUrl) => fetch(`${base}${path}`, { redirect: "manual", ...init });
  async function share(locale: string, format: string, body: Record<string, unknown> = {}, base = running.baseUrl): Promise<CreatedShare> {
    const reply = await request(
      `/letters/${SEED_LETTER}/${locale}/${format}/shares`,
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
      base,
    );
    expect(reply.status).toBe(201);
    return (await reply.json()) as CreatedShare;
  }
  /** Opens a link with nothing but the link: no credentials, no cookies, no headers of ours. */
  const open = (url: string, init: RequestInit = {}) => fetch(url, { redirect: "manual", ...init });

  async function expectRefusalPage(reply: Response, status: number, lang: string, words: RegExp) {
    expect(reply.status).toBe(status);
    expect(reply.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(reply.headers.get("content-security-policy")).toBe(REFUSAL_PAGE_CSP);
    const html = await reply.text();
    expect(html).toContain(`<html lang="${lang}"`);
    expect(html).toMatch(words);
    // A person reads this: never S3's XML, never a stack.
    expect(html).not.toMatch(/<\?xml|<Code>|AccessDenied|\bat .*\.ts:\d+/);
  }

  it("creates a 3-day link that opens, with no credentials, to the PDF's bytes as stored in the manifest", async () => {
    const created = await share("fr", "pdf", { lifetimeSeconds: 3 * DAY });
    expect(created.follow).toBe("pinned");
    expect(created.expiresAt).toBe(new Date(time.clock().getTime() + 3 * DAY * 1000).toISOString());
    expect(created.url.startsWith(`${running.baseUrl}/s/`)).toBe(true);

    const reply = await open(created.url);
    expect(reply.status).toBe(302);
    expect(reply.headers.get("referrer-policy")).toBe("no-referrer");
    const document = await fetch(reply.headers.get("location")!);
    expect(document.status).toBe(200);
    expect(document.headers.get("content-type")).toBe("application/pdf");
    expect(document.headers.get("content-disposition")).toMatch(/^attachment; filename="[\x20-\x7e]+\.pdf"; filename\*=UTF-8''/);
    const bytes = Buffer.from(await document.arrayBuffer());
    const entry = (await stack.store.getManifest(SEED_LETTER, created.revision))!.documents.find((doc) => doc.locale === "fr" && doc.format === "pdf" && doc.recipientId === null);
    expect(sha256Hex(bytes)).toBe(entry!.sha256);
  });

  it("opens the HTML edition inline, as a page", async () => {
    const created = await share("en", "html");
    // The default lifetime: 7 days.
    expect(created.expiresAt).toBe(new Date(time.clock().getTime() + 7 * DAY * 1000).toISOString());
    const reply = await open(created.url);
    expect(reply.status).toBe(302);
    const page = await fetch(reply.headers.get("location")!);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-disposition")).toBe("inline");
    expect(await page.text()).toContain('<html lang="en" dir="ltr">');
  });

  it("answers a tampered, truncated or made-up token with the 404 page", async () => {
    const created = await share("fr", "pdf");
    const token = created.url.split("/s/")[1]!;
    const flipped = token.slice(0, -2) + (token.at(-2) === "A" ? "B" : "A") + token.at(-1);
    for (const bad of [flipped, token.slice(0, -5), `${token.split(".")[0]}.e30.AAAA`, "not-a-token"]) {
      await expectRefusalPage(await request(`/s/${bad}`, { headers: { "accept-language": "es" } }), 404, "es", /<h1>[^<]+<\/h1>/);
    }
  });

  it("answers a revoked link with the 410 page in the document's language, at once", async () => {
    const created = await share("fr", "html", { lifetimeSeconds: 3 * DAY });
    expect((await open(created.url)).status).toBe(302);
    const revoked = await request(`/shares/${created.id}`, { method: "DELETE" });
    expect(revoked.status).toBe(204);
    await expectRefusalPage(await open(created.url, { headers: { "accept-language": "en" } }), 410, "fr", /Ce lien a été retiré/);
    // Revoking again is not an error; an unknown id is a 404.
    expect((await request(`/shares/${created.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await request(`/shares/${"A".repeat(22)}`, { method: "DELETE" })).status).toBe(404);

    const listed = (await (await request(`/letters/${SEED_LETTER}/shares`)).json()) as { shares: { id: string; status: string }[] };
    expect(listed.shares.find((entry) => entry.id === created.id)?.status).toBe("revoked");
    // The list never carries a link.
    expect(JSON.stringify(listed)).not.toContain(created.url.split("/s/")[1]!);
  });

  it("answers an expired link with the 410 page once the function's clock has passed its expiry", async () => {
    const start = time.clock();
    try {
      const created = await share("fr", "pdf", { lifetimeSeconds: 3 * DAY });
      time.set(new Date(start.getTime() + 3 * DAY * 1000 - 1000));
      expect((await open(created.url)).status).toBe(302);
      time.set(new Date(start.getTime() + 3 * DAY * 1000 + 1000));
      await expectRefusalPage(await open(created.url), 410, "fr", /Ce lien a expiré/);
    } finally {
      time.set(start);
    }
  });

  it("refuses a lifetime beyond 90 days with a 400 naming the limit, and a malformed body by field", async () => {
    const tooLong = await request(`/letters/${SEED_LETTER}/fr/pdf/shares`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lifetimeSeconds: 91 * DAY }),
    });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(await tooLong.json())).toMatch(/7776000/);
    const unknownField = await request(`/letters/${SEED_LETTER}/fr/pdf/shares`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lifetime: 3 }),
    });
    expect(unknownField.status).toBe(400);
    expect(JSON.stringify(await unknownField.json())).toMatch(/unknown field lifetime/);
    // The right path with the wrong method is a 405, not a share.
    expect((await request(`/letters/${SEED_LETTER}/fr/pdf/shares`)).status).toBe(405);
  });

  it("takes up a rotated key without a restart: new links seal with it within seconds, and links made before still open", async () => {
    const before = await share("es", "html");
    const oldKeyId = before.url.split("/s/")[1]!.split(".")[0]!;
    const rotated = await rotateLocalKey(stack.keyDir);
    // The running server reads the ring again at most once a second: wait for it (never longer than 20 s).
    const deadline = Date.now() + 20_000;
    let after = await share("es", "html");
    while (!after.url.includes(`/s/${rotated.currentKeyId}.`) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = await share("es", "html");
    }
    expect(after.url.startsWith(`${running.baseUrl}/s/${rotated.currentKeyId}.`)).toBe(true);
    expect(oldKeyId).not.toBe(rotated.currentKeyId);
    expect((await open(before.url)).status).toBe(302);
    expect((await open(after.url)).status).toBe(302);
  });

  it("keeps serving a link made with the previous key after the key is rotated (and a cold start reads the new ring)", async () => {
    const before = await share("ru", "pdf", { lifetimeSeconds: 3 * DAY });
    const oldKeyId = before.url.split("/s/")[1]!.split(".")[0]!;
    const rotated = await rotateLocalKey(stack.keyDir);
    expect(rotated.currentKeyId).not.toBe(oldKeyId);
    await stack.coldStart();
    const restarted = await stack.listen();

    const token = before.url.split("/s/")[1]!;
    const reply = await open(`${restarted.baseUrl}/s/${token}`);
    expect(reply.status).toBe(302);
    const document = await fetch(reply.headers.get("location")!);
    expect(document.status).toBe(200);
    expect(
      Buffer.from(await document.arrayBuffer())
        .subarray(0, 5)
        .toString("latin1"),
    ).toBe("%PDF-");

    // New links are signed with the new key, and point at the server that made them.
    const after = await share("ru", "pdf", {}, restarted.baseUrl);
    expect(after.url.startsWith(`${restarted.baseUrl}/s/${rotated.currentKeyId}.`)).toBe(true);

    // Once the old key is retired, its links get the "expired" page (410), not "incomplete or changed".
    await rotateLocalKey(stack.keyDir, { retire: [oldKeyId] });
    await stack.coldStart();
    const third = await stack.listen();
    // A key we no longer have: nothing in the link can be trusted, so the page is in the reader's language.
    await expectRefusalPage(await open(`${third.baseUrl}/s/${token}`, { headers: { "accept-language": "ru" } }), 410, "ru", /<h1>Срок действия этой ссылки истёк<\/h1>/);
  });

  it("come back without a restart once a key ring that stopped them at start is fixed on disk", async () => {
    const keyDir = await mkdtemp(join(tmpdir(), "letterpress-broken-ring-"));
    await writeFile(join(keyDir, LOCAL_KEY_FILE), JSON.stringify({ current: "k1", keys: { k1: "c2hvcnQ=" } }), { mode: 0o600 });
    const broken = await startLocalStack({ keyDir });
    try {
      const server = await broken.listen();
      const post = () => fetch(`${server.baseUrl}/letters/${SEED_LETTER}/en/html/shares`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect((await post()).status).toBe(503);
      await rm(join(keyDir, LOCAL_KEY_FILE));
      await loadOrCreateLocalKeyRing(keyDir);
      // Tried again at most once a second: wait for it (never longer than 20 s).
      const deadline = Date.now() + 20_000;
      let status = (await post()).status;
      while (status !== 201 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        status = (await post()).status;
      }
      expect(status).toBe(201);
    } finally {
      await broken.stop();
      await rm(keyDir, { recursive: true, force: true });
    }
  }, 120_000);
});
