import { beforeAll, expect, it } from 'vitest';
import { isJournalenError } from '../errors/index.js';
import { describeEachDatabase } from '../testing/databases.js';
import { type AccessLogEntry, readAccessLog } from './access-log.js';
import { type AuditEntryInput, appendAudit } from './log.js';

const TOLVAN = '191212121212';
const CHILD = '201701012393';
const MOTHER = '198503142385';
const FATHER = '198207222396';
const OTHER = '194001019876';

const at = (iso: string) => new Date(iso);

describeEachDatabase('access log', (getDb) => {
  beforeAll(async () => {
    const { db } = getDb();
    const entries: AuditEntryInput[] = [
      { kind: 'login', actor: { id: TOLVAN, role: 'self' }, subject: TOLVAN, at: at('2026-11-01T08:00:00Z') },
      {
        kind: 'recordRead',
        actor: { id: TOLVAN, role: 'self' },
        subject: TOLVAN,
        at: at('2026-11-01T08:00:01Z'),
        details: {
          informationTypes: ['note', 'labResult'],
          sources: [{ careUnitHsaId: 'SE2321000016-15CQ', careUnitName: 'Vårdcentralen Åsen', careGiverName: 'Region Stockholm', system: 'TakeCare' }],
        },
      },
      { kind: 'recordRead', actor: { id: OTHER, role: 'self' }, subject: OTHER, at: at('2026-11-02T09:00:00Z'), details: { informationTypes: ['note'], sources: [] } },
      {
        kind: 'settingsChanged',
        actor: { id: TOLVAN, role: 'self' },
        subject: TOLVAN,
        at: at('2026-11-03T10:00:00Z'),
        details: { setting: 'showUnsigned', before: false, after: true },
      },
      {
        kind: 'itemRead',
        actor: { id: MOTHER, role: 'guardian', name: 'Anna Andersson' },
        subject: CHILD,
        at: at('2026-11-04T11:00:00Z'),
        details: { informationTypes: ['vaccination'], sources: [{ careUnitName: 'BVC Åsen' }], itemId: 'v-1', internalNote: 'secret' },
      },
      { kind: 'recordRead', actor: { id: FATHER, role: 'guardian' }, subject: CHILD, at: at('2026-11-04T12:00:00Z'), details: { informationTypes: ['diagnosis'], sources: [] } },
    ];
    // 25 reads of Tolvan's record, three of them at the same instant, to page through.
    for (let i = 0; i < 25; i++) {
      const minute = i < 3 ? 0 : i;
      entries.push({
        kind: 'recordRead',
        actor: { id: TOLVAN, role: 'self' },
        subject: TOLVAN,
        at: new Date(Date.UTC(2026, 10, 10, 12, minute)),
        details: { informationTypes: ['medication'], sources: [{ careUnitHsaId: `SE-${i}` }] },
      });
    }
    for (const entry of entries) await appendAudit(db, entry);
  });

  it("shows only the subject's entries, reads by default, newest first", async () => {
    const { db } = getDb();
    const other = await readAccessLog(db, OTHER, { limit: 100 });
    expect(other.entries.map((e) => e.informationTypes)).toEqual([['note']]);
    expect(other.nextCursor).toBeNull();

    const tolvan = await readAccessLog(db, TOLVAN, { limit: 100 });
    expect(tolvan.entries).toHaveLength(26);
    expect(tolvan.entries.every((e) => e.kind === 'recordRead')).toBe(true);
    const times = tolvan.entries.map((e) => e.at.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    expect(await readAccessLog(db, '200001011234', { limit: 10 })).toEqual({ entries: [], nextCursor: null });
  });

  it('shows who, when and what: information types and sources', async () => {
    const page = await readAccessLog(getDb().db, TOLVAN, { limit: 100, to: at('2026-11-02T00:00:00Z') });
    expect(page.entries).toEqual<AccessLogEntry[]>([
      {
        seq: 2,
        at: at('2026-11-01T08:00:01Z'),
        kind: 'recordRead',
        viewer: { role: 'self', name: null },
        informationTypes: ['note', 'labResult'],
        sources: [{ careGiverHsaId: null, careGiverName: 'Region Stockholm', careUnitHsaId: 'SE2321000016-15CQ', careUnitName: 'Vårdcentralen Åsen', system: 'TakeCare' }],
      },
    ]);
  });

  it('shows guardians by role and name, never by personnummer, and no other details', async () => {
    const page = await readAccessLog(getDb().db, CHILD, { limit: 10 });
    expect(page.entries.map((e) => e.viewer)).toEqual([
      { role: 'guardian', name: null },
      { role: 'guardian', name: 'Anna Andersson' },
    ]);
    const text = JSON.stringify(page);
    for (const hidden of [MOTHER, FATHER, 'secret', 'v-1']) expect(text).not.toContain(hidden);
  });

  it('includes other kinds when asked', async () => {
    const page = await readAccessLog(getDb().db, TOLVAN, { limit: 100, kinds: ['login', 'settingsChanged'] });
    expect(page.entries.map((e) => e.kind)).toEqual(['settingsChanged', 'login']);
    // The setting's before and after are not for this view.
    expect(page.entries[0]).toMatchObject({ informationTypes: [], sources: [] });
  });

  it('filters by period: from inclusive, to exclusive', async () => {
    const { db } = getDb();
    const from = new Date(Date.UTC(2026, 10, 10, 12, 5));
    const to = new Date(Date.UTC(2026, 10, 10, 12, 10));
    const page = await readAccessLog(db, TOLVAN, { limit: 100, from, to });
    expect(page.entries.map((e) => e.at.getUTCMinutes())).toEqual([9, 8, 7, 6, 5]);
  });

  it('pages through everything once, also across entries at the same instant', async () => {
    const { db } = getDb();
    const all = await readAccessLog(db, TOLVAN, { limit: 100 });
    for (const limit of [1, 2, 4, 7]) {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<typeof readAccessLog>> = await readAccessLog(db, TOLVAN, { limit, cursor });
        expect(page.entries.length).toBeLessThanOrEqual(limit);
        seen.push(...page.entries.map((e) => e.seq));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null);
      expect(seen).toEqual(all.entries.map((e) => e.seq));
      expect(pages).toBe(Math.ceil(26 / limit));
    }
  });

  it('keeps the period when paging', async () => {
    const { db } = getDb();
    const from = new Date(Date.UTC(2026, 10, 10, 12, 0));
    const first = await readAccessLog(db, TOLVAN, { limit: 20, from });
    const second = await readAccessLog(db, TOLVAN, { limit: 20, from, cursor: first.nextCursor });
    expect(first.entries.length + second.entries.length).toBe(25);
    expect(second.nextCursor).toBeNull();
  });

  it.each<[string, string, Parameters<typeof readAccessLog>[2], string]>([
    ['a formatted personnummer', '19121212-1212', { limit: 10 }, 'subject'],
    ['no subject', '', { limit: 10 }, 'subject'],
    ['limit 0', TOLVAN, { limit: 0 }, 'limit'],
    ['limit 101', TOLVAN, { limit: 101 }, 'limit'],
    ['a fractional limit', TOLVAN, { limit: 2.5 }, 'limit'],
    ['an invalid from', TOLVAN, { limit: 10, from: new Date('nonsense') }, 'from'],
    ['a made-up cursor', TOLVAN, { limit: 10, cursor: 'not-a-cursor' }, 'cursor'],
    ['a cursor of another shape', TOLVAN, { limit: 10, cursor: Buffer.from('1.2.3').toString('base64url') }, 'cursor'],
    ['no kinds', TOLVAN, { limit: 10, kinds: [] }, 'kinds'],
  ])('refuses %s with INPUT_INVALID naming the field, not repeating the value', async (_what, subject, options, field) => {
    const error = await readAccessLog(getDb().db, subject, options).catch((e: unknown) => e);
    expect(isJournalenError(error, 'INPUT_INVALID')).toBe(true);
    expect(error).toMatchObject({ details: { field } });
    expect((error as Error).message).not.toContain('1212');
  });
});
