// Electron transport: window.lab from the sandboxed preload (src-main/electron/preload.ts). Requests go out by
// invoke and their responses come back as its result; job events arrive through onEvent.
import type { LabBridge } from '../../src-main/electron/bridge';
import type { LabTransport, TransportHandlers } from './transport-types';

declare global {
  interface Window {
    /** Present only inside the Electron app. */
    lab?: LabBridge;
  }
}

export function openIpcTransport(bridge: LabBridge, handlers: TransportHandlers): LabTransport {
  let closed = false;
  const unsubscribe = bridge.onEvent((msg) => {
    if (!closed) handlers.onMessage(msg);
  });
  return {
    kind: 'electron-ipc',
    send(msg) {
      if (closed) throw new Error('the lab connection is closed');
      bridge.request(msg).then(
        (response) => {
          if (!closed) handlers.onMessage(response);
        },
        (err: unknown) => {
          // An invoke only fails when the main process refused the frame or crashed: answer the request with that.
          if (closed) return;
          const message = `the lab did not answer: ${err instanceof Error ? err.message : String(err)}`;
          handlers.onMessage({ kind: 'response', id: msg.id, ok: false, error: { code: 'internal', message } });
        },
      );
    },
    close() {
      closed = true;
      unsubscribe();
    },
  };
}
