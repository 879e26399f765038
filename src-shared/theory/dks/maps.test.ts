import { describe, expect, it } from 'vitest';
import { getDksActivation, transformActivation } from './activations';
import { chainDegeneracy, chainMap, classifyCMap } from './global';
import { cMap, cMapPrime, hermiteSeries, localSummary, seriesCMap } from './maps';
import { solveDks } from './solver';

const relu = getDksActivation('relu');
const erf = getDksActivation('erf');
/** Martens et al. 2021 (DKS), eq. (15): the ReLU C map (Cho & Saul 2009), independent of q. */
const reluC = (c: number) => (Math.sqrt(1 - c * c) + (Math.PI - Math.acos(c)) * c) / Math.PI;
/** Williams 1997 (DKS Sec. 12.2): erf with unit weight variance. */
const erfQ = (q: number) => (2 / Math.PI) * Math.asin((2 * q) / (1 + 2 * q));
const erfC = (c: number, q: number) => ((2 / Math.PI) * Math.asin((2 * c * q) / (1 + 2 * q))) / erfQ(q);

describe('local maps against closed forms (ReLU eq. (15), erf Sec. 12.2)', () => {
  it('ReLU: Q = q/2, Q′ = 1/2, C(0) = 1/π, C′(1) = 1, C(c) and C′(c) = (π − arccos c)/π', () => {
    for (const q of [0.3, 1, 4]) {
      const s = localSummary(relu, q);
      expect(s.Q).toBeCloseTo(q / 2, 13);
      expect(s.QPrime).toBeCloseTo(0.5, 13);
      expect(s.C0).toBeCloseTo(1 / Math.PI, 13);
      expect(s.CPrime1).toBeCloseTo(1, 13);
      expect(s.CPrime0).toBeCloseTo(0.5, 13); // q(E 1{x>0})²/(q/2)
      for (const c of [-1, -0.7, 0, 0.4, 0.99, 1]) {
        expect(cMap(relu, c, q)).toBeCloseTo(reluC(c), 11);
        expect(cMapPrime(relu, c, q)).toBeCloseTo((Math.PI - Math.acos(c)) / Math.PI, 10);
      }
    }
  });

  it('erf: Q(q), Q′(q), C(c; q), C′(c; q) and C′(1)', () => {
    for (const q of [0.1419, 1, 3]) {
      const s = localSummary(erf, q);
      const r = (2 * q) / (1 + 2 * q);
      expect(s.Q).toBeCloseTo(erfQ(q), 13);
      expect(s.QPrime).toBeCloseTo(4 / Math.PI / ((1 + 2 * q) * Math.sqrt(1 + 4 * q)), 12);
      expect(s.C0).toBeCloseTo(0, 14);
      expect(s.CPrime1).toBeCloseTo(((2 / Math.PI) * r) / Math.sqrt(1 - r * r) / erfQ(q), 12);
      for (const c of [-0.9, -0.2, 0.5, 0.95]) {
        expect(cMap(erf, c, q)).toBeCloseTo(erfC(c, q), 12);
        const dr = r * c;
        expect(cMapPrime(erf, c, q)).toBeCloseTo(((2 / Math.PI) * r) / Math.sqrt(1 - dr * dr) / erfQ(q), 11);
      }
    }
  });

  it('SELU at q = 1: C′(1) = λ²(½ + α²e²Φ(−2)) = 1.071575 (Sec. 26.3 gives 1.0716)', () => {
    expect(localSummary(getDksActivation('selu'), 1).CPrime1).toBeCloseTo(1.071575, 6);
  });
});

describe('Hermite coefficients (App. D.2, eq. (28))', () => {
  it('Σ bᵢ + tail = 1; the series C matches quadrature (tanh, softplus, swish, elu) and the ReLU closed form', () => {
    const out = new Float64Array(2);
    for (const name of ['tanh', 'softplus', 'swish', 'elu']) {
      const act = getDksActivation(name);
      const s = hermiteSeries(act, 1);
      expect(s.Q).toBeCloseTo(localSummary(act, 1).Q, 13);
      // analytic φ: geometric decay; ELU is only C¹ at 0 (bᵢ decay like a power)
      expect(s.tail).toBeLessThan(name === 'elu' ? 1e-6 : 1e-12);
      for (const c of [-0.8, 0, 0.6, 0.97]) {
        seriesCMap(s, c, out);
        expect(Math.abs(out[0] - cMap(act, c, 1))).toBeLessThan(1e-10 + 2 * s.tail);
        expect(Math.abs(out[1] - cMapPrime(act, c, 1))).toBeLessThan(1e-8 + 200 * s.tail);
      }
      expect(s.b[0]).toBeCloseTo(localSummary(act, 1).C0, 12); // b₀ = C(0)
      expect(s.b[1]).toBeCloseTo(localSummary(act, 1).CPrime0, 12); // b₁ = C′(0)
    }
    const s = hermiteSeries(relu, 1);
    expect(s.b[0]).toBeCloseTo(1 / Math.PI, 12);
    expect(s.b[1]).toBeCloseTo(0.5, 12);
    expect(s.b[3]).toBe(s.b[3]); // finite
    expect(s.b[3]).toBeCloseTo(0, 12); // odd coefficients of ReLU beyond 1 vanish
    expect(s.tail).toBeLessThan(2e-4); // bᵢ ~ i^(−5/2)
    for (const c of [-1, -0.5, 0.3, 0.9]) {
      seriesCMap(s, c, out);
      expect(Math.abs(out[0] - reluC(c))).toBeLessThan(2 * s.tail);
    }
  });
});

describe('global maps of a chain (Sec. 12)', () => {
  it('ReLU: C_f(−1) = 0.681, 0.944, 0.9964 at depth 5, 20, 100 ([−1, 1] → [0.996, 1], Sec. 12.1); C′_f(1) = 1', () => {
    const exact = [-1];
    let x = -1;
    const at: Record<number, number> = {};
    for (let l = 1; l <= 100; l++) {
      x = reluC(x);
      at[l] = x;
    }
    const m = chainMap(relu, exact, 100, 1);
    expect(m.uniformQ).toBe(false); // ReLU halves q
    for (const d of [5, 20, 100]) expect(Math.abs(m.c[d] - at[d])).toBeLessThan(3e-4);
    expect(at[100]).toBeGreaterThan(0.996);
    expect(m.globalCPrime1[100]).toBeCloseTo(1, 12);
  });

  it('erf (unit weight variance): q → 0.1419 and C_f(0.99) ≈ 0.967, 0.855, 0.090 at depth 50, 150, 500 (Sec. 12.2)', () => {
    const m = chainMap(erf, [0.99], 500, 1);
    expect(m.q[500]).toBeCloseTo(0.1419, 4);
    // the independent route: iterate the closed forms with q tracked
    let q = 1;
    let c = 0.99;
    for (let l = 1; l <= 500; l++) {
      c = erfC(c, q);
      q = erfQ(q);
      if (l === 50 || l === 150 || l === 500) expect(m.c[l]).toBeCloseTo(c, 9);
    }
    expect(m.c[50]).toBeCloseTo(0.967, 3);
    expect(m.c[150]).toBeCloseTo(0.855, 3);
    expect(m.c[500]).toBeCloseTo(0.09, 2);
  });

  it('Theorem 13 bounds hold for a uniform-q chain (tanh rescaled so that Q(1) = 1)', () => {
    const tanh = getDksActivation('tanh');
    const gamma = 1 / Math.sqrt(localSummary(tanh, 1).Q);
    const act = transformActivation(tanh, { alpha: 1, beta: 0, gamma, delta: 0 });
    for (const depth of [1, 5]) {
      const d = chainDegeneracy(act, depth, 1);
      expect(d.C0).toBeCloseTo(0, 12);
      expect(d.maxDeviation).toBeGreaterThanOrEqual(d.bounds.deviationLower);
      expect(d.maxDeviation).toBeLessThanOrEqual(d.bounds.deviationUpper);
      expect(d.maxSlopeDeviation).toBeLessThanOrEqual(d.bounds.slopeDeviationUpper + 1e-9);
      expect(d.maxDeviation).toBeLessThanOrEqual(d.bounds.deviationUpperC0!);
      expect(d.maxSlopeDeviation).toBeLessThanOrEqual(d.bounds.slopeDeviationUpperC0! + 1e-9);
      expect(d.CPrime1).toBeCloseTo(localSummary(act, 1).CPrime1 ** depth, 10);
    }
  });
});

describe('order/chaos classification (Corollary 38; Sec. 26.4 has the directions swapped)', () => {
  it('ReLU collapses (C′(1) = 1, c* = 1); tanh is odd; SELU at q = 1 explodes to c* ∈ [0, 1) with C′(c*) < 1', () => {
    expect(classifyCMap(relu).kind).toBe('collapsing');
    expect(classifyCMap(getDksActivation('tanh')).kind).toBe('odd');
    expect(classifyCMap(getDksActivation('linear')).kind).toBe('identity');
    const selu = classifyCMap(getDksActivation('selu'));
    expect(selu.kind).toBe('exploding');
    if (selu.kind === 'exploding') {
      expect(selu.cStar).toBeGreaterThanOrEqual(0);
      expect(selu.cStar).toBeLessThan(1);
      expect(selu.CPrimeCStar).toBeGreaterThan(0);
      expect(selu.CPrimeCStar).toBeLessThan(1);
      // c* is a fixed point of the quadrature C map too
      expect(cMap(getDksActivation('selu'), selu.cStar, 1)).toBeCloseTo(selu.cStar, 8);
    }
  });
});

describe('the θ-table of a reused local map (global.ts) agrees with the series it tabulates', () => {
  it('SELU and ReLU at uniform q: C_f and C′_f at depth 60 for 200 inputs vs the series one input at a time', () => {
    const selu = getDksActivation('selu');
    // the exact DKS root (Q(1) = 1 to rounding), so that q stays put and the maps are reused
    const seluHat = transformActivation(selu, solveDks(selu, 1.5 ** (1 / 100)).roots[0]);
    for (const act of [seluHat, relu]) {
      const inputs = Float64Array.from({ length: 200 }, (_, i) => -1 + (2 * i) / 199);
      const tabled = chainMap(act, inputs, 60, 1); // 200 × 60 evaluations: tabulated
      if (act === seluHat) expect(tabled.uniformQ).toBe(true);
      for (const k of [0, 37, 100, 150, 198, 199]) {
        const direct = chainMap(act, [inputs[k]], 60, 1); // 60 evaluations: the series itself
        expect(Math.abs(tabled.c[60 * 200 + k] - direct.c[60])).toBeLessThan(1e-9);
        expect(Math.abs(tabled.slope[k] / direct.slope[0] - 1)).toBeLessThan(1e-7);
      }
    }
  });
});
