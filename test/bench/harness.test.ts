import { renderChart } from "../../bench/chart";
import type { ChromiumResult } from "../../bench/measure-chromium";
import { renderMarkdown, renderProfileMarkdown } from "../../bench/markdown";
import { FULL, parseBenchArgs } from "../../bench/options";
import { combineLocale } from "../../bench/results";
import { runBench } from "../../bench/run-bench";
import { summarize } from "../../bench/stats";
import type { BenchResults } from "../../bench/results";

const positive = (value: number | undefined) => expect(value).toBeGreaterThan(0);

describe("the benchmark harness", () => {
  let results: BenchResults;

  beforeAll(async () => {
    const options = {
      ...parseBenchArgs([
        "--locales",
        "en",
        "--warmups",
        "1",
        "--iterations",
        "2",
        "--html-iterations",
        "2",
        "--cold-runs",
        "1",
        "--batch-letters",
        "3",
        "--workers",
        "1",
        "--profile-iterations",
        "2",
        "--no-chromium",
      ]),
    };
    results = await runBench(options, () => {}, false);
  }, 120_000);

  it("measures the warm PDF and HTML renders, the first document, size and peak memory of en", () => {
    const [en] = results.locales;
    expect(en?.locale).toBe("en");
    expect(en?.ours?.pdf.n).toBe(2);
    expect(en?.ours?.html.n).toBe(2);
    for (const value of [en?.ours?.pdf.median, en?.ours?.pdf.p95, en?.ours?.html.median, en?.ours?.firstPdfMs, en?.ours?.maxRssKb]) positive(value);
    expect(en?.ours?.pdfPages).toBeGreaterThanOrEqual(1);
    positive(en?.ours?.pdfBytes);
  });

  it("times a cold start of the bundled code to its first PDF bytes", () => {
    const cold = results.locales[0]?.cold;
    expect(cold?.toFirstBytes.n).toBe(1);
    positive(cold?.toFirstBytes.median);
    expect(cold?.phases.pdfRendered).toBeGreaterThan(cold?.phases.mainStart ?? Infinity);
  });

  it("times cold starts from a V8 startup snapshot beside the bundle's, each PDF the bundle's byte for byte", () => {
    const [en] = results.locales;
    expect(results.snapshot?.bytes).toBeGreaterThan(1_000_000);
    expect(en?.coldSnapshot?.toFirstBytes.n).toBe(1);
    expect(en?.coldSnapshot?.sameBytes).toBe(true);
    expect(en?.coldSnapshot?.pdfBytes).toBe(en?.cold?.pdfBytes);
    positive(en?.coldSnapshot?.cpuMs);
    // Where its CPU went: node and the restore, the letter, the PDF; together no more than the whole.
    const split = en?.coldSnapshot?.cpuPhases;
    for (const phase of [split?.toMain, split?.letter, split?.pdf]) positive(phase);
    expect((split?.toMain ?? 0) + (split?.letter ?? 0) + (split?.pdf ?? 0)).toBeLessThanOrEqual((en?.coldSnapshot?.cpuMs ?? 0) + 0.001);
    expect(renderMarkdown(results)).toContain("CPU: restore / letter / PDF");
    expect(renderMarkdown(results)).toContain("CPU: load / renderer / letter / PDF");
    positive(en?.cold?.cpuPhases.renderer);
    expect(results.targets.some((target) => target.target.includes("from a V8 startup snapshot"))).toBe(true);
    expect(renderMarkdown(results)).toContain("### Cold start from a V8 startup snapshot");
  });

  it("renders and stores a batch in the embedded S3, and renders it again without storing", () => {
    expect(results.batch).toMatchObject({ stored: true, letters: 3, documents: 6, failures: 0, putsStored: 6 });
    expect(results.batchRenderOnly).toMatchObject({ stored: false, letters: 3, documents: 6, putsStored: 0 });
    positive(results.batch?.documentsPerSecond);
  });

  it("prices the batch on Lambda arm64 and counts the S3 requests and CPU it took", () => {
    const batch = results.batch;
    // Every stored document: one PUT, confirmed by its answer (counted, not assumed).
    expect(batch?.requests).toMatchObject({ put: 6, head: 0, get: 0 });
    positive(batch?.workerCpuMs);
    positive(batch?.serverCpuMs);
    const ours = results.cost?.estimates[0];
    expect(ours).toMatchObject({ pipeline: expect.stringContaining("letterpress"), memoryMb: 1024, s3PutsPerDocument: 2, s3GetsPerDocument: 0 });
    positive(ours?.totalUsd);
    // Without Chromium there is nothing to compare with: the target says so rather than passing.
    expect(results.targets.find((target) => target.target.startsWith("cost of 1,000"))?.met).toBe(false);
    expect(renderMarkdown(results)).toContain("## Cost of 1,000 letters on AWS");
  });

  it("skips the Chromium-agreement figures without Chromium, and says so", () => {
    expect(results.agreement).toEqual({ status: "skipped" });
    expect(results.targets.find((target) => target.target.startsWith("Chromium agreement"))?.met).toBeNull();
  });

  it("summarizes the CPU profiles by package and file", () => {
    expect(results.profile).toHaveLength(1);
    expect(results.coldProfile).toHaveLength(1);
    for (const summary of [...results.profile, ...results.coldProfile]) {
      positive(summary.totalMs);
      expect(summary.categories.some((category) => category.name.startsWith("ours: functions/core/"))).toBe(true);
      expect(summary.categories.reduce((sum, category) => sum + category.share, 0)).toBeCloseTo(1, 5);
    }
    expect(renderProfileMarkdown(results)).toContain("## Cold start to the first PDF");
  });

  it("says Chromium was skipped and marks each target met, not met or not measured", () => {
    expect(results.chromium).toEqual({ status: "skipped" });
    expect(results.locales[0]?.ratio).toBeUndefined();
    expect(results.targets.find((target) => target.target.startsWith(">= 10x"))?.met).toBeNull();
    expect(results.targets.find((target) => target.target.startsWith("warm PDF"))?.met).toEqual(expect.any(Boolean));
    expect(renderMarkdown(results)).toContain("| en | a new reader each (from 15 recipients) |");
  });

  it("computes ours/Chromium from the same run's medians, and charts both", () => {
    const en = results.locales[0];
    if (!en?.ours) throw new Error("en was not measured");
    const chromium: ChromiumResult = {
      status: "measured",
      version: "test",
      launchToFirstPdfMs: 500,
      locales: [{ locale: "en", pdf: summarize([100, 120, 140]), firstPdfMs: 300, pdfBytes: 40_000, pdfPages: 2 }],
    };
    const ours = {
      locale: "en" as const,
      pdf: en.ours.pdf,
      html: en.ours.html,
      report: { ...en.ours, locale: "en", pdfMs: [], htmlMs: [], window: { startUs: 0, endUs: 0 }, pdfStartsUs: [] },
    };
    const combined = combineLocale({ locale: "en", available: true }, ours, chromium, undefined, "stream");
    expect(combined.ratio).toBeCloseTo(en.ours.pdf.median / 120, 10);
    const svg = renderChart([combined], { budgetMs: 15, title: "test" });
    expect(svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // One bar each for ours and Chromium, each with its figures as a tooltip.
    expect(svg.match(/<title>(ours|chromium) en: median/g)).toHaveLength(2);
  });

  it("reports a Chromium that is not installed instead of failing", () => {
    const combined = combineLocale({ locale: "en", available: true }, undefined, { status: "not installed", path: "/nowhere/chromium" }, undefined, undefined);
    expect(combined.ratio).toBeUndefined();
    expect(renderMarkdown({ ...results, chromium: { status: "not installed", path: "/nowhere/chromium" } })).toContain("Chromium: not installed (no /nowhere/chromium)");
  });

  it("reads --quick and explicit counts, and refuses an unknown locale", () => {
    expect(parseBenchArgs([]).iterations).toBe(FULL.iterations);
    expect(parseBenchArgs(["--quick"]).mode).toBe("quick");
    expect(parseBenchArgs(["--quick", "--iterations", "3"])).toMatchObject({ mode: "custom", iterations: 3 });
    const exit = jest.spyOn(process, "exit").mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as typeof process.exit);
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(() => parseBenchArgs(["--locales", "xx_YY"])).toThrow("exit 2");
    } finally {
      exit.mockRestore();
      stderr.mockRestore();
    }
  });
});
