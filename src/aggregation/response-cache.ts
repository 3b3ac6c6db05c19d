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

export class ResponseCache {
  private readonly entries = new Map<string, CachedAnswer>();
  readonly store: 'every' | 'late';

  constructor(private readonly options: ResponseCacheOptions) {
    if (!(options.ttlMs > 0) || !Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError('a response cache needs ttlMs > 0 and maxEntries >= 1');
    }
    if (options.store !== undefined && options.store !== 'every' && options.store !== 'late') throw new RangeError("a response cache stores 'every' or 'late' answers");
    this.store = options.store ?? 'every';
  }

  get size(): number {
    return this.entries.size;
  }

  /** Stores the approved items of a complete answer. */
  put(key: CacheKey, items: readonly RecordItem[]): void {
    const k = keyOf(key);
    this.entries.delete(k);
    this.entries.set(k, { items: items.filter((item) => item.approvedForPatient === true), storedAt: this.options.now() });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** Whether a live entry is held (without counting as a use). */
  has(key: CacheKey): boolean {
    const entry = this.entries.get(keyOf(key));
    return entry !== undefined && this.options.now() - entry.storedAt <= this.options.ttlMs;
  }

  get(key: CacheKey): CachedAnswer | undefined {
    const k = keyOf(key);
    const entry = this.entries.get(k);
    if (!entry) return undefined;
    if (this.options.now() - entry.storedAt > this.options.ttlMs) {
      this.entries.delete(k);
      return undefined;
    }
    // Re-insert: Map order is the eviction order.
    this.entries.delete(k);
    this.entries.set(k, entry);
    return entry;
  }

  clear(): void {
    this.entries.clear();
  }
}
