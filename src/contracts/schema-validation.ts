import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XmlDocument, XsdValidator } from 'libxml2-wasm';
import { xmlRegisterFsInputProviders } from 'libxml2-wasm/lib/nodejs.mjs';
import type { ContractVersion } from './types.js';

/**
 * XSD validation of a SOAP Body's content against the contract's responder schema, with
 * libxml2 (WASM). Used by tests, the simulators' checks and the conformance suite; the service
 * itself parses leniently and checks what it needs, as the national platform does.
 */

let registered = false;
const validators = new Map<string, XsdValidator>();

function validatorFor(schemaFile: string): XsdValidator {
  let v = validators.get(schemaFile);
  if (!v) {
    if (!registered) registered = xmlRegisterFsInputProviders() || true;
    const doc = XmlDocument.fromBuffer(readFileSync(schemaFile), { url: schemaFile });
    v = XsdValidator.fromDoc(doc);
    doc.dispose();
    validators.set(schemaFile, v);
  }
  return v;
}

export interface SchemaVerdict {
  readonly valid: boolean;
  readonly errors: readonly string[];
}

/** Validates the first child of the SOAP Body (or the document element when not SOAP). */
export function validateAgainstSchema(xml: string, schemaFile: string): SchemaVerdict {
  let doc: XmlDocument | undefined;
  try {
    doc = XmlDocument.fromString(xml);
    const body = doc.get('/*[local-name()="Envelope"]/*[local-name()="Body"]/*[1]') ?? doc.root;
    validatorFor(schemaFile).validate(body as never);
    return { valid: true, errors: [] };
  } catch (error) {
    const details = (error as { details?: { message: string; line?: number }[] }).details;
    const errors = details?.map((d) => `${d.line !== undefined ? `line ${d.line}: ` : ''}${d.message.trim()}`) ?? [(error as Error).message];
    return { valid: false, errors };
  } finally {
    doc?.dispose();
  }
}

export function responderSchemaFile(rivtaDir: string, contract: ContractVersion): string {
  return path.join(rivtaDir, contract.schemaDir, contract.responderXsd);
}
