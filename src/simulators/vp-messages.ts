import { esc, SOAP_ENV } from '../contracts/soap.js';

/**
 * What the simulated national platform (VP) reads from a message and how it refuses one, as
 * skltp/vp does (NATIONAL-PLATFORM.md §1): it routes on the namespace of the SOAP Body's first
 * element and on the LogicalAddress header, never on the path; its faults say the VP code first
 * in the fault string (`VP007 [instance] ...`), with the technical detail in `detail`.
 */

export type VpCode = 'VP002' | 'VP003' | 'VP004' | 'VP005' | 'VP006' | 'VP007' | 'VP009' | 'VP014' | 'VP015';

/** SOAP fault code and the user-facing message of each code (skltp/vp VpSemanticErrorCodeEnum, vp-messages.properties). */
const VP_CODES: Readonly<Record<VpCode, { readonly faultCode: 'Client' | 'Server'; readonly message: string }>> = {
  VP002: { faultCode: 'Client', message: 'Fel i klientcertifikat. Saknas, är av felaktig typ, eller är felaktigt utformad.' },
  VP003: { faultCode: 'Client', message: 'Logisk adressat (ReceiverId) saknas i RivHeadern i inkommande meddelande.' },
  VP004: {
    faultCode: 'Client',
    message: 'Det finns inget vägval i tjänsteadresseringskatalogen som matchar anropets logiska adressat (ReceiverId) och tjänstekontrakt.',
  },
  VP005: { faultCode: 'Client', message: 'Tjänsteproducenten stödjer inte anropets angivna rivta-version.' },
  VP006: { faultCode: 'Server', message: 'Internt fel i tjänsteplattformen. Det finns fler än en tjänsteproducent som matchar logisk adressat och tjänstekontrakt.' },
  VP007: { faultCode: 'Server', message: 'Tjänstekonsumenten saknar behörighet att anropa den logiska adressaten via detta tjänstekontrakt.' },
  VP009: { faultCode: 'Server', message: 'Fel vid kontakt med tjänsteproducenten.' },
  VP014: { faultCode: 'Server', message: 'Anropsförmedlingen för den logiska adressaten har givit upphov till rundgång mellan tjänsteplattformar.' },
  VP015: { faultCode: 'Client', message: 'Anrop ej korrekt utformat och kan därför inte behandlas.' },
};

export interface VpFault {
  readonly code: VpCode;
  /** `VP004 [instance] message`: what a consumer (and AGP's ProcessingStatus text) sees. */
  readonly faultString: string;
  readonly detail: string;
}

export function vpFault(code: VpCode, instance: string, detail: string): VpFault {
  return { code, faultString: `${code} [${instance}] ${VP_CODES[code].message}`, detail };
}

/** The SOAP 1.1 fault VP answers with (HTTP 500), detail in `detailString` as VP writes it. */
export function vpFaultXml(fault: VpFault): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}"><soapenv:Header/><soapenv:Body><soapenv:Fault>` +
    `<faultcode>soapenv:${VP_CODES[fault.code].faultCode}</faultcode><faultstring>${esc(fault.faultString)}</faultstring>` +
    `<detail><detailString>${esc(fault.detail)}</detailString></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
  );
}

// ---- Reading the payload -----------------------------------------------------------------------

const NAME = '[A-Za-z_][\\w.-]*';
const START_TAG = new RegExp(`^<(?:(${NAME}):)?(${NAME})((?:\\s[^>]*)?)\\/?>`);
const XMLNS = new RegExp(`\\sxmlns(?::(${NAME}))?\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g');

interface StartTag {
  readonly prefix: string | undefined;
  readonly localName: string;
  readonly attributes: string;
  readonly end: number;
}

/** The next start tag at or after `from`, skipping text, comments, processing instructions and end tags. */
function nextStartTag(xml: string, from: number): StartTag | undefined {
  let at = xml.indexOf('<', from);
  while (at !== -1) {
    if (xml.startsWith('<!--', at)) {
      const close = xml.indexOf('-->', at + 4);
      if (close === -1) return undefined;
      at = xml.indexOf('<', close + 3);
      continue;
    }
    if (xml.startsWith('<?', at) || xml.startsWith('</', at) || xml.startsWith('<!', at)) {
      const close = xml.indexOf('>', at + 1);
      if (close === -1) return undefined;
      at = xml.indexOf('<', close + 1);
      continue;
    }
    const match = START_TAG.exec(xml.slice(at, at + 4096));
    if (!match) return undefined;
    return { prefix: match[1], localName: match[2]!, attributes: match[3] ?? '', end: at + match[0].length };
  }
  return undefined;
}

/** Namespace declarations of one start tag: prefix ('' for the default namespace) → URI. */
function declarations(tag: StartTag): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of tag.attributes.matchAll(XMLNS)) found.set(m[1] ?? '', (m[2] ?? m[3] ?? '').replaceAll('&amp;', '&'));
  return found;
}

/**
 * The service contract of a message as VP reads it (PayloadInfoParser): the namespace of the
 * first child element of soap:Body, e.g. `urn:riv:...:GetDiagnosisResponder:2`. Undefined when
 * the message has no such element or its prefix is not declared. Only for XML already checked
 * to be well-formed (readEnvelope).
 */
export function contractNamespaceOf(xml: string): string | undefined {
  const scopes: Map<string, string>[] = [];
  let tag = nextStartTag(xml, 0);
  if (!tag || tag.localName !== 'Envelope') return undefined;
  scopes.push(declarations(tag));
  // The Body is a child of the Envelope; the Header (and anything in it) is skipped by finding Body's start tag.
  for (;;) {
    tag = nextStartTag(xml, tag.end);
    if (!tag) return undefined;
    if (tag.localName === 'Body') break;
  }
  scopes.push(declarations(tag));
  const first = nextStartTag(xml, tag.end);
  if (!first) return undefined;
  scopes.push(declarations(first));
  const prefix = first.prefix ?? '';
  for (const scope of scopes.reverse()) {
    const uri = scope.get(prefix);
    if (uri !== undefined) return uri === '' ? undefined : uri;
  }
  return undefined;
}

const LOGICAL_ADDRESS = new RegExp(`(<(?:${NAME}:)?LogicalAddress(?:\\s[^>]*)?>)[^<]*(</(?:${NAME}:)?LogicalAddress\\s*>)`);

/** The message with another receiver in its LogicalAddress header (AGP's "unchanged request body with LogicalAddress = source system"). */
export function withLogicalAddress(xml: string, logicalAddress: string): string {
  return xml.replace(LOGICAL_ADDRESS, (_m, open: string, close: string) => `${open}${esc(logicalAddress)}${close}`);
}
