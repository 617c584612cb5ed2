import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { watchLetterData } from "../../local/data-watch";

/** Waits for a condition without asserting how fast it comes (the machine may be busy). */
async function eventually(condition: () => boolean, limitMs = 30_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("watching the data folder under `npm run serve` (the local stand-in for S3 notifications)", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "letterpress-watch-"));
    mkdirSync(join(dataDir, "sample"));
    mkdirSync(join(dataDir, "Not An Id"));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("re-renders a letter once for a burst of changes to its files, and ignores folders that are not letter ids", async () => {
    const rendered: string[] = [];
    // A long settling time, so that three writes made back to back are one burst however busy the machine is.
    const watch = watchLetterData(dataDir, async (letterId) => void rendered.push(letterId), 2_000);
    try {
      writeFileSync(join(dataDir, "Not An Id", "en.json"), "{}");
      writeFileSync(join(dataDir, "sample", "en.json"), "{}");
      writeFileSync(join(dataDir, "sample", "fr.json"), "{}");
      writeFileSync(join(dataDir, "sample", "en.json"), '{"title": "changed"}');
      await eventually(() => rendered.length > 0);
      // Quiet for longer than the settling time: nothing more comes.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(rendered).toEqual(["sample"]);
    } finally {
      watch.close();
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
        await new Promise((resolve) => setTimeout(resolve, 500));
        rendered.push(letterId);
        active--;
      },
      100,
    );
    try {
      writeFileSync(join(dataDir, "sample", "en.json"), "{}");
      await eventually(() => active === 1 || rendered.length > 0);
      writeFileSync(join(dataDir, "sample", "en.json"), '{"title": "again"}');
      await eventually(() => rendered.length === 2);
      expect(overlapped).toBe(false);
      expect(rendered).toEqual(["sample", "sample"]);
    } finally {
      watch.close();
    }
  });
});
