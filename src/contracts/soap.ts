import { JournalenError } from '../errors/index.js';
import type { ContractFault, ProcessingStatusEntry } from './types.js';
import { attr, child, children, namespaceDeclarations, parseXml, text, type XmlLimits, type XmlNode } from './xml.js';

/**
 * SOAP 1.1 envelopes as RIV-TA BP 2.1 uses them: a LogicalAddress header naming the producer
 * (or the source system), the contract's request or response as the Body's only child, SOAP
 * faults for failures, and the ProcessingStatus header from aggregating services.
 */

export const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const REGISTRY_NS = 'urn:riv:itintegration:registry:1';
export const HEADERS_NS = 'urn:riv:interoperability:headers:1';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an XML element or attribute value. */
export const esc = (value: string | number | boolean): string => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** `<name>value</name>` when the value is present, nothing otherwise. */
export function opt(name: string, value: string | number | boolean | undefined): string {
  return value === undefined || value === '' ? '' : `<${name}>${esc(value)}</${name}>`;
}

export function soapEnvelope(body: string, options: { logicalAddress?: string; header?: string } = {}): string {
  const logical = options.logicalAddress === undefined ? '' : `<LogicalAddress xmlns="${REGISTRY_NS}">${esc(options.logicalAddress)}</LogicalAddress>`;
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}"><soapenv:Header>${logical}${options.header ?? ''}</soapenv:Header><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

export function soapFault(code: 'soapenv:Server' | 'soapenv:Client', message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}"><soapenv:Body><soapenv:Fault><faultcode>${code}</faultcode><faultstring>${esc(message)}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
}

export type Envelope =
  | {
      readonly kind: 'body';
      /** Local name of the Body's child, e.g. `GetDiagnosisResponse`. */
      readonly localName: string;
      /** Namespace declarations in scope of that element (Envelope, Body and itself). */
      readonly namespaces: readonly string[];
      readonly element: XmlNode;
      readonly header: XmlNode | undefined;
    }
  | { readonly kind: 'fault'; readonly fault: ContractFault; readonly header: XmlNode | undefined };

const elementNames = (node: XmlNode) => Object.keys(node).filter((k) => !k.startsWith('@_') && k !== '#text');

/**
 * Reads a SOAP envelope. Malformed XML, a missing Body or an empty Body are errors
 * (JOURNALEN_INPUT_INVALID with what is wrong); a SOAP Fault is a value.
 */
export function readEnvelope(xml: string | Buffer, limits?: XmlLimits): Envelope {
  const parsed = parseXml(xml, limits);
  if (!parsed.ok) throw new JournalenError('INPUT_INVALID', parsed.problem.message, { reason: parsed.problem.kind });
  const envelope = child(parsed.root, 'Envelope');
  if (!envelope) throw new JournalenError('INPUT_INVALID', 'not a SOAP message: the root element is not a SOAP Envelope', { reason: 'notSoap' });
  const header = child(envelope, 'Header');
  const body = child(envelope, 'Body');
  if (!body) throw new JournalenError('INPUT_INVALID', 'SOAP Envelope has no Body', { reason: 'notSoap' });
  const fault = child(body, 'Fault');
  if (fault) {
    // SOAP 1.1 (faultcode/faultstring) or 1.2 (Code/Value, Reason/Text).
    const code = text(fault, 'faultcode') ?? text(child(fault, 'Code'), 'Value');
    const message = text(fault, 'faultstring') ?? text(child(fault, 'Reason'), 'Text') ?? 'SOAP Fault without a message';
    return { kind: 'fault', fault: code === undefined ? { kind: 'soapFault', message } : { kind: 'soapFault', code, message }, header };
  }
  const [localName] = elementNames(body);
  if (localName === undefined) throw new JournalenError('INPUT_INVALID', 'SOAP Body is empty', { reason: 'emptyBody' });
  const element = child(body, localName)!;
  return {
    kind: 'body',
    localName,
    namespaces: [...namespaceDeclarations(element), ...namespaceDeclarations(body), ...namespaceDeclarations(envelope)],
    element,
    header,
  };
}

/** The LogicalAddress header of a request, if any. */
export const logicalAddressOf = (header: XmlNode | undefined): string | undefined => text(header, 'LogicalAddress');

/** ProcessingStatus entries, read leniently (AGP omits lastSuccessfulSynch, which the XSD requires). */
export function readProcessingStatus(header: XmlNode | undefined): ProcessingStatusEntry[] | undefined {
  const status = child(header, 'ProcessingStatus');
  if (!status) return undefined;
  return children(status, 'ProcessingStatusList').flatMap((entry): ProcessingStatusEntry[] => {
    const logicalAddress = text(entry, 'logicalAddress');
    const statusCode = text(entry, 'statusCode');
    if (logicalAddress === undefined || statusCode === undefined) return [];
    const error = child(entry, 'lastUnsuccessfulSynchError');
    const flag = (name: string) => (text(entry, name) === undefined ? undefined : text(entry, name) === 'true');
    return [
      {
        logicalAddress,
        statusCode,
        ...(flag('isResponseFromCache') !== undefined ? { isResponseFromCache: flag('isResponseFromCache')! } : {}),
        ...(flag('isResponseInSynch') !== undefined ? { isResponseInSynch: flag('isResponseInSynch')! } : {}),
        ...(text(entry, 'lastSuccessfulSynch') !== undefined ? { lastSuccessfulSynch: text(entry, 'lastSuccessfulSynch')! } : {}),
        ...(error
          ? { lastUnsuccessfulSynchError: { causingAgent: text(error, 'causingAgent'), code: text(error, 'code'), text: text(error, 'text') } as ProcessingStatusEntry['lastUnsuccessfulSynchError'] }
          : {}),
      },
    ];
  });
}

