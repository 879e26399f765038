// Web-mode transport: one WebSocket to ws(s)://<host>/ws?token=…, the token taken from the page's own URL.
import type { LabTransport, TransportHandlers } from './transport-types';

/** The subset of the browser WebSocket we use (the `ws` package's WebSocket fits too, for tests). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'close', listener: (ev: { code: number; reason: string }) => void): void;
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

const OPEN = 1;

export const MISSING_TOKEN_MESSAGE =
  'This page has no access token: open the URL printed by the lab (npm run serve / npm start), it carries the access token.';

/** ws(s)://<host>/ws?token=<token> for a page at `location`; throws when the page URL carries no token. */
export function webSocketUrlFor(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) throw new Error(MISSING_TOKEN_MESSAGE);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`;
}

function describeClose(code: number, reason: string): string {
  if (code === 1009) return 'a message was too large for the lab (connection closed)';
  if (code === 1001) return reason || 'the lab shut down';
  if (code === 1000) return reason || 'the connection was closed';
  return `the connection to the lab dropped (code ${code}${reason ? `: ${reason}` : ''}); is it still running?`;
}

export function openWebSocketTransport(
  url: string,
  handlers: TransportHandlers,
  create: WebSocketFactory,
): Promise<LabTransport> {
  return new Promise((resolve, reject) => {
    let socket: WebSocketLike;
    try {
      socket = create(url);
    } catch (err) {
      reject(new Error(`could not open a connection to the lab: ${(err as Error).message}`));
      return;
    }
    let opened = false;
    let closedByUs = false;
    socket.addEventListener('open', () => {
      opened = true;
      resolve({
        kind: 'websocket',
        send(msg) {
          if (socket.readyState !== OPEN) throw new Error('the lab connection is closed');
          socket.send(JSON.stringify(msg));
        },
        close() {
          closedByUs = true;
          socket.close(1000, 'client closed');
        },
      });
    });
    socket.addEventListener('message', (ev) => {
      if (typeof ev.data !== 'string') {
        handlers.onMessage(undefined); // the lab only sends text; let the client log the oddity
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(ev.data);
      } catch {
        parsed = undefined;
      }
      handlers.onMessage(parsed);
    });
    socket.addEventListener('close', (ev) => {
      if (!opened) {
        // Browsers hide the HTTP status of a refused upgrade, so name the likely causes.
        reject(
          new Error(
            'could not connect to the lab: it refused the access token or is not running. Open the URL the lab printed.',
          ),
        );
        return;
      }
      if (!closedByUs) handlers.onClose(describeClose(ev.code, ev.reason));
    });
    socket.addEventListener('error', () => undefined); // always followed by 'close', handled there
  });
}
