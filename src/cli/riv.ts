import { readFile } from 'node:fs/promises';
import type { RecordItem } from '../domain/record.js';
import { isResultInfoType } from '../domain/record.js';
import { JournalenError } from '../errors/index.js';
import { parseContractResponse } from '../contracts/registry.js';
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

export async function rivParse(file: string): Promise<ParsedFile> {
  let xml: Buffer;
  try {
    xml = await readFile(file);
  } catch (error) {
    throw new JournalenError('INPUT_INVALID', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { field: 'file' });
  }
  const r = parseContractResponse(xml);
  return { contract: r.contract, version: r.version, items: r.items.map(itemView), faults: r.faults };
}
