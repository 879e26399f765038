// Pure logic of the learning-rate sweep plot (Xiao et al. 2020, Fig. 2): accuracy vs ρ = η/η_theory (log x) per depth.
// Diverged points are drawn at chance level (never NaN) and flagged; the job's outputs are checked before use.
import type { JobSpecInput } from '../../src-shared/contract/messages';
import { CHANCE_ACCURACY } from '../../src-shared/contract/trainability';
import { lrSweepPointSchema, type LrSweepParamsInput, type LrSweepPoint } from '../../src-shared/contract/lr-sweep';

/** The job of the panel: the sweep at the cursor's σ_w² and the tab's φ, σ_b², width, batch, dataset. */
export function lrSweepJob(params: LrSweepParamsInput): JobSpecInput {
  return { kind: 'lr-sweep', params };
}

/** Points of an 'lr-sweep' output (progress: one; final: all), or null if it is not one or is malformed. */
export function parseLrSweepOutput(o: unknown): LrSweepPoint[] | null {
  if (!o || typeof o !== 'object' || (o as { kind?: unknown }).kind !== 'lr-sweep') return null;
  const r = o as { point?: unknown; points?: unknown };
  const raw = Array.isArray(r.points) ? r.points : r.point ? [r.point] : [];
  const out: LrSweepPoint[] = [];
  for (const p of raw) {
    const v = lrSweepPointSchema.safeParse(p);
    if (!v.success) return null;
    out.push(v.data);
  }
  return out;
}

/** Merge new points into the list (a later point for the same (depth, ρ) replaces the earlier one). */
export function mergeLrPoints(have: readonly LrSweepPoint[], add: readonly LrSweepPoint[]): LrSweepPoint[] {
  const key = (p: LrSweepPoint) => `${p.depth}|${p.rho}`;
  const m = new Map(have.map((p) => [key(p), p]));
  for (const p of add) m.set(key(p), p);
  return [...m.values()];
}

export interface LrSeriesPoint {
  rho: number;
  /** Plotted accuracy: chance level for a diverged point; always finite. */
  train: number;
  test: number;
  diverged: boolean;
}

export interface LrSeries {
  depth: number;
  points: LrSeriesPoint[];
}

/** One series per depth (ascending), points by ρ ascending; non-finite accuracies are plotted at chance as diverged. */
export function lrSweepSeries(points: readonly LrSweepPoint[]): LrSeries[] {
  const byDepth = new Map<number, LrSeriesPoint[]>();
  for (const p of points) {
    if (!(p.rho > 0) || !Number.isFinite(p.rho)) continue; // not placeable on a log axis
    const bad =
      p.diverged || p.failed !== undefined || !Number.isFinite(p.trainAccuracy) || !Number.isFinite(p.testAccuracy);
    const q: LrSeriesPoint = {
      rho: p.rho,
      train: bad ? CHANCE_ACCURACY : p.trainAccuracy,
      test: bad ? CHANCE_ACCURACY : p.testAccuracy,
      diverged: bad,
    };
    const list = byDepth.get(p.depth) ?? [];
    list.push(q);
    byDepth.set(p.depth, list);
  }
  return [...byDepth.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([depth, pts]) => ({ depth, points: pts.sort((a, b) => a.rho - b.rho) }));
}

/** x-domain of the plot: the ρ range, always containing ρ = 1 (the theory's η_theory), padded by ×1.3 on a log axis. */
export function lrRhoDomain(points: readonly LrSweepPoint[], planned: readonly number[]): [number, number] {
  let lo = 1;
  let hi = 1;
  for (const r of [...planned, ...points.map((p) => p.rho)]) {
    if (!(r > 0) || !Number.isFinite(r)) continue;
    lo = Math.min(lo, r);
    hi = Math.max(hi, r);
  }
  return [lo / 1.3, hi * 1.3];
}

export const LR_CSV_HEADER = [
  'depth',
  'rho',
  'lr',
  'etaTheory',
  'trainAccuracy',
  'testAccuracy',
  'trainLoss',
  'diverged',
  'seconds',
  'failed',
] as const;

/** CSV rows of the measured points, depth-major and ρ ascending (diverged rows keep trainLoss empty). */
export function lrSweepCsvRows(points: readonly LrSweepPoint[]): (number | string | null)[][] {
  return [...points]
    .sort((a, b) => a.depth - b.depth || a.rho - b.rho)
    .map((p) => [
      p.depth,
      p.rho,
      p.lr,
      p.etaTheory,
      p.trainAccuracy,
      p.testAccuracy,
      p.trainLoss,
      p.diverged ? 'true' : 'false',
      p.seconds,
      p.failed ?? null,
    ]);
}
