/**
 * oidc-provider storage in memory, one store per provider instance.
 *
 * oidc-provider's own MemoryAdapter keeps one module-wide store shared by every provider in the
 * process (tests start several) and prints a warning on every start; the demo needs neither a
 * database nor survival across restarts, so a small per-instance store does. Entries expire by
 * their TTL, checked when read; the oldest are dropped past `maxEntries` so a long-running demo
 * cannot grow without bound.
 */

import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

interface Entry {
  readonly payload: AdapterPayload;
  /** Epoch milliseconds; undefined when oidc-provider gave no TTL. */
  readonly expiresAt: number | undefined;
}

// Models whose entries can be revoked together through their grant.
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

export function createMemoryAdapterFactory(maxEntries = 20_000, now: () => number = Date.now): AdapterFactory {
  const entries = new Map<string, Entry>();
  // Secondary keys: session uid -> session id, user code -> id, grant id -> keys of its tokens.
  const sessionIdByUid = new Map<string, string>();
  const idByUserCode = new Map<string, string>();
  const keysByGrant = new Map<string, Set<string>>();

  const get = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  const evict = (): void => {
    // Map iterates in insertion order: the first keys are the oldest.
    for (const key of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(key);
    }
    // The indexes only point at entries; dangling pointers resolve to undefined above, but the
    // maps themselves must not outgrow the store.
    for (const index of [sessionIdByUid, idByUserCode, keysByGrant] as Map<string, unknown>[]) {
      for (const key of index.keys()) {
        if (index.size <= maxEntries) break;
        index.delete(key);
      }
    }
  };

  return (model: string): Adapter => {
    const keyFor = (id: string): string => `${model}:${id}`;
    return {
      async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
        const key = keyFor(id);
        entries.delete(key); // re-insert at the end: an update makes it the newest
        entries.set(key, { payload, expiresAt: expiresIn > 0 ? now() + expiresIn * 1000 : undefined });
        if (model === 'Session' && typeof payload.uid === 'string') sessionIdByUid.set(payload.uid, id);
        if (typeof payload.userCode === 'string') idByUserCode.set(payload.userCode, id);
        if (GRANTABLE.has(model) && typeof payload.grantId === 'string') {
          const keys = keysByGrant.get(payload.grantId) ?? new Set<string>();
          keys.add(key);
          keysByGrant.set(payload.grantId, keys);
        }
        if (entries.size > maxEntries) evict();
      },
      async find(id: string): Promise<AdapterPayload | undefined> {
        return get(keyFor(id));
      },
      async findByUid(uid: string): Promise<AdapterPayload | undefined> {
        const id = sessionIdByUid.get(uid);
        return id === undefined ? undefined : get(keyFor(id));
      },
      async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
        const id = idByUserCode.get(userCode);
        return id === undefined ? undefined : get(keyFor(id));
      },
      async consume(id: string): Promise<void> {
        const payload = get(keyFor(id));
        if (payload !== undefined) payload.consumed = Math.floor(now() / 1000);
      },
      async destroy(id: string): Promise<void> {
        const key = keyFor(id);
        const payload = entries.get(key)?.payload;
        entries.delete(key);
        if (model === 'Session' && typeof payload?.uid === 'string') sessionIdByUid.delete(payload.uid);
      },
      async revokeByGrantId(grantId: string): Promise<void> {
        for (const key of keysByGrant.get(grantId) ?? []) entries.delete(key);
        keysByGrant.delete(grantId);
      },
    };
  };
}
