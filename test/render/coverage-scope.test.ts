import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { facesOf, faceFilesRead } from "../support/font-faces";
import { DATA_DIR, SEED_LETTER } from "../support/letters";
import { type LocalStack, startLocalStack } from "../support/local-stack";

jest.setTimeout(300_000);

const PROBE = join(__dirname, "support/render-service-probe.ts");

async function probe(how: string): Promise<{ outcome: { stored?: number; failures?: string[]; parts?: number }; fonts: string[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", PROBE, how], { cwd: join(__dirname, "../.."), maxBuffer: 16 * 1024 * 1024 });
  const { outcome, filesRead } = JSON.parse(stdout.trim().split("\n").pop() as string) as { outcome: never; filesRead: string[] };
  return { outcome, fonts: faceFilesRead(filesRead) };
}

const CJK = facesOf("sc", "tc", "jp", "kr");
const LATIN = facesOf("serif", "sans", "symbols");

/**
 * Issue 15 item 3: the render path checks the fonts against the languages it renders, not every
 * language of the letter (a cold Lambda asked for one English document read the CJK faces' cmaps);
 * where data changes (the data-change render, generate) every language is still checked.
 */
describe("which languages a render checks against the fonts (a fresh process each)", () => {
  it("one English PDF of the sixteen-language letter opens Latin faces only, no CJK face", async () => {
    const { outcome, fonts } = await probe("en-pdf");
    expect(outcome).toEqual({ stored: 1, failures: [] });
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.filter((name) => !LATIN.has(name))).toEqual([]);
  });

  it("the data-change render still checks every language: planning the letter opens the CJK faces", async () => {
    const { outcome, fonts } = await probe("changed-letter");
    expect(outcome.parts).toBeGreaterThan(1);
    expect(fonts.filter((name) => CJK.has(name)).length).toBeGreaterThan(0);
  });

  it("generate still checks every language, even asked for English only", async () => {
    const { outcome, fonts } = await probe("generate-en");
    expect(outcome).toEqual({ stored: 1, failures: [] });
    expect(fonts.filter((name) => CJK.has(name)).length).toBeGreaterThan(0);
  });
});

describe("a letter with a language whose text no shipped font draws", () => {
  let dataDir: string;
  let stack: LocalStack;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "letterpress-coverage-scope-"));
    cpSync(join(DATA_DIR, SEED_LETTER), join(dataDir, SEED_LETTER), { recursive: true });
    // An Egyptian hieroglyph in the Russian title: no shipped face has it.
    const file = join(dataDir, SEED_LETTER, "ru.json");
    const russian = JSON.parse(readFileSync(file, "utf8")) as { title: string };
    russian.title = `${russian.title} \u{13000}`;
    writeFileSync(file, JSON.stringify(russian, null, 2));
    stack = await startLocalStack({ dataDir });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("stores an English document under the revision the whole letter's render names, though only English was checked", async () => {
    const planned = await stack.service.planParts(SEED_LETTER);
    const english = await stack.service.render({ letterId: SEED_LETTER, locales: ["en"], formats: ["html"] }, { bounded: true });
    expect(english.failures).toEqual([]);
    expect(english.revision).toBe(planned.revision);
    const generated = await stack.service.render({ letterId: SEED_LETTER, locales: ["fr"], formats: ["html"] }, { checkEveryLanguage: true });
    expect(generated.revision).toBe(planned.revision);
  });

  it("still refuses the language asked for when its text has a glyph no font has, naming it", async () => {
    const russian = await stack.service.render({ letterId: SEED_LETTER, locales: ["ru"], formats: ["html"] }, { bounded: true });
    expect(russian.stored).toEqual([]);
    expect(russian.failures.map((failure) => failure.error.message).join("\n")).toContain("U+13000 EGYPTIAN HIEROGLYPH A001");
  });
});
