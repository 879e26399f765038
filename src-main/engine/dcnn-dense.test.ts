import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import {
  dcnnKernels,
  dcnnLearningRates,
  freezeChaosModel,
  stationaryInputGram,
  type DcnnLrScaling,
  type DcnnParametrization,
} from '../../src-shared/theory/freeze-chaos/index';
import { dcnnGrid } from '../../src-shared/theory/freeze-chaos/dcnn-grid';
import { denseDcnnNtk, type DenseDcnn } from './dcnn-dense';

/** max over position pairs of |mean − theory| − 4 SE − (L/M)·max|Θ| (≤ 0: every pair within tolerance). */
function worstExcess(net: DenseDcnn, x: Float64Array, shape: number[], theory: Float64Array, N: number): number {
  const sum = new Float64Array(theory.length);
  const sumSq = new Float64Array(theory.length);
  const rng = new Rng(17);
  for (let n = 0; n < N; n++) {
    const t = denseDcnnNtk(net, x, shape, rng);
    for (let i = 0; i < t.length; i++) {
      sum[i] += t[i];
      sumSq[i] += t[i] * t[i];
    }
  }
  let big = 0;
  for (const v of theory) big = Math.max(big, Math.abs(v));
  let worst = -Infinity;
  for (let i = 0; i < theory.length; i++) {
    const mean = sum[i] / N;
    const se = Math.sqrt(Math.max(0, sumSq[i] / N - mean * mean) / (N - 1));
    worst = Math.max(worst, Math.abs(mean - theory[i]) - 4 * se - (net.depth / net.width) * big);
  }
  return worst;
}

// Finite-width DC-NNs against the infinite-width recursion (Jacot et al. 2019, Props. 4–5, Sec. 6.1 rates): the mean
// of Θ_η(p, p′) over N networks at M channels, per output position pair, within 4 SE + (L/M)·max Θ (the O(1/M)
// finite-width bias).
describe('measured DC-NN NTK (dense, finite width) vs the recursions', () => {
  const cases: Array<[DcnnParametrization, DcnnLrScaling, string]> = [
    ['classic', 'none', 'standardized'],
    ['parent', 'appF.1', 'normalized'],
    ['parent', 'sec6.1', 'standardized'],
  ];
  for (const [parametrization, lrScaling, mode] of cases) {
    it(`${parametrization}, rates ${lrScaling}, ${mode} ReLU, β = 0.5, s = 2, w = 2, L = 3, |I₀| = 2`, () => {
      const model = freezeChaosModel({ activation: 'relu', nonlinearity: mode as 'standardized', beta: 0.5 });
      const corr = 0.3;
      const spec = { stride: 2, window: 2, depth: 3, inputPositions: 2, parametrization, lrScaling };
      const theory = dcnnKernels(model, spec, stationaryInputGram(2, 1, corr));
      const x = Float64Array.from([Math.SQRT2, 0, Math.SQRT2 * corr, Math.SQRT2 * Math.sqrt(1 - corr * corr)]);
      const net = {
        sigma: model.nl.sigma,
        dsigma: model.nl.dsigma,
        beta: 0.5,
        stride: [2],
        window: [2],
        depth: 3,
        width: 48,
        parametrization,
        rates: dcnnLearningRates(lrScaling, 2, 3),
      };
      expect(worstExcess(net, x, [2], theory.thetaXY, 60)).toBeLessThan(0);
    });
  }

  it('2-D (s = w = 2 per axis, a 1 × 1 input, L = 2: 10 × 10 outputs with borders): parent + Sec. 6.1, classic', () => {
    const model = freezeChaosModel({ activation: 'relu', nonlinearity: 'normalized', beta: 0.3 });
    const gram = Float64Array.of(1);
    const x = Float64Array.of(1); // n₀ = 1, ‖x‖² = n₀
    for (const [parametrization, lrScaling] of [
      ['parent', 'sec6.1'],
      ['classic', 'none'],
    ] as const) {
      const spec = { stride: [2, 2], window: [2, 2], inputShape: [1, 1], depth: 2, parametrization, lrScaling };
      const theory = dcnnGrid(model, spec, 1, gram).theta;
      const net = {
        sigma: model.nl.sigma,
        dsigma: model.nl.dsigma,
        beta: 0.3,
        stride: [2, 2],
        window: [2, 2],
        depth: 2,
        width: 48,
        parametrization,
        rates: dcnnLearningRates(lrScaling, 4, 2),
      };
      expect(worstExcess(net, x, [1, 1], theory, 60)).toBeLessThan(0);
    }
  });
});
