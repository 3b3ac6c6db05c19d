import { compact, rivTimestamp } from '../contracts/patient-summary-header.js';
import { esc, opt, readEnvelope, soapEnvelope, logicalAddressOf } from '../contracts/soap.js';
import type { ContractFault } from '../contracts/types.js';
import { bool, child, children, parseXml, rivTime, text, namespaceDeclarations, type XmlLimits, type XmlNode } from '../contracts/xml.js';
import { inputInvalid, isJournalenError, JournalenError } from '../errors/index.js';
import {
  checkFindContentQuery,
  JOURNALEN_HSA_ID,
  normalizeEngagement,
  RESIDENT_IDENTIFICATION,
  type Engagement,
  type EngagementKey,
  type EngagementInput,
  type FindContentQuery,
  type NormalizedEngagement,
} from './engagement.js';

export type { Engagement, EngagementInput, FindContentQuery } from './engagement.js';
export { JOURNALEN_HSA_ID } from './engagement.js';

/**
 * The SOAP messages of the engagement index domain, riv.itintegration.engagementindex 1.0:
 * Update (source system → index), FindContent (consumer → index) and ProcessNotification
 * (index → index), each request and response. Builders write what the official schemas accept;
 * readers take a SOAP envelope (or the bare request element, as the TKB examples are written)
 * and refuse with INPUT_INVALID, naming the element, anything the schemas would refuse.
 */

export const ENGAGEMENT_INDEX_NS = 'urn:riv:itintegration:engagementindex:1';
export const UPDATE_NS = 'urn:riv:itintegration:engagementindex:UpdateResponder:1';
export const FIND_CONTENT_NS = 'urn:riv:itintegration:engagementindex:FindContentResponder:1';
export const PROCESS_NOTIFICATION_NS = 'urn:riv:itintegration:engagementindex:ProcessNotificationResponder:1';

export type EngagementIndexOperation = 'Update' | 'FindContent' | 'ProcessNotification';

/** Per interaction: its responder namespace, SOAPAction and schema (under shared/rivta/). */
export const ENGAGEMENT_INDEX_INTERACTIONS: Readonly<
  Record<EngagementIndexOperation, { readonly namespace: string; readonly soapAction: string; readonly responderXsd: string }>
> = {
  Update: {
    namespace: UPDATE_NS,
    soapAction: `${UPDATE_NS}:Update`,
    responderXsd: 'itintegration_engagementindex/EngagementIndex/1.0/interactions/UpdateInteraction/UpdateResponder_1.0.xsd',
  },
  FindContent: {
    namespace: FIND_CONTENT_NS,
    soapAction: `${FIND_CONTENT_NS}:FindContent`,
    responderXsd: 'itintegration_engagementindex/EngagementIndex/1.0/interactions/FindContentInteraction/FindContentResponder_1.0.xsd',
  },
  ProcessNotification: {
    namespace: PROCESS_NOTIFICATION_NS,
    soapAction: `${PROCESS_NOTIFICATION_NS}:ProcessNotification`,
    responderXsd:
      'itintegration_engagementindex/EngagementIndex/1.0/interactions/ProcessNotificationInteraction/ProcessNotificationResponder_1.0.xsd',
  },
};

/** Transactions per Update or ProcessNotification (general update constraints; skltp/ei EI000). */
export const MAX_TRANSACTIONS = 1000;

export type ResultCode = 'OK' | 'ERROR' | 'INFO';
const RESULT_CODES: readonly string[] = ['OK', 'ERROR', 'INFO'];

/** An engagement as a message carries it: times and owner only where the message has them. */
export interface WireEngagement extends Omit<EngagementKey, 'owner'> {
  /** Present (possibly empty) only when the message has the element. */
  readonly owner?: string;
  readonly mostRecentContent?: Date;
  readonly creationTime?: Date;
  readonly updateTime?: Date;
}

export interface EngagementTransaction {
  readonly deleteFlag: boolean;
  readonly engagement: WireEngagement;
}

export interface TransactionsMessage {
  /** False for a bare request element (TKB examples); the HTTP endpoints require SOAP. */
  readonly soap: boolean;
  /** The SOAP LogicalAddress header, if any. */
  readonly logicalAddress?: string;
  readonly transactions: readonly EngagementTransaction[];
}

export interface FindContentMessage {
  readonly soap: boolean;
  readonly logicalAddress?: string;
  readonly query: FindContentQuery;
}

export type ResultMessage =
  | { readonly kind: 'result'; readonly resultCode: ResultCode; readonly comment?: string }
  | { readonly kind: 'fault'; readonly fault: ContractFault };

export type FindContentAnswer =
  | { readonly kind: 'engagements'; readonly engagements: readonly WireEngagement[] }
  | { readonly kind: 'fault'; readonly fault: ContractFault };

// ---- Building ----------------------------------------------------------------------------------

export interface UpdateRequestOptions {
  /** deleteFlag per engagement (same order), or one value for all; false when absent. */
  readonly deleteFlags?: boolean | readonly boolean[];
  /**
   * The SOAP LogicalAddress: the receiving index's HSA-id (skltp/ei rule EI003). Also the owner
   * the index will give the engagements, which is why Update leaves `owner` out.
   */
  readonly logicalAddress?: string;
}

/**
 * Update 1.0 request for the engagements a source system holds, as a SOAP envelope. Throws
 * INPUT_INVALID (naming `engagements[i].<field>`) for what the index would refuse: no or more
 * than 1000 engagements, a malformed resident id, an empty field, one engagement twice.
 *
 * Per the general update constraints `owner`, `creationTime` and `updateTime` are not sent (the
 * index sets them) and a deletion carries no mostRecentContent. An explicit owner other than the
 * receiving index is written as given, and will be refused.
 */
export function buildUpdateRequest(engagements: readonly EngagementInput[], options: UpdateRequestOptions = {}): string {
  const indexHsaId = options.logicalAddress ?? JOURNALEN_HSA_ID;
  const transactions = prepareTransactions(engagements, options.deleteFlags, indexHsaId);
  const body = transactions
    .map(({ deleteFlag, engagement, input }) =>
      writeTransaction(deleteFlag, engagement, {
        owner: input.owner !== undefined && input.owner !== indexHsaId ? input.owner : undefined,
        mostRecentContent: deleteFlag ? undefined : (engagement.mostRecentContent ?? undefined),
      }),
    )
    .join('');
  return soapEnvelope(`<Update xmlns="${UPDATE_NS}" xmlns:ei="${ENGAGEMENT_INDEX_NS}">${body}</Update>`, { logicalAddress: indexHsaId });
}

export interface ProcessNotificationRequestOptions {
  readonly deleteFlags?: boolean | readonly boolean[];
  /** The SOAP LogicalAddress: the subscribing index's HSA-id. */
  readonly logicalAddress: string;
  /** The owner of engagements that name none: the notifying index, JOURNALEN_HSA_ID by default. */
  readonly owner?: string;
}

/**
 * ProcessNotification 1.0 request: what changed in this index, for a subscribing index. Owner
 * is mandatory here (this index, unless the engagement says otherwise); stored engagements
 * carry their creation and update times along.
 */
export function buildProcessNotificationRequest(
  engagements: readonly (EngagementInput | Engagement)[],
  options: ProcessNotificationRequestOptions,
): string {
  const transactions = prepareTransactions(engagements, options.deleteFlags, options.owner ?? JOURNALEN_HSA_ID);
  const body = transactions
    .map(({ deleteFlag, engagement, input }) => {
      const stored = 'creationTime' in input ? input : undefined;
      return writeTransaction(deleteFlag, engagement, {
        owner: engagement.owner,
        mostRecentContent: deleteFlag ? undefined : (engagement.mostRecentContent ?? undefined),
        creationTime: stored?.creationTime,
        updateTime: stored?.updateTime ?? undefined,
      });
    })
    .join('');
  return soapEnvelope(
    `<ProcessNotification xmlns="${PROCESS_NOTIFICATION_NS}" xmlns:ei="${ENGAGEMENT_INDEX_NS}">${body}</ProcessNotification>`,
    { logicalAddress: options.logicalAddress },
  );
}

/** Update 1.0 response. */
export const buildUpdateResponse = (resultCode: ResultCode, comment?: string): string =>
  soapEnvelope(`<UpdateResponse xmlns="${UPDATE_NS}">${writeResult(resultCode, comment)}</UpdateResponse>`);

/** ProcessNotification 1.0 response. */
export const buildProcessNotificationResponse = (resultCode: ResultCode, comment?: string): string =>
  soapEnvelope(`<ProcessNotificationResponse xmlns="${PROCESS_NOTIFICATION_NS}">${writeResult(resultCode, comment)}</ProcessNotificationResponse>`);

/** FindContent 1.0 request; the query is checked first (INPUT_INVALID naming the field). */
export function buildFindContentRequest(query: FindContentQuery, options: { readonly logicalAddress?: string } = {}): string {
  const q = checkFindContentQuery(query);
  const recent = q.mostRecentContent === undefined ? '' : `<mostRecentContent>${rivTimestamp(q.mostRecentContent)}</mostRecentContent>`;
  // Element order is the schema's sequence.
  const body =
    `<registeredResidentIdentification>${esc(q.registeredResidentIdentification)}</registeredResidentIdentification>` +
    `<serviceDomain>${esc(q.serviceDomain)}</serviceDomain>` +
    opt('categorization', q.categorization) +
    opt('logicalAddress', q.logicalAddress) +
    opt('businessObjectInstanceIdentifier', q.businessObjectInstanceIdentifier) +
    opt('clinicalProcessInterestId', q.clinicalProcessInterestId) +
    recent +
    opt('sourceSystem', q.sourceSystem) +
    opt('dataController', q.dataController) +
    opt('owner', q.owner);
  return soapEnvelope(`<FindContent xmlns="${FIND_CONTENT_NS}">${body}</FindContent>`, {
    logicalAddress: options.logicalAddress ?? JOURNALEN_HSA_ID,
  });
}

/** FindContent 1.0 response with the stored engagements, times and owner included. */
export function buildFindContentResponse(engagements: readonly Engagement[]): string {
  const body = engagements
    .map(
      (e) =>
        `<engagement>${writeEngagementFields(e, {
          owner: e.owner,
          mostRecentContent: e.mostRecentContent ?? undefined,
          creationTime: e.creationTime,
          updateTime: e.updateTime ?? undefined,
        })}</engagement>`,
    )
    .join('');
  return soapEnvelope(`<FindContentResponse xmlns="${FIND_CONTENT_NS}" xmlns:ei="${ENGAGEMENT_INDEX_NS}">${body}</FindContentResponse>`);
}

interface Prepared {
  readonly deleteFlag: boolean;
  readonly engagement: NormalizedEngagement;
  readonly input: EngagementInput | Engagement;
}

function prepareTransactions(
  engagements: readonly (EngagementInput | Engagement)[],
  deleteFlags: boolean | readonly boolean[] | undefined,
  defaultOwner: string,
): Prepared[] {
  if (!Array.isArray(engagements) || engagements.length === 0) throw inputInvalid('engagements', 'at least one engagement is needed');
  if (engagements.length > MAX_TRANSACTIONS) {
    throw inputInvalid('engagements', `${engagements.length} engagements; at most ${MAX_TRANSACTIONS} per message, send the rest in another`);
  }
  const flags = deleteFlagsFor(engagements.length, deleteFlags);
  const seen = new Map<string, number>();
  return engagements.map((input, i) => {
    const engagement = normalizeEngagement(input, `engagements[${i}]`, defaultOwner);
    const first = seen.get(engagement.id);
    if (first !== undefined) throw inputInvalid(`engagements[${i}]`, `is the same engagement as engagements[${first}]; an index refuses both (EI002)`);
    seen.set(engagement.id, i);
    return { deleteFlag: flags[i]!, engagement, input };
  });
}

/** Normalizes `deleteFlags` to one flag per engagement. */
export function deleteFlagsFor(count: number, deleteFlags: boolean | readonly boolean[] | undefined): boolean[] {
  if (deleteFlags === undefined || typeof deleteFlags === 'boolean') return new Array<boolean>(count).fill(deleteFlags ?? false);
  if (!Array.isArray(deleteFlags) || deleteFlags.length !== count || deleteFlags.some((f) => typeof f !== 'boolean')) {
    throw inputInvalid('deleteFlags', `must be one boolean, or one boolean per engagement (${count})`);
  }
  return [...deleteFlags];
}

interface Extras {
  readonly owner?: string | undefined;
  readonly mostRecentContent?: Date | undefined;
  readonly creationTime?: Date | undefined;
  readonly updateTime?: Date | undefined;
}

function writeTransaction(deleteFlag: boolean, engagement: NormalizedEngagement, extras: Extras): string {
  return `<engagementTransaction><ei:deleteFlag>${deleteFlag}</ei:deleteFlag><ei:engagement>${writeEngagementFields(engagement, extras)}</ei:engagement></engagementTransaction>`;
}

/** EngagementType's children in the schema's order, in the core namespace (prefix `ei:`). */
function writeEngagementFields(e: Omit<NormalizedEngagement, 'id' | 'mostRecentContent' | 'owner'>, extras: Extras): string {
  const time = (name: string, value: Date | undefined) => (value === undefined ? '' : `<ei:${name}>${rivTimestamp(value)}</ei:${name}>`);
  return (
    `<ei:registeredResidentIdentification>${esc(e.registeredResidentIdentification)}</ei:registeredResidentIdentification>` +
    `<ei:serviceDomain>${esc(e.serviceDomain)}</ei:serviceDomain>` +
    `<ei:categorization>${esc(e.categorization)}</ei:categorization>` +
    `<ei:logicalAddress>${esc(e.logicalAddress)}</ei:logicalAddress>` +
    `<ei:businessObjectInstanceIdentifier>${esc(e.businessObjectInstanceIdentifier)}</ei:businessObjectInstanceIdentifier>` +
    `<ei:clinicalProcessInterestId>${esc(e.clinicalProcessInterestId)}</ei:clinicalProcessInterestId>` +
    time('mostRecentContent', extras.mostRecentContent) +
    `<ei:sourceSystem>${esc(e.sourceSystem)}</ei:sourceSystem>` +
    time('creationTime', extras.creationTime) +
    time('updateTime', extras.updateTime) +
    `<ei:dataController>${esc(e.dataController)}</ei:dataController>` +
    opt('ei:owner', extras.owner)
  );
}

function writeResult(resultCode: ResultCode, comment: string | undefined): string {
  return `<ResultCode>${resultCode}</ResultCode>${opt('comment', comment)}`;
}

// ---- Reading -----------------------------------------------------------------------------------

interface Opened {
  readonly soap: boolean;
  readonly logicalAddress?: string;
  readonly element: XmlNode;
}

/**
 * The request element of one interaction, from a SOAP envelope or a bare document. The element
 * must have the expected local name and its responder namespace must be declared in scope (the
 * parser keeps local names only, as everywhere in contracts/).
 */
function openRequest(xml: string | Buffer, operation: EngagementIndexOperation, limits: XmlLimits | undefined): Opened {
  const namespace = ENGAGEMENT_INDEX_INTERACTIONS[operation].namespace;
  let opened: { soap: boolean; logicalAddress?: string; localName: string; namespaces: readonly string[]; element: XmlNode };
  try {
    const envelope = readEnvelope(xml, limits);
    if (envelope.kind === 'fault') throw inputInvalid('Body', `a request must not be a SOAP Fault (expected <${operation}>)`);
    const logicalAddress = logicalAddressOf(envelope.header);
    opened = {
      soap: true,
      ...(logicalAddress !== undefined ? { logicalAddress } : {}),
      localName: envelope.localName,
      namespaces: envelope.namespaces,
      element: envelope.element,
    };
  } catch (error) {
    if (!isNotEnvelope(error)) throw error;
    const parsed = parseXml(xml, limits);
    if (!parsed.ok) throw new JournalenError('INPUT_INVALID', parsed.problem.message, { reason: parsed.problem.kind });
    const [localName] = Object.keys(parsed.root).filter((k) => !k.startsWith('@_') && k !== '#text');
    const element = localName === undefined ? undefined : child(parsed.root, localName);
    if (localName === undefined || element === undefined) throw inputInvalid('document', 'has no root element');
    opened = { soap: false, localName, namespaces: namespaceDeclarations(element), element };
  }
  if (opened.localName !== operation) {
    throw inputInvalid('Body', `expected a <${operation}> request of ${namespace}, got <${opened.localName}>`, { reason: 'wrongOperation' });
  }
  if (!opened.namespaces.includes(namespace)) {
    throw inputInvalid('Body', `<${operation}> must be in namespace ${namespace}; the message does not declare it`, { reason: 'wrongNamespace' });
  }
  return { soap: opened.soap, ...(opened.logicalAddress !== undefined ? { logicalAddress: opened.logicalAddress } : {}), element: opened.element };
}

// readEnvelope says "not a SOAP message" (and nothing else) when the root is not an Envelope.
const isNotEnvelope = (error: unknown): boolean =>
  isJournalenError(error, 'INPUT_INVALID') && error.details.reason === 'notSoap' && error.message.startsWith('not a SOAP message');

/** Reads an Update 1.0 request. */
export function readUpdateRequest(xml: string | Buffer, limits?: XmlLimits): TransactionsMessage {
  return readTransactions(openRequest(xml, 'Update', limits));
}

/** Reads a ProcessNotification 1.0 request. */
export function readProcessNotificationRequest(xml: string | Buffer, limits?: XmlLimits): TransactionsMessage {
  return readTransactions(openRequest(xml, 'ProcessNotification', limits));
}

function readTransactions(opened: Opened): TransactionsMessage {
  const nodes = children(opened.element, 'engagementTransaction');
  if (nodes.length === 0) throw inputInvalid('engagementTransaction', 'at least one is required');
  const transactions = nodes.map((node, i): EngagementTransaction => {
    const path = `engagementTransaction[${i + 1}]`;
    const deleteFlag = bool(node, 'deleteFlag');
    if (deleteFlag === undefined) throw inputInvalid(`${path}/deleteFlag`, single(node, 'deleteFlag', path) === undefined ? 'is missing' : 'must be true or false');
    const engagement = child(node, 'engagement');
    if (engagement === undefined || children(node, 'engagement').length > 1) throw inputInvalid(`${path}/engagement`, 'exactly one is required');
    return { deleteFlag, engagement: readEngagement(engagement, `${path}/engagement`) };
  });
  return { soap: opened.soap, ...(opened.logicalAddress !== undefined ? { logicalAddress: opened.logicalAddress } : {}), transactions };
}

const REQUIRED_FIELDS = [
  'registeredResidentIdentification',
  'serviceDomain',
  'categorization',
  'logicalAddress',
  'businessObjectInstanceIdentifier',
  'clinicalProcessInterestId',
  'sourceSystem',
  'dataController',
] as const;

/** One EngagementType. Empty values pass here (the schema allows them); the rules refuse them. */
function readEngagement(node: XmlNode, path: string): WireEngagement {
  const fields = {} as Record<(typeof REQUIRED_FIELDS)[number], string>;
  for (const name of REQUIRED_FIELDS) {
    const value = single(node, name, path);
    if (value === undefined) throw inputInvalid(`${path}/${name}`, 'is missing');
    fields[name] = value;
  }
  checkResidentPattern(fields.registeredResidentIdentification, `${path}/registeredResidentIdentification`);
  const owner = single(node, 'owner', path);
  const mostRecentContent = readTime(node, 'mostRecentContent', path);
  const creationTime = readTime(node, 'creationTime', path);
  const updateTime = readTime(node, 'updateTime', path);
  return {
    ...fields,
    ...(owner !== undefined ? { owner } : {}),
    ...(mostRecentContent !== undefined ? { mostRecentContent } : {}),
    ...(creationTime !== undefined ? { creationTime } : {}),
    ...(updateTime !== undefined ? { updateTime } : {}),
  };
}

/** The text of an element that may occur once: undefined when absent, '' when empty. */
function single(node: XmlNode, name: string, path: string): string | undefined {
  const found = children(node, name);
  if (found.length > 1) throw inputInvalid(`${path}/${name}`, `occurs ${found.length} times; at most once allowed`);
  return found.length === 0 ? undefined : (text(found[0]) ?? '');
}

function checkResidentPattern(value: string, path: string): void {
  // The schema's pattern; only the length is told, since the value is a personal identity number.
  if (!RESIDENT_IDENTIFICATION.test(value)) {
    throw inputInvalid(path, `must be 12 characters matching [0-9]{8}[0-9A-Zptf]{4} (a personnummer or samordningsnummer without separator); got ${value.length} characters that do not match`);
  }
}

// The core schema's TS pattern: YYYYMMDDhhmmss, Swedish local time.
const TS = /^[1-9][0-9]{3}(0[1-9]|1[0-2])([0-2][0-9]|3[0-1])([0-1][0-9]|2[0-3])[0-5][0-9][0-5][0-9]$/;

function readTime(node: XmlNode, name: string, path: string): Date | undefined {
  const value = single(node, name, path);
  if (value === undefined) return undefined;
  const instant = TS.test(value) ? rivTime(value) : undefined;
  if (instant === undefined) throw inputInvalid(`${path}/${name}`, 'must be a timestamp YYYYMMDDhhmmss (Swedish local time)');
  return instant;
}

/** Reads a FindContent 1.0 request. */
export function readFindContentRequest(xml: string | Buffer, limits?: XmlLimits): FindContentMessage {
  const opened = openRequest(xml, 'FindContent', limits);
  const node = opened.element;
  const resident = single(node, 'registeredResidentIdentification', 'FindContent');
  if (resident === undefined) throw inputInvalid('FindContent/registeredResidentIdentification', 'is missing');
  checkResidentPattern(resident, 'FindContent/registeredResidentIdentification');
  const serviceDomain = single(node, 'serviceDomain', 'FindContent');
  if (serviceDomain === undefined) throw inputInvalid('FindContent/serviceDomain', 'is missing');
  const filter = (name: string) => single(node, name, 'FindContent');
  // Absent filters stay absent; an empty one is kept, for the store to refuse by name.
  const query: FindContentQuery = {
    registeredResidentIdentification: resident,
    serviceDomain,
    ...compact({
      categorization: filter('categorization'),
      logicalAddress: filter('logicalAddress'),
      businessObjectInstanceIdentifier: filter('businessObjectInstanceIdentifier'),
      clinicalProcessInterestId: filter('clinicalProcessInterestId'),
      mostRecentContent: readTime(node, 'mostRecentContent', 'FindContent'),
      sourceSystem: filter('sourceSystem'),
      dataController: filter('dataController'),
      owner: filter('owner'),
    }),
  };
  return { soap: opened.soap, ...(opened.logicalAddress !== undefined ? { logicalAddress: opened.logicalAddress } : {}), query };
}

/** The Body's response element, or the fault; a response of another interaction is INPUT_INVALID. */
function openResponse(xml: string | Buffer, operation: EngagementIndexOperation, limits: XmlLimits | undefined) {
  const envelope = readEnvelope(xml, limits);
  if (envelope.kind === 'fault') return envelope;
  const namespace = ENGAGEMENT_INDEX_INTERACTIONS[operation].namespace;
  if (envelope.localName !== `${operation}Response`) {
    throw inputInvalid('Body', `expected a <${operation}Response> of ${namespace}, got <${envelope.localName}>`, { reason: 'wrongOperation' });
  }
  if (!envelope.namespaces.includes(namespace)) {
    throw inputInvalid('Body', `<${operation}Response> must be in namespace ${namespace}; the message does not declare it`, { reason: 'wrongNamespace' });
  }
  return envelope;
}

function readResultMessage(xml: string | Buffer, operation: 'Update' | 'ProcessNotification', limits: XmlLimits | undefined): ResultMessage {
  const opened = openResponse(xml, operation, limits);
  if (opened.kind === 'fault') return { kind: 'fault', fault: opened.fault };
  const path = `${operation}Response`;
  const code = single(opened.element, 'ResultCode', path);
  if (code === undefined || !RESULT_CODES.includes(code)) throw inputInvalid(`${path}/ResultCode`, 'must be OK, ERROR or INFO');
  const comment = single(opened.element, 'comment', path);
  return { kind: 'result', resultCode: code as ResultCode, ...(comment !== undefined && comment !== '' ? { comment } : {}) };
}

/** Reads an Update 1.0 response; a SOAP Fault is a value. */
export const readUpdateResponse = (xml: string | Buffer, limits?: XmlLimits): ResultMessage => readResultMessage(xml, 'Update', limits);

/** Reads a ProcessNotification 1.0 response; a SOAP Fault is a value. */
export const readProcessNotificationResponse = (xml: string | Buffer, limits?: XmlLimits): ResultMessage =>
  readResultMessage(xml, 'ProcessNotification', limits);

/** Reads a FindContent 1.0 response; a SOAP Fault is a value. */
export function readFindContentResponse(xml: string | Buffer, limits?: XmlLimits): FindContentAnswer {
  const opened = openResponse(xml, 'FindContent', limits);
  if (opened.kind === 'fault') return { kind: 'fault', fault: opened.fault };
  const engagements = children(opened.element, 'engagement').map((node, i) => readEngagement(node, `FindContentResponse/engagement[${i + 1}]`));
  return { kind: 'engagements', engagements };
}
