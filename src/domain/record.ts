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
