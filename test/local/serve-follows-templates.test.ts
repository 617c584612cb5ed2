import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHandlerLogger } from "../../functions/handler-logger";
import { DirectoryLetterSource } from "../../functions/letters/letter-source";
import { createRenderer } from "../../functions/render/create-renderer";
import type { LetterDataWatch } from "../../local/data-watch";
import { followLetterData } from "../../local/follow-letter-data";
import { type LocalRuntime, wireLocalRuntime } from "../../local/runtime";
import { type Harness, startHarness } from "../storage/embedded-s3-harness";
import { DATA_DIR, TEMPLATES_DIR } from "../support/letters";

jest.setTimeout(600_000);

/** Waits for a condition without asserting how fast it comes (the machine may be busy). */
async function eventually(condition: () => boolean, what: string, limitMs = 300_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`not seen in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const LETTER = "committee-hearing-defenders";
const TEMPLATE = "parliamentary-committee";

/**
 * Issue 15 item 1, over the serve runtime (its render queues, a real embedded S3, real template and
 * data folders): a message catalog added to a template while serve ran was still reported missing,
 * because serve never read the templates folder again.
 */
describe("`npm run serve` following the templates folder", () => {
  let templatesDir: string;
  let dataDir: string;
  let harness: Harness;
  let runtime: LocalRuntime;
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
    harness = await startHarness();
    const makeRenderer = () => createRenderer({ templatesDir, paper: "A4" });
    runtime = await wireLocalRuntime(
      {
        store: harness.store({ maxPresignExpirySeconds: 3_600 }),
        letters: new DirectoryLetterSource(dataDir),
        renderer: makeRenderer(),
        makeRenderer,
        logger: createHandlerLogger("letterpress-test", "SILENT"),
      },
      "embedded S3 (test)",
      async () => {},
    );
    watching = followLetterData(runtime, dataDir, { templatesDir, out: (line) => out.push(line), err: (line) => err.push(line), settleMs: 300 });
  });
  afterAll(async () => {
    await watching?.close();
    await harness?.stop();
    rmSync(templatesDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  const published = () => out.filter((line) => line.startsWith(`letter ${LETTER} `) && line.includes(" published, "));
  const revisionOf = (line: string | undefined) => /revision ([0-9a-f]+) published/.exec(line ?? "")?.[1];
  const manifestLocales = async () => {
    const latest = await runtime.store.getLatest(LETTER);
    const manifest = latest ? await runtime.store.getManifest(LETTER, latest.revision) : undefined;
    return [...new Set((manifest?.documents ?? []).map((document) => document.locale))].sort();
  };

  it("builds the renderer again on a change, keeps the one before while a template does not load, and renders the template's letters", async () => {
    await eventually(() => published().length >= 1, "the first render at start");
    expect(err.join("\n")).toContain(`expected templates/${TEMPLATE}/messages/de.json (it has en, fr)`);
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
});
