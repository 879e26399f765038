// The `train-cell` task of the TF workers: train one network of a sweep (train-cell.ts) and return its CellRecord,
// or null when cancelled. The parallel sweeps (parallel.ts) send one per cell to the worker pool (tf-pool.ts) and
// keep the store in the parent, so a sweep has one writer whatever the worker count. Each worker loads the sweep's
// data once and keeps it for the next cells of the same sweep.
// Params: { cell: CellSpec, data: { dataset, trainSize, testSize, seed } }.
import { TRAINABILITY_DATASETS, type TrainabilityDataset } from '../../../src-shared/contract/trainability';
import { loadSweepData, type SweepData } from './datasets';
import { trainCell, type CellSpec } from './train-cell';

export interface SweepDataSpec {
  dataset: TrainabilityDataset;
  trainSize: number;
  testSize: number;
  seed: number;
}

export interface TrainCellTaskParams {
  cell: CellSpec;
  data: SweepDataSpec;
}

export interface TrainCellTaskContext {
  cancelled(): boolean;
  /** The TF worker's checkpoint: yields, waits while paused, throws once cancelled. */
  checkpoint?(): Promise<void>;
}

let cached: { key: string; data: SweepData } | undefined;

function sweepData(spec: SweepDataSpec): SweepData {
  const key = JSON.stringify([spec.dataset, spec.trainSize, spec.testSize, spec.seed]);
  if (cached?.key !== key)
    cached = { key, data: loadSweepData(spec.dataset, spec.trainSize, spec.testSize, spec.seed) };
  return cached.data;
}

function parse(raw: unknown): TrainCellTaskParams {
  const p = (raw ?? {}) as Partial<TrainCellTaskParams>;
  if (!p.cell || typeof p.cell !== 'object') throw new RangeError('train-cell: params.cell must be a cell spec');
  const d = p.data;
  if (!d || !(TRAINABILITY_DATASETS as readonly string[]).includes(d.dataset))
    throw new RangeError(`train-cell: params.data.dataset must be one of ${TRAINABILITY_DATASETS.join(', ')}`);
  return p as TrainCellTaskParams;
}

export async function trainCellTask(raw: unknown, ctx: TrainCellTaskContext) {
  const { cell, data } = parse(raw);
  const checkpoint = ctx.checkpoint?.bind(ctx);
  // a cancel seen at the checkpoint is reported through cancelled(): trainCell then returns null
  const yieldNow = checkpoint
    ? async (): Promise<void> => {
        try {
          await checkpoint();
        } catch (err) {
          if (!ctx.cancelled()) throw err;
        }
      }
    : undefined;
  return trainCell(cell, sweepData(data), { cancelled: () => ctx.cancelled(), yieldNow });
}
