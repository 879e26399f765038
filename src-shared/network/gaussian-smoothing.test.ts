import { describe, expect, it } from 'vitest';
import { expectNormal } from '../theory/meanfield/gauss';
import { ACTIVATION_NAMES, activationSpec } from './activations';

describe('closed-form Gaussian smoothing E φ(m + sZ), E φ′(m + sZ)', () => {
  it('GELU and SELU agree with fine composite quadrature to 1e-10 (1e-15 absolute where the mean cancels)', () => {
    const out = new Float64Array(2);
    for (const name of ['gelu', 'selu']) {
      const act = activationSpec(name);
      const sm = act.gaussianSmoothing!;
      for (const m of [-30, -5, -1, -0.1, 0, 0.3, 2, 10, 40]) {
        for (const s of [1e-3, 0.1, 1, 3, 20]) {
          sm(m, s, out);
          const breaks = act.kinks.map((k) => (k - m) / s);
          const opts = { panelWidth: 0.1, order: 20 };
          const a = expectNormal((z) => act.phi(m + s * z), breaks, opts);
          const b = expectNormal((z) => act.dphi(m + s * z), breaks, opts);
          // SELU's mean at (m, s) = (0, 1) is 0 by design: compare absolutely there
          expect(Math.abs(out[0] - a), `${name} E φ at m = ${m}, s = ${s}`).toBeLessThan(1e-10 * Math.abs(a) + 1e-15);
          expect(Math.abs(out[1] - b), `${name} E φ′ at m = ${m}, s = ${s}`).toBeLessThan(1e-10 * Math.abs(b) + 1e-15);
        }
      }
    }
  });

  it('is offered by GELU and SELU only (ReLU and erf have closed 𝒯 instead)', () => {
    const offering = ACTIVATION_NAMES.filter((n) => activationSpec(n).gaussianSmoothing !== undefined);
    expect(offering).toEqual(['gelu', 'selu']);
  });
});
