// Gaussian expectations E f(Z), Z ~ N(0, 1), and E[f(u) g(v)] for (u, v) ~ N(0, Σ), Σ 2×2, in float64.
// Two rules:
// • Composite Gauss–Legendre on [−Z_cut, Z_cut] (default: panels of width 1, 16 nodes, Z_cut = 10, i.e. 320 nodes),
//   split at the kinks of the integrand. This is the accurate rule: on each smooth piece the error is far below
//   1e-12 for every activation in the registry (ReLU/SELU kinks, tanh/sigmoid poles at distance ≥ π/(2√q) from
//   the real axis for q ≲ 10), and the cut-off drops mass e^{−50} ≈ 2e-22. A kink left inside a panel would cost
//   most of those digits, hence the splitting.
// • Gauss–Hermite (nodes by Newton on the orthonormal Hermite recurrence, Numerical Recipes §4.6): exact for
//   polynomials of degree 2n−1; for smooth φ it is the cheap rule (used by the ξ map), not for kinks.
// The bivariate expectation is an iterated 1D integral: u = √Σ₁₁ z₁, v | u = (Σ₁₂/Σ₁₁) u + σ_c z₂ with
// σ_c² = Σ₂₂ − Σ₁₂²/Σ₁₁, the inner integral split at the kinks of g in z₂ (they move with z₁).

export interface NormalRule {
  /** Nodes z_i. */
  readonly z: Float64Array;
  /** Weights: Σ w_i f(z_i) ≈ E f(Z); Σ w_i = 1. */
  readonly w: Float64Array;
}

const legendreCache = new Map<number, { x: Float64Array; w: Float64Array }>();

/** n-point Gauss–Legendre nodes and weights on [−1, 1] (Newton on P_n from Chebyshev guesses). */
export function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new RangeError(`gaussLegendre: n must be an integer in [1, 1000], got ${n}`);
  const cached = legendreCache.get(n);
  if (cached) return cached;
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let t = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = t;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pn = n === 1 ? t : p1;
      const pm = n === 1 ? 1 : p0;
      const dpn = (n * (t * pn - pm)) / (t * t - 1);
      const dt = pn / dpn;
      t -= dt;
      if (Math.abs(dt) < 1e-16) break;
    }
    // recompute the derivative at the converged node for the weight
    let p0 = 1;
    let p1 = t;
    for (let k = 2; k <= n; k++) {
      const p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
      p0 = p1;
      p1 = p2;
    }
    const dp = n === 1 ? 1 : (n * (t * p1 - p0)) / (t * t - 1);
    x[i] = -t;
    x[n - 1 - i] = t;
    w[i] = w[n - 1 - i] = 2 / ((1 - t * t) * dp * dp);
  }
  const rule = { x, w };
  legendreCache.set(n, rule);
  return rule;
}

const hermiteCache = new Map<number, NormalRule>();

/** n-point Gauss–Hermite rule for the standard normal (probabilists' form: nodes √2·x_i, weights w_i/√π). */
export function gaussHermite(n: number): NormalRule {
  if (!Number.isInteger(n) || n < 1 || n > 300)
    throw new RangeError(`gaussHermite: n must be an integer in [1, 300], got ${n}`);
  const cached = hermiteCache.get(n);
  if (cached) return cached;
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const PIM4 = 0.7511255444649425; // π^{−1/4}
  let t = 0;
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    // initial guesses for the largest roots first (Numerical Recipes gauher)
    if (i === 0) t = Math.sqrt(2 * n + 1) - 1.85575 * (2 * n + 1) ** -0.16667;
    else if (i === 1) t -= (1.14 * n ** 0.426) / t;
    else if (i === 2) t = 1.86 * t - 0.86 * x[0];
    else if (i === 3) t = 1.91 * t - 0.91 * x[1];
    else t = 2 * t - x[i - 2];
    for (let it = 0; it < 200; it++) {
      let p1 = PIM4;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = t * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
      }
      const dt = p1 / (Math.sqrt(2 * n) * p2);
      t -= dt;
      if (Math.abs(dt) <= 1e-15 * Math.max(1, Math.abs(t))) break;
    }
    let p1 = PIM4;
    let p2 = 0;
    for (let j = 1; j <= n; j++) {
      const p3 = p2;
      p2 = p1;
      p1 = t * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
    }
    const pp = Math.sqrt(2 * n) * p2;
    x[i] = t;
    x[n - 1 - i] = -t;
    w[i] = w[n - 1 - i] = 2 / (pp * pp);
  }
  const z = new Float64Array(n);
  const wn = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    z[i] = Math.SQRT2 * x[n - 1 - i];
    wn[i] = w[n - 1 - i] / Math.sqrt(Math.PI);
  }
  const rule = { z, w: wn };
  hermiteCache.set(n, rule);
  return rule;
}

/** Composite Gauss–Legendre settings; the defaults are the accurate rule described above. */
export interface CompositeOptions {
  /** Integrate over [−cutoff, cutoff] (default 10). */
  cutoff?: number;
  /** Maximum panel width in z (default 1). */
  panelWidth?: number;
  /** Gauss–Legendre nodes per panel (default 16). */
  order?: number;
}

const INV_SQRT_2PI = 0.3989422804014327;

/**
 * The composite Gauss–Legendre rule for E f(Z) as nodes and weights (weights include the normal density), with
 * panel edges at every break inside (−cutoff, cutoff).
 */
export function compositeRule(breaks: readonly number[] = [], options: CompositeOptions = {}): NormalRule {
  const cutoff = options.cutoff ?? 10;
  const panelWidth = options.panelWidth ?? 1;
  if (!(cutoff > 0 && panelWidth > 0))
    throw new RangeError(`compositeRule: cutoff and panelWidth must be > 0, got ${cutoff}, ${panelWidth}`);
  const { x, w } = gaussLegendre(options.order ?? 16);
  const edges = [-cutoff, ...breaks.filter((t) => t > -cutoff && t < cutoff).sort((p, q) => p - q), cutoff];
  let count = 0;
  const panelsPer: number[] = [];
  for (let e = 0; e + 1 < edges.length; e++) {
    const len = edges[e + 1] - edges[e];
    const panels = len > 0 ? Math.max(1, Math.ceil(len / panelWidth - 1e-12)) : 0;
    panelsPer.push(panels);
    count += panels * x.length;
  }
  const z = new Float64Array(count);
  const wz = new Float64Array(count);
  let k = 0;
  for (let e = 0; e + 1 < edges.length; e++) {
    const panels = panelsPer[e];
    if (panels === 0) continue;
    const a = edges[e];
    const half = (edges[e + 1] - a) / panels / 2;
    for (let p = 0; p < panels; p++) {
      const mid = a + (2 * p + 1) * half;
      for (let i = 0; i < x.length; i++, k++) {
        const t = mid + half * x[i];
        z[k] = t;
        wz[k] = w[i] * half * INV_SQRT_2PI * Math.exp(-0.5 * t * t);
      }
    }
  }
  return { z, w: wz };
}

/** Σ w_i f(z_i). */
export function applyRule(rule: NormalRule, f: (z: number) => number): number {
  const { z, w } = rule;
  let s = 0;
  for (let i = 0; i < z.length; i++) s += w[i] * f(z[i]);
  return s;
}

/**
 * E f(Z), Z ~ N(0, 1), by composite Gauss–Legendre split at `breaks` (points where f is not smooth).
 * f must grow at most polynomially.
 */
export function expectNormal(
  f: (z: number) => number,
  breaks: readonly number[] = [],
  options: CompositeOptions = {},
): number {
  return applyRule(compositeRule(breaks, options), f);
}

/** E f(Z) by an n-point Gauss–Hermite rule (for smooth f only). */
export function expectNormalHermite(f: (z: number) => number, n: number): number {
  return applyRule(gaussHermite(n), f);
}

/** A 2×2 covariance [[s11, s12], [s12, s22]]. */
export interface Cov2 {
  s11: number;
  s12: number;
  s22: number;
}

export function validateCov2({ s11, s12, s22 }: Cov2): void {
  if (![s11, s12, s22].every(Number.isFinite))
    throw new RangeError(`covariance entries must be finite, got (${s11}, ${s12}, ${s22})`);
  if (s11 < 0 || s22 < 0) throw new RangeError(`covariance diagonal must be ≥ 0, got (${s11}, ${s22})`);
  if (s12 * s12 > s11 * s22 * (1 + 1e-12) + 1e-300)
    throw new RangeError(`covariance is not positive semidefinite: s12² = ${s12 * s12} > s11·s22 = ${s11 * s22}`);
}

/**
 * E[f(u) g(v)] for (u, v) ~ N(0, Σ) by iterated composite Gauss–Legendre, split at the kinks of f (in u) and g (in v).
 * Degenerate Σ (a zero variance, |correlation| = 1) is handled exactly.
 */
export function expectBivariate(
  f: (u: number) => number,
  g: (v: number) => number,
  cov: Cov2,
  kinksF: readonly number[] = [],
  kinksG: readonly number[] = [],
  options: CompositeOptions = {},
): number {
  validateCov2(cov);
  const { s11, s12, s22 } = cov;
  if (s11 === 0)
    return (
      f(0) *
      expectNormal(
        (z) => g(Math.sqrt(s22) * z),
        kinksG.map((k) => k / Math.sqrt(s22 || 1)),
        options,
      )
    );
  const r1 = Math.sqrt(s11);
  const slope = s12 / r1; // v = slope·z₁ + σ_c z₂
  const condVar = Math.max(0, s22 - (s12 * s12) / s11);
  const sc = Math.sqrt(condVar);
  const outerBreaks = kinksF.map((k) => k / r1);
  if (sc <= 1e-15 * Math.sqrt(s22)) {
    // perfectly correlated: v = slope·z₁; kinks of g also break the outer integral
    if (slope !== 0) for (const k of kinksG) outerBreaks.push(k / slope);
    return expectNormal((z1) => f(r1 * z1) * g(slope * z1), outerBreaks, options);
  }
  // For σ_c > 0 the inner integral is smooth in z₁ (a Gaussian convolution of g), but near |correlation| = 1 it bends
  // sharply within ~σ_c/|slope| of each kink of g: break the outer integral there at a few multiples of that width.
  if (slope !== 0) {
    const width = sc / Math.abs(slope);
    for (const k of kinksG) for (const t of [0, -1, 1, -3, 3, -8, 8]) outerBreaks.push(k / slope + t * width);
  }
  const fixedInner = kinksG.length === 0 ? compositeRule([], options) : null;
  const outer = compositeRule(outerBreaks, options);
  let sum = 0;
  for (let i = 0; i < outer.z.length; i++) {
    const z1 = outer.z[i];
    const fu = f(r1 * z1);
    if (fu === 0) continue;
    const m = slope * z1;
    const inner =
      fixedInner ??
      compositeRule(
        kinksG.map((k) => (k - m) / sc),
        options,
      );
    let s = 0;
    for (let j = 0; j < inner.z.length; j++) s += inner.w[j] * g(m + sc * inner.z[j]);
    sum += outer.w[i] * fu * s;
  }
  return sum;
}

/** E[f(u) g(v)] by a tensor Gauss–Hermite rule with n nodes per dimension (smooth f and g only). */
export function expectBivariateHermite(
  f: (u: number) => number,
  g: (v: number) => number,
  cov: Cov2,
  n: number,
): number {
  validateCov2(cov);
  const { s11, s12, s22 } = cov;
  const { z, w } = gaussHermite(n);
  if (s11 === 0) return f(0) * expectNormalHermite((t) => g(Math.sqrt(s22) * t), n);
  const r1 = Math.sqrt(s11);
  const slope = s12 / r1;
  const sc = Math.sqrt(Math.max(0, s22 - (s12 * s12) / s11));
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const fu = f(r1 * z[i]);
    const m = slope * z[i];
    let inner = 0;
    for (let j = 0; j < n; j++) inner += w[j] * g(m + sc * z[j]);
    sum += w[i] * fu * inner;
  }
  return sum;
}
