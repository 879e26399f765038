import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng';
import { symmetricEigenvalues } from '../meanfield/spectrum';
import {
  blockEigen,
  featureMoments,
  flowDerivative,
  gramOfWeights,
  invariant,
  residual,
  residualMeans,
  stateLayout,
} from './block-dynamics';
import { simulateCollapse, traceTimes } from './simulate';

const kernel = { kappaD: 1, kappaC: 0.6, kappaN: 0.1 };
const sizes = { classes: 4, perClass: 6, features: 8 };
const L = stateLayout(sizes);
const eig = blockEigen(kernel, sizes);

function randomState(seed: number): Float64Array {
  const y = new Float64Array(L.size);
  new Rng(seed, 7).fillNormal(y);
  return y;
}

function derivativeAt(y: Float64Array): Float64Array {
  const dy = new Float64Array(L.size);
  flowDerivative(kernel, L)(y, dy);
  return dy;
}

const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));

describe('block-structured flow (Seleznova et al. 2023, eq. 19) against its reduced form (Theorem 5.1, eq. 25)', () => {
  const y = randomState(1);
  const dy = derivativeAt(y);
  const { n, N, C, m, wAt, bAt } = L;
  const { H1, H2H2t } = featureMoments(y, L);
  const R = residual(y, L);
  const { classMean } = residualMeans(R, L);
  // R₁ = W H₁ + b1ᵀ − I (C×C), read off independently of the residual means
  const R1 = new Float64Array(C * C);
  for (let o = 0; o < C; o++)
    for (let c = 0; c < C; c++) {
      let v = y[bAt + o] - (o === c ? 1 : 0);
      for (let f = 0; f < n; f++) v += y[wAt + o * n + f] * H1[f * C + c];
      R1[o * C + c] = v;
    }

  it('R₁ = W H₁ + b1ᵀ − I is the class mean of the residual', () => {
    for (let i = 0; i < C * C; i++) expect(classMean[i]).toBeCloseTo(R1[i], 12);
  });

  it('Ḣ₁ = −Wᵀ R₁ (μ_class I + κ_n m 11ᵀ)', () => {
    for (let f = 0; f < n; f++)
      for (let c = 0; c < C; c++) {
        let fromFlow = 0;
        for (let i = c * m; i < (c + 1) * m; i++) fromFlow += dy[f * N + i] / m;
        let reduced = 0;
        for (let o = 0; o < C; o++) {
          let rowSum = 0;
          for (let d = 0; d < C; d++) rowSum += R1[o * C + d];
          reduced -= y[wAt + o * n + f] * (R1[o * C + c] * eig.class + kernel.kappaN * m * rowSum);
        }
        expect(fromFlow).toBeCloseTo(reduced, 10);
      }
  });

  it('Ẇ = −m(R₁H₁ᵀ + W H₂H₂ᵀ) and ḃ = −m R₁ 1', () => {
    for (let o = 0; o < C; o++) {
      let bDot = 0;
      for (let c = 0; c < C; c++) bDot -= m * R1[o * C + c];
      expect(dy[bAt + o]).toBeCloseTo(bDot, 10);
      for (let f = 0; f < n; f++) {
        let v = 0;
        for (let c = 0; c < C; c++) v += R1[o * C + c] * H1[f * C + c];
        for (let g = 0; g < n; g++) v += y[wAt + o * n + g] * H2H2t[g * n + f];
        expect(dy[wAt + o * n + f]).toBeCloseTo(-m * v, 9);
      }
    }
  });

  it('(H₂H₂ᵀ)˙ = −μ_single (WᵀW H₂H₂ᵀ + H₂H₂ᵀ WᵀW)', () => {
    const h = 1e-6;
    const plus = y.map((v, i) => v + h * dy[i]);
    const minus = y.map((v, i) => v - h * dy[i]);
    const Sp = featureMoments(plus, L).H2H2t,
      Sm = featureMoments(minus, L).H2H2t;
    const WtW = gramOfWeights(y, L);
    for (let f = 0; f < n; f++)
      for (let g = 0; g < n; g++) {
        let v = 0;
        for (let k = 0; k < n; k++) v += WtW[f * n + k] * H2H2t[k * n + g] + H2H2t[f * n + k] * WtW[k * n + g];
        expect((Sp[f * n + g] - Sm[f * n + g]) / (2 * h)).toBeCloseTo(-eig.single * v, 5);
      }
  });

  it('the invariant E of eq. (26) has zero time derivative along the flow (central difference)', () => {
    for (const seed of [1, 2, 3]) {
      const s = randomState(seed);
      const ds = derivativeAt(s);
      const h = 1e-5;
      const Ep = invariant(
        s.map((v, i) => v + h * ds[i]),
        eig,
        L,
      );
      const Em = invariant(
        s.map((v, i) => v - h * ds[i]),
        eig,
        L,
      );
      const rate = Ep.map((v, i) => (v - Em[i]) / (2 * h));
      // each entry of E is O(10); a wrong sign or factor in eq. (26) gives rates of O(10) too
      expect(maxAbs(rate)).toBeLessThan(1e-6);
    }
  });
});

describe('eigenvalues of the block-structured kernel (Table 1)', () => {
  it('μ_single, μ_class, μ_global with multiplicities N − C, C − 1, 1, and α by eq. (69)', () => {
    const { N, C, m } = L;
    const K = new Float64Array(N * N);
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        const same = Math.floor(i / m) === Math.floor(j / m);
        K[i * N + j] = i === j ? kernel.kappaD : same ? kernel.kappaC : kernel.kappaN;
      }
    const ev = Array.from(symmetricEigenvalues(K, N)); // descending
    expect(ev[0]).toBeCloseTo(eig.global, 10);
    for (let k = 1; k < C; k++) expect(ev[k]).toBeCloseTo(eig.class, 10);
    for (let k = C; k < N; k++) expect(ev[k]).toBeCloseTo(eig.single, 10);
    const { kappaD, kappaC, kappaN } = kernel;
    const alpha69 = 1 / ((kappaC / kappaN) * (1 - 1 / m) + kappaD / kappaN / m + (C - 1));
    expect(eig.alpha).toBeCloseTo(alpha69, 14);
    expect(eig.alpha).toBeLessThan(1 / C);
  });
});

describe('simulateCollapse', () => {
  const base = { ...sizes, ...kernel, tMax: 400, seed: 1, tracePoints: 40 };
  const aligned = simulateCollapse({ ...base, init: 'aligned' });
  const random = simulateCollapse({ ...base, init: 'random' });

  it('conserves the invariant to ≤ 1e-8 over t ∈ [0, 400] (max over every accepted step)', () => {
    expect(aligned.invariantNorm0).toBeLessThan(1e-12);
    expect(random.invariantNorm0).toBeGreaterThan(1);
    expect(aligned.final.invariantDrift).toBeLessThan(1e-8);
    expect(random.final.invariantDrift).toBeLessThan(1e-8);
    expect(aligned.integrator.steps).toBeGreaterThan(100);
  });

  it('an aligned start (E = 0, ⟨h⟩ = 0, b = 1/C) collapses, as Theorem 5.2 says', () => {
    const f = aligned.final;
    expect(f.nc2).toBeLessThan(1e-8);
    expect(f.meanFeatureNorm).toBeLessThan(1e-8);
    expect(f.invariantAlignment).toBeCloseTo(1, 9);
    expect(f.residual.global).toBeLessThan(1e-7);
    expect(f.residual.class).toBeLessThan(1e-7);
    // NC1: H₂ decays hyperbolically, ‖H₂‖ ∝ t^{−1/2} late in training (Ẽ has zero eigenvalues)
    const at = (t: number) => aligned.trace.reduce((a, b) => (Math.abs(b.t - t) < Math.abs(a.t - t) ? b : a));
    const exponent = Math.log(at(400).h2Norm / at(100).h2Norm) / Math.log(at(400).t / at(100).t);
    expect(exponent).toBeCloseTo(-0.5, 1);
    expect(f.h2Norm).toBeLessThan(at(1).h2Norm / 10);
  });

  it('a random start fits the labels but does not collapse', () => {
    const f = random.final;
    expect(f.residual.global + f.residual.class).toBeLessThan(1e-6);
    expect(f.nc2).toBeGreaterThan(0.1);
    expect(f.h2Norm).toBeGreaterThan(1);
  });

  it('the trace starts at t = 0, ends at tMax, is increasing in t and has the asked-for length', () => {
    const ts = random.trace.map((p) => p.t);
    expect(ts).toEqual(traceTimes(400, 40));
    expect(ts[0]).toBe(0);
    expect(ts.at(-1)).toBe(400);
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThan(ts[i - 1]);
  });

  it('depends only on the seed', () => {
    const again = simulateCollapse({ ...base, init: 'random', tMax: 5, tracePoints: 3 });
    const same = simulateCollapse({ ...base, init: 'random', tMax: 5, tracePoints: 3 });
    const other = simulateCollapse({ ...base, init: 'random', tMax: 5, tracePoints: 3, seed: 2 });
    expect(same.final).toEqual(again.final);
    expect(other.final.nc1).not.toBe(again.final.nc1);
  });

  it.each([
    [{ kappaD: 0.5, kappaC: 0.6 }, /kappaD: κ_d \(0.5\) must exceed κ_c/],
    [{ kappaC: 0.05, kappaN: 0.1 }, /kappaC: κ_c \(0.05\) must be ≥ κ_n/],
    [{ kappaN: -0.1 }, /kappaN: .*≥ 0/],
    [{ perClass: 1 }, /perClass: m must be ≥ 2/],
    [{ features: 4 }, /features: n \(4\) must exceed the number of classes C \(4\)/],
    [{ classes: 2.5 }, /classes: must be an integer/],
    [{ tMax: 0 }, /tMax: must be > 0/],
    [{ tMax: Number.NaN }, /tMax/],
    [{ features: 1000, perClass: 1000 }, /features: .*beyond this simulator/],
  ])('rejects %o naming the field', (patch, message) => {
    expect(() => simulateCollapse({ ...base, init: 'random', ...patch })).toThrow(message);
  });
});
