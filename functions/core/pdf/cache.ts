/**
 * The typesetter's process-wide caches. A mail merge renders one letter to many recipients, so
 * nearly every word, paragraph, subset and stream of a document was already made for the one
 * before; each cache is keyed by everything its value depends on, so a warm render gives the same
 * bytes as a cold one (the tests compare them after `resetCaches`).
 *
 * Every cache is bounded by bytes, not only by entries: a count cap lets a letter of long paragraphs
 * keep hundreds of megabytes alive (issue 15 item 8: 237 -> 793 MB of heap after GC over seven
 * 2 MB translations, out of memory at the fifth PDF with a 512 MB heap).
 */

const caches: { clear(): void; readonly bytes: number }[] = [];

const MiB = 1024 * 1024;

/**
 * Byte budgets of the caches, 64 MiB in all. The render Lambda has 1,024 MB (infra/constructs/
 * render-pipeline.ts); a warm render worker needs about 135 MB, and the largest valid letter's
 * render needs its own working set on top (the heap test renders it under a 512 MB old space, half
 * the Lambda, leaving the rest for buffers, fonts and the runtime). 64 MiB is an eighth of that
 * heap: enough to keep a whole letter's words, paragraphs and subsets warm across a mail merge of
 * ordinary letters (the seed letter's 7 languages and 15 personalized PDFs fill 6.3 MiB of it; a warm
 * round of them takes 0.3 s against 1.8 s cold), and small enough that no letter can make
 * them crowd out the render. Shaped runs and set lines are the big ones (a few hundred bytes per
 * glyph); the PDF streams are compressed and small.
 */
export const CACHE_BUDGETS = {
  shapedRuns: 24 * MiB,
  paragraphs: 15 * MiB,
  /** Min- and max-content widths of table cells' paragraphs: a key and two numbers each. */
  intrinsicWidths: 1 * MiB,
  outlines: 8 * MiB,
  textPieces: 4 * MiB,
  subsets: 4 * MiB,
  contents: 4 * MiB,
  cmaps: 2 * MiB,
  stylesheets: 2 * MiB,
} as const;

/** The sum of every cache's budget: the most memory the typesetter's caches hold in a process. */
export const TOTAL_CACHE_BUDGET = Object.values(CACHE_BUDGETS).reduce((sum, bytes) => sum + bytes, 0);

/** How a cache weighs one entry, in estimated bytes of heap (key and value). */
export type SizeOf<K, V> = (key: K, value: V) => number;

export interface CacheBounds<K, V> {
  /** The most estimated bytes the cache keeps; least recently used entries go first. */
  maxBytes: number;
  sizeOf: SizeOf<K, V>;
  /** A second bound on the number of entries (Map overhead for tiny entries); none when omitted. */
  maxEntries?: number;
}

/**
 * Estimates of heap bytes, for `sizeOf`. V8 stores a string of one-byte characters in 1 byte each and
 * others in 2; counting 2 for every character, plus an object header, never underestimates.
 */
export const weigh = {
  string: (text: string): number => 32 + text.length * 2,
  bytes: (bytes: Uint8Array): number => 96 + bytes.byteLength,
  /** A shaped glyph is an object of six fields and its cluster's text: about 120 bytes. */
  glyphs: (count: number): number => 64 + count * 120,
  /**
   * Set lines: each placed run, its justification array and the glyphs of its shaped run, which the
   * lines keep alive even after the shaping cache has let the run go.
   */
  lines: (lines: readonly { runs: readonly { run: { glyphs: readonly unknown[] }; extra: Float32Array | null }[] }[]): number =>
    lines.reduce((sum, line) => sum + 96 + line.runs.reduce((runs, placed) => runs + 96 + (placed.extra?.byteLength ?? 0) + weigh.glyphs(placed.run.glyphs.length), 0), 0),
} as const;

/** A map that forgets its least recently used entries beyond a byte budget (and an optional entry cap). */
export class LruCache<K, V> {
  /** The budgets and weights, reachable from the class so a cache's one declaring line needs no other import. */
  static readonly budgets = CACHE_BUDGETS;
  static readonly weigh = weigh;

  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private totalBytes = 0;

  constructor(private readonly bounds: CacheBounds<K, V>) {
    caches.push(this);
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    // Map keeps insertion order: re-inserting makes the entry the most recent.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.remove(key);
    const bytes = this.bounds.sizeOf(key, value);
    // An entry larger than the whole budget would only evict everything else and then itself.
    if (bytes > this.bounds.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.totalBytes += bytes;
    const maxEntries = this.bounds.maxEntries ?? Infinity;
    while (this.totalBytes > this.bounds.maxBytes || this.entries.size > maxEntries) {
      this.remove(this.entries.keys().next().value as K);
    }
  }

  /** Whether the key is kept, without making it more recent. */
  has(key: K): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The estimated bytes of every entry kept, never more than the budget. */
  get bytes(): number {
    return this.totalBytes;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }

  private remove(key: K): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }
}

/** Empties every cache of the typesetter, so the next render is as cold as a new process's (fonts stay parsed). */
export function resetCaches(): void {
  for (const cache of caches) cache.clear();
}

/** The estimated bytes every cache of the typesetter holds now: at most `TOTAL_CACHE_BUDGET`. */
export function cachedBytes(): number {
  return caches.reduce((sum, cache) => sum + cache.bytes, 0);
}
