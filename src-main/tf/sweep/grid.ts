// The cell schedule of a trainability sweep: the (σ_w², L) grid at one width M, in coarse-first order so that a
// partial sweep already covers the plane. Each axis gets bisection levels (level 0: both ends; level k + 1: the
// midpoints of the level-≤k intervals); a cell's level is the larger of its two axis levels, and cells run level by
// level: the 4 corners, then a 3×3 subgrid, then 5×5, … (within a level by depth, then σ_w²).
import { shardItems, type ShardSpec } from '../../../src-shared/shard';
import {
  estimateSweepFlops,
  TRAINABILITY_LIMITS,
  type AxisSpec,
  type TrainabilityParams,
} from '../../../src-shared/contract/trainability';

export interface SweepCell {
  /** Position in the schedule. */
  order: number;
  /** Axis indices: σ_w² (x) and depth (y). */
  i: number;
  j: number;
  sigmaW2: number;
  depth: number;
  level: number;
}

export interface SweepGrid {
  sigmaW2: number[];
  depths: number[];
  /** All cells in schedule order. */
  cells: SweepCell[];
}

/** Axis values in increasing order, duplicates removed (count values from min to max inclusive). */
export function axisValues(spec: AxisSpec): number[] {
  let v: number[];
  if ('values' in spec) v = [...spec.values];
  else if (spec.count === 1) v = [spec.min];
  else
    v = Array.from({ length: spec.count }, (_, k) =>
      k === spec.count - 1 ? spec.max : spec.min + ((spec.max - spec.min) * k) / (spec.count - 1),
    );
  return [...new Set(v)].sort((a, b) => a - b);
}

/** Bisection level of every index of an axis of n points. */
export function bisectionLevels(n: number): number[] {
  const level = new Array<number>(n).fill(-1);
  level[0] = 0;
  level[n - 1] = 0;
  let intervals: [number, number][] = n > 1 ? [[0, n - 1]] : [];
  for (let k = 1; intervals.length > 0; k++) {
    const next: [number, number][] = [];
    for (const [a, b] of intervals) {
      if (b - a < 2) continue;
      const m = (a + b) >> 1;
      level[m] = k;
      next.push([a, m], [m, b]);
    }
    intervals = next;
  }
  return level;
}

/** The grid and schedule of a sweep; RangeError for values outside the sweep's limits. */
export function sweepGrid(p: TrainabilityParams): SweepGrid {
  const sigmaW2 = axisValues(p.grid.sigmaW2);
  for (const s of sigmaW2)
    if (!(s > 0 && s <= 16)) throw new RangeError(`grid.sigmaW2: σ_w² values must lie in (0, 16], got ${s}`);
  let depths: number[];
  if (p.grid.depth) {
    depths = axisValues(p.grid.depth);
    // never rounded: L = 2.5 is a typo, and a min:max:count axis that misses the integers would train other depths
    const fractional = depths.find((d) => !Number.isInteger(d));
    if (fractional !== undefined)
      throw new RangeError(
        `grid.depth: depths must be whole numbers of layers, got ${fractional}` +
          ('values' in p.grid.depth ? '' : ' (min:max:count needs (max − min)/(count − 1) to be a whole number)'),
      );
  } else {
    const lambdas = axisValues(p.grid.depthToWidth!);
    for (const l of lambdas) if (!(l > 0)) throw new RangeError(`grid.depthToWidth: L/M values must be > 0, got ${l}`);
    depths = lambdas.map((l) => Math.max(1, Math.round(l * p.width)));
  }
  depths = [...new Set(depths)].sort((a, b) => a - b);
  for (const d of depths) {
    if (!(d >= 1 && d <= TRAINABILITY_LIMITS.depthMax))
      throw new RangeError(
        `grid.${p.grid.depth ? 'depth' : 'depthToWidth'}: depths must lie in 1…${TRAINABILITY_LIMITS.depthMax}, got ${d}`,
      );
  }
  if (sigmaW2.length * depths.length > TRAINABILITY_LIMITS.cellsMax) {
    throw new RangeError(
      `the grid has ${sigmaW2.length * depths.length} cells; at most ${TRAINABILITY_LIMITS.cellsMax}`,
    );
  }
  const li = bisectionLevels(sigmaW2.length);
  const lj = bisectionLevels(depths.length);
  const cells: SweepCell[] = [];
  for (let j = 0; j < depths.length; j++) {
    for (let i = 0; i < sigmaW2.length; i++)
      cells.push({ order: 0, i, j, sigmaW2: sigmaW2[i], depth: depths[j], level: Math.max(li[i], lj[j]) });
  }
  cells.sort((a, b) => a.level - b.level || a.j - b.j || a.i - b.i);
  cells.forEach((c, k) => (c.order = k));
  return { sigmaW2, depths, cells };
}

/** Key of a cell in the store (the grid values are fixed by the sweep's identity). */
export function cellKey(sigmaW2: number, depth: number): string {
  return `${sigmaW2}|${depth}`;
}

/** sweepGrid, refusing (RangeError) a sweep whose estimated work exceeds TRAINABILITY_LIMITS.flopsMax: the check the
 *  lab makes before it starts a sweep and the runner (CLI included) makes again. With `shard` the limit applies to
 *  that shard's cells (what one process trains), so a sweep too big for one machine runs split into shards. */
export function checkedSweepGrid(p: TrainabilityParams, shard?: ShardSpec): SweepGrid {
  const grid = sweepGrid(p);
  const flops = shard
    ? shardCells(p, grid, shard).reduce((sum, c) => sum + cellCost(p, c.depth), 0)
    : estimateSweepFlops(p, grid.depths, grid.sigmaW2.length);
  if (flops > TRAINABILITY_LIMITS.flopsMax)
    throw new RangeError(
      `the ${shard ? `shard ${shard.index}/${shard.count}` : 'sweep'} would take ≈ ${flops.toExponential(1)} flops; ` +
        `at most ${TRAINABILITY_LIMITS.flopsMax.toExponential(0)} per process: split it into more shards ` +
        '(--shard i/n; ntk-lab slurm --shards N, docs/slurm.md)',
    );
  return grid;
}

/** Estimated work of one cell (its depth's training and evaluation flops): what the shards balance. */
export function cellCost(p: TrainabilityParams, depth: number): number {
  return estimateSweepFlops(p, [depth], 1);
}

/** The cells of one shard of the sweep (schedule order kept), balanced by cellCost (src-shared/shard.ts). */
export function shardCells(p: TrainabilityParams, grid: SweepGrid, shard: ShardSpec): SweepCell[] {
  return shardItems(grid.cells, (c) => cellCost(p, c.depth), shard);
}
