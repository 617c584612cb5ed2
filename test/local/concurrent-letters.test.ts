import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DocumentRenderer } from "../../functions/core/render-document";
import { letterOfMessage } from "../../local/runtime";
import { DATA_DIR, FIXTURES_DIR } from "../support/letters";
import { type LocalStack, startLocalStack } from "../support/local-stack";

jest.setTimeout(300_000);

const FAILING = "committee-hearing-defenders";

/**
 * `serve` renders letters whose changes overlap (a save of one while another renders): each letter's
 * report holds its own failures and dead letters only, never another letter's.
 */
describe("two letters rendered at once, one of them failing on every try", () => {
  let root: string;
  let stack: LocalStack;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "letterpress-concurrent-letters-"));
    await cp(join(FIXTURES_DIR, "letters/sample"), join(root, "sample"), { recursive: true });
    await cp(join(DATA_DIR, FAILING), join(root, FAILING), { recursive: true });
    // A fault that may pass on a retry (an unclassified error), for every PDF of the one letter: its parts are tried three times, then dead-lettered.
    const failingPdf = (renderer: DocumentRenderer): DocumentRenderer => ({
      ...renderer,
      pdf: (filled, paper, engine) => (JSON.stringify(filled).includes(FAILING) ? Promise.reject(new Error("the disk is full")) : renderer.pdf(filled, paper, engine)),
    });
    stack = await startLocalStack({ dataDir: root, wrapRenderer: failingPdf });
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("reports the failing letter's dead letters under it alone", async () => {
    const [failing, sample] = await Promise.all([stack.runtime.letterChanged(FAILING), stack.runtime.letterChanged("sample")]);
    expect(failing.deadLetters.length).toBeGreaterThan(0);
    for (const dead of failing.deadLetters) expect(letterOfMessage(dead.body)).toBe(FAILING);
    expect(sample.deadLetters).toEqual([]);
    expect(sample.failures).toEqual([]);
  });
});

describe("the letter a render queue's message is about", () => {
  it.each([
    ['{"part":{"letterId":"sample","revision":"0123456","locale":"en","recipients":null,"index":0,"of":1}}', "sample"],
    ['{"letterId":"unsc-dprk-2015","locales":["en"]}', "unsc-dprk-2015"],
    ['{"Records":[{"eventSource":"aws:s3","s3":{"object":{"key":"data/committee-hearing-defenders/letter.json"}}}]}', "committee-hearing-defenders"],
    ['{"Records":[{"s3":{"object":{"key":"shares/x"}}}]}', undefined],
    ["not json", undefined],
    ["null", undefined],
  ])("reads %s as %s", (body, letterId) => {
    expect(letterOfMessage(body)).toBe(letterId);
  });
});
