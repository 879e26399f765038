// Local Q and C maps of a combined layer (Martens et al. 2021 (DKS), Sec. 6 and 8), float64, for any activation
// (activations.ts), at equal input q values q₁ = q₂ = q:
//   Q(q)   = E[φ(√q x)²]                                              eq. (5)
//   Q′(q)  = E[φ(√q x) φ′(√q x) x]/√q                                 Sec. 8.1.1
//   C(c)   = E[φ(√q x) φ(√q(cx + √(1 − c²) y))]/Q(q)                  eq. (7)
//   C′(c)  = q E[φ′(√q x) φ′(√q(cx + √(1 − c²) y))]/Q(q)              eq. (11), i = 1
//   C(0)   = E[φ(√q x)]²/Q(q),  C′(0) = q E[φ′(√q x)]²/Q(q),  C′(1) = q E[φ′(√q x)²]/Q(q)      eq. (14), Sec. 11.1
// x, y ~ N(0, 1) independent. Expectations are composite Gauss–Legendre on [−10, 10] split at the kinks (Sec. 22;
// meanfield/gauss.ts), with panels no wider than the activation's shape length at this q.
// The Hermite route (App. D.2, eq. (28)): φ(√q x) = Σ aᵢ hᵢ(x) with orthonormal Hermite hᵢ, and then
// C(c) = Σ aᵢ² cⁱ / Q(q) — the power series of a positive-definite C map (Sec. 11), used for fast repeated
// evaluation (global maps, global.ts).
import { compositeRule, expectBivariate, gaussLegendre, type NormalRule } from '../meanfield/gauss';
import type { DksActivation } from './activations';

function validateQ(q: number): void {
  if (!(Number.isFinite(q) && q > 0)) throw new RangeError(`q must be a finite number > 0, got ${String(q)}`);
}

function validateC(c: number): void {
  if (!(Number.isFinite(c) && c >= -1 && c <= 1)) throw new RangeError(`c must be in [−1, 1], got ${String(c)}`);
}

/** Panel options for E f(√q z): the activation's shape length mapped to z, capped to [0.05, 1]. */
function panelOptions(act: DksActivation, q: number): { panelWidth: number } {
  return { panelWidth: Math.min(1, Math.max(0.05, act.halfWidth / Math.sqrt(q))) };
}

/** The rule for E f(√q z), Z ~ N(0, 1), split at the kinks of φ mapped to z. */
function ruleAt(act: DksActivation, q: number): NormalRule {
  const s = Math.sqrt(q);
  return compositeRule(
    act.kinks.map((k) => k / s),
    panelOptions(act, q),
  );
}

/** One-dimensional moments of φ at variance q (each is one pass over the rule). */
export interface Moments {
  /** E φ(√q x)² = Q(q) */
  phi2: number;
  /** E φ(√q x) */
  phi: number;
  /** E φ′(√q x) */
  dphi: number;
  /** E φ′(√q x)² */
  dphi2: number;
  /** E φ(√q x) φ′(√q x) x */
  phiDphiX: number;
}

export function moments(act: DksActivation, q: number): Moments {
  validateQ(q);
  const { z, w } = ruleAt(act, q);
  const s = Math.sqrt(q);
  let phi2 = 0;
  let phi = 0;
  let dphi = 0;
  let dphi2 = 0;
  let phiDphiX = 0;
  for (let i = 0; i < z.length; i++) {
    const f = act.phi(s * z[i]);
    const d = act.dphi(s * z[i]);
    const wi = w[i];
    phi += wi * f;
    phi2 += wi * f * f;
    dphi += wi * d;
    dphi2 += wi * d * d;
    phiDphiX += wi * f * d * z[i];
  }
  return { phi2, phi, dphi, dphi2, phiDphiX };
}

/** The scalar summaries of the local maps at q (Sec. 8.1, 11.1). */
export interface LocalSummary {
  Q: number;
  QPrime: number;
  C0: number;
  CPrime0: number;
  CPrime1: number;
}

/** Q(q), Q′(q), C(0), C′(0), C′(1) from the moments; a RangeError if Q(q) ≤ 0 (φ(√q x) = 0 a.s.). */
export function localSummary(act: DksActivation, q: number): LocalSummary {
  const m = moments(act, q);
  if (!(m.phi2 > 0)) throw new RangeError(`Q(q) = E[φ(√q x)²] = ${m.phi2} at q = ${q}: the C map is undefined`);
  return {
    Q: m.phi2,
    QPrime: m.phiDphiX / Math.sqrt(q),
    C0: (m.phi * m.phi) / m.phi2,
    CPrime0: (q * m.dphi * m.dphi) / m.phi2,
    CPrime1: (q * m.dphi2) / m.phi2,
  };
}

/** C(c; q) by bivariate quadrature (eq. (7)); `Q` may be passed when known. */
export function cMap(act: DksActivation, c: number, q: number, Q = moments(act, q).phi2): number {
  validateQ(q);
  validateC(c);
  if (!(Q > 0)) throw new RangeError(`Q(q) = ${Q} at q = ${q}: the C map is undefined`);
  const v = expectBivariate(
    act.phi,
    act.phi,
    { s11: q, s12: c * q, s22: q },
    act.kinks,
    act.kinks,
    panelOptions(act, q),
  );
  return v / Q;
}

/** C′(c; q) by bivariate quadrature of φ′ (eq. (11), i = 1). */
export function cMapPrime(act: DksActivation, c: number, q: number, Q = moments(act, q).phi2): number {
  validateQ(q);
  validateC(c);
  if (!(Q > 0)) throw new RangeError(`Q(q) = ${Q} at q = ${q}: the C map is undefined`);
  const v = expectBivariate(
    act.dphi,
    act.dphi,
    { s11: q, s12: c * q, s22: q },
    act.kinks,
    act.kinks,
    panelOptions(act, q),
  );
  return (q * v) / Q;
}

/** Hermite coefficients of φ(√q x) and what the truncated power series of C misses. */
export interface HermiteSeries {
  /** aᵢ = E[φ(√q x) hᵢ(x)], i = 0 … K′ ≤ K (orthonormal probabilists' Hermite hᵢ; App. D.2, eq. (28)). */
  a: Float64Array;
  /** bᵢ = aᵢ²/Q(q): the power-series coefficients of C (Sec. 11; bᵢ ≥ 0). */
  b: Float64Array;
  /** 1 − Σ bᵢ ≥ 0: the coefficient mass beyond K (kinks make it decay slowly, e.g. ReLU bᵢ ~ i^(−5/2)). */
  tail: number;
  Q: number;
}

export const HERMITE_TERMS = 160;

/**
 * aᵢ for i ≤ K by composite Gauss–Legendre. hᵢ(x)e^(−x²/4) is bounded (by ~1) but reaches out to |x| ≈ 2√i, so the
 * rule runs over |x| ≤ 2√K + 10 with panels ≤ 0.5 and the recurrence carries hᵢ(x)e^(−x²/4) (no overflow):
 * hᵢ₊₁ = (x hᵢ − √i hᵢ₋₁)/√(i + 1).
 */
export function hermiteSeries(act: DksActivation, q: number, K = HERMITE_TERMS): HermiteSeries {
  validateQ(q);
  if (!(Number.isInteger(K) && K >= 1 && K <= 400)) throw new RangeError(`K must be an integer in [1, 400], got ${K}`);
  // a short pass first (its rule is ~6× cheaper): enough when the coefficients are exhausted well before its end
  if (K > SHORT_TERMS) {
    const short = hermiteTerms(act, q, SHORT_TERMS);
    if (short.a.length <= SHORT_TERMS - 8) return short;
  }
  return hermiteTerms(act, q, K);
}

const SHORT_TERMS = 40;
const SQRT = Float64Array.from({ length: 402 }, (_, i) => Math.sqrt(i));
const INV_SQRT = Float64Array.from({ length: 402 }, (_, i) => (i === 0 ? 0 : 1 / Math.sqrt(i)));

function hermiteTerms(act: DksActivation, q: number, K: number): HermiteSeries {
  const s = Math.sqrt(q);
  const cutoff = 2 * Math.sqrt(K) + 10;
  const panelWidth = Math.min(0.5, Math.max(0.05, act.halfWidth / s));
  const { x: gx, w: gw } = gaussLegendre(16);
  const edges = [-cutoff, ...act.kinks.map((k) => k / s).filter((t) => Math.abs(t) < cutoff), cutoff].sort(
    (p, r) => p - r,
  );
  const a = new Float64Array(K + 1);
  let Q = 0;
  const INV_SQRT_2PI = 0.3989422804014327;
  for (let e = 0; e + 1 < edges.length; e++) {
    const len = edges[e + 1] - edges[e];
    if (!(len > 0)) continue;
    const panels = Math.ceil(len / panelWidth - 1e-12);
    const half = len / panels / 2;
    for (let p = 0; p < panels; p++) {
      const mid = edges[e] + (2 * p + 1) * half;
      for (let j = 0; j < gx.length; j++) {
        const x = mid + half * gx[j];
        const g = Math.exp(-0.25 * x * x);
        const f = act.phi(s * x) * gw[j] * half * INV_SQRT_2PI * g; // φ·w·density/e^(−x²/4)
        Q += f * act.phi(s * x) * g;
        let hPrev = 0;
        let h = g; // h₀ e^(−x²/4)
        for (let i = 0; i <= K; i++) {
          a[i] += f * h;
          const next = (x * h - SQRT[i] * hPrev) * INV_SQRT[i + 1];
          hPrev = h;
          h = next;
        }
      }
    }
  }
  if (!(Q > 0)) throw new RangeError(`Q(q) = E[φ(√q x)²] = ${Q} at q = ${q}: the C map is undefined`);
  // trailing terms below 1e-18 (rounding of the quadrature) are dropped into the tail: a smooth φ̂ zoomed in by a
  // small α (DKS) needs only ~20 terms, which keeps repeated evaluation (global maps) cheap
  let last = 0;
  for (let i = 0; i <= K; i++) if ((a[i] * a[i]) / Q > 1e-18) last = i;
  const b = new Float64Array(last + 1);
  let sum = 0;
  for (let i = 0; i <= last; i++) {
    b[i] = (a[i] * a[i]) / Q;
    sum += b[i];
  }
  return { a: a.slice(0, last + 1), b, tail: Math.max(0, 1 - sum), Q };
}

/**
 * C(c) and C′(c) from the series, the missing mass put on c^(K+1) so that C(1) = 1 exactly and C stays positive
 * definite (the error is at most 2·tail, and small away from |c| → 1). Writes out[0] = C, out[1] = C′.
 */
export function seriesCMap(series: HermiteSeries, c: number, out: Float64Array): void {
  const { b, tail } = series;
  const K = b.length - 1;
  let v = 0;
  let d = 0;
  for (let i = K; i >= 1; i--) {
    v = v * c + b[i];
    d = d * c + i * b[i];
  }
  const cK = c ** K;
  out[0] = v * c + b[0] + tail * cK * c;
  out[1] = d + (K + 1) * tail * cK;
}
