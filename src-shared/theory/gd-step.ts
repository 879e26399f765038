// What Seleznova & Kutyniok 2022 says about the first GD step on a single sample (x, y) (Thm 4.1 = Thm A.10, App. A.3,
// App. B.3):
// ReLU, standard parametrization, σ_b = 0, ‖x⁰‖ = 1, loss ½(f − y)², learning rate η; ΔΘ = Θ_after(x,x) − Θ(x,x).
// The text gives limits, one printed lower-bound expression (chaotic case), a scaling of the ordered-case upper
// bound, the learning-rate scaling η = O(a^{−L}) and the lazy-training law 1/α². It gives no finite-(L, M) curve for
// E[ΔΘ]/E[Θ] (THEORY.md); nothing here pretends otherwise. Re-derivations: docs/gd-step.md.
import { LIMITS, phaseOf } from '../params';
import { reluExactMoments } from './relu-exact-moments';

/** A theoretical statement, tagged by what the text actually provides. */
export type GdStepTheory =
  /** A limit of E[ΔΘ]/E[Θ] as M, L → ∞ with L/M → λ (value 0 or Infinity). */
  | { kind: 'limit'; value: number; note: string }
  /** Not stated in Seleznova & Kutyniok 2022 (only cited). */
  | { kind: 'not-stated'; note: string };

/**
 * Thm 4.1 / A.10, eqs. (21)/(43) and (22)/(44): E[ΔΘ(x,x)]/E[Θ(x,x)] → ∞ in the chaotic phase (a > 1, fixed η) and
 * → 0 in the ordered phase (a < 1). At the EOC Seleznova & Kutyniok 2022 states nothing of its own; it cites Hanin &
 * Nica (2020).
 */
export function gdStepLimit(sigmaW2: number): GdStepTheory {
  checkSigmaW2(sigmaW2);
  const phase = phaseOf(sigmaW2);
  if (phase === 'chaotic')
    return {
      kind: 'limit',
      value: Infinity,
      note: 'Seleznova & Kutyniok 2022, Thm 4.1 eq. (21): E[ΔΘ]/E[Θ] → ∞ as M, L → ∞, L/M → λ, at fixed η (chaotic phase, σ_w² > 2)',
    };
  if (phase === 'ordered')
    return {
      kind: 'limit',
      value: 0,
      note: 'Seleznova & Kutyniok 2022, Thm 4.1 eq. (22): E[ΔΘ]/E[Θ] → 0 as M, L → ∞, L/M → λ (ordered phase, σ_w² < 2)',
    };
  return {
    kind: 'not-stated',
    note: 'edge of chaos: Seleznova & Kutyniok 2022 gives no formula; it cites Hanin & Nica (2020), whose bounds on the relative change are exponential in λ = L/M',
  };
}

/**
 * App. A.3 (Thm A.10, item 1): "the scaling of the learning rate needed to avoid the infinite limit is η = O(a^{−L})".
 * Returns a^{−L} (a = σ_w²/2) and its logarithm (a^{−L} under/overflows for deep nets; log is always finite).
 * A learning-rate control η = η₀·a^{−L} uses this factor.
 */
export function learningRateScale(sigmaW2: number, depth: number): { factor: number; log: number } {
  checkSigmaW2(sigmaW2);
  checkCount(depth, 'depth L', LIMITS.depthMax);
  const log = -depth * Math.log(sigmaW2 / 2);
  return { factor: Math.exp(log), log };
}

/**
 * App. B.3: with f̃ = αf and L̃ = L/α², Θ̃ = α²Θ while the NTK derivative is unchanged, so
 * E[ΔΘ̃]/E[Θ̃] = (1/α²)·E[ΔΘ]/E[Θ] (gradient flow; first order in η for one discrete step).
 */
export function lazyRescaledRelativeChange(relativeChange: number, scale: number): number {
  if (typeof relativeChange !== 'number' || !Number.isFinite(relativeChange))
    throw new RangeError(`relative change must be a finite number (got ${relativeChange})`);
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale === 0)
    throw new RangeError(`scale α must be a finite non-zero number (got ${scale})`);
  return relativeChange / (scale * scale);
}

/**
 * App. B.3 / Remark 3: the rescale that keeps the chaotic-phase change finite grows like α ∝ (σ_w/√2)^L = a^{L/2}.
 * Returns a^{L/2} and its logarithm.
 */
export function lazyScaleForDepth(sigmaW2: number, depth: number): { factor: number; log: number } {
  checkSigmaW2(sigmaW2);
  checkCount(depth, 'depth L', LIMITS.depthMax);
  const log = 0.5 * depth * Math.log(sigmaW2 / 2);
  return { factor: Math.exp(log), log };
}

/** Depths above this are refused by chaoticLowerBound (O(L) work; the cap only bounds request size). */
const GD_BOUND_MAX_DEPTH = LIMITS.depthMax;

export interface ChaoticLowerBound {
  /**
   * B = 2η Σ_{ℓ=1}^{L−1} E[f²‖δ_{ℓ+1}‖²(‖x_{ℓ−1}‖² + 1)], the printed bound on E[|ΔΘ|] (may overflow; see
   * logAbsChange).
   */
  absChange: number;
  logAbsChange: number;
  /** B/E[Θ] with the exact finite-width E[Θ] (relu-exact-moments), the bound on E[|ΔΘ|]/E[Θ]. */
  relAbsChange: number;
  logRelAbsChange: number;
  /** What the bound is and is not. */
  note: string;
}

/**
 * App. A.3, Case 1 (chaotic phase), the first printed inequality, with the expectation evaluated exactly:
 *   E[|ΔΘ(x,x)|] ≥ 2η E[ f(x)² Σ_{ℓ=1}^{L−1} ‖δ_{ℓ+1}‖² (‖x_{ℓ−1}‖² + 1) ]        (ReLU, σ_b = 0, y = 0)
 * (the text sums to L, but δ_{L+1} does not exist). The text then evaluates the expectation to leading order as
 * 4η‖x⁰‖⁴/n₀ · a^{2L−1} Σ_ℓ Π(1 + 1/n_j)Π(1 + 5/n_j); that form is garbled (it drops the width ratios n_{ℓ−1}/n₀ and
 * the bias term, and its power of a is off by one; docs/gd-step.md), so it is not used. Here the expectation is
 * exact at finite widths, from the exact law of the ReLU network (docs/exact-sampler.md):
 *   ‖x_l‖² = (σ_w²/n_{l−1})‖x_{l−1}‖² χ²_{K_l}, f² = (σ_w²/n_{L−1})‖x_{L−1}‖² Z²,
 *   ‖δ_l‖² = f²/‖x_l‖² + (σ_w²/n_l)‖δ_{l+1}‖² χ'²_{K_l−1},   K_l ~ Bin(n_l, ½),
 * which makes f²‖δ_{ℓ+1}‖²‖x_{ℓ−1}‖^{2p} a sum of products of independent per-layer factors (O(L) by recursion).
 *
 * Status: not a proven bound. It is a first-order (gradient-flow, η → 0) statement; of the terms of Θ̇ it keeps only
 * the forward ℓ′ = ℓ + 1 terms, which equal −2η f(f − y)·(…) ≤ 0 when y = 0; the backward ℓ = ℓ′ + 1 terms are
 * identical (so those adjacent terms alone give twice B), and the remaining terms have no fixed sign. For ReLU a
 * discrete step also has units whose pre-activation crosses 0, which adds to E[ΔΘ] at first order in η.
 * Measured E[|ΔΘ|]/η should exceed B/η at small η; tests check this at a few configurations.
 */
export function chaoticLowerBound(sigmaW2: number, widths: ArrayLike<number>, lr: number): ChaoticLowerBound {
  checkSigmaW2(sigmaW2);
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0)
    throw new RangeError(`learning rate η must be a finite number > 0 (got ${lr})`);
  if (!widths || typeof widths.length !== 'number' || widths.length < 2)
    throw new RangeError('widths must list n₀ and at least one hidden width (the bound is empty for L = 1)');
  const L = widths.length;
  if (L > GD_BOUND_MAX_DEPTH) throw new RangeError(`depth must be ≤ ${GD_BOUND_MAX_DEPTH} (got ${L})`);
  for (let l = 0; l < L; l++) checkCount(widths[l], `widths[${l}]`, LIMITS.inputDimMax);
  const n = (l: number) => widths[l];
  // per hidden layer k = 1..L−1, with s = σ_w²/n_{k−1}, K ~ Bin(n_k, ½):
  //   e1 = E[s χ²_K] = s n_k/2,  e2 = E[(s χ²_K)²] = s² n_k(n_k + 5)/4,
  //   eq = E[s χ²_K · (σ_w²/n_k) χ'²_{K−1}] = s σ_w² (n_k − 1)/4
  const lm1 = new Float64Array(L),
    lm2 = new Float64Array(L),
    lmq = new Float64Array(L);
  for (let k = 1; k < L; k++) {
    const ls = Math.log(sigmaW2 / n(k - 1));
    lm1[k] = ls + Math.log(n(k) / 2);
    lm2[k] = 2 * ls + Math.log((n(k) * (n(k) + 5)) / 4);
    lmq[k] = n(k) > 1 ? ls + Math.log((sigmaW2 * (n(k) - 1)) / 4) : -Infinity;
  }
  const lsOut = Math.log(sigmaW2 / n(L - 1)); // f² = (σ_w²/n_{L−1})‖x_{L−1}‖² Z², E Z² = 1, E Z⁴ = 3
  // suffix sums R2[j] = Σ_{k=j}^{L−1} ln e2_k; U_j = Σ_{m=j}^{L−1} Π_{k=j}^{m−1} eq_k · e1_m · Π_{k>m} e2_k; V_j =
  // Π_{k=j}^{L−1} eq_k
  const R2 = new Float64Array(L + 1),
    logU = new Float64Array(L + 1),
    logV = new Float64Array(L + 1);
  R2[L] = 0;
  logU[L] = -Infinity;
  logV[L] = 0;
  for (let j = L - 1; j >= 1; j--) {
    R2[j] = R2[j + 1] + lm2[j];
    logU[j] = logAddExp(lm1[j] + R2[j + 1], lmq[j] + logU[j + 1]);
    logV[j] = lmq[j] + logV[j + 1];
  }
  // ℓ = 1..L−1: E[f²‖δ_{ℓ+1}‖² ‖x_{ℓ−1}‖^{2p}] = Π_{k<ℓ} e_{p+1,k} · e1_ℓ · (3 s_out² U_{ℓ+1} + s_out V_{ℓ+1}), p = 1
  // (weights), 0 (bias)
  let logSum = -Infinity;
  let P1 = 0,
    P2 = 0; // Σ_{k<ℓ} ln e1_k, ln e2_k
  for (let l = 1; l < L; l++) {
    const tail = lm1[l] + logAddExp(Math.log(3) + 2 * lsOut + logU[l + 1], lsOut + logV[l + 1]);
    logSum = logAddExp(logSum, logAddExp(P2 + tail, P1 + tail));
    P1 += lm1[l];
    P2 += lm2[l];
  }
  const logAbs = Math.log(2 * lr) + logSum;
  const m = reluExactMoments(sigmaW2, widths);
  const logRel = logAbs - m.logMeanTheta;
  return {
    absChange: Math.exp(logAbs),
    logAbsChange: logAbs,
    relAbsChange: Math.exp(logRel),
    logRelAbsChange: logRel,
    note: 'Seleznova & Kutyniok 2022, App. A.3 case 1, first inequality, expectation exact at finite width (‖x⁰‖ = 1, y = 0, σ_b = 0); first order in η and not a proven bound (docs/gd-step.md)',
  };
}

export interface OrderedUpperBoundScaling {
  /** ln of η·a^{2L}·L², the factor the text says the upper bound on E[|ΔΘ|] is proportional to (constant not given). */
  logScale: number;
  note: string;
}

/**
 * App. A.3, Case 2 (ordered phase): E[|ΔΘ|] ≤ 2η E[Σ_{ℓ1} θ_W^{ℓ1} Σ_{ℓ2<ℓ1} θ^{ℓ2}] (a heuristic: it drops a
 * term "of zero expectation" inside an absolute value), "proportional to a^{2L}L²", while E[Θ] → 1/(1 − a). Only
 * the proportionality is given (the printed λ-factors of Lemmas A.5/A.7 come without constants, and the θ_Wθ_b
 * one carries 1/(a − 1) < 0 in this phase), so this returns the scaling, not a curve: useful only as a slope.
 */
export function orderedUpperBoundScaling(sigmaW2: number, depth: number, lr: number): OrderedUpperBoundScaling {
  checkSigmaW2(sigmaW2);
  checkCount(depth, 'depth L', LIMITS.depthMax);
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0)
    throw new RangeError(`learning rate η must be a finite number > 0 (got ${lr})`);
  if (phaseOf(sigmaW2) !== 'ordered')
    throw new RangeError(`the ordered-phase upper bound needs σ_w² < 2 (got ${sigmaW2})`);
  return {
    logScale: Math.log(lr) + 2 * depth * Math.log(sigmaW2 / 2) + 2 * Math.log(depth),
    note: 'Seleznova & Kutyniok 2022, App. A.3 case 2: upper bound ∝ η a^{2L} L² (constant not given; heuristic, not proven); relative change → 0 since E[Θ] → 1/(1 − a)',
  };
}

function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  return x > y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
}

function checkSigmaW2(sigmaW2: number): void {
  if (typeof sigmaW2 !== 'number' || !Number.isFinite(sigmaW2) || sigmaW2 <= 0)
    throw new RangeError(`sigmaW2 (σ_w²) must be a finite number > 0 (got ${sigmaW2})`);
  if (sigmaW2 > LIMITS.sigmaW2Max)
    throw new RangeError(`sigmaW2 (σ_w²) must be ≤ ${LIMITS.sigmaW2Max} (got ${sigmaW2})`);
}

function checkCount(v: number, what: string, max: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new RangeError(`${what} must be an integer ≥ 1 (got ${v})`);
  if (v > max) throw new RangeError(`${what} must be ≤ ${max} (got ${v})`);
}
