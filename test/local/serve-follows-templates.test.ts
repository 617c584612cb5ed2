import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LetterDataWatch } from "../../local/data-watch";
import { followLetterData } from "../../local/follow-letter-data";
import { eventually } from "../support/eventually";
import { DATA_DIR, TEMPLATES_DIR } from "../support/letters";
import { type LocalStack, type RunningServer, startLocalStack } from "../support/local-stack";
import { byTag, findAll, parseDocument, textContent } from "../support/html";

jest.setTimeout(600_000);

const LETTER = "committee-hearing-defenders";
const TEMPLATE = "parliamentary-committee";

/**
 * Issue 15 item 1, over the serve runtime (its render queues, a real embedded S3, real template and
 * data folders): a message catalog added to a template while serve ran was still reported missing,
 * because serve never read the templates folder again. The share pages' own words
 * (templates/share-pages) were read once at start, and are followed too.
 */
describe("`npm run serve` following the templates folder", () => {
  let templatesDir: string;
  let dataDir: string;
  let stack: LocalStack;
  let running: RunningServer;
  let watching: LetterDataWatch;
  const out: string[] = [];
  const err: string[] = [];

  beforeAll(async () => {
    templatesDir = mkdtempSync(join(tmpdir(), "letterpress-serve-templates-"));
    dataDir = mkdtempSync(join(tmpdir(), "letterpress-serve-templates-data-"));
    cpSync(TEMPLATES_DIR, templatesDir, { recursive: true });
    // The German catalog is added only later, while serve runs.
    rmSync(join(templatesDir, TEMPLATE, "messages/de.json"));
    cpSync(join(DATA_DIR, LETTER), join(dataDir, LETTER), { recursive: true });
    stack = await startLocalStack({ dataDir, templatesDir });
    running = await stack.listen();
    watching = followLetterData(stack.runtime, dataDir, { templatesDir, out: (line) => out.push(line), err: (line) => err.push(line), settleMs: 300 });
  });
  afterAll(async () => {
    await watching?.close();
    await running?.close();
    await stack?.stop();
    rmSync(templatesDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  const published = () => out.filter((line) => line.startsWith(`letter ${LETTER} `) && line.includes(" published, "));
  const revisionOf = (line: string | undefined) => /revision ([0-9a-f]+) published/.exec(line ?? "")?.[1];
  const manifestLocales = async () => {
    const latest = await stack.runtime.store.getLatest(LETTER);
    const manifest = latest ? await stack.runtime.store.getManifest(LETTER, latest.revision) : undefined;
    return [...new Set((manifest?.documents ?? []).map((document) => document.locale))].sort();
  };

  it("builds the renderer again on a change, keeps the one before while a template does not load, and renders the template's letters", async () => {
    await eventually(() => published().length >= 1, "the first render at start");
    // Named under the templates folder serve reads (a temporary one here), as --templates gives it.
    expect(err.join("\n")).toContain(`expected ${templatesDir}/${TEMPLATE}/messages/de.json (it has en, fr)`);
    expect(await manifestLocales()).toEqual(["en", "fr"]);
    const first = revisionOf(published().at(-1));

    // A template that does not compile: said in full, and the renderer before stays in use.
    const letterHbs = join(templatesDir, TEMPLATE, "letter.hbs");
    const goodTemplate = readFileSync(letterHbs, "utf8");
    writeFileSync(letterHbs, `${goodTemplate}\n{{#each signatories}}never closed\n`);
    await eventually(() => err.some((line) => line.includes("not reloaded")), "the broken template said");
    const refusal = err.findIndex((line) => line.includes("not reloaded"));
    expect(err[refusal]).toBe(`templates (${TEMPLATE} changed): not reloaded; documents are still made with the templates loaded before:`);
    expect(err[refusal + 1]).toMatch(/^ {2}\S/);
    expect(err.slice(refusal + 1).join("\n")).toContain("letter.hbs");
    const before = published().length;
    await watching.renderNow(LETTER);
    expect(published().length).toBe(before + 1);
    expect(revisionOf(published().at(-1))).toBe(first);

    // The template mended and the German catalog added: one reload, and the letter rendered with both.
    const errorsBefore = err.length;
    writeFileSync(letterHbs, goodTemplate);
    cpSync(join(TEMPLATES_DIR, TEMPLATE, "messages/de.json"), join(templatesDir, TEMPLATE, "messages/de.json"));
    await eventually(() => out.some((line) => line === `templates reloaded (${TEMPLATE} changed)`), "the templates reloaded");
    await eventually(() => published().length > before + 1, "the letter rendered with the reloaded templates");
    await eventually(() => revisionOf(published().at(-1)) !== first, "a new revision");
    expect(await manifestLocales()).toEqual(["de", "en", "fr"]);
    expect(published().at(-1)).toMatch(/published, 6 documents$/);
    expect(err.slice(errorsBefore).join("\n")).not.toContain("messages/de.json");
  });

  it('says on the console a share page catalog the reload sets aside, with its problems, beside "templates reloaded"', async () => {
    // It was said only in .local/functions.log: the console said "templates reloaded" and nothing else (fresh user 8a).
    const catalogFile = join(templatesDir, "share-pages", "fr.json");
    const original = readFileSync(catalogFile, "utf8");
    const { "share.invalid.title": _dropped, ...catalog } = JSON.parse(original) as Record<string, string>;
    const reloads = out.filter((line) => line.startsWith("templates reloaded")).length;
    writeFileSync(catalogFile, `${JSON.stringify({ ...catalog, "share.not.a.key": "en trop" }, null, 2)}\n`);
    const setAsideWarnings = () => err.filter((line) => line.startsWith("warning: ") && line.includes("share-pages/fr.json is set aside"));
    await eventually(() => setAsideWarnings().length > 0, "the set-aside fr.json said on the console");
    expect(out.filter((line) => line.startsWith("templates reloaded")).slice(reloads)).toEqual(["templates reloaded (share-pages changed)"]);
    const warning = setAsideWarnings();
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatch(/share\.invalid\.title/);
    expect(warning[0]).toMatch(/share\.not\.a\.key/);
    writeFileSync(catalogFile, original);
    await eventually(() => out.filter((line) => line.startsWith("templates reloaded")).length > reloads + 1, "the templates reloaded after fr.json was restored");
    // Sound again: nothing more said about it.
    expect(err.filter((line) => line.includes("share-pages/fr.json is set aside"))).toHaveLength(1);
  });

  it("words the share pages with templates/share-pages as they are now, on the next request after a save", async () => {
    // A link that is not one: the refusal page, worded by the share pages' English catalog.
    const refusalHeading = async () => {
      const reply = await fetch(`${running.baseUrl}/s/not-a-token`, { headers: { "accept-language": "en" } });
      return findAll(parseDocument(await reply.text()), byTag("h1")).map(textContent);
    };
    const catalogFile = join(templatesDir, "share-pages", "en.json");
    const catalog = JSON.parse(readFileSync(catalogFile, "utf8")) as Record<string, string>;
    expect(await refusalHeading()).toEqual([catalog["share.invalid.title"]]);

    const reloads = out.filter((line) => line.startsWith("templates reloaded")).length;
    const reworded = "This link cannot be opened (reworded while serve ran)";
    writeFileSync(catalogFile, `${JSON.stringify({ ...catalog, "share.invalid.title": reworded }, null, 2)}\n`);
    await eventually(() => out.filter((line) => line.startsWith("templates reloaded")).length > reloads, "the templates reloaded after the share page's catalog changed");

    expect(out.filter((line) => line.startsWith("templates reloaded")).at(-1)).toBe("templates reloaded (share-pages changed)");
    expect(await refusalHeading()).toEqual([reworded]);

    // A message that cannot be printed (the fresh user's "{x" answered every refused link 503): refused
    // at the reload, naming the file and key, and the words before stay in use.
    const refusalsBefore = err.filter((line) => line.includes("not reloaded")).length;
    writeFileSync(catalogFile, `${JSON.stringify({ ...catalog, "share.invalid.title": "{x" }, null, 2)}\n`);
    await eventually(() => err.filter((line) => line.includes("not reloaded")).length > refusalsBefore, "the broken share-page catalog said");
    // Under the folder serve was given, not a made-up templates/ (fresh user's finding 13).
    expect(err.join("\n")).toContain(`${join(templatesDir, "share-pages", "en.json")} line `);
    expect(err.join("\n")).toMatch(/share-pages\/en\.json line \d+, column 3: share\.invalid\.title: malformed ICU message/);
    expect(await refusalHeading()).toEqual([reworded]);
  });
});
