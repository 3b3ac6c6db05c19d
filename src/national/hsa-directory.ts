import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { producerText, readLimited, type Transport } from '../aggregation/source-call.js';
import { soapEnvelope } from '../contracts/soap.js';
import { DEFAULT_LIMITS } from '../contracts/xml.js';
import { isHsaId } from '../domain/identifiers/index.js';
import { JournalenError } from '../errors/index.js';
import type { CareProviderEntry, HsaCareUnit, HsaLookup } from '../record/directory.js';
import { inpatientOf, isRegionOrganisation, regionOfCounty, specialtyOf } from './hsa-codes.js';
import {
  buildGetHealthCareProviderRequest,
  buildGetHealthCareUnitRequest,
  buildGetUnitRequest,
  HSA_INTERACTIONS,
  HsaAnswerError,
  readGetHealthCareProviderResponse,
  readGetHealthCareUnitResponse,
  readGetUnitResponse,
  soapActionOf,
  type HsaOperation,
} from './hsa-messages.js';

export type { HsaLookup } from '../record/directory.js';

/**
 * The care directory's facts from the national HSA directory (riv.infrastructure.directory.
 * organization 5.0), through the platform like any RIV-TA call:
 *
 * - a care unit: GetUnit 5 gives its name (`unitName`), its business classification
 *   (`businessClassification/businessClassificationName` → specialty), its care type (`careType`
 *   02 slutenvård → inpatient) and its county (`countyCode`); GetHealthCareUnit 2 gives the care
 *   provider it belongs to (`healthCareProviderHsaId`). Both are asked at once. A unit HSA does
 *   not place under a care provider counts as not found: its items could not be given rules.
 * - a care provider: GetHealthCareProvider 1 gives its name and organisation number. A region
 *   (organisation number 232100-…, or Gotland's) gets the region of its own county (GetUnit on the
 *   provider's id, `countyCode`); a private provider gets null, and the care directory gives it
 *   the county of the unit it was seen with.
 *
 * Not in HSA: undefined. Anything else (no answer in time, HTTP error, SOAP Fault, unreadable or
 * another object's answer): JOURNALEN_DIRECTORY_UNAVAILABLE. No personnummer is ever sent or logged.
 */

export interface HsaDirectoryOptions {
  /** The endpoint of one contract (the platform's path template, or the simulator's scheme). */
  readonly url: (contract: { readonly responderNamespace: string; readonly contract: string; readonly major: string }) => string;
  /** The HSA directory's logical address. */
  readonly logicalAddress: string;
  /** Our HSA-id, sent as the original service consumer. */
  readonly consumerHsaId: string;
  /** Default global fetch. */
  readonly transport?: Transport;
  /** Per call; default 10 s. */
  readonly timeoutMs?: number;
  /** Answers larger than this are refused; default 1 MiB (a unit's answer is a few kB). */
  readonly maxResponseBytes?: number;
  readonly logger?: Logger;
}

export function createHsaDirectory(options: HsaDirectoryOptions): HsaLookup {
  const transport: Transport = options.transport ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
  const limits = { maxBytes: maxResponseBytes, maxDepth: DEFAULT_LIMITS.maxDepth };

  const unavailable = (operation: HsaOperation, hsaId: string, reason: string, cause?: unknown) =>
    new JournalenError('DIRECTORY_UNAVAILABLE', `the HSA directory could not answer ${operation} for ${hsaId}: ${reason}`, { operation, hsaId, reason }, cause === undefined ? undefined : { cause });

  /** One call; the answer read by `read`, every failure a DIRECTORY_UNAVAILABLE. */
  async function call<T>(operation: HsaOperation, hsaId: string, requestBody: string, read: (bytes: Buffer) => T): Promise<T> {
    const interaction = HSA_INTERACTIONS[operation];
    const started = Date.now();
    let response: Response;
    let bytes: Buffer;
    try {
      response = await transport(options.url(interaction), {
        method: 'POST',
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: `"${soapActionOf(interaction)}"`,
          'x-rivta-original-serviceconsumer-hsaid': options.consumerHsaId,
          'x-skltp-correlation-id': randomUUID(),
        },
        body: soapEnvelope(requestBody, { logicalAddress: options.logicalAddress }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      bytes = await readLimited(response, maxResponseBytes);
    } catch (error) {
      const reason =
        error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
          ? `no answer within ${timeoutMs} ms`
          : error instanceof Error && /larger than|bytes; at most/.test(error.message)
            ? `answer larger than ${maxResponseBytes} bytes`
            : `connection failed${error instanceof Error && error.message !== '' ? ` (${producerText(error.message)})` : ''}`;
      throw unavailable(operation, hsaId, reason, error);
    }
    try {
      const answer = read(bytes);
      if (!response.ok) throw unavailable(operation, hsaId, `HTTP ${response.status}`);
      options.logger?.debug({ operation, hsaId, ms: Date.now() - started }, 'HSA directory answered');
      return answer;
    } catch (error) {
      if (error instanceof JournalenError) throw error;
      if (error instanceof HsaAnswerError) {
        if (error.kind === 'malformed' && !response.ok) throw unavailable(operation, hsaId, `HTTP ${response.status}`, error);
        throw unavailable(operation, hsaId, producerText(error.message), error);
      }
      throw unavailable(operation, hsaId, 'unreadable answer', error);
    }
  }

  const getUnit = (hsaId: string) => call('GetUnit', hsaId, buildGetUnitRequest(hsaId), (b) => readGetUnitResponse(b, limits));

  return {
    async unit(hsaId: string): Promise<HsaCareUnit | undefined> {
      // An id that is not an HSA-id cannot be in HSA; asking would only cost a call.
      if (!isHsaId(hsaId)) return undefined;
      const [unit, careUnit] = await Promise.all([
        getUnit(hsaId),
        call('GetHealthCareUnit', hsaId, buildGetHealthCareUnitRequest(hsaId), (b) => readGetHealthCareUnitResponse(b, limits)),
      ]);
      if (unit !== undefined && unit.unitHsaId !== hsaId) throw unavailable('GetUnit', hsaId, `the answer is about ${unit.unitHsaId}`);
      if (careUnit === undefined) return undefined;
      const about = careUnit.healthCareUnitMemberHsaId ?? careUnit.healthCareUnitHsaId;
      if (about !== hsaId) throw unavailable('GetHealthCareUnit', hsaId, `the answer is about ${about}`);
      const countyRegion = regionOfCounty(unit?.countyCode);
      return {
        hsaId,
        name: unit?.unitName ?? careUnit.healthCareUnitMemberName ?? careUnit.healthCareUnitName,
        careProviderHsaId: careUnit.healthCareProviderHsaId,
        specialty: specialtyOf(unit?.businessClassifications ?? []),
        inpatient: inpatientOf(unit?.careTypes ?? []),
        ...(countyRegion !== undefined ? { countyRegion } : {}),
      };
    },

    async provider(hsaId: string): Promise<CareProviderEntry | undefined> {
      if (!isHsaId(hsaId)) return undefined;
      const providers = await call('GetHealthCareProvider', hsaId, buildGetHealthCareProviderRequest(hsaId), (b) => readGetHealthCareProviderResponse(b, limits));
      if (providers.length === 0) return undefined;
      const provider = providers.find((p) => p.healthCareProviderHsaId === hsaId);
      if (!provider) throw unavailable('GetHealthCareProvider', hsaId, 'the answer is about another care provider');
      if (!isRegionOrganisation(provider.healthCareProviderOrgNo)) return { hsaId, name: provider.healthCareProviderName, regionCode: null };
      // A region's own county. HSA may not describe the provider object through GetUnit; then
      // (or if that call fails) the county of its units decides, which for a region is the same.
      let county: string | undefined;
      try {
        county = (await getUnit(hsaId))?.countyCode;
      } catch (error) {
        options.logger?.debug({ hsaId, err: error instanceof Error ? error.message : String(error) }, 'no county for a region provider from GetUnit');
      }
      return { hsaId, name: provider.healthCareProviderName, regionCode: regionOfCounty(county) ?? null };
    },
  };
}
