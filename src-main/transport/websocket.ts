// WebSocket transport for web mode: a thin adapter between `ws` sockets and LabService connections.
// Only the upgrade gate (path, token, peer, host/origin) and JSON framing live here; requests are the service's.
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ServerMessage } from '../../src-shared/contract/messages';
import type { LabService } from '../service/lab-service';
import { isLoopbackAddress, tokensEqual } from './access';

export const WS_PATH = '/ws';
/** Largest accepted client frame; a measure request is well under 1 KiB. Larger frames close the socket (code 1009). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** What a transport needs from the service: one connection per client. */
export type LabConnector = Pick<LabService, 'connect'>;

export interface WebSocketTransportOptions {
  service: LabConnector;
  token: string;
  /** Accept peers that are not on loopback (only when the host was explicitly bound to a non-loopback address). */
  allowRemote?: boolean;
  /** When given, the Host header must be one of these (lower-case "host:port"): blocks DNS-rebinding pages. */
  allowedHosts?: ReadonlySet<string>;
  maxMessageBytes?: number;
}

export interface WebSocketTransport {
  readonly clientCount: number;
  /** Close every client (code 1001) and stop accepting upgrades. */
  close(): Promise<void>;
}

function badRequest(message: string): ServerMessage {
  return { kind: 'response', id: '?', ok: false, error: { code: 'bad-request', message } };
}

function rawToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function reject(socket: Duplex, status: number, body: string): void {
  const text = `${body}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

/** Why an upgrade must be refused, or null when it may proceed. */
function refusal(req: IncomingMessage, opts: WebSocketTransportOptions): { status: number; body: string } | null {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://lab.invalid');
  } catch {
    return { status: 400, body: 'bad request target' };
  }
  if (url.pathname !== WS_PATH) return { status: 404, body: 'no WebSocket endpoint here' };
  if (!opts.allowRemote && !isLoopbackAddress(req.socket.remoteAddress))
    return { status: 403, body: 'only local connections are accepted' };
  const host = (req.headers.host ?? '').toLowerCase();
  if (opts.allowedHosts && !opts.allowedHosts.has(host)) return { status: 403, body: 'unexpected Host header' };
  // Browsers always send Origin; a page from another origin has no business on our socket even with a token.
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost: string | null;
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch {
      originHost = null;
    }
    if (originHost !== host) return { status: 403, body: 'cross-origin WebSocket refused' };
  }
  const token = url.searchParams.get('token');
  if (token === null || !tokensEqual(token, opts.token)) return { status: 401, body: 'missing or wrong access token' };
  return null;
}

/** Attach the lab's WebSocket endpoint (`/ws?token=…`) to an HTTP server. */
export function attachWebSocketTransport(server: Server, opts: WebSocketTransportOptions): WebSocketTransport {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes ?? MAX_MESSAGE_BYTES });
  let closing = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    if (closing) return reject(socket, 503, 'the lab is shutting down');
    const why = refusal(req, opts);
    if (why) return reject(socket, why.status, why.body);
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  };

  const onConnection = (ws: WebSocket): void => {
    const send = (msg: ServerMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    // ws queues what the peer has not read in bufferedAmount: the connection holds progress back above ~1 MiB and
    // drops a client that stopped reading (issue 17: unread responses grew the server by 20× the requests' size)
    const connection = opts.service.connect(send, 'websocket', {
      backlog: () => ws.bufferedAmount,
      terminate: () => ws.terminate(),
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return send(badRequest('binary frames are not accepted; send JSON text'));
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawToText(data));
      } catch (err) {
        return send(badRequest(`malformed JSON: ${(err as Error).message}`));
      }
      connection.handle(parsed);
    });
    // ws reports oversized frames and protocol errors here, then closes; the close handler cleans up.
    ws.on('error', () => undefined);
    ws.once('close', () => connection.close());
  };

  server.on('upgrade', onUpgrade);

  return {
    get clientCount() {
      return wss.clients.size;
    },
    async close() {
      closing = true;
      server.off('upgrade', onUpgrade);
      const clients = [...wss.clients];
      await Promise.all(
        clients.map(
          (ws) =>
            new Promise<void>((done) => {
              if (ws.readyState === ws.CLOSED) return done();
              const timer = setTimeout(() => ws.terminate(), 1000);
              ws.once('close', () => {
                clearTimeout(timer);
                done();
              });
              ws.close(1001, 'the lab is shutting down');
            }),
        ),
      );
      await new Promise<void>((done) => wss.close(() => done()));
    },
  };
}
