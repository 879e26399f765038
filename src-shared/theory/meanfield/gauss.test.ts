import { describe, expect, it } from 'vitest';
import { erf, erfc, normalCdf } from './erf';
import {
  compositeRule,
  applyRule,
  expectBivariate,
  expectNormal,
  expectNormalHermite,
  gaussHermite,
  gaussLegendre,
} from './gauss';

/** (2k − 1)!! = E Z^{2k}. */
const doubleFactorial = (k: number) => {
  let r = 1;
  for (let j = 2 * k - 1; j > 1; j -= 2) r *= j;
  return r;
};

describe('quadrature rules', () => {
  it('Gauss–Legendre integrates polynomials of degree 2n−1 exactly on [−1, 1]', () => {
    const { x, w } = gaussLegendre(12);
    for (let d = 0; d <= 23; d++) {
      let s = 0;
      for (let i = 0; i < x.length; i++) s += w[i] * x[i] ** d;
      expect(Math.abs(s - (d % 2 ? 0 : 2 / (d + 1)))).toBeLessThan(1e-14);
    }
  });

  it('Gauss–Hermite (probabilists’) reproduces the normal moments E Z^{2k} = (2k−1)!! up to degree 2n−1', () => {
    const n = 20;
    const { w } = gaussHermite(n);
    expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-14);
    for (let k = 1; k < n; k++)
      expect(Math.abs(expectNormalHermite((z) => z ** (2 * k), n) / doubleFactorial(k) - 1)).toBeLessThan(1e-11);
  });

  it('the composite rule gives the normal moments and a kinked integrand exactly when split at the kink', () => {
    for (let k = 0; k <= 8; k++)
      expect(Math.abs(expectNormal((z) => z ** (2 * k)) / doubleFactorial(k) - 1)).toBeLessThan(1e-13);
    // E max(0, Z − t) = pdf(t) − t(1 − Φ(t)) and E 1{Z > t} = 1 − Φ(t): kinks at t
    for (const t of [-1.3, 0, 0.4, 2.2]) {
      const pdf = Math.exp((-t * t) / 2) / Math.sqrt(2 * Math.PI);
      expect(Math.abs(expectNormal((z) => Math.max(0, z - t), [t]) - (pdf - t * (1 - normalCdf(t))))).toBeLessThan(
        1e-15,
      );
      expect(Math.abs(expectNormal((z) => (z > t ? 1 : 0), [t]) - (1 - normalCdf(t)))).toBeLessThan(1e-15);
    }
    // without the split, a step inside a panel costs many digits: the split is what makes it exact
    expect(Math.abs(expectNormal((z) => (z > 0.37 ? 1 : 0), []) - (1 - normalCdf(0.37)))).toBeGreaterThan(1e-6);
    expect(applyRule(compositeRule([], {}), () => 1)).toBeCloseTo(1, 15);
  });

  it('erf/erfc match reference values (CPython math.erf) on both sides of the series/continued-fraction switch', () => {
    const ref: [number, number][] = [
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [2.4999, 0.9995928300996666],
      [3, 0.9999779095030014],
    ];
    for (const [x, v] of ref) {
      expect(Math.abs(erf(x) - v)).toBeLessThan(4.5e-16); // 2 ulp
      expect(Math.abs(erf(-x) + v)).toBeLessThan(4.5e-16);
    }
    expect(Math.abs(erfc(3) / 2.209049699858544e-5 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(erfc(5) / 1.5374597944280349e-12 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(erfc(10) / 2.088487583762545e-45 - 1)).toBeLessThan(1e-13);
    expect(Math.abs(erfc(-3) - (2 - 2.209049699858544e-5))).toBeLessThan(1e-15);
  });
});

describe('bivariate Gaussian expectations', () => {
  it('E[uv] = Σ₁₂, E[u²v²] = Σ₁₁Σ₂₂ + 2Σ₁₂² (Isserlis), including |correlation| = 1 and a zero variance', () => {
    for (const [s11, s12, s22] of [
      [1, 0.3, 2],
      [0.5, -0.5, 0.5],
      [2, 2, 2],
      [0, 0, 3],
    ]) {
      const cov = { s11, s12, s22 };
      expect(
        Math.abs(
          expectBivariate(
            (u) => u,
            (v) => v,
            cov,
          ) - s12,
        ),
      ).toBeLessThan(1e-14);
      expect(
        Math.abs(
          expectBivariate(
            (u) => u * u,
            (v) => v * v,
            cov,
          ) -
            (s11 * s22 + 2 * s12 * s12),
        ),
      ).toBeLessThan(1e-13);
    }
  });

  it('rejects a covariance that is not positive semidefinite or not finite', () => {
    expect(() =>
      expectBivariate(
        (u) => u,
        (v) => v,
        { s11: 1, s12: 2, s22: 1 },
      ),
    ).toThrow(RangeError);
    expect(() =>
      expectBivariate(
        (u) => u,
        (v) => v,
        { s11: NaN, s12: 0, s22: 1 },
      ),
    ).toThrow(RangeError);
    expect(() =>
      expectBivariate(
        (u) => u,
        (v) => v,
        { s11: -1, s12: 0, s22: 1 },
      ),
    ).toThrow(RangeError);
  });
});
