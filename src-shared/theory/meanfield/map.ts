// A map of the depth scale ξ over the (σ_w², σ_b²) plane (seed 001 Fig. 3 draws c·ξ₁ on the ordered side and c·ξ*
// on the chaotic side; on its (σ_w², depth) plane σ_b² is fixed, so one row of this map gives both contour lines).
// Speed: rows of fixed σ_b² are swept in increasing σ_w², each cell warm-started from its neighbour's q* and c*.
// For activations without closed forms, c* comes from the Mehler series of the correlation map (hermite-series.ts)
// when its measured truncation error is small, else from direct quadrature.
// Status per cell: 0 ordered (value = ξ₁), 1 critical (|χ₁ − 1| ≤ CRITICAL_TOLERANCE; ξ diverges, value 0),
// 2 chaotic (value = ξ*), 3 no finite fixed point (value 0). Values are always finite numbers, never NaN.
import type { Activation } from './activation';
import { depthScales } from './depth-scales';
import { CRITICAL_TOLERANCE, fixedPoint, resolveActivation, solveQStar, validateMeanFieldParams, type FixedPoint } from './fixed-point';
import { correlationSeries, seriesAt } from './hermite-series';
import { lengthMap } from './nngp-map';
import { brent } from './root';

export const MAP_STATUS = { ordered: 0, critical: 1, chaotic: 2, none: 3 } as const;
export const MAP_CELLS_MAX = 1_000_000;

export interface XiMap {
  nx: number;
  ny: number;
  /** Row-major [j·nx + i] for sigmaW2[i], sigmaB2[j]: ξ₁ (ordered) or ξ* (chaotic), 0 where status says none. */
  xi: Float64Array;
  status: Uint8Array;
  /** χ₁ (0 where there is no finite fixed point and χ₁ depends on q). */
  chi1: Float64Array;
  /** q* (0 where none). */
  qStar: Float64Array;
  /** Cells whose c* came from direct quadrature because the series was not accurate enough. */
  directCells: number;
}

/**
 * c* and χ_c* from the Mehler series, with `accurate` false when the bound on the dropped tail at c* is above
 * 1e-12 (𝒯) / 1e-10 (𝒯̇); c* is then still a good warm start for the direct solve.
 */
function chaoticFromSeries(act: Activation, sigmaW2: number, sigmaB2: number, qStar: number): { cStar: number; chiC: number; accurate: boolean } {
  const s = correlationSeries(act, qStar);
  const K = s.coeffs2.length - 1;
  const h = (c: number) => (sigmaW2 * seriesAt(s, c).T + sigmaB2) / qStar - c;
  let lo = 0;
  let hlo = h(0);
  let cStar = 1;
  if (hlo <= 0) cStar = 0;
  else {
    for (let k = 1; k <= 44; k++) {
      const c = 1 - 2 ** -k;
      const hc = h(c);
      if (hc < 0) {
        cStar = brent(h, lo, c, { xtol: 1e-15 }, hlo, hc);
        break;
      }
      lo = c;
      hlo = hc;
    }
  }
  // the dropped tail at c* is at most c*^{K+1}× (for 𝒯̇: c*^K×) the measured tail at c = 1 (all terms ≥ 0)
  const accurate = cStar ** (K + 1) * s.truncation.T < 1e-12 && cStar ** K * s.truncation.Tdot < 1e-10;
  return { cStar, chiC: sigmaW2 * seriesAt(s, cStar).Tdot, accurate };
}

function cellFixedPoint(act: Activation, sigmaW2: number, sigmaB2: number, hint: { qStar?: number; cStar?: number }, counter: { direct: number }): FixedPoint {
  if (act.closedForms || act.homogeneous) return fixedPoint({ activation: act, sigmaW2, sigmaB2 }, hint);
  const q = solveQStar(act, sigmaW2, sigmaB2, 1, hint.qStar);
  if (q.kind === 'none') return { kind: 'none', reason: q.reason, chi1: null };
  const chi1 = sigmaW2 * lengthMap(act, q.qStar).Tdot;
  if (chi1 <= 1 + CRITICAL_TOLERANCE || q.qStar === 0) return { kind: 'finite', qStar: q.qStar, chi1, cStar: 1, chiC: chi1, marginal: q.marginal };
  const viaSeries = chaoticFromSeries(act, sigmaW2, sigmaB2, q.qStar);
  if (viaSeries.accurate) return { kind: 'finite', qStar: q.qStar, chi1, cStar: viaSeries.cStar, chiC: viaSeries.chiC, marginal: q.marginal };
  counter.direct++;
  return fixedPoint({ activation: act, sigmaW2, sigmaB2 }, { qStar: q.qStar, cStar: viaSeries.cStar });
}

/** ξ over the grid sigmaW2 × sigmaB2. */
export function xiMap(activation: string | Activation, sigmaW2: ArrayLike<number>, sigmaB2: ArrayLike<number>): XiMap {
  const act = resolveActivation(activation);
  const nx = sigmaW2.length;
  const ny = sigmaB2.length;
  if (nx < 1 || ny < 1 || nx * ny > MAP_CELLS_MAX) throw new RangeError(`xiMap: need 1 … ${MAP_CELLS_MAX} cells, got ${nx}×${ny}`);
  for (let i = 0; i < nx; i++) validateMeanFieldParams(sigmaW2[i], 0);
  for (let j = 0; j < ny; j++) validateMeanFieldParams(1, sigmaB2[j]);
  const n = nx * ny;
  const out: XiMap = { nx, ny, xi: new Float64Array(n), status: new Uint8Array(n), chi1: new Float64Array(n), qStar: new Float64Array(n), directCells: 0 };
  const counter = { direct: 0 };
  for (let j = 0; j < ny; j++) {
    let hint: { qStar?: number; cStar?: number } = {};
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      const fp = cellFixedPoint(act, sigmaW2[i], sigmaB2[j], hint, counter);
      const ds = depthScales(fp);
      if (fp.kind === 'none') {
        out.status[k] = MAP_STATUS.none;
        out.chi1[k] = fp.chi1 ?? 0;
        hint = {};
        continue;
      }
      out.qStar[k] = fp.qStar;
      out.chi1[k] = fp.chi1;
      hint = { qStar: fp.qStar > 0 ? fp.qStar : undefined, cStar: fp.cStar < 1 ? fp.cStar : undefined };
      if (ds.phase === 'ordered') {
        out.status[k] = MAP_STATUS.ordered;
        out.xi[k] = ds.xi1 ?? 0;
      } else if (ds.phase === 'chaotic' && ds.xiStar !== null) {
        out.status[k] = MAP_STATUS.chaotic;
        out.xi[k] = ds.xiStar;
      } else out.status[k] = MAP_STATUS.critical;
    }
  }
  out.directCells = counter.direct;
  return out;
}

export interface DepthOverXiMap {
  nx: number;
  ny: number;
  /** Row-major [j·nx + i] for sigmaW2[i], depth[j]: l/ξ (ξ₁ ordered, ξ* chaotic); 0 where status is critical/none. */
  ratio: Float64Array;
  /** Per column i (σ_w²): the MAP_STATUS code and ξ. */
  status: Uint8Array;
  xi: Float64Array;
}

/**
 * The (σ_w², depth) plane of seed 001 Fig. 3 at a fixed σ_b²: depth in units of the phase's depth scale, so the
 * contour l = c·ξ is the level set ratio = c. ξ depends only on σ_w² here, so this costs one row of xiMap.
 */
export function depthOverXiMap(activation: string | Activation, sigmaW2: ArrayLike<number>, sigmaB2: number, depths: ArrayLike<number>): DepthOverXiMap {
  const ny = depths.length;
  for (let j = 0; j < ny; j++) {
    if (!(Number.isFinite(depths[j]) && depths[j] >= 0)) throw new RangeError(`depths must be finite and ≥ 0, got ${depths[j]}`);
  }
  const row = xiMap(activation, sigmaW2, [sigmaB2]);
  const nx = row.nx;
  if (nx * ny > MAP_CELLS_MAX) throw new RangeError(`depthOverXiMap: need ≤ ${MAP_CELLS_MAX} cells, got ${nx}×${ny}`);
  const ratio = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const s = row.status[i];
      if ((s === MAP_STATUS.ordered || s === MAP_STATUS.chaotic) && row.xi[i] > 0) ratio[j * nx + i] = depths[j] / row.xi[i];
    }
  }
  return { nx, ny, ratio, status: row.status, xi: row.xi };
}
