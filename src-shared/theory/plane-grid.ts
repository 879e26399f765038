// Heat-map data for the (σ_w², λ = L/M) plane: predicted NTK dispersion E[Θ²]/E[Θ]² per cell, constant width.
// 'finite' (Thm 3.2) runs one depth recurrence per σ_w² column and reads every λ row on the way, so a column
// costs O(max L) instead of O(Σ_rows L); 'limit' (Thm 3.1) is a closed form per cell.
import { LIMITS } from '../params';
import { ReluMomentRecurrence, validateSigmaW2 } from './relu-finite';
import { limitDispersion } from './relu-limit';

export interface DispersionGridOptions {
  /** σ_w² per column (x axis), each finite, > 0. */
  sigmaW2: ArrayLike<number>;
  /** λ = L/M per row (y axis), each finite, ≥ 0. */
  depthToWidth: ArrayLike<number>;
  /** Hidden width M (integer ≥ 1). */
  width: number;
  /** α₀ = n₀/M (finite, > 0). */
  alpha0: number;
  kind: 'finite' | 'limit';
}

/** Largest grid (cells) accepted: 4·10⁶ float64 = 32 MB. */
export const GRID_CELLS_MAX = 4_000_000;

/** Depth used for row λ at width M: L = max(1, round(λ·M)). */
export function gridDepth(depthToWidth: number, width: number): number {
  return Math.max(1, Math.round(depthToWidth * width));
}

/** The depth L of every row (same order as depthToWidth). */
export function gridDepths(depthToWidth: ArrayLike<number>, width: number): Int32Array {
  const out = new Int32Array(depthToWidth.length);
  for (let j = 0; j < out.length; j++) out[j] = gridDepth(depthToWidth[j], width);
  return out;
}

/** Input dimension for α₀ at width M: n₀ = max(1, round(α₀·M)). */
export function gridInputDim(alpha0: number, width: number): number {
  return Math.max(1, Math.round(alpha0 * width));
}

/**
 * Dispersion on the grid, row-major: out[j * nx + i] belongs to depthToWidth[j], sigmaW2[i].
 * 'finite': reluFiniteMomentsConstant(σ_w²[i], L_j, M, n₀) with L_j = gridDepth(λ_j, M), n₀ = gridInputDim(α₀, M).
 * 'limit': limitDispersion(σ_w²[i], λ_j, α₀) at the requested (continuous) λ_j and α₀; M plays no role there.
 */
export function dispersionGrid(opts: DispersionGridOptions): Float64Array {
  const { sigmaW2, depthToWidth, width, alpha0, kind } = opts;
  if (kind !== 'finite' && kind !== 'limit')
    throw new RangeError(`kind must be 'finite' or 'limit', got ${String(kind)}`);
  if (!Number.isInteger(width) || width < 1 || width > LIMITS.widthMax) {
    throw new RangeError(`width (M) must be an integer in [1, ${LIMITS.widthMax}], got ${String(width)}`);
  }
  if (typeof alpha0 !== 'number' || !Number.isFinite(alpha0) || alpha0 <= 0) {
    throw new RangeError(`alpha0 (α₀ = n₀/M) must be a finite number > 0, got ${String(alpha0)}`);
  }
  const nx = sigmaW2.length,
    ny = depthToWidth.length;
  if (nx * ny > GRID_CELLS_MAX) throw new RangeError(`grid has ${nx}×${ny} cells, more than ${GRID_CELLS_MAX}`);
  for (let i = 0; i < nx; i++) validateSigmaW2(sigmaW2[i]);
  for (let j = 0; j < ny; j++) {
    const lam = depthToWidth[j];
    if (typeof lam !== 'number' || !Number.isFinite(lam) || lam < 0) {
      throw new RangeError(`depthToWidth[${j}] (λ) must be a finite number ≥ 0, got ${String(lam)}`);
    }
  }
  const out = new Float64Array(nx * ny);
  if (kind === 'limit') {
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) out[j * nx + i] = limitDispersion(sigmaW2[i], depthToWidth[j], alpha0);
    return out;
  }

  const depths = gridDepths(depthToWidth, width);
  const n0 = gridInputDim(alpha0, width);
  if (n0 > LIMITS.inputDimMax) throw new RangeError(`inputDim n₀ = round(α₀·M) = ${n0} exceeds ${LIMITS.inputDimMax}`);
  // rows by increasing depth, so one upward pass over L visits them in order
  const order = Array.from({ length: ny }, (_, j) => j).sort((p, q) => depths[p] - depths[q]);
  const maxDepth = ny > 0 ? depths[order[ny - 1]] : 1;
  if (maxDepth > LIMITS.depthMax) throw new RangeError(`depth L = round(λ·M) = ${maxDepth} exceeds ${LIMITS.depthMax}`);
  for (let i = 0; i < nx; i++) {
    const rec = new ReluMomentRecurrence(sigmaW2[i], n0);
    let k = 0;
    while (k < ny) {
      const target = depths[order[k]];
      if (rec.depth < target) rec.pushRepeated(width, target - rec.depth);
      const d = rec.dispersion();
      while (k < ny && depths[order[k]] === target) out[order[k++] * nx + i] = d;
    }
  }
  return out;
}
