import { existsSync } from "node:fs";
import axe from "axe-core";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Without these, Chromium keeps calling home on a closed network.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Whether the browser tests can run. Locally they skip, loudly, when Chromium is missing; under CI
 * (CI=true) a missing browser is a failure, not a skip.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === "true") throw new Error(`Chromium is required under CI but ${CHROMIUM_PATH} does not exist; .ci/run installs it`);
  console.warn(`SKIPPING browser tests: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return false;
}

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Debian's Chromium; playwright gives every launch a fresh, temporary profile of its own. */
export async function launchChromium(): Promise<LaunchedBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  return { browser, close: () => browser.close() };
}

/**
 * Chromium's print of the page (its CSS page size) once every face it declares has loaded. page.pdf()
 * prints what is there: a face still loading, or first asked for by a margin box (laid out only for
 * print), prints its text blank (font-display: block). A face that cannot load (the HTML edition's
 * empty masks) is passed over. Evaluated through the DevTools protocol, past the page's policy.
 */
export async function printWhenFontsLoaded(page: Page): Promise<Buffer> {
  await page.evaluate(async () => {
    const loads: Promise<unknown>[] = [];
    document.fonts.forEach((face) => {
      loads.push(face.load().catch(() => undefined));
    });
    await Promise.all(loads);
    await document.fonts.ready;
  });
  return page.pdf({ preferCSSPageSize: true });
}

/**
 * The serious and critical axe-core violations of the page as it stands, one line each. axe is
 * evaluated through the DevTools protocol, so a page whose policy forbids every script is checked too.
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const results = await page.evaluate(() => (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ["violations"] }));
  return results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical").map((violation) => `${violation.id}: ${violation.help}`);
}

/**
 * Console errors and warnings, and uncaught page errors, from the moment it is called. `expected`
 * names console messages that are the behaviour under test (a 401 from an authorizer), not a fault.
 */
export function watchProblems(page: Page, expected?: RegExp): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if ((message.type() === "error" || message.type() === "warning") && !expected?.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return problems;
}

/** A page with nothing to reach: what a self-contained document is shown in, and what it tried to fetch. */
export interface OfflinePage {
  page: Page;
  context: BrowserContext;
  /** Every request beyond the page itself, recorded and refused. */
  requests: string[];
  /** Console errors and warnings, and uncaught page errors (watchProblems). */
  problems: string[];
}

/**
 * An offline context's page on which every request is recorded and refused, and every console error
 * collected: the page must show itself from its own bytes (a document's HTML edition, inline images
 * and fonts included). Close it with `context.close()`.
 */
export async function openOfflinePage(browser: Browser, options: BrowserContextOptions = {}): Promise<OfflinePage> {
  const context = await browser.newContext({ ...options, offline: true });
  const page = await context.newPage();
  const requests: string[] = [];
  await page.route("**/*", (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  return { page, context, requests, problems: watchProblems(page) };
}
