import { describe, expect, it } from 'vitest';
import { limitDispersion, predictPoint, reluExactMoments } from '../../src-shared/theory';
import { LAMBDA_SLICE, SIGMA_SLICE, sliceAlongLambda, sliceAlongSigma, slicePointNetwork } from './slices';

const net = { width: 200, alpha0: 1 };

describe('slice geometry', () => {
  it('plots λ ∈ [0, 1.5] and σ_w² ∈ [0.5, 4] with the EOC as a plotted point', () => {
    expect(LAMBDA_SLICE.xs.length).toBe(301);
    expect([LAMBDA_SLICE.xs[0], LAMBDA_SLICE.xs[300]]).toEqual([0, 1.5]);
    expect(SIGMA_SLICE.xs.length).toBe(351);
    expect(SIGMA_SLICE.xs[150]).toBe(2);
  });

  it('measures at 12 λ and 15 σ_w² positions that are plotted x values', () => {
    expect(LAMBDA_SLICE.measureAt.map((i) => LAMBDA_SLICE.xs[i])).toEqual([
      0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1, 1.125, 1.25, 1.375, 1.5,
    ]);
    expect(SIGMA_SLICE.measureAt.map((i) => SIGMA_SLICE.xs[i])).toEqual([
      0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3, 3.25, 3.5, 3.75, 4,
    ]);
  });

  it('gives each measured point its realized network', () => {
    expect(slicePointNetwork(LAMBDA_SLICE, 3, 2.2, { ...net, inputDim: 200 })).toEqual({
      sigmaW2: 2.2,
      depth: 100,
      width: 200,
      inputDim: 200,
    });
    expect(slicePointNetwork(SIGMA_SLICE, 6, 0.0001, { ...net, inputDim: 200 })).toEqual({
      sigmaW2: 2,
      depth: 1,
      width: 200,
      inputDim: 200,
    });
  });
});

describe('slice values', () => {
  it('the λ slice at σ_w² equals the per-point prediction at every realized depth', () => {
    const s = sliceAlongLambda(2.2, net);
    for (const k of [0, 1, 37, 100, 223, 300]) {
      const depth = Math.max(1, Math.round(s.xs[k] * 200));
      const p = predictPoint({ sigmaW2: 2.2, depth, width: 200, inputDim: 200 });
      expect(s.finite[k]).toBeCloseTo(p.dispersion.finite, 10);
      expect(s.limit[k]).toBe(limitDispersion(2.2, s.xs[k], 1)); // the limit is taken at the continuous λ
    }
  });

  it('the σ_w² slice is flat at 1 in the ordered limit and rises through the EOC at finite width', () => {
    const s = sliceAlongSigma(0.5, net);
    expect(s.limit[0]).toBe(1); // Seleznova & Kutyniok 2022, eq. (10)
    expect(s.limit[149]).toBe(1);
    expect(s.limit[150]).toBeCloseTo(limitDispersion(2, 0.5, 1), 12);
    for (let k = 1; k < s.xs.length; k++) expect(s.finite[k]).toBeGreaterThanOrEqual(s.finite[k - 1] - 1e-12);
    expect(s.finite[0]).toBeGreaterThan(1); // finite-width variance is never zero (Thm 3.2)
  });
});

describe('exact curve on the slices', () => {
  it('equals reluExactMoments at its evaluated points, is NaN between them, and includes the last x', () => {
    const net = { width: 40, alpha0: 1 };
    const s = sliceAlongLambda(2.2, net);
    const evaluated = Array.from(s.xs.keys()).filter((k) => Number.isFinite(s.exact[k]));
    expect(evaluated.length).toBeGreaterThan(10);
    expect(evaluated[evaluated.length - 1]).toBe(s.xs.length - 1);
    expect(Number.isNaN(s.exact[1])).toBe(true);
    for (const k of [evaluated[0], evaluated[7], s.xs.length - 1]) {
      const depth = Math.max(1, Math.round(s.xs[k] * 40));
      const widths = new Float64Array(depth).fill(40);
      expect(s.exact[k]).toBeCloseTo(reluExactMoments(2.2, widths).dispersion, 12);
    }
  });

  it('keeps the work bounded at large M (coarser stride, still covers the range)', () => {
    const s = sliceAlongSigma(1.5, { width: 10_000, alpha0: 1 });
    const evaluated = Array.from(s.xs.keys()).filter((k) => Number.isFinite(s.exact[k]));
    expect(evaluated.length * 15_000).toBeLessThanOrEqual(400_000 + 15_000);
    expect(evaluated[evaluated.length - 1]).toBe(s.xs.length - 1);
  });
});
