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

/**
 * The platform side of the service, on its own listener: the engagement index that producers
 * report to. It says where a person has received care, so it is never on the public port. In
 * production (`https` given) it requires a client certificate, as the national platform keeps
 * its index behind mutual TLS; in the demo it is plain HTTP on loopback.
 */
export async function buildInternalApp(deps: {
  readonly database: Database;
  readonly logger: Logger;
  readonly https?: InternalHttpsOptions;
}): Promise<FastifyInstance> {
  const options = { loggerInstance: deps.logger as unknown as FastifyBaseLogger, bodyLimit: 2 * 1024 * 1024 };
  // Fastify types an HTTPS instance apart; callers only listen, inject and close, the same for both.
  const app = (deps.https === undefined ? Fastify(options) : Fastify({ ...options, https: httpsServerOptions(deps.https) })) as unknown as FastifyInstance;
  app.get('/health', async () => ({ status: 'ok' }));
  // The engagement index speaks SOAP with its own parser and fault handling, kept inside it.
  await app.register(registerEngagementIndex, { db: deps.database.db });
  return app;
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
