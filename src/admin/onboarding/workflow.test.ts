import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditActor } from '../../audit/index.js';
import type { ConformanceReport } from '../../conformance/index.js';
import { contractVersion } from '../../contracts/registry.js';
import { auditEntry, verificationJob } from '../../db/schema.js';
import { isJournalenError } from '../../errors/index.js';
import { isAuthorized, resolveRoute, upsertRoute } from '../../routing/store.js';
import { describeEachDatabase } from '../../testing/databases.js';
import { startReplayProducer, type ReplayProducer } from '../../testing/replay-producer.js';
import { RIVTA_DIR } from '../../testing/rivta.js';
import { collectSeedSources, seedLines } from '../../testing/seeds.js';
import { startWorld, takeOutOfProduction, type World } from '../../testing/world.js';
import { AGENT_SOURCE, JOURNALEN_HSA_IDS, LEAD_TIME_SOURCE, ONBOARDING_STEPS, STEP_ORDER } from './steps.js';
import { addMonths, completeStep, createConnection, getConnection, listConnections, runVerification, sitEndpoints, type ConnectionInput } from './workflow.js';
import { PLATFORM_PATH_TEMPLATE, SIMULATOR_PATH_TEMPLATE } from '../../transport/addresses.js';
import { createAgent, listAgents } from './agents.js';
import { getVerificationJob, latestVerificationJob, parseTestPatients, STALE_AFTER_MS, STALE_REASON, startVerificationJob } from './verification-jobs.js';

const operator: AuditActor = { id: 'operator-test', role: 'administrator', name: 'Olga Operatör' };
const ns = (name: string) => contractVersion(name)!.responderNamespace;

describe('onboarding steps from seed 002', () => {
  it('quotes every step verbatim from the line it cites', () => {
    const sources = collectSeedSources({ ONBOARDING_STEPS, JOURNALEN_HSA_IDS, LEAD_TIME_SOURCE, AGENT_SOURCE });
    expect(sources.length).toBeGreaterThan(15);
    for (const { path, source } of sources) {
      expect(seedLines(source.document)[source.line - 1], `${path} cites ${source.document}:${source.line}`).toContain(source.quote);
    }
  });

  it('walks every step of the new producer path, and the shorter path is a subsequence of it after the application', () => {
    expect(STEP_ORDER.new.at(-1)).toBe('live');
    const short = STEP_ORDER.addInformationTypes.slice(1);
    expect(short.every((s, i) => i === 0 || STEP_ORDER.new.indexOf(s) > STEP_ORDER.new.indexOf(short[i - 1]!))).toBe(true);
  });

  it('adds calendar months, clamping to the end of the month', () => {
    expect(addMonths('2026-01-15', 3)).toBe('2026-04-15');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2027-11-30', 3)).toBe('2028-02-29');
  });
});

describeEachDatabase('producer onboarding', (getDb) => {
  let world: World;
  let replay: ReplayProducer;
  const db = () => getDb().db;
  beforeAll(async () => {
    // A producer of the official test data (the national test persons), as a real SIT endpoint would hold.
    replay = await startReplayProducer({ rivtaDir: RIVTA_DIR, logicalAddress: 'SE2321000016-RPLY' });
    world = await startWorld(getDb());
    // Here Cosmic and PMO are new producers: not yet in production (a connection never repoints
    // an address already in production; tested below).
    await takeOutOfProduction(getDb(), world, ['cosmic', 'pmo']);
  });
  afterAll(async () => {
    await world?.close();
    await replay?.close();
  });

  const newConnection = (over: Partial<ConnectionInput> = {}): ConnectionInput => {
    const cosmic = world.sources.simulators.system('cosmic');
    return {
      kind: 'new',
      regionCode: '05',
      careProviderHsaIds: ['SE2321000016-AAAA'],
      sourceSystemId: 'cosmic',
      logicalAddress: cosmic.logicalAddress,
      contracts: [ns('GetDiagnosis')],
      endpoints: { sit: cosmic.baseUrl, qa: cosmic.baseUrl, production: 'https://producent.example.se/cosmic' },
      ...over,
    };
  };
  const verifyOptions = { rivtaDir: RIVTA_DIR, timeoutMs: 5000 };
  const replayConnection = (over: Partial<ConnectionInput> = {}) => newConnection({ sourceSystemId: null, sourceSystemName: 'Replay', logicalAddress: replay.logicalAddress, endpoints: { sit: replay.baseUrl, qa: replay.baseUrl, production: 'https://producent.example.se/replay' }, ...over });

  async function expectError(promise: Promise<unknown>, code: 'CONFLICT' | 'INPUT_INVALID', message: RegExp) {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(isJournalenError(error, code), String(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    return error as { details: Record<string, unknown> };
  }

  it('validates a new connection and lists every problem', async () => {
    const error = await expectError(
      createConnection(db(), operator, { ...newConnection(), regionCode: '99', logicalAddress: 'not-an-id', careProviderHsaIds: [], contracts: ['urn:nope'], sourceSystemId: '', endpoints: { sit: 'ftp://x' } }, new Date()),
      'INPUT_INVALID',
      /logicalAddress/,
    );
    const fields = (error.details.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['regionCode', 'careProviderHsaIds', 'sourceSystem', 'logicalAddress', 'contracts', 'endpoints.sit']));
  });

  it('enforces the order: a skipped step and a repeated one are CONFLICTs, and nothing is written', async () => {
    const c = await createConnection(db(), operator, newConnection(), new Date());
    expect(c.nextStep).toBe('startMeeting');
    await expectError(completeStep(db(), operator, c.id, { step: 'sitOrder' }, new Date()), 'CONFLICT', /steps cannot be skipped: 'Order for SIT, configured in routing' needs 'Start meeting', .* first/);
    await completeStep(db(), operator, c.id, { step: 'startMeeting', note: 'Möte 12 mars' }, new Date());
    await expectError(completeStep(db(), operator, c.id, { step: 'startMeeting' }, new Date()), 'CONFLICT', /already done/);
    const after = await getConnection(db(), c.id);
    expect(after.steps.map((s) => [s.step, s.doneBy, s.doneByName, s.note])).toEqual([['startMeeting', 'operator-test', 'Olga Operatör', 'Möte 12 mars']]);
    expect(after.nextStep).toBe('preStudySubmitted');
    const audits = await db().select().from(auditEntry).where(eq(auditEntry.kind, 'adminAction'));
    expect(audits.map((a) => a.details)).toContainEqual(expect.objectContaining({ action: 'onboardingStep', connectionId: c.id, before: { lastStep: null }, after: { lastStep: 'startMeeting' } }));
  });

  it('never repoints an address already in production to another endpoint', async () => {
    const takecare = world.sources.simulators.system('takecare');
    await expectError(
      createConnection(db(), operator, newConnection({ sourceSystemId: 'takecare', logicalAddress: takecare.logicalAddress, endpoints: { sit: takecare.baseUrl, production: 'http://attacker.example/' } }), new Date()),
      'INPUT_INVALID',
      /already in production at another endpoint/,
    );
  });

  it('walks a new producer to live: SIT routing, verification against the official test data, production routing and authorization', async () => {
    const c = await createConnection(db(), operator, replayConnection(), new Date());
    for (const step of ['startMeeting', 'preStudySubmitted', 'preStudyApproved', 'sitOrder'] as const) await completeStep(db(), operator, c.id, { step }, new Date());
    expect(await resolveRoute(db(), { logicalAddress: c.logicalAddress, serviceContractNamespace: ns('GetDiagnosis'), environment: 'sit' })).toEqual({ found: true, endpointUrl: `${replay.baseUrl}/GetDiagnosis/2` });
    expect(await isAuthorized(db(), { consumerHsaId: JOURNALEN_HSA_IDS.sit.hsaId, serviceContractNamespace: ns('GetDiagnosis'), logicalAddress: c.logicalAddress, environment: 'sit' })).toBe(true);

    // Verification needs a report; without one, or a failing one, the step stays open.
    await expectError(completeStep(db(), operator, c.id, { step: 'producerVerification' }, new Date()), 'CONFLICT', /needs a conformance report/);
    const run = await runVerification(db(), operator, c.id, { now: new Date(), verify: verifyOptions });
    expect(run.problem).toBeNull();
    expect(run.report.ok).toBe(true);
    expect(run.connection.steps.find((s) => s.step === 'producerVerification')!.report).toMatchObject({ ok: true, logicalAddress: c.logicalAddress });

    for (const step of ['qaOrder', 'endToEndTests', 'agreementsSigned', 'productionPreStudy', 'productionOrder'] as const) await completeStep(db(), operator, c.id, { step }, new Date());
    const prodKey = { logicalAddress: c.logicalAddress, serviceContractNamespace: ns('GetDiagnosis'), environment: 'production' as const };
    const live = await completeStep(db(), operator, c.id, { step: 'live' }, new Date());
    expect(live.nextStep).toBeNull();
    expect(await resolveRoute(db(), prodKey)).toEqual({ found: true, endpointUrl: 'https://producent.example.se/replay/GetDiagnosis/2' });
    expect(await isAuthorized(db(), { ...prodKey, consumerHsaId: 'SE5565594230-BDK' })).toBe(true);
    await expectError(completeStep(db(), operator, c.id, { step: 'live' }, new Date()), 'CONFLICT', /already done/);
  });

  it('builds SIT addresses, routes and the verification\'s URLs from the connection\'s path template; without one, the simulators\' scheme', async () => {
    await expectError(createConnection(db(), operator, newConnection({ pathTemplate: 'vp/{contract}' }), new Date()), 'INPUT_INVALID', /pathTemplate: must start with \//);
    expect((await createConnection(db(), operator, newConnection(), new Date())).pathTemplate).toBe(SIMULATOR_PATH_TEMPLATE);
    const c = await createConnection(db(), operator, replayConnection({ contracts: [ns('GetVaccinationHistory')], pathTemplate: PLATFORM_PATH_TEMPLATE }), new Date());
    expect(c.pathTemplate).toBe(PLATFORM_PATH_TEMPLATE);
    const platformUrl = `${replay.baseUrl}/vp/clinicalprocess/activityprescription/actoutcome/GetVaccinationHistory/2/rivtabp21`;
    expect(sitEndpoints(c)).toEqual({ 'GetVaccinationHistory/2': platformUrl });
    for (const step of ['startMeeting', 'preStudySubmitted', 'preStudyApproved', 'sitOrder'] as const) await completeStep(db(), operator, c.id, { step }, new Date());
    expect(await resolveRoute(db(), { logicalAddress: c.logicalAddress, serviceContractNamespace: ns('GetVaccinationHistory'), environment: 'sit' })).toEqual({ found: true, endpointUrl: platformUrl });
    const run = await runVerification(db(), operator, c.id, { now: new Date(), verify: verifyOptions });
    expect(run.report.contracts.map((r) => r.url)).toEqual([platformUrl]);
    expect(run.problem).toBeNull();
  });

  it('does not complete the verification when the producer is faulty, and keeps the failing report', async () => {
    const pmo = world.sources.simulators.system('pmo');
    const c = await createConnection(db(), operator, newConnection({ sourceSystemId: 'pmo', logicalAddress: pmo.logicalAddress, endpoints: { sit: pmo.baseUrl } }), new Date());
    for (const step of ['startMeeting', 'preStudySubmitted', 'preStudyApproved', 'sitOrder'] as const) await completeStep(db(), operator, c.id, { step }, new Date());
    await world.sources.simulators.setFault('pmo', { kind: 'http500' });
    try {
      const run = await runVerification(db(), operator, c.id, { now: new Date(), verify: verifyOptions });
      expect(run.report.ok).toBe(false);
      expect(run.problem).toMatch(/did not pass: \d+ checks? failed/);
      expect(run.connection.nextStep).toBe('producerVerification');
      expect(run.connection.lastVerification).toMatchObject({ ok: false });
      // Nor can someone attach that report by hand.
      await expectError(completeStep(db(), operator, c.id, { step: 'producerVerification', report: run.report }, new Date()), 'CONFLICT', /did not pass/);
    } finally {
      await world.sources.simulators.setFault('pmo', null);
    }
  });

  it('runs the verification as a background job: queued at once, progress in the database, the step done with the report', async () => {
    const c = await createConnection(db(), operator, replayConnection({ contracts: [ns('GetDiagnosis'), ns('GetReferralOutcome')] }), new Date());
    await expectError(startVerificationJob(db(), operator, c.id, { now: () => new Date(), verify: verifyOptions }), 'CONFLICT', /not the next step/);
    for (const step of ['startMeeting', 'preStudySubmitted', 'preStudyApproved', 'sitOrder'] as const) await completeStep(db(), operator, c.id, { step }, new Date());
    const started = performance.now();
    const { job, done } = await startVerificationJob(db(), operator, c.id, { now: () => new Date(), verify: verifyOptions, testPatients: '19121212-1212\n195709263080' });
    // The call returns before the producer is asked anything.
    expect(job).toMatchObject({ status: 'queued', checksDone: 0, testResidents: 2, report: null });
    expect(performance.now() - started).toBeLessThan(5000);
    // While it runs, a second one is refused (on a loaded machine it may already have finished).
    if ((await getVerificationJob(db(), job.id)).status !== 'done') {
      await expectError(startVerificationJob(db(), operator, c.id, { now: () => new Date(), verify: verifyOptions }), 'CONFLICT', /already under way|not the next step/);
    }
    const finished = await done;
    expect(finished).toMatchObject({ status: 'done', problem: null, error: null });
    expect(finished.checksTotal).toBeGreaterThan(0);
    expect(finished.checksDone).toBe(finished.checksTotal);
    expect(finished.report).toMatchObject({ ok: true, logicalAddress: c.logicalAddress, settings: { testResidents: 2 } });
    const after = await getConnection(db(), c.id);
    expect(after.nextStep).toBe('qaOrder');
    expect(after.steps.find((s) => s.step === 'producerVerification')!.report).toMatchObject({ ok: true });
  });

  it('keeps a job that did not pass as done with its report and the reason, and refuses bad test residents', async () => {
    const c = await createConnection(db(), operator, newConnection({ sourceSystemId: 'pmo', logicalAddress: world.sources.simulators.system('pmo').logicalAddress, endpoints: { sit: world.sources.simulators.system('pmo').baseUrl } }), new Date());
    for (const step of ['startMeeting', 'preStudySubmitted', 'preStudyApproved', 'sitOrder'] as const) await completeStep(db(), operator, c.id, { step }, new Date());
    await expectError(startVerificationJob(db(), operator, c.id, { now: () => new Date(), testPatients: '12345' }), 'INPUT_INVALID', /testPatients: test resident 1 is not a 12-character id/);
    expect(parseTestPatients('')).toEqual(['195709263080', '191212121212']);
    // The simulator knows nothing of the national test persons: nothing to check is not a pass.
    const { done } = await startVerificationJob(db(), operator, c.id, { now: () => new Date(), verify: verifyOptions });
    const finished = await done;
    expect(finished.status).toBe('done');
    expect(finished.report).toMatchObject({ ok: false });
    expect(finished.problem).toMatch(/did not pass/);
    expect((await getConnection(db(), c.id)).nextStep).toBe('producerVerification');
  });

  it('marks a job whose process died failed with the reason: when the page reads it, and when a new run is started over it', async () => {
    const c = await createConnection(db(), operator, replayConnection({ contracts: [ns('GetDiagnosis')] }), new Date());
    for (const step of ['startMeeting', 'preStudySubmitted', 'preStudyApproved', 'sitOrder'] as const) await completeStep(db(), operator, c.id, { step }, new Date());
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    // As a process leaves it when it stops mid-run: running, never finished.
    const orphan = async (startedAt: Date | null, createdAt: Date) =>
      (await db().insert(verificationJob).values({ connectionId: c.id, status: startedAt ? 'running' : 'queued', testPatients: ['191212121212'], requestedBy: operator.id, createdAt, startedAt }).returning())[0]!.id;

    // Not yet stale: still shown as running, and a new run is refused.
    const fresh = await orphan(ago(STALE_AFTER_MS - 60_000), ago(STALE_AFTER_MS - 60_000));
    expect(await latestVerificationJob(db(), c.id, { now })).toMatchObject({ id: fresh, status: 'running', error: null });
    await expectError(startVerificationJob(db(), operator, c.id, { now: () => now, verify: verifyOptions }), 'CONFLICT', /already under way/);

    // Read once it is stale: failed, with why.
    const later = new Date(now.getTime() + 2 * 60_000);
    const read = await latestVerificationJob(db(), c.id, { now: later });
    expect(read).toMatchObject({ id: fresh, status: 'failed', error: STALE_REASON });
    expect(read!.finishedAt?.getTime()).toBe(later.getTime());
    expect(STALE_REASON).toBe('the verification stopped: the service was restarted or the run took longer than 10 minutes');
    expect(await getVerificationJob(db(), fresh)).toMatchObject({ status: 'failed', error: STALE_REASON });

    // Queued but never started, then a new run over it: the old one is failed, the new one runs.
    const queued = await orphan(null, ago(STALE_AFTER_MS + 1));
    const { job, done } = await startVerificationJob(db(), operator, c.id, { now: () => new Date(), verify: verifyOptions });
    expect(job.id).toBeGreaterThan(queued);
    expect(await getVerificationJob(db(), queued)).toMatchObject({ status: 'failed', error: STALE_REASON });
    expect((await done).status).toBe('done');
    // A finished job is never marked, however old.
    expect(await latestVerificationJob(db(), c.id, { now: new Date(now.getTime() + 24 * 3_600_000) })).toMatchObject({ id: job.id, status: 'done', error: null });
    const statuses = await db().select({ id: verificationJob.id, status: verificationJob.status }).from(verificationJob).where(eq(verificationJob.connectionId, c.id));
    expect(statuses.filter((r) => r.status === 'running' || r.status === 'queued')).toEqual([]);
  });

  describe('the shorter path for added information types', () => {
    const address = 'SE2321000016-ADD1';
    const passing = (contracts: [string, string][]): ConformanceReport =>
      ({ kind: 'journalen.producer-conformance', reportVersion: 1, ok: true, logicalAddress: address, summary: { passed: 1, failed: 0, skipped: 0 }, contracts: contracts.map(([contract, major]) => ({ contract, major, checks: [] })) }) as unknown as ConformanceReport;
    const input = (planned: string): ConnectionInput => ({
      kind: 'addInformationTypes',
      regionCode: '12',
      careProviderHsaIds: ['SE2321000016-BBBB'],
      sourceSystemName: 'Nytt system',
      logicalAddress: address,
      contracts: [ns('GetAlertInformation')],
      endpoints: { sit: 'https://sit.example.se/x', qa: 'https://qa.example.se/x', production: 'https://prod.example.se/x' },
      plannedProductionDate: planned,
    });

    it('is only for a source system already in production', async () => {
      await expectError(createConnection(db(), operator, input('2030-01-01'), new Date('2026-03-01T10:00:00Z')), 'INPUT_INVALID', /no production routes/);
    });

    it('needs the application at least 3 months before production, and goes live no earlier than planned', async () => {
      await upsertRoute(db(), { logicalAddress: address, serviceContractNamespace: ns('GetDiagnosis'), environment: 'production', endpointUrl: 'https://prod.example.se/x/GetDiagnosis/2' });
      const applied = new Date('2026-03-01T10:00:00Z');
      await expectError(createConnection(db(), operator, input('2026-05-31'), applied), 'INPUT_INVALID', /at least 3 months before production: 2026-06-01 at the earliest when applying 2026-03-01/);
      await expectError(createConnection(db(), operator, { ...input('2026-06-01'), contracts: [ns('GetDiagnosis')] }, applied), 'INPUT_INVALID', /already in production at this address: GetDiagnosis/);
      const c = await createConnection(db(), operator, input('2026-06-01'), applied);
      expect(c.steps.map((s) => s.step)).toEqual(['application']);
      expect(c.nextStep).toBe('sitOrder');
      await completeStep(db(), operator, c.id, { step: 'sitOrder' }, applied);
      await completeStep(db(), operator, c.id, { step: 'producerVerification', report: passing([['GetAlertInformation', '2']]) }, applied);
      for (const step of ['qaOrder', 'endToEndTests', 'productionOrder'] as const) await completeStep(db(), operator, c.id, { step }, applied);
      await expectError(completeStep(db(), operator, c.id, { step: 'live' }, new Date('2026-05-31T12:00:00Z')), 'CONFLICT', /planned production date 2026-06-01/);
      const live = await completeStep(db(), operator, c.id, { step: 'live' }, new Date('2026-06-01T08:00:00Z'));
      expect(live.nextStep).toBeNull();
      expect((await resolveRoute(db(), { logicalAddress: address, serviceContractNamespace: ns('GetAlertInformation') })).found).toBe(true);
    });
  });

  it('keeps agents with their agreement and care providers, and lists connections per region', async () => {
    await expectError(createAgent(db(), operator, { name: '', organisationNumber: '12', agreementReference: '', careProviderHsaIds: ['x'] }), 'INPUT_INVALID', /name/);
    const a = await createAgent(db(), operator, { name: 'Ombudet AB', organisationNumber: '556677-8899', agreementReference: 'AG-2026-01', careProviderHsaIds: ['SE2321000016-CCCC'] });
    expect((await listAgents(db())).map((x) => x.name)).toContain('Ombudet AB');
    const c = await createConnection(db(), operator, newConnection({ regionCode: '12', agentId: a.id }), new Date());
    expect(c.agentId).toBe(a.id);
    expect((await listConnections(db(), ['12'])).every((x) => x.regionCode === '12')).toBe(true);
    expect((await listConnections(db(), ['12'])).map((x) => x.id)).toContain(c.id);
    expect((await listConnections(db(), ['01'])).map((x) => x.id)).not.toContain(c.id);
    const audits = await db().select().from(auditEntry).where(and(eq(auditEntry.kind, 'adminAction')));
    expect(audits.some((x) => (x.details as { action?: string }).action === 'agentCreated')).toBe(true);
  });
});
