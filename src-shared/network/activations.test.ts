import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_NAMES,
  ACTIVATION_SPECS,
  MEASURABLE_ACTIVATIONS,
  SAMPLER_ACTIVATIONS,
  TF_ACTIVATIONS,
  activationFor,
  activationSpec,
  customActivation,
} from './activations';
import { erf } from './erf';

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe('the registry', () => {
  it('lists every activation once, and per engine the names that run there', () => {
    expect([...ACTIVATION_NAMES]).toEqual(['relu', 'tanh', 'erf', 'gelu', 'linear', 'sigmoid', 'selu']);
    expect(Object.keys(ACTIVATION_SPECS)).toEqual([...ACTIVATION_NAMES]);
    for (const name of ACTIVATION_NAMES) {
      expect(activationSpec(name).name).toBe(name);
      expect(activationSpec(name).runsOn).toContain('theory');
    }
    expect([...SAMPLER_ACTIVATIONS]).toEqual(['relu', 'tanh', 'erf', 'gelu', 'linear']);
    expect([...TF_ACTIVATIONS]).toEqual(['relu', 'tanh', 'erf', 'gelu', 'linear']);
    expect([...MEASURABLE_ACTIVATIONS]).toEqual(['relu', 'tanh', 'erf', 'gelu', 'linear']);
  });

  it('unknown names, and names an engine does not run, throw a RangeError naming the alternatives', () => {
    expect(() => activationSpec('swishy')).toThrow(/unknown activation "swishy"; known: relu, tanh/);
    expect(() => activationSpec('toString')).toThrow(RangeError);
    expect(() => activationFor('samplers', 'sigmoid')).toThrow(
      /unknown activation "sigmoid" for the samplers; expected one of relu, tanh, erf, gelu, linear/,
    );
    expect(() => activationFor('tensorflow', 'selu')).toThrow(/for TensorFlow/);
    expect(activationFor('theory', 'selu')).toBe(ACTIVATION_SPECS.selu);
  });

  it('ad-hoc theory activations are validated, never registered, and may not reuse a name', () => {
    const base = { phi: (x: number) => x, dphi: () => 1, kinks: [], analyticHalfWidth: 1, homogeneous: false };
    expect(() => customActivation({ ...base, name: 'relu' })).toThrow(/already defined/);
    expect(() => customActivation({ ...base, name: 'Bad Name' })).toThrow(RangeError);
    expect(() => customActivation({ ...base, name: 'nan', phi: () => NaN })).toThrow(/not finite/);
    expect(customActivation({ ...base, name: 'identity-test' }).runsOn).toEqual(['theory']);
    expect(() => activationSpec('identity-test')).toThrow(RangeError);
  });
});

describe('activations φ, φ′', () => {
  it('φ′ matches a central difference of φ away from kinks', () => {
    const xs = [-3.1, -1.2, -0.4, 0.3, 0.9, 2.2];
    for (const name of ACTIVATION_NAMES) {
      const { phi, dphi, phiDphi } = activationSpec(name);
      const out = new Float64Array(2);
      for (const x of xs) {
        const h = 1e-5;
        const fd = (phi(x + h) - phi(x - h)) / (2 * h); // truncation O(h²·φ‴) ≲ 1e-10, rounding ≲ 1e-11
        expect(Math.abs(dphi(x) - fd), `${name} at ${x}`).toBeLessThan(1e-8);
        if (phiDphi) {
          phiDphi(x, out);
          expect([out[0], out[1]]).toEqual([phi(x), dphi(x)]);
        }
      }
    }
  });

  it('takes the documented values', () => {
    const { relu, linear: lin, erf: erfA, gelu, tanh } = ACTIVATION_SPECS;
    expect([relu.phi(-2), relu.phi(3), relu.dphi(-1), relu.dphi(2), relu.dphi(0)]).toEqual([0, 3, 0, 1, 0]);
    expect([lin.phi(-2.5), lin.dphi(7)]).toEqual([-2.5, 1]);
    // plain erf (Xiao et al. 2020), not erf(√π x/2): φ′(0) = 2/√π
    expect(erfA.phi(1)).toBe(erf(1));
    expect(relErr(erfA.dphi(0), 2 / Math.sqrt(Math.PI))).toBeLessThan(1e-15);
    expect(relErr(tanh.dphi(0.5), 1 / Math.cosh(0.5) ** 2)).toBeLessThan(1e-15);
    // 1 − tanh²(25) = 4e^{−50}/(1 + e^{−50})² is not lost to cancellation
    expect(relErr(tanh.dphi(25), 4 * Math.exp(-50))).toBeLessThan(1e-14);
    // exact GELU x·Φ(x) and Φ(x) + x·ϕ(x) (mpmath)
    const geluRef: [number, number, number][] = [
      [-10, -7.619853024160526066e-23, -7.6184000964648140857e-22],
      [-3, -0.00404969409489028358, -0.011945647204183927],
      [-1, -0.15865525393145705141, -0.083315470587686298383],
      [0.5, 0.34573123063700655182, 0.86749512465616284253],
      [2.5, 2.4844758366855596621, 1.0376110859081452082],
    ];
    for (const [x, v, d] of geluRef) {
      expect(relErr(gelu.phi(x), v)).toBeLessThan(1e-13);
      expect(relErr(gelu.dphi(x), d)).toBeLessThan(1e-12);
    }
  });

  it('closed forms equal their definitions at points where both are elementary', () => {
    // ReLU: 𝒯(q, q, q) = q/2, 𝒯̇ = 1/2; at c = 0: 𝒯 = q/(2π), 𝒯̇ = 1/4 (Cho & Saul 2009)
    const rc = ACTIVATION_SPECS.relu.closedForms!;
    expect(relErr(rc.T(3, 3, 3), 1.5)).toBeLessThan(1e-15);
    expect(relErr(rc.Tdot(3, 3, 3), 0.5)).toBeLessThan(1e-15);
    expect(relErr(rc.T(2, 0, 2), 2 / (2 * Math.PI))).toBeLessThan(1e-15);
    expect(relErr(rc.Tdot(2, 0, 2), 0.25)).toBeLessThan(1e-15);
    // erf: E erf(u)² = (2/π) asin(2q/(1 + 2q)), E erf′(u)² = (4/π)/√(1 + 4q) (Williams 1997)
    const ec = ACTIVATION_SPECS.erf.closedForms!;
    expect(relErr(ec.T(0.5, 0.5, 0.5), (2 / Math.PI) * Math.asin(0.5))).toBeLessThan(1e-15);
    expect(relErr(ec.Tdot(0.5, 0.5, 0.5), 4 / Math.PI / Math.sqrt(3))).toBeLessThan(1e-15);
    expect(ACTIVATION_SPECS.linear.closedForms!.T(2, 0.7, 3)).toBe(0.7);
  });

  it('GELU’s scaled pair: φ(2^e ĥ)/2^e and φ′(2^e ĥ), exact where 2^e ĥ is a float64, the limits beyond', () => {
    const g = ACTIVATION_SPECS.gelu;
    const sc = g.scaled!;
    for (const h of [-7.5, -0.3, 0, 0.2, 1.7, 9])
      for (const e of [0, 1, 5, 40]) {
        // 2^e·h is exact, so the scaled form must equal φ at 2^e·h, divided back, to the last bit
        const H = h * 2 ** e;
        expect(sc.phi(h, e)).toBe(g.phi(H) / 2 ** e);
        expect(sc.dphi(h, e)).toBe(g.dphi(H));
      }
    // beyond float64: φ(2^e ĥ)/2^e → ĥ (ĥ > 0) or 0, φ′ → 1 or 0; never NaN
    expect(sc.phi(1.5, 5000)).toBe(1.5);
    expect(sc.phi(-1.5, 5000)).toBe(-0);
    expect(sc.dphi(1.5, 5000)).toBe(1);
    expect(sc.dphi(-1.5, 5000)).toBe(0);
    expect(sc.phi(0, 5000)).toBe(0);
    // exponents past int32 (the samplers keep them as float64 integers)
    expect(sc.phi(1.5, 2 ** 31 + 10)).toBe(1.5);
    expect(sc.dphi(-1.5, 2 ** 31 + 10)).toBe(0);
    expect(ACTIVATION_SPECS.relu.scaled).toBeUndefined(); // homogeneous: φ itself serves
    expect(ACTIVATION_SPECS.tanh.scaled).toBeUndefined(); // bounded: h is kept at its true scale
  });
});
