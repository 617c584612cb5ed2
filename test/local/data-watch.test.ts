import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { watchLetterData } from "../../local/data-watch";
import { eventually } from "../support/eventually";

jest.setTimeout(120_000);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("watching the data folder under `npm run serve` (the local stand-in for S3 notifications)", () => {
  let dataDir: string;
  /** Where an editor writes the copy it renames over the file (outside the data folder, as many do). */
  let scratchDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "letterpress-watch-"));
    scratchDir = mkdtempSync(join(tmpdir(), "letterpress-watch-scratch-"));
    mkdirSync(join(dataDir, "sample"));
    mkdirSync(join(dataDir, "Not An Id"));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratchDir, { recursive: true, force: true });
  });

  /** The ways people and editors save a file: in place, a copy renamed over it, deleted and written anew. */
  const saves = {
    inPlace: (file: string, text: string) => writeFileSync(file, text),
    renamedOver: (file: string, text: string) => {
      const copy = join(scratchDir, `copy-${Math.random().toString(36).slice(2)}`);
      writeFileSync(copy, text);
      renameSync(copy, file);
    },
    deletedAndWritten: (file: string, text: string) => {
      unlinkSync(file);
      writeFileSync(file, text);
    },
  };

  it("re-renders a letter once for a burst of changes to its files, and ignores folders that are not letter ids", async () => {
    const rendered: string[] = [];
    // A long settling time, so that three writes made back to back are one burst however busy the machine is.
    const watch = watchLetterData(dataDir, async (letterId) => void rendered.push(letterId), { settleMs: 2_000, log: () => {} });
    try {
      await watch.ready;
      writeFileSync(join(dataDir, "Not An Id", "en.json"), "{}");
      writeFileSync(join(dataDir, "sample", "en.json"), "{}");
      writeFileSync(join(dataDir, "sample", "fr.json"), "{}");
      writeFileSync(join(dataDir, "sample", "en.json"), '{"title": "changed"}');
      await eventually(() => rendered.length > 0, "the first render");
      // Quiet for longer than the settling time: nothing more comes.
      await pause(3_000);
      expect(rendered).toEqual(["sample"]);
    } finally {
      await watch.close();
    }
  });

  it("renders a letter again when it changes after a render, one render of a letter at a time", async () => {
    let active = 0;
    let overlapped = false;
    const rendered: string[] = [];
    const watch = watchLetterData(
      dataDir,
      async (letterId) => {
        active++;
        if (active > 1) overlapped = true;
        await pause(500);
        rendered.push(letterId);
        active--;
      },
      { settleMs: 100, log: () => {} },
    );
    try {
      await watch.ready;
      writeFileSync(join(dataDir, "sample", "en.json"), "{}");
      await eventually(() => active === 1 || rendered.length > 0, "a render under way");
      writeFileSync(join(dataDir, "sample", "en.json"), '{"title": "again"}');
      await eventually(() => rendered.length === 2, "the second render");
      expect(overlapped).toBe(false);
      expect(rendered).toEqual(["sample", "sample"]);
    } finally {
      await watch.close();
    }
  });

  it("sees every later save of a file however it was saved: in place, a copy renamed over it, deleted and written anew", async () => {
    // Node 20's fs.watch(recursive) on Linux lost a file for good after a save that replaced it.
    const file = join(dataDir, "sample", "en.json");
    writeFileSync(file, '{"save": "first"}');
    const seen: string[] = [];
    const watch = watchLetterData(dataDir, async () => void seen.push(readFileSync(file, "utf8")), { settleMs: 200, log: () => {} });
    try {
      await watch.ready;
      const sequence: [keyof typeof saves, string][] = [
        ["renamedOver", "a"],
        ["inPlace", "b"],
        ["renamedOver", "c"],
        ["renamedOver", "d"],
        ["deletedAndWritten", "e"],
        ["inPlace", "f"],
      ];
      for (const [how, mark] of sequence) {
        saves[how](file, `{"save": "${mark}"}`);
        await eventually(() => seen.includes(`{"save": "${mark}"}`), `the save ${mark} rendered`);
      }
      expect(seen).toEqual(expect.arrayContaining(sequence.map(([, mark]) => `{"save": "${mark}"}`)));
    } finally {
      await watch.close();
    }
  });

  it("keeps rendering a letter's later saves after renders that reject, throw, hang or fail without an Error, and says each with its cause", async () => {
    const file = join(dataDir, "sample", "letter.json");
    writeFileSync(file, "start");
    const lines: string[] = [];
    const rendered: string[] = [];
    // What the render does is written in the saved file, so a save seen twice cannot shift the sequence.
    const render = (letterId: string): Promise<void> => {
      const kind = readFileSync(join(dataDir, letterId, "letter.json"), "utf8");
      rendered.push(kind);
      switch (kind) {
        case "reject":
          return Promise.reject(new Error("the manifest could not be published", { cause: new Error("ECONNRESET from the store") }));
        case "throw":
          // Thrown before any promise is returned.
          throw new TypeError("cannot read the letter's title");
        case "hang":
          return new Promise<void>(() => {});
        case "non-error":
          return Promise.reject("a string, not an Error");
        default:
          return Promise.resolve();
      }
    };
    const watch = watchLetterData(dataDir, render, { settleMs: 200, renderLifetimeMs: 1_500, log: (line) => lines.push(line) });
    try {
      await watch.ready;
      // Several failure kinds in a row, each saved another way; then a save that renders well.
      const sequence: [keyof typeof saves, string][] = [
        ["inPlace", "reject"],
        ["renamedOver", "throw"],
        ["deletedAndWritten", "hang"],
        ["inPlace", "non-error"],
        ["renamedOver", "hang"],
        ["inPlace", "reject"],
        ["renamedOver", "fine"],
      ];
      for (const [index, [how, kind]] of sequence.entries()) {
        saves[how](file, kind);
        await eventually(
          () => rendered.filter((seen) => seen === kind).length >= sequence.slice(0, index + 1).filter(([, earlier]) => earlier === kind).length,
          `the ${kind} save rendered`,
        );
        // Its outcome is said before the next save (a hang: once it is no longer waited for).
        if (kind !== "fine") await eventually(() => lines.length >= index + 1, `the ${kind} save reported`);
      }
      const log = lines.join("\n");
      expect(log).toContain("letter sample: render failed after");
      expect(log).toContain("Error: the manifest could not be published <- caused by Error: ECONNRESET from the store");
      expect(log).toContain("TypeError: cannot read the letter's title");
      expect(log).toContain("a string, not an Error");
      expect(lines.filter((line) => line.includes("render still running after 2 s; no longer waited for"))).toHaveLength(2);
      expect(rendered.at(-1)).toBe("fine");
    } finally {
      await watch.close();
    }
  });

  it("makes the saves that come while a render runs one render after it, of the data as it is then", async () => {
    const file = join(dataDir, "sample", "en.json");
    writeFileSync(file, "0");
    const rendered: string[] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const watch = watchLetterData(
      dataDir,
      async () => {
        rendered.push(readFileSync(file, "utf8"));
        if (rendered.length === 1) await firstHeld;
      },
      { settleMs: 100, log: () => {} },
    );
    try {
      await watch.ready;
      writeFileSync(file, "1");
      await eventually(() => rendered.length === 1, "one render");
      // Three saves while the first render is held, each (on an idle machine) a burst of its own.
      for (const text of ["2", "3", "4"]) {
        writeFileSync(file, text);
        await pause(600);
      }
      release();
      await eventually(() => rendered.length >= 2, "a second render");
      // Quiet: no render of the saves in between comes after.
      await pause(2_000);
      expect(rendered).toEqual(["1", "4"]);
    } finally {
      await watch.close();
    }
  });

  it("renders a letter asked for while it renders once more after it, never two at once", async () => {
    let active = 0;
    let overlapped = false;
    let renders = 0;
    let ended = 0;
    const watch = watchLetterData(
      dataDir,
      async () => {
        renders++;
        active++;
        if (active > 1) overlapped = true;
        await pause(300);
        active--;
        ended++;
      },
      { settleMs: 100, log: () => {} },
    );
    try {
      await watch.ready;
      const asks = [watch.renderNow("sample"), watch.renderNow("sample"), watch.renderNow("sample")];
      // Each ask resolves once the render that covers it has ended: the first, then the one after it.
      await asks[0];
      expect(ended).toBeGreaterThanOrEqual(1);
      await Promise.all(asks);
      expect({ renders, ended }).toEqual({ renders: 2, ended: 2 });
      await pause(1_000);
      expect({ renders, overlapped }).toEqual({ renders: 2, overlapped: false });
    } finally {
      await watch.close();
    }
  });
});
