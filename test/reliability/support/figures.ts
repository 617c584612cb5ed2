import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Where each reliability suite writes the figures of its last run (one JSON file per suite), so
 * RELIABILITY.md can quote them. Outside the repository: a test run never dirties the tree.
 */
export const FIGURES_DIR = process.env["LETTERPRESS_RELIABILITY_DIR"] ?? join(tmpdir(), "letterpress-reliability");

/** Writes one file of figures or outcomes into `FIGURES_DIR`, made first: on a fresh machine no suite has made it yet. */
export function writeFigureFile(name: string, text: string): string {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const file = join(FIGURES_DIR, name);
  writeFileSync(file, text);
  return file;
}

export function recordFigures(suite: string, figures: Record<string, unknown>): void {
  const file = writeFigureFile(`${suite}.json`, `${JSON.stringify({ suite, finishedAt: new Date().toISOString(), ...figures }, null, 2)}\n`);
  console.log(`[reliability] ${suite}: ${JSON.stringify(figures)} (written to ${file})`);
}
