import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TLSSocket } from 'node:tls';
import { soapFault } from '../contracts/soap.js';
import type { XmlLimits } from '../contracts/xml.js';
import type { Db } from '../db/connection.js';
import { inputInvalid, isJournalenError, JournalenError } from '../errors/index.js';
import { JOURNALEN_HSA_ID, type EngagementInput } from './engagement.js';
import {
  buildFindContentResponse,
  buildProcessNotificationResponse,
  buildUpdateResponse,
  readFindContentRequest,
  readProcessNotificationRequest,
  readUpdateRequest,
  type TransactionsMessage,
} from './messages.js';
import { checkProcessNotification, checkUpdate, checkUpdateCaller, describeViolations, OWN_ENGAGEMENTS_RULE, type RuleContext } from './rules.js';
import { applyNotification, applyUpdate, findContent, type UpdateResult } from './store.js';

/**
 * The engagement index over HTTP: RIV-TA BP 2.1 (SOAP 1.1, text/xml) endpoints for Update,
 * FindContent and ProcessNotification. Handlers only translate: read the message (hostile-XML
 * safe), check the rules, call the store, write the answer. Every failure is a SOAP Fault.
 */

export const ENGAGEMENT_INDEX_PATHS = {
  Update: '/rivta/itintegration/engagementindex/Update/1/rivtabp21',
  FindContent: '/rivta/itintegration/engagementindex/FindContent/1/rivtabp21',
  ProcessNotification: '/rivta/itintegration/engagementindex/ProcessNotification/1/rivtabp21',
} as const;

/** 1000 transactions of about 1.3 KB each fit, with room for prefixes and white space. */
export const DEFAULT_BODY_LIMIT = 2 * 1024 * 1024;

// An EI message is five levels deep; anything far deeper is not one.
const MAX_DEPTH = 32;

export interface EngagementIndexOptions {
  readonly db: Db;
  /** This index's HSA-id: the LogicalAddress it answers to and the owner of what it stores. */
  readonly indexHsaId?: string;
  /** HSA-ids no engagement may point at besides the index's own (skltp/ei EI005/EI006). */
  readonly reservedHsaIds?: readonly string[];
  /** Largest request body, in bytes. */
  readonly bodyLimit?: number;
  readonly now?: () => Date;
  /**
   * Refuse every request that did not come over TLS with a client certificate the server
   * verified (the production listener; the handshake already demands one, this is the second lock).
   */
  readonly requireClientCertificate?: boolean;
  /**
   * The HSA-ids (client certificate SERIALNUMBER) ProcessNotification is taken from: the
   * national engagement index. A caller with a certificate is refused when it is not listed,
   * and every such caller when there is no list. Callers without a certificate (the demo's
   * plain HTTP on loopback) are not identified and are not checked.
   */
  readonly notifiers?: readonly string[];
  /**
   * Over TLS, the HSA-ids that may ask FindContent (where a resident has had care is sensitive;
   * the CA may be a national one). Unset: any certified caller.
   */
  readonly readers?: readonly string[];
}

/**
 * Who is calling, as far as the connection says: over TLS with a client certificate the server
 * verified, the HSA-id in its subject's SERIALNUMBER (OID 2.5.4.5), where the national platform
 * reads a caller's identity (NATIONAL-PLATFORM.md §2); otherwise no one in particular.
 */
export type EngagementIndexCaller =
  | { readonly kind: 'anonymous' }
  /** hsaId is undefined when the certificate has no (or more than one) SERIALNUMBER. */
  | { readonly kind: 'certified'; readonly hsaId: string | undefined };

export function engagementIndexCaller(request: FastifyRequest): EngagementIndexCaller {
  const socket = request.raw.socket as Partial<TLSSocket> | undefined;
  // A certificate the server did not verify (rejectUnauthorized off) proves nothing.
  if (socket?.encrypted !== true || socket.authorized !== true || typeof socket.getPeerCertificate !== 'function') return { kind: 'anonymous' };
  const certificate = socket.getPeerCertificate();
  // Node answers an empty object when the peer sent no certificate.
  if (certificate === null || typeof certificate !== 'object' || certificate.raw === undefined) return { kind: 'anonymous' };
  const value: unknown = (certificate.subject as unknown as Record<string, unknown> | undefined)?.['serialNumber'];
  // Two SERIALNUMBERs (an array here) name no one.
  const hsaId = typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  return { kind: 'certified', hsaId };
}

/**
 * Registers the three endpoints in a context of their own, whether called directly
 * (`await registerEngagementIndex(app, { db })`) or registered (`app.register(registerEngagementIndex, { db })`):
 * the XML-only body parsing and the SOAP Fault error handler never reach the rest of the app.
 */
export async function registerEngagementIndex(app: FastifyInstance, options: EngagementIndexOptions): Promise<void> {
  await app.register(engagementIndexPlugin, options);
}

const engagementIndexPlugin: FastifyPluginAsync<EngagementIndexOptions> = async (app, options) => {
  const { db } = options;
  const indexHsaId = options.indexHsaId ?? JOURNALEN_HSA_ID;
  const rules: RuleContext = { indexHsaId, ...(options.reservedHsaIds ? { reservedHsaIds: options.reservedHsaIds } : {}) };
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const limits: XmlLimits = { maxBytes: bodyLimit, maxDepth: MAX_DEPTH };
  const now = options.now ?? (() => new Date());
  const requireClientCertificate = options.requireClientCertificate ?? false;
  const notifiers = options.notifiers === undefined ? undefined : new Set(options.notifiers);
  const readers = options.readers === undefined ? undefined : new Set(options.readers);

  /** The caller, refusing one without a verified certificate where one is required. */
  const callerOf = (request: FastifyRequest): EngagementIndexCaller => {
    const caller = engagementIndexCaller(request);
    if (requireClientCertificate && caller.kind === 'anonymous') {
      throw new JournalenError('UNAUTHENTICATED', 'the engagement index answers only callers presenting a client certificate from the platform\'s CA');
    }
    return caller;
  };
  /** The certificate's HSA-id, which a caller that changes engagements must have. */
  const hsaIdOf = (caller: EngagementIndexCaller & { kind: 'certified' }, operation: string): string => {
    if (caller.hsaId === undefined) {
      throw new JournalenError('FORBIDDEN', `${operation} needs the caller's HSA-id as the SERIALNUMBER of its client certificate's subject; this certificate has none (or more than one)`);
    }
    return caller.hsaId;
  };

  // SOAP 1.1 is text/xml; JSON, forms and SOAP 1.2 are refused instead of parsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('text/xml', { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const fault = toFault(error, bodyLimit);
    if (fault.code === 'soapenv:Server') request.log.error({ err: error }, 'engagement index request failed');
    else request.log.info({ code: error.code }, fault.message);
    // WS-I Basic Profile (R1126), which RIV-TA BP 2.1 follows: a SOAP Fault goes with HTTP 500.
    return sendXml(reply.code(500), soapFault(fault.code, fault.message));
  });

  const xmlOf = (body: unknown): string => (typeof body === 'string' ? body : '');

  app.post(ENGAGEMENT_INDEX_PATHS.Update, { bodyLimit }, async (request, reply) => {
    const caller = callerOf(request);
    const callerHsaId = caller.kind === 'certified' ? hsaIdOf(caller, 'Update') : undefined;
    const message = requireSoap(readUpdateRequest(xmlOf(request.body), limits));
    // A certified producer reports only its own engagements: the first thing it is told when it tries more.
    const violations = [...(callerHsaId === undefined ? [] : checkUpdateCaller(message, callerHsaId)), ...checkUpdate(message, rules)];
    if (callerHsaId !== undefined && violations.some((v) => v.rule === OWN_ENGAGEMENTS_RULE)) {
      request.log.warn({ caller: callerHsaId }, 'engagement index Update refused: engagements of another source');
    }
    if (violations.length > 0) return sendXml(reply, buildUpdateResponse('ERROR', describeViolations(violations)));
    const result = await applyUpdate(db, inputsOf(message), {
      deleteFlags: message.transactions.map((t) => t.deleteFlag),
      owner: indexHsaId,
      now: now(),
    });
    return sendXml(reply, buildUpdateResponse('OK', summary(result)));
  });

  app.post(ENGAGEMENT_INDEX_PATHS.ProcessNotification, { bodyLimit }, async (request, reply) => {
    const caller = callerOf(request);
    if (caller.kind === 'certified') {
      // Only the national engagement index notifies; refused before the message is read.
      const callerHsaId = hsaIdOf(caller, 'ProcessNotification');
      if (notifiers === undefined || notifiers.size === 0) {
        throw new JournalenError('FORBIDDEN', `ProcessNotification is refused: this index takes notifications from no one over TLS (no notifying engagement index is configured); the caller is ${callerHsaId}`);
      }
      if (!notifiers.has(callerHsaId)) {
        throw new JournalenError('FORBIDDEN', `ProcessNotification is taken only from the national engagement index (${[...notifiers].join(', ')}); the caller is ${callerHsaId}`);
      }
    }
    const message = requireSoap(readProcessNotificationRequest(xmlOf(request.body), limits));
    const violations = checkProcessNotification(message, rules);
    if (violations.length > 0) return sendXml(reply, buildProcessNotificationResponse('ERROR', describeViolations(violations)));
    const result = await applyNotification(db, inputsOf(message), {
      deleteFlags: message.transactions.map((t) => t.deleteFlag),
      indexHsaId,
      now: now(),
    });
    const circular = result.circular > 0 ? `; ${result.circular} about this index's own engagements ignored` : '';
    return sendXml(reply, buildProcessNotificationResponse('OK', `${summary(result)}${circular}`));
  });

  app.post(ENGAGEMENT_INDEX_PATHS.FindContent, { bodyLimit }, async (request, reply) => {
    const caller = callerOf(request);
    if (caller.kind === 'certified' && readers !== undefined) {
      const callerHsaId = hsaIdOf(caller, 'FindContent');
      if (!readers.has(callerHsaId)) throw new JournalenError('FORBIDDEN', `FindContent is answered only for ${[...readers].join(', ')}; the caller is ${callerHsaId}`);
    }
    const message = requireSoap(readFindContentRequest(xmlOf(request.body), limits));
    // FindContent has no result element, so a wrong address can only be a fault (skltp/ei EI003).
    if (message.logicalAddress !== indexHsaId) {
      throw inputInvalid('LogicalAddress', `must be this index's HSA-id ${indexHsaId}; it is ${message.logicalAddress === undefined ? 'missing' : JSON.stringify(message.logicalAddress)}`);
    }
    return sendXml(reply, buildFindContentResponse(await findContent(db, message.query)));
  });
};

function requireSoap<T extends { readonly soap: boolean }>(message: T): T {
  if (!message.soap) throw inputInvalid('Envelope', 'the request must be a SOAP 1.1 envelope');
  return message;
}

function inputsOf(message: TransactionsMessage): EngagementInput[] {
  // Times the sender put in are not taken over: this index keeps its own.
  return message.transactions.map(({ engagement: e }) => ({
    registeredResidentIdentification: e.registeredResidentIdentification,
    serviceDomain: e.serviceDomain,
    categorization: e.categorization,
    logicalAddress: e.logicalAddress,
    businessObjectInstanceIdentifier: e.businessObjectInstanceIdentifier,
    clinicalProcessInterestId: e.clinicalProcessInterestId,
    sourceSystem: e.sourceSystem,
    dataController: e.dataController,
    ...(e.owner !== undefined ? { owner: e.owner } : {}),
    ...(e.mostRecentContent !== undefined ? { mostRecentContent: e.mostRecentContent } : {}),
  }));
}

const summary = (r: UpdateResult) => `${r.created} created, ${r.updated} updated, ${r.deleted} deleted, ${r.unchanged} unchanged`;

const sendXml = (reply: FastifyReply, xml: string) => reply.type('text/xml; charset=utf-8').send(xml);

/** Whose fault, and what may be said about it: the caller's errors in full, ours never. */
function toFault(error: FastifyError, bodyLimit: number): { code: 'soapenv:Client' | 'soapenv:Server'; message: string } {
  if (isJournalenError(error)) {
    return error.statusCode < 500
      ? { code: 'soapenv:Client', message: error.message }
      : { code: 'soapenv:Server', message: 'the engagement index could not answer; try again later' };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'soapenv:Client', message: `request body is larger than ${bodyLimit} bytes` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'soapenv:Client', message: 'the request must be SOAP 1.1: Content-Type text/xml' };
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { code: 'soapenv:Client', message: error.message };
  }
  return { code: 'soapenv:Server', message: 'the engagement index could not answer; try again later' };
}
