import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { HandlerLogger } from "../../functions/handler-logger";
import { loadPageCatalogs, loadUsablePageCatalogs, PAGE_MESSAGES_FOLDER, pageCatalogWarnings } from "../../functions/templates/page-catalogs";
import { templateLoadAndStylesheetWarnings } from "../../functions/templates/templates-folder-warnings";
import { SEED_LETTER, TEMPLATES_DIR } from "../support/letters";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";

/**
 * Fresh user 8a, item 1: one bad optional templates/share-pages/<tag>.json (sr-Latn.json, a key
 * missing and one extra) turned off every share link under `serve`: every POST …/shares 503
 * SHARES_UNAVAILABLE, every /s/… link 503, nothing said at start, and still so after the file was
 * fixed, until a restart. Now that language's catalog is set aside (its refused-link pages in
 * English) and said at start by file, key and what was expected; only the English catalog, which
 * every page falls back to, stops share links, and a reload after it is fixed brings them back.
 */

const english = () => JSON.parse(readFileSync(join(TEMPLATES_DIR, PAGE_MESSAGES_FOLDER, "en.json"), "utf8")) as Record<string, string>;

/** templates/ copied, with share-pages files written as given (a string is written as is, an object as JSON). */
function templatesWith(files: Record<string, string | Record<string, string>>): string {
  // A folder named templates, as people's are: its problems are said under its real path (fresh user's finding 13).
  const dir = join(mkdtempSync(join(tmpdir(), "lp-page-set-aside-")), "templates");
  cpSync(TEMPLATES_DIR, dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFile(dir, name, content);
  return dir;
}

function writeFile(dir: string, name: string, content: string | Record<string, string>): void {
  writeFileSync(join(dir, PAGE_MESSAGES_FOLDER, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
}

/** sr-Latn as fresh user 8a wrote it: every key but one, and one key English does not have. */
function serbianMissingOneAndOneExtra(): Record<string, string> {
  const { "share.error.ask": _dropped, ...rest } = english();
  return { ...rest, "share.error.contact": "Javite se osobi koja vam je poslala vezu." };
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const made = (dir: string) => (dirs.push(dir.endsWith("/templates") ? dirname(dir) : dir), dir);

describe("a share page catalog with a problem", () => {
  it("is set aside alone, by file: the other languages' catalogs are read as they are", async () => {
    const dir = made(templatesWith({ "sr-Latn.json": serbianMissingOneAndOneExtra() }));
    const { catalogs, setAside } = await loadUsablePageCatalogs(dir);
    expect(catalogs["sr-Latn" as never]).toBeUndefined();
    expect(Object.keys(catalogs)).toEqual(expect.arrayContaining(["en", "fr", "ar", "zh"]));
    expect(setAside).toEqual([
      {
        file: `${dir}/share-pages/sr-Latn.json`,
        problems: [
          `${dir}/share-pages/sr-Latn.json: share.error.ask: missing; every locale needs every key of ${dir}/share-pages/en.json`,
          `${dir}/share-pages/sr-Latn.json line 15, column 3: share.error.contact: unexpected key; it is not in ${dir}/share-pages/en.json`,
        ],
      },
    ]);
  });

  it("is set aside when it is not JSON, or a message's arguments differ, each file with its own problems", async () => {
    const fr = JSON.parse(readFileSync(join(TEMPLATES_DIR, PAGE_MESSAGES_FOLDER, "fr.json"), "utf8")) as Record<string, string>;
    const dir = made(templatesWith({ "es.json": '{ "share.expired.title": ', "fr.json": { ...fr, "share.revoked.title": "Ce lien a été retiré par {name}" } }));
    const { catalogs, setAside } = await loadUsablePageCatalogs(dir);
    expect(catalogs.es).toBeUndefined();
    expect(catalogs.fr).toBeUndefined();
    expect(catalogs.de ?? catalogs.ru).toBeDefined();
    expect(setAside.map((entry) => entry.file).sort()).toEqual([`${dir}/share-pages/es.json`, `${dir}/share-pages/fr.json`]);
    expect(setAside.find((entry) => entry.file.endsWith("es.json"))?.problems[0]).toMatch(new RegExp(`^${dir}/share-pages/es\\.json: malformed JSON`));
    expect(setAside.find((entry) => entry.file.endsWith("fr.json"))?.problems).toEqual([
      `${dir}/share-pages/fr.json line 4, column 3: share.revoked.title: takes no arguments, as in ${dir}/share-pages/en.json, but uses {name}`,
    ]);
  });

  it("in English, which every page falls back to, is refused with every problem: nothing could word the pages", async () => {
    const { "share.gone.body": _dropped, ...rest } = english();
    const dir = made(templatesWith({ "en.json": rest, "sr-Latn.json": serbianMissingOneAndOneExtra() }));
    await expect(loadUsablePageCatalogs(dir)).rejects.toThrow("templates/share-pages/en.json: share.gone.body: missing; every refused-link page falls back to this catalog");
    // With every other problem, so that one run shows them all.
    await expect(loadUsablePageCatalogs(dir)).rejects.toThrow(/templates\/share-pages\/sr-Latn\.json line \d+, column \d+: share\.error\.contact: unexpected key/);
    writeFile(dir, "en.json", '{"share.expired.title": "{oops"}');
    await expect(loadUsablePageCatalogs(dir)).rejects.toThrow(/templates\/share-pages\/en\.json line 1, column \d+: share\.expired\.title/);
  });

  it("is refused when a key the pages print is missing from every catalog, English too (before, the catalogs agreed and passed)", async () => {
    const dir = made(join(mkdtempSync(join(tmpdir(), "lp-page-keys-")), "templates"));
    cpSync(join(TEMPLATES_DIR, PAGE_MESSAGES_FOLDER), join(dir, PAGE_MESSAGES_FOLDER), { recursive: true });
    for (const tag of ["en", "fr", "es"]) {
      const file = join(dir, PAGE_MESSAGES_FOLDER, `${tag}.json`);
      const { "share.revoked.body": _dropped, ...rest } = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
      writeFileSync(file, JSON.stringify(rest));
    }
    for (const tag of readdirSync(join(dir, PAGE_MESSAGES_FOLDER)).filter((name) => !["en.json", "fr.json", "es.json"].includes(name)))
      rmSync(join(dir, PAGE_MESSAGES_FOLDER, tag));
    // The bundling step's check (loadPageCatalogs is the same whole check) and the share routes' reading alike.
    await expect(loadPageCatalogs(dir)).rejects.toThrow("templates/share-pages/en.json: share.revoked.body: missing; every refused-link page falls back to this catalog");
    await expect(loadUsablePageCatalogs(dir)).rejects.toThrow("templates/share-pages/en.json: share.revoked.body: missing");
  });

  it("is said at the start of generate and serve (their template warnings), by file, key and what was expected", async () => {
    const dir = made(templatesWith({ "sr-Latn.json": serbianMissingOneAndOneExtra() }));
    const warnings = await templateLoadAndStylesheetWarnings(dir, "A4");
    const warning = warnings.find((line) => line.startsWith(`${dir}/share-pages/sr-Latn.json is set aside`));
    expect(warning).toBeDefined();
    expect(warning).toContain("refused share links in its language show the English pages");
    expect(warning).toContain(`  ${dir}/share-pages/sr-Latn.json: share.error.ask: missing; every locale needs every key of ${dir}/share-pages/en.json`);
    // The folder given, never a made-up templates/ (fresh user's finding 13: --templates /tmp/x/templates).
    expect(warning).toContain(`English pages (${dir}/share-pages/en.json)`);
    expect(warning).toContain(`  ${dir}/share-pages/sr-Latn.json line 15, column 3: share.error.contact: unexpected key`);
    // The shipped catalogs: nothing to say.
    expect(await pageCatalogWarnings(TEMPLATES_DIR)).toEqual([]);
    // No share-pages folder at all: said as missing, with what it holds.
    const without = made(mkdtempSync(join(tmpdir(), "lp-no-share-pages-")));
    expect(await pageCatalogWarnings(without)).toEqual([expect.stringMatching(/share-pages: missing: share links are unavailable .* it holds en\.json/)]);
    // A broken English catalog: share links are off, and the warning says so.
    writeFile(dir, "en.json", "not json");
    expect((await pageCatalogWarnings(dir))[0]?.startsWith(`${dir}/share-pages: share links are unavailable`)).toBe(true);
    expect((await pageCatalogWarnings(dir))[0]).toMatch(/share-pages: share links are unavailable \(every request answers 503\) until this is fixed/);
  });
});

describe("share links under serve with a broken share page catalog", () => {
  let stack: LocalStack | undefined;
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
    await stack?.stop();
    stack = undefined;
    running = undefined;
  });
  const warned: { message: string; attributes: unknown }[] = [];
  const logger: HandlerLogger = {
    info: () => undefined,
    warn: (message, attributes) => void warned.push({ message, attributes }),
    error: () => undefined,
  };

  const post = (base: string, locale: string) =>
    fetch(`${base}/letters/${SEED_LETTER}/${locale}/html/shares`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });

  it("keep working in every language; the broken language's refused-link pages are in English, the others' in their own", async () => {
    const dir = made(templatesWith({ "sr-Latn.json": serbianMissingOneAndOneExtra() }));
    stack = await startLocalStack({ templatesDir: dir, logger });
    running = await stack.listen();
    const created = await post(running.baseUrl, "en");
    expect(created.status).toBe(201);
    const { url } = (await created.json()) as { url: string };
    expect((await fetch(url, { redirect: "manual" })).status).toBe(302);

    const refusedInSerbian = await fetch(`${running.baseUrl}/s/not-a-token`, { headers: { "accept-language": "sr-Latn" } });
    expect(refusedInSerbian.status).toBe(404);
    const page = await refusedInSerbian.text();
    expect(page).toContain('<html lang="en"');
    expect(page).toContain(english()["share.invalid.title"]);
    const refusedInFrench = await fetch(`${running.baseUrl}/s/not-a-token`, { headers: { "accept-language": "fr" } });
    expect(await refusedInFrench.text()).toContain('<html lang="fr"');
    // Said in the function's log too (on Lambda, the only place), by file and problem.
    expect(warned).toContainEqual(expect.objectContaining({ attributes: expect.objectContaining({ file: `${dir}/share-pages/sr-Latn.json` }) }));
  }, 120_000);

  it("come back once the English catalog that stopped them is fixed and the templates reload, without a restart", async () => {
    const { "share.gone.body": _dropped, ...rest } = english();
    const dir = made(templatesWith({ "en.json": rest }));
    stack = await startLocalStack({ templatesDir: dir, logger });
    running = await stack.listen();
    const refused = await post(running.baseUrl, "en");
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("SHARES_UNAVAILABLE");
    expect((await fetch(`${running.baseUrl}/s/not-a-token`)).status).toBe(503);

    writeFile(dir, "en.json", english());
    await stack.runtime.reloadRenderer();
    expect((await post(running.baseUrl, "en")).status).toBe(201);
    expect((await fetch(`${running.baseUrl}/s/not-a-token`)).status).toBe(404);
  }, 120_000);
});
