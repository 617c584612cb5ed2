/// <reference lib="dom" />
import { SEED_LETTER } from "../support/letters";
import { browserAvailable, type LaunchedBrowser, launchChromium, seriousAxeViolations } from "../support/browser";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";
import { manualClock } from "./support";

const describeInBrowser = browserAvailable() ? describe : describe.skip;
const DAY = 86_400;

/**
 * A colleague opening share links in Chromium, through the local server (the download function's
 * handler, the embedded S3): the HTML edition opens as a page (not a download), and an expired link
 * shows its page; each with no console error and no serious axe-core violation.
 */
describeInBrowser("share links opened in headless Chromium through the local server", () => {
  let stack: LocalStack;
  let running: RunningServer;
  let launched: LaunchedBrowser;
  const time = manualClock(new Date(Math.floor(Date.now() / 1000) * 1000));

  beforeAll(async () => {
    stack = await startLocalStack({ functionClock: time.clock });
    running = await stack.listen();
    launched = await launchChromium();
  });
  afterAll(async () => {
    await launched?.close();
    await stack?.stop();
  });

  async function share(locale: string, format: string, lifetimeSeconds: number): Promise<string> {
    const reply = await fetch(`${running.baseUrl}/letters/${SEED_LETTER}/${locale}/${format}/shares`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lifetimeSeconds }),
    });
    expect(reply.status).toBe(201);
    return ((await reply.json()) as { url: string }).url;
  }

  async function visit(url: string, acceptLanguage = "en") {
    const context = await launched.browser.newContext({ viewport: { width: 390, height: 800 }, locale: acceptLanguage, acceptDownloads: false });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      // Chromium reports a refused link's own 404/410 status as a failed load: that status is the answer we mean.
      const ownStatus = /^Failed to load resource: the server responded with a status of (404|410)\b/.test(message.text()) && message.location().url === url;
      if ((message.type() === "error" || message.type() === "warning") && !ownStatus) problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    const response = await page.goto(url, { waitUntil: "load" });
    const serious = await seriousAxeViolations(page);
    const seen = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      heading: document.querySelector("h1")?.textContent ?? null,
      text: document.body.textContent.length,
    }));
    const finalUrl = page.url();
    await context.close();
    return { status: response?.status(), problems, serious, seen, finalUrl };
  }

  it("opens a shared HTML edition as a page in the document's language (inline, not a download), cleanly", async () => {
    const url = await share("fr", "html", 3 * DAY);
    const result = await visit(url);
    expect(result.status).toBe(200);
    // Followed the redirect to the presigned S3 URL of the stored edition.
    expect(result.finalUrl).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
    expect(result.seen.lang).toBe("fr");
    expect(result.seen.text).toBeGreaterThan(200);
    expect(result.problems).toEqual([]);
    expect(result.serious).toEqual([]);
  });

  it("shows an expired link's page (410, the document's language), with no console error and no serious axe violation", async () => {
    const start = time.clock();
    try {
      const url = await share("ar", "pdf", 3 * DAY);
      time.set(new Date(start.getTime() + 3 * DAY * 1000 + 1000));
      const result = await visit(url);
      expect(result.status).toBe(410);
      expect(result.seen.lang).toBe("ar");
      expect(result.seen.heading).toBeTruthy();
      expect(result.problems).toEqual([]);
      expect(result.serious).toEqual([]);
    } finally {
      time.set(start);
    }
  });
});
