import { engagementId, keyFieldProblem, type EngagementField } from './engagement.js';
import { MAX_TRANSACTIONS, type TransactionsMessage, type WireEngagement } from './messages.js';

/**
 * The business rules an engagement index applies to Update and ProcessNotification beyond the
 * schema: the official Schematron of the EI test suite (general update constraints) and of each
 * clinical domain (shared/rivta/samples/_ei_update_constraints/), and the checks of the national
 * index skltp/ei (EI002-EI006). A broken rule is a value: the caller answers ResultCode ERROR
 * and stores nothing from the message.
 */

export interface RuleViolation {
  /** The rule by its name in the source: a Schematron pattern id or an skltp/ei error code. */
  readonly rule: string;
  /** 1-based, as in XPath; absent for rules about the whole message. */
  readonly transaction?: number;
  readonly message: string;
}

export interface DomainUpdateRule {
  readonly serviceDomain: string;
  readonly categorizations: readonly string[];
  /** The Schematron file under shared/rivta/samples/_ei_update_constraints/. */
  readonly source: string;
}

/**
 * Per clinical domain: the allowed categorizations; and logicalAddress = sourceSystem,
 * businessObjectInstanceIdentifier = NA, clinicalProcessInterestId = NA (one engagement per
 * resident, information type and source system). A test checks these against the Schematron.
 */
export const DOMAIN_UPDATE_RULES: readonly DomainUpdateRule[] = [
  {
    serviceDomain: 'riv:clinicalprocess:healthcond:description',
    categorizations: ['voo', 'dia', 'upp', 'fun-fun', 'pad-pad'],
    source: 'riv_clinicalprocess_healthcond_description_ei_update_constraints.sch.xml',
  },
  {
    serviceDomain: 'riv:clinicalprocess:healthcond:actoutcome',
    categorizations: ['utr-mtr', 'und-kon-ure', 'und-kkm-ure', 'und-ekg-ure', 'und-bdi-ure'],
    source: 'riv_clinicalprocess_healthcond_actoutcome_ei_update_constraints.sch.xml',
  },
  {
    serviceDomain: 'riv:clinicalprocess:activityprescription:actoutcome',
    categorizations: ['caa-gvh', 'caa-gmh'],
    source: 'riv_clinicalprocess_activityprescription_actoutcome_ei_update_constraints.sch.xml',
  },
];

const domainRules = new Map(DOMAIN_UPDATE_RULES.map((r) => [r.serviceDomain, r]));

/** The assertion texts of one domain's Schematron, word for word. */
export function domainRuleMessages(rule: DomainUpdateRule): { categorization: string; logicalAddress: string; boii: string; cpiid: string } {
  const d = rule.serviceDomain;
  return {
    categorization: `categorization value for ${d} must be one of: ${rule.categorizations.map((c) => `'${c}'`).join(', ')}`,
    logicalAddress: `logicalAddress must equal sourceSystem for ${d}`,
    boii: `businessObjectInstanceIdentifier must be 'NA' for ${d}`,
    cpiid: `clinicalProcessInterestId must be 'NA' for ${d}`,
  };
}

export interface RuleContext {
  /** This index's HSA-id: the LogicalAddress of an Update and the owner it gives. */
  readonly indexHsaId: string;
  /**
   * HSA-ids no engagement may point at (the platform's own, e.g. an aggregating service's), so a
   * consumer is never routed back to itself; the index's own id is always among them.
   */
  readonly reservedHsaIds?: readonly string[];
}

const KEY_FIELDS: readonly EngagementField[] = [
  'registeredResidentIdentification',
  'serviceDomain',
  'categorization',
  'logicalAddress',
  'businessObjectInstanceIdentifier',
  'clinicalProcessInterestId',
  'sourceSystem',
  'dataController',
];

/** Every rule an Update breaks; empty when it may be applied. */
export function checkUpdate(message: TransactionsMessage, context: RuleContext): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (message.logicalAddress !== context.indexHsaId) {
    violations.push({
      rule: 'EI003',
      message: `the LogicalAddress header must be this index's HSA-id ${context.indexHsaId}; it is ${message.logicalAddress === undefined ? 'missing' : JSON.stringify(message.logicalAddress)}`,
    });
  }
  violations.push(...checkCount(message));
  message.transactions.forEach(({ deleteFlag, engagement }, i) => {
    const transaction = i + 1;
    for (const name of ['creationTime', 'updateTime', 'owner'] as const) {
      if (engagement[name] !== undefined) {
        violations.push({ rule: 'No forbidden elements', transaction, message: `${name} MUST NOT be given in engagement (the index sets it)` });
      }
    }
    if (deleteFlag && engagement.mostRecentContent !== undefined) {
      violations.push({ rule: 'No mostRecentContent on delete', transaction, message: 'mostRecentContent MUST NOT be given when deleteFlag=true' });
    }
    violations.push(...checkEngagement(engagement, transaction, context));
  });
  violations.push(...checkDuplicates(message, context.indexHsaId));
  return violations;
}

/** Every rule a ProcessNotification breaks; owner is mandatory here, times may come along. */
export function checkProcessNotification(message: TransactionsMessage, context: RuleContext): RuleViolation[] {
  const violations: RuleViolation[] = [...checkCount(message)];
  message.transactions.forEach(({ engagement }, i) => {
    const transaction = i + 1;
    if (engagement.owner === undefined) violations.push({ rule: 'EI004', transaction, message: 'mandatory field "owner" is missing' });
    violations.push(...checkEngagement(engagement, transaction, context));
  });
  violations.push(...checkDuplicates(message, context.indexHsaId));
  return violations;
}

/** The rule's name in a ResultCode ERROR comment. */
export const OWN_ENGAGEMENTS_RULE = 'Own engagements only';

/**
 * A producer reports only its own engagements: over mutual TLS the caller is the HSA-id in its
 * client certificate, and every engagement of its Update must have that HSA-id as logicalAddress
 * and sourceSystem, so no certificate holder can change or delete another producer's engagements.
 * One violation, at the first engagement that points elsewhere (with how many do in all).
 */
export function checkUpdateCaller(message: TransactionsMessage, callerHsaId: string): RuleViolation[] {
  const offending = message.transactions
    .map(({ engagement }, i) => ({ engagement, transaction: i + 1 }))
    // The source system is the producer; logicalAddress may name its care giver where a domain's rules allow.
    .filter(({ engagement: e }) => e.sourceSystem !== callerHsaId);
  const first = offending[0];
  if (first === undefined) return [];
  const more = offending.length > 1 ? ` (${offending.length} engagements point elsewhere)` : '';
  return [{
    rule: OWN_ENGAGEMENTS_RULE,
    transaction: first.transaction,
    message: `the caller ${callerHsaId} (its client certificate's SERIALNUMBER) may report only its own engagements, with sourceSystem ${callerHsaId}; this one has sourceSystem ${JSON.stringify(first.engagement.sourceSystem)}${more}`,
  }];
}

function checkCount(message: TransactionsMessage): RuleViolation[] {
  return message.transactions.length > MAX_TRANSACTIONS
    ? [{ rule: 'Max number of records', message: `Update MUST NOT have more than ${MAX_TRANSACTIONS} engagementTransaction elements; it has ${message.transactions.length}` }]
    : [];
}

function checkEngagement(engagement: WireEngagement, transaction: number, context: RuleContext): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const fields: EngagementField[] = engagement.owner === undefined ? [...KEY_FIELDS] : [...KEY_FIELDS, 'owner'];
  for (const field of fields) {
    const problem = keyFieldProblem(field, engagement[field]);
    if (problem === 'is empty') violations.push({ rule: 'No empty elements', transaction, message: `${field} should not be empty` });
    else if (problem !== undefined) violations.push({ rule: 'EI004', transaction, message: `${field} ${problem}` });
  }
  const reserved = new Set([context.indexHsaId, ...(context.reservedHsaIds ?? [])]);
  if (reserved.has(engagement.logicalAddress)) {
    violations.push({ rule: 'EI005', transaction, message: `logicalAddress ${engagement.logicalAddress} is reserved for the platform; an engagement must point at a source` });
  }
  if (reserved.has(engagement.sourceSystem)) {
    violations.push({ rule: 'EI006', transaction, message: `sourceSystem ${engagement.sourceSystem} is reserved for the platform; an engagement must point at a source` });
  }
  const domain = domainRules.get(engagement.serviceDomain);
  if (domain) {
    const rule = `Domain ${domain.serviceDomain}`;
    const text = domainRuleMessages(domain);
    if (!domain.categorizations.includes(engagement.categorization)) violations.push({ rule, transaction, message: text.categorization });
    if (engagement.logicalAddress !== engagement.sourceSystem) violations.push({ rule, transaction, message: text.logicalAddress });
    if (engagement.businessObjectInstanceIdentifier !== 'NA') violations.push({ rule, transaction, message: text.boii });
    if (engagement.clinicalProcessInterestId !== 'NA') violations.push({ rule, transaction, message: text.cpiid });
  }
  return violations;
}

function checkDuplicates(message: TransactionsMessage, defaultOwner: string): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const seen = new Map<string, number>();
  message.transactions.forEach(({ engagement }, i) => {
    const id = engagementId({ ...engagement, owner: engagement.owner ?? defaultOwner });
    const first = seen.get(id);
    if (first !== undefined) {
      violations.push({ rule: 'EI002', transaction: i + 1, message: `the same engagement as engagementTransaction[${first}]; each engagement at most once per message` });
    } else {
      seen.set(id, i + 1);
    }
  });
  return violations;
}

const SHOWN = 10;

/** The ResultCode ERROR comment: each broken rule by name, the first few in full. */
export function describeViolations(violations: readonly RuleViolation[]): string {
  const lines = violations
    .slice(0, SHOWN)
    .map((v) => `${v.transaction === undefined ? '' : `engagementTransaction[${v.transaction}]: `}rule "${v.rule}": ${v.message}`);
  const more = violations.length > SHOWN ? `; and ${violations.length - SHOWN} more` : '';
  return `nothing was stored; ${violations.length === 1 ? 'a rule is' : `${violations.length} rules are`} broken: ${lines.join('; ')}${more}`;
}
