/**
 * The canonical record model: one shape for every item from every source system, whatever
 * contract or version it arrived in. This is the part the disclosure rules read; the producer
 * issue adds the clinical content (text, codes, values) beside it.
 */

/** The information types (informationsmängder) the service shows, named as in the CLI and API. */
export const INFO_TYPES = [
  'note',
  'diagnosis',
  'careContact',
  'labResult',
  'imagingResult',
  'referralOutcome',
  'medication',
  'vaccination',
  'alert',
] as const;

export type InfoType = (typeof INFO_TYPES)[number];

export const isInfoType = (value: unknown): value is InfoType =>
  typeof value === 'string' && (INFO_TYPES as readonly string[]).includes(value);

/** Result types that may be validated (vidimerade) by the ordering clinician. */
export const RESULT_INFO_TYPES = ['labResult', 'imagingResult', 'referralOutcome'] as const satisfies readonly InfoType[];
export type ResultInfoType = (typeof RESULT_INFO_TYPES)[number];

export const isResultInfoType = (t: InfoType): t is ResultInfoType =>
  (RESULT_INFO_TYPES as readonly InfoType[]).includes(t);

/** Swedish and English names for each information type, as the resident sees them. */
export const INFO_TYPE_NAMES: Record<InfoType, { sv: string; en: string }> = {
  note: { sv: 'journalanteckningar', en: 'notes' },
  diagnosis: { sv: 'diagnoser', en: 'diagnoses' },
  careContact: { sv: 'vårdkontakter', en: 'care contacts' },
  labResult: { sv: 'provsvar', en: 'lab results' },
  imagingResult: { sv: 'röntgensvar', en: 'imaging results' },
  referralOutcome: { sv: 'remissvar', en: 'referral answers' },
  medication: { sv: 'läkemedel', en: 'medications' },
  vaccination: { sv: 'vaccinationer', en: 'vaccinations' },
  alert: { sv: 'uppmärksamhetsinformation', en: 'alerts' },
};

/**
 * What the disclosure rules need to know about one record item. Optional fields are ones a
 * producer may leave out; the rules say what they assume when a field is missing.
 */
export interface DisclosableItem {
  readonly id: string;
  readonly infoType: InfoType;
  /** When the information was documented (documentTime / record timestamp), as an instant. */
  readonly time: Date;
  /** A signature or legalAuthenticator is present. */
  readonly signed: boolean;
  /**
   * For unsigned notes: the EHR has locked the note without a signature (Cosmic's autolock).
   * `undefined` means the producer did not say.
   */
  readonly locked?: boolean;
  /** Results only: validated (vidimerat) by the ordering clinician (recipientSignature). */
  readonly validated?: boolean;
  /** The producer's own judgement (accessControlHeader.approvedForPatient). */
  readonly approvedForPatient: boolean;
  /** Nullified (makulerad) by the producer. */
  readonly nullified?: boolean;
  /** Medical specialty of the documenting unit, e.g. `psychiatry`. */
  readonly specialty?: string;
  /** Documented during inpatient care (slutenvård). */
  readonly inpatient?: boolean;
  readonly careUnitHsaId?: string;
  /** Structured keywords (sökord) of a note, as the EHR names them. */
  readonly keywords?: readonly string[];
  /** The note template (mall) name or id. */
  readonly template?: string;
}

/** A code from a code system (ICD-10-SE, NPU, ATC, KSH97, ...). */
export interface CodedValue {
  readonly code: string;
  /** The code system's OID, e.g. 1.2.752.116.1.1.1 for ICD-10-SE. */
  readonly codeSystem?: string;
  readonly codeSystemName?: string;
  readonly displayName?: string;
}

/** A care giver, care unit or person, by HSA-id and name; either may be missing in real data. */
export interface Party {
  readonly hsaId?: string;
  readonly name?: string;
}

export interface ReferenceInterval {
  readonly low?: number;
  readonly high?: number;
  /** The interval as the lab wrote it, e.g. "3.5-5.0" or "<5". */
  readonly text?: string;
}

/** One measured or observed value (a lab analysis, a growth measurement). */
export interface MeasuredValue {
  readonly name: string;
  readonly code?: CodedValue;
  /** The value as reported; numeric values also in `numeric`. */
  readonly value?: string;
  readonly numeric?: number;
  readonly unit?: string;
  readonly referenceInterval?: ReferenceInterval;
  /** The producer flagged the value as outside the reference interval. */
  readonly abnormal?: boolean;
  readonly comment?: string;
}

export type ResultType = 'preliminary' | 'final' | 'supplement' | 'corrected';

/**
 * One item of the record, in one shape whatever contract or version it came in. Everything the
 * disclosure rules read is in DisclosableItem; the rest is what the resident sees.
 */
export interface RecordItem extends DisclosableItem {
  /** Patient id as given by the producer: 12 digits, no separator. */
  readonly patientId: string;
  /** OID of the id kind (1.2.752.129.2.1.3.1 personnummer, ...3.3 samordningsnummer). */
  readonly patientIdType?: string;
  readonly sourceSystemHsaId?: string;
  readonly careGiver: Party;
  readonly careUnit: Party;
  readonly author?: Party & { readonly role?: CodedValue; readonly time?: Date };
  /** Who signed and when; absent for unsigned items. */
  readonly signer?: Party & { readonly time?: Date };
  /** Results: who validated (vidimerade) and when. */
  readonly validator?: Party & { readonly time?: Date };
  readonly resultType?: ResultType;
  /** NPÖ/Journalen spärr comparison time (accessControlHeader.blockComparisonTime). */
  readonly blockComparisonTime?: Date;
  readonly careContactId?: string;
  /** Heading the resident sees, e.g. "Besöksanteckning", "Hemoglobin". */
  readonly title?: string;
  /** Free text (note text, report, comment), as plain text. */
  readonly text?: string;
  /** The item's main codes (diagnosis code, ATC code, note type, ...). */
  readonly codes: readonly CodedValue[];
  /** Measured values (lab analyses). */
  readonly values: readonly MeasuredValue[];
  /** A period the item covers (care contact, prescription, alert validity). */
  readonly period?: { readonly start?: Date; readonly end?: Date };
  /** Other labelled facts worth showing (dosage, severity, modality, ...). */
  readonly attributes: Readonly<Record<string, string>>;
  /** Which contract and version it was read from. */
  readonly provenance: { readonly contract: string; readonly version: string };
}
