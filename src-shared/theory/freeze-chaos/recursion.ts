// The β line of Jacot et al. 2019 ("Freeze and Chaos for DNNs"): NTK parametrization with σ_w² = 1 − β² and
// σ_b² = β² (Sec. 2.1), a standardized σ (Def. 1) and inputs on the √n₀-sphere, where every kernel is a function of
// ρ = xᵀy/n₀ (App. B). Recursions in the App. B convention (the Sec. 3.1 base case "Σ^{(0)}" is Σ^{(1)}):
//   Σ^{(1)} = β² + (1 − β²)ρ,  Σ^{(ℓ+1)} = β² + (1 − β²)R_σ(Σ^{(ℓ)}),  Σ̇^{(ℓ+1)} = (1 − β²)R_σ̇(Σ^{(ℓ)}),
//   Θ^{(1)} = Σ^{(1)},  Θ^{(ℓ+1)} = Σ^{(ℓ+1)} + Θ^{(ℓ)}Σ̇^{(ℓ+1)}   (Thm 1 unrolled).
// On the diagonal Σ = 1 and Σ̇ = r = (1 − β²)E[σ̇²], so Θ^{(L)}(x,x) = Σ_{ℓ=1}^L r^{L−ℓ} (Sec. 4.1).
// ϑ = Θ(x,y)/Θ(x,x) is propagated in ratio form so that it stays finite when Θ(x,x) ~ r^L overflows.
import { brent } from '../meanfield/root';
import { dualFunctions, type DualFunctions, type DualMethod } from './dual';
import { makeNonlinearity, type Nonlinearity, type NonlinearityMode } from './nonlinearity';

export const FREEZE_CHAOS_MAX_DEPTH = 10_000;
/** |r − 1| at or below this is the edge of chaos. */
export const EDGE_TOLERANCE = 1e-12;

export const FREEZE_CHAOS_PHASES = ['freeze', 'edge', 'chaos'] as const;
export type FreezeChaosPhase = (typeof FREEZE_CHAOS_PHASES)[number];

export function validateBeta(beta: number): void {
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta < 0 || beta > 1)
    throw new RangeError(`beta: must be a number in [0, 1], got ${beta}`);
}

export function validateCos(cos: number): void {
  if (typeof cos !== 'number' || !Number.isFinite(cos) || Math.abs(cos) > 1)
    throw new RangeError(`cos: must be a number in [−1, 1], got ${cos}`);
}

export function validateDepth(depth: number): void {
  if (!Number.isInteger(depth) || depth < 1 || depth > FREEZE_CHAOS_MAX_DEPTH)
    throw new RangeError(`depth: must be an integer in [1, ${FREEZE_CHAOS_MAX_DEPTH}], got ${depth}`);
}

/** r_{σ,β} = (1 − β²)E[σ̇(z)²] (Sec. 4, the "characteristic value"). */
export function characteristicValue(meanSlopeSquare: number, beta: number): number {
  return (1 - beta * beta) * meanSlopeSquare;
}

/** β* = √(1 − 1/E[σ̇²]): r > 1 iff β < β* (Prop. 1); null when E[σ̇²] < 1 (frozen at every β). */
export function criticalBeta(meanSlopeSquare: number): number | null {
  return meanSlopeSquare >= 1 ? Math.sqrt(1 - 1 / meanSlopeSquare) : null;
}

export function phaseOfR(r: number): FreezeChaosPhase {
  return Math.abs(r - 1) <= EDGE_TOLERANCE ? 'edge' : r < 1 ? 'freeze' : 'chaos';
}

export interface FreezeChaosSpec {
  activation: string;
  beta: number;
  nonlinearity: NonlinearityMode;
  /** How R_σ, R_σ̇ are evaluated (default 'auto': closed form where known, else the Chebyshev table). */
  method?: DualMethod | 'auto';
}

export interface FreezeChaosModel {
  readonly activation: string;
  readonly nonlinearity: NonlinearityMode;
  readonly beta: number;
  readonly sigmaW2: number;
  readonly sigmaB2: number;
  readonly meanSlopeSquare: number;
  readonly r: number;
  readonly betaStar: number | null;
  readonly phase: FreezeChaosPhase;
  /** Frozen with a jump in φ′ (ReLU): Thm 3's "weakly frozen" phase, ϑ → 1 at rate √r only. */
  readonly weaklyFrozen: boolean;
  readonly nl: Nonlinearity;
  readonly dual: DualFunctions;
}

export function freezeChaosModel(spec: FreezeChaosSpec): FreezeChaosModel {
  validateBeta(spec.beta);
  const nl = makeNonlinearity(spec.activation, spec.nonlinearity);
  const dual = dualFunctions(nl, spec.method ?? 'auto');
  const r = characteristicValue(nl.meanSlopeSquare, spec.beta);
  const phase = phaseOfR(r);
  return {
    activation: spec.activation,
    nonlinearity: spec.nonlinearity,
    beta: spec.beta,
    sigmaW2: 1 - spec.beta * spec.beta,
    sigmaB2: spec.beta * spec.beta,
    meanSlopeSquare: nl.meanSlopeSquare,
    r,
    betaStar: criticalBeta(nl.meanSlopeSquare),
    phase,
    weaklyFrozen: phase === 'freeze' && nl.derivativeJump,
    nl,
    dual,
  };
}

/** Θ^{(L)}_∞(x, x) = Σ_{ℓ=1}^L r^{L−ℓ} (Horner); RangeError when it overflows float64. */
export function thetaDiagonal(r: number, depth: number): number {
  validateDepth(depth);
  let d = 0;
  for (let l = 0; l < depth; l++) d = d * r + 1;
  if (!Number.isFinite(d))
    throw new RangeError(`depth: Θ(x,x) = Σ r^{L−ℓ} overflows float64 at r = ${r}, L = ${depth}`);
  return d;
}

export interface NtkRecursion {
  /** Index ℓ − 1 for layer ℓ = 1..L: Σ^{(ℓ)}(x,y). */
  sigma: Float64Array;
  /** Σ̇^{(ℓ)}(x,y) for ℓ ≥ 2 (index 0 holds 0: Σ̇^{(1)} does not enter Θ). */
  sigmaDot: Float64Array;
  /** ϑ^{(ℓ)}(x,y) = Θ^{(ℓ)}(x,y)/Θ^{(ℓ)}(x,x). */
  vartheta: Float64Array;
}

/** The NNGP/NTK recursion at ρ = cos∠(x, y) down to depth L (all depths 1..L). */
export function ntkRecursion(model: FreezeChaosModel, cos: number, depth: number): NtkRecursion {
  validateCos(cos);
  validateDepth(depth);
  const { beta, r, dual } = model;
  const b2 = beta * beta;
  const w2 = 1 - b2;
  const sigma = new Float64Array(depth);
  const sigmaDot = new Float64Array(depth);
  const vartheta = new Float64Array(depth);
  let s = b2 + w2 * cos;
  let v = s; // Θ^{(1)}(x,x) = 1
  let invD = 1; // 1/Θ^{(ℓ)}(x,x)
  sigma[0] = s;
  vartheta[0] = v;
  // ρ = 1 is a fixed point (R_σ(1) = 1, Σ̇ = r), and so is ρ = −1 for odd σ at β = 0 (App. B); both repel in chaos,
  // where the rounding of R(±1) would grow like r^ℓ, so they are kept exact
  const oddFixed = b2 === 0 && Math.abs(dual.R(-1) + 1) <= 1e-12;
  for (let l = 1; l < depth; l++) {
    let sd: number;
    if (s === 1) sd = r;
    else if (s === -1 && oddFixed) sd = w2 * dual.Rdot(-1);
    else {
      sd = w2 * dual.Rdot(s);
      s = b2 + w2 * dual.R(s);
    }
    // Θ_{ℓ+1} = Σ_{ℓ+1} + Θ_ℓΣ̇_{ℓ+1} and D_{ℓ+1} = 1 + rD_ℓ, divided through by D_{ℓ+1}
    const invNext = invD / (invD + r);
    v = s * invNext + (v * sd) / (invD + r);
    invD = invNext;
    // |ϑ| ≤ 1 (Cauchy–Schwarz); only rounding can step past it (ρ = −1 of an odd σ)
    v = v > 1 ? 1 : v < -1 ? -1 : v;
    sigma[l] = s;
    sigmaDot[l] = sd;
    vartheta[l] = v;
  }
  return { sigma, sigmaDot, vartheta };
}

/** ϑ^{(L)} at each cosine (the kernel on the circle, Fig. 1 left, divided by Θ(x,x)). */
export function varthetaVsAngle(model: FreezeChaosModel, cosines: ArrayLike<number>, depth: number): Float64Array {
  const out = new Float64Array(cosines.length);
  for (let i = 0; i < cosines.length; i++) out[i] = ntkRecursion(model, cosines[i], depth).vartheta[depth - 1];
  return out;
}

/**
 * Mean of ϑ^{(ℓ)}(x₀, x) over x uniform on a great circle through x₀ (Fig. 1 right), ℓ = 1..L, by the periodic
 * trapezoid rule on `angles` equally spaced angles γ (ρ = cos γ).
 */
export function circleMeanVartheta(model: FreezeChaosModel, depth: number, angles = 512): Float64Array {
  if (!Number.isInteger(angles) || angles < 2) throw new RangeError(`angles: must be an integer ≥ 2, got ${angles}`);
  const mean = new Float64Array(depth);
  // γ and 2π − γ have the same cosine: each of the angles in (0, π) stands for two
  for (let k = 0; 2 * k <= angles; k++) {
    const weight = (k === 0 || 2 * k === angles ? 1 : 2) / angles;
    const rec = ntkRecursion(model, Math.cos((2 * Math.PI * k) / angles), depth);
    for (let l = 0; l < depth; l++) mean[l] += weight * rec.vartheta[l];
  }
  return mean;
}

/** The second fixed point a ∈ [0, 1) of c ↦ β² + (1 − β²)R_σ(c) in chaos (App. B); null unless r > 1. */
export function chaosFixedPoint(model: FreezeChaosModel): number | null {
  if (model.phase !== 'chaos') return null;
  const b2 = model.beta * model.beta;
  const g = (c: number) => b2 + (1 - b2) * model.dual.R(c) - c;
  let lo = 0;
  let glo = g(0);
  if (glo <= 0) return 0;
  for (let k = 1; k <= 50; k++) {
    const c = 1 - 2 ** -k;
    const gc = g(c);
    if (gc < 0) return brent(g, lo, c, { xtol: 1e-15 }, glo, gc);
    lo = c;
    glo = gc;
  }
  return null; // r within rounding of 1: no separate fixed point resolved
}

export interface VarthetaBound {
  /** Which statement: Thm 2 (freeze or chaos), Thm 3 (ReLU-type, weakly frozen). */
  theorem: 'thm2-freeze' | 'thm3-weakly-frozen' | 'thm2-chaos';
  /** Bounds on ϑ^{(ℓ)}(x,y) at depths ℓ = 1..L (index ℓ − 1). */
  lower: Float64Array;
  upper: Float64Array;
  /**
   * The constant: in freeze the paper only says "∃ C", so C is the smallest one for which the bound holds at depths
   * 1..L (an overlay of the rate, fitted); in chaos it is explicit from the proof of Thm 2 (App. B), so null.
   */
  fittedConstant: number | null;
}

/**
 * Thm 2 / Thm 3 bounds on ϑ at ρ = cos over depths 1..L; null at the edge (no statement).
 * Freeze: 1 − C·L·r^L ≤ ϑ ≤ 1 (Thm 2) or 1 − C·r^{L/2} ≤ ϑ ≤ 1 (Thm 3, main-text form).
 * Chaos (proof of Thm 2, App. B): |ϑ^{(L)}| ≤ v(1 − w^L)/(1 − w)·(1 − r)/(1 − r^L) with v = max{|Σ^{(1)}|, a},
 * w = (1 − β²)R_σ̇(v), a the chaos fixed point: |Σ^{(ℓ)}| ≤ v (Lemma 2) and |R_σ̇(ρ)| ≤ R_σ̇(|ρ|) (its Mehler
 * coefficients are ≥ 0).
 */
export function varthetaBounds(model: FreezeChaosModel, cos: number, depth: number): VarthetaBound | null {
  const rec = ntkRecursion(model, cos, depth);
  const { r } = model;
  const lower = new Float64Array(depth);
  const upper = new Float64Array(depth);
  if (model.phase === 'freeze') {
    const weak = model.weaklyFrozen;
    const rate = (l: number) => (weak ? r ** (l / 2) : l * r ** l);
    let c = 0;
    for (let l = 1; l <= depth; l++) {
      const rl = rate(l);
      if (rl > 0) c = Math.max(c, (1 - rec.vartheta[l - 1]) / rl);
    }
    for (let l = 1; l <= depth; l++) {
      lower[l - 1] = 1 - c * rate(l);
      upper[l - 1] = 1;
    }
    return { theorem: weak ? 'thm3-weakly-frozen' : 'thm2-freeze', lower, upper, fittedConstant: c };
  }
  if (model.phase !== 'chaos') return null;
  const a = chaosFixedPoint(model) ?? 1;
  const b2 = model.beta * model.beta;
  const v = Math.max(Math.abs(b2 + (1 - b2) * cos), a);
  const w = (1 - b2) * model.dual.Rdot(v);
  for (let l = 1; l <= depth; l++) {
    const geo = Math.abs(1 - w) < 1e-15 ? l : (1 - w ** l) / (1 - w);
    // (1 − r)/(1 − r^L) = 1/Θ(x,x), in the overflow-safe form r^{−L}(r − 1)/(1 − r^{−L})
    const inv = r ** -l * ((r - 1) / (1 - r ** -l));
    upper[l - 1] = Math.min(1, v * geo * inv);
    lower[l - 1] = -upper[l - 1];
  }
  return { theorem: 'thm2-chaos', lower, upper, fittedConstant: null };
}

export interface FreezeChaosPoint {
  activation: string;
  beta: number;
  nonlinearity: NonlinearityMode;
  depth: number;
  cos: number;
  sigmaW2: number;
  sigmaB2: number;
  r: number;
  phase: FreezeChaosPhase;
  betaStar: number | null;
  /** Θ^{(L)}_∞(x, x) on the √n₀-sphere. */
  thetaDiag: number;
  /** Θ^{(L)}_∞(x, y) at xᵀy/n₀ = cos. */
  theta: number;
  vartheta: number;
  weaklyFrozen: boolean;
  /** E[σ̇(z)²] of the standardized/normalized σ. */
  meanSlopeSquare: number;
  dualMethod: DualMethod;
}

/** Every theory number of the `freeze-chaos` CLI at one (φ, β, mode, L, ρ). */
export function freezeChaosPoint(spec: FreezeChaosSpec, depth: number, cos: number): FreezeChaosPoint {
  const model = freezeChaosModel(spec);
  validateCos(cos);
  const thetaDiag = thetaDiagonal(model.r, depth);
  const vartheta = ntkRecursion(model, cos, depth).vartheta[depth - 1];
  return {
    activation: model.activation,
    beta: model.beta,
    nonlinearity: model.nonlinearity,
    depth,
    cos,
    sigmaW2: model.sigmaW2,
    sigmaB2: model.sigmaB2,
    r: model.r,
    phase: model.phase,
    betaStar: model.betaStar,
    thetaDiag,
    theta: vartheta * thetaDiag,
    vartheta,
    weaklyFrozen: model.weaklyFrozen,
    meanSlopeSquare: model.meanSlopeSquare,
    dualMethod: model.dual.method,
  };
}
