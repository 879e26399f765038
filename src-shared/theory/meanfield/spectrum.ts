// The NTK spectrum at large depth (Xiao et al. 2020, §3–4, Table 1; App. A.3 for ReLU) and the learning-rate rule
// η_theory = 2/λ_max (Xiao et al. 2020, §3, after Lee et al. 2019).
// Dataset model (Xiao et al. 2020, §4): m inputs on a sphere, normalized so that the kernel diagonal is q*; at large
// depth the
// Gram matrix has a constant diagonal p^{(l)} and a constant off-diagonal p^{(l)}_ab, so its eigenvalues are
//   λ_max = p + (m−1)p_ab (eigenvector 𝟏),  λ_rest = p − p_ab (multiplicity m−1),  κ = λ_max/λ_rest.
// Per phase (Table 1, rebuilt; see docs/meanfield.md):
//   ordered  χ₁ < 1: λ_max → m p*, p* = q*/(1−χ₁) (eq. 18; Table 1 prints q*), λ_rest = O(lχ₁^l), κ = O(χ₁^{−l}/l)
//   critical χ₁ = 1: p^{(l)} = (l+1)q*, p_ab ≈ l q*/(1+a), so λ_max ≈ (m+a)/(1+a)·l q*, λ_rest ≈ a/(1+a)·l q*,
//                    κ → (m+a)/a; a = 2 for smooth φ (eq. 24: (m+2)/3, 2/3, (m+2)/2) and a = 3 when φ′ jumps
//                    (ReLU, eq. 46: (m+3)/4, 3/4, (m+3)/3). The a = 3 for every φ′ jump is our generalization.
//   chaotic  χ₁ > 1: p^{(l)} = q*(χ₁^{l+1} − 1)/(χ₁ − 1) (eq. 15) diverges, p_ab → p*_ab = c*q*/(1 − χ_c*) (eq. 16),
//                    λ_max ≈ p + (m−1)p*_ab, λ_rest ≈ p − p*_ab, κ → 1.
import type { Activation } from './activation';
import type { FixedPoint } from './fixed-point';
import { phaseOfChi1, type MeanFieldPhase } from './depth-scales';

/** The m×m Gram matrix of the dataset model above: `diag` on the diagonal, `off` everywhere else (row-major). */
export function equicorrelatedGram(m: number, diag: number, off: number): Float64Array {
  const g = new Float64Array(m * m).fill(off);
  for (let a = 0; a < m; a++) g[a * m + a] = diag;
  return g;
}

/** Eigenvalues of a symmetric m×m matrix (row-major) by cyclic Jacobi rotations, sorted descending. For small m. */
export function symmetricEigenvalues(matrix: ArrayLike<number>, m: number): Float64Array {
  if (!Number.isInteger(m) || m < 1 || matrix.length !== m * m)
    throw new RangeError(`symmetricEigenvalues: need an m×m matrix, got ${matrix.length} entries for m = ${m}`);
  const a = Float64Array.from(matrix);
  for (let i = 0; i < a.length; i++)
    if (!Number.isFinite(a[i])) throw new RangeError('symmetricEigenvalues: matrix entries must be finite');
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < m; i++) {
      diag += a[i * m + i] ** 2;
      for (let j = 0; j < i; j++) off += a[i * m + j] ** 2;
    }
    if (off <= 1e-32 * diag || off === 0) break;
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = a[p * m + q];
        if (apq === 0) continue;
        const app = a[p * m + p];
        const aqq = a[q * m + q];
        const tau = (aqq - app) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = a[k * m + p];
          const akq = a[k * m + q];
          a[k * m + p] = c * akp - s * akq;
          a[k * m + q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = a[p * m + k];
          const aqk = a[q * m + k];
          a[p * m + k] = c * apk - s * aqk;
          a[q * m + k] = s * apk + c * aqk;
        }
      }
    }
  }
  const ev = new Float64Array(m);
  for (let i = 0; i < m; i++) ev[i] = a[i * m + i];
  return ev.sort().reverse();
}

export interface SpectrumSummary {
  lambdaMax: number;
  lambdaMin: number;
  /** Median of the m−1 eigenvalues below λ_max ("a typical eigenvalue in the bulk", Xiao et al. 2020, §3). */
  lambdaRest: number;
  /** κ = λ_max/λ_min (Xiao et al. 2020 intro); null when λ_min ≤ 0 (singular to float64 precision). */
  kappa: number | null;
}

/** Spectrum summary of an NTK Gram matrix. */
export function ntkSpectrum(theta: ArrayLike<number>, m: number): SpectrumSummary {
  const ev = symmetricEigenvalues(theta, m);
  const rest = ev.subarray(1);
  const lambdaRest =
    rest.length === 0
      ? ev[0]
      : rest.length % 2
        ? rest[(rest.length - 1) / 2]
        : 0.5 * (rest[rest.length / 2 - 1] + rest[rest.length / 2]);
  const lambdaMin = ev[m - 1];
  return { lambdaMax: ev[0], lambdaMin, lambdaRest, kappa: lambdaMin > 0 ? ev[0] / lambdaMin : null };
}

/**
 * How the loss that gradient descent minimizes is normalized (Xiao et al. 2020 leaves it unstated; eq. 4 implies
 * 'sum').
 */
export interface LossNormalization {
  /**
   * 'sum': L = ½Σ_i (f(x_i) − y_i)² over the m training points (Xiao et al. 2020, eq. 4); 'mean': L = (1/m)·½Σ_i(…)².
   */
  reduction: 'sum' | 'mean';
  /** Number of points in the sum (needed for 'mean'). */
  m?: number;
}

/**
 * The maximal convergent learning rate of gradient descent in the linearized (infinite-width) regime: with
 * L = ½Σ(f − y)², f_{t+1} − y = (I − ηΘ)(f_t − y), stable iff η < 2/λ_max (Xiao et al. 2020, §3, η_theory). For the
 * mean
 * loss the step is divided by m, so the threshold is 2m/λ_max. Θ is the NTK of the NTK parametrization (eq. 1).
 */
export function etaTheory(lambdaMax: number, normalization: LossNormalization = { reduction: 'sum' }): number {
  if (!(Number.isFinite(lambdaMax) && lambdaMax > 0))
    throw new RangeError(`λ_max must be a finite number > 0, got ${lambdaMax}`);
  if (normalization.reduction === 'sum') return 2 / lambdaMax;
  const m = normalization.m;
  if (!(typeof m === 'number' && Number.isInteger(m) && m >= 1))
    throw new RangeError(`the mean loss needs m (an integer ≥ 1), got ${m}`);
  return (2 * m) / lambdaMax;
}

export interface TableOneAsymptotes {
  phase: MeanFieldPhase;
  /** Leading-order λ_max at depth l. */
  lambdaMax: number;
  /** Leading-order λ_rest, or null in the ordered phase (O(lχ₁^l) with an input-dependent constant). */
  lambdaRest: number | null;
  /** Limit of κ (critical, chaotic) or null (ordered: it diverges). */
  kappaLimit: number | null;
  /** Ordered phase: the rate χ₁^{−l}/l that κ follows up to a constant (Table 1); null otherwise. */
  kappaRate: number | null;
}

/** a of the critical column: 2 for smooth φ, 3 when φ′ jumps (every kink in the registry is a jump of φ′). */
export function criticalExponentA(act: Activation): number {
  return act.kinks.length > 0 ? 3 : 2;
}

/** Table 1 at depth l for m inputs (l ≥ 1). */
export function tableOneAsymptotes(act: Activation, fp: FixedPoint, m: number, l: number): TableOneAsymptotes {
  if (fp.kind !== 'finite') throw new RangeError(`Table 1 needs a finite fixed point: ${fp.reason}`);
  if (!Number.isInteger(m) || m < 2) throw new RangeError(`m must be an integer ≥ 2, got ${m}`);
  if (!(Number.isFinite(l) && l >= 1)) throw new RangeError(`depth l must be ≥ 1, got ${l}`);
  const { qStar, chi1, cStar, chiC } = fp;
  const phase = phaseOfChi1(chi1);
  if (phase === 'ordered') {
    const pStar = qStar / (1 - chi1);
    return { phase, lambdaMax: m * pStar, lambdaRest: null, kappaLimit: null, kappaRate: chi1 ** -l / l };
  }
  if (phase === 'critical') {
    const a = criticalExponentA(act);
    return {
      phase,
      lambdaMax: ((m + a) / (1 + a)) * l * qStar,
      lambdaRest: (a / (1 + a)) * l * qStar,
      kappaLimit: (m + a) / a,
      kappaRate: null,
    };
  }
  const p = (qStar * Math.expm1((l + 1) * Math.log(chi1))) / (chi1 - 1);
  const pab = (cStar * qStar) / (1 - chiC);
  return { phase, lambdaMax: p + (m - 1) * pab, lambdaRest: p - pab, kappaLimit: 1, kappaRate: null };
}
