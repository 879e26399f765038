import { describe, expect, it } from 'vitest';
import { dcnnKernels, remark4Constant, stationaryInputGram, type DcnnSpec } from './dcnn';
import { dcnnGrid, dcnnGridShapes, sValuationNd, type DcnnGridSpec } from './dcnn-grid';
import { topEigenpairs } from './eigen-top';
import { symmetricEigen } from './gram';
import { freezeChaosModel, thetaDiagonal } from './recursion';

const stdRelu = (beta: number) => freezeChaosModel({ activation: 'relu', nonlinearity: 'standardized', beta });

/** Cosines of `inputs` inputs over `positions` positions: `same` at equal positions of one input, `other` elsewhere. */
function blockGram(inputs: number, positions: number, same: number, other: number): Float64Array {
  const n = inputs * positions;
  const g = new Float64Array(n * n).fill(other);
  for (let a = 0; a < inputs; a++)
    for (let b = 0; b < inputs; b++)
      for (let q = 0; q < positions; q++) g[(a * positions + q) * n + b * positions + q] = a === b ? 1 : same;
  return g;
}

describe('d-dimensional DC-NN Gram matrices (Jacot et al. 2019, Sec. 2.2, App. E–H)', () => {
  it('1-D, two inputs: the cross block equals the independent two-input recursion (dcnn.ts), borders and rates', () => {
    for (const [model, spec] of [
      [stdRelu(0.3), { stride: 2, window: 2, depth: 3, inputPositions: 3, parametrization: 'classic' }],
      [
        freezeChaosModel({ activation: 'tanh', nonlinearity: 'normalized', beta: 0.2 }),
        { stride: 3, window: 1, depth: 2, inputPositions: 2, parametrization: 'parent', lrScaling: 'sec6.1' },
      ],
    ] as const) {
      const s = spec as DcnnSpec;
      const ref = dcnnKernels(model, s, stationaryInputGram(s.inputPositions, 0.6, -0.2));
      const grid = dcnnGrid(
        model,
        {
          stride: [s.stride],
          window: [s.window],
          inputShape: [s.inputPositions],
          depth: s.depth,
          parametrization: s.parametrization,
          lrScaling: s.lrScaling,
        },
        2,
        blockGram(2, s.inputPositions, 0.6, -0.2),
      );
      const m = grid.positions;
      expect(m).toBe(ref.positions);
      for (let p = 0; p < m; p++)
        for (let p2 = 0; p2 < m; p2++) expect(grid.theta[p * 2 * m + m + p2]).toBeCloseTo(ref.thetaXY[p * m + p2], 12);
    }
  });

  it('2-D with stride 1 and window 1 in the second dimension is the 1-D net', () => {
    const model = stdRelu(0.4);
    const g = blockGram(1, 3, 1, 0.3);
    const one = dcnnGrid(
      model,
      { stride: [2], window: [2], inputShape: [3], depth: 3, parametrization: 'classic' },
      1,
      g,
    );
    const two = dcnnGrid(
      model,
      { stride: [2, 1], window: [2, 1], inputShape: [3, 1], depth: 3, parametrization: 'classic' },
      1,
      g,
    );
    expect(two.shape).toEqual([one.positions, 1]);
    for (let i = 0; i < one.theta.length; i++) expect(two.theta[i]).toBeCloseTo(one.theta[i], 13);
  });

  const spec2: DcnnGridSpec = {
    stride: [2, 2],
    window: [2, 2],
    inputShape: [2, 2],
    depth: 3,
    parametrization: 'parent',
  };

  it('2-D Prop. 2: parent-based, standardized σ: Σ_pp = 1, Θ_pp = Σ r^{L−ℓ} at every pixel (borders included)', () => {
    const model = freezeChaosModel({ activation: 'tanh', nonlinearity: 'standardized', beta: 0.3 });
    const grid = dcnnGrid(model, { ...spec2, depth: 2 }, 2, blockGram(2, 4, 0.1, 0.4));
    const n = grid.inputs * grid.positions;
    for (let i = 0; i < n; i++) {
      expect(grid.sigma[i * n + i]).toBeCloseTo(1, 12);
      expect(grid.theta[i * n + i]).toBeCloseTo(thetaDiagonal(model.r, 2), 12);
    }
  });

  it('2-D App. F.1 rates: Θ_pp = S^{−L/2}(1 − (√S r)^L)/(1 − √S r) with S = s₁s₂', () => {
    const model = stdRelu(0.5);
    const S = 4;
    const grid = dcnnGrid(model, { ...spec2, depth: 2, lrScaling: 'appF.1' }, 1, blockGram(1, 4, 1, 0.2));
    const want = S ** -1 * ((1 - (Math.sqrt(S) * model.r) ** 2) / (1 - Math.sqrt(S) * model.r));
    const n = grid.positions;
    for (let p = 0; p < n; p++) expect(grid.theta[p * n + p]).toBeCloseTo(want, 12);
  });

  it('2-D bulk: Remark 4 (input-independent Θ for v_s(d) < L) and the Thm 4 checkerboard bound in freeze', () => {
    const model = stdRelu(0.5); // r = 0.75: freeze
    const L = 3;
    const spec: DcnnGridSpec = { ...spec2, depth: L, periodic: true, parametrization: 'classic' };
    const shape = dcnnGridShapes(spec)[L];
    const m = shape[0] * shape[1];
    for (const g of [blockGram(1, 4, 1, 0.3), blockGram(1, 4, 1, -0.5)]) {
      const grid = dcnnGrid(model, spec, 1, g);
      const p = 0;
      for (let p2 = 0; p2 < m; p2++) {
        const d = [Math.floor(p2 / shape[1]), p2 % shape[1]];
        const v = Math.min(sValuationNd(d, [2, 2], L - 1), L - 1);
        const theta = grid.theta[p * m + p2];
        const vartheta = theta / Math.sqrt(grid.theta[0] * grid.theta[p2 * m + p2]);
        expect(vartheta).toBeLessThanOrEqual((1 - model.r ** (v + 1)) / (1 - model.r ** L) + 1e-12);
        if (sValuationNd(d, [2, 2], 64) < L)
          expect(theta).toBeCloseTo(remark4Constant(model, sValuationNd(d, [2, 2], 64)), 12);
      }
    }
  });

  it('Lanczos top eigenpairs agree with Jacobi (classic ReLU, 4 inputs, 4 × 4 output: n = 64)', () => {
    const model = stdRelu(0.1);
    const small = dcnnGrid(model, { ...spec2, inputShape: [1, 1], depth: 1, parametrization: 'classic' }, 4, blockGram(4, 1, 0.2, 0)); // prettier-ignore
    const n = small.inputs * small.positions;
    const ref = symmetricEigen(small.theta, n);
    const top = topEigenpairs(small.theta, n, 6, 30); // fewer steps than rows: a real Krylov truncation
    for (let k = 0; k < 6; k++) {
      expect(top.values[k]).toBeCloseTo(ref.values[k], 9);
      expect(top.residuals[k]).toBeLessThan(1e-8 * ref.values[0]);
    }
    let trace = 0;
    for (let i = 0; i < n; i++) trace += small.theta[i * n + i];
    expect(top.meanEigenvalue).toBeCloseTo(trace / n, 12);
    expect(() => topEigenpairs(small.theta, n, 0)).toThrow(/^k: /);
  });

  it('bad input names the field', () => {
    const model = stdRelu(0.1);
    const g = blockGram(1, 4, 1, 0);
    expect(() => dcnnGrid(model, { ...spec2, stride: [2, 2, 2] }, 1, g)).toThrow(/^stride: /);
    expect(() => dcnnGrid(model, { ...spec2, window: [0, 2] }, 1, g)).toThrow(/^window: /);
    expect(() => dcnnGrid(model, { ...spec2, depth: 6 }, 1, g)).toThrow(/^depth: /);
    expect(() => dcnnGrid(model, spec2, 1, new Float64Array(3))).toThrow(/^gram: /);
  });
});
