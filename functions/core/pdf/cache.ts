/**
 * The typesetter's caches. A mail merge renders one letter to many recipients, so nearly every
 * word, paragraph, subset and stream of a document was already made for the one before; each cache
 * is keyed by everything its value depends on, so a warm render gives the same bytes as a cold one.
 *
 * The caches belong to a font library (`FontLibrary.caches`, one `TypesetterCaches` each) and are
 * handed down with it to every stage that uses them: no module keeps a cache of its own, a new font
 * library starts truly cold, and `TypesetterCaches.clear` is the one way to empty them.
 *
 * Every cache is bounded by bytes, not only by entries: a count cap lets a letter of long paragraphs
 * keep hundreds of megabytes alive (issue 15 item 8: 237 -> 793 MB of heap after GC over seven
 * 2 MB translations, out of memory at the fifth PDF with a 512 MB heap).
 */

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
  shapedRuns: 21 * MiB,
  paragraphs: 15 * MiB,
  /** Min- and max-content widths of table cells' paragraphs: a key and two numbers each. */
  intrinsicWidths: 1 * MiB,
  outlines: 8 * MiB,
  textPieces: 3 * MiB,
  /** The HTML edition's faces per run of text (which face sets which character): a key and a few code points each. */
  faceUsage: 0.75 * MiB,
  /** The characters per face of a mail merge's letters in one language (the HTML edition's subsets): a few kB each. */
  mergeUsage: 0.25 * MiB,
  subsets: 4 * MiB,
  contents: 4 * MiB,
  cmaps: 2 * MiB,
  /** Deflated object streams by their text (object-streams.ts): 8-32 KB of text each, kept as the key, and a third of that deflated. */
  objectStreams: 1 * MiB,
  stylesheets: 2 * MiB,
  /** Parsed and styled letters, one per shape of letter (markup and stylesheets; render-pdf.ts): 32 bytes per character of the letter, the seed letter's 15 languages 1.84 MiB. */
  letterShapes: 2 * MiB,
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
  /**
   * A shaped glyph is an object of six fields and its cluster's text: about 120 bytes. The PDF writer
   * keeps about 160 more beside each glyph of a cached run, for as long as the run lives (pdf-writer.ts:
   * its `MainGlyph` and key, the weak maps' entries, its place in the run's `RunGlyphs`): counted here,
   * so the budget bounds what the runs keep alive (test/reliability/bounded-work.test.ts measures it).
   */
  glyphs: (count: number): number => 64 + count * 280,
  /**
   * Set lines: each placed run, its justification array and the glyphs of its shaped run, which the
   * lines keep alive even after the shaping cache has let the run go; and the PDF writer's plan of
   * each line drawn (pdf-writer.ts `LinePlan`, in a weak map by the line: an object, its drawing
   * order, a flag per run and a set of runs), about 200 bytes and 32 per run.
   */
  lines: (lines: readonly { runs: readonly { run: { glyphs: readonly unknown[] }; extra: Float32Array | null }[] }[]): number =>
    lines.reduce(
      (sum, line) =>
        sum + 96 + 200 + line.runs.length * 32 + line.runs.reduce((runs, placed) => runs + 96 + (placed.extra?.byteLength ?? 0) + weigh.glyphs(placed.run.glyphs.length), 0),
      0,
    ),
} as const;

/**
 * A map that forgets its least recently used entries beyond a byte budget (and an optional entry cap),
 * by the second-chance (CLOCK) approximation of LRU: a hit only marks its entry used, and eviction,
 * oldest first, moves a marked entry to the newest end instead of dropping it. Moving the entry on
 * every hit (a Map delete and set) cost 8x a plain lookup, on the hundreds of hits of every letter.
 */
export class LruCache<K, V> {
  /** The budgets and weights, reachable from the class so a cache's one declaring line needs no other import. */
  static readonly budgets = CACHE_BUDGETS;
  static readonly weigh = weigh;

  /** In the order entries were set or last given a second chance (Map keeps insertion order): the oldest first. */
  private readonly entries = new Map<K, { value: V; bytes: number; used: boolean }>();
  private totalBytes = 0;

  constructor(private readonly bounds: CacheBounds<K, V>) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    entry.used = true;
    return entry.value;
  }

  set(key: K, value: V): void {
    this.remove(key);
    const bytes = this.bounds.sizeOf(key, value);
    // An entry larger than the whole budget would only evict everything else and then itself.
    if (bytes > this.bounds.maxBytes) return;
    // Room is made before the entry goes in, so the walk never drops the entry being set.
    const maxEntries = this.bounds.maxEntries ?? Infinity;
    while (this.entries.size > 0 && (this.totalBytes + bytes > this.bounds.maxBytes || this.entries.size >= maxEntries)) this.evictOldestUnused();
    this.entries.set(key, { value, bytes, used: false });
    this.totalBytes += bytes;
  }

  /** Drops the oldest entry not used since it was set or moved; each used entry before it moves to the newest end, unmarked. */
  private evictOldestUnused(): void {
    for (const [key, entry] of this.entries) {
      if (!entry.used) {
        this.remove(key);
        return;
      }
      // Every entry is moved at most once per pass, unmarked, so the walk ends (at worst on the first entry moved).
      entry.used = false;
      this.entries.delete(key);
      this.entries.set(key, entry);
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

/** One kind of cache the typesetter keeps (shaped runs, set paragraphs...): its name and bounds, declared where it is used. */
export interface CacheKind<K, V> {
  readonly name: keyof typeof CACHE_BUDGETS;
  readonly bounds: CacheBounds<K, V>;
}

/** Declares a kind of cache; each `TypesetterCaches` holds one cache of each kind, made on first use. */
export function cacheKind<K, V>(name: keyof typeof CACHE_BUDGETS, bounds: Omit<CacheBounds<K, V>, "maxBytes">): CacheKind<K, V> {
  return { name, bounds: { ...bounds, maxBytes: CACHE_BUDGETS[name] } };
}

/**
 * The caches of one renderer: one bounded cache per kind, owned by its font library and handed down
 * with it. A new set is cold; `clear` empties every cache of it (the one way to do so).
 */
export class TypesetterCaches {
  private readonly byKind = new Map<CacheKind<unknown, unknown>, LruCache<unknown, unknown>>();

  /** The cache of one kind, made empty on first use. */
  of<K, V>(kind: CacheKind<K, V>): LruCache<K, V> {
    let cache = this.byKind.get(kind as CacheKind<unknown, unknown>);
    if (!cache) {
      cache = new LruCache(kind.bounds as CacheBounds<unknown, unknown>);
      this.byKind.set(kind as CacheKind<unknown, unknown>, cache);
    }
    return cache as LruCache<K, V>;
  }

  /** Empties every cache, so the next render is as cold as a new font library's. */
  clear(): void {
    for (const cache of this.byKind.values()) cache.clear();
  }

  /** The estimated bytes every cache holds now: at most `TOTAL_CACHE_BUDGET`. */
  get bytes(): number {
    let sum = 0;
    for (const cache of this.byKind.values()) sum += cache.bytes;
    return sum;
  }

  /** The entries kept, by kind name: all zero (or absent) when the set is cold. */
  get entries(): Record<string, number> {
    return Object.fromEntries([...this.byKind].map(([kind, cache]) => [kind.name, cache.size]));
  }
}
