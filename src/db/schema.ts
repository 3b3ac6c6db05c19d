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
