import { type Bundle, buildBundle } from "../../bench/bundle";
import { measureOursWarm, turnCount } from "../../bench/measure-ours";

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

describe("our warm stream measured in turns with another measurement (Chromium's)", () => {
  let bundle: Bundle;

  beforeAll(async () => {
    bundle = await buildBundle();
  }, 120_000);

  afterAll(async () => {
    await bundle?.remove();
  });

  it("hands the machine over before every 3rd measured PDF and after the last, and renders nothing while it waits", async () => {
    // Each turn's span on the monotonic clock, which the child's own pdfStartsUs share (one clock per machine).
    const turns: { startUs: number; endUs: number }[] = [];
    const result = await measureOursWarm(
      bundle,
      "en",
      { warmups: 1, iterations: 7, htmlIterations: 1 },
      {
        every: 3,
        take: async () => {
          const startUs = monotonicUs();
          await new Promise((resolve) => setTimeout(resolve, 30));
          turns.push({ startUs, endUs: monotonicUs() });
        },
      },
    );
    const starts = result.report.pdfStartsUs;
    expect(result.pdf.n).toBe(7);
    expect(starts).toHaveLength(7);
    expect(turns).toHaveLength(turnCount(7, 3));
    // Turns before measured PDFs 0, 3 and 6, and one after the last: no PDF starts inside a turn.
    for (const [turn, index] of [0, 3, 6].entries()) {
      expect(turns[turn]!.endUs).toBeLessThanOrEqual(starts[index]!);
      if (index > 0) expect(turns[turn]!.startUs).toBeGreaterThanOrEqual(starts[index - 1]!);
    }
    expect(turns[3]!.startUs).toBeGreaterThanOrEqual(starts[6]!);
  }, 120_000);

  it("fails the measurement, and ends the process, when a turn fails", async () => {
    await expect(
      measureOursWarm(
        bundle,
        "en",
        { warmups: 0, iterations: 4, htmlIterations: 1 },
        {
          every: 2,
          take: () => Promise.reject(new Error("Chromium crashed")),
        },
      ),
    ).rejects.toThrow("Chromium crashed");
  }, 120_000);
});
