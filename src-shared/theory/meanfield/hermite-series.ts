// Mehler's expansion of the correlation map at a fixed variance q (Poole et al. 2016; DKS Martens et al. 2021, §4 "C
// maps"):
//   𝒯(q, cq, q) = Σ_k a_k² c^k,   a_k = E[φ(√q z) He_k(z)]/√(k!)   (He_k the probabilists' Hermite polynomials)
//   𝒯̇(q, cq, q) = (1/q) d𝒯/dc = (1/q) Σ_k k a_k² c^{k−1}          (Price: ∂𝒯/∂Σ₁₂ = 𝒯̇, Σ₁₂ = qc)
// One 1D quadrature gives all a_k; afterwards the c-map is a polynomial, so the fixed point c* costs nothing. All terms
// are ≥ 0 for c ≥ 0, so the truncation error at any c ∈ [0, 1] is at most the error at c = 1, which we measure
// against the direct 1D values E φ² and E φ′² q (= Σ k a_k²) and report.
import type { Activation } from './activation';
import { compositeRule } from './gauss';
import { lengthMap, quadratureOptions } from './nngp-map';

export interface CorrelationSeries {
  q: number;
  /** a_k² for k = 0 … K. */
  coeffs2: Float64Array;
  /** Relative truncation error at c = 1 (the worst c) of 𝒯 and of 𝒯̇. */
  truncation: { T: number; Tdot: number };
}

const SQRT_INT = Float64Array.from({ length: 402 }, (_, k) => Math.sqrt(k));
const INV_SQRT_INT1 = Float64Array.from({ length: 402 }, (_, k) => 1 / Math.sqrt(k + 1));

export function correlationSeries(act: Activation, q: number, K = 120): CorrelationSeries {
  if (!(Number.isFinite(q) && q > 0)) throw new RangeError(`q must be finite and > 0, got ${q}`);
  if (!Number.isInteger(K) || K < 1 || K > 400) throw new RangeError(`K must be an integer in [1, 400], got ${K}`);
  const r = Math.sqrt(q);
  // h_K is a degree-K polynomial: the panels must also resolve it, so at most width 1 and order 20
  const base = quadratureOptions(act, q);
  const rule = compositeRule(
    act.kinks.map((k) => k / r),
    { ...base, panelWidth: Math.min(1, base.panelWidth ?? 1), order: 20 },
  );
  const z = rule.z;
  const n = z.length;
  const wf = new Float64Array(n);
  for (let i = 0; i < n; i++) wf[i] = rule.w[i] * act.phi(r * z[i]);
  const a = new Float64Array(K + 1);
  // normalized Hermite h_k = He_k/√k!: h_{k+1} = (z h_k − √k h_{k−1})/√(k+1), one node at a time (all k)
  for (let i = 0; i < n; i++) {
    const zi = z[i];
    const wi = wf[i];
    if (wi === 0) continue;
    let hPrev = 0;
    let h = 1;
    for (let k = 0; k <= K; k++) {
      a[k] += wi * h;
      const next = (zi * h - SQRT_INT[k] * hPrev) * INV_SQRT_INT1[k];
      hPrev = h;
      h = next;
    }
  }
  const coeffs2 = a.map((x) => x * x);
  const direct = lengthMap(act, q);
  let sumT = 0;
  let sumD = 0;
  for (let k = 0; k <= K; k++) {
    sumT += coeffs2[k];
    sumD += k * coeffs2[k];
  }
  return {
    q,
    coeffs2,
    truncation: {
      T: Math.abs(sumT - direct.T) / Math.max(direct.T, 1e-300),
      Tdot: Math.abs(sumD / q - direct.Tdot) / Math.max(direct.Tdot, 1e-300),
    },
  };
}

/** 𝒯 and 𝒯̇ on the slice Σ = q[[1, c], [c, 1]] from the series (Horner). */
export function seriesAt(s: CorrelationSeries, c: number): { T: number; Tdot: number } {
  const a2 = s.coeffs2;
  let T = 0;
  let D = 0;
  for (let k = a2.length - 1; k >= 0; k--) {
    T = T * c + a2[k];
    if (k >= 1) D = D * c + k * a2[k];
  }
  return { T, Tdot: D / s.q };
}
