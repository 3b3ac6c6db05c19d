import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import type { SeedSource } from '../domain/seed-source.js';

/**
 * The tables of the service. Migrations in `drizzle/` are generated from this file with
 * `npm run db:generate`; never edit a generated migration, add a new one.
 */

/** Where an operator's registry edit came from, when it did not come from a seed document. */
export interface OperatorSource {
  readonly note: string;
}

export type RegistrySource = SeedSource | OperatorSource;

export const REGISTRY_CARE_LEVELS = ['primary', 'hospital', 'planned'] as const;
export type RegistryCareLevel = (typeof REGISTRY_CARE_LEVELS)[number];

export const ehrSystem = pgTable('ehr_system', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  fullName: text('full_name'),
  vendor: text('vendor').notNull(),
  careLevels: text('care_levels').array().notNull(),
  careLevelNote: text('care_level_note'),
  usedIn: text('used_in').notNull(),
  history: text('history'),
  // Self-reference: AsynjaVisph is TakeCare under another name.
  sameAs: text('same_as').references((): AnyPgColumn => ehrSystem.id),
  sources: jsonb('sources').$type<readonly RegistrySource[]>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const region = pgTable('region', {
  /** Two-digit SCB county code (länskod). */
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  countyName: text('county_name').notNull(),
  source: jsonb('source').$type<RegistrySource>().notNull(),
});

/** The operator-editable journal systems registry: which system a region uses per care level. */
export const regionSystem = pgTable(
  'region_system',
  {
    regionCode: text('region_code')
      .notNull()
      .references(() => region.code),
    careLevel: text('care_level').$type<RegistryCareLevel>().notNull(),
    /** Null only for 'planned' where no decision has been made. */
    systemId: text('system_id').references(() => ehrSystem.id),
    source: jsonb('source').$type<RegistrySource>().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Null for rows from the seed; the operator's id once edited. */
    updatedBy: text('updated_by'),
  },
  (t) => [
    primaryKey({ columns: [t.regionCode, t.careLevel] }),
    check('region_system_care_level_check', sql`${t.careLevel} in ('primary', 'hospital', 'planned')`),
    // A region always has a system in use; only the plan may be undecided.
    check('region_system_system_required', sql`${t.systemId} is not null or ${t.careLevel} = 'planned'`),
  ],
);

/**
 * Disclosure rules per region, versioned: a new version takes effect at `effective_from` and older
 * versions stay, so a past decision can be explained with the rules in force at the time.
 * The policy document itself is owned by the disclosure module; it is stored here as given.
 */
export const disclosurePolicyVersion = pgTable(
  'disclosure_policy_version',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    regionCode: text('region_code')
      .notNull()
      .references(() => region.code),
    version: integer('version').notNull(),
    effectiveFrom: timestamp('effective_from', { withTimezone: true }).notNull(),
    policy: jsonb('policy').$type<unknown>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by').notNull(),
    note: text('note'),
  },
  (t) => [
    unique('disclosure_policy_version_region_version_unique').on(t.regionCode, t.version),
    // "Which version is in force for region R at time T" is the hot lookup.
    index('disclosure_policy_version_region_effective_idx').on(t.regionCode, t.effectiveFrom),
    check('disclosure_policy_version_version_positive', sql`${t.version} >= 1`),
  ],
);

/**
 * The engagement index (engagemangsindex): which source system holds information of which kind
 * for which resident; never the information itself. The key fields are those of the RIV-TA
 * `EngagementType`; `id` is the hex SHA-256 of them (src/engagement-index/engagement.ts), so an
 * Update of the same engagement finds the same row.
 */
export const engagement = pgTable(
  'engagement',
  {
    id: text('id').primaryKey(),
    registeredResidentIdentification: text('registered_resident_identification').notNull(),
    serviceDomain: text('service_domain').notNull(),
    categorization: text('categorization').notNull(),
    logicalAddress: text('logical_address').notNull(),
    businessObjectInstanceIdentifier: text('business_object_instance_identifier').notNull(),
    clinicalProcessInterestId: text('clinical_process_interest_id').notNull(),
    sourceSystem: text('source_system').notNull(),
    dataController: text('data_controller').notNull(),
    owner: text('owner').notNull(),
    mostRecentContent: timestamp('most_recent_content', { withTimezone: true }),
    creationTime: timestamp('creation_time', { withTimezone: true }).notNull().defaultNow(),
    /** Null until a stored engagement changes (as in the national index). */
    updateTime: timestamp('update_time', { withTimezone: true }),
  },
  (t) => [
    // FindContent always names the resident and the domain, usually the categorization.
    index('engagement_resident_domain_categorization_idx').on(
      t.registeredResidentIdentification,
      t.serviceDomain,
      t.categorization,
    ),
    // The id pattern of the contract (RegisteredResidentIdentificationType), also here so no
    // path around the store can put a name or a formatted number in the index.
    check('engagement_resident_identification_check', sql`${t.registeredResidentIdentification} ~ '^[0-9]{8}[0-9A-Zptf]{4}$'`),
  ],
);

/** The national platform's environments; a route or grant holds in one of them. */
export const ROUTING_ENVIRONMENTS = ['sit', 'qa', 'production'] as const;
export type RoutingEnvironment = (typeof ROUTING_ENVIRONMENTS)[number];

/**
 * Routing (TAK "vägval"): where a logical address is reached for one service contract,
 * identified by its responder namespace.
 */
export const routingEntry = pgTable(
  'routing_entry',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    logicalAddress: text('logical_address').notNull(),
    serviceContractNamespace: text('service_contract_namespace').notNull(),
    endpointUrl: text('endpoint_url').notNull(),
    environment: text('environment').$type<RoutingEnvironment>().notNull().default('production'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('routing_entry_address_contract_environment_unique').on(t.logicalAddress, t.serviceContractNamespace, t.environment),
    check('routing_entry_environment_check', sql`${t.environment} in ('sit', 'qa', 'production')`),
  ],
);

/**
 * Call authorization (TAK "anropsbehörighet"): a consumer may call a contract at a logical
 * address; logical address '*' grants every address.
 */
export const routingAuthorization = pgTable(
  'routing_authorization',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    consumerHsaId: text('consumer_hsa_id').notNull(),
    serviceContractNamespace: text('service_contract_namespace').notNull(),
    logicalAddress: text('logical_address').notNull(),
    environment: text('environment').$type<RoutingEnvironment>().notNull().default('production'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('routing_authorization_unique').on(t.consumerHsaId, t.serviceContractNamespace, t.logicalAddress, t.environment),
    check('routing_authorization_environment_check', sql`${t.environment} in ('sit', 'qa', 'production')`),
  ],
);

/** What an audit entry records; the check below is built from this list, so a new kind is a migration. */
export const AUDIT_KINDS = [
  'login',
  'logout',
  'recordRead',
  'itemRead',
  'settingsChanged',
  'sealChanged',
  'rulesChanged',
  'adminAction',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** In what capacity the actor acted: on their own record, for a child, for a principal, or as staff. */
export const AUDIT_ACTOR_ROLES = ['self', 'guardian', 'legalRepresentative', 'administrator', 'system'] as const;
export type AuditActorRole = (typeof AUDIT_ACTOR_ROLES)[number];

const sqlList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * The audit log: append-only (a trigger in the migration refuses UPDATE, DELETE and TRUNCATE)
 * and hash-chained by `seq`, each entry carrying the hash of the one before (src/audit/).
 * Personnummer are stored in clear so a resident can be shown their own log; they never go to
 * the process logs.
 */
export const auditEntry = pgTable(
  'audit_entry',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** Position in the chain, from 1 without gaps; assigned under a lock, not by a sequence, so a rollback leaves no hole. */
    seq: bigint('seq', { mode: 'number' }).notNull().unique('audit_entry_seq_unique'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    kind: text('kind').$type<AuditKind>().notNull(),
    /** Who acted: a normalized personnummer for residents, an HSA-id or operator id for staff, `journalen` for the service. */
    actor: text('actor').notNull(),
    actorRole: text('actor_role').$type<AuditActorRole>().notNull(),
    /** A display name, when the writer had one; what the resident is shown instead of an identifier. */
    actorName: text('actor_name'),
    /** Whose record, as a normalized personnummer; null for entries about no resident (rule changes). */
    subject: text('subject'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    // "Who has read my record", newest first, within a period.
    index('audit_entry_subject_at_idx').on(t.subject, t.at),
    check('audit_entry_seq_positive', sql`${t.seq} >= 1`),
    check('audit_entry_kind_check', sql`${t.kind} in (${sqlList(AUDIT_KINDS)})`),
    check('audit_entry_actor_role_check', sql`${t.actorRole} in (${sqlList(AUDIT_ACTOR_ROLES)})`),
    check('audit_entry_subject_check', sql`${t.subject} ~ '^[0-9]{8}[0-9A-Zptf]{4}$'`),
    check('audit_entry_hash_check', sql`${t.hash} ~ '^[0-9a-f]{64}$' and ${t.prevHash} ~ '^[0-9a-f]{64}$'`),
  ],
);
