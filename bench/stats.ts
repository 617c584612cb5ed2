import { inflateSync } from "node:zlib";
/** Order statistics of a set of timings (milliseconds), or of any other samples. */
export interface Summary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

/** The value at quantile q (0..1) of sorted samples, by linear interpolation between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError("quantile of no samples");
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (position - below);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.reduce((sum, value) => sum + value, 0) / Math.max(sorted.length, 1),
  };
}

/**
 * Pages of a PDF, counted from its page objects, in the file's text and inside its object streams
 * (PDF 1.5+, ISO 32000-1 7.5.7: ours packs page objects into Flate-compressed object streams; Chromium
 * writes them uncompressed).
 */
export function countPdfPages(bytes: Uint8Array): number {
  const text = Buffer.from(bytes).toString("latin1");
  const pagesIn = (chunk: string) => (chunk.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
  let pages = pagesIn(text);
  for (const match of text.matchAll(/\/Type\s*\/ObjStm[\s\S]*?stream\r?\n/g)) {
    const start = (match.index ?? 0) + match[0].length;
    const end = text.indexOf("endstream", start);
    try {
      pages += pagesIn(inflateSync(Buffer.from(text.slice(start, end), "latin1")).toString("latin1"));
    } catch {
      // Not a Flate stream this count can read: its pages are not counted.
    }
  }
  return pages;
}
