import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { grantRole } from '../../admin/roles.js';
import { demoAdminNumber } from '../../demo/admins.js';
import { auditEntry } from '../../db/schema.js';
import { policyInForce } from '../../registry/policies.js';
import { TOLVAN } from '../../simulators/population.js';
import { describeEachDatabase } from '../../testing/databases.js';
import { hiddenField, type HttpBrowser } from '../../testing/http-browser.js';
import { APP_ORIGIN, startJournalen, type Journalen } from '../../testing/journalen.js';
import { policyToForm } from './rules-form.js';

/** The administrators' rules and access pages, end to end: roles, forms, versions, preview, CSRF. */
describeEachDatabase('admin rules pages', (getDb) => {
  let j: Journalen;
  const as: Record<'operator' | 'skane' | 'auditor' | 'resident', HttpBrowser> = {} as never;
  const csrf: Record<string, string> = {};

  beforeAll(async () => {
    j = await startJournalen(getDb());
    const pop = j.world.sources.population;
    const who = {
      operator: demoAdminNumber(pop, 'operator'),
      skane: demoAdminNumber(pop, 'careProviderAdmin'),
      auditor: await adultAuditor(),
      resident: TOLVAN,
    };
    async function adultAuditor() {
      // The demo's auditor (resident 13) may be a child in a small test population, who cannot log in; the role is what is tested.
      const seeded = demoAdminNumber(pop, 'auditor');
      if (Number(seeded.slice(0, 4)) <= 1990) return seeded;
      const adult = Array.from({ length: 40 }, (_, i) => pop.residentAt(i).personnummer).find((p, i) => i > 13 && Number(p.slice(0, 4)) <= 1990)!;
      await grantRole(getDb().db, { id: 'test', role: 'system' }, { personnummer: adult, role: 'auditor', regionCode: null });
      return adult;
    }
    for (const [role, pnr] of Object.entries(who) as [keyof typeof who, string][]) {
      as[role] = j.browser();
      const landed = await j.logIn(as[role], pnr);
      if (process.env.DEBUG_ADMIN) console.log(role, landed.status, landed.url.href, (landed.body.match(/<input[^>]*>/g) ?? []).join(' '), landed.body.match(/name="_csrf"[^>]*/g));
      // Any page of the session carries the token (the logout form).
      csrf[role] = hiddenField((await as[role].get(role === 'resident' ? '/min-journal' : '/admin')).body, '_csrf');
    }
  });
  afterAll(async () => j?.close());

  const GETS = ['/admin', '/admin/regler', '/admin/regler/12', '/admin/regler/12/andra', '/admin/regler/12/forhandsgranska', '/admin/atkomst'];
  const POSTS = ['/admin/regler/12/andra', '/admin/regler/12/aterstall', '/admin/regler/12/forhandsgranska', '/admin/atkomst/undantag', '/admin/atkomst/sparr', '/admin/atkomst/forsegling', '/admin/atkomst/hav'];

  it('refuses a resident without a role every admin page and every post', async () => {
    for (const path of GETS) expect((await as.resident.get(path)).status, path).toBe(403);
    for (const path of [...POSTS, '/admin/atkomst/visa']) expect((await post(as.resident, path, { _csrf: csrf.resident!, version: '1' })).status, path).toBe(403);
  });

  it('sends a visitor who is not logged in to log in', async () => {
    const page = await j.browser().send('GET', new URL('/admin/regler', 'http://journalen.test'), undefined, {}, false);
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/logga-in?returnTo=%2Fadmin%2Fregler');
  });

  it('lets the auditor read the rules and history but change nothing', async () => {
    for (const path of ['/admin', '/admin/regler', '/admin/regler/12', '/admin/regler/01']) expect((await as.auditor.get(path)).status, path).toBe(200);
    const regionPage = await as.auditor.get('/admin/regler/12');
    expect(regionPage.body).toContain('Historik');
    expect(regionPage.body).not.toContain('Återställ version');
    expect((await as.auditor.get('/admin/regler/12/andra')).status).toBe(403);
    for (const path of POSTS) expect((await post(as.auditor, path, { _csrf: csrf.auditor!, version: '1' })).status, path).toBe(403);
  });

  it('lets Skåne’s administrator edit Skåne, not Stockholm, and lists only Skåne', async () => {
    const list = await as.skane.get('/admin/regler');
    expect(list.body).toContain('Region Skåne');
    expect(list.body).not.toContain('Region Stockholm');
    expect((await as.skane.get('/admin/regler/12/andra')).status).toBe(200);
    expect((await as.skane.get('/admin/regler/01')).status).toBe(403);
    expect((await as.skane.get('/admin/regler/01/andra')).status).toBe(403);
    const form = { ...flatten(policyToForm((await policyInForce(getDb().db, '01', new Date()))!.policy)), _csrf: csrf.skane!, action: 'save', signed_kind: 'never' };
    expect((await post(as.skane, '/admin/regler/01/andra', form)).status).toBe(403);
  });

  it('lets the operator see and edit every region', async () => {
    const list = await as.operator.get('/admin/regler');
    expect(list.body).toContain('Region Stockholm');
    expect(list.body).toContain('Region Norrbotten');
    expect((await as.operator.get('/admin/regler/01/andra')).status).toBe(200);
    expect((await as.operator.get('/admin/regler/25?lang=en')).body).toContain('History');
  });

  it('answers a JSON body where a form is expected with a 4xx, never a 500', async () => {
    for (const body of [{ version: 5 }, { personnummer: {}, date: 1 }, { kind: ['x', 1] }]) {
      for (const path of ['/admin/regler/12/aterstall', '/admin/regler/12/forhandsgranska', '/admin/atkomst/undantag']) {
        const res = await as.operator.json('POST', path, body, { 'x-csrf-token': csrf.operator! });
        expect(res.status, `${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${path} ${JSON.stringify(body)}`).toBeLessThan(500);
      }
    }
  });

  it('needs the CSRF token for every post', async () => {
    for (const path of [...POSTS, '/admin/atkomst/visa']) expect((await post(as.operator, path, { version: '1' })).status, path).toBe(403);
  });

  it('shows validation errors beside the fields and in a summary: bad delay, negative days, unknown information type', async () => {
    const base = flatten(policyToForm((await policyInForce(getDb().db, '12', new Date()))!.policy));
    const page = await post(as.skane, '/admin/regler/12/andra', { ...base, _csrf: csrf.skane!, action: 'save', signed_kind: 'afterDays', signed_days: '-3', labResult_validated_kind: 'sometimes', radrum_kind: 'mandatory', radrum_days: 'fjorton', shown: 'xray' });
    expect(page.status).toBe(400);
    expect(page.body).toContain('role="alert"');
    expect(page.body).toContain('Antal dagar kan inte vara negativt.');
    expect(page.body).toContain('Ange antal dagar som ett heltal');
    expect(page.body).toContain('Okänd informationstyp: ”xray”.');
    expect(page.body).toContain('Välj ett av alternativen.');
    expect(page.body).toMatch(/id="f-signed_days"[^>]*aria-invalid="true"[^>]*aria-describedby="e-signed_days/);
    expect(page.body).toContain('href="#f-signed_days"');
    // Nothing was stored.
    expect((await policyInForce(getDb().db, '12', new Date()))!.version).toBe(1);
  });

  it('saves a change effective later, keeps the history, audits before and after, and restores an earlier version', async () => {
    const { db } = getDb();
    const base = flatten(policyToForm((await policyInForce(db, '12', new Date()))!.policy));
    const later = new Date(Date.now() + 3 * 86_400_000);
    const at = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(later);
    const saved = await post(as.skane, '/admin/regler/12/andra', { ...base, _csrf: csrf.skane!, action: 'save', excluded_keywords: 'Hot och våld', comment: 'Beslut 2026-11', effective: 'later', effective_at: `${at}T00:00` });
    expect(saved.status).toBe(200);
    expect(saved.url.pathname + saved.url.search).toBe('/admin/regler/12?sparad=2');
    expect(saved.body).toContain('Version 2 är sparad.');
    expect(saved.body).toContain('väntar');
    expect((await policyInForce(db, '12', new Date()))!.version).toBe(1);
    expect((await policyInForce(db, '12', new Date(later.getTime() + 86_400_000)))!.policy.excludedKeywords).toMatchObject([{ value: 'Hot och våld', basis: { kind: 'administrator', comment: 'Beslut 2026-11' } }]);
    const [entry] = await db.select().from(auditEntry).where(eq(auditEntry.kind, 'rulesChanged')).orderBy(desc(auditEntry.seq)).limit(1);
    const details = entry!.details as { before: { excludedKeywords: unknown[] }; after: { excludedKeywords: unknown[] }; changedClauses: string[] };
    expect(details.before.excludedKeywords).toEqual([]);
    expect(details.after.excludedKeywords).toHaveLength(1);
    expect(details.changedClauses).toEqual(['excludedKeywords']);
    // Unchanged clauses keep the seed's basis.
    expect((await policyInForce(db, '12', new Date(later.getTime() + 86_400_000)))!.policy.radrum.basis.kind).not.toBe('administrator');

    // A time in the past is refused beside the field.
    const past = await post(as.skane, '/admin/regler/12/andra', { ...base, _csrf: csrf.skane!, action: 'save', excluded_keywords: 'X', effective: 'later', effective_at: '2020-01-01T10:00' });
    expect(past.status).toBe(400);
    expect(past.body).toContain('Tidpunkten har redan passerat');

    // Saving a change now, then restoring version 1, makes version 4 with version 1's rules.
    const now3 = await post(as.skane, '/admin/regler/12/andra', { ...base, _csrf: csrf.skane!, action: 'save', unsigned_kind: 'never', effective: 'now' });
    expect(now3.url.search).toBe('?sparad=3');
    const restored = await post(as.skane, '/admin/regler/12/aterstall', { _csrf: csrf.skane!, version: '1' });
    expect(restored.url.search).toBe('?sparad=4');
    const v4 = await policyInForce(db, '12', new Date());
    expect(v4!.version).toBe(4);
    expect(v4!.policy.unsignedNotes).toEqual((await policyInForce(db, '12', new Date(0)))!.policy.unsignedNotes);
    expect(restored.body).toMatch(/Återställd från version 1/);
  });

  it('previews what a resident would see under a draft: a longer delay for Skåne’s signed notes hides items, with reasons, audited first', async () => {
    const { db } = getDb();
    const base = flatten(policyToForm((await policyInForce(db, '12', new Date()))!.policy));
    const page = await post(as.skane, '/admin/regler/12/andra', { ...base, _csrf: csrf.skane!, action: 'preview', signed_kind: 'never', personnummer: TOLVAN, date: '' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Förhandsgranskning');
    const hidden = Number(/Döljs med utkastet \((\d+)\)/.exec(page.body)?.[1]);
    const shown = Number(/Visas nu med utkastet \((\d+)\)/.exec(page.body)?.[1]);
    expect(shown).toBe(0);
    expect(hidden).toBeGreaterThan(0);
    expect(page.body).toContain('visar inte signerade anteckningar');
    // The preview is a read of Tolvan's record: in his access log, by an administrator.
    const [entry] = await db.select().from(auditEntry).where(eq(auditEntry.kind, 'recordRead')).orderBy(desc(auditEntry.seq)).limit(1);
    expect(entry).toMatchObject({ actorRole: 'administrator', subject: TOLVAN, details: { action: 'rulesPreview', regionCode: '12', newlyHidden: hidden } });
    // A record that protection covers is not previewed at all.
    const protectedChild = j.world.sources.population.special('protectedChild').personnummer;
    const refused = await post(as.skane, '/admin/regler/12/andra', { ...base, _csrf: csrf.skane!, action: 'preview', signed_kind: 'never', personnummer: protectedChild, date: '' });
    expect(refused.status).toBe(403);
    expect(refused.body).not.toContain('Döljs med utkastet');
    // The reverse: from "never" back to directly shows them again (a saved pending version previewed on its own page).
    const future = new Date(Date.now() + 7 * 86_400_000);
    const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(future);
    const saved = await post(as.skane, '/admin/regler/12/andra', { ...base, _csrf: csrf.skane!, action: 'save', signed_kind: 'never', effective: 'later', effective_at: `${day}T00:00` });
    const version = /sparad=(\d+)/.exec(saved.url.search)![1]!;
    const preview = await post(as.skane, '/admin/regler/12/forhandsgranska', { _csrf: csrf.skane!, personnummer: TOLVAN, date: day, version: '1' });
    expect(preview.status).toBe(200);
    expect(Number(/Visas nu med utkastet \((\d+)\)/.exec(preview.body)?.[1])).toBe(hidden);
    expect(version).toBeDefined();
  });

  it('asks for a valid personnummer for the preview, beside the field', async () => {
    const page = await post(as.skane, '/admin/regler/12/forhandsgranska', { _csrf: csrf.skane!, personnummer: '12345', date: '2026-13-01', version: '1' });
    expect(page.status).toBe(400);
    expect(page.body).toContain('Ange ett giltigt personnummer');
    expect(page.body).toContain('Ange ett datum som ÅÅÅÅ-MM-DD.');
  });

  it('lets care provider administrators make exceptions only for units of their region; the operator anywhere', async () => {
    const { db } = getDb();
    const dir = await import('../../record/directory.js').then((m) => m.loadCareDirectory(db));
    const units = await db.select().from((await import('../../db/schema.js')).careUnit);
    const regionOfUnit = (u: { careProviderHsaId: string }) => dir.provider(u.careProviderHsaId)?.regionCode;
    const skaneUnit = units.find((u) => regionOfUnit(u) === '12');
    const otherUnit = units.find((u) => regionOfUnit(u) && regionOfUnit(u) !== '12');
    expect(skaneUnit && otherUnit).toBeTruthy();
    const child = j.world.sources.population.special('child13to15').personnummer;
    const form = { _csrf: csrf.skane!, kind: 'earlyOwnAccess', child, validFrom: '2026-01-01', validTo: '' };
    const ok = await post(as.skane, '/admin/atkomst/undantag', { ...form, careUnit: skaneUnit!.hsaId });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('Undantaget är sparat.');
    expect(ok.url.search).toBe('?klart=undantag');
    expect((await post(as.skane, '/admin/atkomst/undantag', { ...form, careUnit: otherUnit!.hsaId })).status).toBe(403);
    expect((await post(as.operator, '/admin/atkomst/undantag', { ...form, _csrf: csrf.operator!, careUnit: otherUnit!.hsaId })).status).toBe(200);
    const bad = await post(as.skane, '/admin/atkomst/undantag', { ...form, child: '123', careUnit: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Ange ett giltigt personnummer');
    // A block covers every provider: the operator's, not a region's.
    expect((await post(as.skane, '/admin/atkomst/sparr', { _csrf: csrf.skane!, guardian: TOLVAN, child, careUnit: skaneUnit!.hsaId })).status).toBe(403);
    const block = await post(as.operator, '/admin/atkomst/sparr', { _csrf: csrf.operator!, guardian: TOLVAN, child, careUnit: skaneUnit!.hsaId });
    expect(block.body).toContain('Vårdnadshavaren är spärrad.');
    const [entry] = await db.select().from(auditEntry).where(eq(auditEntry.kind, 'adminAction')).orderBy(desc(auditEntry.seq)).limit(1);
    expect(entry).toMatchObject({ subject: child, details: { action: 'guardianBlocked' } });
  });
});


describeEachDatabase('admin: care seals', (getDb) => {
  let j: Journalen;
  beforeAll(async () => {
    j = await startJournalen(getDb());
  });
  afterAll(async () => j?.close());

  it("lets care seal a unit's or a provider's information for a resident, within the administrator's region; hidden from the resident at once", async () => {
    const population = j.world.sources.population;
    const resident = population.special('tolvan');
    const reader = j.browser();
    await j.logIn(reader, resident.personnummer);
    const items = async () => (await reader.json('GET', '/api/v1/records/self/items?limit=200')).data.items as { careUnit: { hsaId: string }; careGiver: { hsaId: string }; region: { code: string } }[];
    const before = await items();
    expect(before.length).toBeGreaterThan(0);
    const target = before[0]!;

    const skane = j.browser();
    const operator = j.browser();
    await j.logIn(skane, demoAdminNumber(population, 'careProviderAdmin'));
    await j.logIn(operator, demoAdminNumber(population, 'operator'));
    const csrfOf = async (b: HttpBrowser) => /name="_csrf" value="([^"]+)"/.exec((await b.get('/admin/atkomst')).body)![1]!;
    const skaneCsrf = await csrfOf(skane);
    const operatorCsrf = await csrfOf(operator);

    // Outside Skåne the Skåne administrator is refused; a period is the operator's.
    if (target.region.code !== '12') {
      expect((await skane.post('/admin/atkomst/forsegling', { _csrf: skaneCsrf, subject: resident.personnummer, sealKind: 'careUnit', sealUnit: target.careUnit.hsaId })).status).toBe(403);
    }
    expect((await skane.post('/admin/atkomst/forsegling', { _csrf: skaneCsrf, subject: resident.personnummer, sealKind: 'period', sealFrom: '2000-01-01' })).status).toBe(403);
    const bad = await operator.post('/admin/atkomst/forsegling', { _csrf: operatorCsrf, subject: '123', sealKind: 'careUnit', sealUnit: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Ange ett giltigt personnummer');
    expect((await operator.post('/admin/atkomst/forsegling', { subject: resident.personnummer, sealKind: 'careUnit', sealUnit: target.careUnit.hsaId })).status).toBe(403);

    const sealed = await operator.post('/admin/atkomst/forsegling', { _csrf: operatorCsrf, subject: resident.personnummer, sealKind: 'careUnit', sealUnit: target.careUnit.hsaId });
    expect(sealed.body).toContain('Informationen är förseglad.');
    const after = await items();
    expect(after.some((i) => i.careUnit.hsaId === target.careUnit.hsaId)).toBe(false);
    expect(after.length).toBeLessThan(before.length);

    await operator.post('/admin/atkomst/forsegling', { _csrf: operatorCsrf, subject: resident.personnummer, sealKind: 'careGiver', sealProvider: target.careGiver.hsaId });
    expect((await items()).some((i) => i.careGiver.hsaId === target.careGiver.hsaId)).toBe(false);
    // The resident is told there are care seals, not which.
    expect((await reader.json('GET', '/api/v1/records/self/seals')).data).toMatchObject({ account: false, careSeals: 2 });
    const [entry] = await getDb().db.select().from(auditEntry).where(eq(auditEntry.kind, 'sealChanged')).orderBy(desc(auditEntry.seq)).limit(1);
    expect(entry).toMatchObject({ subject: resident.personnummer, actorRole: 'administrator' });
    // The operator looks the resident up (by POST, no number in a URL) and lifts the unit seal.
    const shown = await operator.post('/admin/atkomst/visa', { _csrf: operatorCsrf, resident: resident.personnummer });
    expect(shown.status).toBe(200);
    expect(shown.url.search).toBe('');
    expect(shown.body).toContain(`Vårdenhet ${target.careUnit.hsaId}`);
    const sealId = new RegExp(`name="what" value="seal"/><input type="hidden" name="id" value="(\\d+)"`).exec(shown.body)?.[1];
    expect(sealId).toBeDefined();
    expect((await operator.post('/admin/atkomst/hav', { what: 'seal', resident: resident.personnummer, id: sealId! })).status).toBe(403);
    const lifted = await operator.post('/admin/atkomst/hav', { _csrf: operatorCsrf, what: 'seal', resident: resident.personnummer, id: sealId! });
    expect(lifted.body).toContain('Skyddet är hävt.');
    expect((await reader.json('GET', '/api/v1/records/self/seals')).data.careSeals).toBe(1);
    const [liftEntry] = await getDb().db.select().from(auditEntry).where(eq(auditEntry.kind, 'sealChanged')).orderBy(desc(auditEntry.seq)).limit(1);
    expect(liftEntry).toMatchObject({ subject: resident.personnummer, details: { after: null } });
    expect((await operator.post('/admin/atkomst/hav', { _csrf: operatorCsrf, what: 'seal', resident: resident.personnummer, id: sealId! })).status).toBe(404);
  });
});

type Form = Record<string, string | string[]>;

/** The form's values without the empty ones. */
function flatten(values: Record<string, string | string[] | undefined>): Form {
  const out: Form = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = v;
  return out;
}

/** Posts a form as a browser does, lists as repeated fields (checkbox groups). */
function post(browser: HttpBrowser, path: string, form: Form) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  return browser.send('POST', new URL(path, APP_ORIGIN), params.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
}
