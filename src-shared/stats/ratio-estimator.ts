// Leave-one-out estimator of the NTK dispersion r = μ₂/μ₁² = E[θ²]/E[θ]² from i.i.d. samples (Seleznova & Kutyniok
// 2022, App. C.3).
// For each i the denominator is the unbiased U-statistic for μ₁² on the other N−1 samples,
//   D_i = [(Σ_{j≠i} θ_j)² − Σ_{j≠i} θ_j²] / ((N−1)(N−2)),  E[D_i] = μ₁²,
// independent of θ_i, and r̂ = (1/N) Σ_i θ_i²/D_i. The paper prints the prefactor 1/(N−2), whose expectation is
// N/(N−2)·μ₂/μ₁² (THEORY.md); the mean over i has no such factor. What bias remains comes from E[1/D_i] > 1/E[D_i]
// (Jensen), ≈ r·4(r−1)/N for small spread: O(1/N) and positive. O(N) through the totals Σθ and Σθ².

/**
 * r̂ = (1/N) Σ_i θ_i²/D_i for N ≥ 3 samples; scale-free (values are divided by max|θ| first, so θ² never overflows).
 */
export function dispersionEstimate(samples: ArrayLike<number>): number {
  const n = samples.length;
  if (n < 3) throw new RangeError(`dispersion estimate needs at least 3 samples (got ${n})`);
  let scale = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(samples[i]);
    if (!Number.isFinite(a))
      throw new RangeError(`dispersion estimate: sample ${i} is not a finite number (${samples[i]})`);
    if (a > scale) scale = a;
  }
  if (scale === 0) throw new RangeError('dispersion estimate: all samples are 0, E[θ²]/E[θ]² is undefined');
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = samples[i] / scale;
  return dispersionOfNormalized(t);
}

/**
 * The same estimate for N ≥ 3 finite values already of moderate magnitude (|θ| ≤ 1e100, e.g. divided by their
 * maximum), without the validation and rescaling passes: the statistic a bootstrap evaluates hundreds of times.
 */
export function dispersionOfNormalized(t: Float64Array): number {
  const n = t.length;
  let s = 0,
    q = 0;
  for (let i = 0; i < n; i++) {
    const v = t[i];
    s += v;
    q += v * v;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = t[i];
    const rest = s - v;
    const d = rest * rest - (q - v * v); // = Σ_{j≠k; j,k≠i} θ_j θ_k
    if (!(d > 0))
      throw new RangeError(
        'dispersion estimate: the leave-one-out estimate of E[θ]² is ≤ 0 (mean too close to 0 for a ratio to E[θ]²)',
      );
    sum += (v * v) / d;
  }
  return (sum * ((n - 1) * (n - 2))) / n;
}
