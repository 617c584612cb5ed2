/// <reference lib="dom" />
import { sha256Hex } from "../../functions/core/documents";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { SEED_LETTER } from "../support/letters";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser("the local server's index page in headless Chromium", () => {
  let launched: LaunchedBrowser;
  let stack: LocalStack;
  let running: RunningServer;
  beforeAll(async () => {
    [launched, stack] = await Promise.all([launchChromium(), startLocalStack()]);
    running = await stack.listen();
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
});
