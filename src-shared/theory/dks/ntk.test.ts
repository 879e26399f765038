import { describe, expect, it } from 'vitest';
import { customActivation } from '../../network/activations';
import { kernelRecursion } from '../meanfield';
import { getDksActivation, transformActivation } from './activations';
import { solveDks } from './solver';
import { chainNtk } from './ntk';

describe('infinite-width NTK of the DKS chain', () => {
  it('φ̂ (Q(1) = 1, C′(1) = ψ): Θ = Σ_{j ≤ D} ψ^j', () => {
    for (const name of ['softplus', 'tanh']) {
      const psi = 1.5 ** (1 / 20);
      const r = solveDks(getDksActivation(name), psi).roots[0];
      const th = chainNtk(transformActivation(getDksActivation(name), r), 20);
      const closed = (psi ** 21 - 1) / (psi - 1);
      expect(Math.abs(th[20] / closed - 1)).toBeLessThan(1e-9);
      expect(th[0]).toBe(1);
    }
  });

  it('φ itself: agrees with the mean-field NTK recursion (σ_w² = 1, σ_b² = 0, NTK parametrization)', () => {
    const act = getDksActivation('tanh');
    const spec = customActivation({
      name: 'tanh-ntk-test',
      phi: act.phi,
      dphi: act.dphi,
      kinks: act.kinks,
      analyticHalfWidth: act.halfWidth,
      homogeneous: act.homogeneous,
    });
    const th = chainNtk(act, 8);
    const ref = kernelRecursion({ activation: spec, sigmaW2: 1, sigmaB2: 0, m: 1, gram0: [1], depth: 8 });
    expect(ref.theta[0] / th[8]).toBeCloseTo(1, 10);
  });

  it('rejects a bad depth', () => {
    expect(() => chainNtk(getDksActivation('tanh'), -1)).toThrow(/depth \(D\)/);
  });
});
