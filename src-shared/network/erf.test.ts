import { describe, expect, it } from 'vitest';
import { erf, erfc, normalCdf, normalPdf } from './erf';

// Reference values from mpmath 1.3 at 40 significant digits (mp.erf, mp.erfc), rounded to 20.
const ERF_TABLE: [number, number, number][] = [
  [1e-20, 1.128379167095512512e-20, 0.99999999999999999999],
  [1e-8, 1.1283791670955125599e-8, 0.99999998871620832904],
  [0.1, 0.1124629160182848984, 0.8875370839817151016],
  [0.3, 0.32862675945912741619, 0.67137324054087258381],
  [0.46875, 0.49261347321793799159, 0.50738652678206200841],
  [0.5, 0.52049987781304653768, 0.47950012218695346232],
  [0.75, 0.7111556336535151316, 0.2888443663464848684],
  [1, 0.84270079294971486934, 0.15729920705028513066],
  [1.5, 0.96610514647531072707, 0.033894853524689272933],
  [2, 0.99532226501895273416, 0.0046777349810472658379],
  [2.5, 0.99959304798255504106, 0.00040695201744495893956],
  [3, 0.99997790950300141456, 0.000022090496998585441373],
  [3.5, 0.99999925690162765859, 7.4309837234141274552e-7],
  [4, 0.99999998458274209972, 1.5417257900280018852e-8],
  [4.5, 0.99999999980338395585, 1.9661604415428874763e-10],
  [5, 0.99999999999846254021, 1.5374597944280348502e-12],
  [6, 0.99999999999999997848, 2.1519736712498913117e-17],
  [8, 1.0, 1.122429717298292708e-29],
  [10, 1.0, 2.088487583762544757e-45],
  [15, 1.0, 7.2129941724512066666e-100],
  [20, 1.0, 5.3958656116079009289e-176],
  [26, 1.0, 5.6631924088561428465e-296],
];

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

/** Independent check: erf(x) = (2/√π)e^{−x²} Σ_n 2ⁿx^{2n+1}/(1·3·…·(2n+1)) — all terms positive, no cancellation. */
function erfSeries(x: number): number {
  let term = x,
    sum = x;
  for (let n = 1; n < 500 && term > 1e-18 * sum; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

describe('erf / erfc (Cody 1969)', () => {
  it('matches 40-digit reference values to 1e-14 relative, both signs', () => {
    for (const [x, e, c] of ERF_TABLE) {
      expect(relErr(erf(x), e)).toBeLessThan(1e-14);
      expect(relErr(erf(-x), -e)).toBeLessThan(1e-14);
      expect(relErr(erfc(x), c)).toBeLessThan(1e-14);
      expect(relErr(erfc(-x), 2 - c)).toBeLessThan(1e-14);
    }
  });

  it('agrees with the positive-term Taylor series on a dense grid across all three intervals', () => {
    // series rounding grows ~ number of terms × ε; 2e-15 per term bound stays below 5e-14 for |x| ≤ 3
    let worst = 0;
    for (let x = 0.01; x <= 3; x += 0.0137) worst = Math.max(worst, relErr(erf(x), erfSeries(x)));
    expect(worst).toBeLessThan(5e-14);
  });

  it('is odd, monotone at the interval joins, and saturates; NaN propagates', () => {
    // no jump where Cody's approximations hand over: the difference quotient across each join equals −erfc′ =
    // (2/√π)e^{−x²}
    // (curvature error ~ ε²x² ≈ 1e-11, rounding ≲ 1e-10 relative)
    for (const x of [0.46875, 4]) {
      const eps = 1e-6;
      const slope = (erfc(x - eps) - erfc(x + eps)) / (2 * eps);
      expect(relErr(slope, (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x))).toBeLessThan(1e-8);
    }
    expect(erf(0)).toBe(0);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
    expect(Number.isNaN(erf(NaN))).toBe(true);
  });

  it('normalCdf is accurate in the left tail (no cancellation)', () => {
    // Φ(−10) = 7.6198530241605260659733432515993e-24 (mpmath)
    expect(relErr(normalCdf(-10), 7.619853024160526066e-24)).toBeLessThan(1e-14);
    expect(relErr(normalCdf(1), 0.84134474606854294859)).toBeLessThan(1e-15);
    // ϕ(1.5) (mpmath); two roundings (the constant, exp)
    expect(relErr(normalPdf(1.5), 0.12951759566589172761)).toBeLessThan(5e-16);
  });
});
