// The (σ_w², λ = L/M) plane of Seleznova & Kutyniok 2022, §3: its axes, the raster the heat map samples, and the
// cursor's moves.
// Pure: no DOM. Cells are sampled at their centres; the cursor moves freely but steps by exactly one cell.

export interface Axis {
  readonly min: number;
  readonly max: number;
  /** Number of heat-map cells along this axis. */
  readonly cells: number;
}

/**
 * The plotted window: σ_w² ∈ [0.5, 4] (EOC at 2 in the middle third), λ ∈ [0, 1.5] (Seleznova & Kutyniok 2022, Fig. 1
 * reaches λ = 0.5).
 */
export const PLANE = {
  sigmaW2: { min: 0.5, max: 4, cells: 200 },
  depthToWidth: { min: 0, max: 1.5, cells: 150 },
} as const satisfies Record<string, Axis>;

/** σ_w² at the edge of chaos for ReLU with σ_b = 0 (a = σ_w²/2 = 1, Seleznova & Kutyniok 2022, §2.2). */
export const EOC_SIGMA_W2 = 2;

export interface Cursor {
  sigmaW2: number;
  depthToWidth: number;
}

export const DEFAULT_CURSOR: Cursor = { sigmaW2: 2, depthToWidth: 0.5 };

/** Width of one cell in axis units. */
export function cellStep(axis: Axis): number {
  return (axis.max - axis.min) / axis.cells;
}

/** Cell-centre coordinates: min + (i + ½)·step, i = 0 … cells−1. */
export function cellCentres(axis: Axis): Float64Array {
  const step = cellStep(axis);
  const out = new Float64Array(axis.cells);
  for (let i = 0; i < axis.cells; i++) out[i] = tidy(axis.min + (i + 0.5) * step);
  return out;
}

/** Evenly spaced points including both ends (for line plots): min + i·(max−min)/(count−1). */
export function linspace(min: number, max: number, count: number): Float64Array {
  if (!Number.isInteger(count) || count < 2) throw new RangeError(`linspace needs an integer count ≥ 2 (got ${count})`);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = tidy(min + (i * (max - min)) / (count - 1));
  return out;
}

/**
 * Remove binary round-off from decimal-looking coordinates (0.5 + 3·0.0175 → 0.5525, not 0.5525000000000001),
 * so stepped and typed cursors agree and the phase test σ_w² = 2 is exact. 12 significant digits is far below
 * any cell (≥ 10⁻⁴ of the range).
 */
export function tidy(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  return Number(v.toPrecision(12));
}

function clampToAxis(v: number, axis: Axis): number {
  if (Number.isNaN(v)) throw new RangeError('cannot clamp NaN to the plane');
  return Math.min(axis.max, Math.max(axis.min, v));
}

export function clampCursor(c: Cursor): Cursor {
  return {
    sigmaW2: tidy(clampToAxis(c.sigmaW2, PLANE.sigmaW2)),
    depthToWidth: tidy(clampToAxis(c.depthToWidth, PLANE.depthToWidth)),
  };
}

/** Move the cursor by whole cells (arrow keys), clamped to the axes. */
export function stepCursor(c: Cursor, dxCells: number, dyCells: number): Cursor {
  return clampCursor({
    sigmaW2: c.sigmaW2 + dxCells * cellStep(PLANE.sigmaW2),
    depthToWidth: c.depthToWidth + dyCells * cellStep(PLANE.depthToWidth),
  });
}

/** Depth realized at λ for width M: L = max(1, round(λM)) — the same rule as the theory's dispersionGrid. */
export function depthFromLambda(depthToWidth: number, width: number): number {
  if (!Number.isFinite(depthToWidth) || depthToWidth < 0)
    throw new RangeError(`λ = L/M must be a finite number ≥ 0 (got ${depthToWidth})`);
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`width M must be an integer ≥ 1 (got ${width})`);
  return Math.max(1, Math.round(depthToWidth * width));
}
