// Infinite-depth-and-width limit of the ReLU NTK dispersion E[Θ²]/E[Θ]², Seleznova & Kutyniok 2022, Thm 3.1 (eqs. 8–10;
// appendix Thm A.8, eqs. 40–42): constant width M, n₀ = α₀M, σ_b = 0, M, L → ∞ with L/M → λ.
// The printed forms divide by λ and λ² and cancel catastrophically as λ → 0; here they are rewritten with
// φ₂(z) := (e^z − 1 − z)/z², evaluated by its Taylor series near 0, so no term is a difference of nearly equal
// numbers and λ = 1e-8 … 1.5 are accurate to ~1e-15. Beyond λ ≈ 140, e^{5λ} exceeds float64 and the result is
// +Infinity.
import { phaseOf } from '../params';
import { validateSigmaW2 } from './relu-finite';

// Taylor coefficients 1/(k+2)!, k = 0…14: for |z| < 0.5 the remainder is below |z|^15/17! < 1e-19.
const PHI2_SERIES: readonly number[] = (() => {
  const c: number[] = [];
  let f = 2; // (k+2)! at k = 0
  for (let k = 0; k < 15; k++) {
    c.push(1 / f);
    f *= k + 3;
  }
  return c;
})();

/** φ₂(z) = (e^z − 1 − z)/z² = Σ_{k≥0} z^k/(k+2)!  (φ₂(0) = 1/2), accurate to a few ulp for all finite z. */
export function phi2(z: number): number {
  if (Math.abs(z) < 0.5) {
    let s = 0;
    for (let k = PHI2_SERIES.length - 1; k >= 0; k--) s = PHI2_SERIES[k] + z * s;
    return s;
  }
  return (Math.expm1(z) - z) / (z * z);
}

function validateLambda(lambda: number): void {
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0) {
    throw new RangeError(`depthToWidth (λ = L/M) must be a finite number ≥ 0, got ${String(lambda)}`);
  }
}

function validateAlpha0(alpha0: number): void {
  if (typeof alpha0 !== 'number' || !Number.isFinite(alpha0) || alpha0 <= 0) {
    throw new RangeError(`alpha0 (α₀ = n₀/M) must be a finite number > 0, got ${String(alpha0)}`);
  }
}

// Above this λ the exponentials are handled in log space (e^{5λ} alone overflows past λ ≈ 142); nothing cancels there.
const LOG_SPACE_LAMBDA = 20;

/** ln φ₂(z) for z ≥ 0.5 (no overflow for any finite z). */
function logPhi2(z: number): number {
  const lnNum = z < 700 ? Math.log(Math.expm1(z) - z) : z + Math.log1p(-(1 + z) * Math.exp(-z));
  return lnNum - 2 * Math.log(z);
}

function logSumExp3(x: number, y: number, z: number): number {
  const m = Math.max(x, y, z);
  return m + Math.log(Math.exp(x - m) + Math.exp(y - m) + Math.exp(z - m));
}

/** ln(1 + e^t) for t > 0. */
function softplus(t: number): number {
  return t + Math.log1p(Math.exp(-t));
}

/**
 * Chaotic phase (a > 1), Seleznova & Kutyniok 2022, eq. (8): (1/2λ) e^{5λ} (1 − (1 − e^{−4λ})/(4λ)) = 2 e^{5λ} φ₂(−4λ).
 * Also the limit of E[Θ_W²]/E[Θ_W]² for any a (eq. 32). Returns 1 at λ = 0.
 */
export function limitDispersionChaotic(lambda: number): number {
  validateLambda(lambda);
  if (lambda <= LOG_SPACE_LAMBDA) return 2 * Math.exp(5 * lambda) * phi2(-4 * lambda);
  const u = 4 * lambda; // φ₂(−u) = (u − 1 + e^{−u})/u²
  return Math.exp(5 * lambda + Math.LN2 + Math.log(u - 1 + Math.exp(-u)) - 2 * Math.log(u));
}

/**
 * Edge of chaos (a = 1), Seleznova & Kutyniok 2022, eq. (9) ≡ (41). Written through its components (proof of Thm A.8),
 * each
 * normalized by (L/α₀)²:  Θ_W²: e^{5λ}(1/2λ − 1/8λ²) + e^λ/8λ² = 2e^λ(1 + (4λ − 1)φ₂(4λ)),
 * Θ_WΘ_b: (α₀/4)(9e^{5λ}/25λ² − e^λ/λ² − 4/5λ + 16/25λ²) = (α₀/4)(9φ₂(5λ) − φ₂(λ)),
 * Θ_b²: α₀²(2(e^{5λ} − 1)/25λ² − 2/5λ) = 2α₀²φ₂(5λ);  E[Θ]/(L/α₀) → 1 + α₀.
 * With p = α₀/(1+α₀), q = 1/(1+α₀): q²·Θ_W² + (pq/2)(9φ₂(5λ) − φ₂(λ)) + 2p²φ₂(5λ). Returns 1 at λ = 0.
 */
export function limitDispersionEoc(lambda: number, alpha0: number): number {
  validateLambda(lambda);
  validateAlpha0(alpha0);
  if (lambda === 0) return 1; // exact; the sum below gives (p + q)² = 1 only up to rounding
  const p = alpha0 / (1 + alpha0),
    q = 1 / (1 + alpha0);
  if (lambda <= LOG_SPACE_LAMBDA) {
    const w2 = 2 * Math.exp(lambda) * (1 + (4 * lambda - 1) * phi2(4 * lambda));
    const p5 = phi2(5 * lambda);
    return q * q * w2 + ((p * q) / 2) * (9 * p5 - phi2(lambda)) + 2 * p * p * p5;
  }
  const lnP = Math.log(p),
    lnQ = -Math.log1p(alpha0);
  const ln5 = logPhi2(5 * lambda);
  const lnW2 = Math.LN2 + lambda + softplus(Math.log(4 * lambda - 1) + logPhi2(4 * lambda));
  const lnWB = lnP + lnQ - Math.LN2 + ln5 + Math.log(9 - Math.exp(logPhi2(lambda) - ln5));
  const lnB2 = Math.LN2 + 2 * lnP + ln5;
  return Math.exp(logSumExp3(2 * lnQ + lnW2, lnWB, lnB2));
}

/**
 * Thm 3.1 limit at (σ_w², λ, α₀): chaotic eq. (8), EOC eq. (9) (only there does α₀ matter), ordered eq. (10) → 1.
 * The phase comes from phaseOf (σ_w² = 2 within 1e-9 is the EOC).
 */
export function limitDispersion(sigmaW2: number, depthToWidth: number, alpha0: number): number {
  validateSigmaW2(sigmaW2);
  validateLambda(depthToWidth);
  validateAlpha0(alpha0);
  switch (phaseOf(sigmaW2)) {
    case 'ordered':
      return 1;
    case 'edge-of-chaos':
      return limitDispersionEoc(depthToWidth, alpha0);
    case 'chaotic':
      return limitDispersionChaotic(depthToWidth);
  }
}
