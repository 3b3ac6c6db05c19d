import type { InfoType, ResultInfoType } from '../domain/record.js';
import type { RegionCode } from '../domain/regions.js';
import type { SeedSource } from '../domain/seed-source.js';
import type { IsoDate } from '../domain/time.js';

/**
 * A care provider's disclosure rules ("Vårdgivarens bedömning") as data. Each clause says what
 * it decides and on what basis: the seed's own words, or the national framework where the region
 * has said nothing. The same shape is what administrators edit and what is versioned in the
 * database; the engine reads nothing else.
 */

/** Why a clause says what it says. */
export type Basis =
  | { readonly kind: 'seed'; readonly sources: readonly SeedSource[] }
  /** The region's assessment is silent here; the national framework's principle applies. */
  | { readonly kind: 'nationalFramework'; readonly principle: NationalPrinciple; readonly sources?: readonly SeedSource[] }
  /** Set by an administrator (admin issue); who and when live in the version history. */
  | { readonly kind: 'administrator'; readonly comment?: string };

/**
 * Principles of the national framework for direct access (Inera 2016, as summarised in
 * research/journalen-domain.md §2) that the defaults rest on.
 */
export type NationalPrinciple =
  /** 2: information is available as soon as it is entered in the record, no mandatory delay. */
  | 'availableDirectly'
  /** 3: the resident chooses; at every login they may hide information newer than 14 days. */
  | 'residentMayHideRecent';

/** When something is shown, counted in whole Swedish calendar days from the item's date. */
export type Delay =
  | { readonly kind: 'immediately' }
  | { readonly kind: 'afterDays'; readonly days: number }
  | { readonly kind: 'never' };

export type RadrumRule =
  | { readonly kind: 'none'; readonly basis: Basis }
  /** A delay every resident gets, for notes of the given scope. */
  | { readonly kind: 'mandatory'; readonly days: number; readonly appliesTo: NoteScope; readonly basis: Basis }
  /** A delay the resident may choose (the "hide recent" choice), for notes of the given scope. */
  | { readonly kind: 'residentChoice'; readonly days: number; readonly appliesTo: NoteScope; readonly basis: Basis };

export type NoteScope = 'allNotes' | 'signedNotes' | 'unsignedNotes';

export type UnsignedNotesRule =
  | { readonly kind: 'immediately'; readonly basis: Basis }
  | { readonly kind: 'never'; readonly basis: Basis }
  /**
   * Shown N days after they were written. With `requiresLock`, only notes the EHR has locked
   * without a signature (Cosmic's autolock) are shown; a note the producer says is not locked
   * stays hidden until it is signed or locked.
   */
  | { readonly kind: 'afterDays'; readonly days: number; readonly requiresLock: boolean; readonly basis: Basis }
  /** The resident chooses in settings whether to see unsigned notes at once; otherwise never. */
  | { readonly kind: 'residentChoice'; readonly basis: Basis };

export interface ResultRule {
  readonly validated: Delay;
  readonly unvalidated: Delay;
  readonly basis: Basis;
}

export interface HiddenInfoType {
  readonly infoType: InfoType;
  readonly basis: Basis;
}

export interface StartDate {
  readonly infoTypes: readonly InfoType[];
  /** Items documented before this Swedish calendar date are not shown. */
  readonly from: IsoDate;
  readonly basis: Basis;
}

/** A delay for a narrower scope than the general rules, e.g. psychiatric inpatient notes. */
export interface ScopedDelay {
  readonly infoTypes: readonly InfoType[];
  readonly specialty?: string;
  readonly inpatient?: boolean;
  readonly days: number;
  /** What the scope is, for explanations: "slutenvårdsanteckningar inom psykiatrin". */
  readonly label: { readonly sv: string; readonly en: string };
  readonly basis: Basis;
}

export interface ExcludedCareUnit {
  readonly hsaId: string;
  readonly name?: string;
  readonly basis: Basis;
}

export interface ExcludedTerm {
  /** A keyword (sökord) or template (mall) name, matched without regard to case. */
  readonly value: string;
  readonly basis: Basis;
}

export interface DisclosurePolicy {
  readonly regionCode: RegionCode;
  /**
   * `seed`: the region's assessment in seed 002 is the source; `silent`: the seed names the
   * region but says nothing, so every clause is the national framework's default.
   */
  readonly assessment: 'seed' | 'silent';
  /** Lines of seed 002 that head the region's assessment, for the record. */
  readonly assessmentSource: readonly SeedSource[];
  readonly radrum: RadrumRule;
  readonly signedNotes: { readonly delay: Delay; readonly basis: Basis };
  readonly unsignedNotes: UnsignedNotesRule;
  readonly results: Readonly<Record<ResultInfoType, ResultRule>>;
  readonly hiddenInfoTypes: readonly HiddenInfoType[];
  readonly startDates: readonly StartDate[];
  readonly scopedDelays: readonly ScopedDelay[];
  readonly excludedCareUnits: readonly ExcludedCareUnit[];
  readonly excludedKeywords: readonly ExcludedTerm[];
  readonly excludedTemplates: readonly ExcludedTerm[];
}

/** The resident's own choices (settings, and the choice made at login). */
export interface ViewerChoices {
  /** See unsigned notes at once, where the care provider lets the resident choose. */
  readonly showUnsigned: boolean;
  /** Hide everything newer than 14 days (national framework, principle 3). */
  readonly hideRecent: boolean;
}

export const HIDE_RECENT_DAYS = 14;
