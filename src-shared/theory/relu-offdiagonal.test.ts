import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import {
  OFF_DIAGONAL_RATIO_BOUNDS,
  offDiagonalDispersionBound,
  offDiagonalRatioOrdered,
  offDiagonalRatioOrderedCurve,
  reluCorrelationR,
  reluCorrelations,
  reluDerivativeG,
} from './relu-offdiagonal';

const relu = (x: number) => (x > 0 ? x : 0);

/**
 * E[φ(u)φ(v)] and P(u > 0, v > 0) for standard normals with correlation ρ, from the definition in polar
 * coordinates: u = R cos θ, v = R cos(θ − θ₀) with cos θ₀ = ρ, θ uniform, E[R²] = 2. Midpoint rule on θ.
 */
function polarQuadrature(rho: number, steps = 400_000): { phiPhi: number; bothPositive: number } {
  const t0 = Math.acos(rho);
  const h = (2 * Math.PI) / steps;
  let prod = 0;
  let both = 0;
  for (let i = 0; i < steps; i++) {
    const t = -Math.PI + (i + 0.5) * h;
    const cu = Math.cos(t);
    const cv = Math.cos(t - t0);
    if (cu > 0 && cv > 0) {
      prod += cu * cv;
      both += 1;
    }
  }
  return { phiPhi: (2 * prod * h) / (2 * Math.PI), bothPositive: (both * h) / (2 * Math.PI) };
}

// Eq. (18) as printed: both sums and the product evaluated directly, O(L²).
function eq18Direct(sigmaW2: number, L: number, rho0: number): number {
  const a = sigmaW2 / 2;
  const rho = [rho0];
  for (let k = 1; k < L; k++) rho.push(reluCorrelationR(rho[k - 1]));
  let num = 0;
  let den = 0;
  for (let l = 1; l <= L; l++) {
    let prod = 1;
    for (let k = l; k <= L - 1; k++) prod *= reluDerivativeG(rho[k - 1]);
    num += a ** (L - l) * prod;
    den += a ** (L - l);
  }
  return num / den;
}

describe('r and g (Seleznova & Kutyniok 2022, below eq. 18)', () => {
  it('r is the normalized ReLU arc-cosine kernel E[φ(u)φ(v)]/E[φ(u)²] and g = 2·E[φ′(u)φ′(v)] (polar quadrature)', () => {
    for (const rho of [-0.95, -0.5, 0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99]) {
      const q = polarQuadrature(rho);
      // E[φ(u)²] = 1/2; the product integrand is continuous: midpoint error O(h²) ≈ 1e-10
      expect(Math.abs(reluCorrelationR(rho) - q.phiPhi / 0.5)).toBeLessThan(1e-8);
      // the indicator jumps at the region's two edges: error ≤ 2h/(2π) = 5e-6
      expect(Math.abs(reluDerivativeG(rho) - 2 * q.bothPositive)).toBeLessThan(1e-5);
    }
  });

  it('agree with a Monte Carlo average over correlated Gaussians within 4 standard errors', () => {
    const rng = new Rng(20220, 3);
    const n = 200_000;
    for (const rho of [0.1, 0.5, 0.9]) {
      const s = Math.sqrt(1 - rho * rho);
      let m1 = 0,
        m2 = 0,
        c1 = 0;
      for (let i = 0; i < n; i++) {
        const u = rng.normal();
        const v = rho * u + s * rng.normal();
        const p = 2 * relu(u) * relu(v); // E = r(ρ) since E[φ²] = 1/2
        m1 += p;
        m2 += p * p;
        if (u > 0 && v > 0) c1 += 1;
      }
      const mean = m1 / n;
      const se = Math.sqrt((m2 / n - mean * mean) / (n - 1));
      expect(Math.abs(mean - reluCorrelationR(rho))).toBeLessThan(4 * se);
      const pBoth = c1 / n;
      const seG = 2 * Math.sqrt((pBoth * (1 - pBoth)) / n);
      expect(Math.abs(2 * pBoth - reluDerivativeG(rho))).toBeLessThan(4 * seG);
    }
  });

  it('r maps [−1, 1] into [0, 1] with r(t) ≥ t and the single fixed point 1; the cosines ρ_k increase to 1', () => {
    expect(reluCorrelationR(1)).toBe(1);
    expect(reluCorrelationR(-1)).toBe(0);
    expect(reluCorrelationR(0)).toBeCloseTo(1 / Math.PI, 15);
    expect(reluDerivativeG(0)).toBe(0.5);
    expect(reluDerivativeG(1)).toBe(1);
    for (let t = -1; t < 1; t += 0.01) expect(reluCorrelationR(t)).toBeGreaterThan(t);
    const rho = reluCorrelations(0.1, 200);
    expect(rho[0]).toBe(0.1);
    for (let k = 1; k < rho.length; k++) expect(rho[k]).toBeGreaterThan(rho[k - 1]);
    expect(rho[199]).toBeGreaterThan(0.999);
  });
});

describe('eq. (18): ordered-phase estimate of E[Θ(x, x̃)]/E[Θ(x, x)]', () => {
  it('reproduces the digest table (seed003-thesis-digest §2.5) to its 3 decimals', () => {
    const table: [number, number, number[]][] = [
      [1.0, 0.1, [0.844, 0.788, 0.839, 0.898, 0.951, 0.973]],
      [1.0, 0.9, [0.952, 0.901, 0.906, 0.929, 0.959, 0.976]],
      [1.5, 0.5, [0.857, 0.703, 0.683, 0.752, 0.865, 0.923]],
      [1.8, 0.5, [0.842, 0.638, 0.548, 0.545, 0.671, 0.794]],
    ];
    const depths = [2, 5, 10, 20, 50, 100];
    for (const [sigmaW2, rho0, values] of table) {
      depths.forEach((L, k) =>
        expect(Math.abs(offDiagonalRatioOrdered(sigmaW2, L, rho0) - values[k])).toBeLessThanOrEqual(0.0005 + 1e-12),
      );
    }
  });

  it('the O(L) recurrence equals the printed double sum at every depth', () => {
    for (const [sigmaW2, rho0] of [
      [0.5, 0.3],
      [1.2, -0.4],
      [1.99, 0.7],
    ]) {
      const curve = offDiagonalRatioOrderedCurve(sigmaW2, 60, rho0);
      for (let L = 1; L <= 60; L++) expect(Math.abs(curve[L - 1] - eq18Direct(sigmaW2, L, rho0))).toBeLessThan(1e-12);
    }
  });

  it('lies in the band of Thm 3.3 eq. (16) once deep, and tends to 1 with depth (1 − ratio ∝ 1/L: 1 − ρ_k ∝ k⁻²)', () => {
    for (const sigmaW2 of [0.5, 1.0, 1.5, 1.9]) {
      for (const rho0 of [0.1, 0.5, 0.9]) {
        const c = offDiagonalRatioOrderedCurve(sigmaW2, 3000, rho0);
        for (let L = 10; L <= 3000; L += 10) {
          expect(c[L - 1]).toBeGreaterThanOrEqual(OFF_DIAGONAL_RATIO_BOUNDS.lower);
          expect(c[L - 1]).toBeLessThanOrEqual(OFF_DIAGONAL_RATIO_BOUNDS.upper);
        }
        expect(c[2999]).toBeGreaterThan(0.95);
        expect(1 - c[2999]).toBeLessThan(0.5 * (1 - c[999]));
      }
    }
  });

  it('refuses the EOC and the chaotic phase, and bad input, with a RangeError', () => {
    expect(() => offDiagonalRatioOrdered(2, 10, 0.5)).toThrow(/ordered-phase/);
    expect(() => offDiagonalRatioOrdered(2.5, 10, 0.5)).toThrow(RangeError);
    expect(() => offDiagonalRatioOrdered(2 - 1e-12, 10, 0.5)).toThrow(RangeError); // EOC within phaseOf's tolerance
    expect(() => offDiagonalRatioOrdered(Number.NaN, 10, 0.5)).toThrow(RangeError);
    expect(() => offDiagonalRatioOrdered(-1, 10, 0.5)).toThrow(RangeError);
    expect(() => offDiagonalRatioOrdered(1, 0, 0.5)).toThrow(RangeError);
    expect(() => offDiagonalRatioOrdered(1, 2.5, 0.5)).toThrow(RangeError);
    expect(() => offDiagonalRatioOrdered(1, 10, 1.01)).toThrow(RangeError);
    expect(() => offDiagonalRatioOrdered(1, 10, Number.NaN)).toThrow(RangeError);
    expect(() => reluCorrelationR(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => reluCorrelations(0.5, 0)).toThrow(RangeError);
  });
});

describe('Thm 3.3 eq. (17): off-diagonal dispersion bound', () => {
  it('is 16 × the diagonal dispersion, or diagonal / c² with a better lower bound c of the mean ratio', () => {
    expect(offDiagonalDispersionBound(1)).toBe(16);
    expect(offDiagonalDispersionBound(2.5)).toBe(40);
    expect(offDiagonalDispersionBound(2, 0.5)).toBe(8);
    expect(offDiagonalDispersionBound(3, 1)).toBe(3);
    expect(() => offDiagonalDispersionBound(0.9)).toThrow(RangeError);
    expect(() => offDiagonalDispersionBound(Number.NaN)).toThrow(RangeError);
    expect(() => offDiagonalDispersionBound(2, 0.2)).toThrow(RangeError);
  });
});
