// The First GD step tab's plots, as data: the λ slices (one series per σ_w²) with their y domain, and the plane layer
// (coarse 8 × 6, then 16 × 12 cells) with its tiles, colour domain and progress.
import { quantileSorted } from 'd3';
import type { GdPoint } from './gd-step-jobs';
import { cellCentres, depthFromLambda, PLANE, tidy, type Axis } from './plane';
import { type GdFlag, type GdQuantity, flagOf, log10Of } from './gd-step-view';

// ---------------------------------------------------------------------------------------------------------
// The slices vs λ (one series per σ_w², Seleznova & Kutyniok 2022, Fig. 4's values by default)

/** How far past its point a ±SE bar may extend the slice plot's log axis (a factor); longer bars are clipped. */
export const WHISKER_SPAN = 10;
/** How far the slice plot's log axis reaches beyond the middle half of the measured values (a factor, 8 decades). */
export const OUTLIER_SPAN = 1e8;

export interface SliceYDomain {
  lo: number;
  hi: number;
  /** Where a value lies: inside the axis, or beyond it (drawn as a triangle on the frame edge). */
  place(abs: number): 'inside' | 'above' | 'below';
  /** Whether a bar [abs − SE, abs + SE] leaves the axis at either end (drawn with an arrow there). */
  clipped(abs: number, stderr: number): { top: boolean; bottom: boolean };
}

/**
 * The slice plot's log y domain: every positive |estimate| and curve value, each ±SE bar to at most WHISKER_SPAN past
 * its point (a heavy-tailed point's SE would otherwise squash every other series), at least a decade, padded by 1.3
 * on both ends. With four or more points it reaches at most OUTLIER_SPAN beyond their quartiles: deep in the chaotic
 * phase the change at fixed η grows like a^L (Thm 4.1 → ∞) and one point at 1e120 would flatten every other series;
 * such points sit on the frame edge with their value in the tooltip.
 */
export function sliceYDomain(
  marks: readonly { abs: number; stderr: number }[],
  curves: readonly (readonly number[])[],
): SliceYDomain {
  const values = marks
    .map((m) => m.abs)
    .filter((v) => Number.isFinite(v) && v > 0)
    .sort((p, q) => p - q);
  let capLo = 0,
    capHi = Infinity;
  if (values.length >= 4) {
    capLo = (quantileSorted(values, 0.25) as number) / OUTLIER_SPAN;
    capHi = (quantileSorted(values, 0.75) as number) * OUTLIER_SPAN;
  }
  let lo = Infinity,
    hi = -Infinity;
  const take = (v: number) => {
    if (Number.isFinite(v) && v > 0) {
      lo = Math.min(lo, Math.max(v, capLo));
      hi = Math.max(hi, Math.min(v, capHi));
    }
  };
  for (const m of marks) {
    take(m.abs);
    take(Math.min(m.abs + m.stderr, m.abs * WHISKER_SPAN));
    take(Math.max(m.abs - m.stderr, m.abs / WHISKER_SPAN));
  }
  for (const c of curves) c.forEach(take);
  if (!(lo <= hi)) [lo, hi] = [1e-3, 1];
  if (hi / lo < 10) {
    const mid = Math.sqrt(lo * hi);
    [lo, hi] = [mid / Math.sqrt(10), mid * Math.sqrt(10)];
  }
  const [dLo, dHi] = [lo / 1.3, hi * 1.3];
  return {
    lo: dLo,
    hi: dHi,
    place: (abs) => (abs > dHi ? 'above' : abs < dLo ? 'below' : 'inside'),
    clipped: (abs, stderr) => ({ top: abs + stderr > dHi, bottom: !(abs - stderr > dLo) }),
  };
}

export const SLICE_SIGMAS_DEFAULT = [1.0, 2.0, 2.2] as const;
/** One colour per series (blue, green, orange: ordered, EOC, chaotic with the defaults). */
export const SERIES_COLOURS = ['#1d5fbf', '#15803d', '#c2410c'] as const;
/** λ at which each series is measured; the realized depth is max(1, round(λM)), so small M merges some. */
export const SLICE_LAMBDAS = [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1] as const;

export interface SlicePointSpec {
  series: number;
  sigmaW2: number;
  /** λ asked for. */
  lambda: number;
  depth: number;
  /** L/M actually run (where the point is drawn). */
  lambdaRealized: number;
  channel: string;
}

/** One point per (series, distinct depth), series by series; depths that round to the same L are measured once. */
export function sliceSchedule(
  sigmas: readonly number[],
  width: number,
  lambdas: readonly number[] = SLICE_LAMBDAS,
): SlicePointSpec[] {
  if (!(Number.isInteger(width) && width >= 1)) throw new RangeError(`width M must be an integer ≥ 1 (got ${width})`);
  const out: SlicePointSpec[] = [];
  sigmas.forEach((sigmaW2, series) => {
    if (!(Number.isFinite(sigmaW2) && sigmaW2 > 0))
      throw new RangeError(`slice σ_w² must be a finite number > 0 (got ${sigmaW2})`);
    const seen = new Set<number>();
    lambdas.forEach((lambda) => {
      const depth = depthFromLambda(lambda, width);
      if (seen.has(depth)) return;
      seen.add(depth);
      out.push({
        series,
        sigmaW2,
        lambda,
        depth,
        lambdaRealized: tidy(depth / width),
        channel: `gd-slice-${series}-${depth}`,
      });
    });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The plane layer: coarse 8 × 6, then 16 × 12, over the Explore plane's window

export const GD_LAYER_LEVELS = [
  { nx: 8, ny: 6 },
  { nx: 16, ny: 12 },
] as const;

export interface GdLayerCell {
  level: number;
  i: number;
  j: number;
  nx: number;
  ny: number;
  sigmaW2: number;
  depthToWidth: number;
  depth: number;
  channel: string;
}

/** Every level's cells (centres of an nx × ny split of the plane), coarse level first, so the map fills in early. */
export function gdLayerSchedule(width: number, levels: number = GD_LAYER_LEVELS.length): GdLayerCell[] {
  if (!(Number.isInteger(levels) && levels >= 1 && levels <= GD_LAYER_LEVELS.length)) {
    throw new RangeError(`layer levels must be an integer in [1, ${GD_LAYER_LEVELS.length}] (got ${levels})`);
  }
  const out: GdLayerCell[] = [];
  for (let level = 0; level < levels; level++) {
    const { nx, ny } = GD_LAYER_LEVELS[level];
    const xs = cellCentres(axis(PLANE.sigmaW2, nx));
    const ys = cellCentres(axis(PLANE.depthToWidth, ny));
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const depth = depthFromLambda(ys[j], width);
        out.push({
          level,
          i,
          j,
          nx,
          ny,
          sigmaW2: xs[i],
          depthToWidth: ys[j],
          depth,
          channel: `gd-layer-${level}-${i}-${j}`,
        });
      }
    }
  }
  return out;
}

const axis = (a: Axis, cells: number): Axis => ({ min: a.min, max: a.max, cells });

/** What one drawn cell shows: the finest result covering it. */
export interface LayerTile {
  /** The finest-level cell: where the tile is drawn. */
  cell: GdLayerCell;
  /** Where its value was measured: the cell itself or, until that finishes, the coarse cell containing it. */
  source: GdLayerCell;
  point: GdPoint;
  /** log₁₀ of the plotted quantity's |estimate|; NaN when there is none (failed: the lab's reason is point.error). */
  log10: number;
  flag: GdFlag;
}

/**
 * The map to draw, one tile per finest-level cell: its own finished result, else its own failure (with the lab's
 * reason), else the finished coarse cell containing it — so the map is complete after the first pass and sharpens as
 * the second arrives. Cells with nothing yet are omitted (left blank, never filled with a guess).
 */
export function layerTiles(cells: readonly GdLayerCell[], points: readonly GdPoint[], q: GdQuantity): LayerTile[] {
  if (cells.length !== points.length)
    throw new RangeError(`layer has ${points.length} points for ${cells.length} cells`);
  if (cells.length === 0) return [];
  const finest = Math.max(...cells.map((c) => c.level));
  const byKey = new Map<string, number>();
  cells.forEach((c, k) => byKey.set(`${c.level}:${c.i}:${c.j}`, k));
  const done = (k: number | undefined): k is number =>
    k !== undefined && points[k].status === 'done' && points[k].result !== undefined;
  const out: LayerTile[] = [];
  cells.forEach((c, k) => {
    if (c.level !== finest) return;
    let src = done(k) ? k : points[k].status === 'error' ? k : -1;
    // grids double per level, so the parent of (i, j) is (i >> 1, j >> 1)
    for (let level = c.level - 1, i = c.i >> 1, j = c.j >> 1; src < 0 && level >= 0; level--, i >>= 1, j >>= 1) {
      const at = byKey.get(`${level}:${i}:${j}`);
      if (done(at)) src = at;
    }
    if (src < 0) return;
    const p = points[src];
    const r = p.status === 'done' ? p.result : undefined;
    const log10 = r ? log10Of(r, q) : Number.NaN;
    out.push({ cell: c, source: cells[src], point: p, log10, flag: r ? flagOf(r, q) : null });
  });
  return out;
}

/** [min, max] of the finite log₁₀ values; a flat field gets ±0.05 so the colour scale has a span. null: nothing yet. */
export function log10Domain(tiles: readonly LayerTile[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of tiles) {
    if (Number.isFinite(t.log10)) {
      lo = Math.min(lo, t.log10);
      hi = Math.max(hi, t.log10);
    }
  }
  if (!(lo <= hi)) return null;
  if (hi - lo < 0.1) return [lo - 0.05, hi + 0.05];
  return [lo, hi];
}

/** The layer's colour bar: [lo, hi] (log₁₀) and the values' full range [min, max] when outliers were clipped. */
export interface LayerColourDomain {
  lo: number;
  hi: number;
  min: number;
  max: number;
  /** Some values lie below lo / above hi: drawn in the end colour with a triangle, the bar ends in an arrow. */
  clippedLow: boolean;
  clippedHigh: boolean;
}

/**
 * log10Domain, reaching at most OUTLIER_SPAN (8 decades) beyond the quartiles of the values when there are four or
 * more, as the slice's axis does: deep in the chaotic phase a few cells reach 1e290 (Thm 4.1 → ∞ at fixed η) and
 * would otherwise flatten every other cell into one colour.
 */
export function layerColourDomain(tiles: readonly LayerTile[]): LayerColourDomain | null {
  const full = log10Domain(tiles);
  if (!full) return null;
  const values = tiles
    .map((t) => t.log10)
    .filter((v) => Number.isFinite(v))
    .sort((p, q) => p - q);
  let [lo, hi] = full;
  if (values.length >= 4) {
    const span = Math.log10(OUTLIER_SPAN);
    lo = Math.max(lo, (quantileSorted(values, 0.25) as number) - span);
    hi = Math.min(hi, (quantileSorted(values, 0.75) as number) + span);
  }
  return { lo, hi, min: full[0], max: full[1], clippedLow: lo > full[0], clippedHigh: hi < full[1] };
}

export interface LayerProgress {
  done: number;
  failed: number;
  running: number;
  planned: number;
  /** The level being measured (0-based), null when all are finished. */
  level: number | null;
}

export function layerProgress(cells: readonly GdLayerCell[], points: readonly GdPoint[]): LayerProgress {
  let done = 0;
  let failed = 0;
  let running = 0;
  let level: number | null = null;
  points.forEach((p, k) => {
    if (p.status === 'done') done++;
    else if (p.status === 'error') failed++;
    else {
      if (p.status === 'running') running++;
      if (level === null || cells[k].level < level) level = cells[k].level;
    }
  });
  return { done, failed, running, planned: points.length, level };
}
