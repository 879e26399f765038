import { describe, expect, it } from 'vitest';
import { criticalCurve, criticalSigmaW2 } from './critical-curve';
import { fixedPoint } from './fixed-point';
import { gaussHermite } from './gauss';

const chi1At = (name: string, sw: number, sb: number) => {
  const fp = fixedPoint({ activation: name, sigmaW2: sw, sigmaB2: sb });
  if (fp.kind !== 'finite') throw new Error(`no finite q* at ${sw}, ${sb}`);
  return fp.chi1;
};

describe('critical line χ₁ = 1', () => {
  it('ReLU: σ_w² = 2 for every σ_b² (q* infinite there when σ_b² > 0)', () => {
    for (const sb of [0, 0.01, 0.5, 3]) {
      const p = criticalSigmaW2('relu', sb);
      expect(p).toMatchObject({ kind: 'found', sigmaW2: 2 });
      if (p.kind === 'found') expect(p.qStar === null).toBe(sb > 0);
    }
  });

  it('σ_b² = 0: tanh at σ_w² = 1, erf at π/4 (χ₁ = σ_w²φ′(0)² at q* = 0)', () => {
    expect(criticalSigmaW2('tanh', 0)).toMatchObject({ kind: 'found', qStar: 0 });
    expect(Math.abs((criticalSigmaW2('tanh', 0) as { sigmaW2: number }).sigmaW2 - 1)).toBeLessThan(1e-14);
    expect(Math.abs((criticalSigmaW2('erf', 0) as { sigmaW2: number }).sigmaW2 - Math.PI / 4)).toBeLessThan(1e-14);
  });

  it('χ₁ = 1 to 1e-9 on the curve, ordered just left and chaotic just right (erf, tanh, selu)', () => {
    for (const name of ['erf', 'tanh', 'selu']) {
      for (const sb of name === 'erf' ? [0.05, 0.1849, 1] : [0.05, 1]) {
        const p = criticalSigmaW2(name, sb);
        if (p.kind !== 'found') throw new Error(`${name} ${sb}: ${p.reason}`);
        expect(Math.abs(chi1At(name, p.sigmaW2, sb) - 1)).toBeLessThan(1e-9);
        expect(chi1At(name, p.sigmaW2 * 0.999, sb)).toBeLessThan(1);
        expect(chi1At(name, p.sigmaW2 * 1.001, sb)).toBeGreaterThan(1);
      }
    }
  });

  it('tanh at σ_b² = 0.05 is σ_w² = 1.7610 (the classic Poole/Schoenholz point), confirmed by an independent solver', () => {
    // independent: 120-point Gauss–Hermite, plain fixed-point iteration for q*, bisection on σ_w²
    const { z, w } = gaussHermite(120);
    const E = (f: (x: number) => number) => z.reduce((s, zi, i) => s + w[i] * f(zi), 0);
    const chi1 = (sw: number) => {
      let q = 1;
      for (let i = 0; i < 200; i++) q = sw * E((x) => Math.tanh(Math.sqrt(q) * x) ** 2) + 0.05;
      return sw * E((x) => (1 - Math.tanh(Math.sqrt(q) * x) ** 2) ** 2);
    };
    let lo = 1.5;
    let hi = 2;
    for (let k = 0; k < 40; k++) {
      const mid = (lo + hi) / 2;
      if (chi1(mid) < 1) lo = mid;
      else hi = mid;
    }
    const p = criticalSigmaW2('tanh', 0.05);
    if (p.kind !== 'found') throw new Error(p.reason);
    expect(Math.abs(p.sigmaW2 - lo)).toBeLessThan(1e-8);
    expect(p.sigmaW2.toFixed(4)).toBe('1.7610');
  });

  it('erf at σ_b² = 0.43² (Xiao et al. 2020, Fig. 2): σ_w² = 1.7578, q* = 1.0022 (Xiao et al. 2020 digest anchor)', () => {
    const p = criticalSigmaW2('erf', 0.1849);
    if (p.kind !== 'found' || p.qStar === null) throw new Error('expected a finite critical point');
    expect(p.sigmaW2.toFixed(4)).toBe('1.7578');
    expect(p.qStar.toFixed(4)).toBe('1.0022');
  });

  it('activations without a transition say why (sigmoid is ordered for all σ_w² ≤ 16)', () => {
    const p = criticalSigmaW2('sigmoid', 0.1);
    expect(p.kind).toBe('none');
    if (p.kind === 'none') expect(p.reason).toMatch(/ordered/);
  });

  it('the warm-started curve equals point-by-point solves', () => {
    const sbs = [0.02, 0.04, 0.06, 0.08];
    const curve = criticalCurve('tanh', sbs);
    for (let i = 0; i < sbs.length; i++) {
      const single = criticalSigmaW2('tanh', sbs[i]);
      if (curve[i].kind !== 'found' || single.kind !== 'found') throw new Error('expected found');
      expect(
        Math.abs((curve[i] as { sigmaW2: number }).sigmaW2 - (single as { sigmaW2: number }).sigmaW2),
      ).toBeLessThan(1e-12);
    }
  });

  it('bad σ_b² throws RangeError', () => {
    expect(() => criticalSigmaW2('tanh', -1)).toThrow(RangeError);
    expect(() => criticalSigmaW2('tanh', NaN)).toThrow(RangeError);
    expect(() => criticalSigmaW2('foo', 0)).toThrow(RangeError);
  });
});
