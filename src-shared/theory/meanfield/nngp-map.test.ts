import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng';
import { activationNames, defineActivation, getActivation } from './activation';
import { correlationSeries, seriesAt } from './hermite-series';
import { lengthMap, nngpMap, nngpMapQuadrature } from './nngp-map';

/** Random 2×2 covariances with variances in [0.01, 20] and correlations in (−1, 1), plus near-degenerate ones. */
function covariances(n: number, seed: number) {
  const rng = new Rng(seed, 0);
  const out = [];
  for (let i = 0; i < n; i++) {
    const s11 = 0.01 * 2000 ** rng.uniform();
    const s22 = 0.01 * 2000 ** rng.uniform();
    const c = 2 * rng.uniform() - 1;
    out.push({ s11, s12: c * Math.sqrt(s11 * s22), s22 });
  }
  out.push({ s11: 1, s12: 0.999999, s22: 1 }, { s11: 3, s12: -2.9999, s22: 3 }, { s11: 0.5, s12: 0.5, s22: 0.5 });
  return out;
}

describe('closed forms vs quadrature', () => {
  it('ReLU arc-cosine kernel and erf arcsin kernel agree with the quadrature to ~1e-12 (𝒯 and 𝒯̇)', () => {
    for (const name of ['relu', 'erf'] as const) {
      const act = getActivation(name);
      for (const cov of covariances(6, name === 'relu' ? 1 : 2)) {
        const cf = nngpMap(act, cov);
        const q = nngpMapQuadrature(act, cov);
        const scale = Math.sqrt(cov.s11 * cov.s22);
        expect(Math.abs(cf.T - q.T)).toBeLessThan(1e-12 * Math.max(1, name === 'relu' ? scale : 1));
        expect(Math.abs(cf.Tdot - q.Tdot)).toBeLessThan(1e-12);
      }
    }
  });

  it('ReLU on the diagonal: 𝒯(q, q, q) = q/2 and 𝒯̇ = 1/2 for every q (homogeneity)', () => {
    for (const q of [1e-6, 0.3, 1, 17]) {
      const v = nngpMapQuadrature(getActivation('relu'), { s11: q, s12: q, s22: q });
      expect(Math.abs(v.T / q - 0.5)).toBeLessThan(1e-13);
      expect(Math.abs(v.Tdot - 0.5)).toBeLessThan(1e-13);
    }
  });
});

describe('quadrature accuracy for activations without closed forms', () => {
  it('the adaptive rule agrees with a finer rule (panels ≤ 0.5, order 20) to 1e-11 relative (tanh, sigmoid, selu)', () => {
    for (const name of ['tanh', 'sigmoid', 'selu']) {
      const act = getActivation(name);
      for (const cov of name === 'sigmoid'
        ? [{ s11: 2, s12: -0.7, s22: 1 }]
        : [
            { s11: 0.05, s12: 0.04, s22: 0.05 },
            { s11: 12, s12: 11.99, s22: 12 },
          ]) {
        const a = nngpMapQuadrature(act, cov);
        const ref = nngpMapQuadrature(act, cov, { panelWidth: 0.5, order: 20, cutoff: 10 });
        expect(Math.abs(a.T - ref.T)).toBeLessThan(1e-11 * Math.max(Math.abs(ref.T), 1e-3));
        expect(Math.abs(a.Tdot - ref.Tdot)).toBeLessThan(1e-11 * Math.max(Math.abs(ref.Tdot), 1e-3));
      }
    }
  });

  it('Price’s theorem: ∂𝒯/∂Σ₁₂ = 𝒯̇ (central difference, error O(h²))', () => {
    for (const name of ['tanh', 'gelu', 'selu']) {
      const act = getActivation(name);
      const h = 1e-4;
      const cov = { s11: 1.3, s12: 0.4, s22: 0.9 };
      const up = nngpMapQuadrature(act, { ...cov, s12: cov.s12 + h }).T;
      const down = nngpMapQuadrature(act, { ...cov, s12: cov.s12 - h }).T;
      expect(Math.abs((up - down) / (2 * h) - nngpMapQuadrature(act, cov).Tdot)).toBeLessThan(1e-7);
    }
  });

  it('the diagonal length map equals the bivariate map at correlation 1', () => {
    for (const name of activationNames()) {
      const act = getActivation(name);
      const d = lengthMap(act, 0.8);
      const b = nngpMapQuadrature(act, { s11: 0.8, s12: 0.8, s22: 0.8 });
      expect(Math.abs(d.T - b.T)).toBeLessThan(1e-12);
      expect(Math.abs(d.Tdot - b.Tdot)).toBeLessThan(1e-12);
    }
  });

  it('the Mehler series of the c-map matches direct quadrature where its measured truncation is small', () => {
    const act = getActivation('tanh');
    const s = correlationSeries(act, 1);
    expect(s.truncation.T).toBeLessThan(1e-12);
    for (const c of [0, 0.3, 0.8, 0.97]) {
      const a = seriesAt(s, c);
      const b = nngpMapQuadrature(act, { s11: 1, s12: c, s22: 1 });
      expect(Math.abs(a.T - b.T)).toBeLessThan(1e-12);
      expect(Math.abs(a.Tdot - b.Tdot)).toBeLessThan(1e-10);
    }
  });
});

describe('activation registry', () => {
  it('unknown names and malformed definitions throw RangeError', () => {
    expect(() => getActivation('swishy')).toThrow(/unknown activation "swishy"; known: relu/);
    expect(() =>
      defineActivation({
        name: 'relu',
        phi: (x) => x,
        dphi: () => 1,
        kinks: [],
        analyticHalfWidth: 1,
        homogeneous: false,
      }),
    ).toThrow(RangeError);
    expect(() =>
      defineActivation({
        name: 'bad',
        phi: () => NaN,
        dphi: () => 1,
        kinks: [],
        analyticHalfWidth: 1,
        homogeneous: false,
      }),
    ).toThrow(RangeError);
  });

  it('a newly defined activation works through quadrature (softplus: 𝒯̇ at Σ = 0 is E[σ(u)]² = 1/4)', () => {
    const softplus = defineActivation({
      name: 'softplus-test',
      phi: (x) => (x > 30 ? x : Math.log1p(Math.exp(x))),
      dphi: (x) => 1 / (1 + Math.exp(-x)),
      kinks: [],
      analyticHalfWidth: Math.PI,
      homogeneous: false,
    });
    expect(Math.abs(nngpMap(softplus, { s11: 2, s12: 0, s22: 2 }).Tdot - 0.25)).toBeLessThan(1e-13);
  });
});
