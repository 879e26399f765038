// The "Freeze & chaos" tab's lab job (kind 'freeze-chaos', src-shared/contract/freeze-chaos.ts): which depths to
// measure, the job's params from the tab's state, and its outputs read back. Pure; unit-tested.
import type { FreezeChaosBatchNorm, FreezeChaosParamsInput } from '../../src-shared/contract/freeze-chaos';
import type { JobOutput } from '../../src-shared/contract/messages';
import type { MeasuredDepthPoint } from './freeze-chaos-plots';
import type { FreezeChaosRequest } from './freeze-chaos-view';

export interface MeasureSettings {
  width: number;
  samples: number;
  seed: number;
  /** How many depths along the ϑ-vs-depth plot (1 … maxDepth, spread evenly, always including L). */
  depthCount: number;
  batchNorm: { placement: 'last' | 'every'; points: number } | null;
}

export const DEFAULT_MEASURE: MeasureSettings = { width: 64, samples: 400, seed: 1, depthCount: 5, batchNorm: null };

/** Up to `count` distinct depths from 1 to maxDepth, evenly spread, with the cursor's L among them. */
export function measureDepths(maxDepth: number, count: number, cursorDepth: number): number[] {
  const set = new Set<number>([cursorDepth]);
  for (let k = 0; k < count; k++) set.add(Math.max(1, Math.round(1 + ((maxDepth - 1) * k) / Math.max(1, count - 1))));
  return [...set].filter((d) => d >= 1 && d <= maxDepth).sort((a, b) => a - b);
}

/** What the measured points belong to: a point is drawn only while φ, the mode and β are the ones it was run at. */
export function measureKey(q: Pick<FreezeChaosRequest, 'activation' | 'nonlinearity' | 'beta'>): string {
  return `${q.activation}|${q.nonlinearity}|${q.beta}`;
}

export function freezeChaosJobParams(
  q: FreezeChaosRequest,
  m: MeasureSettings,
  maxDepth: number,
): FreezeChaosParamsInput {
  const depths = measureDepths(maxDepth, m.depthCount, q.depth);
  const params: FreezeChaosParamsInput = {
    activation: q.activation,
    nonlinearity: q.nonlinearity,
    beta: q.beta,
    cos: q.cos,
    // the batch-norm check runs at the first depth listed: put the cursor's L first
    depths: m.batchNorm ? [q.depth, ...depths.filter((d) => d !== q.depth)] : depths,
    width: m.width,
    samples: m.samples,
    seed: m.seed,
  };
  if (m.batchNorm) params.batchNorm = { ...m.batchNorm };
  return params;
}

/** The measured points and batch-norm check in one job output (progress: one point; done: all). */
export function readFreezeChaosOutput(o: JobOutput): {
  points: MeasuredDepthPoint[];
  batchNorm: FreezeChaosBatchNorm | null;
} {
  if (o.kind !== 'freeze-chaos') return { points: [], batchNorm: null };
  const points = o.points ?? (o.point ? [o.point] : []);
  return { points, batchNorm: o.batchNorm ?? null };
}

/** Merge new points into the list (same depth and ρ replaced), sorted by depth. */
export function mergePoints(
  old: readonly MeasuredDepthPoint[],
  add: readonly MeasuredDepthPoint[],
): MeasuredDepthPoint[] {
  const key = (p: MeasuredDepthPoint) => `${p.depth}|${p.cos}`;
  const map = new Map(old.map((p) => [key(p), p]));
  for (const p of add) map.set(key(p), p);
  return [...map.values()].sort((a, b) => a.depth - b.depth || a.cos - b.cos);
}
