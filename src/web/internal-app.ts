import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Database } from '../db/connection.js';
import { registerEngagementIndex } from '../engagement-index/routes.js';
import { JournalenError } from '../errors/index.js';

/**
 * HTTPS with client certificates for the internal listener: only a client whose certificate
 * chains to `ca` completes the handshake, so no local process without one can report (or remove)
 * engagements. The fields are those of `TlsMaterial` (src/transport/tls-material.ts).
 */
export interface InternalHttpsOptions {
  /** The listener's own certificate: PEM cert + key, or a PKCS#12 bundle with its passphrase. */
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly pfx?: Buffer;
  readonly passphrase?: string;
  /** The CA certificates every client's certificate must chain to (at least one). */
  readonly ca: readonly Buffer[];
}

/** How the engagement index treats its callers (see `EngagementIndexOptions` in src/engagement-index/routes.ts). */
export interface InternalEngagementIndexOptions {
  /**
   * The HSA-ids (client certificate SERIALNUMBER) of the engagement index(es) allowed to send
   * ProcessNotification over HTTPS: the national engagement index. Without it, ProcessNotification
   * over HTTPS is refused. Not used over plain HTTP, where callers have no identity.
   */
  readonly notifiers?: readonly string[];
  /** HSA-ids allowed to ask FindContent over HTTPS (this service's own); unset: any certified caller. */
  readonly readers?: readonly string[];
  /** The index's own HSA-id (the LogicalAddress it answers to); default Journalen's. */
  readonly indexHsaId?: string;
}

/**
 * The platform side of the service, on its own listener: the engagement index that producers
 * report to. It says where a person has received care, so it is never on the public port. In
 * production (`https` given) it requires a client certificate, as the national platform keeps
 * its index behind mutual TLS; in the demo it is plain HTTP on loopback. Over HTTPS the caller is
 * the HSA-id in its certificate: a producer may Update only its own engagements
 * (sourceSystem = its HSA-id), ProcessNotification is taken only from `engagementIndex.notifiers`,
 * and FindContent only from `engagementIndex.readers` (any certified caller when unset).
 */
export async function buildInternalApp(deps: {
  readonly database: Database;
  readonly logger: Logger;
  readonly https?: InternalHttpsOptions;
  readonly engagementIndex?: InternalEngagementIndexOptions;
}): Promise<FastifyInstance> {
  const notifiers = checkNotifiers(deps.engagementIndex?.notifiers);
  const options = { loggerInstance: deps.logger as unknown as FastifyBaseLogger, bodyLimit: 2 * 1024 * 1024 };
  // Fastify types an HTTPS instance apart; callers only listen, inject and close, the same for both.
  const app = (deps.https === undefined ? Fastify(options) : Fastify({ ...options, https: httpsServerOptions(deps.https) })) as unknown as FastifyInstance;
  app.get('/health', async () => ({ status: 'ok' }));
  // The engagement index speaks SOAP with its own parser and fault handling, kept inside it.
  await app.register(registerEngagementIndex, {
    db: deps.database.db,
    requireClientCertificate: deps.https !== undefined,
    ...(notifiers !== undefined ? { notifiers } : {}),
    ...(deps.engagementIndex?.readers !== undefined ? { readers: deps.engagementIndex.readers } : {}),
    ...(deps.engagementIndex?.indexHsaId !== undefined ? { indexHsaId: deps.engagementIndex.indexHsaId } : {}),
  });
  return app;
}

/** Each notifier is one HSA-id as a certificate carries it: not empty, no white space (trimmed). */
function checkNotifiers(notifiers: readonly string[] | undefined): string[] | undefined {
  if (notifiers === undefined) return undefined;
  return notifiers.map((raw, i) => {
    const id = typeof raw === 'string' ? raw.trim() : '';
    if (id === '' || /\s/.test(id)) {
      throw new JournalenError('CONFIG_INVALID', `ENGAGEMENT_INDEX_NOTIFIERS: entry ${i + 1} must be an HSA-id (the notifying index's certificate SERIALNUMBER); it is ${JSON.stringify(raw)}`, { field: 'ENGAGEMENT_INDEX_NOTIFIERS' });
    }
    return id;
  });
}

function httpsServerOptions(tls: InternalHttpsOptions) {
  if (tls.ca.length === 0) {
    throw new JournalenError('CONFIG_INVALID', 'INTERNAL_TLS_CLIENT_CA_FILE: the internal listener needs the CA its clients\' certificates chain to', { field: 'INTERNAL_TLS_CLIENT_CA_FILE' });
  }
  if (tls.pfx === undefined && (tls.cert === undefined || tls.key === undefined)) {
    throw new JournalenError('CONFIG_INVALID', 'INTERNAL_TLS_CERT_FILE: the internal listener needs its own certificate and key', { field: 'INTERNAL_TLS_CERT_FILE' });
  }
  return {
    ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
    ...(tls.key !== undefined ? { key: tls.key } : {}),
    ...(tls.pfx !== undefined ? { pfx: tls.pfx } : {}),
    ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
    ca: [...tls.ca],
    requestCert: true,
    rejectUnauthorized: true,
  };
}
