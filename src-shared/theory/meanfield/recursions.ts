// Infinite-width NNGP and NTK recursions for a set of m inputs (Xiao et al. 2020, eqs. 2, 7; NTK parametrization, eq.
// 1):
//   K^{(l+1)} = σ_w² 𝒯(K^{(l)}) + σ_b²                    (entrywise on 2×2 sub-blocks, eq. 2)
//   Θ^{(l+1)} = K^{(l+1)} + σ_w² 𝒯̇(K^{(l)}) ⊙ Θ^{(l)}     (eq. 7)
// Initial condition (not stated in Xiao et al. 2020; its eqs. 15 and 18 at l = 0 imply it): Θ^{(0)} = K^{(0)}, with
// K^{(0)}
// the inputs' covariance, normalized in the paper so that its diagonal is q*. Libraries such as Neural Tangents
// start one layer later (K^{(1)} = σ_w² x·x′/n₀ + σ_b², Θ^{(1)} = K^{(1)}): the same recursion shifted by one layer.
// Float64 throughout; the first layer with a non-finite entry stops the recursion and is reported as
// "beyond float64" (deep chaotic phase: Θ grows like χ₁^l), the last finite layer is returned, never NaN.
import type { Activation } from './activation';
import { resolveActivation, validateMeanFieldParams } from './fixed-point';
import { correlationSeries, seriesAt, type CorrelationSeries } from './hermite-series';
import { lengthMap, nngpMap, type NngpValues } from './nngp-map';

export interface KernelRecursionOptions {
  activation: string | Activation;
  sigmaW2: number;
  sigmaB2: number;
  /** K^{(0)}: m×m symmetric positive semidefinite, row-major (Θ^{(0)} = K^{(0)}). */
  gram0: ArrayLike<number>;
  /** m, the number of inputs. */
  m: number;
  /** Number of layers to apply (l = 1 … depth). */
  depth: number;
  /** Called after every layer with (l, K^{(l)}, Θ^{(l)}); the arrays are reused, copy what you keep. */
  onLayer?: (layer: number, K: Float64Array, theta: Float64Array) => void;
}

export interface KernelRecursionResult {
  m: number;
  /** The last layer computed with all entries finite. */
  layer: number;
  K: Float64Array;
  theta: Float64Array;
  /** The first layer at which an entry overflowed float64, or null. */
  beyondFloat64AtLayer: number | null;
}

export const RECURSION_MAX_DEPTH = 1_000_000;
export const RECURSION_MAX_INPUTS = 2000;

function validate(o: KernelRecursionOptions): void {
  validateMeanFieldParams(o.sigmaW2, o.sigmaB2);
  if (!Number.isInteger(o.m) || o.m < 1 || o.m > RECURSION_MAX_INPUTS)
    throw new RangeError(`m (number of inputs) must be an integer in [1, ${RECURSION_MAX_INPUTS}], got ${o.m}`);
  if (!Number.isInteger(o.depth) || o.depth < 0 || o.depth > RECURSION_MAX_DEPTH)
    throw new RangeError(`depth must be an integer in [0, ${RECURSION_MAX_DEPTH}], got ${o.depth}`);
  if (o.gram0.length !== o.m * o.m)
    throw new RangeError(`gram0 must have m² = ${o.m * o.m} entries, got ${o.gram0.length}`);
  const g = o.gram0;
  for (let i = 0; i < o.m; i++) {
    if (!(Number.isFinite(g[i * o.m + i]) && g[i * o.m + i] >= 0))
      throw new RangeError(`gram0 diagonal entry ${i} must be finite and ≥ 0, got ${g[i * o.m + i]}`);
    for (let j = 0; j < i; j++) {
      const a = g[i * o.m + j];
      if (!Number.isFinite(a) || Math.abs(a - g[j * o.m + i]) > 1e-12 * (Math.abs(a) + 1))
        throw new RangeError(`gram0 must be finite and symmetric (entry ${i},${j})`);
      if (a * a > g[i * o.m + i] * g[j * o.m + j] * (1 + 1e-12))
        throw new RangeError(`gram0 is not positive semidefinite: |K(${i},${j})| > √(K(${i},${i})K(${j},${j}))`);
    }
  }
}

/** Run the recursions; cost per layer m(m−1)/2 bivariate maps + m diagonal maps. */
export function kernelRecursion(options: KernelRecursionOptions): KernelRecursionResult {
  validate(options);
  const act = resolveActivation(options.activation);
  const { sigmaW2, sigmaB2, m, depth } = options;
  let K = Float64Array.from(options.gram0);
  let theta = Float64Array.from(options.gram0);
  let K2 = new Float64Array(m * m);
  let theta2 = new Float64Array(m * m);
  for (let l = 1; l <= depth; l++) {
    let finite = true;
    for (let i = 0; i < m && finite; i++) {
      const kii = K[i * m + i];
      const d = lengthMap(act, kii);
      const knew = sigmaW2 * d.T + sigmaB2;
      const tnew = knew + sigmaW2 * d.Tdot * theta[i * m + i];
      K2[i * m + i] = knew;
      theta2[i * m + i] = tnew;
      if (!Number.isFinite(knew) || !Number.isFinite(tnew)) finite = false;
      for (let j = 0; j < i && finite; j++) {
        const kjj = K[j * m + j];
        // clamp the off-diagonal into the PSD cone (rounding can push |K_ij| a hair above √(K_ii K_jj))
        const bound = Math.sqrt(kii * kjj);
        const kij = Math.max(-bound, Math.min(bound, K[i * m + j]));
        const v = nngpMap(act, { s11: kii, s12: kij, s22: kjj });
        const kn = sigmaW2 * v.T + sigmaB2;
        const tn = kn + sigmaW2 * v.Tdot * theta[i * m + j];
        K2[i * m + j] = K2[j * m + i] = kn;
        theta2[i * m + j] = theta2[j * m + i] = tn;
        if (!Number.isFinite(kn) || !Number.isFinite(tn)) finite = false;
      }
    }
    if (!finite) return { m, layer: l - 1, K, theta, beyondFloat64AtLayer: l };
    [K, K2] = [K2, K];
    [theta, theta2] = [theta2, theta];
    options.onLayer?.(l, K, theta);
  }
  return { m, layer: depth, K, theta, beyondFloat64AtLayer: null };
}

export interface PairRecursionStep {
  /** q^{(l)}, q^{(l)}_ab, p^{(l)}, p^{(l)}_ab (Xiao et al. 2020, eqs. 13–14 notation). */
  q: number;
  qab: number;
  p: number;
  pab: number;
}

/** 𝒯 and 𝒯̇ at Σ = [[q, q_ab], [q_ab, q]] (|q_ab| ≤ q), or null to stop the recursion before this layer. */
export type PairMap = (q: number, qab: number) => NngpValues | null;

/** Why pairRecursionSteps stopped early: the first layer (counted from the start, 1-based) not returned. */
export interface PairRecursionEnd {
  /** An entry overflowed float64 (deep chaotic phase: Θ grows like χ₁^l). */
  beyondFloat64At: number | null;
  /** The pair map returned null. */
  stoppedAt: number | null;
}

/**
 * The one implementation of the depth recursions for two inputs of equal variance (Xiao et al. 2020, eqs. 2, 7 and
 * the reduction of eqs. 13–14): from `start`, yields layers 1 … `layers` after it,
 *   q⁺ = σ_w² 𝒯(q, q, q) + σ_b²,  q_ab⁺ = σ_w² 𝒯(q, q_ab, q) + σ_b²,  p⁺ = q⁺ + σ_w² 𝒯̇(q, q, q) p,  p_ab⁺ likewise,
 * the diagonal by lengthMap, the off-diagonal (clamped into |q_ab| ≤ q against rounding) by `pairMap` (default the
 * closed form or quadrature of nngpMap). Stops at the first layer with a non-finite entry or a null pair map.
 */
export function* pairRecursionSteps(
  act: Activation,
  sigmaW2: number,
  sigmaB2: number,
  start: PairRecursionStep,
  layers: number,
  pairMap?: PairMap,
): Generator<PairRecursionStep, PairRecursionEnd> {
  const offDiagonal: PairMap = pairMap ?? ((q, qab) => nngpMap(act, { s11: q, s12: qab, s22: q }));
  let { q, qab, p, pab } = start;
  for (let l = 1; l <= layers; l++) {
    const d = lengthMap(act, q);
    const v = offDiagonal(q, Math.max(-q, Math.min(q, qab)));
    if (v === null) return { beyondFloat64At: null, stoppedAt: l };
    const qn = sigmaW2 * d.T + sigmaB2;
    const qabn = sigmaW2 * v.T + sigmaB2;
    const pn = qn + sigmaW2 * d.Tdot * p; // Xiao et al. 2020, eq. (7)
    const pabn = qabn + sigmaW2 * v.Tdot * pab;
    if (![qn, qabn, pn, pabn].every(Number.isFinite)) return { beyondFloat64At: l, stoppedAt: null };
    q = qn;
    qab = qabn;
    p = pn;
    pab = pabn;
    yield { q, qab, p, pab };
  }
  return { beyondFloat64At: null, stoppedAt: null };
}

/**
 * The pointwise reduction (Xiao et al. 2020, eqs. 13–14): two inputs of equal variance q⁰ and covariance c⁰q⁰; every
 * layer
 * of a dataset whose Gram matrix has constant diagonal and constant off-diagonal is described by these four numbers.
 * Returns layers 0 … depth (stops early, with `beyondFloat64AtLayer`, on overflow).
 */
export function pairRecursion(
  activation: string | Activation,
  sigmaW2: number,
  sigmaB2: number,
  q0: number,
  c0: number,
  depth: number,
): { steps: PairRecursionStep[]; beyondFloat64AtLayer: number | null } {
  if (!(Number.isFinite(c0) && c0 >= -1 && c0 <= 1))
    throw new RangeError(`c0 (input correlation) must lie in [−1, 1], got ${c0}`);
  if (!(Number.isFinite(q0) && q0 >= 0)) throw new RangeError(`q0 (input variance) must be finite and ≥ 0, got ${q0}`);
  validateMeanFieldParams(sigmaW2, sigmaB2);
  if (!Number.isInteger(depth) || depth < 0 || depth > RECURSION_MAX_DEPTH)
    throw new RangeError(`depth must be an integer in [0, ${RECURSION_MAX_DEPTH}], got ${depth}`);
  const steps: PairRecursionStep[] = [{ q: q0, qab: c0 * q0, p: q0, pab: c0 * q0 }];
  const run = pairRecursionSteps(resolveActivation(activation), sigmaW2, sigmaB2, steps[0], depth);
  for (let r = run.next(); ; r = run.next()) {
    if (r.done) return { steps, beyondFloat64AtLayer: r.value.beyondFloat64At };
    steps.push(r.value);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The trainability sweep's network along depth

/**
 * One layer of the sweep's network (contract/trainability.ts): inputs with ‖x‖² = n₀ and pairwise cosine c, NTK
 * parametrization, so layer 1 gives K⁽¹⁾ = Θ⁽¹⁾ with diagonal q⁽¹⁾ = σ_w² + σ_b² and off-diagonal σ_w²c + σ_b². For m
 * equicorrelated inputs every layer's Gram matrices keep a constant diagonal and off-diagonal, so the pair recursion
 * (Xiao et al. 2020, eqs. 13–14) is the whole m×m recursion (the renderer's tests check it against kernelRecursion).
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

/** Above this variance the 2-D quadrature fallback costs seconds per layer: the curve stops there and says so. */
export const QUADRATURE_Q_MAX = 100;

/**
 * A pair map for long depth curves: closed forms when φ has them; otherwise the Mehler series at q (one 1D
 * quadrature, cached while q repeats, e.g. at the fixed point) when its dropped tail at this c is provably small —
 * the tail at c is at most |c|^{K+1} (𝒯̇: |c|^K) times the measured tail at c = 1, the bound map.ts uses — else the
 * 2-D quadrature (0.1–5 s per call at q ≳ 100 for GELU/SELU/tanh), up to q = qMax (null above).
 */
function seriesPairMap(act: Activation, qMax = QUADRATURE_Q_MAX): PairMap {
  let series: CorrelationSeries | null = null;
  return (q, s12) => {
    if (act.closedForms || act.homogeneous || !(q > 0)) return nngpMap(act, { s11: q, s12, s22: q });
    if (!series || series.q !== q) series = correlationSeries(act, q);
    const c = Math.abs(s12 / q);
    const K = series.coeffs2.length - 1;
    if (c ** (K + 1) * series.truncation.T < 1e-12 && c ** K * series.truncation.Tdot < 1e-10)
      return seriesAt(series, s12 / q);
    if (q > qMax) return null;
    return nngpMap(act, { s11: q, s12, s22: q });
  };
}

/** The sweep's network at depths L = 1 … maxDepth (see NtkLayer), one layer per yield (quadrature costs ms each). */
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
  const q = sigmaW2 + sigmaB2;
  const qab = sigmaW2 * inputCos + sigmaB2;
  const layers: NtkLayer[] = [{ depth: 1, q, qab, p: q, pab: qab }];
  yield 1;
  const run = pairRecursionSteps(act, sigmaW2, sigmaB2, layers[0], maxDepth - 1, seriesPairMap(act));
  for (let r = run.next(); ; r = run.next()) {
    if (!r.done) {
      layers.push({ depth: layers.length + 1, ...r.value });
      yield layers.length;
      continue;
    }
    const { beyondFloat64At, stoppedAt } = r.value;
    if (stoppedAt !== null) return { layers, beyondFloat64At: null, stoppedAt: stoppedAt + 1 };
    if (beyondFloat64At !== null) return { layers, beyondFloat64At: beyondFloat64At + 1 };
    return { layers, beyondFloat64At: null };
  }
}
