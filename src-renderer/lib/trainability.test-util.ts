// Shared by the Trainability tests: a small grid, a finished generator's value, theory columns and a sweep cell.
import type { CellRecord, GridSpec } from '../../src-shared/contract/trainability';
import { runFor, theoryColumns, type TheoryColumns } from './trainability-view';

export const GRID: GridSpec = { sigmaW2: { min: 0.5, max: 4, count: 8 }, depth: { values: [2, 5, 10, 20, 30, 40] } };
export const run = <T>(g: Generator<unknown, T>): T => {
  const r = runFor(g, Number.POSITIVE_INFINITY);
  if (!r.done) throw new Error('generator did not finish');
  return r.value;
};

export const columns = (activation: string, sigmaB2: number, nx = 80): TheoryColumns =>
  run(theoryColumns(activation, sigmaB2, [0.25, 4.25], nx));

export const cell = (sigmaW2: number, depth: number, extra: Partial<CellRecord> = {}): CellRecord => ({
  sigmaW2,
  depth,
  depthToWidth: depth / 128,
  width: 128,
  lr: 0.1,
  etaTheory: 0.3,
  trainAccuracy: 0.9,
  testAccuracy: 0.8,
  trainLoss: 0.05,
  steps: 300,
  diverged: false,
  seconds: 2,
  ...extra,
});
