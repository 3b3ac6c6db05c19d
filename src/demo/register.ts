import type { Logger } from 'pino';
import type { PopulationRegister } from '../access/register.js';
import type { Transport } from '../aggregation/source-call.js';
import { createPersonRegister, type PersonRegister } from '../national/person-register.js';
import type { Population } from '../simulators/population.js';
import { startSimulatedPersonRegister, type SimulatedPersonRegister } from '../simulators/person-register.js';

/**
 * The demo's population register. `startDemoPersonRegister` is what the demo runs: the
 * production adapter (GetPersonsForProfile 5) against a simulated PU answering from the synthetic
 * population, so the demo exercises the production code path. `simulatedRegister` answers the
 * same facts in-process, for tests that need no HTTP.
 */

type RegisterSource = Pick<Population, 'residentByPersonnummer' | 'guardiansOf' | 'childrenOf' | 'hasProtectedIdentity' | 'deceasedOn'>;

/** The synthetic population's register facts, answered in-process as the national register would. */
export function simulatedRegister(population: RegisterSource): PopulationRegister {
  return {
    person(personnummer) {
      const resident = population.residentByPersonnummer(personnummer);
      if (!resident) return Promise.resolve(undefined);
      const deceasedOn = population.deceasedOn(personnummer);
      return Promise.resolve({
        birthDate: resident.birthDate,
        ...(deceasedOn !== undefined ? { deceasedOn } : {}),
        protectedIdentity: population.hasProtectedIdentity(personnummer),
        guardians: population.guardiansOf(personnummer),
        children: population.childrenOf(personnummer),
        givenName: resident.givenName,
        familyName: resident.familyName,
      });
    },
  };
}

export interface DemoPersonRegister {
  /** The production adapter, pointed at the simulated PU. */
  readonly register: PersonRegister;
  /** The simulated PU (its URL, logical address and fault modes). */
  readonly service: SimulatedPersonRegister;
  close(): Promise<void>;
}

/** Starts the simulated PU on a loopback port and the real adapter against it. */
export async function startDemoPersonRegister(options: {
  readonly population: Population;
  readonly consumerHsaId: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (a free port). */
  readonly port?: number;
  readonly transport?: Transport;
  readonly timeoutMs?: number;
  readonly cacheTtlMs?: number;
  readonly logger?: Logger;
}): Promise<DemoPersonRegister> {
  const service = await startSimulatedPersonRegister({
    population: options.population,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  const register = createPersonRegister({
    url: service.url,
    logicalAddress: service.logicalAddress,
    consumerHsaId: options.consumerHsaId,
    ...(options.transport ? { transport: options.transport } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.cacheTtlMs !== undefined ? { cacheTtlMs: options.cacheTtlMs } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    register,
    service,
    async close() {
      register.clear();
      await service.close();
    },
  };
}
