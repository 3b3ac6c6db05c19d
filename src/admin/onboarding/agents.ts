import { asc } from 'drizzle-orm';
import { appendAudit, type AuditActor } from '../../audit/index.js';
import type { Db } from '../../db/connection.js';
import { agent } from '../../db/schema.js';
import { isHsaId } from '../../domain/identifiers/index.js';
import { JournalenError } from '../../errors/index.js';
import type { FieldError } from './workflow.js';

/**
 * Agents (ombud): organisations that pass Journalen on to care providers through their own
 * connection. Their onboarding is a producer's (seed 002 line 145); what is kept here is the
 * agreement and which care providers they connect.
 */

export interface Agent {
  readonly id: number;
  readonly name: string;
  readonly organisationNumber: string;
  readonly agreementReference: string;
  readonly careProviderHsaIds: readonly string[];
  readonly createdAt: Date;
}

export interface AgentInput {
  readonly name: string;
  readonly organisationNumber: string;
  readonly agreementReference: string;
  readonly careProviderHsaIds: readonly string[];
}

export async function listAgents(db: Db): Promise<Agent[]> {
  const rows = await db.select().from(agent).orderBy(asc(agent.name), asc(agent.id));
  return rows.map((r) => ({ id: r.id, name: r.name, organisationNumber: r.organisationNumber, agreementReference: r.agreementReference, careProviderHsaIds: r.careProviderHsaIds, createdAt: r.createdAt }));
}

export async function createAgent(db: Db, actor: AuditActor, input: AgentInput): Promise<Agent> {
  const errors: FieldError[] = [];
  const name = (input.name ?? '').trim();
  const organisationNumber = (input.organisationNumber ?? '').replace(/[\s-]/g, '');
  const agreementReference = (input.agreementReference ?? '').trim();
  const careProviders = [...new Set((input.careProviderHsaIds ?? []).map((h) => h.trim()).filter((h) => h !== ''))];
  if (name === '' || name.length > 200) errors.push({ field: 'name', message: 'give the organisation name, at most 200 characters' });
  if (!/^\d{10}$/.test(organisationNumber)) errors.push({ field: 'organisationNumber', message: 'must be a Swedish organisation number, 10 digits (e.g. 556559-4230)' });
  if (agreementReference === '' || agreementReference.length > 100) errors.push({ field: 'agreementReference', message: 'give the agent agreement reference, at most 100 characters' });
  if (careProviders.length === 0) errors.push({ field: 'careProviderHsaIds', message: 'name at least one care provider by HSA-id' });
  for (const h of careProviders) if (!isHsaId(h)) errors.push({ field: 'careProviderHsaIds', message: `${h.slice(0, 40)} is not an HSA-id (e.g. SE2321000016-15CQ)` });
  if (errors.length > 0) {
    throw new JournalenError('INPUT_INVALID', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { field: errors[0]!.field, errors });
  }
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(agent).values({ name, organisationNumber, agreementReference, careProviderHsaIds: careProviders, createdBy: actor.id }).returning();
    await appendAudit(tx, { kind: 'adminAction', actor, details: { action: 'agentCreated', agentId: row!.id, before: null, after: { name, organisationNumber, agreementReference, careProviderHsaIds: careProviders } } });
    return { id: row!.id, name, organisationNumber, agreementReference, careProviderHsaIds: careProviders, createdAt: row!.createdAt };
  });
}
