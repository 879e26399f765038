// The `trainability` task for the TF worker (src-main/tf/tasks.ts: register as TASKS.trainability = trainabilityTask).
// Params: { dir, sweep } where `dir` is the store directory and `sweep` the sweep params as resolved by
// parseTrainabilityParams (defaults filled, the Fig. 3 preset applied) in the job kind's check. Progress: one
// TrainabilityProgress per finished cell.
// Result: TrainabilitySummary (status 'cancelled' when the caller cancelled: finished cells are kept in `dir`;
// running the same task again resumes).
import {
  type TrainabilityParams,
  type TrainabilityProgress,
  type TrainabilitySummary,
} from '../../../src-shared/contract/trainability';
import { runSweep } from './runner';

/** `dir`: the store directory; `sweep`: the params as the trainability job kind resolved them (src-main/jobs). */
export interface TrainabilityTaskParams {
  dir: string;
  sweep: TrainabilityParams;
}

export interface TrainabilityTaskContext {
  emit(progress: unknown): void;
  cancelled(): boolean;
}

export async function trainabilityTask(params: unknown, ctx: TrainabilityTaskContext): Promise<TrainabilitySummary> {
  const { dir, sweep } = params as TrainabilityTaskParams; // checked once, by the job kind: not re-validated here
  return runSweep(sweep, dir, { emit: (p: TrainabilityProgress) => ctx.emit(p), cancelled: () => ctx.cancelled() });
}
