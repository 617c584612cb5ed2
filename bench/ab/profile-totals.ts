import type { ProfileSummary } from "../profile";

/**
 * Profiles of several runs of one language summed, and printed as the A/B probes print them: self
 * time by package or file and the top functions, each in ms per run (mean over the runs) of CPU
 * samples (`node --cpu-prof`).
 */
export class ProfileTotals {
  private readonly categories = new Map<string, number>();
  private readonly functions = new Map<string, number>();
  private totalMs = 0;
  private runs = 0;

  add(summary: ProfileSummary): void {
    for (const entry of summary.functions) this.functions.set(`${entry.name} ${entry.location}`, (this.functions.get(`${entry.name} ${entry.location}`) ?? 0) + entry.ms);
    for (const category of summary.categories) this.categories.set(category.name, (this.categories.get(category.name) ?? 0) + category.ms);
    this.totalMs += summary.totalMs;
    this.runs++;
  }

  /** Writes the totals of `locale` to stdout: the `top` categories and `topFunctions` functions. */
  print(locale: string, top: number, topFunctions: number): void {
    const runs = Math.max(1, this.runs);
    process.stdout.write(`\n${locale}: ${(this.totalMs / runs).toFixed(0)} ms of samples per process (mean of ${this.runs})\n`);
    for (const [name, ms] of [...this.categories].sort((a, b) => b[1] - a[1]).slice(0, top))
      process.stdout.write(`${(ms / runs).toFixed(1).padStart(8)} ms ${((ms / this.totalMs) * 100).toFixed(1).padStart(5)}%  ${name}\n`);
    process.stdout.write("top functions (each run's top, summed):\n");
    for (const [name, ms] of [...this.functions].sort((a, b) => b[1] - a[1]).slice(0, topFunctions)) process.stdout.write(`${(ms / runs).toFixed(1).padStart(8)} ms  ${name}\n`);
  }
}
