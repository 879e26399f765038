// Means and ratio-of-means estimates of per-network terms given as logarithms, for values beyond float64 (deep in the
// chaotic phase Θ′ after a GD step at fixed η grows like a^L per layer; Seleznova & Kutyniok 2022, Thm 4.1 → ∞).
// Sums are log-sum-exp: ln Σ e^{ℓ_i} = m + ln Σ e^{ℓ_i − m}, m = max ℓ_i. The ratio R = mean(n)/mean(t) has the
// delta-method SE of relative-change.ts written relative to R, which never leaves float64:
//   SE(R)/|R| = √( Σ_i (n_i/n̄ − t_i/t̄)² / (N(N−1)) ),  n_i/n̄ = ±e^{ℓ_i − ln|n̄|}.

/** ln Σ e^{ℓ_i}; −Infinity for an empty sum or all terms −Infinity (zeros). NaN or +Infinity: RangeError. */
export function logSumExp(logs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < logs.length; i++) {
    const l = logs[i];
    if (Number.isNaN(l) || l === Infinity) throw new RangeError(`log-sum-exp: term ${i} is ${l}`);
    if (l > m) m = l;
  }
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < logs.length; i++) s += Math.exp(logs[i] - m);
  return m + Math.log(s);
}

/** ln of the mean of e^{ℓ_i} (N ≥ 1). */
export function logMeanExp(logs: ArrayLike<number>): number {
  if (logs.length < 1) throw new RangeError('log mean needs at least one term');
  return logSumExp(logs) - Math.log(logs.length);
}

/** A ratio of means carried as ln|R|, its sign and its relative SE (SE/|R|, delta method). */
export interface LogRatioEstimate {
  logAbs: number;
  sign: -1 | 0 | 1;
  relStderr: number;
}

/** ln|mean| and sign of terms s_i·e^{ℓ_i} (s_i = ±1; absent: all +1). */
function signedLogMean(logs: ArrayLike<number>, signs?: ArrayLike<number>): { logAbs: number; sign: -1 | 0 | 1 } {
  if (!signs) return { logAbs: logMeanExp(logs), sign: 1 };
  const pos: number[] = [],
    neg: number[] = [];
  for (let i = 0; i < logs.length; i++) (signs[i] < 0 ? neg : pos).push(logs[i]);
  const p = logSumExp(pos),
    q = logSumExp(neg);
  if (p === q) return { logAbs: -Infinity, sign: 0 };
  const [hi, lo, sign] = p > q ? [p, q, 1 as const] : [q, p, -1 as const];
  return { logAbs: hi + Math.log1p(-Math.exp(lo - hi)) - Math.log(logs.length), sign };
}

/**
 * R = mean(n)/mean(t) from paired terms n_i = s_i·e^{a_i} and t_i = σ_i·e^{b_i}, all given as logs; the signs s_i, σ_i
 * are optional (absent: all +1; with denominator signs a term may be 0, log −∞, and the mean must not be).
 * Agrees with the linear ratio of means and its delta-method SE (relative-change.ts) wherever those are finite.
 */
export function logRatioOfMeans(
  logNumerator: ArrayLike<number>,
  logDenominator: ArrayLike<number>,
  numeratorSigns?: ArrayLike<number>,
  denominatorSigns?: ArrayLike<number>,
): LogRatioEstimate {
  const n = logDenominator.length;
  if (
    logNumerator.length !== n ||
    (numeratorSigns && numeratorSigns.length !== n) ||
    (denominatorSigns && denominatorSigns.length !== n)
  )
    throw new RangeError(`log ratio of means: the arrays must have the same length (got ${logNumerator.length}, ${n})`);
  if (n < 2) throw new RangeError(`log ratio of means needs at least 2 paired terms (got ${n})`);
  for (let i = 0; i < n; i++) {
    const l = logDenominator[i];
    if (!(Number.isFinite(l) || (denominatorSigns && l === -Infinity)))
      throw new RangeError(
        `log ratio of means: denominator term ${i} has log ${l} (${denominatorSigns ? 'must not be NaN or +∞' : 'must be > 0'})`,
      );
  }
  const num = signedLogMean(logNumerator, numeratorSigns);
  const den = signedLogMean(logDenominator, denominatorSigns);
  if (den.sign === 0) throw new RangeError('log ratio of means: the denominator’s mean is 0');
  if (num.sign === 0) return { logAbs: -Infinity, sign: 0, relStderr: Infinity };
  const sign = (ss: ArrayLike<number> | undefined, i: number) => (ss && ss[i] < 0 ? -1 : 1);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const u =
      sign(numeratorSigns, i) * num.sign * Math.exp(logNumerator[i] - num.logAbs) -
      sign(denominatorSigns, i) * den.sign * Math.exp(logDenominator[i] - den.logAbs);
    ss += u * u;
  }
  return {
    logAbs: num.logAbs - den.logAbs,
    sign: (num.sign * den.sign) as -1 | 1,
    relStderr: Math.sqrt(ss / (n * (n - 1))),
  };
}

/** ln of the mean of e^{ℓ_i} and the mean's relative SE (SD/(mean·√N)), finite where the terms leave float64. */
export function logMeanWithRelStderr(logs: ArrayLike<number>): { logMean: number; relStderr: number } {
  const n = logs.length;
  if (n < 2) throw new RangeError(`log mean with SE needs at least 2 terms (got ${n})`);
  const logMean = logMeanExp(logs);
  if (logMean === -Infinity) return { logMean, relStderr: 0 };
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const u = Math.exp(logs[i] - logMean) - 1;
    ss += u * u;
  }
  return { logMean, relStderr: Math.sqrt(ss / (n * (n - 1))) };
}

/**
 * The GD step's R = E[ΔΘ]/E[Θ] and R_abs = E[|ΔΘ|]/E[Θ] (relative-change.ts) from per-network ln|Θ|, ln|ΔΘ| and the
 * signs of ΔΘ, for steps whose Θ′ left float64. thetaSign: the signs of Θ, for the off-diagonal Θ(x, x̃), which may
 * be negative or 0 (absent: Θ > 0).
 */
export function logRelativeChange(
  logTheta: ArrayLike<number>,
  logAbsDelta: ArrayLike<number>,
  deltaSign: ArrayLike<number>,
  thetaSign?: ArrayLike<number>,
): { relativeChange: LogRatioEstimate; absRelativeChange: LogRatioEstimate } {
  return {
    relativeChange: logRatioOfMeans(logAbsDelta, logTheta, deltaSign, thetaSign),
    absRelativeChange: logRatioOfMeans(logAbsDelta, logTheta, undefined, thetaSign),
  };
}

/**
 * Whether a plain estimate or its SE is not an ordinary float64 (±∞, NaN, or saturated at ±Number.MAX_VALUE, as the
 * GD-step result's plain fields are beyond float64): then its log form is the one to show.
 */
export function saturatedEstimate(e: { estimate: number; stderr: number }): boolean {
  return ![e.estimate, e.stderr].every((v) => Number.isFinite(v) && Math.abs(v) < Number.MAX_VALUE);
}

/** A log-form estimate as text: "≈ −1.23 × 10^4521 (SE 35 %)". */
export function formatLogEstimate(l: { logAbs: number; sign: number; relStderr: number }): string {
  if (l.sign === 0 || !Number.isFinite(l.logAbs)) return '0';
  const d = l.logAbs / Math.LN10;
  let exp = Math.floor(d);
  let mant = 10 ** (d - exp);
  if (mant >= 9.995) [mant, exp] = [1, exp + 1];
  const pct = 100 * l.relStderr;
  const se = Number.isFinite(pct) ? `${pct >= 10 ? Math.round(pct) : pct.toPrecision(2)} %` : 'not finite';
  return `≈ ${l.sign < 0 ? '−' : ''}${mant.toFixed(2)} × 10^${exp} (SE ${se})`;
}
