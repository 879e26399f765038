import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng';
import { getActivation } from './activation';
import { criticalSigmaW2 } from './critical-curve';
import { fixedPoint, type FixedPoint } from './fixed-point';
import { kernelRecursion, pairRecursion } from './recursions';
import { etaTheory, ntkSpectrum, symmetricEigenvalues, tableOneAsymptotes } from './spectrum';

const M = 6;

/** m random unit vectors in R^20 (fixed seed), Gram matrix scaled so its diagonal is q (Xiao et al. 2020, §4). */
function sphereGram(m: number, q: number, seed: number): Float64Array {
  const rng = new Rng(seed, 0);
  const xs: number[][] = [];
  for (let i = 0; i < m; i++) {
    const x = Array.from({ length: 20 }, () => rng.normal());
    const n = Math.hypot(...x);
    xs.push(x.map((v) => v / n));
  }
  const g = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) g[i * m + j] = q * xs[i].reduce((s, v, k) => s + v * xs[j][k], 0);
  return g;
}

function finite(fp: FixedPoint) {
  if (fp.kind !== 'finite') throw new Error('expected a finite fixed point');
  return fp;
}

/** Spectra of Θ^{(l)} at the requested layers. */
function spectra(name: string, sw: number, sb: number, q: number, layers: number[]) {
  const out = new Map<number, ReturnType<typeof ntkSpectrum>>();
  kernelRecursion({
    activation: name,
    sigmaW2: sw,
    sigmaB2: sb,
    gram0: sphereGram(M, q, 7),
    m: M,
    depth: Math.max(...layers),
    onLayer: (l, _K, th) => void (layers.includes(l) && out.set(l, ntkSpectrum(th, M))),
  });
  return out;
}

describe('recursions reach their fixed points (Xiao et al. 2020, eqs. 13–18)', () => {
  it('ordered (erf): K → q*𝟏𝟏ᵀ, Θ → p*𝟏𝟏ᵀ with p* = q*/(1 − χ₁); the diagonal follows eq. 18 exactly', () => {
    const fp = finite(fixedPoint({ activation: 'erf', sigmaW2: 1.2, sigmaB2: 0.1849 }));
    const { steps } = pairRecursion('erf', 1.2, 0.1849, fp.qStar, 0.3, 200);
    const pStar = fp.qStar / (1 - fp.chi1);
    const last = steps[200];
    expect(Math.abs(last.q / fp.qStar - 1)).toBeLessThan(1e-13);
    expect(Math.abs(last.qab / fp.qStar - 1)).toBeLessThan(1e-12);
    expect(Math.abs(last.p / pStar - 1)).toBeLessThan(1e-12);
    expect(Math.abs(last.pab / pStar - 1)).toBeLessThan(1e-12);
    for (const l of [1, 5, 30])
      expect(Math.abs(steps[l].p / ((fp.qStar * (fp.chi1 ** (l + 1) - 1)) / (fp.chi1 - 1)) - 1)).toBeLessThan(1e-13);
  });

  it('chaotic (erf): q_ab → c*q*, p_ab → c*q*/(1 − χ_c*) (eq. 16), p^{(l)} = q*(χ₁^{l+1} − 1)/(χ₁ − 1) (eq. 15)', () => {
    const fp = finite(fixedPoint({ activation: 'erf', sigmaW2: 3, sigmaB2: 0.05 }));
    const { steps } = pairRecursion('erf', 3, 0.05, fp.qStar, 0.9, 300);
    expect(Math.abs(steps[300].qab / (fp.cStar * fp.qStar) - 1)).toBeLessThan(1e-12);
    expect(Math.abs(steps[300].pab / ((fp.cStar * fp.qStar) / (1 - fp.chiC)) - 1)).toBeLessThan(1e-10);
    for (const l of [1, 10, 100])
      expect(Math.abs(steps[l].p / ((fp.qStar * (fp.chi1 ** (l + 1) - 1)) / (fp.chi1 - 1)) - 1)).toBeLessThan(1e-12);
  });

  it('tanh (quadrature): q_ab approaches c*q* geometrically at the rate χ_c* (eq. 3)', () => {
    const fp = finite(fixedPoint({ activation: 'tanh', sigmaW2: 2.5, sigmaB2: 0.05 }));
    const { steps } = pairRecursion('tanh', 2.5, 0.05, fp.qStar, fp.cStar + 1e-3, 30);
    const err = (l: number) => steps[l].qab - fp.cStar * fp.qStar;
    // linearization error O(ε) with ε ≤ 1e-3·q*: the measured rate matches χ_c* to ~1e-3
    expect(Math.abs((err(30) / err(20)) ** 0.1 / fp.chiC - 1)).toBeLessThan(2e-3);
    expect(Math.abs(err(30))).toBeLessThan(Math.abs(err(0)) * fp.chiC ** 30 * 1.05);
  });

  it('deep in the chaotic phase Θ overflows float64: the recursion stops and says so, no NaN or ∞ is returned', () => {
    const r = kernelRecursion({
      activation: 'erf',
      sigmaW2: 16,
      sigmaB2: 0.05,
      gram0: sphereGram(3, 1, 1),
      m: 3,
      depth: 2000,
    });
    expect(r.beyondFloat64AtLayer).not.toBeNull();
    expect(r.layer).toBe((r.beyondFloat64AtLayer as number) - 1);
    expect([...r.theta, ...r.K].every(Number.isFinite)).toBe(true);
  });

  it('bad input throws RangeError', () => {
    expect(() =>
      kernelRecursion({ activation: 'erf', sigmaW2: 1, sigmaB2: 0, gram0: [1, 2, 2, 1], m: 2, depth: 3 }),
    ).toThrow(/positive semidefinite/);
    expect(() =>
      kernelRecursion({ activation: 'erf', sigmaW2: 1, sigmaB2: 0, gram0: [1, 0, 0], m: 2, depth: 3 }),
    ).toThrow(RangeError);
    expect(() => kernelRecursion({ activation: 'erf', sigmaW2: 1, sigmaB2: 0, gram0: [1], m: 1, depth: -1 })).toThrow(
      RangeError,
    );
    expect(() => pairRecursion('erf', 1, 0, 1, 1.5, 3)).toThrow(RangeError);
  });
});

describe('Table 1 asymptotes at large depth (m = 6 random inputs on the sphere)', () => {
  it('critical erf: λ_max/(lq*) → (m+2)/3, λ_rest/(lq*) → 2/3, κ → (m+2)/2 at rate O(1/l) (eq. 24)', () => {
    const sb = 0.1849;
    const crit = criticalSigmaW2('erf', sb);
    if (crit.kind !== 'found' || crit.qStar === null) throw new Error('expected a critical point');
    const fp = finite(fixedPoint({ activation: 'erf', sigmaW2: crit.sigmaW2, sigmaB2: sb }));
    const s = spectra('erf', crit.sigmaW2, sb, fp.qStar, [1000, 4000]);
    const t = tableOneAsymptotes(getActivation('erf'), fp, M, 4000);
    expect(t.kappaLimit).toBe((M + 2) / 2);
    const k1 = s.get(1000)!.kappa! - 4;
    const k4 = s.get(4000)!.kappa! - 4;
    expect(Math.abs(k4)).toBeLessThan(0.02);
    // O(1/l) up to log corrections: 4× the depth brings κ 3× closer here (pure 1/l would be 4×)
    expect(k1 / k4).toBeGreaterThan(2.5);
    expect(Math.abs(s.get(4000)!.lambdaMax / t.lambdaMax - 1)).toBeLessThan(0.003);
    expect(Math.abs(s.get(4000)!.lambdaRest / t.lambdaRest! - 1)).toBeLessThan(0.003);
  });

  it('critical ReLU (σ_w² = 2, σ_b² = 0): κ → (m+3)/3, λ_max → (m+3)l/4, λ_rest → 3l/4 (App. A.3, eq. 46)', () => {
    const fp = finite(fixedPoint({ activation: 'relu', sigmaW2: 2, sigmaB2: 0 }));
    const s = spectra('relu', 2, 0, 1, [1000, 4000]);
    const t = tableOneAsymptotes(getActivation('relu'), fp, M, 4000);
    expect(t.kappaLimit).toBe((M + 3) / 3);
    const k1 = s.get(1000)!.kappa! - 3;
    const k4 = s.get(4000)!.kappa! - 3;
    expect(Math.abs(k4)).toBeLessThan(0.015);
    expect(k1 / k4).toBeGreaterThan(2.5); // measured 3.5 (O(1/l) with corrections)
    expect(Math.abs(s.get(4000)!.lambdaMax / t.lambdaMax - 1)).toBeLessThan(0.003);
    expect(Math.abs(s.get(4000)!.lambdaRest / t.lambdaRest! - 1)).toBeLessThan(0.003);
  });

  it('ordered erf: λ_max → m p* (eq. 22), κ grows like χ₁^{−l}/l (Table 1)', () => {
    const fp = finite(fixedPoint({ activation: 'erf', sigmaW2: 1.2, sigmaB2: 0.1849 }));
    const s = spectra('erf', 1.2, 0.1849, fp.qStar, [40, 60]);
    const t = tableOneAsymptotes(getActivation('erf'), fp, M, 60);
    expect(Math.abs(s.get(60)!.lambdaMax / t.lambdaMax - 1)).toBeLessThan(1e-3);
    // log-slope of κ between l = 40 and 60 vs the rate χ₁^{−l}/l: agree to 2% (the ratio κ/rate still drifts ~4%)
    const slope = Math.log(s.get(60)!.kappa! / s.get(40)!.kappa!);
    const rateSlope = Math.log(
      tableOneAsymptotes(getActivation('erf'), fp, M, 60).kappaRate! /
        tableOneAsymptotes(getActivation('erf'), fp, M, 40).kappaRate!,
    );
    expect(Math.abs(slope / rateSlope - 1)).toBeLessThan(0.02);
  });

  it('chaotic erf: κ → 1; λ_max, λ_rest follow p^{(l)} ± p*_ab (eqs. 15–16)', () => {
    const fp = finite(fixedPoint({ activation: 'erf', sigmaW2: 3, sigmaB2: 0.05 }));
    const s = spectra('erf', 3, 0.05, fp.qStar, [20, 40]);
    const t = tableOneAsymptotes(getActivation('erf'), fp, M, 40);
    expect(s.get(40)!.kappa! - 1).toBeLessThan(1e-4);
    expect(s.get(40)!.kappa! - 1).toBeLessThan((s.get(20)!.kappa! - 1) / 100);
    expect(Math.abs(s.get(40)!.lambdaMax / t.lambdaMax - 1)).toBeLessThan(1e-6);
    expect(Math.abs(s.get(40)!.lambdaRest / t.lambdaRest! - 1)).toBeLessThan(1e-6);
  });
});

describe('learning-rate rule η = 2/λ_max', () => {
  it('linearized gradient descent on ½Σ(f − y)² converges at 0.98·η_theory and diverges at 1.02·η_theory', () => {
    const fp = finite(fixedPoint({ activation: 'erf', sigmaW2: 1.5, sigmaB2: 0.1 }));
    const r = kernelRecursion({
      activation: 'erf',
      sigmaW2: 1.5,
      sigmaB2: 0.1,
      gram0: sphereGram(M, fp.qStar, 3),
      m: M,
      depth: 10,
    });
    const eta = etaTheory(ntkSpectrum(r.theta, M).lambdaMax);
    const y = Float64Array.from({ length: M }, (_, i) => (i % 2 ? 1 : -1));
    const residualAfter = (rho: number) => {
      let e = Float64Array.from(y, (v) => -v); // f₀ = 0, residual f − y
      for (let t = 0; t < 3000; t++) {
        const next = new Float64Array(M);
        for (let i = 0; i < M; i++) {
          let s = 0;
          for (let j = 0; j < M; j++) s += r.theta[i * M + j] * e[j];
          next[i] = e[i] - rho * eta * s;
        }
        e = next;
      }
      return Math.hypot(...e);
    };
    expect(residualAfter(0.98)).toBeLessThan(1e-6);
    expect(residualAfter(1.02)).toBeGreaterThan(1e3);
    expect(etaTheory(10, { reduction: 'mean', m: 5 })).toBe(1);
    expect(() => etaTheory(0)).toThrow(RangeError);
    expect(() => etaTheory(1, { reduction: 'mean' })).toThrow(RangeError);
  });

  it('Jacobi eigenvalues of a·I + b·𝟏𝟏ᵀ are a + mb (once) and a (m − 1 times)', () => {
    const m = 5;
    const a = Float64Array.from({ length: m * m }, (_, k) => (k % (m + 1) === 0 ? 2.5 : 0) + 0.7);
    const ev = symmetricEigenvalues(a, m);
    expect(ev[0]).toBeCloseTo(2.5 + m * 0.7, 13);
    for (let i = 1; i < m; i++) expect(ev[i]).toBeCloseTo(2.5, 13);
  });
});
