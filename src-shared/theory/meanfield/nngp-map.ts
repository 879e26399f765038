// The NNGP map 𝒯 and its derivative map 𝒯̇ on a 2×2 covariance (Xiao et al. 2020, eqs. 2–3; Poole et al. 2016):
//   𝒯(Σ) = E[φ(u)φ(v)],  𝒯̇(Σ) = E[φ′(u)φ′(v)],  (u, v) ~ N(0, Σ).
// 𝒯̇ is also ∂𝒯/∂Σ₁₂ (Price's theorem), which is why σ_w²𝒯̇ is the slope of the covariance map.
// Closed forms (ReLU arc-cosine, erf arcsin, linear) are used when the activation has them; every activation can
// also be evaluated by quadrature, and the tests hold the two against each other.
import type { Activation } from './activation';
import { compositeRule, expectBivariate, validateCov2, type CompositeOptions, type Cov2 } from './gauss';

export interface NngpValues {
  /** 𝒯(Σ) = E[φ(u)φ(v)]. */
  T: number;
  /** 𝒯̇(Σ) = E[φ′(u)φ′(v)]. */
  Tdot: number;
}

/**
 * The composite rule for variance q: panels of width w = min(2.5, 2δ) with δ = halfWidth/√q the distance of the
 * nearest singularity of φ(√q z) from the real axis, so each panel's Bernstein ellipse has ρ = 2δ/w + √(1 + (2δ/w)²)
 * ≥ 1 + √2; the Gauss–Legendre order n is the smallest with ρ^{−2n} < 1e-14, at least 12 (the Gaussian factor needs
 * it), at most 20. Cut-off |z| ≤ 9 drops
 * Gaussian mass 2e-19. Measured against a 4× finer rule: ≤ 5e-10 relative over q ∈ [0.01, 30] (see the tests).
 */
export function quadratureOptions(act: Activation, q: number): CompositeOptions {
  const delta = act.analyticHalfWidth / Math.sqrt(Math.max(q, 1e-300));
  const width = Math.max(0.05, Math.min(2.5, 2 * delta));
  const r = (2 * delta) / width;
  const rho = r + Math.sqrt(1 + r * r);
  const order = Math.min(20, Math.max(12, Math.ceil((14 * Math.LN10) / (2 * Math.log(rho)))));
  return { panelWidth: width, order, cutoff: 9 };
}

const scratch = new Float64Array(2);

/** φ and φ′ at x into out (one shared evaluation when the activation offers it). */
function evalBoth(act: Activation, x: number, out: Float64Array): void {
  if (act.phiDphi) act.phiDphi(x, out);
  else {
    out[0] = act.phi(x);
    out[1] = act.dphi(x);
  }
}

/** 𝒯 and 𝒯̇ by quadrature (never the closed form); one pass evaluates φ and φ′ at the same nodes. */
export function nngpMapQuadrature(act: Activation, cov: Cov2, options?: CompositeOptions): NngpValues {
  validateCov2(cov);
  const opts = options ?? quadratureOptions(act, Math.max(cov.s11, cov.s22));
  const { s11, s12, s22 } = cov;
  if (s11 === 0 || s22 === 0 || Math.abs(s12) >= Math.sqrt(s11 * s22) * (1 - 1e-15)) {
    // degenerate: fall back to the generic routine (handles zero variance and |c| = 1 exactly)
    return {
      T: expectBivariate(act.phi, act.phi, cov, act.kinks, act.kinks, opts),
      Tdot: expectBivariate(act.dphi, act.dphi, cov, act.kinks, act.kinks, opts),
    };
  }
  const r1 = Math.sqrt(s11);
  const slope = s12 / r1;
  const sc = Math.sqrt(Math.max(0, s22 - (s12 * s12) / s11));
  const outerBreaks = act.kinks.map((k) => k / r1);
  if (slope !== 0) {
    const width = sc / Math.abs(slope);
    for (const k of act.kinks) for (const t of [0, -1, 1, -3, 3, -8, 8]) outerBreaks.push(k / slope + t * width);
  }
  const outer = compositeRule(outerBreaks, opts);
  const fixedInner = act.kinks.length === 0 ? compositeRule([], opts) : null;
  let T = 0;
  let Tdot = 0;
  for (let i = 0; i < outer.z.length; i++) {
    evalBoth(act, r1 * outer.z[i], scratch);
    const fu = scratch[0];
    const du = scratch[1];
    if (fu === 0 && du === 0) continue;
    const m = slope * outer.z[i];
    const inner =
      fixedInner ??
      compositeRule(
        act.kinks.map((k) => (k - m) / sc),
        opts,
      );
    let sT = 0;
    let sD = 0;
    for (let j = 0; j < inner.z.length; j++) {
      evalBoth(act, m + sc * inner.z[j], scratch);
      sT += inner.w[j] * scratch[0];
      sD += inner.w[j] * scratch[1];
    }
    T += outer.w[i] * fu * sT;
    Tdot += outer.w[i] * du * sD;
  }
  return { T, Tdot };
}

/** 𝒯 and 𝒯̇: the closed form when there is one, else quadrature. */
export function nngpMap(act: Activation, cov: Cov2): NngpValues {
  validateCov2(cov);
  const cf = act.closedForms;
  if (cf) return { T: cf.T(cov.s11, cov.s12, cov.s22), Tdot: cf.Tdot(cov.s11, cov.s12, cov.s22) };
  return nngpMapQuadrature(act, cov);
}

/**
 * The diagonal (length) map: E φ(√q z)² and E φ′(√q z)² (Xiao et al. 2020: q^{l+1} = σ_w²·first + σ_b², χ₁ =
 * σ_w²·second).
 */
export function lengthMap(act: Activation, q: number): NngpValues {
  if (!(Number.isFinite(q) && q >= 0)) throw new RangeError(`variance q must be finite and ≥ 0, got ${q}`);
  const cf = act.closedForms;
  if (cf) return { T: cf.T(q, q, q), Tdot: cf.Tdot(q, q, q) };
  // q = 0 is the limit q → 0⁺ (at a kink at 0, E φ′(√q z)² averages the two one-sided slopes)
  const r = Math.sqrt(Math.max(q, 1e-300));
  const rule = compositeRule(
    act.kinks.map((k) => k / r),
    quadratureOptions(act, q),
  );
  let T = 0;
  let Tdot = 0;
  for (let i = 0; i < rule.z.length; i++) {
    evalBoth(act, r * rule.z[i], scratch);
    const p = scratch[0];
    const d = scratch[1];
    T += rule.w[i] * p * p;
    Tdot += rule.w[i] * d * d;
  }
  return { T, Tdot };
}

/** E φ(√q z) (the mean activation; the c-map at c = 0 needs its square). */
export function meanActivation(act: Activation, q: number): number {
  const r = Math.sqrt(Math.max(q, 1e-300));
  const rule = compositeRule(
    act.kinks.map((k) => k / r),
    quadratureOptions(act, q),
  );
  let s = 0;
  for (let i = 0; i < rule.z.length; i++) s += rule.w[i] * act.phi(r * rule.z[i]);
  return s;
}
