/**
 * The typesetter's process-wide caches. A mail merge renders one letter to many recipients, so
 * nearly every word, paragraph, subset and stream of a document was already made for the one
 * before; each cache is keyed by everything its value depends on, so a warm render gives the same
 * bytes as a cold one (the tests compare them after `resetCaches`).
 */

const caches: { clear(): void }[] = [];

/** A map that forgets its least recently used entry beyond `limit` entries. */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly limit: number) {
    caches.push(this);
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Map keeps insertion order: re-inserting makes the entry the most recent.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as K);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Empties every cache of the typesetter, so the next render is as cold as a new process's (fonts stay parsed). */
export function resetCaches(): void {
  for (const cache of caches) cache.clear();
}
