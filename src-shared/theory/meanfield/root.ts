// Brent's method (bracketing, inverse quadratic interpolation with bisection fallback; Brent 1973, ch. 4).
// Used for q*, c* and the critical line: a bracket guarantees convergence where Newton or plain iteration may not.

export interface BrentOptions {
  /** Absolute tolerance on x (default 4·ε·|x| + 1e-300: as tight as float64 allows). */
  xtol?: number;
  maxIter?: number;
}

/** A root of f in [a, b]; f(a) and f(b) must not have the same strict sign. */
export function brent(
  f: (x: number) => number,
  a: number,
  b: number,
  options: BrentOptions = {},
  fa = f(a),
  fb = f(b),
): number {
  const xtol = options.xtol ?? 0;
  const maxIter = options.maxIter ?? 200;
  if (!(Number.isFinite(fa) && Number.isFinite(fb)))
    throw new RangeError(`brent: f is not finite at the bracket ends (${fa}, ${fb})`);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (fa > 0 === fb > 0) throw new RangeError(`brent: [${a}, ${b}] does not bracket a root (f = ${fa}, ${fb})`);
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let iter = 0; iter < maxIter; iter++) {
    if (fb > 0 === fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 2 * Number.EPSILON * Math.abs(b) + 0.5 * xtol + 1e-300;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return b;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const s = fb / fa;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b);
    if (!Number.isFinite(fb)) throw new RangeError(`brent: f(${b}) is not finite`);
  }
  return b;
}
