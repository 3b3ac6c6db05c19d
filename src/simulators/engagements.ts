import type { ContractVersion } from '../contracts/types.js';
import type { InfoType } from '../domain/record.js';
import { buildUpdateRequest, ENGAGEMENT_INDEX_INTERACTIONS, readUpdateResponse, type EngagementInput } from '../engagement-index/messages.js';
import { SOURCE_SYSTEM_HSA_IDS, type SimulatorSystemId } from './care-units.js';
import type { Population } from './population.js';

/**
 * What a source system tells the engagement index: one engagement per resident, information kind
 * (the contract's serviceDomain + categorization) and care giver (dataController), with
 * logicalAddress = sourceSystem = the system's HSA-id, as the clinical domains' update rules
 * require. Sent as EI Update messages in batches.
 */

export interface EngagementReport {
  /** Update messages sent and accepted. */
  readonly messages: number;
  /** Engagements in accepted messages. */
  readonly engagements: number;
  /** Residents looked at (the population, or the cap). */
  readonly residents: number;
  /** What went wrong, one line per failed message. */
  readonly failures: readonly string[];
}

export interface ReportOptions {
  /** The index's Update endpoint. */
  readonly url: string;
  /** The index's HSA-id, the Update LogicalAddress; the index's own default when absent. */
  readonly logicalAddress?: string;
  readonly batchSize: number;
  /** Residents [from, to) by index. */
  readonly from: number;
  readonly to: number;
  readonly now: Date;
  readonly signal?: AbortSignal;
}

/** One kind of information per serviceDomain/categorization, whichever contract versions carry it. */
export function engagementKinds(contracts: readonly ContractVersion[]): Map<InfoType, { serviceDomain: string; categorization: string }[]> {
  const kinds = new Map<InfoType, { serviceDomain: string; categorization: string }[]>();
  const seen = new Set<string>();
  for (const c of contracts) {
    const key = `${c.serviceDomain}|${c.categorization}`;
    if (seen.has(key)) continue;
    seen.add(key);
    kinds.set(c.infoType, [...(kinds.get(c.infoType) ?? []), { serviceDomain: c.serviceDomain, categorization: c.categorization }]);
  }
  return kinds;
}

/** The engagements one system holds for one resident. */
export function engagementsOf(population: Population, personnummer: string, system: SimulatorSystemId, contracts: readonly ContractVersion[], now: Date): EngagementInput[] {
  const kinds = engagementKinds(contracts);
  const latest = new Map<string, { infoType: InfoType; dataController: string; time: number }>();
  for (const item of population.itemsFor(personnummer, system)) {
    if (item.time.getTime() > now.getTime() || !kinds.has(item.infoType)) continue;
    const dataController = item.careGiver.hsaId ?? '';
    const key = `${item.infoType}|${dataController}`;
    const seen = latest.get(key);
    if (!seen || seen.time < item.time.getTime()) latest.set(key, { infoType: item.infoType, dataController, time: item.time.getTime() });
  }
  const address = SOURCE_SYSTEM_HSA_IDS[system];
  return [...latest.values()].flatMap(({ infoType, dataController, time }) =>
    kinds.get(infoType)!.map((kind) => ({
      registeredResidentIdentification: personnummer,
      serviceDomain: kind.serviceDomain,
      categorization: kind.categorization,
      logicalAddress: address,
      sourceSystem: address,
      dataController,
      mostRecentContent: new Date(time),
    })),
  );
}

/** Sends one system's engagements for residents [from, to) to the index, batch by batch. */
export async function reportEngagements(population: Population, system: SimulatorSystemId, contracts: readonly ContractVersion[], options: ReportOptions): Promise<EngagementReport> {
  let messages = 0;
  let engagements = 0;
  const failures: string[] = [];
  let batch: EngagementInput[] = [];
  const send = async () => {
    if (batch.length === 0) return;
    const sending = batch;
    batch = [];
    try {
      const xml = buildUpdateRequest(sending, options.logicalAddress !== undefined ? { logicalAddress: options.logicalAddress } : {});
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: ENGAGEMENT_INDEX_INTERACTIONS.Update.soapAction,
          'x-vp-sender-id': SOURCE_SYSTEM_HSA_IDS[system],
        },
        body: xml,
        // A stuck index must not hang the start: each message gets 15 s.
        signal: AbortSignal.timeout(15_000),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const text = await response.text();
      const result = readUpdateResponse(text);
      if (result.kind === 'fault') failures.push(`${system}: HTTP ${response.status}, SOAP Fault: ${result.fault.message}`);
      else if (result.resultCode !== 'OK') failures.push(`${system}: Update answered ${result.resultCode}${result.comment ? `: ${result.comment}` : ''}`);
      else {
        messages++;
        engagements += sending.length;
      }
    } catch (error) {
      failures.push(`${system}: ${(error as Error).message}`);
    }
  };
  const to = Math.min(options.to, population.size);
  for (let index = Math.max(0, options.from); index < to; index++) {
    const personnummer = population.residentAt(index).personnummer;
    if (!population.systemsOf(personnummer).includes(system)) continue;
    for (const engagement of engagementsOf(population, personnummer, system, contracts, options.now)) {
      batch.push(engagement);
      if (batch.length >= options.batchSize) await send();
    }
  }
  await send();
  return { messages, engagements, residents: Math.max(0, to - Math.max(0, options.from)), failures };
}
