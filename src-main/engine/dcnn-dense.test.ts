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
import { denseDcnnNtk } from './dcnn-dense';

// Finite-width DC-NNs against the infinite-width recursion (Jacot et al. 2019, Props. 4–5, Sec. 6.1 rates): the mean
// of Θ_η(p, p′) over N networks at M channels, per output position pair, within 4 SE + (L/M)·max Θ (the O(1/M)
// finite-width bias).
describe('measured DC-NN NTK (dense, finite width) vs the 1-D recursion', () => {
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
        stride: 2,
        window: 2,
        depth: 3,
        width: 48,
        parametrization,
        rates: dcnnLearningRates(lrScaling, 2, 3),
      };
      const N = 60;
      const m = theory.positions;
      const sum = new Float64Array(m * m);
      const sumSq = new Float64Array(m * m);
      const rng = new Rng(17);
      for (let n = 0; n < N; n++) {
        const t = denseDcnnNtk(net, x, 2, rng);
        for (let i = 0; i < m * m; i++) {
          sum[i] += t[i];
          sumSq[i] += t[i] * t[i];
        }
      }
      let big = 0;
      for (const v of theory.thetaXY) big = Math.max(big, Math.abs(v));
      for (let i = 0; i < m * m; i++) {
        const mean = sum[i] / N;
        const se = Math.sqrt(Math.max(0, sumSq[i] / N - mean * mean) / (N - 1));
        expect(Math.abs(mean - theory.thetaXY[i])).toBeLessThan(4 * se + (3 / 48) * big);
      }
    });
  }
});
