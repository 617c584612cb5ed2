import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Where each reliability suite writes the figures of its last run (one JSON file per suite), so
 * RELIABILITY.md can quote them. Outside the repository: a test run never dirties the tree.
 */
export const FIGURES_DIR = process.env["LETTERPRESS_RELIABILITY_DIR"] ?? join(tmpdir(), "letterpress-reliability");

export function recordFigures(suite: string, figures: Record<string, unknown>): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const file = join(FIGURES_DIR, `${suite}.json`);
  writeFileSync(file, `${JSON.stringify({ suite, finishedAt: new Date().toISOString(), ...figures }, null, 2)}\n`);
  console.log(`[reliability] ${suite}: ${JSON.stringify(figures)} (written to ${file})`);
}
