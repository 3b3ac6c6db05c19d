import { takeOutOfProduction } from '../../testing/world.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { completeStep, createConnection, STALE_AFTER_MS, STALE_REASON, type ConnectionInput } from '../../admin/onboarding/index.js';
import { verificationJob } from '../../db/schema.js';
import { grantRole } from '../../admin/roles.js';
import { demoAdminNumber } from '../../demo/admins.js';
import { recordSourceStatuses } from '../../admin/statistics/index.js';
import type { AuditActor } from '../../audit/index.js';
import { contractVersion } from '../../contracts/registry.js';
import { TOLVAN } from '../../simulators/population.js';
import { describeEachDatabase } from '../../testing/databases.js';
import { hiddenField, type HttpBrowser } from '../../testing/http-browser.js';
import { startJournalen, type Journalen } from '../../testing/journalen.js';
import { startReplayProducer } from '../../testing/replay-producer.js';
import { RIVTA_DIR } from '../../testing/rivta.js';

/** The onboarding and agents pages through login: the role matrix, forms, CSRF and the workflow. */
describeEachDatabase('operations pages: onboarding and agents', (getDb) => {
  let j: Journalen;
  let operator: HttpBrowser;
  let regionAdmin: HttpBrowser;
  let auditor: HttpBrowser;
  let resident: HttpBrowser;
  let in05: number;
  let in12: number;
  const system: AuditActor = { id: 'test', role: 'system' };
  const diagnosis = contractVersion('GetDiagnosis')!.responderNamespace;

  beforeAll(async () => {
    j = await startJournalen(getDb());
    const pnr = (i: number) => j.world.sources.population.residentAt(i).personnummer;
    operator = j.browser();
    regionAdmin = j.browser();
    auditor = j.browser();
    resident = j.browser();
    await j.logIn(operator, demoAdminNumber(j.world.sources.population, 'operator'));
    await j.logIn(regionAdmin, demoAdminNumber(j.world.sources.population, 'careProviderAdmin'));
    // The demo auditor (index 13) is a baby in the small test population and cannot log in: an adult instead.
    const adult = Array.from({ length: 26 }, (_, k) => 14 + k).find((i) => j.world.sources.population.residentAt(i).birthDate < '2000-01-01')!;
    await grantRole(getDb().db, { id: 'test', role: 'system' }, { personnummer: pnr(adult), role: 'auditor', regionCode: null });
    await j.logIn(auditor, pnr(adult));
    await j.logIn(resident, TOLVAN);
    await takeOutOfProduction(getDb(), j.world, ['cosmic', 'pmo']);
    const cosmic = j.world.sources.simulators.system('cosmic');
    const base: ConnectionInput = { kind: 'new', regionCode: '05', careProviderHsaIds: ['SE2321000016-AAAA'], sourceSystemId: 'cosmic', logicalAddress: cosmic.logicalAddress, contracts: [diagnosis], endpoints: { sit: cosmic.baseUrl, production: 'https://prod.example.se/c' } };
    in05 = (await createConnection(getDb().db, system, base, new Date())).id;
    in12 = (await createConnection(getDb().db, system, { ...base, regionCode: '12', sourceSystemId: 'pmo' }, new Date())).id;
  });
  afterAll(async () => j?.close());

  const csrfOf = async (browser: HttpBrowser, path: string) => hiddenField((await browser.get(path)).body, '_csrf');

  it('refuses a resident every operations page', async () => {
    for (const path of ['/admin/anslutningar', `/admin/anslutningar/${in05}`, '/admin/ombud', '/admin/journalsystem', '/admin/statistik', '/admin/statistik.csv']) {
      expect((await resident.get(path)).status, path).toBe(403);
    }
    const anonymous = j.browser();
    expect((await anonymous.send('GET', new URL('/admin/anslutningar', 'http://journalen.test'), undefined, {}, false)).status).toBe(401);
  });

  it('shows the operator every connection and the form; validation errors come back on the form', async () => {
    const page = await operator.get('/admin/anslutningar');
    expect(page.status).toBe(200);
    expect(page.body).toContain(`/admin/anslutningar/${in05}`);
    expect(page.body).toContain(`/admin/anslutningar/${in12}`);
    expect(page.body).toContain('Ny anslutning');
    const csrf = hiddenField(page.body, '_csrf');
    const bad = await operator.post('/admin/anslutningar', { _csrf: csrf, kind: 'new', regionCode: '05', logicalAddress: 'nope', careProviderHsaIds: '' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Formuläret har fel');
    expect(bad.body).toContain('href="#f-logicalAddress"');
    expect(bad.body).toContain('aria-invalid="true"');
    expect(bad.body).toContain('value="nope"');
  });

  it('creates a connection from the form and walks it a step; a skipped step is refused with the reason', async () => {
    const csrf = await csrfOf(operator, '/admin/anslutningar');
    const created = await operator.post('/admin/anslutningar', {
      _csrf: csrf,
      kind: 'new',
      regionCode: '05',
      careProviderHsaIds: 'SE2321000016-AAAB\nSE2321000016-AAAC',
      sourceSystemId: '',
      sourceSystemName: 'Eget system',
      logicalAddress: 'SE2321000016-NEW9',
      contracts: diagnosis,
      'endpoints.sit': 'https://sit.example.se/p',
    });
    expect(created.status).toBe(200);
    expect(created.url.pathname).toMatch(/^\/admin\/anslutningar\/\d+$/);
    expect(created.body).toContain('Eget system');
    expect(created.body).toContain('Nästa steg: Uppstartsmöte');
    const path = created.url.pathname;
    const stepCsrf = hiddenField(created.body, '_csrf');
    const skipped = await operator.post(`${path}/steg`, { _csrf: stepCsrf, step: 'sitOrder' });
    expect(skipped.status).toBe(409);
    expect(skipped.body).toContain('steps cannot be skipped');
    const done = await operator.post(`${path}/steg`, { _csrf: stepCsrf, step: 'startMeeting', note: 'Bokat' });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Klart');
    expect(done.body).toContain('Nästa steg: Förstudie för SIT/QA inskickad');
  });

  it('offers the platform\'s path template by default in the form, and keeps the simulators\' for a post without the field', async () => {
    const page = await operator.get('/admin/anslutningar');
    expect(page.body).toContain('<input type="radio" id="pathTemplate-platform" name="pathTemplate" checked="" value="/vp/{domain}/{contract}/{major}/rivtabp21"/>');
    expect(page.body).toContain('<input type="radio" id="pathTemplate-simulator" name="pathTemplate" value="/{contract}/{major}"/>');
    const csrf = hiddenField(page.body, '_csrf');
    const form = (logicalAddress: string, extra: Record<string, string>) => ({
      _csrf: csrf, kind: 'new', regionCode: '05', careProviderHsaIds: 'SE2321000016-AAAB', sourceSystemName: 'Mallsystem', logicalAddress, contracts: diagnosis, 'endpoints.sit': 'https://sit.example.se/p', ...extra,
    });
    const platform = await operator.post('/admin/anslutningar', form('SE2321000016-TPL1', { pathTemplate: '/vp/{domain}/{contract}/{major}/rivtabp21' }));
    expect(platform.status).toBe(200);
    expect(platform.body).toContain('<dt>Sökväg till tjänstekontrakten</dt><dd><code>/vp/{domain}/{contract}/{major}/rivtabp21</code></dd>');
    const old = await operator.post('/admin/anslutningar', form('SE2321000016-TPL2', {}));
    expect(old.status).toBe(200);
    expect(old.body).toContain('<dt>Sökväg till tjänstekontrakten</dt><dd><code>/{contract}/{major}</code></dd>');
    const bad = await operator.post('/admin/anslutningar', form('SE2321000016-TPL3', { pathTemplate: '/x/{nope}' }));
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('href="#f-pathTemplate"');
    expect(bad.body).toContain('unknown placeholder {nope}');
  });

  it('runs the verification from the page in the background: the post returns at once, the page shows progress, then the report', async () => {
    // The SIT endpoint serves the official test data for the national test persons.
    const replay = await startReplayProducer({ rivtaDir: RIVTA_DIR, logicalAddress: 'SE2321000016-RPLY' });
    try {
      const db = getDb().db;
      const id = (await createConnection(db, system, { kind: 'new', regionCode: '05', careProviderHsaIds: ['SE2321000016-AAAA'], sourceSystemName: 'Replay', logicalAddress: replay.logicalAddress, contracts: [diagnosis], endpoints: { sit: replay.baseUrl } }, new Date())).id;
      for (const step of ['startMeeting', 'preStudySubmitted', 'preStudyApproved', 'sitOrder'] as const) await completeStep(db, system, id, { step }, new Date());
      const page = await operator.get(`/admin/anslutningar/${id}`);
      expect(page.body).toContain('Kör verifiering');
      expect(page.body).toContain('name="testPatients"');
      const started = performance.now();
      const posted = await operator.post(`/admin/anslutningar/${id}/steg`, { _csrf: hiddenField(page.body, '_csrf'), step: 'producerVerification', testPatients: '' });
      expect(performance.now() - started).toBeLessThan(5000);
      expect(posted.status).toBe(200);
      expect(posted.url.pathname).toBe(`/admin/anslutningar/${id}`);
      // Either still under way (a self-refreshing status line, no form to start another run) or, on a fast machine, already done.
      if (!posted.body.includes('Verifieringen är klar')) {
        expect(posted.body).toMatch(/Verifieringen (står i kö|pågår: \d+ av \d+ kontroller klara)/);
        expect(posted.body).toContain('<meta http-equiv="refresh" content="5"');
        expect(posted.body).toContain('role="status"');
        expect(posted.body).not.toContain('Kör verifiering');
      }
      let body = posted.body;
      for (let i = 0; i < 120 && !body.includes('Verifieringen är klar'); i++) {
        await new Promise((r) => setTimeout(r, 250));
        body = (await operator.get(`/admin/anslutningar/${id}`)).body;
      }
      expect(body).toContain('Verifieringen är klar och godkänd');
      expect(body).not.toContain('http-equiv="refresh"');
      expect(body).toContain('Godkänd');
      expect(body).toContain('Nästa steg: Beställning för QA');
      const report = await operator.get(`/admin/anslutningar/${id}/rapport?steg=1`);
      expect(report.status).toBe(200);
      expect(report.body).toContain('GetDiagnosis');
    } finally {
      await replay.close();
    }
  }, 60_000);

  it('shows a verification whose process died as stopped, with the reason, instead of refreshing forever', async () => {
    const db = getDb().db;
    const cosmic = j.world.sources.simulators.system('cosmic');
    const id = (await createConnection(db, system, { kind: 'new', regionCode: '05', careProviderHsaIds: ['SE2321000016-AAAA'], sourceSystemName: 'Avbruten', logicalAddress: cosmic.logicalAddress, contracts: [diagnosis], endpoints: { sit: cosmic.baseUrl } }, new Date())).id;
    for (const step of ['startMeeting', 'preStudySubmitted', 'preStudyApproved', 'sitOrder'] as const) await completeStep(db, system, id, { step }, new Date());
    // Left `running` by a process that stopped 11 minutes ago.
    const startedAt = new Date(Date.now() - STALE_AFTER_MS - 60_000);
    await db.insert(verificationJob).values({ connectionId: id, status: 'running', checksDone: 3, checksTotal: 18, testPatients: ['191212121212'], requestedBy: 'test', createdAt: startedAt, startedAt });
    const page = await operator.get(`/admin/anslutningar/${id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Verifieringen kunde inte köras:');
    expect(page.body).toContain(STALE_REASON);
    expect(page.body).not.toContain('http-equiv="refresh"');
    expect(page.body).not.toMatch(/Verifieringen pågår/);
    // And a new run can be started from the page.
    expect(page.body).toContain('Kör verifiering');
  });

  it('lets a care provider administrator see and change only its region', async () => {
    const list = await regionAdmin.get('/admin/anslutningar');
    expect(list.status).toBe(200);
    expect(list.body).toContain(`/admin/anslutningar/${in12}`);
    expect(list.body).not.toContain(`/admin/anslutningar/${in05}"`);
    expect((await regionAdmin.get(`/admin/anslutningar/${in05}`)).status).toBe(403);
    expect((await regionAdmin.get(`/admin/anslutningar/${in12}`)).status).toBe(200);
    const csrf = hiddenField(list.body, '_csrf');
    expect((await regionAdmin.post(`/admin/anslutningar/${in05}/steg`, { _csrf: csrf, step: 'startMeeting' })).status).toBe(403);
    expect((await regionAdmin.post('/admin/anslutningar', { _csrf: csrf, regionCode: '05' })).status).toBe(403);
    expect((await regionAdmin.post(`/admin/anslutningar/${in12}/steg`, { _csrf: csrf, step: 'startMeeting' })).status).toBe(200);
    // An id that does not exist looks like one of another region's: no telling which ids exist.
    expect((await regionAdmin.get('/admin/anslutningar/999999')).status).toBe(403);
    // Approvals and routing are the national operator's, even in one's own region.
    expect((await regionAdmin.post(`/admin/anslutningar/${in12}/steg`, { _csrf: csrf, step: 'preStudyApproved' })).status).toBe(403);
    // National pages are the operator's and the auditor's.
    expect((await regionAdmin.get('/admin/ombud')).status).toBe(403);
    expect((await regionAdmin.get('/admin/statistik')).status).toBe(403);
  });

  it('lets the auditor read everything and change nothing', async () => {
    const list = await auditor.get('/admin/anslutningar');
    expect(list.status).toBe(200);
    expect(list.body).toContain('läsbehörighet');
    expect(list.body).not.toContain('Skapa anslutning');
    const detail = await auditor.get(`/admin/anslutningar/${in12}`);
    expect(detail.status).toBe(200);
    expect(detail.body).not.toContain('Markera som klart');
    const csrf = hiddenField(list.body, '_csrf');
    expect((await auditor.post(`/admin/anslutningar/${in12}/steg`, { _csrf: csrf, step: 'preStudySubmitted' })).status).toBe(403);
    expect((await auditor.post('/admin/ombud', { _csrf: csrf, name: 'X' })).status).toBe(403);
    expect((await auditor.get('/admin/ombud')).status).toBe(200);
  });

  it('needs the CSRF token on every post', async () => {
    expect((await operator.post('/admin/anslutningar', { regionCode: '05' })).status).toBe(403);
    expect((await operator.post(`/admin/anslutningar/${in12}/steg`, { step: 'preStudySubmitted', _csrf: 'forged' })).status).toBe(403);
    expect((await operator.post('/admin/ombud', { name: 'X' })).status).toBe(403);
  });

  it('keeps agents: the form validates and the list shows the agreement', async () => {
    const page = await operator.get('/admin/ombud?lang=en');
    expect(page.body).toContain('New agent');
    const csrf = hiddenField(page.body, '_csrf');
    const bad = await operator.post('/admin/ombud?lang=en', { _csrf: csrf, name: 'Ombudet AB', organisationNumber: '12' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('The form has errors');
    const ok = await operator.post('/admin/ombud?lang=en', { _csrf: csrf, name: 'Ombudet AB', organisationNumber: '556677-8899', agreementReference: 'AG-7', careProviderHsaIds: 'SE2321000016-CCCC' });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('AG-7');
    expect(ok.body).toContain('556677-8899');
  });

  it('lets the operator edit the registry, tie a planned change to connections, and the public map shows it', async () => {
    expect((await j.browser().get('/journalsystem')).body).toMatch(/Cosmic<\/a> \(COS\): 8 regioner/);
    const page = await operator.get('/admin/journalsystem');
    expect(page.status).toBe(200);
    const csrf = hiddenField(page.body, '_csrf');
    const bad = await operator.post('/admin/journalsystem', { _csrf: csrf, regionCode: '12', careLevel: 'hospital', systemId: '', note: '' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('href="#f-note"');
    const ok = await operator.post('/admin/journalsystem', { _csrf: csrf, regionCode: '12', careLevel: 'hospital', systemId: 'cosmic', note: 'Beslut i regionfullmäktige 2026-01-20' });
    expect(ok.status).toBe(200);
    expect((await j.browser().get('/journalsystem')).body).toMatch(/Cosmic<\/a> \(COS\): 9 regioner/);
    const planned = await operator.post('/admin/journalsystem', { _csrf: csrf, regionCode: '12', careLevel: 'planned', systemId: 'millennium', note: 'Upphandling', connectionIds: String(in12) });
    expect(planned.body).toContain(`href="/admin/anslutningar/${in12}">#${in12}</a>`);
    // The auditor reads it and cannot change it.
    expect((await auditor.get('/admin/journalsystem')).body).toContain('läsbehörighet');
    expect((await auditor.post('/admin/journalsystem', { _csrf: csrf, regionCode: '12', careLevel: 'planned', note: 'x' })).status).toBe(403);
    expect((await operator.post('/admin/journalsystem', { regionCode: '12', careLevel: 'planned', note: 'x' })).status).toBe(403);
  });

  it('shows statistics as charts with tables, suppresses small counts, and offers the CSV', async () => {
    await recordSourceStatuses(getDb().db, [{ logicalAddress: 'SE2321000016-STAT', systemName: 'Statsystem', contract: 'GetDiagnosis', version: '2', infoType: 'diagnosis', status: 'answered', itemCount: 1, durationMs: 120 }], new Date());
    const page = await auditor.get('/admin/statistik');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Inloggningar per månad');
    expect(page.body).toMatch(/<figure class="chart"[^>]*>[\s\S]*?<svg/);
    // The logins of this test's few administrators are fewer than 5 users.
    expect(page.body).toContain('färre än 5');
    expect(page.body).toContain('Statsystem');
    const csv = await auditor.get('/admin/statistik.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="journalen-statistik-/);
    expect(csv.body).toContain('"statistic","period","dimension","measure","value"');
    expect(csv.body).toContain('"uniqueUsers",<5');
    expect((await auditor.get('/admin/statistik?from=2026-13-01')).status).toBe(400);
  });
});
