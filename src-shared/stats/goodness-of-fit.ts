// Goodness-of-fit tests used to check samplers against exact distributions and against each other.
// Pearson's χ² against known cell probabilities, and the two-sample Kolmogorov–Smirnov test with its asymptotic
// critical value c(α)·√((n+m)/(nm)), c(α) = √(−ln(α/2)/2) (conservative for distributions with atoms).

/** Upper-α quantile of χ²_df by Wilson–Hilferty (relative error < 1 % for df ≥ 3 at α ≥ 1e-4), z = Φ⁻¹(1 − α). */
export function chiSquareCritical(df: number, z: number): number {
  if (!(df >= 1)) throw new RangeError(`χ² critical value: df must be ≥ 1 (got ${df})`);
  const h = 2 / (9 * df);
  return df * Math.pow(1 - h + z * Math.sqrt(h), 3);
}

export interface ChiSquareResult {
  /** Pearson statistic Σ (O − E)²/E over the merged cells. */
  stat: number;
  /** Degrees of freedom: merged cells − 1. */
  df: number;
  /** Number of cells after merging. */
  cells: number;
}

/**
 * Pearson χ² of observed counts against probabilities (same length, probabilities summing to ~1). Adjacent cells
 * are merged left to right until each expects ≥ minExpected counts (the χ² approximation needs that).
 */
export function chiSquareGof(
  observed: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  minExpected = 5,
): ChiSquareResult {
  if (observed.length !== probabilities.length || observed.length < 2)
    throw new RangeError('χ² test: observed and probabilities must have the same length ≥ 2');
  let total = 0;
  for (let i = 0; i < observed.length; i++) total += observed[i];
  if (!(total > 0)) throw new RangeError('χ² test: no observations');
  const obs: number[] = [],
    exp: number[] = [];
  let o = 0,
    e = 0;
  for (let i = 0; i < observed.length; i++) {
    o += observed[i];
    e += probabilities[i] * total;
    if (e >= minExpected) {
      obs.push(o);
      exp.push(e);
      o = 0;
      e = 0;
    }
  }
  if (exp.length === 0) throw new RangeError('χ² test: too few observations for a single cell');
  obs[obs.length - 1] += o; // the remainder joins the last full cell
  exp[exp.length - 1] += e;
  let stat = 0;
  for (let i = 0; i < obs.length; i++) stat += ((obs[i] - exp[i]) * (obs[i] - exp[i])) / exp[i];
  return { stat, df: obs.length - 1, cells: obs.length };
}

/** Two-sample Kolmogorov–Smirnov statistic D = sup |F_a − F_b| (handles ties). */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length < 1 || b.length < 1) throw new RangeError('KS test: both samples must be non-empty');
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let i = 0,
    j = 0,
    d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** Asymptotic critical value of the two-sample KS statistic at level α for sample sizes n, m. */
export function ksCritical(n: number, m: number, alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`KS critical value: alpha must lie in (0, 1) (got ${alpha})`);
  return Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt((n + m) / (n * m));
}
