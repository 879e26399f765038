// The `trainability` task for the TF worker (src-main/tf/tasks.ts: register as TASKS.trainability = trainabilityTask).
// Params: { dir, sweep } where `dir` is the store directory and `sweep` the sweep params (parseTrainabilityParams:
// defaults filled, `paperSize: true` for the Fig. 3 preset). Progress: one TrainabilityProgress per finished cell.
// Result: TrainabilitySummary (status 'cancelled' when the caller cancelled: finished cells are kept in `dir`;
// running the same task again resumes).
import {
  parseTrainabilityParams,
  type TrainabilityParams,
  type TrainabilityProgress,
  type TrainabilitySummary,
} from '../../../src-shared/contract/trainability';
import { runSweep } from './runner';

export interface TrainabilityTaskParams {
  dir: string;
  sweep?: unknown;
}

export interface TrainabilityTaskContext {
  emit(progress: unknown): void;
  cancelled(): boolean;
}

export function parseTrainabilityTaskParams(raw: unknown): { dir: string; sweep: TrainabilityParams } {
  if (!raw || typeof raw !== 'object') throw new RangeError('trainability: params must be an object { dir, sweep }');
  const { dir, sweep } = raw as Record<string, unknown>;
  if (typeof dir !== 'string' || dir.trim() === '')
    throw new RangeError('trainability: dir (the sweep directory) must be a non-empty string');
  return { dir, sweep: parseTrainabilityParams(sweep ?? {}) };
}

export async function trainabilityTask(raw: unknown, ctx: TrainabilityTaskContext): Promise<TrainabilitySummary> {
  const { dir, sweep } = parseTrainabilityTaskParams(raw);
  return runSweep(sweep, dir, { emit: (p: TrainabilityProgress) => ctx.emit(p), cancelled: () => ctx.cancelled() });
}
