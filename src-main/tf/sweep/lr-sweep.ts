// The `lr-sweep` task for the TF worker (seed 001 Fig. 2): for each depth (in the given order), for each ρ ascending,
// train one network at η = ρ·η_theory (train-cell.ts) and emit the finished point. No on-disk store: the default
// sweep takes a few minutes, so a cancelled one is simply run again. Cancel is honoured between SGD steps (the
// unfinished point is dropped); the result is every finished point in emission order.
import { parseLrSweepParams, type LrSweepPoint } from '../../../src-shared/contract/lr-sweep';
import { loadSweepData, type SweepData } from './datasets';
import { trainCell } from './train-cell';

export interface LrSweepTaskContext {
  emit(progress: unknown): void;
  cancelled(): boolean;
}

export interface LrSweepResult {
  points: LrSweepPoint[];
  status: 'complete' | 'cancelled';
}

export async function lrSweepTask(raw: unknown, ctx: LrSweepTaskContext, data?: SweepData): Promise<LrSweepResult> {
  const p = parseLrSweepParams(raw);
  const rhos = [...p.rhos].sort((a, b) => a - b);
  const points: LrSweepPoint[] = [];
  if (ctx.cancelled()) return { points, status: 'cancelled' };
  const d = data ?? loadSweepData(p.dataset, p.trainSize, p.testSize, p.seed);
  for (const depth of p.depths) {
    for (const rho of rhos) {
      const cell = await trainCell(
        { activation: p.activation, sigmaW2: p.sigmaW2, sigmaB2: p.sigmaB2, depth, width: p.width, steps: p.steps, batchSize: p.batchSize, rho, seed: p.seed },
        d,
        { cancelled: () => ctx.cancelled() },
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
      };
      points.push(point);
      ctx.emit(point);
    }
  }
  return { points, status: 'complete' };
}
