// What the renderer may ask of the lab: the only door from the UI to the engine. Implemented over Electron IPC
// (window.lab, exposed by the preload) or over the web-mode WebSocket; the UI never knows which.
import type { JobOutput, JobSpecInput, LabInfo } from '../../src-shared/contract/messages';
import type { MeasureParamsInput, MeasureResult } from '../../src-shared/contract/measure';

export interface JobHandle<T> {
  /**
   * Resolves with the final result; rejects with an Error whose message is user-readable (and `.code === 'cancelled'`
   * when superseded or cancelled).
   */
  readonly done: Promise<T>;
  cancel(): void;
}

export type MeasureHandle = JobHandle<MeasureResult>;

export interface PausableJobHandle<T> extends JobHandle<T> {
  /** Pause or resume at the job's next step (training jobs); resolves true when the lab did so. */
  pause(paused: boolean): Promise<boolean>;
}

export interface LabClient {
  readonly transport: LabInfo['transport'];
  info(): Promise<LabInfo>;
  /**
   * Set the TF worker count for the whole lab (lab.setTfWorkers; 1 … info().tfWorkers.max); resolves with the new
   * info, rejects with an Error naming `workers` when the count is out of range.
   */
  setTfWorkers(workers: number): Promise<LabInfo>;
  /**
   * Start a measurement (a job.start of kind 'measure'). `onProgress` receives partial results (samples grows) as
   * blocks arrive.
   * A job started on a `channel` cancels that channel's previous job (the cursor uses channel "cursor").
   */
  measure(
    params: MeasureParamsInput,
    opts?: { channel?: string; onProgress?: (r: MeasureResult) => void },
  ): MeasureHandle;
  /** Start a job of any kind (src-shared/contract/messages.ts jobSpecSchema); channels work as for measure(). */
  job(
    spec: JobSpecInput,
    opts?: { channel?: string; onProgress?: (o: JobOutput) => void },
  ): PausableJobHandle<JobOutput>;
}
