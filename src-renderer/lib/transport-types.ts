// A message pipe between the renderer's LabClient and the lab: WebSocket in web mode, IPC in Electron.
import type { LabInfo } from '../../src-shared/contract/messages';

export interface TransportHandlers {
  /** Every message from the lab, unvalidated (the client validates). */
  onMessage(raw: unknown): void;
  /** The pipe broke; `reason` is user-readable. Not called after an explicit close(). */
  onClose(reason: string): void;
}

export interface LabTransport {
  readonly kind: LabInfo['transport'];
  /** Send one request message. Throws if the pipe is already closed. */
  send(msg: { kind: 'request'; id: string }): void;
  close(): void;
}

/** Opens a fresh pipe; rejects with a user-readable Error when the lab cannot be reached. */
export type TransportOpener = (handlers: TransportHandlers) => Promise<LabTransport>;
