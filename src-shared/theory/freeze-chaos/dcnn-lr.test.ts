import { describe, expect, it } from 'vitest';
import {
  checkerboardProfile,
  dcnnKernels,
  dcnnLearningRates,
  sValuation,
  stationaryInputGram,
  type DcnnSpec,
} from './dcnn';
import { freezeChaosModel } from './recursion';

const stdRelu = (beta: number) => freezeChaosModel({ activation: 'relu', nonlinearity: 'standardized', beta });
const bulk: DcnnSpec = {
  stride: 2,
  window: 2,
  depth: 5,
  inputPositions: 4,
  parametrization: 'classic',
  periodic: true,
};

describe('DC-NN layer-dependent learning rates (Jacot et al. 2019, Sec. 6.1, App. F.1, App. H, Props. 3 and 7)', () => {
  it('reproduces an independent NumPy computation: ϑ_{p,p+4} = 0.144 (none), 0.072 (Sec. 6.1), 0.072 (App. F.1)', () => {
    // digest: β = 0.1, s = 2, L = 5, standardized ReLU, bulk (periodic)
    const g = stationaryInputGram(4, 1, 0.3);
    const at4 = (lrScaling: DcnnSpec['lrScaling']) =>
      checkerboardProfile(stdRelu(0.1), { ...bulk, lrScaling }, g, 4).vartheta[8];
    expect(at4('none')).toBeCloseTo(0.144, 3);
    expect(at4('sec6.1')).toBeCloseTo(0.072, 3);
    expect(at4('appF.1')).toBeCloseTo(0.072, 3);
  });

  it('App. F.1: Θ_pp = Σ_k S^{−k/2} r^{L−k} = S^{−L/2}(1 − (√S r)^L)/(1 − √S r) at every p (parent-based, borders)', () => {
    // 0.997821 at β = 0.5, s = 2, L = 5 from the digest's independent computation
    const f1 = (s: number, r: number, L: number) =>
      s ** (-L / 2) * ((1 - (Math.sqrt(s) * r) ** L) / (1 - Math.sqrt(s) * r));
    expect(f1(2, 0.75, 5)).toBeCloseTo(0.997821, 6);
    for (const [spec, stride] of [
      [{ activation: 'relu', nonlinearity: 'standardized', beta: 0.5 }, 2],
      [{ activation: 'tanh', nonlinearity: 'normalized', beta: 0.3 }, 3],
    ] as const) {
      const model = freezeChaosModel(spec);
      const L = 4;
      const s: DcnnSpec = {
        stride,
        window: 2,
        depth: L,
        inputPositions: 3,
        parametrization: 'parent',
        lrScaling: 'appF.1',
      };
      const k = dcnnKernels(model, s, stationaryInputGram(3, 1, 0.4));
      for (let p = 0; p < k.positions; p++) expect(k.thetaDiagX[p]).toBeCloseTo(f1(stride, model.r, L), 12);
    }
  });

  it('the rates act layer by layer: Θ_η = Σ_k η_W(k)Θ^{W_k} + η_b(k)Θ^{b_k}; Prop. 3 supports of each term', () => {
    const model = freezeChaosModel({ activation: 'erf', nonlinearity: 'normalized', beta: 0.4 });
    const L = 4;
    const spec: DcnnSpec = { ...bulk, depth: L, inputPositions: 3 };
    const g = stationaryInputGram(3, 0.8, -0.1);
    const unit = (which: 'weights' | 'biases', k: number) => {
      const rates = { weights: new Float64Array(L + 1), biases: new Float64Array(L + 1) };
      rates[which][k] = 1;
      return dcnnKernels(model, { ...spec, rates }, g).thetaXY;
    };
    const full = dcnnKernels(model, { ...spec, lrScaling: 'sec6.1' }, g);
    const eta = dcnnLearningRates('sec6.1', 2, L);
    const m = full.positions;
    const sum = new Float64Array(m * m);
    for (let k = 1; k <= L; k++) {
      const w = unit('weights', k);
      const b = unit('biases', k);
      for (let i = 0; i < m * m; i++) sum[i] += eta.weights[k] * w[i] + eta.biases[k] * b[i];
      // Prop. 3 (0-based ℓ = k − 1): W^{(ℓ)} feeds only s^{L−ℓ} | p′ − p, b^{(ℓ)} only s^{L−ℓ−1} | p′ − p
      for (let p = 0; p < m; p++)
        for (let p2 = 0; p2 < m; p2++) {
          const d = Math.min(Math.abs(p2 - p), m - Math.abs(p2 - p)); // periodic distance (m is a power of s)
          const v = sValuation(d, 2, 64);
          if (v < L - k + 1) expect(w[p * m + p2]).toBe(0);
          if (v < L - k) expect(b[p * m + p2]).toBe(0);
        }
    }
    for (let i = 0; i < m * m; i++) expect(sum[i]).toBeCloseTo(full.thetaXY[i], 12);
    // Σ is not touched by the rates
    const plain = dcnnKernels(model, spec, g);
    expect(Array.from(full.sigmaDiagX)).toEqual(Array.from(plain.sigmaDiagX));
  });

  it('Prop. 7 (App. F.1 rates, r < 1): ϑ ≤ (1 − (√S r)^{v+1})/(1 − (√S r)^L), also where √S·r > 1', () => {
    for (const beta of [0.1, 0.5, 0.8]) {
      const model = stdRelu(beta);
      const prof = checkerboardProfile(model, { ...bulk, lrScaling: 'appF.1' }, stationaryInputGram(4, 1, 0.5), 16);
      expect(prof.boundSource).toBe('prop7');
      for (let i = 0; i < prof.vartheta.length; i++)
        expect(prof.vartheta[i]).toBeLessThanOrEqual(prof.upperBound![i] + 1e-12);
    }
    const sec = checkerboardProfile(stdRelu(0.5), { ...bulk, lrScaling: 'sec6.1' }, stationaryInputGram(4, 1, 0.5), 4);
    expect(sec.boundSource).toBeNull();
  });

  it('bad input names the field', () => {
    const g = stationaryInputGram(4, 1, 0);
    expect(() => dcnnKernels(stdRelu(0.3), { ...bulk, lrScaling: 'fast' as never }, g)).toThrow(/^lrScaling: /);
    const rates = { weights: new Float64Array(6), biases: new Float64Array(5) };
    expect(() => dcnnKernels(stdRelu(0.3), { ...bulk, rates }, g)).toThrow(/^rates\.biases: /);
    rates.biases = Float64Array.from([0, 1, 1, NaN, 1, 1]);
    expect(() => dcnnKernels(stdRelu(0.3), { ...bulk, rates }, g)).toThrow(/^rates\.biases\[3\]: /);
  });
});
