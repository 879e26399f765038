// The preload's API (window.lab) and its IPC channel names: imported by the preload, the main-side IPC
// transport and, as types only, the renderer. No imports, so it is safe in every one of those programs.

export const LAB_REQUEST_CHANNEL = 'lab:request';
export const LAB_EVENT_CHANNEL = 'lab:event';

/**
 * Exposed as `window.lab` by the sandboxed preload. Messages are validated on both ends, so they stay `unknown` here.
 */
export interface LabBridge {
  /** Send one request message; resolves with its response message. */
  request(msg: unknown): Promise<unknown>;
  /** Receive job events (progress, done, error). Returns the unsubscribe function. */
  onEvent(cb: (msg: unknown) => void): () => void;
}
