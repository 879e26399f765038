// Relative change of the NTK in one GD step from paired samples (Θ_i before, Θ′_i after; Seleznova & Kutyniok 2022, Thm
// 4.1):
//   R = E[ΔΘ]/E[Θ] and R_abs = E[|ΔΘ|]/E[Θ], ΔΘ_i = Θ′_i − Θ_i, estimated as ratios of sample means.
// Standard error by the delta method: with D̄, T̄ the means and R̂ = D̄/T̄,
//   Var(R̂) ≈ Var(D − R T)/(N T̄²),  estimated by Σ_i (D_i − R̂ T_i)² / (N(N−1) T̄²),
// or by a paired bootstrap (resample networks, recompute both means). Values are divided by max|Θ| first so that
// squares never overflow, whatever the scale of Θ (chaotic-phase kernels reach 1e150 and beyond).
import { bootstrapStderr } from './bootstrap';
import type { Rng } from '../rng';

export interface RatioEstimate {
  estimate: number;
  stderr: number;
}

export interface RelativeChange {
  /** E[ΔΘ]/E[Θ]. */
  relativeChange: RatioEstimate;
  /** E[|ΔΘ|]/E[Θ]. */
  absRelativeChange: RatioEstimate;
  /** Number of networks used. */
  n: number;
}

export interface RelativeChangeOptions {
  /** 'delta-method' (default) or 'bootstrap' (paired, `replicates` resamples, needs rng). */
  stderr?: 'delta-method' | 'bootstrap';
  replicates?: number;
  rng?: Rng;
}

/** Scaled copies t = Θ/S, d = ΔΘ/S, e = |ΔΘ|/S with S = max(|Θ|, |Θ′|); validates the input. */
function scaled(
  before: ArrayLike<number>,
  after: ArrayLike<number>,
): { t: Float64Array; d: Float64Array; e: Float64Array } {
  const n = before.length;
  if (after.length !== n)
    throw new RangeError(`relative change: before and after must have the same length (got ${n} and ${after.length})`);
  if (n < 2) throw new RangeError(`relative change needs at least 2 networks (got ${n})`);
  let S = 0;
  for (let i = 0; i < n; i++) {
    const b = before[i],
      a = after[i];
    if (!Number.isFinite(b) || !Number.isFinite(a))
      throw new RangeError(`relative change: network ${i} has a non-finite value (before ${b}, after ${a})`);
    S = Math.max(S, Math.abs(b), Math.abs(a));
  }
  const t = new Float64Array(n),
    d = new Float64Array(n),
    e = new Float64Array(n);
  if (S === 0) throw new RangeError('relative change: every Θ is 0, the ratio to E[Θ] is undefined');
  const inv = 1 / S;
  for (let i = 0; i < n; i++) {
    const b = before[i] * inv,
      a = after[i] * inv;
    t[i] = b;
    d[i] = a - b;
    e[i] = Math.abs(a - b);
  }
  return { t, d, e };
}

/** Ratio of means Σd/Σt with its delta-method standard error. */
function ratioOfMeans(d: Float64Array, t: Float64Array): RatioEstimate {
  const n = t.length;
  let sd = 0,
    st = 0;
  for (let i = 0; i < n; i++) {
    sd += d[i];
    st += t[i];
  }
  if (st === 0) throw new RangeError('relative change: the mean of Θ before the step is 0, the ratio is undefined');
  const r = sd / st,
    tBar = st / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const u = d[i] - r * t[i];
    ss += u * u;
  }
  const stderr = Math.sqrt(ss / (n * (n - 1))) / Math.abs(tBar);
  if (Number.isFinite(stderr) || !Number.isFinite(r) || sd === 0) return { estimate: r, stderr };
  // |R| near float64's limit (a chaotic step): (d − R t)² overflowed. The same SE relative to R (log-space.ts):
  // d_i − R t_i = d̄ (d_i/d̄ − t_i/t̄), so SE = |R| √(Σ (d_i/d̄ − t_i/t̄)² / (N(N−1)))
  const dBar = sd / n;
  let rs = 0;
  for (let i = 0; i < n; i++) {
    const u = d[i] / dBar - t[i] / tBar;
    rs += u * u;
  }
  return { estimate: r, stderr: Math.abs(r) * Math.sqrt(rs / (n * (n - 1))) };
}

/**
 * mean(numerator)/mean(denominator) over paired samples (the same networks) with its delta-method SE, on values
 * divided by the largest |value| so squares cannot overflow. E.g. κ = E[λ_max]/E[bulk], E[Θ(x,x̃)]/E[Θ(x,x)].
 */
export function ratioOfPairedMeans(numerator: ArrayLike<number>, denominator: ArrayLike<number>): RatioEstimate {
  const n = denominator.length;
  if (numerator.length !== n)
    throw new RangeError(
      `ratio of means: numerator and denominator must have the same length (got ${numerator.length} and ${n})`,
    );
  if (n < 2) throw new RangeError(`ratio of means needs at least 2 paired samples (got ${n})`);
  let S = 0,
    sum = 0;
  for (let i = 0; i < n; i++) {
    const a = numerator[i],
      b = denominator[i];
    if (!Number.isFinite(a) || !Number.isFinite(b))
      throw new RangeError(`ratio of means: sample ${i} is not finite (${a}, ${b})`);
    S = Math.max(S, Math.abs(a), Math.abs(b));
    sum += b;
  }
  if (sum === 0) throw new RangeError('ratio of means: the mean of the denominator is 0');
  const num = new Float64Array(n),
    den = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    num[i] = numerator[i] / S;
    den[i] = denominator[i] / S;
  }
  return ratioOfMeans(num, den);
}

/** Paired bootstrap SE of Σd/Σt: resample network indices. */
function bootstrapRatio(d: Float64Array, t: Float64Array, replicates: number, rng: Rng): number {
  const n = t.length;
  const idx = new Float64Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return bootstrapStderr(
    idx,
    (res) => {
      let sd = 0,
        st = 0;
      for (let i = 0; i < res.length; i++) {
        const j = res[i];
        sd += d[j];
        st += t[j];
      }
      return sd / st;
    },
    replicates,
    rng,
  );
}

/**
 * E[ΔΘ]/E[Θ] and E[|ΔΘ|]/E[Θ] from per-network kernels before and after the step (diagonal Θ(x, x) or the
 * off-diagonal Θ(x, x̃) alike). Throws a RangeError on non-finite values, fewer than 2 networks or E[Θ] = 0.
 */
export function relativeChange(
  before: ArrayLike<number>,
  after: ArrayLike<number>,
  opts: RelativeChangeOptions = {},
): RelativeChange {
  const { t, d, e } = scaled(before, after);
  const rel = ratioOfMeans(d, t);
  const abs = ratioOfMeans(e, t);
  const method = opts.stderr ?? 'delta-method';
  if (method === 'bootstrap') {
    if (!opts.rng) throw new RangeError('relative change: the bootstrap needs an rng');
    const reps = opts.replicates ?? 200;
    rel.stderr = bootstrapRatio(d, t, reps, opts.rng);
    abs.stderr = bootstrapRatio(e, t, reps, opts.rng);
  } else if (method !== 'delta-method')
    throw new RangeError(`relative change: unknown stderr method ${JSON.stringify(opts.stderr)}`);
  return { relativeChange: rel, absRelativeChange: abs, n: t.length };
}
