// The one error type the lab service rejects with; `code` is the wire error code (src-shared/contract/messages.ts).
import type { LabError } from '../../src-shared/contract/messages';
import { PoolJobError } from '../engine/worker-pool';
import { TfTaskError } from '../tf/tf-host';

export class LabServiceError extends Error {
  readonly code: LabError['code'];
  constructor(code: LabError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabServiceError';
    this.code = code;
  }
}

/**
 * Map anything thrown while running a job to a wire error: pool and TF-worker errors keep their code, the rest is
 * internal.
 */
export function toLabError(err: unknown): LabError {
  if (err instanceof LabServiceError || err instanceof PoolJobError || err instanceof TfTaskError)
    return { code: err.code, message: err.message };
  // a damaged or mismatched sweep store is the user's data, not our bug: say so as a failure with its reason
  if (err instanceof Error && (err.name === 'SweepStoreError' || err.name === 'SweepStoreWriteError'))
    return { code: 'failed', message: err.message };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
