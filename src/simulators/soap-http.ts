import type http from 'node:http';
import type { Socket } from 'node:net';
import { soapFault } from '../contracts/soap.js';

/**
 * The HTTP plumbing the simulated SOAP services share (the national platform, the person
 * register, the HSA directory): answers written once with their length, request bodies read
 * with a limit, and every socket tracked so `close()` ends kept-alive and held connections.
 */

export const SOAP_CONTENT_TYPE = 'text/xml; charset=utf-8';

/** Writes the answer unless the response is already gone (a client that hung up, a held timeout). */
export function sendSoap(res: http.ServerResponse, status: number, body: string | Buffer, contentType = SOAP_CONTENT_TYPE): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The body, or undefined once it passes `max` bytes (the rest is not read). */
export function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.pause();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/**
 * Serves `handle` on `server`: a handler that throws gets a SOAP Server fault (or a cut
 * connection once headers are out), a malformed request a closed socket. Returns the live sockets.
 */
export function serveSoap(
  server: http.Server,
  handle: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>,
  options: { readonly faultText?: string; readonly onError?: (error: unknown) => void } = {},
): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      options.onError?.(error);
      if (!res.headersSent) sendSoap(res, 500, soapFault('soapenv:Server', options.faultText ?? 'internal error'));
      else res.destroy();
    });
  });
  server.on('clientError', (_error: Error, socket: Socket) => socket.destroy());
  return sockets;
}
