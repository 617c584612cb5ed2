/// <reference lib="dom" />
import { sha256Hex } from "../../functions/core/documents";
import { browserAvailable, type LaunchedBrowser, launchChromium, seriousAxeViolations, watchProblems } from "../support/browser";
import { SEED_LETTER } from "../support/letters";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("the letters page (served by the download handler through the local server) in headless Chromium", () => {
  let launched: LaunchedBrowser;
  let stack: LocalStack;
  let running: RunningServer;
  beforeAll(async () => {
    [launched, stack] = await Promise.all([launchChromium(), startLocalStack()]);
    running = await stack.listen();
    // The page lists what the bucket holds: publish some of the letter first, as `npm run serve` does at start.
    await stack.runtime.render({ letterId: SEED_LETTER, locales: ["en", "ru"] });
    await stack.runtime.render({ letterId: SEED_LETTER, locales: ["es"], formats: ["pdf"], recipients: ["cl"] });
  });
  afterAll(async () => {
    await launched?.close();
    await running?.close();
    await stack?.stop();
  });

  it("lists every language and format, and a click downloads the PDF through a signed link", async () => {
    const context = await launched.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${running.baseUrl}/`);
    const links = await page.locator("a").evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute("href")));
    expect(links).toContain(`/letters/${SEED_LETTER}/en/pdf`);
    expect(links).toContain(`/letters/${SEED_LETTER}/ru/html`);
    expect(links).toContain(`/letters/${SEED_LETTER}/es/pdf?recipient=cl`);

    const [download] = await Promise.all([page.waitForEvent("download"), page.locator(`a[href="/letters/${SEED_LETTER}/en/pdf"]`).click()]);
    expect(download.url()).toMatch(/X-Amz-Signature=/);
    expect(download.suggestedFilename()).toBe("Joint Letter to UN Security Council re North Korean human rights.pdf");
    const bytes = Buffer.from(await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks)));
    const latest = await stack.store.getLatest(SEED_LETTER);
    const entry = (await stack.store.getManifest(SEED_LETTER, latest!.revision))!.documents.find((doc) => doc.locale === "en" && doc.format === "pdf");
    expect(sha256Hex(bytes)).toBe(entry!.sha256);
    await context.close();
  });

  it("makes a share link with the 'copy share link' control, shows and copies it, and the link opens the document; no console error, no serious axe violation", async () => {
    const context = await launched.browser.newContext({ viewport: { width: 390, height: 800 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: running.baseUrl });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${running.baseUrl}/`, { waitUntil: "load" });
    expect(await seriousAxeViolations(page)).toEqual([]);

    const form = page.locator(`form[action="/letters/${SEED_LETTER}/ru/html/shares"]`);
    await form.getByRole("button", { name: "Copy share link" }).click();
    const shown = form.locator("output a");
    await shown.waitFor();
    const url = await shown.getAttribute("href");
    expect(url).toMatch(new RegExp(`^${running.baseUrl}/s/[A-Za-z0-9._~-]+$`));
    expect(await shown.textContent()).toBe(url);
    expect(await form.locator("output").textContent()).toContain("copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    // The page with the link shown is still clean.
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A colleague opens it: a fresh context (no cookies, no credentials), the HTML edition inline.
    const colleague = await launched.browser.newContext();
    const opened = await colleague.newPage();
    const colleagueProblems = watchProblems(opened);
    const response = await opened.goto(url!, { waitUntil: "load" });
    expect(response?.status()).toBe(200);
    expect(opened.url()).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
    expect(await opened.evaluate(() => document.documentElement.lang)).toBe("ru");
    await colleague.close();

    expect(problems).toEqual([]);
    expect(colleagueProblems).toEqual([]);
    await context.close();
  });

  it("makes a personalized letter's share link for its recipient", async () => {
    const context = await launched.browser.newContext();
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${running.baseUrl}/`, { waitUntil: "load" });
    const form = page.locator(`form[action="/letters/${SEED_LETTER}/es/pdf/shares"][data-recipient="cl"]`);
    await form.getByRole("button", { name: "Copy share link" }).click();
    await form.locator("output a").waitFor();
    const url = (await form.locator("output a").getAttribute("href"))!;
    const opened = await fetch(url, { redirect: "manual" });
    expect(opened.status).toBe(302);
    expect(opened.headers.get("location")).toMatch(/\/es\/cl\/[^/?]+\.pdf\?.*X-Amz-Signature=/);
    expect(problems).toEqual([]);
    await context.close();
  });
});
