import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
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
    // Statistics (src/admin/statistics): logins and reads per month/day are range scans of one kind.
    index('audit_entry_kind_at_idx').on(t.kind, t.at),
    check('audit_entry_seq_positive', sql`${t.seq} >= 1`),
    check('audit_entry_kind_check', sql`${t.kind} in (${sqlList(AUDIT_KINDS)})`),
    check('audit_entry_actor_role_check', sql`${t.actorRole} in (${sqlList(AUDIT_ACTOR_ROLES)})`),
    check('audit_entry_subject_check', sql`${t.subject} ~ '^[0-9]{8}[0-9A-Zptf]{4}$'`),
    check('audit_entry_hash_check', sql`${t.hash} ~ '^[0-9a-f]{64}$' and ${t.prevHash} ~ '^[0-9a-f]{64}$'`),
  ],
);

/**
 * Care providers (vårdgivare) whose information the service shows, and the region whose
 * disclosure rules apply to them. In production this comes from the HSA catalogue and the
 * producer connections; in the demo the simulated source systems register theirs.
 */
export const careProvider = pgTable('care_provider', {
  hsaId: text('hsa_id').primaryKey(),
  name: text('name').notNull(),
  /** The region whose rules apply; null for a provider with no rules yet (its items stay hidden). */
  regionCode: text('region_code').references(() => region.code),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Care units (vårdenheter), as the HSA catalogue describes them: the facts the disclosure rules
 * need and no RIV-TA contract carries (specialty, inpatient ward).
 */
export const careUnit = pgTable(
  'care_unit',
  {
    hsaId: text('hsa_id').primaryKey(),
    name: text('name').notNull(),
    careProviderHsaId: text('care_provider_hsa_id').notNull(),
    /** Medical specialty, as the disclosure rules name it (e.g. `psychiatry`). */
    specialty: text('specialty'),
    /** A ward (slutenvård): notes written there are inpatient notes. */
    inpatient: boolean('inpatient').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('care_unit_provider_idx').on(t.careProviderHsaId)],
);

/**
 * Server-side login sessions. The cookie holds a random id; only its SHA-256 is stored, so a
 * copy of this table does not let anyone take over a session. Deleting the row revokes it.
 */
export const loginSession = pgTable(
  'login_session',
  {
    idHash: text('id_hash').primaryKey(),
    /** The logged-in resident, normalized personnummer. */
    personnummer: text('personnummer').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    /** Idle timeout: moves forward with each request. */
    idleExpiresAt: timestamp('idle_expires_at', { withTimezone: true }).notNull(),
    /** Absolute timeout: fixed at login. */
    absoluteExpiresAt: timestamp('absolute_expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('login_session_personnummer_idx').on(t.personnummer), index('login_session_idle_idx').on(t.idleExpiresAt)],
);

/** A resident's choices about their own record (the national framework's and the regions'). */
export const residentSetting = pgTable('resident_setting', {
  personnummer: text('personnummer').primaryKey(),
  /** Show unsigned notes where the region lets the resident choose. */
  showUnsigned: boolean('show_unsigned').notNull().default(false),
  /** Hide information newer than 14 days. */
  hideRecent: boolean('hide_recent').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const SEAL_KINDS = ['account', 'careUnit', 'careGiver', 'period'] as const;

/** Seals (försegling) on a resident's record: removed ones are kept with `removedAt` for the history. */
export const recordSeal = pgTable(
  'record_seal',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    subject: text('subject').notNull(),
    kind: text('kind').$type<(typeof SEAL_KINDS)[number]>().notNull(),
    careUnitHsaId: text('care_unit_hsa_id'),
    careGiverHsaId: text('care_giver_hsa_id'),
    periodFrom: text('period_from'),
    periodTo: text('period_to'),
    setBy: text('set_by').$type<'resident' | 'care'>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [
    index('record_seal_subject_idx').on(t.subject),
    check('record_seal_kind_check', sql`${t.kind} in (${sqlList(SEAL_KINDS)})`),
    check('record_seal_set_by_check', sql`${t.setBy} in ('resident', 'care')`),
    check(
      'record_seal_shape_check',
      sql`(${t.kind} <> 'careUnit' or ${t.careUnitHsaId} is not null) and (${t.kind} <> 'careGiver' or ${t.careGiverHsaId} is not null) and (${t.kind} <> 'period' or ${t.periodFrom} is not null)`,
    ),
  ],
);

/** A guardian blocked from a child's record. */
export const guardianBlock = pgTable(
  'guardian_block',
  {
    guardian: text('guardian').notNull(),
    child: text('child').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.guardian, t.child] }), index('guardian_block_child_idx').on(t.child)],
);

/** A head of unit's decision for a 13-15 year old: extended guardian access or the child's early own access. */
export const accessException = pgTable(
  'access_exception',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind').$type<'extendedGuardianAccess' | 'earlyOwnAccess'>().notNull(),
    child: text('child').notNull(),
    careUnitHsaId: text('care_unit_hsa_id').notNull(),
    validFrom: text('valid_from').notNull(),
    validTo: text('valid_to'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('access_exception_child_idx').on(t.child),
    check('access_exception_kind_check', sql`${t.kind} in ('extendedGuardianAccess', 'earlyOwnAccess')`),
  ],
);

export const ADMIN_ROLES = ['operator', 'careProviderAdmin', 'auditor'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/**
 * Who may administer what: the national operator (everything), a care provider administrator
 * (one region's rules and connections), a read-only auditor. Staff log in through the same e-ID
 * login; the role is ours to give, never taken from the login.
 */
export const adminRole = pgTable(
  'admin_role',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    personnummer: text('personnummer').notNull(),
    role: text('role').$type<AdminRole>().notNull(),
    /** The region (county code) a care provider administrator acts for; null for the others. */
    regionCode: text('region_code').references(() => region.code),
    grantedBy: text('granted_by').notNull(),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('admin_role_personnummer_idx').on(t.personnummer),
    unique('admin_role_unique').on(t.personnummer, t.role, t.regionCode),
    check('admin_role_role_check', sql`${t.role} in (${sqlList(ADMIN_ROLES)})`),
    check('admin_role_scope_check', sql`(${t.role} = 'careProviderAdmin') = (${t.regionCode} is not null)`),
  ],
);

// ---- Producer onboarding, agents and statistics (src/admin/onboarding, src/admin/statistics) ----

export const CONNECTION_KINDS = ['new', 'addInformationTypes'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

/** An agent (ombud): an organisation that connects care providers to Journalen through its own connection. */
export const agent = pgTable('agent', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  /** Swedish organisation number, 10 digits. */
  organisationNumber: text('organisation_number').notNull(),
  /** The agent agreement with the operator (agentavtal). */
  agreementReference: text('agreement_reference').notNull(),
  /** Care providers (HSA-ids) the agent connects. */
  careProviderHsaIds: text('care_provider_hsa_ids').array().notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A producer connection: one source system's logical address, the contracts it offers and its
 * endpoint per environment, moving through the onboarding steps (onboarding_step).
 */
export const producerConnection = pgTable(
  'producer_connection',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind').$type<ConnectionKind>().notNull(),
    /** The region whose administrators may see and run it. */
    regionCode: text('region_code')
      .notNull()
      .references(() => region.code),
    careProviderHsaIds: text('care_provider_hsa_ids').array().notNull(),
    /** A system of the catalogue, or null with `source_system_name` for a system not in it. */
    sourceSystemId: text('source_system_id').references(() => ehrSystem.id),
    sourceSystemName: text('source_system_name'),
    agentId: bigint('agent_id', { mode: 'number' }).references(() => agent.id),
    logicalAddress: text('logical_address').notNull(),
    /** Contract versions offered, as responder namespaces. */
    contracts: text('contracts').array().notNull(),
    endpointSit: text('endpoint_sit'),
    endpointQa: text('endpoint_qa'),
    endpointProduction: text('endpoint_production'),
    /**
     * Path of each contract below the endpoints: `{domain}`, `{contract}`, `{major}` (src/transport/addresses.ts).
     * Connections made before it existed keep our simulators' `/{contract}/{major}`.
     */
    pathTemplate: text('path_template').notNull().default('/{contract}/{major}'),
    /** Swedish calendar dates (YYYY-MM-DD). */
    appliedOn: text('applied_on').notNull(),
    plannedProductionDate: text('planned_production_date'),
    /** The newest conformance report run for it, passed or not (the step keeps the one that passed). */
    lastVerification: jsonb('last_verification').$type<Record<string, unknown>>(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('producer_connection_region_idx').on(t.regionCode),
    index('producer_connection_address_idx').on(t.logicalAddress),
    check('producer_connection_kind_check', sql`${t.kind} in (${sqlList(CONNECTION_KINDS)})`),
    check('producer_connection_system_check', sql`${t.sourceSystemId} is not null or ${t.sourceSystemName} is not null`),
  ],
);

/** One completed onboarding step: who, when, a note, and for verification the conformance report. */
export const onboardingStep = pgTable(
  'onboarding_step',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    connectionId: bigint('connection_id', { mode: 'number' })
      .notNull()
      .references(() => producerConnection.id),
    step: text('step').notNull(),
    doneBy: text('done_by').notNull(),
    doneByName: text('done_by_name'),
    doneAt: timestamp('done_at', { withTimezone: true }).notNull().defaultNow(),
    note: text('note'),
    report: jsonb('report').$type<Record<string, unknown>>(),
  },
  (t) => [unique('onboarding_step_unique').on(t.connectionId, t.step)],
);

export const VERIFICATION_JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type VerificationJobStatus = (typeof VERIFICATION_JOB_STATUSES)[number];

/**
 * The onboarding verification step run as a background job: the form post queues it and
 * returns; the run writes its progress here, so any web process can show it, and the report
 * when done.
 */
export const verificationJob = pgTable(
  'verification_job',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    connectionId: bigint('connection_id', { mode: 'number' })
      .notNull()
      .references(() => producerConnection.id),
    status: text('status').$type<VerificationJobStatus>().notNull(),
    checksDone: integer('checks_done').notNull().default(0),
    checksTotal: integer('checks_total').notNull().default(0),
    /** The test residents asked about (national test numbers, given in the form or the defaults). */
    testPatients: text('test_patients').array().notNull(),
    note: text('note'),
    requestedBy: text('requested_by').notNull(),
    requestedByName: text('requested_by_name'),
    report: jsonb('report').$type<Record<string, unknown>>(),
    /** Why the run itself failed (not a failing report: that is status done with the report). */
    error: text('error'),
    /** Null when the report passed and the step was completed; otherwise why the step is still open. */
    problem: text('problem'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('verification_job_connection_idx').on(t.connectionId, t.id)],
);

/** A planned change in the registry (region + care level) tied to the producer connections it needs. */
export const registryChangeConnection = pgTable(
  'registry_change_connection',
  {
    regionCode: text('region_code')
      .notNull()
      .references(() => region.code),
    careLevel: text('care_level').$type<RegistryCareLevel>().notNull(),
    connectionId: bigint('connection_id', { mode: 'number' })
      .notNull()
      .references(() => producerConnection.id),
  },
  (t) => [primaryKey({ columns: [t.regionCode, t.careLevel, t.connectionId] })],
);

/**
 * Producer calls per Swedish day, logical address and contract: counts and a latency histogram
 * (bucket upper bounds in src/admin/statistics/producer-calls.ts), so p50/p95 come from a few
 * rows per source and day however many calls there were. Upserted by the record service.
 */
export const producerCall = pgTable(
  'producer_call',
  {
    day: text('day').notNull(),
    logicalAddress: text('logical_address').notNull(),
    contract: text('contract').notNull(),
    systemName: text('system_name'),
    calls: integer('calls').notNull(),
    failures: integer('failures').notNull(),
    latencyBuckets: integer('latency_buckets').array().notNull(),
    totalMs: bigint('total_ms', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.logicalAddress, t.contract] })],
);
