import type { RecordItem } from '../domain/record.js';

/**
 * The last good answer of one source, per patient + source + contract (+ period), kept in memory
 * only, for a short time and a bounded number of entries, so that a source that fails now can be
 * answered "from cache" with the page saying so, and so that an answer that came after the
 * display deadline is shown at the next view. What is stored is chosen by `store`: every
 * complete answer, or (the aggregator's default) only answers that came late, plus fresher
 * answers of sources already held.
 *
 * Items the producer has not approved for the patient (approvedForPatient=false) are never
 * stored: that judgement changes (a rådrum ends, a clinician decides), so only a fresh answer
 * from the producer may carry such an item.
 */

export interface ResponseCacheOptions {
  /** How long an answer may be served after it was fetched (ms). */
  readonly ttlMs: number;
  /** Most answers kept; the least recently used goes first. */
  readonly maxEntries: number;
  readonly now: () => number;
  /** 'every' complete answer (default), or only 'late' ones (after the display deadline) and refreshes of those held. */
  readonly store?: 'every' | 'late';
}

export interface CacheKey {
  readonly patientId: string;
  readonly logicalAddress: string;
  readonly contract: string;
  readonly period?: { readonly start?: Date; readonly end?: Date };
}

export interface CachedAnswer {
  readonly items: readonly RecordItem[];
  readonly storedAt: number;
}

// Unit separator: none of the parts can contain it, so distinct keys stay distinct.
const keyOf = (k: CacheKey) =>
  [k.patientId, k.logicalAddress, k.contract, k.period?.start?.getTime() ?? '', k.period?.end?.getTime() ?? ''].join('\u001f');

/**
 * A bounded map of entries that expire: one older than `ttlMs` is gone, and beyond `maxEntries`
 * the least recently used goes first (Map order is the eviction order). Shared by direct mode's
 * cache and platform mode's (platform-cache.ts).
 */
export class ExpiringEntries<V extends { readonly storedAt: number }> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly options: { readonly ttlMs: number; readonly maxEntries: number; readonly now: () => number }) {}

  get size(): number {
    return this.entries.size;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** Whether a live entry is held (without counting as a use). */
  has(key: string): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && this.options.now() - entry.storedAt <= this.options.ttlMs;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.options.now() - entry.storedAt > this.options.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  clear(): void {
    this.entries.clear();
  }
}

export class ResponseCache {
  private readonly entries: ExpiringEntries<CachedAnswer>;
  readonly store: 'every' | 'late';

  constructor(private readonly options: ResponseCacheOptions) {
    if (!(options.ttlMs > 0) || !Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError('a response cache needs ttlMs > 0 and maxEntries >= 1');
    }
    if (options.store !== undefined && options.store !== 'every' && options.store !== 'late') throw new RangeError("a response cache stores 'every' or 'late' answers");
    this.store = options.store ?? 'every';
    this.entries = new ExpiringEntries(options);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Stores the approved items of a complete answer. */
  put(key: CacheKey, items: readonly RecordItem[]): void {
    this.entries.set(keyOf(key), { items: items.filter((item) => item.approvedForPatient === true), storedAt: this.options.now() });
  }

  /** Whether a live entry is held (without counting as a use). */
  has(key: CacheKey): boolean {
    return this.entries.has(keyOf(key));
  }

  get(key: CacheKey): CachedAnswer | undefined {
    return this.entries.get(keyOf(key));
  }

  clear(): void {
    this.entries.clear();
  }
}
