import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCatalogFolder } from "../../functions/templates/catalog-folder";
import { CHECKED_PAGE_CATALOGS_FILE, loadPageCatalogs, PAGE_MESSAGES_FOLDER, pageCatalogsDigest, writeCheckedPageCatalogs } from "../../functions/templates/page-catalogs";
import { afterBundlingCommands } from "../../infra/constructs/letter-function";
import { TEMPLATES_DIR } from "../support/letters";

/**
 * The share pages' catalogs are checked when a bundle is made, not at the download function's cold
 * start (review of issue 15): the bundling step fails on a bad catalog, naming file and key, and
 * writes the digest of the catalogs it checked beside index.js; the cold start skips the check for
 * those very catalogs only, and `serve` (run from the sources, nothing beside its code) checks on every read.
 */
let dir: string;
let code: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lp-pages-"));
  code = mkdtempSync(join(tmpdir(), "lp-pages-code-"));
  cpSync(join(TEMPLATES_DIR, PAGE_MESSAGES_FOLDER), join(dir, PAGE_MESSAGES_FOLDER), { recursive: true });
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(code, { recursive: true, force: true });
});

const breakFrench = () => {
  const file = join(dir, PAGE_MESSAGES_FOLDER, "fr.json");
  const catalog = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  const key = Object.keys(catalog)[0]!;
  catalog[key] = "{broken";
  writeFileSync(file, JSON.stringify(catalog));
  return key;
};

it("the bundling step refuses a bad catalog, naming file and key, and writes nothing", async () => {
  const key = breakFrench();
  await expect(writeCheckedPageCatalogs(dir, join(code, CHECKED_PAGE_CATALOGS_FILE))).rejects.toThrow(
    // The folder as given (d3b835e: problems name the real path, not a made-up templates/share-pages).
    new RegExp(`^${join(dir, PAGE_MESSAGES_FOLDER, "fr.json").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}.*${key.replace(/\./g, "\\.")}`),
  );
  expect(existsSync(join(code, CHECKED_PAGE_CATALOGS_FILE))).toBe(false);
});

it("a cold start beside the checked digest skips the check for those very catalogs; catalogs changed since are checked again", async () => {
  await writeCheckedPageCatalogs(dir, join(code, CHECKED_PAGE_CATALOGS_FILE));
  expect(Object.keys(await loadPageCatalogs(dir, code))).toEqual(expect.arrayContaining(["en", "fr"]));
  // Edited after bundling: no longer the catalogs checked, so checked now and refused by file and key.
  const key = breakFrench();
  await expect(loadPageCatalogs(dir, code)).rejects.toThrow(new RegExp(`fr\\.json.*${key.replace(/\./g, "\\.")}`));
  // What shows the check is skipped, not repeated: a digest written for these (broken) catalogs lets them through.
  // The bundling step never writes one for catalogs with a problem (the first test).
  const { catalogs } = await readCatalogFolder(join(dir, PAGE_MESSAGES_FOLDER), `templates/${PAGE_MESSAGES_FOLDER}`);
  writeFileSync(join(code, CHECKED_PAGE_CATALOGS_FILE), JSON.stringify({ digests: [pageCatalogsDigest(catalogs)] }));
  expect((await loadPageCatalogs(dir, code)).fr?.[key]).toBe("{broken");
});

it("run from the sources (serve's reload: nothing beside its code), every read checks", async () => {
  await loadPageCatalogs(dir, code);
  breakFrench();
  await expect(loadPageCatalogs(dir, code)).rejects.toThrow(/fr\.json/);
  await expect(loadPageCatalogs(dir)).rejects.toThrow(/fr\.json/);
});

it("every bundle with templates runs the check after bundling", () => {
  expect(afterBundlingCommands({ templates: true, fonts: false }, "/out")).toContainEqual(
    expect.stringMatching(new RegExp(`check-page-catalogs-cli\\.ts" ".*templates" "/out/${CHECKED_PAGE_CATALOGS_FILE}"`)),
  );
  expect(afterBundlingCommands({ templates: false, fonts: true }, "/out").some((command) => command.includes("check-page-catalogs"))).toBe(false);
});
