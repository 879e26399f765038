import { describe, expect, it } from 'vitest';
import { expectNormal } from '../meanfield/gauss';
import {
  chaosFixedPoint,
  circleMeanVartheta,
  dualFunctions,
  freezeChaosModel,
  freezeChaosPoint,
  makeNonlinearity,
  ntkRecursion,
  thetaDiagonal,
  varthetaBounds,
  type FreezeChaosSpec,
} from './index';

const PI = Math.PI;
const nrelu: FreezeChaosSpec = { activation: 'relu', nonlinearity: 'normalized', beta: 0.1 };

describe('standardized and normalized σ (Def. 1, Sec. 5.2)', () => {
  it('E σ² = 1; normalized also has E σ = 0; the registry activations all pass', () => {
    for (const a of ['relu', 'tanh', 'erf', 'gelu', 'selu', 'sigmoid', 'elu', 'softplus'])
      for (const mode of ['standardized', 'normalized'] as const) {
        const nl = makeNonlinearity(a, mode);
        expect(expectNormal((z) => nl.sigma(z) ** 2, nl.kinks)).toBeCloseTo(1, 13);
        if (mode === 'normalized') expect(Math.abs(expectNormal(nl.sigma, nl.kinks))).toBeLessThan(1e-14);
      }
  });

  it('E[σ̇²]: standardized ReLU 1, normalized ReLU π/(π−1), erf 2/(√5·asin(2/3)) (closed forms)', () => {
    expect(makeNonlinearity('relu', 'standardized').meanSlopeSquare).toBeCloseTo(1, 14);
    expect(makeNonlinearity('relu', 'normalized').meanSlopeSquare).toBeCloseTo(PI / (PI - 1), 13);
    // erf: E erf² = (2/π)asin(2/3), E erf′² = 4/(π√5) (Williams 1997 at unit variance)
    expect(makeNonlinearity('erf', 'standardized').meanSlopeSquare).toBeCloseTo(
      2 / (Math.sqrt(5) * Math.asin(2 / 3)),
      13,
    );
  });

  it('Prop. 1: a normalized nonlinear σ has E[σ̇²] > 1 (= 1 only for the linear one)', () => {
    for (const a of ['relu', 'tanh', 'erf', 'gelu', 'selu', 'sigmoid', 'elu', 'softplus'])
      expect(makeNonlinearity(a, 'normalized').meanSlopeSquare).toBeGreaterThan(1 + 1e-3);
    expect(makeNonlinearity('linear', 'normalized').meanSlopeSquare).toBeCloseTo(1, 14);
  });

  it('bad φ: unknown name, E φ² = 0, Var φ = 0, E φ′² infinite, unknown mode → RangeError naming the field', () => {
    expect(() => makeNonlinearity('swish', 'standardized')).toThrow(/^activation: unknown activation "swish"/);
    const base = { kinks: [], analyticHalfWidth: 1, homogeneous: false, runsOn: ['theory'] as const };
    expect(() => makeNonlinearity({ ...base, name: 'zero', phi: () => 0, dphi: () => 0 }, 'standardized')).toThrow(
      /activation: zero has E\[φ\(z\)²\] = 0/,
    );
    expect(() => makeNonlinearity({ ...base, name: 'one', phi: () => 1, dphi: () => 0 }, 'normalized')).toThrow(
      /activation: one has Var\[φ\(z\)\] = 0/,
    );
    const wild = { ...base, name: 'wild', phi: (x: number) => x, dphi: (x: number) => Math.exp(x * x) };
    expect(() => makeNonlinearity(wild, 'standardized')).toThrow(/activation: wild has no finite E\[φ′\(z\)²\]/);
    expect(() => makeNonlinearity('relu', 'centred' as never)).toThrow(/^nonlinearity: expected one of/);
  });
});

describe('dual functions R_σ, R_σ̇ (App. B)', () => {
  it('closed forms = direct quadrature (ReLU, normalized ReLU, erf) to 1e-12; R(1) = 1, R_σ̇(1) = E[σ̇²]', () => {
    for (const [a, mode] of [
      ['relu', 'standardized'],
      ['relu', 'normalized'],
      ['erf', 'normalized'],
    ] as const) {
      const nl = makeNonlinearity(a, mode);
      const cf = dualFunctions(nl, 'closed-form');
      const q = dualFunctions(nl, 'quadrature');
      for (const rho of [-1, -0.97, -0.4, 0, 0.3, 0.8, 0.999, 1]) {
        expect(Math.abs(cf.R(rho) - q.R(rho))).toBeLessThan(1e-12);
        expect(Math.abs(cf.Rdot(rho) - q.Rdot(rho))).toBeLessThan(1e-12);
      }
      expect(cf.R(1)).toBeCloseTo(1, 14);
      expect(cf.Rdot(1)).toBeCloseTo(nl.meanSlopeSquare, 13);
    }
  });

  it('normalized ReLU: R = (√(1−ρ²) + (π − arccos ρ)ρ − 1)/(π−1), R_σ̇ = (π − arccos ρ)/(π−1)', () => {
    const d = dualFunctions(makeNonlinearity('relu', 'normalized'));
    for (const rho of [-1, -0.5, 0, 0.25, 0.9, 1]) {
      expect(d.R(rho)).toBeCloseTo((Math.sqrt(1 - rho * rho) + (PI - Math.acos(rho)) * rho - 1) / (PI - 1), 14);
      expect(d.Rdot(rho)).toBeCloseTo((PI - Math.acos(rho)) / (PI - 1), 14);
    }
  });

  it('the Chebyshev-in-angle table matches direct quadrature to 1e-12 (tanh, SELU with its kink)', () => {
    for (const a of ['tanh', 'selu']) {
      const nl = makeNonlinearity(a, 'normalized');
      const ch = dualFunctions(nl, 'chebyshev');
      const q = dualFunctions(nl, 'quadrature');
      for (const rho of [-1, -0.61, 0.05, 0.77, 0.9999]) {
        expect(Math.abs(ch.R(rho) - q.R(rho))).toBeLessThan(1e-12);
        expect(Math.abs(ch.Rdot(rho) - q.Rdot(rho))).toBeLessThan(1e-12);
      }
    }
  });
});

describe('NNGP/NTK recursion on the sphere (Thm 1, App. B)', () => {
  it('closed-form and quadrature kernels give the same ϑ to 1e-10 (normalized ReLU, erf), depths 1..8', () => {
    for (const spec of [nrelu, { activation: 'erf', nonlinearity: 'standardized', beta: 0.3 } as FreezeChaosSpec]) {
      const cf = freezeChaosModel({ ...spec, method: 'closed-form' });
      const q = freezeChaosModel({ ...spec, method: 'quadrature' });
      for (const rho of [-0.8, 0.95]) {
        const a = ntkRecursion(cf, rho, 8).vartheta;
        const b = ntkRecursion(q, rho, 8).vartheta;
        for (let l = 0; l < 8; l++) expect(Math.abs(a[l] - b[l])).toBeLessThan(1e-10);
      }
    }
  });

  it('the ratio-form recursion equals the Thm 1 sum Σ_ℓ Σ^ℓ Π_{l>ℓ} Σ̇^l divided by Σ r^{L−ℓ}', () => {
    const m = freezeChaosModel({ activation: 'tanh', nonlinearity: 'normalized', beta: 0.25 });
    const L = 12;
    const rec = ntkRecursion(m, 0.4, L);
    let theta = 0;
    for (let l = 1; l <= L; l++) {
      let prod = 1;
      for (let k = l + 1; k <= L; k++) prod *= rec.sigmaDot[k - 1];
      theta += rec.sigma[l - 1] * prod;
    }
    expect(rec.vartheta[L - 1]).toBeCloseTo(theta / thetaDiagonal(m.r, L), 13);
    // on the diagonal Σ = 1 and Σ̇ = r at every layer, so ϑ(x, x) = 1
    const diag = ntkRecursion(m, 1, L);
    for (let l = 0; l < L; l++) expect(diag.sigma[l]).toBeCloseTo(1, 13);
    for (let l = 1; l < L; l++) expect(diag.sigmaDot[l]).toBeCloseTo(m.r, 13);
    expect(diag.vartheta[L - 1]).toBeCloseTo(1, 13);
  });

  it('Θ(x,x) = Σ r^{L−ℓ} = (1 − r^L)/(1 − r); = L at r = 1; overflow is a RangeError', () => {
    expect(thetaDiagonal(0.75, 6)).toBeCloseTo((1 - 0.75 ** 6) / 0.25, 13);
    expect(thetaDiagonal(1.2, 30)).toBeCloseTo((1.2 ** 30 - 1) / 0.2, 9);
    expect(thetaDiagonal(1, 17)).toBe(17);
    expect(() => thetaDiagonal(2, 5000)).toThrow(/^depth: Θ\(x,x\)/);
  });

  it('Fig. 1 values agree with an independent NumPy computation (digest oracle table)', () => {
    const relu = { activation: 'relu', nonlinearity: 'standardized', beta: 0.5 } as const;
    const expected = [3.2881, 2.5415, 2.0897, 1.8982, 1.8523];
    [0, PI / 4, PI / 2, (3 * PI) / 4, PI].forEach((g, i) =>
      expect(freezeChaosPoint(relu, 6, Math.cos(g)).theta).toBeCloseTo(expected[i], 4),
    );
    const expN = [18.5328, 3.1945, 0.0842, -0.3417, -0.3538];
    [0, PI / 4, PI / 2, (3 * PI) / 4, PI].forEach((g, i) =>
      expect(freezeChaosPoint(nrelu, 6, Math.cos(g)).theta).toBeCloseTo(expN[i], 4),
    );
    const mean = circleMeanVartheta(freezeChaosModel(relu), 20, 4096);
    expect(mean[0]).toBeCloseTo(0.25, 12); // L = 1: the mean of β² + (1 − β²)cos γ is β²
    expect(mean[5]).toBeCloseTo(0.687, 3);
    expect(mean[19]).toBeCloseTo(0.939, 3);
  });
});

describe('phases (Sec. 4, Prop. 1, Thms 2–3)', () => {
  it('Prop. 1 threshold: normalized ReLU β* = 1/√π; chaos just below, freeze just above', () => {
    const m = freezeChaosModel(nrelu);
    expect(m.betaStar).toBeCloseTo(1 / Math.sqrt(PI), 13);
    expect(freezeChaosModel({ ...nrelu, beta: 1 / Math.sqrt(PI) - 1e-6 }).phase).toBe('chaos');
    expect(freezeChaosModel({ ...nrelu, beta: 1 / Math.sqrt(PI) + 1e-6 }).phase).toBe('freeze');
    // standardized ReLU: r = 1 − β², β* = 0 (edge at β = 0), frozen (weakly) for every β > 0
    const s = freezeChaosModel({ activation: 'relu', nonlinearity: 'standardized', beta: 0 });
    expect([s.betaStar, s.phase, s.r]).toEqual([0, 'edge', 1]);
    const w = freezeChaosModel({ activation: 'relu', nonlinearity: 'standardized', beta: 0.1 });
    expect([w.phase, w.weaklyFrozen]).toEqual(['freeze', true]);
    expect(w.r).toBeCloseTo(0.99, 14);
    expect(w.sigmaW2 + w.sigmaB2).toBeCloseTo(1, 15);
    // standardized sigmoid: E[σ̇²] < 1, so there is no β*
    expect(freezeChaosModel({ activation: 'sigmoid', nonlinearity: 'standardized', beta: 0 }).betaStar).toBeNull();
  });

  it('limits: frozen ϑ → 1; chaotic ϑ → 0 for x ≠ ±y (Kronecker δ), ϑ(x,x) = 1; −1 for odd σ, β = 0, y = −x', () => {
    const frozen = freezeChaosModel({ activation: 'tanh', nonlinearity: 'standardized', beta: 0.6 });
    for (const rho of [-1, 0, 0.7]) expect(ntkRecursion(frozen, rho, 300).vartheta[299]).toBeGreaterThan(1 - 1e-9);
    const chaotic = freezeChaosModel(nrelu);
    for (const rho of [-1, -0.5, 0, 0.9, 0.999])
      expect(Math.abs(ntkRecursion(chaotic, rho, 300).vartheta[299])).toBeLessThan(1e-9);
    expect(ntkRecursion(chaotic, 1, 300).vartheta[299]).toBeCloseTo(1, 12);
    const odd = freezeChaosModel({ activation: 'erf', nonlinearity: 'standardized', beta: 0 });
    expect(ntkRecursion(odd, -1, 50).vartheta[49]).toBeCloseTo(-1, 12);
  });

  it('Thm 3: standardized ReLU converges at rate √r (1 − ϑ(x,−x) per layer), Thm 2 rate r for tanh', () => {
    const relu = freezeChaosModel({ activation: 'relu', nonlinearity: 'standardized', beta: 0.5 });
    const v = ntkRecursion(relu, -1, 60).vartheta;
    expect((1 - v[59]) / (1 - v[58])).toBeCloseTo(Math.sqrt(0.75), 3);
    const tanh = freezeChaosModel({ activation: 'tanh', nonlinearity: 'standardized', beta: 0.6 });
    const t = ntkRecursion(tanh, -1, 80).vartheta;
    // L·r^L: the ratio of successive gaps tends to r·L/(L − 1)
    expect((1 - t[79]) / (1 - t[78])).toBeCloseTo((tanh.r * 80) / 79, 2);
    expect((1 - t[79]) / (1 - t[78])).toBeLessThan(Math.sqrt(tanh.r) - 0.05);
    expect(tanh.weaklyFrozen).toBe(false);
  });

  it('bounds: the chaos bound of Thm 2 (explicit constants) holds at every depth; freeze overlays hold', () => {
    for (const [spec, rho] of [
      [nrelu, 0.3],
      [{ activation: 'tanh', nonlinearity: 'normalized', beta: 0.2 }, -0.9],
      [{ activation: 'erf', nonlinearity: 'normalized', beta: 0.3 }, 0],
      [{ activation: 'relu', nonlinearity: 'standardized', beta: 0.5 }, -1],
      [{ activation: 'tanh', nonlinearity: 'standardized', beta: 0.6 }, 0.2],
    ] as const) {
      const m = freezeChaosModel(spec as FreezeChaosSpec);
      const b = varthetaBounds(m, rho, 40)!;
      const v = ntkRecursion(m, rho, 40).vartheta;
      for (let l = 0; l < 40; l++) {
        expect(v[l]).toBeLessThanOrEqual(b.upper[l] + 1e-12);
        expect(v[l]).toBeGreaterThanOrEqual(b.lower[l] - 1e-12);
      }
      expect(b.theorem).toBe(
        m.phase === 'chaos' ? 'thm2-chaos' : m.weaklyFrozen ? 'thm3-weakly-frozen' : 'thm2-freeze',
      );
      if (m.phase === 'chaos') expect(b.upper[39]).toBeLessThan(0.1);
    }
    const a = chaosFixedPoint(freezeChaosModel(nrelu))!;
    const d = dualFunctions(makeNonlinearity('relu', 'normalized'));
    expect(0.01 + 0.99 * d.R(a)).toBeCloseTo(a, 13);
    expect(
      varthetaBounds(freezeChaosModel({ ...nrelu, activation: 'relu', nonlinearity: 'standardized', beta: 0 }), 0, 5),
    ).toBeNull();
  });

  it('bad input: β outside [0, 1], |cos| > 1, depth < 1 → RangeError naming the field; nothing NaN', () => {
    expect(() => freezeChaosModel({ ...nrelu, beta: -0.1 })).toThrow(/^beta: /);
    expect(() => freezeChaosModel({ ...nrelu, beta: 1.01 })).toThrow(/^beta: /);
    expect(() => freezeChaosModel({ ...nrelu, beta: NaN })).toThrow(/^beta: /);
    expect(() => freezeChaosPoint(nrelu, 5, 1.2)).toThrow(/^cos: /);
    expect(() => freezeChaosPoint(nrelu, 0, 0.5)).toThrow(/^depth: /);
    expect(() => freezeChaosPoint(nrelu, 2.5, 0.5)).toThrow(/^depth: /);
    // β = 1: r = 0, the bias alone: Θ(x,y) = 1 everywhere
    const p = freezeChaosPoint({ ...nrelu, beta: 1 }, 7, -1);
    expect([p.r, p.phase, p.thetaDiag, p.theta, p.vartheta]).toEqual([0, 'freeze', 1, 1, 1]);
    // deep chaos: Θ(x,x) ~ r^L overflows float64 → an error naming depth, not Infinity; ϑ alone stays finite
    expect(() => freezeChaosPoint({ ...nrelu, beta: 0 }, 10_000, 0.5)).toThrow(/^depth: Θ\(x,x\)/);
    expect(Math.abs(ntkRecursion(freezeChaosModel({ ...nrelu, beta: 0 }), 0.5, 10_000).vartheta[9999])).toBeLessThan(
      1e-12,
    );
  });
});
