// Gaussian smoothing of φ and φ′ in closed form, E φ(m + sZ) and E φ′(m + sZ), Z ~ N(0, 1), for the activations
// where it exists (GELU, SELU; ReLU and erf have closed 𝒯 already). With it the correlation slice
//   𝒯(q, cq, q) = E_z[φ(√q z) · Eφ(√q c z + √q√(1−c²) Z)]   (v | u Gaussian, seed 001 eq. 2)
// is a 1D integral instead of a 2D one: the ξ map's fallback for cells where the Mehler series is too short
// (c* near 1, or q* large: GELU near the divergent q*, SELU's kink at every q).
import { getActivation, type Activation } from './activation';
import { normalCdf, normalPdf } from './erf';

export type SmoothedPair = (m: number, s: number, out: Float64Array) => void;

const SELU_LAMBDA = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;
const INV_SQRT_2PI = 0.3989422804014327;

/** e^{t²/2} Φ(−t) without overflow (asymptotic Mills-ratio series beyond t = 25, relative error < 1e-12). */
function scaledTail(t: number): number {
  if (t <= 25) return Math.exp(0.5 * t * t) * normalCdf(-t);
  const u = 1 / (t * t);
  return (INV_SQRT_2PI / t) * (1 - u * (1 - 3 * u * (1 - 5 * u * (1 - 7 * u * (1 - 9 * u)))));
}

/** E[e^{m+sZ} 1{m+sZ < 0}] = e^{m+s²/2} Φ(−(m+s²)/s), written as e^{−m²/(2s²)}·scaledTail so it never overflows. */
function expBelowZero(m: number, s: number): number {
  const t = (m + s * s) / s;
  if (t < 0) return Math.exp(m + 0.5 * s * s) * normalCdf(-t);
  return Math.exp((-0.5 * m * m) / (s * s)) * scaledTail(t);
}

// SELU: λx (x > 0), λα(eˣ − 1) (x ≤ 0). E[X; X > 0] = mΦ(m/s) + sϕ(m/s).
const seluSmoothed: SmoothedPair = (m, s, out) => {
  const pPos = normalCdf(m / s);
  const e = expBelowZero(m, s);
  out[0] = SELU_LAMBDA * (m * pPos + s * normalPdf(m / s)) + SELU_LAMBDA * SELU_ALPHA * (e - normalCdf(-m / s));
  out[1] = SELU_LAMBDA * pPos + SELU_LAMBDA * SELU_ALPHA * e;
};

// GELU xΦ(x), r = √(1 + s²): E Φ(X) = Φ(m/r), E[XΦ(X)] = mΦ(m/r) + s²ϕ(m/r)/r (Stein), E[Xϕ(X)] = mϕ(m/r)/r³.
const geluSmoothed: SmoothedPair = (m, s, out) => {
  const r = Math.sqrt(1 + s * s);
  const cdf = normalCdf(m / r);
  const pdf = normalPdf(m / r) / r;
  out[0] = m * cdf + s * s * pdf;
  out[1] = cdf + (m * pdf) / (r * r);
};

/** The closed-form Gaussian smoothing of φ and φ′ for a registered activation, or null. */
export function smoothedActivation(act: Activation): SmoothedPair | null {
  if (act === getActivation('selu')) return seluSmoothed;
  if (act === getActivation('gelu')) return geluSmoothed;
  return null;
}
