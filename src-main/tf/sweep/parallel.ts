// Sweeps whose cells train in parallel on the TF worker pool (tf-pool.ts): every pending cell is sent as a
// `train-cell` task (train-cell-task.ts) and the pool runs as many at once as it has workers. The parent is the
// store's one writer: it appends each cell as its worker finishes (the store stays append-only and fsynced, in
// finishing order). Each cell's result depends only on its own spec and the sweep seed (Rng(seed, 0) init,
// Rng(seed, 2) minibatches: train-cell.ts), never on which worker ran it or when, so any worker count gives the
// same records (only `seconds` differs).
//
// Cancel (the signal): running cells stop at their next SGD step and are dropped, queued ones never start; finished
// cells stay in the store and the summary says 'cancelled' (rerun = resume). Pause: the PauseControl holds every
// running cell at its next step. A worker that crashes fails its cell only: the others finish and are stored, then
// the sweep rejects with the failed cells' reasons (rerun trains just those).
import { setMaxListeners } from 'node:events';
import type {
  CellRecord,
  TrainabilityParams,
  TrainabilityProgress,
  TrainabilitySummary,
} from '../../../src-shared/contract/trainability';
import type { LrSweepParams, LrSweepPoint } from '../../../src-shared/contract/lr-sweep';
import { TfTaskError, type TfRunOptions } from '../tf-host';
import { longestFirst, type ShardSpec } from '../../../src-shared/shard';
import { cellKey, checkedSweepGrid, shardCells } from './grid';
import { recordShard, SweepStore } from './store';
import type { CellSpec } from './train-cell';
import type { SweepDataSpec, TrainCellTaskParams } from './train-cell-task';
import { lrSweepPoints, shardLrPoints, type LrSweepStore } from './lr-store';

/** Runs one `train-cell` task: `(p, o) => pool.run('train-cell', p, o)`; null when the cell was cancelled. */
export type CellRunner = (params: TrainCellTaskParams, opts: TfRunOptions) => Promise<CellRecord | null>;

export interface ParallelSweepOptions {
  signal?: AbortSignal;
  pause?: TfRunOptions['pause'];
  /** Trainability: only this shard's cells (src-shared/shard.ts); the store records which shard it holds. */
  shard?: ShardSpec;
}

/** A learning-rate sweep's points in sweep order; 'cancelled': the points streamed before the cancel. */
export interface LrSweepResult {
  points: LrSweepPoint[];
  status: 'complete' | 'cancelled';
  /** Points found in the store at start (not trained again, not emitted). */
  resumed: number;
  /** Points trained by this run. */
  trained: number;
}

/** Cells whose worker failed (crash, error): the sweep's error after the other cells are stored. */
export class CellsFailedError extends Error {
  constructor(readonly failures: { cell: string; reason: string }[]) {
    super(
      `${failures.length} cell${failures.length > 1 ? 's' : ''} failed (the others are stored; run again to retry): ` +
        failures.map((f) => `${f.cell}: ${f.reason}`).join('; '),
    );
    this.name = 'CellsFailedError';
  }
}

const isCancel = (err: unknown) => err instanceof TfTaskError && err.code === 'cancelled';
const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Run `cells` through `run` all at once (the pool queues them in submission order), calling `done` in finishing
 * order. With `cost`, the cells are submitted costliest first (shard.ts longestFirst) so the pool's workers finish
 * together; without it, in the given order (a sweep that streams in its own order keeps it). Resolves with
 * whether a cancel stopped any cell; rejects with CellsFailedError after every cell settled if some failed. An error
 * from `done` (the store could not write a record: disk full) stops the others (queued ones never start, running
 * ones stop at their next step) and is the sweep's error: the cells stored so far stay, a rerun resumes.
 * Generic over the task's params P and record R: each kind of cell sweep (trainability, lr-sweep, trust-map) sends
 * its own task.
 */
export async function runCells<T, P = TrainCellTaskParams, R = CellRecord>(
  cells: readonly T[],
  task: (c: T) => P,
  label: (c: T) => string,
  run: (params: P, opts: TfRunOptions) => Promise<R | null>,
  opts: ParallelSweepOptions,
  done: (c: T, record: R) => void,
  cost?: (c: T) => number,
): Promise<{ cancelled: boolean }> {
  let cancelled = false;
  const failures: { cell: string; reason: string }[] = [];
  const stop = new AbortController();
  let fatal: { err: unknown } | undefined;
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  // one abort listener per queued cell is expected, not a leak (Node warns above 10)
  setMaxListeners(cells.length + 10, signal);
  await Promise.all(
    (cost ? longestFirst(cells, cost) : cells).map(async (c) => {
      let record: R | null;
      try {
        record = await run(task(c), { signal, pause: opts.pause });
      } catch (err) {
        if (isCancel(err) || signal.aborted) cancelled = true;
        else failures.push({ cell: label(c), reason: reason(err) });
        return;
      }
      if (record === null) cancelled = true;
      else if (!fatal) {
        try {
          done(c, record);
        } catch (err) {
          fatal = { err };
          stop.abort();
        }
      }
    }),
  );
  if (fatal) throw fatal.err;
  if (failures.length > 0) throw new CellsFailedError(failures);
  return { cancelled };
}

/**
 * The trainability sweep of runner.ts (same store, same records) with its cells spread over the worker pool: what the
 * trainability job kind runs (src-main/jobs/trainability.ts).
 */
export async function runSweepParallel(
  params: TrainabilityParams,
  dir: string,
  run: CellRunner,
  emit: (progress: TrainabilityProgress) => void,
  opts: ParallelSweepOptions = {},
): Promise<TrainabilitySummary> {
  const t0 = performance.now();
  const grid = checkedSweepGrid(params, opts.shard);
  const store = SweepStore.open(dir, params);
  if (opts.shard) recordShard(dir, store.identity, opts.shard);
  // a shard's cells do not depend on which process computes them: the same split everywhere (grid.ts shardCells)
  const cells = opts.shard ? shardCells(params, grid, opts.shard) : grid.cells;
  const keys = new Set(cells.map((c) => cellKey(c.sigmaW2, c.depth)));
  const inRun = (c: { sigmaW2: number; depth: number }): boolean => keys.has(cellKey(c.sigmaW2, c.depth));
  const total = cells.length;
  const pending = cells.filter((c) => !store.has(c.sigmaW2, c.depth));
  const resumed = total - pending.length;
  let trained = 0;
  const data: SweepDataSpec = {
    dataset: params.dataset,
    trainSize: params.trainSize,
    testSize: params.testSize,
    seed: params.seed,
  };
  const spec = (c: { sigmaW2: number; depth: number }): CellSpec => ({
    activation: params.activation,
    sigmaW2: c.sigmaW2,
    sigmaB2: params.sigmaB2,
    depth: c.depth,
    width: params.width,
    steps: params.steps,
    batchSize: params.batchSize,
    rho: params.rho,
    seed: params.seed,
  });
  const { cancelled } =
    pending.length === 0 || opts.signal?.aborted
      ? { cancelled: pending.length > 0 }
      : await runCells(
          pending,
          (c) => ({ cell: spec(c), data }),
          (c) => `σ_w² = ${c.sigmaW2}, L = ${c.depth}`,
          run,
          opts,
          (_c, record) => {
            store.append(record); // the one writer
            trained++;
            emit({ cell: record, done: store.cells().filter(inRun).length, total });
          },
          (c) => c.depth, // one sweep's cells share width, steps and batch: a cell's cost grows with its depth
        );
  return {
    dir,
    identity: store.identity,
    total,
    done: store.cells().filter(inRun).length,
    resumed,
    trained,
    diverged: store.cells().filter((c) => inRun(c) && c.diverged).length,
    failed: store.cells().filter((c) => inRun(c) && c.failed !== undefined).length,
    status: cancelled ? 'cancelled' : 'complete',
    seconds: (performance.now() - t0) / 1000,
    ...(opts.shard ? { shard: { index: opts.shard.index, count: opts.shard.count } } : {}),
  };
}

/**
 * The learning-rate sweep (Xiao et al. 2020, §5, Fig. 2) with its (depth, ρ) points spread over the worker pool: what
 * the lr-sweep job kind runs. With `store` (the CLI's --out) each finished point is appended to it and the points
 * already there are not trained again (nor emitted); with `opts.shard` only that shard's points run. Points are
 * emitted and listed in sweep order (depths as given, ρ ascending) whatever the order of finishing: a point that
 * finishes early waits for the ones before it, so the stream and the result are the same for any worker count.
 * Cancelled: the result is the points streamed so far (a finished point behind an unfinished one is dropped).
 */
export async function runLrSweepParallel(
  p: LrSweepParams,
  run: CellRunner,
  emit: (point: LrSweepPoint) => void,
  opts: ParallelSweepOptions = {},
  store?: LrSweepStore,
): Promise<LrSweepResult> {
  // a shard's points do not depend on which process computes them: the same split everywhere (lr-store.ts)
  const cells = opts.shard ? shardLrPoints(p, opts.shard) : lrSweepPoints(p);
  const data: SweepDataSpec = { dataset: p.dataset, trainSize: p.trainSize, testSize: p.testSize, seed: p.seed };
  const found = new Map<(typeof cells)[number], LrSweepPoint>();
  const stored = new Set<(typeof cells)[number]>();
  for (const c of cells) {
    const q = store?.get(c.depth, c.rho);
    if (q) {
      found.set(c, q);
      stored.add(c);
    }
  }
  const pending = cells.filter((c) => !stored.has(c));
  let trained = 0;
  let next = 0; // cells[next] is the first point not yet emitted
  const advance = () => {
    // after a cancel nothing more is emitted: the result is exactly what was streamed (and the stored points)
    for (; next < cells.length && found.has(cells[next]) && !opts.signal?.aborted; next++)
      if (!stored.has(cells[next])) emit(found.get(cells[next])!);
  };
  advance();
  const { cancelled } =
    pending.length === 0 || opts.signal?.aborted
      ? { cancelled: pending.length > 0 }
      : await runCells(
          pending,
          ({ depth, rho }) => ({
            cell: {
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
            data,
          }),
          (c) => `L = ${c.depth}, ρ = ${c.rho}`,
          run,
          opts,
          (c, cell) => {
            const point: LrSweepPoint = {
              depth: c.depth,
              rho: c.rho,
              lr: cell.lr,
              etaTheory: cell.etaTheory,
              trainAccuracy: cell.trainAccuracy,
              testAccuracy: cell.testAccuracy,
              trainLoss: cell.trainLoss,
              diverged: cell.diverged,
              seconds: cell.seconds,
              ...(cell.failed !== undefined ? { failed: cell.failed } : {}),
            };
            store?.append(point); // the one writer; a failed write stops the sweep (runCells)
            trained++;
            found.set(c, point);
            advance();
          },
        );
  const points = cells.slice(0, next).map((c) => found.get(c)!);
  return { points, status: cancelled ? 'cancelled' : 'complete', resumed: stored.size, trained };
}
