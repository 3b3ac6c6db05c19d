import type { RecordItem } from '../domain/record.js';
import type { Settled } from './common.js';
import { ExpiringEntries } from './response-cache.js';

/**
 * Platform mode's answers that came after the display deadline, per patient + contract
 * (+ period): every source's status line of the aggregated answer and its items, kept in memory
 * only, for a short time and a bounded number of entries, so the next view shows them (the
 * response cache of direct mode, response-cache.ts, keeps one source's items; an aggregated
 * answer is many sources' at once).
 *
 * Items the producer has not approved for the patient (approvedForPatient=false) are never
 * stored: that judgement changes (a rådrum ends, a clinician decides), so only a fresh answer
 * may carry such an item.
 */

export interface PlatformCacheOptions {
  /** How long an answer may be served after it was fetched (ms). */
  readonly ttlMs: number;
  /** Most answers kept; the least recently used goes first. */
  readonly maxEntries: number;
  readonly now: () => number;
}

export interface PlatformCacheKey {
  readonly patientId: string;
  readonly contract: string;
  readonly period?: { readonly start?: Date; readonly end?: Date };
}

export interface CachedPlatformAnswer {
  /** The answer's lines, each with its approved items only (itemCount counts those). */
  readonly lines: readonly Settled[];
  readonly storedAt: number;
}

// Unit separator: none of the parts can contain it, so distinct keys stay distinct.
const keyOf = (k: PlatformCacheKey) => [k.patientId, k.contract, k.period?.start?.getTime() ?? '', k.period?.end?.getTime() ?? ''].join('\u001f');

export class PlatformAnswerCache {
  private readonly entries: ExpiringEntries<CachedPlatformAnswer>;

  constructor(private readonly options: PlatformCacheOptions) {
    if (!(options.ttlMs > 0) || !Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError('a platform answer cache needs ttlMs > 0 and maxEntries >= 1');
    }
    this.entries = new ExpiringEntries(options);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Stores one contract's aggregated answer, its items approved for the patient only. */
  put(key: PlatformCacheKey, lines: readonly Settled[]): void {
    const k = keyOf(key);
    const approved = lines.map(({ status, items }): Settled => {
      const kept: RecordItem[] = items.filter((item) => item.approvedForPatient === true);
      return { status: { ...status, itemCount: kept.length }, items: kept };
    });
    this.entries.set(k, { lines: approved, storedAt: this.options.now() });
  }

  /** Whether a live entry is held (without counting as a use). */
  has(key: PlatformCacheKey): boolean {
    return this.entries.has(keyOf(key));
  }

  get(key: PlatformCacheKey): CachedPlatformAnswer | undefined {
    return this.entries.get(keyOf(key));
  }

  clear(): void {
    this.entries.clear();
  }
}
