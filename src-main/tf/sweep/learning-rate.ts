// η_theory of one sweep cell: H1's rule η = 2/λ_max (Xiao et al. 2020, §3, src-shared/theory/meanfield etaTheory)
// applied to
// the infinite-width NTK of the SGD batch, with our loss normalization.
//
// Loss: ½‖f − y‖² per sample averaged over the batch of B samples (Mlp 'mse'); the 10 outputs have the same NTK and
// decouple, so f − y ← (I − (η/B)Θ)(f − y) and the threshold is η < 2B/λ_max (etaTheory with reduction 'mean', m = B).
//
// λ_max: Xiao et al. 2020, §4's dataset model, a Gram matrix with constant diagonal p and constant off-diagonal p_ab,
// whose
// top eigenvalue is p + (B − 1)p_ab. Our inputs have ‖x‖² = n₀, so the first layer (NTK parametrization) gives
// K⁽¹⁾ = σ_w² x·x′/n₀ + σ_b², Θ⁽¹⁾ = K⁽¹⁾ with constant diagonal q⁽¹⁾ = σ_w² + σ_b²; for the off-diagonal we take the
// batch's mean cosine c̄, so q⁽¹⁾_ab = σ_w² c̄ + σ_b². The pair recursion (Xiao et al. 2020, eqs. 2, 7, 13–14) then
// runs the
// L − 1 remaining layers. Why not the full B×B recursion on the batch: for activations without a closed form every
// entry is a 2-D quadrature (≈ 1 ms each), B²/2 = 8,000 of them per layer at B = 128; the pair model costs one per
// layer. learning-rate.test.ts bounds the difference against the full recursion for ReLU (closed form).
import { etaTheory, pairRecursion } from '../../../src-shared/theory/meanfield';

export interface CellEtaInput {
  activation: string;
  sigmaW2: number;
  sigmaB2: number;
  /** L, the number of weight layers. */
  depth: number;
  /** B, the batch the loss is averaged over. */
  batchSize: number;
  /** c̄: mean cosine between distinct inputs of the batch, in [−1, 1]. */
  meanCos: number;
}

export interface CellEta {
  /**
   * 2B/λ_max, or null when it is not a positive float64 (the cell cannot be trained; `failed` says why): Θ overflows
   * float64 at this depth (η_theory underflows to 0), or Θ vanishes below float64's range (λ_max = 0 or so small that
   * 2B/λ_max overflows, e.g. tanh with σ_b² = 0 and tiny σ_w² deep in the ordered phase).
   */
  etaTheory: number | null;
  /** Why etaTheory is null; null otherwise. */
  failed: string | null;
  lambdaMax: number | null;
  /** Θ diagonal p and off-diagonal p_ab at the output. */
  p: number | null;
  pab: number | null;
}

export function cellEtaTheory(c: CellEtaInput): CellEta {
  if (!Number.isInteger(c.depth) || c.depth < 1) throw new RangeError(`depth must be an integer ≥ 1 (got ${c.depth})`);
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1)
    throw new RangeError(`batchSize must be an integer ≥ 1 (got ${c.batchSize})`);
  if (!(Number.isFinite(c.meanCos) && c.meanCos >= -1 && c.meanCos <= 1))
    throw new RangeError(`meanCos must lie in [−1, 1] (got ${c.meanCos})`);
  const q1 = c.sigmaW2 + c.sigmaB2;
  const c1 = (c.sigmaW2 * c.meanCos + c.sigmaB2) / q1;
  const { steps, beyondFloat64AtLayer } = pairRecursion(
    c.activation,
    c.sigmaW2,
    c.sigmaB2,
    q1,
    Math.max(-1, Math.min(1, c1)),
    c.depth - 1,
  );
  const none = { etaTheory: null, lambdaMax: null, p: null, pab: null };
  if (beyondFloat64AtLayer !== null)
    return {
      ...none,
      failed: `Θ overflows float64 at layer ${beyondFloat64AtLayer}, so η_theory = 2B/λ_max underflows to 0`,
    };
  const { p, pab } = steps[c.depth - 1];
  const lambdaMax = p + (c.batchSize - 1) * pab;
  // the eigenvalue of 𝟏 is the top one only when p_ab ≥ 0; else it is p − p_ab (the rest)
  const top = Math.max(lambdaMax, p - pab);
  if (!Number.isFinite(top))
    return { ...none, failed: 'λ_max of Θ overflows float64, so η_theory = 2B/λ_max underflows to 0' };
  // Θ vanishing below float64's range (ordered phase with σ_b² = 0: q⁽ˡ⁾ → 0 like χ₁^l) leaves no finite η_theory
  if (!(top > 0) || !Number.isFinite((2 * c.batchSize) / top))
    return {
      ...none,
      failed: `λ_max of Θ is ${top} (Θ vanishes below float64's range at depth ${c.depth}), so η_theory = 2B/λ_max is not finite`,
    };
  return {
    etaTheory: etaTheory(top, { reduction: 'mean', m: c.batchSize }),
    failed: null,
    lambdaMax: top,
    p,
    pab,
  };
}

/** c̄ = mean over i ≠ j of x_i·x_j/(‖x_i‖‖x_j‖) for rows with ‖x‖² = n₀: (‖Σx‖² − Σ‖x‖²)/(B(B − 1)n₀). */
export function meanCosine(x: Float32Array, rows: number, n0: number): number {
  if (rows < 2) return 1;
  const sum = new Float64Array(n0);
  let self = 0;
  for (let r = 0; r < rows; r++) {
    for (let p = 0; p < n0; p++) {
      const v = x[r * n0 + p];
      sum[p] += v;
      self += v * v;
    }
  }
  let total = 0;
  for (let p = 0; p < n0; p++) total += sum[p] * sum[p];
  const c = (total - self) / ((rows * (rows - 1) * self) / rows);
  return Math.max(-1, Math.min(1, c));
}
