// Non-diagonal NTK elements Θ(x, x̃) of a ReLU network at initialization, Seleznova & Kutyniok 2022, Thm 3.3 (eqs.
// 16–18; appendix
// Thm A.9), σ_b = 0, ‖x⁰‖ = ‖x̃⁰‖ = 1, ⟨x⁰, x̃⁰⟩ = pairCos.
// Names follow §3.3 of the paper: g(t) = (π/2 + arcsin t)/π and r(t) = (√(1−t²) + tπ/2 + t·arcsin t)/π.
// The appendix proof swaps them (its g is our r and its f is our g; THEORY.md).
//   r is the ReLU correlation map (normalized arc-cosine kernel): r(ρ) = E[φ(u)φ(v)] / E[φ(u)²], (u, v) standard
//     normals with correlation ρ, so ρ_k = r^{∘k}(⟨x⁰, x̃⁰⟩) is the infinite-width cosine between x^k and x̃^k;
//   g is 2·E[φ′(u)φ′(v)]: the factor by which the cosine of the backpropagated errors falls per layer.
import { LIMITS, phaseOf } from '../params';
import { validateSigmaW2 } from './relu-finite';

/** r(t) = (√(1−t²) + tπ/2 + t·arcsin t)/π on [−1, 1] (Seleznova & Kutyniok 2022, below eq. 18). r(1) = 1, r(−1) = 0. */
export function reluCorrelationR(t: number): number {
  validateCos(t, 't');
  const v = (Math.sqrt(Math.max(0, 1 - t * t)) + t * (Math.PI / 2 + Math.asin(t))) / Math.PI;
  return Math.min(1, Math.max(0, v)); // the exact map stays in [0, 1]; clamp the last-ulp rounding
}

/** g(t) = (π/2 + arcsin t)/π on [−1, 1] (Seleznova & Kutyniok 2022, below eq. 18). g(1) = 1, g(0) = 1/2, g(−1) = 0. */
export function reluDerivativeG(t: number): number {
  validateCos(t, 't');
  return (Math.PI / 2 + Math.asin(t)) / Math.PI;
}

/** ρ_0 … ρ_{count−1} with ρ_0 = pairCos and ρ_{k+1} = r(ρ_k): the infinite-width cosines of x^k, x̃^k. */
export function reluCorrelations(pairCos: number, count: number): Float64Array {
  validateCos(pairCos, 'pairCos');
  validateDepth(count, 'count');
  const rho = new Float64Array(count);
  rho[0] = pairCos;
  for (let k = 1; k < count; k++) rho[k] = reluCorrelationR(rho[k - 1]);
  return rho;
}

/**
 * Seleznova & Kutyniok 2022, eq. (18), for depths L = 1 … maxDepth: the ordered-phase estimate of E[Θ(x, x̃)] / E[Θ(x,
 * x)],
 *   Σ_{ℓ=1}^{L} a^{L−ℓ} Π_{k=ℓ}^{L−1} g(ρ_{k−1})  /  Σ_{ℓ=1}^{L} a^{L−ℓ},   a = σ_w²/2 < 1.
 * It keeps only the bias part Θ_b (Θ_W decays like a^{L−1}·L in the ordered phase), so it is meaningful only
 * "for sufficiently wide and deep networks" (§3.3); at small L it is not the ratio (at L = 1 it returns 1, while
 * the network's ratio is (1 + pairCos)/2). Carried as a recurrence over depth, O(maxDepth):
 *   S_{L+1} = 1 + a·g(ρ_{L−1})·S_L,  D_{L+1} = 1 + a·D_L,  S_1 = D_1 = 1.
 * Throws a RangeError outside the ordered phase (σ_w² ≥ 2), where Θ_W dominates and (18) does not apply.
 */
export function offDiagonalRatioOrderedCurve(sigmaW2: number, maxDepth: number, pairCos: number): Float64Array {
  validateOrdered(sigmaW2);
  validateDepth(maxDepth, 'maxDepth (L)');
  validateCos(pairCos, 'pairCos');
  const a = sigmaW2 / 2;
  const out = new Float64Array(maxDepth);
  let s = 1;
  let d = 1;
  let rho = pairCos; // ρ_{L−1} for the step L → L + 1
  out[0] = 1;
  for (let L = 1; L < maxDepth; L++) {
    s = 1 + a * reluDerivativeG(rho) * s;
    d = 1 + a * d;
    out[L] = s / d;
    rho = reluCorrelationR(rho);
  }
  return out;
}

/** Eq. (18) at one depth L (see offDiagonalRatioOrderedCurve): ordered phase only, deep and wide networks only. */
export function offDiagonalRatioOrdered(sigmaW2: number, depth: number, pairCos: number): number {
  const curve = offDiagonalRatioOrderedCurve(sigmaW2, depth, pairCos);
  return curve[depth - 1];
}

/**
 * Thm 3.3 eq. (16): in the limit L, M → ∞ with L/M → λ, 1/4 ≤ E[Θ(x, x̃)]/E[Θ(x, x)] ≤ 1 in every phase.
 * (The lower bound is approached only in the chaotic phase, §3.3.)
 */
export const OFF_DIAGONAL_RATIO_BOUNDS = { lower: 0.25, upper: 1 } as const;

/**
 * Thm 3.3 eq. (17): lim E[Θ²(x, x̃)]/E²[Θ(x, x̃)] ≤ 16 · lim E[Θ²(x, x)]/E²[Θ(x, x)]. The 16 is 1/c² with
 * c = 1/4 the lower bound of (16); §3.3 notes that a better lower bound c of the mean ratio (e.g. eq. 18 in the
 * ordered phase) gives diagonalDispersion / c². Returns that bound for a given diagonal dispersion.
 */
export function offDiagonalDispersionBound(
  diagonalDispersion: number,
  ratioLowerBound: number = OFF_DIAGONAL_RATIO_BOUNDS.lower,
): number {
  if (typeof diagonalDispersion !== 'number' || !Number.isFinite(diagonalDispersion) || diagonalDispersion < 1) {
    // E[Θ²] ≥ E[Θ]² (Jensen), so a dispersion below 1 is not a dispersion
    throw new RangeError(`diagonalDispersion must be a finite number ≥ 1, got ${String(diagonalDispersion)}`);
  }
  if (
    typeof ratioLowerBound !== 'number' ||
    !Number.isFinite(ratioLowerBound) ||
    ratioLowerBound < OFF_DIAGONAL_RATIO_BOUNDS.lower ||
    ratioLowerBound > 1
  ) {
    throw new RangeError(`ratioLowerBound (c) must lie in [1/4, 1] (eq. 16), got ${String(ratioLowerBound)}`);
  }
  return diagonalDispersion / (ratioLowerBound * ratioLowerBound);
}

function validateCos(t: number, what: string): void {
  if (typeof t !== 'number' || !Number.isFinite(t) || t < -1 || t > 1) {
    throw new RangeError(`${what} (a cosine) must be a finite number in [−1, 1], got ${String(t)}`);
  }
}

function validateDepth(n: number, what: string): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw new RangeError(`${what} must be an integer ≥ 1, got ${String(n)}`);
  if (n > LIMITS.depthMax) throw new RangeError(`${what} must be ≤ ${LIMITS.depthMax}, got ${n}`);
}

function validateOrdered(sigmaW2: number): void {
  validateSigmaW2(sigmaW2);
  if (phaseOf(sigmaW2) !== 'ordered') {
    throw new RangeError(
      `eq. (18) is the ordered-phase estimate (σ_w² < 2); got σ_w² = ${sigmaW2} (${phaseOf(sigmaW2)}), where Θ_W dominates and it does not apply`,
    );
  }
}
