import { describe, expect, it } from 'vitest';
import { limitDispersion, limitDispersionChaotic, limitDispersionEoc, phi2 } from './relu-limit';

const rel = (x: number, y: number) => Math.abs(x / y - 1);

// The formulas exactly as printed in Seleznova & Kutyniok 2022 (fine away from λ = 0, where they cancel
// catastrophically).
const printed8 = (l: number) => (1 / (2 * l)) * Math.exp(5 * l) * (1 - (1 / (4 * l)) * (1 - Math.exp(-4 * l)));
const printed9 = (l: number, a0: number) =>
  (1 / (1 + a0) ** 2) *
  (Math.exp(5 * l) * (1 / (2 * l) + (2 * a0 * a0 - 8 * a0) / (25 * l * l)) +
    ((Math.exp(l) - Math.exp(5 * l)) * (1 - 4 * a0)) / (8 * l * l) +
    ((2 * a0) / (5 * l)) * ((4 - a0) / (5 * l) - 1 - a0));
const printed41 = (l: number, a0: number) =>
  (1 / ((1 + a0) ** 2 * l)) *
  (Math.exp(5 * l) * (1 / 2 + (16 * a0 * a0 + 36 * a0 - 25) / (200 * l)) +
    (Math.exp(l) * (1 - 4 * a0)) / (8 * l) +
    (2 * a0 * (4 - a0)) / (25 * l) -
    (2 * a0 * (1 + a0)) / 5);

describe('φ₂(z) = (e^z − 1 − z)/z²', () => {
  it('matches the closed form away from 0 and its series near 0, continuously across the switch at |z| = 0.5', () => {
    for (const z of [-30, -6, -1, -0.7, 0.7, 1, 7.5, 30])
      expect(rel(phi2(z), (Math.exp(z) - 1 - z) / (z * z))).toBeLessThan(1e-14);
    for (const z of [-1e-9, 0, 1e-9]) expect(Math.abs(phi2(z) - (0.5 + z / 6))).toBeLessThan(1e-17);
    expect(rel(phi2(0.4999999999), phi2(0.5000000001))).toBeLessThan(1e-9);
    expect(rel(phi2(-0.4999999999), phi2(-0.5000000001))).toBeLessThan(1e-9);
  });
});

describe('Thm 3.1 limits (Seleznova & Kutyniok 2022, eqs. 8–10, 40–42)', () => {
  it('agree with the printed (8), (9) and the appendix form (41) where those are well conditioned', () => {
    for (let l = 0.05; l <= 1.5001; l += 0.05) {
      expect(rel(limitDispersionChaotic(l), printed8(l))).toBeLessThan(1e-12);
      for (const a0 of [0.1, 0.5, 1, 2, 10]) {
        expect(rel(limitDispersionEoc(l, a0), printed9(l, a0))).toBeLessThan(1e-11);
        expect(rel(printed41(l, a0), printed9(l, a0))).toBeLessThan(1e-11); // (41) ≡ (9)
      }
    }
  });

  it('keep agreeing with the printed forms on the log-space branch (λ > 20) and overflow to +Infinity, never NaN', () => {
    for (const l of [19.9, 20.1, 50, 100, 141]) {
      expect(rel(limitDispersionChaotic(l), printed8(l))).toBeLessThan(1e-12);
      for (const a0 of [0.01, 1, 30]) expect(rel(limitDispersionEoc(l, a0), printed9(l, a0))).toBeLessThan(1e-12);
    }
    for (const l of [150, 200, 1e6, 1e300]) {
      expect(limitDispersionChaotic(l)).toBe(Infinity);
      for (const a0 of [1e-300, 1, 1e7]) expect(limitDispersionEoc(l, a0)).toBe(Infinity);
    }
  });

  it('are 1 at λ = 0 and accurate down to λ = 1e-8 (first-order slopes 11/3 and (11 + 11α₀ + 5α₀²)/(3(1+α₀)²))', () => {
    expect(limitDispersionChaotic(0)).toBe(1);
    expect(limitDispersionEoc(0, 0.3)).toBe(1);
    // chaotic: 2e^{5λ}φ₂(−4λ) = 1 + (11/3)λ + (43/6)λ² + O(λ³)
    for (const l of [1e-8, 1e-6, 1e-4]) {
      expect(Math.abs(limitDispersionChaotic(l) - (1 + (11 / 3) * l + (43 / 6) * l * l))).toBeLessThan(
        20 * l ** 3 + 4e-16,
      );
    }
    for (const a0 of [0.1, 1, 10]) {
      const slope = (11 + 11 * a0 + 5 * a0 * a0) / (3 * (1 + a0) ** 2);
      for (const l of [1e-8, 1e-6])
        expect(Math.abs(limitDispersionEoc(l, a0) - (1 + slope * l))).toBeLessThan(100 * l * l + 4e-16);
    }
    // the printed form has no usable digits there: a check that the rewrite was needed
    expect(Math.abs(printed9(1e-8, 1) - 1)).toBeGreaterThan(1e-3);
  });

  it('EOC → chaotic as α₀ → 0 (Seleznova & Kutyniok 2022, Remark 1), with an O(α₀) gap', () => {
    for (const l of [0.01, 0.3, 1, 1.5]) {
      const chaos = limitDispersionChaotic(l);
      expect(rel(limitDispersionEoc(l, 1e-9), chaos)).toBeLessThan(1e-8);
      const d1 = (limitDispersionEoc(l, 1e-3) - chaos) / 1e-3,
        d2 = (limitDispersionEoc(l, 1e-4) - chaos) / 1e-4;
      expect(Math.abs(d1 - d2)).toBeLessThan(0.01 * Math.abs(d2) + 1e-9);
    }
  });

  it('chaotic and EOC grow with λ; a larger α₀ lowers the EOC curve (Seleznova & Kutyniok 2022, Fig. 5)', () => {
    let prevC = 1,
      prevE = 1;
    for (let l = 0.01; l <= 1.5; l += 0.01) {
      const c = limitDispersionChaotic(l),
        e = limitDispersionEoc(l, 1);
      expect(c).toBeGreaterThan(prevC);
      expect(e).toBeGreaterThan(prevE);
      expect(limitDispersionEoc(l, 2)).toBeLessThan(limitDispersionEoc(l, 0.5));
      expect(limitDispersionEoc(l, 0.1)).toBeLessThan(c);
      prevC = c;
      prevE = e;
    }
  });

  it('dispatches on the phase: ordered → 1, σ_w² = 2 → EOC, σ_w² > 2 → chaotic', () => {
    expect(limitDispersion(1.5, 1.2, 1)).toBe(1);
    expect(limitDispersion(2, 0.7, 0.5)).toBe(limitDispersionEoc(0.7, 0.5));
    expect(limitDispersion(2.5, 0.7, 0.5)).toBe(limitDispersionChaotic(0.7));
    expect(limitDispersion(4, 0, 3)).toBe(1);
  });

  it('is finite on σ_w² ∈ [0.5, 4] × λ ∈ [0, 1.5] and rejects bad input with RangeError', () => {
    for (const s of [0.5, 1, 2, 3, 4])
      for (const l of [0, 1e-12, 0.5, 1.5])
        for (const a0 of [1e-6, 1, 10]) expect(Number.isFinite(limitDispersion(s, l, a0))).toBe(true);
    expect(() => limitDispersion(2, -0.1, 1)).toThrow(/depthToWidth/);
    expect(() => limitDispersion(2, Number.NaN, 1)).toThrow(RangeError);
    expect(() => limitDispersion(2, 0.5, 0)).toThrow(/alpha0/);
    expect(() => limitDispersion(Number.NaN, 0.5, 1)).toThrow(/sigmaW2/);
    expect(() => limitDispersionChaotic(Infinity)).toThrow(RangeError);
    expect(() => limitDispersionEoc(0.5, -1)).toThrow(RangeError);
  });
});
