import { Agent, fetch as undiciFetch } from 'undici';
import type { Transport } from '../aggregation/source-call.js';
import type { TlsMaterial } from './tls-material.js';

/**
 * The transport of every outbound RIV-TA call: a keep-alive connection pool presenting the
 * function certificate (mutual TLS, as the platform requires) and trusting the CA bundle.
 * It uses the npm `undici` package's own fetch with its own Agent, never the global fetch's
 * bundled copy, so the pool and the fetch always come from the same undici.
 *
 * An `https:` URL presents the client certificate; `http:` still works (the demo's simulators).
 */

export type RivTransport = Transport & {
  /** Closes the pool; calls in flight finish first. */
  close(): Promise<void>;
};

export interface RivTransportOptions {
  /** Client certificate (cert+key or pfx) and the CA bundle the servers must chain to; without it, Node's default roots and no client certificate. */
  readonly tls?: TlsMaterial;
  /** TCP + TLS handshake; default 2000 ms, the platform's own connect timeout. */
  readonly connectTimeoutMs?: number;
  /** How long an idle connection is kept for the next call; default 4000 ms (undici's). */
  readonly keepAliveTimeoutMs?: number;
  /** Connections per origin at most; default unlimited (the aggregator limits calls per producer itself). */
  readonly connections?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;

export function createRivTransport(options: RivTransportOptions = {}): RivTransport {
  const tls = options.tls ?? {};
  const agent = new Agent({
    connect: {
      ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
      ...(tls.key !== undefined ? { key: tls.key } : {}),
      ...(tls.pfx !== undefined ? { pfx: tls.pfx } : {}),
      ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
      ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
      rejectUnauthorized: true,
      timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    },
    ...(options.keepAliveTimeoutMs !== undefined ? { keepAliveTimeout: options.keepAliveTimeoutMs } : {}),
    ...(options.connections !== undefined ? { connections: options.connections } : {}),
  });

  const transport: Transport = async (url, init) => {
    const answer = await undiciFetch(url, { method: init.method, headers: init.headers, body: init.body, signal: init.signal, dispatcher: agent });
    // The caller's type is the global Response: hand over the same stream under that class.
    const body = answer.body as ReadableStream<Uint8Array> | null;
    return new Response(answer.status === 204 || answer.status === 304 ? null : body, {
      status: answer.status,
      statusText: answer.statusText,
      headers: [...answer.headers] as [string, string][],
    });
  };
  return Object.assign(transport, { close: () => agent.close() });
}
