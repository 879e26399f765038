// Web mode: the built renderer over node:http plus the lab WebSocket, bound to loopback by default.
// The page learns the access token from its own URL (/?token=…) and presents it when opening /ws.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { assertUsableToken, generateToken, isLoopbackHost } from '../transport/access';
import { attachWebSocketTransport, WS_PATH, type LabConnector } from '../transport/websocket';
import { contentSecurityPolicy } from './csp';
import { resolveStaticFile } from './static-files';

const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

export interface WebHostOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. Anything but loopback lets other machines in (token still required). */
  host?: string;
  /** Access token; default 32 random bytes as hex. */
  token?: string;
  /** Built renderer (default out/renderer, produced by `npm run build`). */
  rendererDir?: string;
  /** Service to serve; when omitted the host creates a LabService and closes it on close(). */
  service?: LabConnector;
}

export interface WebHost {
  /** Page URL including the token, e.g. http://127.0.0.1:41234/?token=… */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    // The page URL carries the token: never leak it in a Referer.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-cache',
  };
}

/** The port browsers leave out of the Host header of an http: (and ws:) URL (RFC 9110 §7.2, §4.2.1). */
const HTTP_DEFAULT_PORT = 80;

/**
 * Host header values that name this server: each name with the port, and the bare name on port 80, which browsers
 * send without the default port (`--port 80` was unusable: the page at http://127.0.0.1/ got 403).
 */
export function allowedHostHeaders(names: readonly string[], port: number): Set<string> {
  const hosts = new Set<string>();
  for (const h of names) {
    hosts.add(`${h}:${port}`.toLowerCase());
    if (port === HTTP_DEFAULT_PORT) hosts.add(h.toLowerCase());
  }
  return hosts;
}

export async function startWebHost(opts: WebHostOptions = {}): Promise<WebHost> {
  const host = opts.host ?? '127.0.0.1';
  const requestedPort = opts.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new RangeError(`port must be an integer in 0–65535 (got ${String(opts.port)})`);
  }
  if (typeof host !== 'string' || host.trim() === '' || /[\s/?#@]/.test(host))
    throw new RangeError(`invalid host: ${JSON.stringify(host)}`);
  const token = opts.token ?? generateToken();
  assertUsableToken(token);
  const rendererDir = resolve(opts.rendererDir ?? DEFAULT_RENDERER_DIR);
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(
      `The renderer is not built (${join(rendererDir, 'index.html')} is missing): run \`npm run build\` first.`,
    );
  }

  const ownsService = opts.service === undefined;
  // Loaded on demand: a host given a service (tests, embedders) never pulls in the engine and its worker pool.
  const service: LabConnector & { close?: () => Promise<void> } =
    // the interactive lab: compute threads below the interface's priority (engine/thread-priority.ts)
    opts.service ?? new (await import('../service/lab-service')).LabService({ computePriority: 'below-normal' });
  const loopback = isLoopbackHost(host);
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 });

  const closeOwned = async (): Promise<void> => {
    if (ownsService && service.close) await service.close();
  };
  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(requestedPort, host, () => {
        server.off('error', fail);
        done();
      });
    });
  } catch (err) {
    await closeOwned();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new Error(`port ${requestedPort} on ${host} is already in use`, { cause: err });
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')
      throw new Error(`cannot bind to host ${host}: ${e.message}`, { cause: err });
    throw err;
  }
  const port = (server.address() as AddressInfo).port;

  // The name the printed URL uses; an unspecified bind address is reached locally via 127.0.0.1.
  const unspecified = host === '0.0.0.0' || host === '::';
  const urlHost = formatHost(unspecified ? '127.0.0.1' : host);
  const localNames = loopback
    ? [...new Set([urlHost, 'localhost', formatHost((server.address() as AddressInfo).address)])]
    : [urlHost];
  const csp = contentSecurityPolicy(localNames.map((h) => `ws://${h}:${port}`));
  // On loopback only our own names are valid Host headers (a DNS-rebinding page would send its own name).
  const allowedHosts = loopback ? allowedHostHeaders(localNames, port) : undefined;

  const transport = attachWebSocketTransport(server, { service, token, allowRemote: !loopback, allowedHosts });

  const respond = (res: ServerResponse, status: number, body: string): void => {
    res.writeHead(status, {
      ...securityHeaders(csp),
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      if (allowedHosts && !allowedHosts.has((req.headers.host ?? '').toLowerCase()))
        return respond(res, 403, 'unexpected Host header\n');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return respond(res, 405, 'method not allowed\n');
      }
      const target = req.url ?? '/';
      if (target.split('?', 1)[0] === WS_PATH) return respond(res, 426, 'this endpoint speaks WebSocket\n');
      const found = await resolveStaticFile(rendererDir, target);
      if (!found.ok) return respond(res, found.status, `${found.reason}\n`);
      const body = await readFile(found.file);
      res.writeHead(200, { ...securityHeaders(csp), 'Content-Type': found.contentType, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    })().catch((err: unknown) => {
      if (!res.headersSent) respond(res, 500, `internal error: ${(err as Error).message}\n`);
      else res.destroy();
    });
  });

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    port,
    token,
    close() {
      closed ??= (async () => {
        await transport.close();
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
        await closeOwned();
      })();
      return closed;
    },
  };
}
