// The "Trainability" tab's plane (issue 5 item 3; Xiao et al. 2020, Figs. 1–3), free of DOM and Svelte: the
// theory background of the (σ_w², depth) plane computed column by column so the UI stays responsive, the c·ξ₁ / c·ξ*
// contour lines (d3-contour) and measured sweep cells as tiles. The NTK along depth is in trainability-ntk.ts, the
// exports in trainability-export.ts, the lab jobs and the sweep session in trainability-jobs.ts.
import { contours, interpolateBrBG, interpolateViridis } from 'd3';
import { CHANCE_ACCURACY, type AxisSpec, type CellRecord, type GridSpec } from '../../src-shared/contract/trainability';
import { MEASURABLE_ACTIVATIONS as MEASURABLE } from '../../src-shared/network/activations';
import {
  MAP_STATUS,
  criticalPoint,
  resolveActivation,
  validateMeanFieldParams,
  xiMap,
} from '../../src-shared/theory/meanfield';

// ---------------------------------------------------------------------------------------------------------
// Conventions

/**
 * Default multiple c of the depth-scale contours l = c·ξ. Xiao et al.'s Fig. 3 text does not state it (digest §1.7);
 * we take Schoenholz et al. (2017)'s 6ξ, which is also ≈ log(2ρt) = log(180) ≈ 5.2 for the default step budget
 * (the digest's heuristic trainability boundary l ≈ ξ₁·log(2ρt)). Adjustable in the UI.
 */
export const DEFAULT_C = 6;
/** Activations the engine's sweeps and samplers support (the mean-field theory knows more). */
export const MEASURABLE_ACTIVATIONS: readonly string[] = MEASURABLE;
export type PlaneAxis = 'depth' | 'depthToWidth';

/** Default σ_w² window: the x ticks of Xiao et al. 2020, Fig. 3 (0.5 … 4), padded by half a default cell. */
const SIGMA_DOMAIN: readonly [number, number] = [0.25, 4.25];
/** Default depth window when no grid is planned. */
const DEPTH_TOP = 60;

// ---------------------------------------------------------------------------------------------------------
// Grid and tiles

/** The values of one sweep axis ({values} or {min, max, count} evenly spaced, ends included). */
export function axisValues(a: AxisSpec): number[] {
  if ('values' in a) return [...a.values];
  if (a.count === 1) return [a.min];
  return Array.from({ length: a.count }, (_, k) =>
    k === a.count - 1 ? a.max : a.min + ((a.max - a.min) * k) / (a.count - 1),
  );
}

/** Distinct sorted σ_w² and depths L of a grid at width M (λ axis: L = max(1, round(λM)), as the engine does). */
export function gridPoints(grid: GridSpec, width: number): { sigmaW2: number[]; depths: number[] } {
  const sigmaW2 = [...new Set(axisValues(grid.sigmaW2))].sort((a, b) => a - b);
  const depths = grid.depth
    ? axisValues(grid.depth)
    : axisValues(grid.depthToWidth!).map((l) => Math.max(1, Math.round(l * width)));
  return { sigmaW2, depths: [...new Set(depths)].sort((a, b) => a - b) };
}

/** Tile edges around sorted centres: midpoints inside, half the neighbouring gap outside (±0.5 for a single value). */
export function tileEdges(centres: readonly number[]): number[] {
  const n = centres.length;
  if (n === 0) return [];
  if (n === 1) return [centres[0] - 0.5, centres[0] + 0.5];
  const e = [centres[0] - (centres[1] - centres[0]) / 2];
  for (let k = 0; k < n - 1; k++) e.push((centres[k] + centres[k + 1]) / 2);
  e.push(centres[n - 1] + (centres[n - 1] - centres[n - 2]) / 2);
  return e;
}

/** The plotted y of a depth L. */
const yOfDepth = (depth: number, axis: PlaneAxis, width: number): number => (axis === 'depth' ? depth : depth / width);

export interface PlaneDomain {
  x: [number, number];
  y: [number, number];
}

/** The window: Xiao et al.'s σ_w² range and the planned grid's tiles, y from 0. */
export function planeDomain(grid: GridSpec | null, axis: PlaneAxis, width: number): PlaneDomain {
  let x: [number, number] = [SIGMA_DOMAIN[0], SIGMA_DOMAIN[1]];
  let yTop = yOfDepth(DEPTH_TOP, axis, width);
  if (grid) {
    const g = gridPoints(grid, width);
    const xe = tileEdges(g.sigmaW2);
    const ye = tileEdges(g.depths.map((d) => yOfDepth(d, axis, width)));
    x = [Math.max(1e-3, Math.min(x[0], xe[0])), Math.max(x[1], xe[xe.length - 1])];
    yTop = ye[ye.length - 1];
  }
  return { x, y: [0, yTop] };
}

export interface Tile {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  cell: CellRecord;
}

/** One tile per finished cell, placed on the planned grid's tiles (cells off the grid are skipped). */
export function cellTiles(cells: readonly CellRecord[], grid: GridSpec, axis: PlaneAxis, width: number): Tile[] {
  const g = gridPoints(grid, width);
  const xe = tileEdges(g.sigmaW2);
  const ye = tileEdges(g.depths.map((d) => yOfDepth(d, axis, width)));
  const out: Tile[] = [];
  for (const cell of cells) {
    const i = g.sigmaW2.findIndex((s) => Math.abs(s - cell.sigmaW2) <= 1e-9 * Math.max(1, s));
    const j = g.depths.indexOf(cell.depth);
    if (i < 0 || j < 0) continue;
    out.push({ x0: xe[i], x1: xe[i + 1], y0: ye[j], y1: ye[j + 1], cell });
  }
  return out;
}

/** Accuracy colour: chance (0.1) … 1 on viridis; values below chance take the chance colour. */
export function accuracyColour(acc: number): string {
  const t = (Math.min(1, Math.max(CHANCE_ACCURACY, acc)) - CHANCE_ACCURACY) / (1 - CHANCE_ACCURACY);
  return interpolateViridis(t);
}

// ---------------------------------------------------------------------------------------------------------
// Theory background: ξ per σ_w² column (it does not depend on depth), computed progressively

export interface TheoryColumns {
  activation: string;
  sigmaB2: number;
  /** σ_w² at the column centres. */
  xs: Float64Array;
  /** MAP_STATUS per column (ordered, critical, chaotic, none). */
  status: Uint8Array;
  /** ξ₁ (ordered) or ξ* (chaotic); 0 where undefined. */
  xi: Float64Array;
  chi1: Float64Array;
  /** 1 where the column has been computed. */
  computed: Uint8Array;
  count: number;
}

/** Column order coarse to fine: every 16th, then every 8th, … (a usable picture after the first pass). */
export function coarseToFine(n: number): number[] {
  const order: number[] = [];
  const seen = new Uint8Array(n);
  for (let stride = 16; stride >= 1; stride /= 2) {
    for (let i = 0; i < n; i += stride) {
      if (!seen[i]) {
        seen[i] = 1;
        order.push(i);
      }
    }
  }
  return order;
}

/**
 * Compute ξ column by column (Xiao et al. 2020, §2: ξ₁ = −1/log χ₁, ξ* = −1/(log χ_c* − log χ₁)). A generator: after
 * each
 * column it yields the partly filled columns (the same object, filled in place), so the caller can spread the work
 * over frames and draw the coarse picture early (GELU and SELU need quadrature, tens of ms per column); it returns
 * the finished columns.
 */
export function* theoryColumns(
  activation: string,
  sigmaB2: number,
  x: readonly [number, number],
  nx: number,
): Generator<TheoryColumns, TheoryColumns> {
  const act = resolveActivation(activation);
  validateMeanFieldParams(1, sigmaB2);
  if (!(Number.isInteger(nx) && nx >= 2 && nx <= 2000))
    throw new RangeError(`columns must be an integer in [2, 2000], got ${nx}`);
  if (!(x[0] > 0 && x[1] > x[0] && Number.isFinite(x[1])))
    throw new RangeError(`σ_w² window must satisfy 0 < min < max, got [${x[0]}, ${x[1]}]`);
  const xs = Float64Array.from({ length: nx }, (_, i) => x[0] + ((x[1] - x[0]) * (i + 0.5)) / nx);
  const out: TheoryColumns = {
    activation: act.name,
    sigmaB2,
    xs,
    status: new Uint8Array(nx),
    xi: new Float64Array(nx),
    chi1: new Float64Array(nx),
    computed: new Uint8Array(nx),
    count: 0,
  };
  for (const i of coarseToFine(nx)) {
    const m = xiMap(act, [xs[i]], [sigmaB2]);
    out.status[i] = m.status[0];
    out.xi[i] = m.xi[0];
    out.chi1[i] = m.chi1[0];
    out.computed[i] = 1;
    out.count++;
    yield out;
  }
  return out;
}

/** Drive a generator for at most `budgetMs`; true when it finished. */
export function runFor<Y, T>(
  gen: Generator<Y, T>,
  budgetMs: number,
  now: () => number = () => performance.now(),
): { done: true; value: T } | { done: false; last: Y } {
  const t0 = now();
  for (;;) {
    const r = gen.next();
    if (r.done) return { done: true, value: r.value };
    if (now() - t0 >= budgetMs) return { done: false, last: r.value };
  }
}

/** Index of the computed column nearest to i (columns not computed yet borrow it), or −1. */
function nearestComputed(cols: TheoryColumns, i: number): number {
  const n = cols.xs.length;
  for (let d = 0; d < n; d++) {
    if (i - d >= 0 && cols.computed[i - d]) return i - d;
    if (i + d < n && cols.computed[i + d]) return i + d;
  }
  return -1;
}

/** log₁₀(L/ξ) at depth L for column i; −∞ on the critical line (ξ = ∞); NaN where there is no finite fixed point. */
export function log10DepthOverXi(cols: TheoryColumns, i: number, depth: number): number {
  const k = nearestComputed(cols, i);
  if (k < 0) return Number.NaN;
  const s = cols.status[k];
  if (s === MAP_STATUS.none) return Number.NaN;
  if (s === MAP_STATUS.critical || depth <= 0) return Number.NEGATIVE_INFINITY;
  const xi = cols.xi[k];
  return xi > 0 ? Math.log10(depth / xi) : Number.POSITIVE_INFINITY; // ξ = 0⁺ (χ₁ = 0): any depth is "deep"
}

/** Colour range of log₁₀(L/ξ). */
export const RATIO_DOMAIN: readonly [number, number] = [-1.5, 1.5];
/** Muted diverging ramp (brown: deep, L ≫ ξ; teal: shallow) so the measured tiles stand out. */
export const ratioColour = (t: number): string => interpolateBrBG(0.15 + 0.7 * (1 - t));
export const NONE_RGB: readonly [number, number, number] = [200, 200, 200];

function rgbOf(css: string): [number, number, number] {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(css);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  const h = /^#([0-9a-f]{6})$/i.exec(css);
  if (h) return [parseInt(h[1].slice(0, 2), 16), parseInt(h[1].slice(2, 4), 16), parseInt(h[1].slice(4, 6), 16)];
  throw new RangeError(`cannot parse colour ${css}`);
}

const RATIO_LUT = Array.from({ length: 256 }, (_, k) => rgbOf(ratioColour(k / 255)));

/** Depth at the centre of raster row j (row 0 at the top). */
const rowDepth = (j: number, ny: number, y: readonly [number, number], axis: PlaneAxis, width: number): number => {
  const yv = y[1] - ((y[1] - y[0]) * (j + 0.5)) / ny;
  return axis === 'depth' ? yv : yv * width;
};

/**
 * RGBA raster (nx × ny, row 0 at the top) of log₁₀(L/ξ); NONE_RGB where there is no finite fixed point. Returns the
 * number of such pixels (the legend counts them; they are hatched on top, never coloured).
 */
export function paintTheory(
  cols: TheoryColumns,
  ny: number,
  y: readonly [number, number],
  axis: PlaneAxis,
  width: number,
  out: Uint8ClampedArray,
): { none: number } {
  const nx = cols.xs.length;
  if (out.length !== 4 * nx * ny) throw new RangeError(`raster needs ${4 * nx * ny} bytes, got ${out.length}`);
  let none = 0;
  for (let j = 0; j < ny; j++) {
    const depth = rowDepth(j, ny, y, axis, width);
    for (let i = 0; i < nx; i++) {
      const v = log10DepthOverXi(cols, i, depth);
      const p = 4 * (j * nx + i);
      let rgb: readonly number[];
      if (Number.isNaN(v)) {
        rgb = NONE_RGB;
        none++;
      } else {
        const t =
          (Math.min(RATIO_DOMAIN[1], Math.max(RATIO_DOMAIN[0], v)) - RATIO_DOMAIN[0]) /
          (RATIO_DOMAIN[1] - RATIO_DOMAIN[0]);
        rgb = RATIO_LUT[Math.round(t * 255)];
      }
      out[p] = rgb[0];
      out[p + 1] = rgb[1];
      out[p + 2] = rgb[2];
      out[p + 3] = 255;
    }
  }
  return { none };
}

/**
 * σ_w² intervals [x0, x1] of consecutive columns with no finite fixed point (drawn hatched, legend "no finite fixed
 * point").
 */
export function noneRanges(cols: TheoryColumns, x: readonly [number, number]): { x0: number; x1: number }[] {
  const nx = cols.xs.length;
  const dx = (x[1] - x[0]) / nx;
  const out: { x0: number; x1: number }[] = [];
  let start = -1;
  for (let i = 0; i <= nx; i++) {
    const k = i < nx ? nearestComputed(cols, i) : -1;
    const isNone = k >= 0 && cols.status[k] === MAP_STATUS.none;
    if (isNone && start < 0) start = i;
    if (!isNone && start >= 0) {
      out.push({ x0: x[0] + start * dx, x1: x[0] + i * dx });
      start = -1;
    }
  }
  return out;
}

/**
 * criticalPoint (χ₁ = 1) memoized per (φ, σ_b²): for GELU it takes ~2 s, and the Explore plane and this tab both
 * ask for it.
 */
const criticalMemo = new Map<string, { sigmaW2: number | null; reason: string }>();
export function criticalLine(activation: string, sigmaB2: number): { sigmaW2: number | null; reason: string } {
  const key = `${activation}|${sigmaB2}`;
  let hit = criticalMemo.get(key);
  if (!hit) {
    const p = criticalPoint(activation, sigmaB2);
    hit = { sigmaW2: p.sigmaW2, reason: p.reason ?? '' };
    if (criticalMemo.size >= 64) criticalMemo.delete(criticalMemo.keys().next().value as string);
    criticalMemo.set(key, hit);
  }
  return hit;
}

// ---------------------------------------------------------------------------------------------------------
// Contours

export type Polyline = [number, number][];

/**
 * Level set of a row-major nx × ny field (row j, column i) by d3-contour's marching squares, as open polylines in
 * grid coordinates (sample (i, j) sits at (i + 0.5, j + 0.5)); the rings' runs along the grid border, which
 * d3-contour adds to close its polygons, are dropped. NaN cells count as below every level.
 */
export function contourLines(values: ArrayLike<number>, nx: number, ny: number, level: number): Polyline[] {
  if (values.length !== nx * ny) throw new RangeError(`field has ${values.length} values, expected ${nx}×${ny}`);
  if (!Number.isFinite(level)) throw new RangeError(`contour level must be finite, got ${level}`);
  const mp = contours().size([nx, ny]).contour(Array.from(values), level);
  const onBorder = (p: readonly number[]) => p[0] === 0 || p[0] === nx || p[1] === 0 || p[1] === ny;
  // a segment with both ends on the border runs along it (or cuts a corner cell diagonally): not part of the level set
  const borderSegment = (a: readonly number[], b: readonly number[]) => onBorder(a) && onBorder(b);
  const lines: Polyline[] = [];
  for (const polygon of mp.coordinates) {
    for (const ring of polygon) {
      // ring is closed (last = first); split it at border segments
      const n = ring.length - 1;
      if (n < 2) continue;
      // start right after a border segment, if any, so no line wraps around the ring's seam
      let s = 0;
      for (let k = 0; k < n; k++) {
        if (borderSegment(ring[k], ring[(k + 1) % n])) {
          s = (k + 1) % n;
          break;
        }
      }
      let cur: Polyline = [];
      for (let t = 0; t <= n; t++) {
        const a = ring[(s + t) % n];
        const b = ring[(s + t + 1) % n];
        if (cur.length === 0) cur.push([a[0], a[1]]);
        if (t < n && borderSegment(a, b)) {
          if (cur.length > 1) lines.push(cur);
          cur = [];
        } else if (t < n) cur.push([b[0], b[1]]);
      }
      if (cur.length > 1) lines.push(cur);
    }
  }
  return lines;
}

export interface DepthScaleContours {
  /** L = c·ξ₁ on the ordered side. */
  ordered: Polyline[];
  /** L = c·ξ* on the chaotic side. */
  chaotic: Polyline[];
}

/**
 * The lines L = c·ξ₁ (ordered side) and L = c·ξ* (chaotic side) in data coordinates (σ_w², y), from the level
 * log₁₀ c of log₁₀(L/ξ) on an nx × ny grid over the window; each side's field is NaN on the other side.
 */
export function depthScaleContours(
  cols: TheoryColumns,
  c: number,
  y: readonly [number, number],
  axis: PlaneAxis,
  width: number,
  ny: number,
): DepthScaleContours {
  if (!(Number.isFinite(c) && c > 0)) throw new RangeError(`c must be a finite number > 0, got ${c}`);
  const nx = cols.xs.length;
  const x0 = cols.xs[0] - (cols.xs[1] - cols.xs[0]) / 2;
  const dx = cols.xs[1] - cols.xs[0];
  const dy = (y[1] - y[0]) / ny;
  const side = (want: number) => {
    const f = new Float64Array(nx * ny);
    for (let j = 0; j < ny; j++) {
      const yv = y[0] + (j + 0.5) * dy; // row j from the bottom here: data y increases with j
      const depth = axis === 'depth' ? yv : yv * width;
      for (let i = 0; i < nx; i++) {
        const k = nearestComputed(cols, i);
        const s = k < 0 ? MAP_STATUS.none : cols.status[k];
        f[j * nx + i] =
          s === want
            ? log10DepthOverXi(cols, i, depth)
            : s === MAP_STATUS.critical
              ? Number.NEGATIVE_INFINITY
              : Number.NaN;
      }
    }
    return contourLines(f, nx, ny, Math.log10(c)).map((line) =>
      line.map(([u, v]) => [x0 + u * dx, y[0] + v * dy] as [number, number]),
    );
  };
  return { ordered: side(MAP_STATUS.ordered), chaotic: side(MAP_STATUS.chaotic) };
}
