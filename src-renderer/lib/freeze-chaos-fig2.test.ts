import { describe, expect, it } from 'vitest';
import { dcnnGrid, freezeChaosModel } from '../../src-shared/theory/freeze-chaos/index';
import { computeFig2, fig2Csv, FIG2_REQUEST, latentCosines, paintEigenImage, validateFig2 } from './freeze-chaos-fig2';

describe('Fig. 2 eigenvector images (Jacot et al. 2019, Fig. 2 left/middle)', () => {
  // one row (normalized ReLU, β = 0.1), top 4: the two columns' Grams are 1936 × 1936
  const view = computeFig2({ ...FIG2_REQUEST, modes: ['normalized'], count: 4 });

  it('gives orthonormal eigenpairs of the Gram matrix, checked against a recomputed Θ', () => {
    expect(view.side).toBe(22);
    expect(view.configs.map((c) => c.column)).toEqual(['classic', 'modified']);
    const model = freezeChaosModel({ activation: 'relu', nonlinearity: 'normalized', beta: 0.1 });
    const grid = dcnnGrid(
      model,
      { stride: [2, 2], window: [2, 2], inputShape: [1, 1], depth: 3, parametrization: 'parent', lrScaling: 'sec6.1' },
      4,
      latentCosines(1),
    );
    const n = 4 * 22 * 22;
    const c = view.configs[1];
    for (let k = 0; k < 4; k++) {
      const v = c.vectors[k];
      expect(c.values[k]).toBeLessThanOrEqual(k ? c.values[k - 1] : Infinity);
      let res = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += grid.theta[i * n + j] * v[j];
        res += (s - c.values[k] * v[i]) ** 2;
      }
      expect(Math.sqrt(res)).toBeLessThan(1e-6 * c.values[0]);
      for (let k2 = 0; k2 <= k; k2++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[i] * c.vectors[k2][i];
        expect(dot).toBeCloseTo(k2 === k ? 1 : 0, 9);
      }
    }
  });

  it("Sec. 6's modifications flatten the spectrum: λ₁/mean(λ) drops (normalized ReLU)", () => {
    const [classic, modified] = view.configs;
    expect(modified.topOverMean).toBeLessThan(classic.topOverMean / 2);
    for (const c of view.configs) expect(c.residual).toBeLessThan(1e-8);
  });

  it('CSV holds every pixel; painting is symmetric about 0; the latent cosines are a valid Gram', () => {
    const rows = fig2Csv(view).trimEnd().split('\n');
    expect(rows[0]).toBe('mode,column,k,eigenvalue,input,row,col,value');
    expect(rows.length - 1).toBe(2 * 4 * 4 * 22 * 22);
    const lut = Uint8Array.from([0, 0, 0, 100, 100, 100, 255, 255, 255]);
    const out = new Uint8ClampedArray(12);
    paintEigenImage([-2, 0, 2], 0, 1, 2, lut, out.subarray(0, 4));
    paintEigenImage([-2, 0, 2], 1, 1, 2, lut, out.subarray(4, 8));
    paintEigenImage([-2, 0, 2], 2, 1, 2, lut, out.subarray(8, 12));
    expect(Array.from(out)).toEqual([0, 0, 0, 255, 100, 100, 100, 255, 255, 255, 255, 255]);
    const g = latentCosines(1);
    expect(Array.from(g)).toEqual(Array.from(latentCosines(1)));
    for (let a = 0; a < 4; a++)
      for (let b = 0; b < 4; b++) {
        expect(g[a * 4 + b]).toBeCloseTo(g[b * 4 + a], 15);
        expect(Math.abs(g[a * 4 + b])).toBeLessThanOrEqual(1);
      }
    expect(() => validateFig2({ ...FIG2_REQUEST, beta: 2 })).toThrow(/^β: /);
    expect(() => validateFig2({ ...FIG2_REQUEST, count: 0 })).toThrow(/^eigenvectors: /);
  });
});
