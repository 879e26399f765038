// The infinite-width NTK along depth for the Trainability tab's spectrum and learning-rate plots: its eigenvalues,
// the Table 1 asymptotes and η_theory per depth.
import {
  correlationSeries,
  equicorrelatedGram,
  etaTheory,
  fixedPoint,
  lengthMap,
  nngpMap,
  ntkSpectrum,
  resolveActivation,
  seriesAt,
  tableOneAsymptotes,
  validateMeanFieldParams,
} from '../../src-shared/theory/meanfield';
import type { Activation, CorrelationSeries } from '../../src-shared/theory/meanfield';

// ---------------------------------------------------------------------------------------------------------
// Infinite-width NTK along depth (seed 001 eqs. 2, 7, 13–14) for equicorrelated inputs

/**
 * The sweep's network (contract/trainability.ts): inputs with ‖x‖² = n₀ and pairwise cosine c, NTK parametrization,
 * so layer 1 gives K⁽¹⁾ = Θ⁽¹⁾ with diagonal q⁽¹⁾ = σ_w² + σ_b² and off-diagonal σ_w²c + σ_b². For m equicorrelated
 * inputs every layer's Gram matrices keep a constant diagonal and off-diagonal, so the pair recursion (seed 001
 * eqs. 13–14) is the whole m×m recursion; the test checks this against kernelRecursion on the m×m matrix.
 */
export interface NtkLayer {
  depth: number;
  q: number;
  qab: number;
  /** Θ⁽ᴸ⁾ diagonal p and off-diagonal p_ab. */
  p: number;
  pab: number;
}

export interface NtkDepthCurve {
  layers: NtkLayer[];
  /** First depth at which an entry overflowed float64 (the curve stops before it), or null. */
  beyondFloat64At: number | null;
  /**
   * First depth not computed because q > QUADRATURE_Q_MAX needed the slow 2-D quadrature (the curve stops before it).
   */
  stoppedAt?: number | null;
}

/**
 * 𝒯, 𝒯̇ on Σ = q[[1, c], [c, 1]]: closed forms when φ has them; otherwise the Mehler series at q (one 1D quadrature,
 * cached while q repeats, e.g. at the fixed point) when its dropped tail at this c is provably small — the tail at c
 * is at most |c|^{K+1} (𝒯̇: |c|^K) times the measured tail at c = 1, the bound map.ts uses — else the 2-D quadrature
 * (which costs 0.1–5 s per call at q ≳ 100 for GELU/SELU/tanh).
 */
/** Above this variance the 2-D quadrature fallback costs seconds per layer: the curve stops there and says so. */
export const QUADRATURE_Q_MAX = 100;

function pairMap(
  act: Activation,
  q: number,
  qab: number,
  cache: { series: CorrelationSeries | null },
): { T: number; Tdot: number } | null {
  const s12 = Math.max(-q, Math.min(q, qab)); // |q_ab| ≤ q (clamp rounding, as kernelRecursion does)
  if (act.closedForms || act.homogeneous || !(q > 0)) return nngpMap(act, { s11: q, s12, s22: q });
  if (!cache.series || cache.series.q !== q) cache.series = correlationSeries(act, q);
  const sr = cache.series;
  const c = Math.abs(s12 / q);
  const K = sr.coeffs2.length - 1;
  if (c ** (K + 1) * sr.truncation.T < 1e-12 && c ** K * sr.truncation.Tdot < 1e-10) return seriesAt(sr, s12 / q);
  if (q > QUADRATURE_Q_MAX) return null;
  return nngpMap(act, { s11: q, s12, s22: q });
}

/** Layers L = 1 … maxDepth, one per yield (quadrature activations cost ms per layer). */
export function* ntkAlongDepth(
  activation: string,
  sigmaW2: number,
  sigmaB2: number,
  inputCos: number,
  maxDepth: number,
): Generator<number, NtkDepthCurve> {
  const act = resolveActivation(activation);
  validateMeanFieldParams(sigmaW2, sigmaB2);
  if (!(Number.isFinite(inputCos) && inputCos >= -1 && inputCos <= 1))
    throw new RangeError(`input cosine c must lie in [−1, 1], got ${inputCos}`);
  if (!(Number.isInteger(maxDepth) && maxDepth >= 1 && maxDepth <= 10_000))
    throw new RangeError(`maximal depth must be an integer in [1, 10000], got ${maxDepth}`);
  let q = sigmaW2 + sigmaB2;
  let qab = sigmaW2 * inputCos + sigmaB2;
  let p = q;
  let pab = qab;
  const layers: NtkLayer[] = [{ depth: 1, q, qab, p, pab }];
  const cache = { series: null as CorrelationSeries | null };
  yield 1;
  for (let L = 2; L <= maxDepth; L++) {
    const d = lengthMap(act, q);
    const v = pairMap(act, q, qab, cache);
    if (v === null) return { layers, beyondFloat64At: null, stoppedAt: L };
    const qn = sigmaW2 * d.T + sigmaB2;
    const qabn = sigmaW2 * v.T + sigmaB2;
    const pn = qn + sigmaW2 * d.Tdot * p; // seed 001 eq. (7)
    const pabn = qabn + sigmaW2 * v.Tdot * pab;
    if (![qn, qabn, pn, pabn].every(Number.isFinite)) return { layers, beyondFloat64At: L };
    q = qn;
    qab = qabn;
    p = pn;
    pab = pabn;
    layers.push({ depth: L, q, qab, p, pab });
    yield L;
  }
  return { layers, beyondFloat64At: null };
}

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
 * Table 1 leading orders at each depth (seed 001 Table 1 via tableOneAsymptotes). Our L weight layers start from
 * K⁽¹⁾, which plays the role of seed 001's K⁽⁰⁾, so Table 1's l is L − 1 (at least 1). Ordered phase: κ diverges,
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
