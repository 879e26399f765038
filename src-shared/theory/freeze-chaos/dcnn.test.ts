import { describe, expect, it } from 'vitest';
import {
  checkerboardProfile,
  dcnnKernels,
  dcnnLayerSizes,
  remark4Constant,
  sValuation,
  stationaryInputGram,
  type DcnnSpec,
} from './dcnn';
import { freezeChaosModel, ntkRecursion, thetaDiagonal } from './recursion';

const stdRelu = (beta: number) => freezeChaosModel({ activation: 'relu', nonlinearity: 'standardized', beta });
const bulk: DcnnSpec = {
  stride: 2,
  window: 2,
  depth: 5,
  inputPositions: 4,
  parametrization: 'classic',
  periodic: true,
};

describe('1-D DC-NN kernels (Jacot et al. 2019, Sec. 2.2, 4.2, 6; App. E–G)', () => {
  it('stride 1, window 1 is the fully-connected network at every position pair (App. B recursion)', () => {
    const m = freezeChaosModel({ activation: 'erf', nonlinearity: 'normalized', beta: 0.3 });
    const spec: DcnnSpec = { ...bulk, stride: 1, window: 1, depth: 6, inputPositions: 3 };
    const k = dcnnKernels(m, spec, stationaryInputGram(3, 0.7, -0.4));
    expect(k.thetaXY[0] / k.thetaDiagX[0]).toBeCloseTo(ntkRecursion(m, 0.7, 6).vartheta[5], 13);
    expect(k.thetaXY[1] / k.thetaDiagX[0]).toBeCloseTo(ntkRecursion(m, -0.4, 6).vartheta[5], 13);
  });

  it('Remark 4 with corrected indices: Θ_{pp′} = Σ_{k≤v} c_k Π_{m=k}^{v−1}(1 − β²)R_σ̇(c_m), input-independent', () => {
    for (const [beta, v] of [
      [0.5, 1],
      [0.5, 3],
      [0.1, 2],
    ]) {
      const model = stdRelu(beta);
      const d = 2 ** v * 3; // odd multiple of 2^v: v_s(d) = v
      expect(sValuation(d, 2, 4)).toBe(v);
      for (const g of [stationaryInputGram(4, 1, 0.3), stationaryInputGram(4, -0.2, 0.9)]) {
        const k = dcnnKernels(model, bulk, g);
        expect(k.thetaXY[5 * k.positions + 5 + d]).toBeCloseTo(remark4Constant(model, v), 12);
      }
    }
    // an independent NumPy computation (digest): 0.69881, 1.49071, 0.70723
    expect(remark4Constant(stdRelu(0.5), 1)).toBeCloseTo(0.69881, 5);
    expect(remark4Constant(stdRelu(0.5), 3)).toBeCloseTo(1.49071, 5);
    expect(remark4Constant(stdRelu(0.1), 2)).toBeCloseTo(0.70723, 5);
  });

  it('Prop. 8 (classic, standardized ReLU, s = 2, ω = {−3..0}): the border position 0 in closed form', () => {
    for (const beta of [0.1, 0.5]) {
      const L = 6;
      const r = 1 - beta * beta;
      const spec: DcnnSpec = { stride: 2, window: 2, depth: L, inputPositions: 3, parametrization: 'classic' };
      const k = dcnnKernels(stdRelu(beta), spec, stationaryInputGram(3, 1, 0.2));
      expect(k.sigmaDiagX[0]).toBeCloseTo((beta ** 2 + (r / 2) ** (L + 1)) / (1 - r / 2), 13);
      expect(k.thetaDiagX[0]).toBeCloseTo(
        (beta ** 2 * (1 - (r / 2) ** L)) / (1 - r / 2) ** 2 + (L * (r / 2) ** (L + 1)) / (1 - r / 2),
        13,
      );
      // the bulk keeps Σ = 1 and Θ = Σ r^{L−ℓ}
      const mid = Math.floor(k.positions / 2);
      expect(k.sigmaDiagX[mid]).toBeCloseTo(1, 13);
      expect(k.thetaDiagX[mid]).toBeCloseTo(thetaDiagonal(r, L), 12);
    }
  });

  it('Prop. 2: parent-based parametrization, standardized σ: Σ_pp = 1 and Θ_pp = Σ r^{L−ℓ} at every position', () => {
    const tanh = freezeChaosModel({ activation: 'tanh', nonlinearity: 'standardized', beta: 0.5 });
    const spec: DcnnSpec = { stride: 2, window: 3, depth: 4, inputPositions: 3, parametrization: 'parent' };
    const k = dcnnKernels(tanh, spec, stationaryInputGram(3, 0.9, 0.1));
    for (let p = 0; p < k.positions; p++) {
      expect(k.sigmaDiagX[p]).toBeCloseTo(1, 13);
      expect(k.thetaDiagX[p]).toBeCloseTo(thetaDiagonal(tanh.r, 4), 12);
    }
    // the classic parametrization has the border dip instead (Sec. 6)
    const classic = dcnnKernels(
      stdRelu(0.5),
      { ...spec, parametrization: 'classic' },
      stationaryInputGram(3, 0.9, 0.1),
    );
    expect(classic.thetaDiagX[0]).toBeLessThan(0.5 * classic.thetaDiagX[Math.floor(classic.positions / 2)]);
  });

  it('Thm 4, freeze: ϑ_{p,p+d} ≤ (1 − r^{v+1})/(1 − r^L), v = min(v_s(d), L − 1); the checkerboard grows with v', () => {
    const tanh = freezeChaosModel({ activation: 'tanh', nonlinearity: 'standardized', beta: 0.5 });
    for (const g of [stationaryInputGram(4, 1, 0.3), stationaryInputGram(4, 0.5, -0.5)]) {
      const prof = checkerboardProfile(tanh, bulk, g, 20);
      for (let i = 0; i < prof.offsets.length; i++)
        expect(prof.vartheta[i]).toBeLessThanOrEqual(prof.upperBound![i] + 1e-12);
      // mean ϑ per valuation class increases with v (offsets d ≠ 0)
      const byV = new Map<number, number[]>();
      prof.offsets.forEach(
        (d, i) => d !== 0 && byV.set(prof.valuation[i], [...(byV.get(prof.valuation[i]) ?? []), prof.vartheta[i]]),
      );
      const means = [...byV.keys()]
        .sort((a, b) => a - b)
        .map((v) => byV.get(v)!.reduce((s, x) => s + x, 0) / byV.get(v)!.length);
      for (let v = 1; v < means.length; v++) expect(means[v]).toBeGreaterThan(means[v - 1]);
    }
  });

  it('Thm 4, chaos: |ϑ_{p,p+d}| for d ≠ 0 decays with depth (normalized ReLU, β = 0.1)', () => {
    const nrelu = freezeChaosModel({ activation: 'relu', nonlinearity: 'normalized', beta: 0.1 });
    const worst = (depth: number) => {
      const prof = checkerboardProfile(nrelu, { ...bulk, depth }, stationaryInputGram(4, 1, 0.3), 8);
      return Math.max(
        ...Array.from(prof.vartheta)
          .filter((_, i) => prof.offsets[i] !== 0)
          .map(Math.abs),
      );
    };
    expect(worst(5)).toBeLessThan(worst(3));
    expect(worst(7)).toBeLessThan(worst(5));
    expect(worst(7)).toBeLessThan(0.01);
  });

  it('bad input names the field', () => {
    const g = stationaryInputGram(4, 1, 0);
    const m = stdRelu(0.5);
    expect(() => dcnnKernels(m, { ...bulk, stride: 0 }, g)).toThrow(/^stride: /);
    expect(() => dcnnKernels(m, { ...bulk, window: 0 }, g)).toThrow(/^window: /);
    expect(() => dcnnKernels(m, { ...bulk, depth: 12 }, g)).toThrow(/^depth: layer/);
    expect(() => dcnnKernels(m, bulk, new Float64Array(3))).toThrow(/^gram: /);
    expect(() => dcnnKernels(m, bulk, stationaryInputGram(4, 1.5, 0))).toThrow(/^gram: /);
    expect(() => dcnnKernels(m, { ...bulk, parametrization: 'x' as never }, g)).toThrow(/^parametrization: /);
    const tanh = freezeChaosModel({ activation: 'tanh', nonlinearity: 'standardized', beta: 0.5 });
    expect(() => dcnnKernels(tanh, { ...bulk, periodic: false }, g)).toThrow(/^activation: tanh has no closed-form/);
    expect(() => checkerboardProfile(m, bulk, g, 1000)).toThrow(/^maxOffset: /);
    expect(dcnnLayerSizes({ ...bulk, periodic: false })).toEqual([4, 10, 22, 46, 94, 190]);
  });
});
