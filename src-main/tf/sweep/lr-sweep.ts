// The `lr-sweep` task for the TF worker (seed 001 Fig. 2): for each depth (in the given order), for each ρ ascending,
// train one network at η = ρ·η_theory (train-cell.ts) and emit the finished point. No on-disk store: the default
// sweep takes under a minute, so a cancelled one is simply run again. Cancel is honoured between SGD steps (the
// unfinished point is dropped), and so is pause (the worker's checkpoint waits while paused); the result is every
// finished point in emission order.
import type { LrSweepParams, LrSweepPoint } from '../../../src-shared/contract/lr-sweep';
import { loadSweepData, type SweepData } from './datasets';
import { trainCell } from './train-cell';

export interface LrSweepTaskContext {
  emit(progress: unknown): void;
  cancelled(): boolean;
  /** The TF worker's checkpoint (tasks.ts): yields, waits while the job is paused, throws once it is cancelled. */
  checkpoint?(): Promise<void>;
}

export interface LrSweepResult {
  points: LrSweepPoint[];
  status: 'complete' | 'cancelled';
}

/** `p`: the params as the lr-sweep job kind resolved them (parseLrSweepParams, src-main/jobs); not re-validated. */
export async function lrSweepTask(p: LrSweepParams, ctx: LrSweepTaskContext, data?: SweepData): Promise<LrSweepResult> {
  const rhos = [...p.rhos].sort((a, b) => a - b);
  const points: LrSweepPoint[] = [];
  if (ctx.cancelled()) return { points, status: 'cancelled' };
  const d = data ?? loadSweepData(p.dataset, p.trainSize, p.testSize, p.seed);
  // between SGD steps: the checkpoint when there is one (a cancel it throws for is seen by cancelled() next)
  const checkpoint = ctx.checkpoint?.bind(ctx);
  const yieldNow = checkpoint
    ? async (): Promise<void> => {
        try {
          await checkpoint();
        } catch (err) {
          if (!ctx.cancelled()) throw err;
        }
      }
    : undefined;
  for (const depth of p.depths) {
    for (const rho of rhos) {
      const cell = await trainCell(
        {
          activation: p.activation,
          sigmaW2: p.sigmaW2,
          sigmaB2: p.sigmaB2,
          depth,
          width: p.width,
          steps: p.steps,
          batchSize: p.batchSize,
          rho,
          seed: p.seed,
        },
        d,
        { cancelled: () => ctx.cancelled(), yieldNow },
      );
      if (cell === null) return { points, status: 'cancelled' };
      const point: LrSweepPoint = {
        depth,
        rho,
        lr: cell.lr,
        etaTheory: cell.etaTheory,
        trainAccuracy: cell.trainAccuracy,
        testAccuracy: cell.testAccuracy,
        trainLoss: cell.trainLoss,
        diverged: cell.diverged,
        seconds: cell.seconds,
        ...(cell.failed !== undefined ? { failed: cell.failed } : {}),
      };
      points.push(point);
      ctx.emit(point);
    }
  }
  return { points, status: 'complete' };
}
