import { describe, expect, it } from 'vitest';
import { PARAMETRIZATIONS, checkParametrization, layerScales } from './parametrization';

describe('parametrizations (standard / NTK)', () => {
  it('give the same effective weights at initialization: init sd × forward multiplier = √(σ_w²/n), σ_b', () => {
    for (const p of PARAMETRIZATIONS) {
      for (const [sw, sb, n] of [
        [2, 0, 1],
        [1.5, 0.3, 100],
        [2.2, 0.05, 7],
      ]) {
        const s = layerScales(p, sw, sb, n);
        expect(s.weightInitSd * s.weightMultiplier).toBe(Math.sqrt(sw / n));
        expect(s.biasInitSd * s.biasMultiplier).toBe(Math.sqrt(sb));
      }
    }
  });

  it('differ in the kernel factors: s_l² = σ_w²/n and t² = σ_b² (NTK), 1 and 1 (standard)', () => {
    const ntk = layerScales('ntk', 1.5, 0.3, 100);
    expect(ntk.weightKernelFactor).toBe(1.5 / 100);
    expect(ntk.biasKernelFactor).toBe(0.3);
    expect(Math.abs(ntk.weightMultiplier ** 2 / ntk.weightKernelFactor - 1)).toBeLessThan(1e-15);
    const std = layerScales('standard', 1.5, 0.3, 100);
    expect([std.weightKernelFactor, std.biasKernelFactor, std.weightMultiplier, std.biasMultiplier]).toEqual([
      1, 1, 1, 1,
    ]);
  });

  it('rejects other names with the field and the value', () => {
    expect(() => checkParametrization('mup')).toThrow(`parametrization must be 'standard' or 'ntk' (got "mup")`);
    expect(() => checkParametrization(undefined)).toThrow(RangeError);
  });
});
