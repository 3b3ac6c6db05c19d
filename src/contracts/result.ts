import { esc } from './soap.js';
import type { ContractFault } from './types.js';
import { child, text, type XmlNode } from './xml.js';

/** The `result` element (ResultType) of the 2.x-generation responses: OK, INFO or ERROR. */
export function readResult(response: XmlNode): ContractFault[] {
  const result = child(response, 'result');
  const code = text(result, 'resultCode');
  if (code !== 'ERROR') return [];
  const errorCode = text(result, 'errorCode') ?? text(result, 'subCode');
  const message = text(result, 'message') ?? 'the producer answered with result ERROR';
  return [errorCode === undefined ? { kind: 'resultError', message } : { kind: 'resultError', code: errorCode, message }];
}

/** An OK result; `logId` is required by the schema. The element is in the responder namespace (`outer`), its parts in the core one (`inner`). */
export function writeOkResult(prefixes: { outer: string; inner: string }, logId: string): string {
  const { outer: o, inner: i } = prefixes;
  return `<${o}result><${i}resultCode>OK</${i}resultCode><${i}logId>${esc(logId)}</${i}logId></${o}result>`;
}
