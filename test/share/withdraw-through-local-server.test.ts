import { S3ShareStore } from "../../functions/share/s3-share-store";
import { REFUSAL_PAGE_CSP } from "../../functions/share/share-refusal-page";
import { withdraw } from "../../local/withdraw";
import { SEED_LETTER } from "../support/letters";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";

jest.setTimeout(300_000);

/**
 * Fresh user's finding 4, end to end through the local server (what `npm run serve` runs) and the
 * embedded S3 over HTTP: withdrawing one recipient's copies, then a language, then the whole letter
 * makes every share link to them (pinned and "latest") answer the 410 page, deletes the stored bytes
 * (a signed link made before no longer opens them), and leaves everything else as it was. Before,
 * there was no way to withdraw anything: each link kept answering 302.
 */
describe("withdrawing a letter, a language or a recipient's copies", () => {
  let stack: LocalStack;
  let running: RunningServer;

  beforeAll(async () => {
    stack = await startLocalStack();
    running = await stack.listen();
  });
  afterAll(async () => stack.stop());

  const request = (path: string, init: RequestInit = {}) => fetch(`${running.baseUrl}${path}`, { redirect: "manual", ...init });
  async function share(locale: string, body: Record<string, unknown> = {}): Promise<string> {
    const reply = await request(`/letters/${SEED_LETTER}/${locale}/pdf/shares`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(reply.status).toBe(201);
    return ((await reply.json()) as { url: string }).url;
  }
  const open = (url: string) => fetch(url, { redirect: "manual" });
  /** Where a share link sends its reader now: the presigned document URL. */
  async function documentUrl(link: string): Promise<string> {
    const reply = await open(link);
    expect(reply.status).toBe(302);
    return reply.headers.get("location") as string;
  }
  async function expectWithdrawnPage(link: string) {
    const reply = await open(link);
    expect(reply.status).toBe(410);
    expect(reply.headers.get("content-security-policy")).toBe(REFUSAL_PAGE_CSP);
    expect(await reply.text()).not.toMatch(/<\?xml|<Code>/);
  }
  const withdrawNow = (scope: Parameters<typeof withdraw>[0]) =>
    withdraw(scope, { documents: stack.store, shares: new S3ShareStore({ client: stack.harness.client, bucket: stack.harness.s3.bucket }), revokedBy: "test" });

  it("revokes every link to the scope and deletes its bytes in every revision; links outside it still open", async () => {
    // A recipient's copy (pinned and latest), another recipient's, the letter to the Council in two languages.
    const gbPinned = await share("en", { recipient: "gb" });
    const gbLatest = await share("en", { recipient: "gb", follow: "latest" });
    const usPinned = await share("en", { recipient: "us" });
    const frPinned = await share("fr");
    const frLatest = await share("fr", { follow: "latest" });
    const enPinned = await share("en");
    const gbBytes = await documentUrl(gbPinned);
    expect((await fetch(gbBytes)).status).toBe(200);

    const recipient = await withdrawNow({ letterId: SEED_LETTER, recipientId: "gb" });
    expect(recipient.revokedShares).toHaveLength(2);
    expect(recipient.documents.every((key) => key.includes("/gb/"))).toBe(true);
    expect(recipient.documents.length).toBeGreaterThan(0);
    await expectWithdrawnPage(gbPinned);
    await expectWithdrawnPage(gbLatest);
    // The signed link handed out before: the bytes are gone from the store.
    expect((await fetch(gbBytes)).status).toBe(404);
    expect((await fetch(await documentUrl(usPinned))).status).toBe(200);

    const language = await withdrawNow({ letterId: SEED_LETTER, locale: "fr" });
    expect(language.revokedShares).toHaveLength(2);
    await expectWithdrawnPage(frPinned);
    await expectWithdrawnPage(frLatest);
    expect((await fetch(await documentUrl(enPinned))).status).toBe(200);
    const manifest = await stack.store.getManifest(SEED_LETTER, (await stack.store.getLatest(SEED_LETTER))!.revision);
    expect(manifest?.documents.some((entry) => entry.locale === "fr" || entry.recipientId === "gb")).toBe(false);

    const enBytes = await documentUrl(enPinned);
    expect(await (await request("/")).text()).toContain(`/letters/${SEED_LETTER}/`);
    const letter = await withdrawNow({ letterId: SEED_LETTER });
    // the two gb and two fr links were revoked already
    expect(letter.revokedShares).toHaveLength(2);
    expect(letter.alreadyRevokedShares).toHaveLength(4);
    for (const link of [enPinned, usPinned, gbPinned, frLatest]) await expectWithdrawnPage(link);
    expect((await fetch(enBytes)).status).toBe(404);
    expect(await stack.store.listLetterIds()).not.toContain(SEED_LETTER);
    const page = await (await request("/")).text();
    expect(page).not.toContain(`/letters/${SEED_LETTER}/`);
  });
});
