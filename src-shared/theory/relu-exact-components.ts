// Exact finite-width moments of the two NTK components Θ = Θ_W + Θ_b of a ReLU network (σ_b = 0, ‖x⁰‖ = 1, any
// widths): E[Θ_W], E[Θ_b], E[Θ_W²], E[Θ_b²], E[Θ_WΘ_b], with Θ_W = Σ_l ‖δ_l‖²‖x_{l−1}‖² and Θ_b = Σ_l ‖δ_l‖²
// (Seleznova & Kutyniok 2022, eqs. (4), (19); Seleznova 2024 (thesis), §3.2). Same pair-of-walks DP as
// relu-exact-moments.ts (docs/exact-moments.md), with the walk's origin kept: the shared states B (l ≤ j < m) and
// C (j > m) are split by whether the walk started as a weight term (AW) or a bias term (Ab), so the 6×6 matrix
// E[v vᵀ] carries every component product. O(L). A dead network (some K_j = 0) has Θ_W = 0, Θ_b = 1.
//
// Also the Thm 3.2 counterparts (Seleznova & Kutyniok 2022, eqs. (11)–(15), eq. (13) in its proof-consistent form)
// from ReluMomentRecurrence, and the shares the paper-figure preset plots.
import { ReluMomentRecurrence } from './relu-finite';
import { EXACT_MOMENTS_MAX_DEPTH, EXACT_MOMENTS_MAX_WIDTH } from './relu-exact-moments';

/** ln of the five component moments; each may be −Infinity where the moment underflows (e.g. E[Θ_WΘ_b], a ≪ 1). */
export interface ComponentLogMoments {
  logMeanW: number;
  logMeanB: number;
  logMeanW2: number;
  logMeanB2: number;
  logMeanWB: number;
}

/** The moments themselves (Infinity / 0 where float64 cannot hold them) plus their logs. */
export interface ComponentMoments extends ComponentLogMoments {
  meanW: number;
  meanB: number;
  meanW2: number;
  meanB2: number;
  meanWB: number;
}

/** What the components preset plots: each component's share of E[Θ] or E[Θ²] (they sum to 1 in pairs). */
export interface ComponentShares {
  /** E[Θ_W]/E[Θ]; E[Θ_b]/E[Θ] = 1 − this. */
  meanW: number;
  meanB: number;
  /** E[Θ_W²]/E[Θ²], E[Θ_b²]/E[Θ²], 2E[Θ_WΘ_b]/E[Θ²] (sum 1). */
  secondW: number;
  secondB: number;
  secondWB: number;
}

function withValues(m: ComponentLogMoments): ComponentMoments {
  return {
    ...m,
    meanW: Math.exp(m.logMeanW),
    meanB: Math.exp(m.logMeanB),
    meanW2: Math.exp(m.logMeanW2),
    meanB2: Math.exp(m.logMeanB2),
    meanWB: Math.exp(m.logMeanWB),
  };
}

/** Shares of the components from their log moments (never overflows). */
export function componentShares(m: ComponentLogMoments): ComponentShares {
  const hi1 = Math.max(m.logMeanW, m.logMeanB);
  const w = Math.exp(m.logMeanW - hi1),
    b = Math.exp(m.logMeanB - hi1);
  const logWB2 = m.logMeanWB + Math.LN2;
  const hi2 = Math.max(m.logMeanW2, m.logMeanB2, logWB2);
  const w2 = Math.exp(m.logMeanW2 - hi2),
    b2 = Math.exp(m.logMeanB2 - hi2),
    wb = Math.exp(logWB2 - hi2);
  const s = w2 + b2 + wb;
  return { meanW: w / (w + b), meanB: b / (w + b), secondW: w2 / s, secondB: b2 / s, secondWB: wb / s };
}

/** ln(e^x + e^y) for x, y ∈ [−∞, ∞). */
function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  return x > y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
}

function checkInputs(sigmaW2: number, widths: ArrayLike<number>): void {
  if (typeof sigmaW2 !== 'number' || !Number.isFinite(sigmaW2) || !(sigmaW2 > 0)) {
    throw new RangeError(`sigmaW2 (σ_w²) must be a finite number > 0 (got ${String(sigmaW2)})`);
  }
  if (widths == null || typeof widths.length !== 'number' || widths.length < 1) {
    throw new RangeError('widths must list at least the input dimension n₀ (widths = [n₀, n₁, …, n_{L−1}])');
  }
  if (widths.length > EXACT_MOMENTS_MAX_DEPTH)
    throw new RangeError(`depth (L = widths.length) must be ≤ ${EXACT_MOMENTS_MAX_DEPTH}, got ${widths.length}`);
  for (let l = 0; l < widths.length; l++) {
    const w = widths[l];
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 1 || w > EXACT_MOMENTS_MAX_WIDTH) {
      throw new RangeError(`widths[${l}] must be an integer in [1, ${EXACT_MOMENTS_MAX_WIDTH}] (got ${String(w)})`);
    }
  }
}

// States: weight walk before its breakpoint (AW), bias walk before it (AB), then per origin the backward state B
// (factor q_j) and the state C above the Z² pick-up (factor r_j).
const AW = 0,
  AB = 1,
  BW = 2,
  BB = 3,
  CW = 4,
  CB = 5;
const NS = 6;
const IS_W = [true, false, true, false, true, false];
const IS_C = [false, false, false, false, true, true];
const SCALE_LOG2 = 600;
const BIG = 2 ** SCALE_LOG2;
const SHRINK = 2 ** -SCALE_LOG2;
const SCALE_LN = SCALE_LOG2 * Math.LN2;

/**
 * Exact E[Θ_W], E[Θ_b], E[Θ_W²], E[Θ_b²], E[Θ_WΘ_b] of the NTK diagonal of a ReLU network with σ_b = 0, ‖x⁰‖ = 1,
 * widths = [n₀, n₁, …, n_{L−1}] (L weight layers, scalar output), dead layers included. O(L).
 */
export function reluExactComponentMoments(sigmaW2: number, widths: ArrayLike<number>): ComponentMoments {
  checkInputs(sigmaW2, widths);
  const L = widths.length;
  const logA = Math.log(sigmaW2) - Math.LN2;
  // Normalization: weight terms by a^{L−1} (w_l = n_{l−1}/n₀), bias terms by K^{L−1}, K = max(a, 1)
  // (b_l = a^{L−l}/K^{L−1} ≤ 1), so that neither walk over- or underflows as a whole.
  const logK = Math.max(logA, 0);
  const wOf = (l: number) => widths[l - 1] / widths[0];
  const bOf = (l: number) => Math.exp((L - l) * logA - (L - 1) * logK);

  const m1 = new Float64Array(NS);
  const m2 = new Float64Array(NS * NS);
  const n1 = new Float64Array(NS);
  const n2 = new Float64Array(NS * NS);
  m1[AW] = 1;
  m1[AB] = 1;
  m2[AW * NS + AW] = m2[AW * NS + AB] = m2[AB * NS + AW] = m2[AB * NS + AB] = 1;
  let scale2 = 0;
  let logAlive = 0;

  // transitions: per state up to 3 (target, coefficient, factor kind 0: 1, 1: r, 2: q)
  const to = new Int32Array(NS * 3),
    kind = new Int32Array(NS * 3),
    count = new Int32Array(NS);
  const coef = new Float64Array(NS * 3);
  const mu = new Float64Array(9);
  const set = (s: number, k: number, target: number, c: number, f: number) => {
    to[s * 3 + k] = target;
    coef[s * 3 + k] = c;
    kind[s * 3 + k] = f;
  };

  for (let j = 1; j < L; j++) {
    const n = widths[j];
    const p = -Math.expm1(-n * Math.LN2); // P(K_j ≥ 1) = 1 − 2^{−n}
    logAlive += Math.log1p(-Math.exp(-n * Math.LN2));
    const t = 2 / n;
    // E[f g 1_{K≥1}] for f, g ∈ {1, r, q} (relu-exact-moments.ts, docs/exact-moments.md)
    mu[0] = p;
    mu[1] = mu[3] = 1;
    mu[2] = mu[6] = 1 - (2 * p) / n;
    mu[4] = 1 + 5 / n;
    mu[5] = mu[7] = 1 - 1 / n;
    mu[8] = 1 + 1 / n - (4 * p) / (n * n);
    // weight walks step by r_j (x̂ grows); at the breakpoint l = j they take w_j and go to B (q_j) or C (Z²·2/n_j)
    const wj = wOf(j); // n_{j−1}/n₀: the a^{L−1} of w_j is factored out of every weight walk
    const bj = bOf(j);
    count[AW] = 3;
    set(AW, 0, AW, 1, 1);
    set(AW, 1, BW, wj, 2);
    set(AW, 2, CW, wj * t, 0);
    count[AB] = 3;
    set(AB, 0, AB, 1, 0);
    set(AB, 1, BB, bj, 2);
    set(AB, 2, CB, bj * t, 0);
    count[BW] = 2;
    set(BW, 0, BW, 1, 2);
    set(BW, 1, CW, t, 0);
    count[BB] = 2;
    set(BB, 0, BB, 1, 2);
    set(BB, 1, CB, t, 0);
    count[CW] = 1;
    set(CW, 0, CW, 1, 1);
    count[CB] = 1;
    set(CB, 0, CB, 1, 1);

    n1.fill(0);
    n2.fill(0);
    for (let s = 0; s < NS; s++) {
      const v1 = m1[s];
      for (let ka = 0; ka < count[s]; ka++) {
        const ia = s * 3 + ka;
        n1[to[ia]] += coef[ia] * mu[kind[ia]] * v1;
        for (let u = 0; u < NS; u++) {
          const v2 = m2[s * NS + u];
          if (v2 === 0) continue;
          for (let kb = 0; kb < count[u]; kb++) {
            const ib = u * 3 + kb;
            n2[to[ia] * NS + to[ib]] += coef[ia] * coef[ib] * mu[kind[ia] * 3 + kind[ib]] * v2;
          }
        }
      }
    }
    m1.set(n1);
    let big = 0;
    for (let i = 0; i < NS * NS; i++) big = Math.max(big, n2[i]);
    if (big > BIG) {
      for (let i = 0; i < NS * NS; i++) n2[i] *= SHRINK;
      scale2 += SCALE_LN;
    }
    m2.set(n2);
  }

  // alive part: Θ_W/a^{L−1} = Σ_{s∈W} u_s v_s, Θ_b/K^{L−1} = Σ_{s∈b} u_s v_s, u = (w_L, b_L, 1, 1, Z², Z²),
  // E[Z²] = 1, E[Z⁴] = 3
  const u = [wOf(L), bOf(L), 1, 1, 1, 1];
  let w1 = 0,
    b1 = 0;
  for (let s = 0; s < NS; s++) {
    if (IS_W[s]) w1 += u[s] * m1[s];
    else b1 += u[s] * m1[s];
  }
  let ww = 0,
    bb = 0,
    wb = 0;
  for (let s = 0; s < NS; s++) {
    for (let q = 0; q < NS; q++) {
      const e = (IS_C[s] && IS_C[q] ? 3 : u[s] * u[q]) * m2[s * NS + q];
      if (IS_W[s] && IS_W[q]) ww += e;
      else if (!IS_W[s] && !IS_W[q]) bb += e;
      else if (IS_W[s]) wb += e; // each (W, b) pair once; its mirror (b, W) is the same expectation
    }
  }
  // dead networks (probability 1 − P(alive)): Θ_W = 0, Θ_b = 1
  const logDead = logAlive === 0 ? -Infinity : Math.log(-Math.expm1(logAlive));
  const lW = (L - 1) * logA,
    lK = (L - 1) * logK;
  return withValues({
    logMeanW: lW + Math.log(w1),
    logMeanB: logAddExp(lK + Math.log(b1), logDead),
    logMeanW2: 2 * lW + Math.log(ww) + scale2,
    logMeanB2: logAddExp(2 * lK + Math.log(bb) + scale2, logDead),
    logMeanWB: lW + lK + Math.log(wb) + scale2,
  });
}

/**
 * Thm 3.2 component moments (Seleznova & Kutyniok 2022, eqs. (11)–(15), eq. (13) proof-consistent) for
 * widths = [n₀, …, n_{L−1}]; drops the O(M^{−3/2}) terms of Lemma A.4 and the dead-layer event.
 */
export function reluFiniteComponentMoments(sigmaW2: number, widths: ArrayLike<number>): ComponentMoments {
  checkInputs(sigmaW2, widths);
  const rec = new ReluMomentRecurrence(sigmaW2, widths[0]);
  for (let k = 1; k < widths.length; k++) rec.push(widths[k]);
  return withValues(rec.componentLogMoments());
}
