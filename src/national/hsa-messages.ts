import { esc, logicalAddressOf, opt, readEnvelope } from '../contracts/soap.js';
import { children, text, type XmlLimits, type XmlNode } from '../contracts/xml.js';
import { isHsaId } from '../domain/identifiers/index.js';
import { inputInvalid, JournalenError } from '../errors/index.js';

/**
 * The SOAP messages of the HSA organisation directory (riv.infrastructure.directory.organization
 * 5.0) that the care directory uses: GetUnit 5 (a unit's name, business classification, care
 * type and county), GetHealthCareUnit 2 (which care unit and care provider a unit belongs to)
 * and GetHealthCareProvider 1 (a provider's name and organisation number). Builders write what
 * the schemas accept, in their element order; readers refuse with INPUT_INVALID what they would
 * refuse, and read answers leniently (unknown elements are skipped, as `xs:any` allows).
 */

const ORGANIZATION = 'urn:riv:infrastructure:directory:organization';

export type HsaOperation = 'GetUnit' | 'GetHealthCareUnit' | 'GetHealthCareProvider';

export interface HsaInteraction {
  readonly contract: HsaOperation;
  readonly major: string;
  readonly responderNamespace: string;
  /** Under shared/rivta/. */
  readonly responderXsd: string;
}

const XSD_DIR = 'infrastructure_directory_organization/Organization/5.0/interactions';

export const HSA_INTERACTIONS: Readonly<Record<HsaOperation, HsaInteraction>> = {
  GetUnit: {
    contract: 'GetUnit',
    major: '5',
    responderNamespace: `${ORGANIZATION}:GetUnitResponder:5`,
    responderXsd: `${XSD_DIR}/GetUnitInteraction/GetUnitResponder_5.0.xsd`,
  },
  GetHealthCareUnit: {
    contract: 'GetHealthCareUnit',
    major: '2',
    responderNamespace: `${ORGANIZATION}:GetHealthCareUnitResponder:2`,
    responderXsd: `${XSD_DIR}/GetHealthCareUnitInteraction/GetHealthCareUnitResponder_2.0.xsd`,
  },
  GetHealthCareProvider: {
    contract: 'GetHealthCareProvider',
    major: '1',
    responderNamespace: `${ORGANIZATION}:GetHealthCareProviderResponder:1`,
    responderXsd: `${XSD_DIR}/GetHealthCareProviderInteraction/GetHealthCareProviderResponder_1.0.xsd`,
  },
};

export const soapActionOf = (i: HsaInteraction): string => `${i.responderNamespace}:${i.contract}`;

// ---- Requests ----------------------------------------------------------------------------------

/** Feigned (test) objects are never asked for: a resident's record comes from real units. */
const request = (operation: HsaOperation, idElement: string, hsaId: string) =>
  `<${operation} xmlns="${HSA_INTERACTIONS[operation].responderNamespace}"><${idElement}>${esc(hsaId)}</${idElement}><includeFeignedObject>false</includeFeignedObject></${operation}>`;

export const buildGetUnitRequest = (unitHsaId: string): string => request('GetUnit', 'unitHsaId', unitHsaId);
export const buildGetHealthCareUnitRequest = (memberHsaId: string): string => request('GetHealthCareUnit', 'healthCareUnitMemberHsaId', memberHsaId);
export const buildGetHealthCareProviderRequest = (providerHsaId: string): string => request('GetHealthCareProvider', 'healthCareProviderHsaId', providerHsaId);

/** The id element of each request. */
const ID_ELEMENT: Readonly<Record<HsaOperation, string>> = {
  GetUnit: 'unitHsaId',
  GetHealthCareUnit: 'healthCareUnitMemberHsaId',
  GetHealthCareProvider: 'healthCareProviderHsaId',
};

export interface HsaRequest {
  readonly operation: HsaOperation;
  /** The HSA-id asked about. */
  readonly hsaId: string;
  readonly logicalAddress: string | undefined;
  readonly includeFeignedObject: boolean;
}

/**
 * A request to the directory, from a SOAP envelope. Refused with INPUT_INVALID: not SOAP, not one
 * of the three requests, a missing or malformed HSA-id (GetHealthCareProvider by organisation
 * number is not served: the care directory never asks that way).
 */
export function readHsaRequest(xml: string | Buffer, limits?: XmlLimits): HsaRequest {
  const envelope = readEnvelope(xml, limits);
  if (envelope.kind === 'fault') throw inputInvalid('Body', 'a request cannot be a SOAP Fault');
  const operation = (Object.keys(HSA_INTERACTIONS) as HsaOperation[]).find(
    (op) => op === envelope.localName && envelope.namespaces.includes(HSA_INTERACTIONS[op].responderNamespace),
  );
  if (!operation) throw inputInvalid('Body', `<${envelope.localName.slice(0, 60)}> is not a request of GetUnit 5, GetHealthCareUnit 2 or GetHealthCareProvider 1`);
  const idElement = ID_ELEMENT[operation];
  const ids = children(envelope.element, idElement);
  if (ids.length !== 1) throw inputInvalid(idElement, `${operation} needs exactly one ${idElement}`);
  const hsaId = text(ids[0]);
  if (hsaId === undefined || !isHsaId(hsaId)) throw inputInvalid(idElement, `${idElement} is not an HSA-id`);
  const feigned = text(envelope.element, 'includeFeignedObject');
  if (feigned !== undefined && !['true', 'false', '1', '0'].includes(feigned)) throw inputInvalid('includeFeignedObject', 'includeFeignedObject is not a boolean');
  return { operation, hsaId, logicalAddress: logicalAddressOf(envelope.header), includeFeignedObject: feigned === 'true' || feigned === '1' };
}

// ---- Answers -----------------------------------------------------------------------------------

/** What GetUnit says about a unit (the parts the care directory reads). */
export interface HsaUnit {
  readonly unitHsaId: string;
  readonly unitName: string;
  readonly publicName?: string;
  /** Verksamhet: code and name from HSA's verksamhetskod code list. */
  readonly businessClassifications: readonly { readonly code?: string; readonly name?: string }[];
  /** Vårdform codes (01 öppenvård, 02 slutenvård, 03 hemsjukvård). */
  readonly careTypes: readonly string[];
  /** SCB county code (länskod), two digits. */
  readonly countyCode?: string;
  readonly countyName?: string;
}

/** What GetHealthCareUnit says: the care unit (vårdenhet) a unit is part of, and its care provider. */
export interface HsaHealthCareUnit {
  readonly unitIsHealthCareUnit?: boolean;
  readonly healthCareUnitMemberHsaId?: string;
  readonly healthCareUnitMemberName?: string;
  readonly healthCareUnitHsaId: string;
  readonly healthCareUnitName: string;
  readonly healthCareProviderHsaId: string;
  readonly healthCareProviderName: string;
  readonly healthCareProviderOrgNo: string;
}

export interface HsaHealthCareProvider {
  readonly healthCareProviderHsaId: string;
  readonly healthCareProviderName: string;
  readonly healthCareProviderOrgNo: string;
}

const body = (operation: HsaOperation, content: string) =>
  `<${operation}Response xmlns="${HSA_INTERACTIONS[operation].responderNamespace}">${content}</${operation}Response>`;

/** GetUnitResponse, with or without a unit (an unknown id is an empty answer, not a fault). */
export function buildGetUnitResponse(unit: HsaUnit | undefined): string {
  if (!unit) return body('GetUnit', '');
  const classifications = unit.businessClassifications
    .map((b) => `<businessClassification>${opt('businessClassificationName', b.name)}${opt('businessClassificationCode', b.code)}</businessClassification>`)
    .join('');
  // Element order is the schema's sequence.
  return body(
    'GetUnit',
    `<unit>${classifications}${unit.careTypes.map((c) => `<careType>${esc(c)}</careType>`).join('')}${opt('countyName', unit.countyName)}${opt('countyCode', unit.countyCode)}` +
      `<unitHsaId>${esc(unit.unitHsaId)}</unitHsaId><unitName>${esc(unit.unitName)}</unitName><publicName>${esc(unit.publicName ?? unit.unitName)}</publicName></unit>`,
  );
}

export function buildGetHealthCareUnitResponse(unit: HsaHealthCareUnit | undefined): string {
  if (!unit) return body('GetHealthCareUnit', '');
  return body(
    'GetHealthCareUnit',
    `<healthCareUnit>${opt('unitIsHealthCareUnit', unit.unitIsHealthCareUnit)}${opt('healthCareUnitMemberHsaId', unit.healthCareUnitMemberHsaId)}` +
      `${opt('healthCareUnitMemberName', unit.healthCareUnitMemberName)}${opt('healthCareUnitMemberPublicName', unit.healthCareUnitMemberName)}` +
      `<healthCareUnitHsaId>${esc(unit.healthCareUnitHsaId)}</healthCareUnitHsaId><healthCareUnitName>${esc(unit.healthCareUnitName)}</healthCareUnitName>` +
      `<healthCareUnitPublicName>${esc(unit.healthCareUnitName)}</healthCareUnitPublicName>` +
      `<healthCareProviderHsaId>${esc(unit.healthCareProviderHsaId)}</healthCareProviderHsaId><healthCareProviderName>${esc(unit.healthCareProviderName)}</healthCareProviderName>` +
      `<healthCareProviderPublicName>${esc(unit.healthCareProviderName)}</healthCareProviderPublicName><healthCareProviderOrgNo>${esc(unit.healthCareProviderOrgNo)}</healthCareProviderOrgNo>` +
      `</healthCareUnit>`,
  );
}

export function buildGetHealthCareProviderResponse(providers: readonly HsaHealthCareProvider[]): string {
  return body(
    'GetHealthCareProvider',
    providers
      .map(
        (p) =>
          `<healthCareProvider><healthCareProviderHsaId>${esc(p.healthCareProviderHsaId)}</healthCareProviderHsaId><healthCareProviderName>${esc(p.healthCareProviderName)}</healthCareProviderName>` +
          `<healthCareProviderOrgNo>${esc(p.healthCareProviderOrgNo)}</healthCareProviderOrgNo></healthCareProvider>`,
      )
      .join(''),
  );
}

/** Why an answer could not be used: a SOAP Fault, or not the answer asked for. */
export class HsaAnswerError extends Error {
  constructor(
    readonly kind: 'soapFault' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'HsaAnswerError';
  }
}

/** The response element of `operation`, or HsaAnswerError. */
function responseElement(xml: string | Buffer, operation: HsaOperation, limits?: XmlLimits): XmlNode {
  let envelope;
  try {
    envelope = readEnvelope(xml, limits);
  } catch (error) {
    throw new HsaAnswerError('malformed', error instanceof JournalenError ? error.message : 'unreadable answer');
  }
  if (envelope.kind === 'fault') {
    const fault = envelope.fault as { readonly code?: string; readonly message: string };
    throw new HsaAnswerError('soapFault', `SOAP Fault${fault.code ? ` ${fault.code}` : ''}: ${fault.message}`);
  }
  const expected = `${operation}Response`;
  if (envelope.localName !== expected || !envelope.namespaces.includes(HSA_INTERACTIONS[operation].responderNamespace)) {
    throw new HsaAnswerError('malformed', `expected ${expected} of ${HSA_INTERACTIONS[operation].responderNamespace}, got <${envelope.localName.slice(0, 60)}>`);
  }
  return envelope.element;
}

const required = (node: XmlNode | undefined, name: string, where: string): string => {
  const value = text(node, name);
  if (value === undefined) throw new HsaAnswerError('malformed', `${where} has no ${name}`);
  return value;
};

const boolOf = (value: string | undefined): boolean | undefined => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : undefined);

/** The unit in a GetUnitResponse, or undefined when the directory has none. */
export function readGetUnitResponse(xml: string | Buffer, limits?: XmlLimits): HsaUnit | undefined {
  const units = children(responseElement(xml, 'GetUnit', limits), 'unit');
  if (units.length === 0) return undefined;
  if (units.length > 1) throw new HsaAnswerError('malformed', 'GetUnitResponse has more than one unit');
  const unit = units[0]!;
  const countyCode = text(unit, 'countyCode');
  const countyName = text(unit, 'countyName');
  const publicName = text(unit, 'publicName');
  return {
    unitHsaId: required(unit, 'unitHsaId', 'unit'),
    unitName: required(unit, 'unitName', 'unit'),
    ...(publicName !== undefined ? { publicName } : {}),
    businessClassifications: children(unit, 'businessClassification').map((b) => {
      const code = text(b, 'businessClassificationCode');
      const name = text(b, 'businessClassificationName');
      return { ...(code !== undefined ? { code } : {}), ...(name !== undefined ? { name } : {}) };
    }),
    careTypes: children(unit, 'careType').flatMap((c) => text(c) ?? []),
    ...(countyCode !== undefined ? { countyCode } : {}),
    ...(countyName !== undefined ? { countyName } : {}),
  };
}

export function readGetHealthCareUnitResponse(xml: string | Buffer, limits?: XmlLimits): HsaHealthCareUnit | undefined {
  const units = children(responseElement(xml, 'GetHealthCareUnit', limits), 'healthCareUnit');
  if (units.length === 0) return undefined;
  if (units.length > 1) throw new HsaAnswerError('malformed', 'GetHealthCareUnitResponse has more than one healthCareUnit');
  const u = units[0]!;
  const where = 'healthCareUnit';
  const isUnit = boolOf(text(u, 'unitIsHealthCareUnit'));
  const memberId = text(u, 'healthCareUnitMemberHsaId');
  const memberName = text(u, 'healthCareUnitMemberName');
  return {
    ...(isUnit !== undefined ? { unitIsHealthCareUnit: isUnit } : {}),
    ...(memberId !== undefined ? { healthCareUnitMemberHsaId: memberId } : {}),
    ...(memberName !== undefined ? { healthCareUnitMemberName: memberName } : {}),
    healthCareUnitHsaId: required(u, 'healthCareUnitHsaId', where),
    healthCareUnitName: required(u, 'healthCareUnitName', where),
    healthCareProviderHsaId: required(u, 'healthCareProviderHsaId', where),
    healthCareProviderName: required(u, 'healthCareProviderName', where),
    // Required by the schema, yet only used to tell regions from private providers: lenient.
    healthCareProviderOrgNo: text(u, 'healthCareProviderOrgNo') ?? '',
  };
}

export function readGetHealthCareProviderResponse(xml: string | Buffer, limits?: XmlLimits): HsaHealthCareProvider[] {
  return children(responseElement(xml, 'GetHealthCareProvider', limits), 'healthCareProvider').map((p) => ({
    healthCareProviderHsaId: required(p, 'healthCareProviderHsaId', 'healthCareProvider'),
    healthCareProviderName: required(p, 'healthCareProviderName', 'healthCareProvider'),
    healthCareProviderOrgNo: text(p, 'healthCareProviderOrgNo') ?? '',
  }));
}
