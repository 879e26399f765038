import { describe, expect, it } from 'vitest';
import { getActivation } from './activation';
import { depthScales, phaseOfChi1 } from './depth-scales';
import { fixedPoint } from './fixed-point';
import { lengthMap, nngpMap } from './nngp-map';

/** Plain iteration of the length map from q⁰ = 1 (the definition of q*, slow but independent of the bracketing). */
function iterateQ(name: string, sw: number, sb: number, steps: number): number {
  const act = getActivation(name);
  let q = 1;
  for (let i = 0; i < steps; i++) q = sw * lengthMap(act, q).T + sb;
  return q;
}

describe('ReLU (closed form): χ₁ = σ_w²/2, q* = σ_b²/(1 − σ_w²/2), no finite q* from σ_w² = 2 on', () => {
  it('ordered side', () => {
    for (const [sw, sb] of [
      [0.5, 0.1],
      [1.5, 0.3],
      [1.99, 0.01],
    ]) {
      const fp = fixedPoint({ activation: 'relu', sigmaW2: sw, sigmaB2: sb });
      expect(fp.kind).toBe('finite');
      if (fp.kind !== 'finite') return;
      expect(fp.chi1).toBeCloseTo(sw / 2, 15);
      expect(Math.abs(fp.qStar / (sb / (1 - sw / 2)) - 1)).toBeLessThan(1e-14);
      expect(fp.cStar).toBe(1);
      expect(depthScales(fp).xi1).toBeCloseTo(-1 / Math.log(sw / 2), 12);
    }
  });

  it('σ_w² = 2: σ_b² = 0 is marginal (every q fixed, χ₁ = 1); σ_b² > 0 grows linearly (none) with χ₁ = 1 anyway', () => {
    const marginal = fixedPoint({ activation: 'relu', sigmaW2: 2, sigmaB2: 0, q0: 0.7 });
    expect(marginal).toMatchObject({ kind: 'finite', qStar: 0.7, chi1: 1, marginal: true });
    const linear = fixedPoint({ activation: 'relu', sigmaW2: 2, sigmaB2: 0.1 });
    expect(linear.kind).toBe('none');
    if (linear.kind === 'none') {
      expect(linear.chi1).toBe(1);
      expect(linear.reason).toMatch(/linearly/);
    }
    expect(depthScales(linear).phase).toBe('critical');
  });

  it('σ_w² > 2: no finite fixed point for any σ_b² (q grows geometrically), χ₁ = σ_w²/2 reported, phase chaotic', () => {
    for (const sb of [0, 0.5]) {
      const fp = fixedPoint({ activation: 'relu', sigmaW2: 2.5, sigmaB2: sb });
      expect(fp).toMatchObject({ kind: 'none', chi1: 1.25 });
      const ds = depthScales(fp);
      expect(ds).toMatchObject({ phase: 'chaotic', xi1: null, xiC: null, xiStar: null });
      expect(ds.reasons.xiStar).toMatch(/no finite fixed point/);
    }
  });
});

describe('smooth activations: the fixed points solve their equations and match plain iteration', () => {
  it('q* matches 400 steps of plain iteration from q⁰ = 1 (erf, tanh, sigmoid, gelu; contraction ≤ 0.95/step)', () => {
    for (const [name, sw, sb] of [
      ['erf', 3, 0.05],
      ['tanh', 1.7, 0.3],
      ['sigmoid', 4, 0.1],
      ['gelu', 1.5, 0.1],
    ] as const) {
      const fp = fixedPoint({ activation: name, sigmaW2: sw, sigmaB2: sb });
      expect(fp.kind).toBe('finite');
      if (fp.kind !== 'finite') return;
      expect(Math.abs(fp.qStar - iterateQ(name, sw, sb, 400))).toBeLessThan(1e-12 * fp.qStar);
    }
  });

  it('chaotic phase: c* < 1 is a fixed point of the c-map and χ_c* is its slope there (central difference)', () => {
    for (const [name, sw, sb] of [
      ['erf', 3, 0.05],
      ['tanh', 2, 0.05],
    ] as const) {
      const act = getActivation(name);
      const fp = fixedPoint({ activation: name, sigmaW2: sw, sigmaB2: sb });
      if (fp.kind !== 'finite') throw new Error('expected a finite fixed point');
      expect(fp.chi1).toBeGreaterThan(1);
      expect(fp.cStar).toBeGreaterThan(0);
      expect(fp.cStar).toBeLessThan(1);
      const C = (c: number) =>
        (sw * nngpMap(act, { s11: fp.qStar, s12: c * fp.qStar, s22: fp.qStar }).T + sb) / fp.qStar;
      expect(Math.abs(C(fp.cStar) - fp.cStar)).toBeLessThan(1e-13);
      const h = 1e-5;
      expect(Math.abs((C(fp.cStar + h) - C(fp.cStar - h)) / (2 * h) - fp.chiC)).toBeLessThan(1e-8);
      expect(fp.chiC).toBeLessThan(1); // Xiao et al. 2020, §4: χ_c* is always < 1
      const ds = depthScales(fp);
      expect(ds.phase).toBe('chaotic');
      expect(ds.xiStar).toBeCloseTo(-1 / (Math.log(fp.chiC) - Math.log(fp.chi1)), 12);
      expect(ds.xi1).toBeNull();
    }
  });

  it('odd φ with σ_b² = 0: c* = 0 in the chaotic phase; q* = 0 and χ₁ = σ_w²φ′(0)² in the ordered phase', () => {
    const chaotic = fixedPoint({ activation: 'tanh', sigmaW2: 1.5, sigmaB2: 0 });
    expect(chaotic).toMatchObject({ kind: 'finite', cStar: 0 });
    const ordered = fixedPoint({ activation: 'tanh', sigmaW2: 0.6, sigmaB2: 0 });
    expect(ordered).toMatchObject({ kind: 'finite', qStar: 0, cStar: 1 });
    if (ordered.kind === 'finite') expect(ordered.chi1).toBeCloseTo(0.6, 14);
  });

  it('SELU at σ_w² = 1, σ_b² = 0 has its self-normalizing fixed point q* = 1 and χ₁ = 1.0716 (DKS Martens et al. 2021, §26.3)', () => {
    const fp = fixedPoint({ activation: 'selu', sigmaW2: 1, sigmaB2: 0 });
    if (fp.kind !== 'finite') throw new Error('expected a finite fixed point');
    expect(Math.abs(fp.qStar - 1)).toBeLessThan(1e-6);
    expect(Math.abs(fp.chi1 - 1.0716)).toBeLessThan(5e-5);
  });

  it('a length map that diverges (GELU at σ_w² = 3) is reported, not drawn', () => {
    const fp = fixedPoint({ activation: 'gelu', sigmaW2: 3, sigmaB2: 0.1 });
    expect(fp).toMatchObject({ kind: 'none', chi1: null });
    expect(depthScales(fp).phase).toBeNull();
  });
});

describe('bad input', () => {
  it('NaN, negative or infinite parameters and unknown activations throw RangeError', () => {
    expect(() => fixedPoint({ activation: 'tanh', sigmaW2: NaN, sigmaB2: 0 })).toThrow(RangeError);
    expect(() => fixedPoint({ activation: 'tanh', sigmaW2: 1, sigmaB2: -0.1 })).toThrow(/σ_b²/);
    expect(() => fixedPoint({ activation: 'tanh', sigmaW2: Infinity, sigmaB2: 0 })).toThrow(RangeError);
    expect(() => fixedPoint({ activation: 'tanh', sigmaW2: 0, sigmaB2: 0 })).toThrow(RangeError);
    expect(() => fixedPoint({ activation: 'tanh', sigmaW2: 1, sigmaB2: 0, q0: -1 })).toThrow(RangeError);
    expect(() => fixedPoint({ activation: 'nope', sigmaW2: 1, sigmaB2: 0 })).toThrow(RangeError);
    expect(() => phaseOfChi1(NaN)).toThrow(RangeError);
  });
});
