// The infinite-width NTK along depth for the Trainability tab's spectrum and learning-rate plots: its eigenvalues,
// the Table 1 asymptotes and η_theory per depth.
import {
  equicorrelatedGram,
  etaTheory,
  fixedPoint,
  ntkSpectrum,
  resolveActivation,
  tableOneAsymptotes,
} from '../../src-shared/theory/meanfield';

// Infinite-width NTK along depth (Xiao et al. 2020, eqs. 2, 7, 13–14): the shared recursion in src-shared
export { QUADRATURE_Q_MAX, ntkAlongDepth, type NtkDepthCurve, type NtkLayer } from '../../src-shared/theory/meanfield';
import type { NtkDepthCurve } from '../../src-shared/theory/meanfield';

export interface SpectrumRow {
  depth: number;
  lambdaMax: number;
  /** Median of the m − 1 lower eigenvalues ("bulk"). */
  bulk: number;
  /** λ_max/λ_min; null when λ_min ≤ 0 at float64 precision. */
  kappa: number | null;
}

/** Spectrum per depth via ntkSpectrum (Jacobi) on the m×m Gram matrix. */
export function spectrumRows(curve: NtkDepthCurve, m: number): SpectrumRow[] {
  if (!(Number.isInteger(m) && m >= 2 && m <= 64))
    throw new RangeError(`number of inputs m must be an integer in [2, 64], got ${m}`);
  return curve.layers.map((l) => {
    const s = ntkSpectrum(equicorrelatedGram(m, l.p, l.pab), m);
    return { depth: l.depth, lambdaMax: s.lambdaMax, bulk: s.lambdaRest, kappa: s.kappa };
  });
}

export interface AsymptoteRow {
  depth: number;
  lambdaMax: number;
  bulk: number | null;
  kappa: number | null;
}

/**
 * Table 1 leading orders at each depth (Xiao et al. 2020, Table 1 via tableOneAsymptotes). Our L weight layers start
 * from
 * K⁽¹⁾, which plays the role of Xiao et al.'s K⁽⁰⁾, so Table 1's l is L − 1 (at least 1). Ordered phase: κ diverges,
 * only its rate is known, so κ is null there. Null when there is no finite fixed point.
 */
export function asymptoteRows(
  activation: string,
  sigmaW2: number,
  sigmaB2: number,
  m: number,
  depths: readonly number[],
): AsymptoteRow[] | null {
  const act = resolveActivation(activation);
  // q⁰ = q⁽¹⁾ = σ_w² + σ_b², the first layer's variance (it is q* itself for marginal ReLU/linear at σ_b² = 0)
  const fp = fixedPoint({ activation: act, sigmaW2, sigmaB2, q0: sigmaW2 + sigmaB2 });
  if (fp.kind !== 'finite') return null;
  return depths.map((depth) => {
    const t = tableOneAsymptotes(act, fp, m, Math.max(1, depth - 1));
    return { depth, lambdaMax: t.lambdaMax, bulk: t.lambdaRest, kappa: t.kappaLimit };
  });
}

export interface EtaRow {
  depth: number;
  /** η_theory = 2B/λ_max (mean-reduced loss over the batch B), null beyond float64. */
  eta: number;
}

/**
 * η_theory vs depth with the sweep's loss normalization (src-main/tf/sweep/learning-rate.ts): MSE averaged over a
 * batch of B inputs, so η < 2B/λ_max (etaTheory with reduction 'mean', m = B); λ_max of the B×B equicorrelated
 * Gram matrix is p + (B − 1)p_ab, or p − p_ab when p_ab < 0.
 */
export function etaRows(curve: NtkDepthCurve, batch: number): EtaRow[] {
  if (!(Number.isInteger(batch) && batch >= 1))
    throw new RangeError(`batch size B must be an integer ≥ 1, got ${batch}`);
  const out: EtaRow[] = [];
  for (const l of curve.layers) {
    const top = Math.max(l.p + (batch - 1) * l.pab, l.p - l.pab);
    if (!(Number.isFinite(top) && top > 0)) continue;
    out.push({ depth: l.depth, eta: etaTheory(top, { reduction: 'mean', m: batch }) });
  }
  return out;
}
