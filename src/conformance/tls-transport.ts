import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { Transport } from '../aggregation/source-call.js';
import { JournalenError } from '../errors/index.js';

/**
 * A transport presenting a client certificate, for a real producer's test environment over
 * mutual TLS. INTEGRATION POINT: src/transport/tls-material.ts (`loadTlsMaterial`) and
 * src/transport/riv-transport.ts (`createRivTransport({ tls })`) were not there when this was
 * written; this is a minimal stand-in on node:https, to be replaced by them.
 */

export interface ClientTlsFiles {
  /** PEM certificate and key, or a PKCS#12 bundle. */
  readonly cert?: string;
  readonly key?: string;
  readonly pfx?: string;
  readonly passphrase?: string;
  /** PEM CA bundle the producer's certificate must chain to. */
  readonly ca?: string;
}

function readFile(path: string, field: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new JournalenError('INPUT_INVALID', `${field}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { field });
  }
}

export function loadClientTls(files: ClientTlsFiles): https.AgentOptions {
  if (files.pfx !== undefined && (files.cert !== undefined || files.key !== undefined)) {
    throw new JournalenError('INPUT_INVALID', 'cert: give either --pfx or --cert with --key, not both', { field: 'cert' });
  }
  if ((files.cert === undefined) !== (files.key === undefined)) {
    throw new JournalenError('INPUT_INVALID', `${files.cert === undefined ? 'cert' : 'key'}: --cert and --key go together`, { field: files.cert === undefined ? 'cert' : 'key' });
  }
  return {
    ...(files.cert !== undefined ? { cert: readFile(files.cert, 'cert'), key: readFile(files.key!, 'key') } : {}),
    ...(files.pfx !== undefined ? { pfx: readFile(files.pfx, 'pfx') } : {}),
    ...(files.passphrase !== undefined ? { passphrase: files.passphrase } : {}),
    ...(files.ca !== undefined ? { ca: readFile(files.ca, 'ca') } : {}),
  };
}

/** POSTs over HTTPS with the client certificate; the answer as a fetch Response. */
export function createClientTlsTransport(files: ClientTlsFiles): Transport {
  const agent = new https.Agent({ ...loadClientTls(files), keepAlive: true });
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:') {
        reject(new Error(`a client certificate needs an https URL, got ${target.protocol}`));
        return;
      }
      const request = https.request(target, { method: init.method, headers: init.headers, agent, signal: init.signal }, (response) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            response.on('data', (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk)));
            response.on('end', () => controller.close());
            response.on('error', (e) => controller.error(e));
          },
          cancel() {
            response.destroy();
          },
        });
        resolve(new Response(body, { status: response.statusCode ?? 500, headers }));
      });
      request.on('error', reject);
      request.end(init.body);
    });
}
