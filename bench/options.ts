import { Command, InvalidArgumentError, Option } from "commander";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { isLocaleId, type LocaleId } from "../functions/core/locales";
import { DEFAULT_TEMPLATE } from "../functions/core/letter/schema";
import { catalogLocales } from "../functions/templates/load-template-set";
import { REPO_ROOT } from "./bundle";

export interface BenchCounts {
  warmups: number;
  /** Measured warm PDFs per language. */
  iterations: number;
  htmlIterations: number;
  chromiumIterations: number;
  coldRuns: number;
  batchLetters: number;
  profileIterations: number;
}

export interface BenchOptions extends BenchCounts {
  mode: "full" | "quick" | "custom";
  locales: LocaleId[];
  workers: number;
  chromium: boolean;
  /** Chromium's printout of our HTML against our PDF, and the extractors' paragraphs, per language (needs Chromium). */
  agreement: boolean;
  cold: boolean;
  /** Cold starts from a V8 startup snapshot too, each beside a start on the bundle (needs cold). */
  snapshot: boolean;
  batch: boolean;
  profile: boolean;
  outDir: string;
}

/** About 2-3 minutes on the 2-core reference machine. */
export const FULL: BenchCounts = { warmups: 5, iterations: 50, htmlIterations: 200, chromiumIterations: 30, coldRuns: 7, batchLetters: 1000, profileIterations: 100 };
/** About a minute: enough to see the ratios, not to trust the p95. */
export const QUICK: BenchCounts = { warmups: 3, iterations: 12, htmlIterations: 50, chromiumIterations: 8, coldRuns: 3, batchLetters: 200, profileIterations: 25 };

function count(name: string, minimum: number) {
  return (value: string) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < minimum) throw new InvalidArgumentError(`${name}: expected a whole number >= ${minimum}`);
    return parsed;
  };
}

/** The bench letter's languages: the catalogs of its template (its letter.json names none, so the default). */
const benchLocales = () => catalogLocales(join(REPO_ROOT, "templates"), DEFAULT_TEMPLATE);

function localeList(value: string): LocaleId[] {
  const locales = value
    .split(",")
    .map((locale) => locale.trim())
    .filter(Boolean);
  const unknown = locales.filter((locale) => !isLocaleId(locale));
  if (unknown.length > 0 || locales.length === 0) throw new InvalidArgumentError(`unknown locale ${unknown.join(", ")}; expected BCP 47 tags such as ${benchLocales().join(", ")}`);
  return locales as LocaleId[];
}

/** Reads `npm run bench -- [flags]`; a bad flag exits with status 2 and a message naming it. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const program = new Command("bench")
    .description("Render the real letter in every language with letterpress and with headless Chromium; write bench/results/latest.{json,md,svg} and profile.md")
    .option("--quick", "about a minute: fewer iterations, a 200-letter batch", false)
    .option("--locales <list>", "languages, comma-separated", localeList, benchLocales())
    .option("--warmups <n>", "warm-up documents per language, not measured", count("--warmups", 0))
    .option("--iterations <n>", "measured warm PDFs per language", count("--iterations", 1))
    .option("--html-iterations <n>", "measured warm HTML pages per language", count("--html-iterations", 1))
    .option("--chromium-iterations <n>", "measured Chromium PDFs per language", count("--chromium-iterations", 1))
    .option("--cold-runs <n>", "cold-start processes per language", count("--cold-runs", 1))
    .option("--batch-letters <n>", "personalized letters in the batch (each as PDF and HTML)", count("--batch-letters", 1))
    .option("--profile-iterations <n>", "warm PDFs per language under the CPU profiler", count("--profile-iterations", 1))
    .option("--workers <n>", "batch worker processes", count("--workers", 1), availableParallelism())
    .option("--no-chromium", "skip Chromium")
    .option("--no-agreement", "skip the Chromium-agreement and extraction figures")
    .option("--no-cold", "skip cold starts")
    .option("--no-snapshot", "skip the cold starts from a V8 startup snapshot")
    .option("--no-batch", "skip the batch")
    .option("--no-profile", "skip the CPU profile")
    .addOption(new Option("--out <dir>", "where results are written").default(join(REPO_ROOT, "bench", "results")))
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
    .parse(argv, { from: "user" });
  const flags = program.opts<
    Partial<BenchCounts> & {
      quick: boolean;
      locales: LocaleId[];
      workers: number;
      chromium: boolean;
      agreement: boolean;
      cold: boolean;
      snapshot: boolean;
      batch: boolean;
      profile: boolean;
      out: string;
    }
  >();
  const preset = flags.quick ? QUICK : FULL;
  const counts = Object.fromEntries(Object.entries(preset).map(([key, value]) => [key, flags[key as keyof BenchCounts] ?? value])) as unknown as BenchCounts;
  const overridden = (Object.keys(preset) as (keyof BenchCounts)[]).some((key) => flags[key] !== undefined);
  return {
    ...counts,
    mode: overridden ? "custom" : flags.quick ? "quick" : "full",
    locales: flags.locales,
    workers: flags.workers,
    chromium: flags.chromium,
    agreement: flags.agreement,
    cold: flags.cold,
    snapshot: flags.snapshot,
    batch: flags.batch,
    profile: flags.profile,
    outDir: flags.out,
  };
}
