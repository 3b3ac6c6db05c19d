import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { soapEnvelope, soapFault } from '../contracts/soap.js';
import { region, type RegionCode } from '../domain/regions.js';
import { isJournalenError } from '../errors/index.js';
import { BUSINESS_CLASSIFICATION_NAME, CARE_TYPE } from '../national/hsa-codes.js';
import {
  buildGetHealthCareProviderResponse,
  buildGetHealthCareUnitResponse,
  buildGetUnitResponse,
  HSA_INTERACTIONS,
  readHsaRequest,
  type HsaHealthCareProvider,
  type HsaHealthCareUnit,
  type HsaOperation,
  type HsaUnit,
} from '../national/hsa-messages.js';
import { CARE_UNITS, careGiverOf, careGivers } from './care-units.js';
import { readBody, sendSoap, serveSoap } from './soap-http.js';

/**
 * A simulated national HSA directory: GetUnit 5, GetHealthCareUnit 2 and GetHealthCareProvider 1
 * over HTTP on loopback, answering about the simulators' care providers (the 21 regions) and care
 * units as the real directory would: an unknown id is an empty answer, a bad request a SOAP
 * Fault. The handler is exported on its own, so a simulated national platform can mount it.
 */

export const SIMULATED_HSA_LOGICAL_ADDRESS = 'SE0000000000-HSA';

/** What the simulated directory holds; `demoHsaCatalogue()` is the simulators' units and providers. */
export interface HsaCatalogue {
  readonly providers: readonly (HsaHealthCareProvider & { readonly countyCode?: RegionCode })[];
  readonly units: readonly {
    readonly hsaId: string;
    readonly name: string;
    readonly providerHsaId: string;
    readonly businessClassificationName?: string;
    readonly careTypes: readonly string[];
    readonly countyCode?: RegionCode;
  }[];
}

export function demoHsaCatalogue(): HsaCatalogue {
  return {
    providers: careGivers().map((g) => ({
      healthCareProviderHsaId: g.hsaId,
      healthCareProviderName: g.name,
      healthCareProviderOrgNo: g.organisationNumber,
      countyCode: g.regionCode,
    })),
    units: CARE_UNITS.map((u) => {
      const name = BUSINESS_CLASSIFICATION_NAME[u.specialty];
      return {
        hsaId: u.hsaId,
        name: u.name,
        providerHsaId: careGiverOf(u.regionCode).hsaId,
        ...(name !== undefined ? { businessClassificationName: name } : {}),
        careTypes: [u.inpatient ? CARE_TYPE.inpatient : CARE_TYPE.outpatient],
        countyCode: u.regionCode,
      };
    }),
  };
}

export type HsaDirectoryHandler = (body: Buffer | string) => Promise<{ readonly status: number; readonly body: string }>;

export interface HsaDirectoryHandlerOptions {
  /** Requests must be addressed to it; default SIMULATED_HSA_LOGICAL_ADDRESS. */
  readonly logicalAddress?: string;
  readonly catalogue?: HsaCatalogue;
}

/** Answers one SOAP request (any of the three) from the catalogue; a request it refuses gets a Client fault. */
export function createHsaDirectoryHandler(options: HsaDirectoryHandlerOptions = {}): HsaDirectoryHandler & { readonly operationOf: (body: Buffer | string) => HsaOperation | undefined } {
  const logicalAddress = options.logicalAddress ?? SIMULATED_HSA_LOGICAL_ADDRESS;
  const catalogue = options.catalogue ?? demoHsaCatalogue();
  const providers = new Map(catalogue.providers.map((p) => [p.healthCareProviderHsaId, p]));
  const units = new Map(catalogue.units.map((u) => [u.hsaId, u]));
  const county = (code: RegionCode | undefined) => (code === undefined ? {} : { countyCode: code, countyName: region(code).countyName });

  const getUnit = (hsaId: string): HsaUnit | undefined => {
    const unit = units.get(hsaId);
    if (unit) {
      return {
        unitHsaId: unit.hsaId,
        unitName: unit.name,
        businessClassifications: unit.businessClassificationName === undefined ? [] : [{ name: unit.businessClassificationName }],
        careTypes: unit.careTypes,
        ...county(unit.countyCode),
      };
    }
    // Care providers are organisations in the directory, with a county of their own.
    const provider = providers.get(hsaId);
    if (provider) return { unitHsaId: hsaId, unitName: provider.healthCareProviderName, businessClassifications: [], careTypes: [], ...county(provider.countyCode) };
    return undefined;
  };

  const getHealthCareUnit = (hsaId: string): HsaHealthCareUnit | undefined => {
    const unit = units.get(hsaId);
    const provider = unit && providers.get(unit.providerHsaId);
    if (!unit || !provider) return undefined;
    // Every simulated unit is a care unit (vårdenhet) of its own.
    return {
      unitIsHealthCareUnit: true,
      healthCareUnitHsaId: unit.hsaId,
      healthCareUnitName: unit.name,
      healthCareProviderHsaId: provider.healthCareProviderHsaId,
      healthCareProviderName: provider.healthCareProviderName,
      healthCareProviderOrgNo: provider.healthCareProviderOrgNo,
    };
  };

  const handler = async (body: Buffer | string) => {
    let request;
    try {
      request = readHsaRequest(body, { maxBytes: 64 * 1024, maxDepth: 16 });
    } catch (error) {
      return { status: 500, body: soapFault('soapenv:Client', isJournalenError(error) ? error.message : 'the request could not be read') };
    }
    if (request.logicalAddress !== logicalAddress) {
      return {
        status: 500,
        body: soapFault('soapenv:Client', `VP004 LogicalAddress ${request.logicalAddress === undefined ? 'is missing' : `${request.logicalAddress} is not served here`}; the HSA directory is ${logicalAddress}`),
      };
    }
    const answer =
      request.operation === 'GetUnit'
        ? buildGetUnitResponse(getUnit(request.hsaId))
        : request.operation === 'GetHealthCareUnit'
          ? buildGetHealthCareUnitResponse(getHealthCareUnit(request.hsaId))
          : buildGetHealthCareProviderResponse([providers.get(request.hsaId)].flatMap((p) => (p ? [p] : [])));
    return { status: 200, body: soapEnvelope(answer) };
  };
  const operationOf = (body: Buffer | string): HsaOperation | undefined => {
    try {
      return readHsaRequest(body).operation;
    } catch {
      return undefined;
    }
  };
  return Object.assign(handler, { operationOf });
}

export type HsaDirectoryFault = 'http500' | 'soapFault' | 'timeout' | null;

export interface RunningHsaDirectory {
  /** Base URL; each contract at `{url}/{Contract}/{major}` (a trailing `/rivtabp21` is accepted). */
  readonly url: string;
  readonly logicalAddress: string;
  /** The endpoint of one contract, in the shape the HSA adapter's `url` option takes. */
  endpointFor(contract: { readonly contract: string; readonly major: string }): string;
  /** Requests received (answered or not). */
  calls(): number;
  /** Makes every request fail this way until set back to null. */
  setFault(fault: HsaDirectoryFault): void;
  close(): Promise<void>;
}

export async function startSimulatedHsaDirectory(
  options: { readonly host?: string; readonly port?: number; readonly logicalAddress?: string; readonly catalogue?: HsaCatalogue } = {},
): Promise<RunningHsaDirectory> {
  const host = options.host ?? '127.0.0.1';
  const logicalAddress = options.logicalAddress ?? SIMULATED_HSA_LOGICAL_ADDRESS;
  const handler = createHsaDirectoryHandler({ logicalAddress, ...(options.catalogue ? { catalogue: options.catalogue } : {}) });
  const maxRequestBytes = 64 * 1024;
  let count = 0;
  let fault: HsaDirectoryFault = null;

  const send = sendSoap;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return send(res, 405, 'POST a SOAP request to /{Contract}/{major}\n', 'text/plain; charset=utf-8');
    }
    count++;
    const body = await readBody(req, maxRequestBytes);
    if (body === undefined) {
      res.setHeader('connection', 'close');
      return send(res, 500, soapFault('soapenv:Client', `request larger than ${maxRequestBytes} bytes`));
    }
    if (fault === 'timeout') return; // the socket stays open until close()
    if (fault === 'http500') return send(res, 500, 'Internal Server Error\n', 'text/plain; charset=utf-8');
    if (fault === 'soapFault') return send(res, 500, soapFault('soapenv:Server', 'HSA directory: simulated failure'));
    // The path names the contract; a request of another contract at it is refused, as VP would.
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '').replace(/\/rivtabp21$/, '');
    const operation = handler.operationOf(body);
    if (operation !== undefined && path !== `/${operation}/${HSA_INTERACTIONS[operation].major}`) {
      return send(res, 500, soapFault('soapenv:Client', `${operation} ${HSA_INTERACTIONS[operation].major} is served at /${operation}/${HSA_INTERACTIONS[operation].major}, not ${path}`));
    }
    const answer = await handler(body);
    send(res, answer.status, answer.body);
  };

  const server = http.createServer();
  const sockets = serveSoap(server, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closed = false;
  return {
    url,
    logicalAddress,
    endpointFor: (c) => `${url}/${c.contract}/${c.major}`,
    calls: () => count,
    setFault: (next) => {
      fault = next;
    },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
