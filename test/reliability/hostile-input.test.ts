import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "../../functions/core/documents";
import type { DocumentStore } from "../../functions/storage/document-store";
import { RenderService } from "../../functions/render/render-service";
import { startHarness } from "../storage/embedded-s3-harness";
import { ERROR_CODES } from "../../functions/core/errors";
import type { DocumentRenderer } from "../../functions/core/render-document";
import { DirectoryLetterSource } from "../../functions/letters/letter-source";
import { createRenderer } from "../../functions/render/create-renderer";
import { S3LetterSource } from "../../functions/storage/s3-letter-source";
import { flatFontDir } from "../support/lambda-env";
import { DATA_DIR, TEMPLATES_DIR, SHIPPED_LOCALES } from "../support/letters";
import { type FaultStack, listKeys, startFaultStack } from "./support/fault-stack";
import { recordFigures, writeFigureFile } from "./support/figures";
import {
  type ApiCase,
  baselinePages,
  type EventCase,
  type EventOutcome,
  expand,
  expandDeep,
  type HostileCase,
  type LetterCase,
  type LetterIdCase,
  letterFilesOf,
  loadCorpus,
  outcomeOfLetter,
  type pageShape,
  sendApiCase,
} from "./support/hostile-corpus";
import { loadRenderHandler, type RenderHandler, uploadLetters } from "./support/render-handler";
import { type ServedStack, startServedStack } from "./support/served-stack";

/**
 * Every case of the hostile-input corpus (test/fixtures/hostile/cases.json) produces exactly the
 * outcome it states: a clear error naming the place and the rule, or safe, inert output. Never a
 * crash, a stack trace to the caller, or a partial document.
 */

const corpus = loadCorpus();
const ofKind = <K extends HostileCase["kind"]>(kind: K) => corpus.filter((testCase): testCase is Extract<HostileCase, { kind: K }> => testCase.kind === kind);
/** A hostile case's bound on work: CPU time of this process (user + system), which waiting for a busy machine does not count. */
const CASE_CPU_LIMIT_MS = 10_000;
const STACK_TRACE = /\bat \S+ \(?\S+:\d+:\d+\)?|node_modules|\/work\/|TypeError|RangeError|URIError|SyntaxError: Unexpected/;

const actual: Record<string, unknown> = {};
const timings: number[] = [];
afterAll(() => {
  // Every outcome of this run, beside the figures: what to read when a case's expectation is in question.
  writeFigureFile("hostile-outcomes.json", `${JSON.stringify(actual, null, 1)}\n`);
  recordFigures("hostile-input", {
    cases: corpus.length,
    byKind: Object.fromEntries(["letter", "api", "event", "letterId"].map((kind) => [kind, corpus.filter((testCase) => testCase.kind === kind).length])),
    outcomesChecked: Object.keys(actual).length,
    mostCpuOfACaseMs: Math.round(Math.max(...timings)),
  });
});

/** Runs a case and bounds the work it caused in this process (a CPU time, not a wall-clock one: the suite runs on busy machines). */
async function timed<T>(run: () => Promise<T>): Promise<T> {
  const started = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(started);
  const cpuMs = (used.user + used.system) / 1000;
  timings.push(cpuMs);
  expect(cpuMs).toBeLessThan(CASE_CPU_LIMIT_MS);
  return result;
}

/** A hostile letter case written as the folder "sample", rendered through the service into a fresh embedded S3 server. */
async function withSampleLetter(id: string, check: (store: DocumentStore, service: RenderService) => Promise<void>): Promise<void> {
  const testCase = ofKind("letter").find((candidate) => candidate.id === id)!;
  const dataDir = await mkdtemp(join(tmpdir(), "letterpress-hostile-"));
  mkdirSync(join(dataDir, "sample"));
  for (const file of letterFilesOf(testCase)) writeFileSync(join(dataDir, "sample", file.name), "bytes" in file ? file.bytes : "");
  const harness = await startHarness();
  try {
    const renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    const store = harness.store();
    await check(store, new RenderService(renderer, store, new DirectoryLetterSource(dataDir), SHIPPED_LOCALES));
  } finally {
    await harness.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe("the hostile-input corpus", () => {
  it("has at least 40 cases with unique ids, of every kind, each stating its outcome", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    expect(new Set(corpus.map((testCase) => testCase.id)).size).toBe(corpus.length);
    for (const kind of ["letter", "api", "event", "letterId"]) expect(ofKind(kind as HostileCase["kind"]).length).toBeGreaterThan(0);
    expect(corpus.filter((testCase) => testCase.expect === null || testCase.expect === undefined).map((testCase) => testCase.id)).toEqual([]);
  });
});

describe("hostile letter data", () => {
  let renderer: DocumentRenderer;
  let baselines: Map<string, ReturnType<typeof pageShape>>;
  beforeAll(async () => {
    renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    baselines = await baselinePages(renderer);
  });

  it.each(ofKind("letter").map((testCase) => [testCase.id, testCase] as const))("%s", async (_id, testCase: LetterCase) => {
    const outcome = await timed(() => outcomeOfLetter(testCase, renderer, baselines));
    actual[testCase.id] = outcome;
    expect(outcome).toEqual(testCase.expect);
    if ("error" in outcome) {
      // Each problem names the file, the place in it, and the rule.
      for (const message of outcome.error.messages) expect(message).toMatch(/^sample\/[^:]+\.json: .+/);
    }
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});

describe("hostile letters through the render service into the bucket", () => {
  // Characters no shipped face has are refused when the letter is validated, with their file and
  // JSON path, before any document of either edition is made (issue 13 item 3): nothing is stored.
  it("letter/scripts-no-font-covers: refuses the letter before any render, naming each text with a character no font draws", async () => {
    await withSampleLetter("letter/scripts-no-font-covers", async (store, service) => {
      const rendering = service.render({ letterId: "sample" });
      await expect(rendering).rejects.toMatchObject({ code: "INVALID_DATA" });
      const message = await rendering.catch((error: Error) => error.message);
      expect(message).toMatch(
        /^sample\/en\.json: title: no shipped font has a glyph for U\+13000 EGYPTIAN HIEROGLYPH A001 "𓀀" at character 0, U\+13001 EGYPTIAN HIEROGLYPH A002 "𓀁" at character 1, U\+10000 LINEAR B SYLLABLE B008 A "𐀀" at character 3, U\+0F56 TIBETAN LETTER BA "བ" at character 28, U\+0F7C TIBETAN VOWEL SIGN O "ོ" at character 29, and U\+0F51, U\+E000, U\+F8FF, U\+F0000; /m,
      );
      expect(message).toMatch(/^sample\/fr\.json: paragraphs\[0\]\.content\[0\]\.text: no shipped font has a glyph for U\+13000/m);
      expect(message).toMatch(/^sample\/letter\.json: recipients\[1\]\.representativeName: no shipped font has a glyph for U\+13000/m);
      expect(await store.listLetterIds()).toEqual([]);
    });
  });

  it.each([
    ["letter/html-in-every-field", []],
    // Emoji now render (a monochrome emoji face); characters no shipped face has fail both editions:
    // the HTML edition carries the PDF's faces (issue 12 item 5), so it cannot draw them either.
    ["letter/emoji", []],
  ])("%s: stores what renders, reports what does not, lists only what is stored", async (id, failures) => {
    await withSampleLetter(id, async (store, service) => {
      const result = await service.render({ letterId: "sample" });
      expect(result.stored.length + result.failures.length).toBe(4);
      // Documents render concurrently: failures are compared in a fixed order.
      const order = (rows: readonly (readonly string[])[]) => [...rows].sort((a, b) => a.join().localeCompare(b.join()));
      expect(order(result.failures.map((failure) => [failure.request.locale, failure.request.format, failure.error.code]))).toEqual(order(failures));
      // A letter of which nothing renders publishes no manifest.
      expect((result.manifest?.documents ?? []).map((entry) => `${entry.locale}.${entry.format}`).sort()).toEqual(
        result.stored.map((stored) => `${stored.request.locale}.${stored.request.format}`).sort(),
      );
      for (const entry of result.manifest?.documents ?? []) expect(sha256Hex((await store.get(entry.key)).bytes)).toBe(entry.sha256);
    });
  });
});

describe("hostile requests to the download API on the local server", () => {
  let stack: ServedStack;
  beforeAll(async () => {
    stack = await startServedStack();
  });
  afterAll(async () => stack.stop());

  it.each(ofKind("api").map((testCase) => [testCase.id, testCase] as const))("%s", async (_id, testCase: ApiCase) => {
    const reply = await timed(() => sendApiCase(testCase, stack.baseUrl));
    const outcome = { status: reply.status, ...(reply.code ? { code: reply.code } : {}), ...(reply.allow ? { allow: reply.allow } : {}) };
    actual[testCase.id] = outcome;
    expect(outcome).toEqual(testCase.expect);
    expect(reply.status).not.toBe(500);
    expect(reply.body).not.toMatch(STACK_TRACE);
    if (reply.code) {
      expect(reply.contentType).toBe("application/json; charset=utf-8");
      const { message } = (JSON.parse(reply.body) as { error: { message: string } }).error;
      expect(message.length).toBeGreaterThan(10);
      expect(message.length).toBeLessThan(500);
    }
  });

  it("is still serving after the hostile requests", async () => {
    const reply = await fetch(`${stack.baseUrl}/nowhere`);
    expect(reply.status).toBe(404);
  });
});

describe("hostile events to the render Lambda handler", () => {
  let faults: FaultStack;
  let fonts: Awaited<ReturnType<typeof flatFontDir>>;
  let loaded: ReturnType<typeof loadRenderHandler>;
  let handler: RenderHandler;
  beforeAll(async () => {
    faults = await startFaultStack({ maxAttempts: 1 });
    fonts = await flatFontDir();
    await uploadLetters(faults.direct.client, faults.direct.bucket);
    loaded = loadRenderHandler(faults.connection, fonts.dir);
    handler = loaded.handler;
  });
  afterAll(async () => {
    loaded.restore();
    await faults.stop();
    await fonts.remove();
  });

  it.each(ofKind("event").map((testCase) => [testCase.id, testCase] as const))("%s", async (_id, testCase: EventCase) => {
    const event = expandDeep(testCase.event, testCase.long);
    const outcome: EventOutcome = await timed(() =>
      handler(event).then(
        (returns) => ({ returns }),
        (error: Error & { code?: string }) => ({ throws: { name: error.name, ...(error.code ? { code: error.code } : {}), message: error.message } }),
      ),
    );
    actual[testCase.id] = outcome;
    expect(outcome).toEqual(expandDeep(testCase.expect, testCase.long));
    if ("throws" in outcome) {
      // Lambda shows a thrown error's name as errorType: ours, never a runtime error's.
      expect(["LetterpressError", ...ERROR_CODES]).toContain(outcome.throws.name);
      expect(outcome.throws.message).not.toMatch(STACK_TRACE);
    }
  });

  it("stored nothing for any hostile event", async () => {
    expect(await listKeys(faults.direct.client, faults.direct.bucket, "letters/")).toEqual([]);
  });

  describe("hostile letter ids given to both letter sources", () => {
    it.each(ofKind("letterId").map((testCase) => [testCase.id, testCase] as const))("%s", async (_id, testCase: LetterIdCase) => {
      const letterId = expand(testCase.letterId, testCase.long);
      const sources = { directory: new DirectoryLetterSource(DATA_DIR), bucket: new S3LetterSource(faults.direct.client, faults.direct.bucket, "data/") };
      const outcomes: Record<string, unknown> = {};
      for (const [name, source] of Object.entries(sources)) {
        outcomes[name] = await timed(() =>
          source.loadLetter(letterId).then(
            () => ({ loaded: true }),
            (error: Error & { code?: string }) => ({ error: { code: error.code ?? error.name, message: error.message } }),
          ),
        );
      }
      actual[testCase.id] = outcomes["directory"];
      const expected = expandDeep(testCase.expect, testCase.long);
      expect(outcomes).toEqual({ directory: expected, bucket: expected });
    });
  });
});
