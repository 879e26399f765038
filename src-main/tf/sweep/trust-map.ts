// The NTK trust map (Seleznova 2024 thesis §3.1): one `ntk-change` task per (σ_w², L, M) cell, many at once on the TF
// worker pool (parallel.ts runCells), each finished cell appended to the sweep's record store (record-store.ts) by
// this process, its one writer. A cell depends only on its own params and the sweep seed (init Rng(seed, 0), digits
// Rng(seed, 1): train/ntk-change.ts), so any worker count gives the same records (only `seconds` differs).
import type { NtkChangeParams } from '../../../src-shared/contract/ntk-change';
import {
  shardTrustMapCells,
  trustCellKey,
  trustMapCells,
  trustMapCellSchema,
  type TrustMapCell,
  type TrustMapCellRef,
  type TrustMapParams,
  type TrustMapProgress,
  type TrustMapSummary,
} from '../../../src-shared/contract/trust-map';
import type { TfRunOptions } from '../tf-host';
import type { NtkChangeResult } from '../train/ntk-change';
import { runCells, type ParallelSweepOptions } from './parallel';
import { RecordStore, type RecordStoreKind } from './record-store';
import { recordShard } from './store';

const cellLabel = (c: TrustMapCellRef) => `σ_w² = ${c.sigmaW2}, L = ${c.depth}, M = ${c.width}`;

export const TRUST_MAP_STORE: RecordStoreKind<TrustMapCell> = {
  format: 'ntk-lab-trust-map/1',
  title: 'trust-map sweep',
  file: 'cells.jsonl',
  schema: trustMapCellSchema,
  key: trustCellKey,
  label: (c) => cellLabel(c),
};

/** Runs one `ntk-change` task: `(p, o) => pool.run('ntk-change', p, o)`. */
export type NtkChangeRunner = (params: NtkChangeParams, opts: TfRunOptions) => Promise<NtkChangeResult | null>;

/** The cells of a run: the whole grid, or one shard's. */
export function trustMapRunCells(p: TrustMapParams, shard?: ParallelSweepOptions['shard']): TrustMapCellRef[] {
  return shard ? shardTrustMapCells(p, shard) : trustMapCells(p);
}

/** Open (or create) the store of `p` in `dir`; with a shard, record which one it holds. */
export function openTrustMapStore(
  p: TrustMapParams,
  dir: string,
  shard?: ParallelSweepOptions['shard'],
): RecordStore<TrustMapCell> {
  const store = RecordStore.open(TRUST_MAP_STORE, dir, p, new Set(trustMapCells(p).map(trustCellKey)));
  if (shard) recordShard(dir, store.identity, shard);
  return store;
}

/** The ntk-change params of one cell. */
export function cellParams(p: TrustMapParams, c: TrustMapCellRef): NtkChangeParams {
  return {
    sigmaW2: c.sigmaW2,
    depth: c.depth,
    width: c.width,
    sigmaB2: p.sigmaB2,
    activation: p.activation,
    lr: p.lr,
    steps: p.steps,
    maxSteps: p.maxSteps,
    earlyStopDelta: p.earlyStopDelta,
    earlyStopWindow: p.earlyStopWindow,
    trainSize: p.trainSize,
    seed: p.seed,
  };
}

/** A finished ntk-change run as the map's cell: step 0, the recorded steps it reached, the end of training. */
export function cellOf(c: TrustMapCellRef, steps: readonly number[], r: NtkChangeResult): TrustMapCell {
  const recorded = new Set([0, ...steps]);
  const point = (x: { step: number; loss: number | null; relativeChange: number | null }) => ({
    step: x.step,
    loss: x.loss,
    relativeChange: x.relativeChange,
  });
  const last = r.records[r.records.length - 1];
  return {
    sigmaW2: c.sigmaW2,
    depth: c.depth,
    width: c.width,
    depthToWidth: c.depth / c.width,
    changes: r.records.filter((x) => recorded.has(x.step)).map(point),
    final: point(last),
    stop: r.summary.stop,
    minLoss: r.summary.minLoss,
    minLossStep: r.summary.minLossStep,
    seconds: r.summary.seconds,
  };
}

/** A cell's relative cost for the pool's order: one step's multiply-adds per input, 784 · M + (L − 1) · M². */
const trustCellCost = (c: TrustMapCellRef): number => c.width * (784 + (c.depth - 1) * c.width);

/**
 * Train the pending cells of `p` (those not in `store`) on the pool and append each as it finishes; `emit` gets one
 * progress per finished cell. Cancel: running cells are dropped, finished ones stay (rerun = resume).
 */
export async function runTrustMapParallel(
  p: TrustMapParams,
  store: RecordStore<TrustMapCell>,
  run: NtkChangeRunner,
  emit: (progress: TrustMapProgress) => void,
  opts: ParallelSweepOptions = {},
): Promise<TrustMapSummary> {
  const t0 = performance.now();
  const cells = trustMapRunCells(p, opts.shard);
  const keys = new Set(cells.map(trustCellKey));
  const inRun = (c: TrustMapCell) => keys.has(trustCellKey(c));
  const pending = cells.filter((c) => !store.has(trustCellKey(c)));
  const resumed = cells.length - pending.length;
  let trained = 0;
  const count = () => store.records().filter(inRun).length;
  const { cancelled } =
    pending.length === 0 || opts.signal?.aborted
      ? { cancelled: pending.length > 0 }
      : await runCells<TrustMapCellRef, NtkChangeParams, NtkChangeResult>(
          pending,
          (c) => cellParams(p, c),
          cellLabel,
          run,
          opts,
          (c, result) => {
            if (result.summary.stop === 'cancelled') return; // stopped mid-cell: not a finished cell
            const cell = cellOf(c, p.steps, result);
            store.append(cell); // the one writer
            trained++;
            emit({ cell, done: count(), total: cells.length });
          },
          trustCellCost,
        );
  return {
    dir: store.dir,
    identity: store.identity,
    total: cells.length,
    done: count(),
    resumed,
    trained,
    diverged: store.records().filter((c) => inRun(c) && c.stop === 'diverged').length,
    status: cancelled || count() < cells.length ? 'cancelled' : 'complete',
    seconds: (performance.now() - t0) / 1000,
    ...(opts.shard ? { shard: { index: opts.shard.index, count: opts.shard.count } } : {}),
  };
}
