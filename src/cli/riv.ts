import { readFile } from 'node:fs/promises';
import type { RecordItem } from '../domain/record.js';
import { isResultInfoType } from '../domain/record.js';
import { JournalenError } from '../errors/index.js';
import { CONTRACT_VERSIONS, contractVersion, parseContractResponse } from '../contracts/registry.js';
import { soapEnvelope } from '../contracts/soap.js';
import { PERSONNUMMER_OID, SAMORDNINGSNUMMER_OID } from '../contracts/types.js';
import { parsePersonalIdentity } from '../domain/identifiers/index.js';
import { fromSwedishWallClock, parseIsoDate } from '../domain/time.js';
import type { ContractFault } from '../contracts/types.js';

/**
 * `journalen riv parse <file.xml>`: reads a producer's SOAP response and prints what the service
 * makes of it, in the canonical model. The flat fields the issue names come first in each item.
 */

export interface ParsedFile {
  readonly contract: string | null;
  readonly version: string | null;
  readonly items: Record<string, unknown>[];
  readonly faults: ContractFault[];
}

export function itemView(item: RecordItem): Record<string, unknown> {
  const { id, infoType, patientId, careUnitHsaId, time, signed, approvedForPatient, validated, ...rest } = item;
  return {
    id,
    infoType,
    patientId,
    careGiverHsaId: item.careGiver.hsaId ?? null,
    careUnitHsaId: careUnitHsaId ?? null,
    time: time.toISOString(),
    signed,
    approvedForPatient,
    ...(isResultInfoType(infoType) ? { validated: validated ?? false } : {}),
    ...rest,
  };
}

/** Parses a response read from a file, or given as bytes (stdin). */
export async function rivParse(source: string | Buffer): Promise<ParsedFile> {
  let xml: Buffer;
  if (typeof source === 'string') {
    try {
      xml = await readFile(source);
    } catch (error) {
      throw new JournalenError('INPUT_INVALID', `cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { field: 'file' });
    }
  } else {
    xml = source;
  }
  const r = parseContractResponse(xml);
  return { contract: r.contract, version: r.version, items: r.items.map(itemView), faults: r.faults };
}

export interface RequestOptions {
  readonly contract: string;
  readonly major?: string;
  readonly patient: string;
  readonly logicalAddress?: string;
  readonly careUnits?: readonly string[];
  readonly sourceSystem?: string;
  readonly from?: string;
  readonly to?: string;
}

const dateOption = (name: string, value: string | undefined, hour: number): Date | undefined => {
  if (value === undefined) return undefined;
  const date = parseIsoDate(value);
  if (!date) throw new JournalenError('INPUT_INVALID', `--${name} must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`, { field: `--${name}` });
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return fromSwedishWallClock(y, m, d, hour);
};

/** A consumer's SOAP request for a contract, as the service sends it to a producer. */
export function rivRequest(o: RequestOptions): string {
  const contract = contractVersion(o.contract, o.major);
  if (!contract) {
    const known = CONTRACT_VERSIONS.map((c) => `${c.contract} ${c.major}`).join(', ');
    throw new JournalenError('INPUT_INVALID', `no contract ${o.contract}${o.major ? ` version ${o.major}` : ''}; known: ${known}`, { field: 'contract' });
  }
  const identity = parsePersonalIdentity(o.patient, { field: '--patient' });
  const start = dateOption('from', o.from, 0);
  const end = dateOption('to', o.to, 12);
  return soapEnvelope(
    contract.buildRequest({
      patientId: identity.normalized,
      patientIdType: identity.kind === 'samordningsnummer' ? SAMORDNINGSNUMMER_OID : PERSONNUMMER_OID,
      ...(o.careUnits && o.careUnits.length > 0 ? { careUnitHsaIds: o.careUnits } : {}),
      ...(o.sourceSystem ? { sourceSystemHsaId: o.sourceSystem } : {}),
      ...(start || end ? { period: { ...(start ? { start } : {}), ...(end ? { end } : {}) } } : {}),
    }),
    o.logicalAddress ? { logicalAddress: o.logicalAddress } : {},
  );
}
