// What the renderer may ask of the lab: the only door from the UI to the engine. Implemented over Electron IPC
// (window.lab, exposed by the preload) or over the web-mode WebSocket; the UI never knows which.
import type { LabInfo } from '../../src-shared/contract/messages';
import type { MeasureParamsInput, MeasureResult } from '../../src-shared/contract/measure';

export interface MeasureHandle {
  /** Resolves with the final result; rejects with an Error whose message is user-readable (and `.code === 'cancelled'` when superseded or cancelled). */
  readonly done: Promise<MeasureResult>;
  cancel(): void;
}

export interface LabClient {
  readonly transport: LabInfo['transport'];
  info(): Promise<LabInfo>;
  /**
   * Start a measurement. `onProgress` receives partial results (samples grows) as blocks arrive.
   * A job started on a `channel` cancels that channel's previous job (the cursor uses channel "cursor").
   */
  measure(params: MeasureParamsInput, opts?: { channel?: string; onProgress?: (r: MeasureResult) => void }): MeasureHandle;
}
