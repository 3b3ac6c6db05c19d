import { and, desc, eq, inArray, isNull, lte, or } from 'drizzle-orm';
import { appendAudit, type AuditActor } from '../../audit/index.js';
import { DEFAULT_TEST_PATIENTS, verifyProducer, type ConformanceReport, type VerifyProducerOptions } from '../../conformance/index.js';
import type { Db } from '../../db/connection.js';
import { producerConnection, verificationJob, type VerificationJobStatus } from '../../db/schema.js';
import { JournalenError } from '../../errors/index.js';
import { completeStep, reportProblem, sitEndpoints, verificationTarget } from './workflow.js';

/**
 * The verification step as a background job. A form post queues the job and returns at once;
 * the run (in the process that queued it) writes its progress, checks done of checks in all,
 * to the job's row, so any process can show it; when done the row holds the report, the
 * connection its last verification, and the step is completed if the report passed.
 *
 * A process that stops mid-run (a restart, a crash) leaves its job `running`. Once such a job is
 * older than STALE_AFTER_MS it is marked `failed` with STALE_REASON: when the page reads it, or
 * when a new run of the connection is queued over it. (Should its process still be alive after
 * all, its late result replaces the mark: the report is real.)
 */

export interface VerificationJob {
  readonly id: number;
  readonly connectionId: number;
  readonly status: VerificationJobStatus;
  readonly checksDone: number;
  readonly checksTotal: number;
  readonly testResidents: number;
  readonly requestedByName: string | null;
  readonly report: ConformanceReport | null;
  readonly error: string | null;
  /** After a finished run: null when the step was completed, otherwise why not. */
  readonly problem: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

/** A running job older than this no longer blocks a new one (its process is taken to be gone). */
export const STALE_AFTER_MS = 10 * 60_000;
/** Why a stale job was marked failed: shown on the connection's page. */
export const STALE_REASON = `the verification stopped: the service was restarted or the run took longer than ${STALE_AFTER_MS / 60_000} minutes`;

const UNFINISHED: VerificationJobStatus[] = ['queued', 'running'];
/** Started (or queued) before this moment, and not finished: stale. */
const staleBefore = (now: Date) => new Date(now.getTime() - STALE_AFTER_MS);
const isStale = (row: Pick<typeof verificationJob.$inferSelect, 'status' | 'startedAt' | 'createdAt'>, now: Date) =>
  UNFINISHED.includes(row.status) && (row.startedAt ?? row.createdAt).getTime() <= staleBefore(now).getTime();

/**
 * Marks the connection's stale unfinished jobs failed with STALE_REASON; the ids marked. Only
 * rows still unfinished are touched, so a run that finishes meanwhile keeps its result.
 */
async function failStaleJobs(db: Pick<Db, 'update'>, connectionId: number, now: Date): Promise<number[]> {
  const cutoff = staleBefore(now);
  const marked = await db
    .update(verificationJob)
    .set({ status: 'failed', error: STALE_REASON, finishedAt: now })
    .where(
      and(
        eq(verificationJob.connectionId, connectionId),
        inArray(verificationJob.status, UNFINISHED),
        or(lte(verificationJob.startedAt, cutoff), and(isNull(verificationJob.startedAt), lte(verificationJob.createdAt, cutoff))),
      ),
    )
    .returning({ id: verificationJob.id });
  return marked.map((m) => m.id);
}
const MAX_TEST_PATIENTS = 20;
const PATIENT_ID = /^[0-9]{8}[0-9A-Za-z]{4}$/;

function toJob(row: typeof verificationJob.$inferSelect): VerificationJob {
  return {
    id: row.id,
    connectionId: row.connectionId,
    status: row.status,
    checksDone: row.checksDone,
    checksTotal: row.checksTotal,
    testResidents: row.testPatients.length,
    requestedByName: row.requestedByName,
    report: (row.report as ConformanceReport | null) ?? null,
    error: row.error,
    problem: row.problem,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

/** Test residents as an administrator writes them (19121212-1212, one per line or comma-separated); the defaults when none. */
export function parseTestPatients(input: string | readonly string[] | null | undefined): string[] {
  const raw = typeof input === 'string' ? input.split(/[\s,;]+/) : [...(input ?? [])];
  const ids = [...new Set(raw.map((p) => p.trim().replace(/^(\d{6,8})[-+](\w{4})$/, '$1$2')).filter((p) => p !== ''))];
  if (ids.length === 0) return [...DEFAULT_TEST_PATIENTS];
  const errors = ids.flatMap((p, i) => (PATIENT_ID.test(p) ? [] : [{ field: 'testPatients', message: `test resident ${i + 1} is not a 12-character id (YYYYMMDDNNNN)` }]));
  if (ids.length > MAX_TEST_PATIENTS) errors.push({ field: 'testPatients', message: `at most ${MAX_TEST_PATIENTS} test residents` });
  // The message names the position, never the number.
  if (errors.length > 0) throw new JournalenError('INPUT_INVALID', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { field: 'testPatients', errors });
  return ids;
}

export async function getVerificationJob(db: Db, id: number): Promise<VerificationJob> {
  const [row] = Number.isSafeInteger(id) ? await db.select().from(verificationJob).where(eq(verificationJob.id, id)) : [];
  if (!row) throw new JournalenError('NOT_FOUND', 'no such verification job');
  return toJob(row);
}

/**
 * The connection's newest job, or null. A stale unfinished one is marked failed first (see
 * STALE_REASON), so the page says the run stopped instead of refreshing itself forever.
 */
export async function latestVerificationJob(db: Db, connectionId: number, options: { readonly now?: Date } = {}): Promise<VerificationJob | null> {
  const newest = async () => (await db.select().from(verificationJob).where(eq(verificationJob.connectionId, connectionId)).orderBy(desc(verificationJob.id)).limit(1))[0];
  const row = await newest();
  if (!row) return null;
  const now = options.now ?? new Date();
  if (!isStale(row, now)) return toJob(row);
  await failStaleJobs(db, connectionId, now);
  return toJob((await newest())!);
}

export interface StartVerificationOptions {
  readonly now: () => Date;
  readonly note?: string | null;
  /** As written in the form; the national test persons when empty. */
  readonly testPatients?: string | readonly string[] | null;
  /** Overrides for the suite (tests: schema folder, timeouts). */
  readonly verify?: Partial<VerifyProducerOptions>;
}

/**
 * Queues the verification of a connection and starts it in the background; returns the queued
 * job at once. CONFLICT when verification is not the next step or a job is already under way.
 * `done` resolves when the run has finished (tests wait on it; pages poll the row instead).
 */
export async function startVerificationJob(
  db: Db,
  actor: AuditActor,
  connectionId: number,
  options: StartVerificationOptions,
): Promise<{ job: VerificationJob; done: Promise<VerificationJob> }> {
  const connection = await verificationTarget(db, connectionId);
  const testPatients = parseTestPatients(options.testPatients);
  const now = options.now();
  const row = await db.transaction(async (tx) => {
    // The connection's row lock serialises two administrators starting a run at once.
    await tx.select({ id: producerConnection.id }).from(producerConnection).where(eq(producerConnection.id, connectionId)).for('update');
    const [active] = await tx
      .select()
      .from(verificationJob)
      .where(and(eq(verificationJob.connectionId, connectionId), inArray(verificationJob.status, ['queued', 'running'])))
      .orderBy(desc(verificationJob.id))
      .limit(1);
    if (active && !isStale(active, now)) {
      throw new JournalenError('CONFLICT', 'a verification of this connection is already under way', { jobId: active.id, reason: 'verificationRunning' });
    }
    // A run whose process is gone is recorded as stopped, not left `running` beside the new one.
    if (active) await failStaleJobs(tx, connectionId, now);
    const [inserted] = await tx
      .insert(verificationJob)
      .values({ connectionId, status: 'queued', testPatients, note: options.note?.trim() || null, requestedBy: actor.id, requestedByName: actor.name ?? null, createdAt: now })
      .returning();
    await appendAudit(tx, { kind: 'adminAction', actor, details: { action: 'verificationQueued', connectionId, regionCode: connection.regionCode, after: { jobId: inserted!.id, testResidents: testPatients.length } } });
    return inserted!;
  });
  const done = new Promise<VerificationJob>((resolve) => {
    // After the answer to the form post: the post never waits for the producer.
    setImmediate(() => void runVerificationJob(db, actor, row.id, options).then(resolve, () => resolve(getVerificationJob(db, row.id))));
  });
  return { job: toJob(row), done };
}

/** Runs a queued job to its end; every outcome, a crash of the suite included, is written to the row. */
export async function runVerificationJob(db: Db, actor: AuditActor, jobId: number, options: StartVerificationOptions): Promise<VerificationJob> {
  const [row] = await db.select().from(verificationJob).where(eq(verificationJob.id, jobId));
  if (!row) throw new JournalenError('NOT_FOUND', 'no such verification job');
  await db.update(verificationJob).set({ status: 'running', startedAt: options.now() }).where(eq(verificationJob.id, jobId));
  try {
    const connection = await verificationTarget(db, row.connectionId);
    const report = await verifyProducer({
      now: options.now,
      ...options.verify,
      testPatients: row.testPatients,
      endpoint: sitEndpoints(connection),
      logicalAddress: connection.logicalAddress,
      onProgress: async ({ checksDone, checksTotal }) => {
        // Contract versions finish concurrently: an older count arriving late must not go backwards.
        await db.update(verificationJob).set({ checksDone, checksTotal }).where(and(eq(verificationJob.id, jobId), lte(verificationJob.checksDone, checksDone)));
      },
    });
    await db.update(producerConnection).set({ lastVerification: report as unknown as Record<string, unknown> }).where(eq(producerConnection.id, connection.id));
    let problem = reportProblem(connection, report);
    if (problem === null) {
      try {
        await completeStep(db, actor, connection.id, { step: 'producerVerification', note: row.note, report }, options.now());
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
    } else {
      await appendAudit(db, { kind: 'adminAction', actor, details: { action: 'verificationRun', connectionId: connection.id, regionCode: connection.regionCode, after: { ok: false, failed: report.summary.failed, noData: report.summary.noData } } });
    }
    await db.update(verificationJob).set({ status: 'done', report: report as unknown as Record<string, unknown>, problem, finishedAt: options.now() }).where(eq(verificationJob.id, jobId));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.update(verificationJob).set({ status: 'failed', error: message.slice(0, 1000), finishedAt: options.now() }).where(eq(verificationJob.id, jobId));
  }
  return getVerificationJob(db, jobId);
}
