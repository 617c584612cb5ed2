import { CACHE_BUDGETS, LruCache, TOTAL_CACHE_BUDGET, weigh } from "../../../functions/core/pdf/cache";

/** A cache of byte arrays weighed by their length alone, so the arithmetic is visible. */
const byteCache = (maxBytes: number, maxEntries?: number) => new LruCache<string, Uint8Array>({ maxBytes, maxEntries, sizeOf: (_key, value) => value.byteLength });

describe("a cache bounded by bytes", () => {
  test("keeps at most its budget, forgetting the least recently used entries first", () => {
    const cache = byteCache(100);
    cache.set("a", new Uint8Array(40));
    cache.set("b", new Uint8Array(40));
    expect(cache.get("a")).toBeDefined(); // a is now more recent than b
    cache.set("c", new Uint8Array(40));
    expect({ a: cache.has("a"), b: cache.has("b"), c: cache.has("c"), bytes: cache.bytes }).toEqual({ a: true, b: false, c: true, bytes: 80 });
  });

  test("gives a used entry a second chance and keeps the entry being set, even when every other entry was used", () => {
    const cache = byteCache(100);
    for (const key of ["a", "b"]) cache.set(key, new Uint8Array(40));
    expect([cache.get("b"), cache.get("a")].every(Boolean)).toBe(true);
    cache.set("c", new Uint8Array(40));
    // Both were used: each moved once, unmarked, and then the oldest of them (a, moved first) went.
    expect({ a: cache.has("a"), b: cache.has("b"), c: cache.has("c"), bytes: cache.bytes }).toEqual({ a: false, b: true, c: true, bytes: 80 });
    cache.set("d", new Uint8Array(40));
    expect({ b: cache.has("b"), c: cache.has("c"), d: cache.has("d") }).toEqual({ b: false, c: true, d: true });
  });

  test("evicts as many entries as a large one needs, and never keeps one larger than the whole budget", () => {
    const cache = byteCache(100);
    for (const key of ["a", "b", "c", "d", "e"]) cache.set(key, new Uint8Array(20));
    cache.set("big", new Uint8Array(90));
    expect({ size: cache.size, bytes: cache.bytes, big: cache.has("big") }).toEqual({ size: 1, bytes: 90, big: true });
    cache.set("huge", new Uint8Array(101));
    expect({ huge: cache.has("huge"), big: cache.has("big"), bytes: cache.bytes }).toEqual({ huge: false, big: true, bytes: 90 });
  });

  test("replacing an entry counts only its new size; the entry cap still bounds tiny entries", () => {
    const cache = byteCache(1000, 3);
    cache.set("a", new Uint8Array(500));
    cache.set("a", new Uint8Array(10));
    expect(cache.bytes).toBe(10);
    for (const key of ["b", "c", "d"]) cache.set(key, new Uint8Array(1));
    expect({ size: cache.size, a: cache.has("a"), bytes: cache.bytes }).toEqual({ size: 3, a: false, bytes: 3 });
    cache.clear();
    expect({ size: cache.size, bytes: cache.bytes }).toEqual({ size: 0, bytes: 0 });
  });

  test("weighs strings, bytes and set lines by what they hold, and the budgets add up to the stated total", () => {
    expect(weigh.string("x".repeat(1000))).toBeGreaterThanOrEqual(2000);
    expect(weigh.bytes(new Uint8Array(4096))).toBeGreaterThanOrEqual(4096);
    const run = { glyphs: Array.from({ length: 1000 }, () => ({})) };
    const lines = [{ runs: [{ run, extra: new Float32Array(1000) }] }, { runs: [{ run, extra: null }] }];
    expect(weigh.lines(lines)).toBeGreaterThanOrEqual(2 * weigh.glyphs(1000) + 4000);
    expect(TOTAL_CACHE_BUDGET).toBe(Object.values(CACHE_BUDGETS).reduce((sum, bytes) => sum + bytes, 0));
    expect(TOTAL_CACHE_BUDGET).toBe(64 * 1024 * 1024);
  });
});
