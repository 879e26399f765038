// A map of the depth scale ξ over the (σ_w², σ_b²) plane (Xiao et al. 2020, Fig. 3 draws c·ξ₁ on the ordered side and
// c·ξ*
// on the chaotic side; on its (σ_w², depth) plane σ_b² is fixed, so one row of this map gives both contour lines).
// Speed: rows of fixed σ_b² are swept in increasing σ_w², each cell warm-started from its neighbour's q* and c*.
// For activations without closed forms, c* comes from the Mehler series of the correlation map (hermite-series.ts)
// when its measured truncation error is small, else from direct quadrature.
// Status per cell: 0 ordered (value = ξ₁), 1 critical (|χ₁ − 1| ≤ CRITICAL_TOLERANCE; ξ diverges, value 0),
// 2 chaotic (value = ξ*), 3 no finite fixed point (value 0). Values are always finite numbers, never NaN.
import type { Activation, SmoothedPair } from './activation';
import { depthScales } from './depth-scales';
import {
  CRITICAL_TOLERANCE,
  fixedPoint,
  resolveActivation,
  solveQStar,
  validateMeanFieldParams,
  type FixedPoint,
} from './fixed-point';
import { compositeRule, type NormalRule } from './gauss';
import { nngpMapQuadrature } from './nngp-map';
import { brent } from './root';
import { TABLE_SERIES_TERMS, qTable, type QTable } from './tables';

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

/** 𝒯 and d𝒯/dc = q𝒯̇ on the slice Σ = q[[1, c], [c, 1]] from the Mehler coefficients a_k², k ≤ n (Horner). */
function mehlerAt(a2: Float64Array, n: number, c: number, out: Float64Array): void {
  let T = 0;
  let D = 0;
  for (let k = n; k >= 1; k--) {
    T = T * c + a2[k];
    D = D * c + k * a2[k];
  }
  out[0] = T * c + a2[0];
  out[1] = D;
}

const coeffs2 = new Float64Array(TABLE_SERIES_TERMS + 1);
const pair = new Float64Array(2);

/**
 * c* and χ_c* from the Mehler series at q* (coefficients interpolated from the table), with `accurate` false when
 * the bound on the dropped tail at c* is above 1e-12 (𝒯) / 1e-10 (𝒯̇) or q* is off the table; c* is then still a
 * good warm start for the direct solve.
 * h(c) = (σ_w²𝒯(c) + σ_b²)/q* − c is convex on [0, 1] (all a_k² ≥ 0), h(0) ≥ 0 and h(1) = 0, so its only root in
 * [0, 1) is c*, and Newton started at any point where h ≥ 0 (or where the tangent slopes down) converges to it
 * monotonically: a neighbour's c* as start needs 2–4 steps.
 */
function chaoticFromSeries(
  table: QTable,
  sigmaW2: number,
  sigmaB2: number,
  qStar: number,
  hint?: number,
): { cStar: number; chiC: number; accurate: boolean } {
  const fit = table.seriesCoeffs2(qStar, coeffs2);
  if (!fit) return { cStar: NaN, chiC: NaN, accurate: false };
  const n = fit.n;
  const h = (c: number) => {
    mehlerAt(coeffs2, n, c, pair);
    return (sigmaW2 * pair[0] + sigmaB2) / qStar - c;
  };
  let cStar = NaN;
  if ((sigmaW2 * coeffs2[0] + sigmaB2) / qStar <= 0)
    cStar = 0; // h(0) ≤ 0
  else {
    let c = hint !== undefined && hint > 0 && hint < 1 ? hint : 0;
    for (let it = 0; it < 60; it++) {
      mehlerAt(coeffs2, n, c, pair);
      const hc = (sigmaW2 * pair[0] + sigmaB2) / qStar - c;
      const slope = (sigmaW2 * pair[1]) / qStar - 1;
      if (!(slope < 0)) {
        if (c === 0) break; // h′(0) ≥ 0 with h(0) > 0: no root below 1 (χ₁ within rounding of 1)
        c = 0; // a start right of the minimum of h: restart from 0
        continue;
      }
      const next = Math.max(0, c - hc / slope);
      const step = Math.abs(next - c);
      c = next;
      // quadratic convergence: once a step is ≤ 1e-9 the next one is at rounding level, so take it and stop
      if (step <= 1e-9 || it === 59) {
        if (step > 1e-9) break;
        mehlerAt(coeffs2, n, c, pair);
        const slopeLast = (sigmaW2 * pair[1]) / qStar - 1;
        if (slopeLast < 0) cStar = Math.max(0, c - ((sigmaW2 * pair[0] + sigmaB2) / qStar - c) / slopeLast);
        break;
      }
    }
    if (!(cStar < 1 - 1e-13)) {
      // as solveCStar (fixed-point.ts): bracket the first sign change on c = 1 − 2^−k, then Brent
      cStar = 1;
      let lo = 0;
      let hlo = h(0);
      for (let k = 1; k <= 44; k++) {
        const ck = 1 - 2 ** -k;
        const hk = h(ck);
        if (hk < 0) {
          cStar = brent(h, lo, ck, { xtol: 1e-15 }, hlo, hk);
          break;
        }
        lo = ck;
        hlo = hk;
      }
    }
  }
  // the dropped tail at c* is at most c*^{n+1}× (for 𝒯̇: c*^n×) the measured tail at c = 1 (all terms ≥ 0)
  const accurate = cStar < 1 && cStar ** (n + 1) * fit.truncT < 1e-12 && cStar ** n * fit.truncD < 1e-10;
  mehlerAt(coeffs2, n, cStar, pair);
  return { cStar, chiC: (sigmaW2 * pair[1]) / qStar, accurate };
}

function cellFixedPoint(
  act: Activation,
  sigmaW2: number,
  sigmaB2: number,
  hint: { qStar?: number; cStar?: number },
  counter: { direct: number },
): FixedPoint {
  if (act.closedForms || act.homogeneous) return fixedPoint({ activation: act, sigmaW2, sigmaB2 }, hint);
  const table = qTable(act);
  // no warm start for q*: a neighbour's q* can be a stable root the orbit from q⁰ = 1 never reaches (GELU at small
  // σ_b² has one below q⁰ while q diverges from q⁰); with the table a cold solve costs only a few µs anyway
  const q = solveQStar(act, sigmaW2, sigmaB2, 1, undefined, (x) => table.meanSquare(x));
  if (q.kind === 'none') return { kind: 'none', reason: q.reason, chi1: null };
  const chi1 = sigmaW2 * table.meanSquareSlope(q.qStar);
  if (chi1 <= 1 + CRITICAL_TOLERANCE || q.qStar === 0)
    return { kind: 'finite', qStar: q.qStar, chi1, cStar: 1, chiC: chi1, marginal: q.marginal };
  const viaSeries = chaoticFromSeries(table, sigmaW2, sigmaB2, q.qStar, hint.cStar);
  if (viaSeries.accurate)
    return { kind: 'finite', qStar: q.qStar, chi1, cStar: viaSeries.cStar, chiC: viaSeries.chiC, marginal: q.marginal };
  counter.direct++;
  const start = Number.isFinite(viaSeries.cStar) ? viaSeries.cStar : hint.cStar;
  const direct = start !== undefined ? newtonCStar(act, sigmaW2, sigmaB2, q.qStar, start) : null;
  if (direct)
    return { kind: 'finite', qStar: q.qStar, chi1, cStar: direct.cStar, chiC: direct.chiC, marginal: q.marginal };
  return fixedPoint({ activation: act, sigmaW2, sigmaB2 }, { qStar: q.qStar, cStar: start });
}

/**
 * c* by Newton on h(c) = (σ_w²𝒯(c) + σ_b²)/q* − c with 𝒯 and d𝒯/dc = q*𝒯̇ from one direct 2D quadrature pass.
 * h is convex (Mehler: 𝒯 = Σ a_k² c^k with a_k² ≥ 0), so from a start with h ≥ 0, or where the tangent
 * slopes down, the iterates approach c* from the left (a start right of h's minimum is moved towards 0 first).
 * Null when that does not happen within 40 steps.
 */
function newtonCStar(
  act: Activation,
  sigmaW2: number,
  sigmaB2: number,
  qStar: number,
  start: number,
): { cStar: number; chiC: number } | null {
  const smoothed = act.gaussianSmoothing;
  const slice = smoothed
    ? (c: number) => sliceOuterIntegral(act, smoothed, qStar, c)
    : (c: number) => nngpMapQuadrature(act, { s11: qStar, s12: c * qStar, s22: qStar });
  let c = Math.min(Math.max(start, 0), 1 - 1e-12);
  for (let it = 0; it < 40; it++) {
    const v = slice(c);
    const hc = (sigmaW2 * v.T + sigmaB2) / qStar - c;
    const slope = sigmaW2 * v.Tdot - 1;
    if (!(slope < 0)) {
      // right of the minimum of h (between c* and 1): double the distance from 1 and try again
      if (c === 0) return null;
      c = Math.max(0, 1 - 2 * (1 - c));
      continue;
    }
    const next = Math.max(0, c - hc / slope);
    const step = Math.abs(next - c);
    c = next;
    // quadratic convergence: after a step ≤ 1e-9 the error is ~ (h″/2|h′|)·1e-18, so one more Newton step from the
    // slice that also gives χ_c* lands at rounding level (waiting for steps ≤ 1e-13 cost 2–10 more slices, as the
    // quadrature's ~1e-14 noise in h stalls them)
    if (step <= 1e-9) {
      if (!(c < 1)) return null;
      const last = slice(c);
      const slopeLast = sigmaW2 * last.Tdot - 1;
      if (slopeLast < 0) c = Math.max(0, c - ((sigmaW2 * last.T + sigmaB2) / qStar - c) / slopeLast);
      if (!(c < 1)) return null;
      return { cStar: c, chiC: sigmaW2 * last.Tdot };
    }
  }
  return null;
}

/** ξ over the grid sigmaW2 × sigmaB2. */
export function xiMap(activation: string | Activation, sigmaW2: ArrayLike<number>, sigmaB2: ArrayLike<number>): XiMap {
  const act = resolveActivation(activation);
  const nx = sigmaW2.length;
  const ny = sigmaB2.length;
  if (nx < 1 || ny < 1 || nx * ny > MAP_CELLS_MAX)
    throw new RangeError(`xiMap: need 1 … ${MAP_CELLS_MAX} cells, got ${nx}×${ny}`);
  for (let i = 0; i < nx; i++) validateMeanFieldParams(sigmaW2[i], 0);
  for (let j = 0; j < ny; j++) validateMeanFieldParams(1, sigmaB2[j]);
  const n = nx * ny;
  const out: XiMap = {
    nx,
    ny,
    xi: new Float64Array(n),
    status: new Uint8Array(n),
    chi1: new Float64Array(n),
    qStar: new Float64Array(n),
    directCells: 0,
  };
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
 * The (σ_w², depth) plane of Xiao et al. 2020, Fig. 3 at a fixed σ_b²: depth in units of the phase's depth scale, so
 * the
 * contour l = c·ξ is the level set ratio = c. ξ depends only on σ_w² here, so this costs one row of xiMap.
 */
export function depthOverXiMap(
  activation: string | Activation,
  sigmaW2: ArrayLike<number>,
  sigmaB2: number,
  depths: ArrayLike<number>,
): DepthOverXiMap {
  const ny = depths.length;
  for (let j = 0; j < ny; j++) {
    if (!(Number.isFinite(depths[j]) && depths[j] >= 0))
      throw new RangeError(`depths must be finite and ≥ 0, got ${depths[j]}`);
  }
  const row = xiMap(activation, sigmaW2, [sigmaB2]);
  const nx = row.nx;
  if (nx * ny > MAP_CELLS_MAX) throw new RangeError(`depthOverXiMap: need ≤ ${MAP_CELLS_MAX} cells, got ${nx}×${ny}`);
  const ratio = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const s = row.status[i];
      if ((s === MAP_STATUS.ordered || s === MAP_STATUS.chaotic) && row.xi[i] > 0)
        ratio[j * nx + i] = depths[j] / row.xi[i];
    }
  }
  return { nx, ny, ratio, status: row.status, xi: row.xi };
}

const smoothedPair = new Float64Array(2);
const gradedRules = new Map<number, NormalRule>();

/** The composite rule of sliceOuterIntegral for grading 2^−e ≤ δ (cached per e). */
function gradedRule(delta: number): NormalRule {
  const e = Math.min(Math.max(Math.ceil(-Math.log2(delta)), 0), 1100);
  let rule = gradedRules.get(e);
  if (!rule) {
    const breaks: number[] = [0];
    for (let d = 2 ** -e; d < 9; d *= 2) breaks.push(-d, d);
    rule = compositeRule(breaks, { panelWidth: 2, order: 10, cutoff: 9 });
    gradedRules.set(e, rule);
  }
  return rule;
}
const phiPair = new Float64Array(2);

/**
 * 𝒯 and 𝒯̇ on Σ = q[[1, c], [c, 1]] as a 1D integral over u = √q z with the inner Gaussian average in closed form
 * (the registry's gaussianSmoothing, src-shared/network/activations.ts). Both factors change shape within
 * δ = min(1/√q, σ_c/|slope|) of z = 0 (the kink or the smooth bend of φ(√q z); the smoothed kink of the inner mean),
 * so panel edges are graded geometrically from 0:
 * ±δ·2^j, then at most width 2; 10 Gauss–Legendre nodes per panel (checked against 2D quadrature in tables.test.ts).
 * Measured against 40 nodes on width-0.5 panels over q ∈ [0.01, 1e7], c ∈ [0, 1 − 1e-7]: worst error 6e-14 (𝒯,
 * relative to 𝒯 at c → 1) and 3e-13 (𝒯̇) for GELU, 4e-15 for SELU — the old 14 nodes on width-1 panels gave 5e-15
 * with 1.8× the nodes; 8 nodes would give 8e-11 (GELU 𝒯̇).
 * δ is rounded down to a power of 2 (a grading at least as fine) so the few distinct rules are built once and cached.
 */
function sliceOuterIntegral(
  act: Activation,
  smoothed: SmoothedPair,
  q: number,
  c: number,
): { T: number; Tdot: number } {
  const r = Math.sqrt(q);
  const slope = r * c;
  const sc = r * Math.sqrt((1 - c) * (1 + c));
  const delta = Math.min(1 / r, slope > 0 ? sc / slope : Infinity, 1);
  const rule = gradedRule(delta);
  let T = 0;
  let Tdot = 0;
  for (let i = 0; i < rule.z.length; i++) {
    const z = rule.z[i];
    if (act.phiDphi) act.phiDphi(r * z, phiPair);
    else {
      phiPair[0] = act.phi(r * z);
      phiPair[1] = act.dphi(r * z);
    }
    smoothed(slope * z, sc, smoothedPair);
    T += rule.w[i] * phiPair[0] * smoothedPair[0];
    Tdot += rule.w[i] * phiPair[1] * smoothedPair[1];
  }
  return { T, Tdot };
}
