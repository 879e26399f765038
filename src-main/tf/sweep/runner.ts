// A trainability sweep: train the cells of the grid in coarse-first order (grid.ts), skip the ones already in the
// store, append each finished cell to the store (fsynced) and emit it as progress.
//
// Pause, resume, cancel: there is no separate pause state. A paused sweep is a cancelled one: `cancelled()` is
// checked between SGD steps; when it turns true the cell in progress is dropped, every finished cell stays in the
// store, and runSweep resolves with status 'cancelled'. Resume = run the same params on the same directory again:
// stored cells are skipped. A crash (or closing the app) loses at most the cell in progress.
//
// In one thread, cell after cell: the sequential reference. The trainability job kind runs parallel.ts's
// runSweepParallel instead (the same cells and records, spread over the TF worker pool).
import type {
  TrainabilityParams,
  TrainabilityProgress,
  TrainabilitySummary,
} from '../../../src-shared/contract/trainability';
import { loadSweepData, type SweepData } from './datasets';
import type { ShardSpec } from '../../../src-shared/shard';
import { cellKey, checkedSweepGrid, shardCells } from './grid';
import { recordShard, SweepStore } from './store';
import { trainCell } from './train-cell';

/**
 * Wall time of the default sweep (`ntk-lab trainability --out <dir>`, 48 cells, 200 steps each), measured on the
 * 2-core VM with tfjs-wasm (one thread, SIMD): 380 s near idle (740 s while other jobs kept the load average at
 * 5.6–7). Deep cells dominate (L = 32: 18–47 s each under load, L = 2: 2–6 s). On the loaded run the plane showed seed
 * 001 Fig. 3's
 * pattern: the ordered side (σ_w² = 0.5) untrainable from L = 16 (10 %), the near-critical column σ_w² ≈ 1.5 still
 * at 31 % train / 30 % test at L = 32, and the chaotic side training above chance (39 % at σ_w² = 3.5, L = 16)
 * while testing at chance (11 %).
 */
export const DEFAULT_SWEEP_SECONDS = 380;

export interface SweepContext {
  /** Called once per finished cell. */
  emit(progress: TrainabilityProgress): void;
  /** True once the caller wants the sweep to stop (checked between SGD steps). */
  cancelled(): boolean;
}

export interface RunSweepOptions {
  /** Preloaded data (tests); default: loadSweepData from the params. */
  data?: SweepData;
  /** Train only this shard's cells (src-shared/shard.ts); the store records which shard it holds (shard.json). */
  shard?: ShardSpec;
}

export async function runSweep(
  params: TrainabilityParams,
  dir: string,
  ctx: SweepContext,
  opts: RunSweepOptions = {},
): Promise<TrainabilitySummary> {
  const t0 = performance.now();
  const grid = checkedSweepGrid(params, opts.shard);
  const store = SweepStore.open(dir, params);
  if (opts.shard) recordShard(dir, store.identity, opts.shard);
  // a shard's cells do not depend on which process computes them: the same split everywhere (grid.ts shardCells)
  const cells = opts.shard ? shardCells(params, grid, opts.shard) : grid.cells;
  const total = cells.length;
  const resumed = cells.filter((c) => store.has(c.sigmaW2, c.depth)).length;
  const keys = new Set(cells.map((c) => cellKey(c.sigmaW2, c.depth)));
  const inRun = (c: { sigmaW2: number; depth: number }): boolean => keys.has(cellKey(c.sigmaW2, c.depth));
  let trained = 0;
  const summary = (status: TrainabilitySummary['status']): TrainabilitySummary => ({
    dir,
    identity: store.identity,
    total,
    done: store.cells().filter(inRun).length,
    resumed,
    trained,
    diverged: store.cells().filter((c) => inRun(c) && c.diverged).length,
    failed: store.cells().filter((c) => inRun(c) && c.failed !== undefined).length,
    status,
    seconds: (performance.now() - t0) / 1000,
    ...(opts.shard ? { shard: { index: opts.shard.index, count: opts.shard.count } } : {}),
  });
  if (resumed === total) return summary('complete');
  if (ctx.cancelled()) return summary('cancelled');
  const data = opts.data ?? loadSweepData(params.dataset, params.trainSize, params.testSize, params.seed);
  for (const cell of cells) {
    // every cell is trained from the sweep's seed, never from its position or shard: the numbers of a cell are the
    // same in a single run and in any shard (runner.test.ts checks it)
    if (store.has(cell.sigmaW2, cell.depth)) continue;
    const record = await trainCell(
      {
        activation: params.activation,
        sigmaW2: cell.sigmaW2,
        sigmaB2: params.sigmaB2,
        depth: cell.depth,
        width: params.width,
        steps: params.steps,
        batchSize: params.batchSize,
        rho: params.rho,
        seed: params.seed,
      },
      data,
      { cancelled: ctx.cancelled },
    );
    if (record === null) return summary('cancelled');
    store.append(record);
    trained++;
    ctx.emit({ cell: record, done: store.cells().filter(inRun).length, total });
  }
  return summary('complete');
}
