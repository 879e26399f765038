import { describe, expect, it } from 'vitest';
import { ntkGeneralization } from './ntk-generalization';

const base = { sigmaB2: 0, inputCovariance: 0.3, samples: 100, depth: 30 };

describe('NTK-regime generalization (Seleznova & Kutyniok 2022a, Lemma 2 and Theorem 3)', () => {
  it('ReLU, σ_b = 0, c₀ = 1: κ₁ = κ₂ = a^{L−1}(α₀ + L − 1)/(α₀ + L − 2) with a = σ_w²/2', () => {
    for (const sigmaW2 of [1, 2, 2.5])
      for (const alpha0 of [1, 0.5]) {
        const pts = ntkGeneralization({ ...base, activation: 'relu', sigmaW2, inputCovariance: 1, alpha0 });
        for (const pt of pts) {
          const L = pt.depth;
          const expected = (sigmaW2 / 2) ** (L - 1) * ((alpha0 + L - 1) / (alpha0 + L - 2));
          expect(pt.kappa1 / expected).toBeCloseTo(1, 12);
          expect(pt.kappa2).toBe(pt.kappa1);
          expect(pt.ratio).toBe(1);
          expect(pt.conditionNumber).toBe(Number.POSITIVE_INFINITY);
          // ratio 1 ⇒ A = 1 ⇒ Var = (1 + 1/S)(q^L − q^L_sr) = 0 when the inputs coincide
          expect(pt.A).toBe(1);
          expect(pt.variance).toBe(0);
        }
      }
  });

  it('closed forms (ReLU arc-cosine, erf arcsin) agree with quadrature', () => {
    for (const activation of ['relu', 'erf'])
      for (const [sigmaW2, sigmaB2] of [
        [1.2, 0.1],
        [2, 0.05],
        [3, 0.5],
      ]) {
        const p = { ...base, depth: 12, activation, sigmaW2, sigmaB2 };
        const closed = ntkGeneralization(p);
        const quad = ntkGeneralization({ ...p, forceQuadrature: true });
        closed.forEach((c, i) => {
          expect(quad[i].kappa1 / c.kappa1).toBeCloseTo(1, 7); // quadrature: ≤ 5e-10 per layer (nngp-map.ts)
          expect(quad[i].kappa2 / c.kappa2).toBeCloseTo(1, 7);
          expect(quad[i].variance).toBeCloseTo(c.variance, 6);
        });
      }
  });

  it('erf: κ₁/κ₂ → 1 with depth in the ordered phase, grows with depth in the chaotic phase (Fig. 6)', () => {
    // erf's edge of chaos at σ_b² = 0.05 is σ_w² ≈ 1.376 (thesis digest §1.2)
    const ordered = ntkGeneralization({ ...base, depth: 60, activation: 'erf', sigmaW2: 1, sigmaB2: 0.05 });
    const chaotic = ntkGeneralization({ ...base, depth: 60, activation: 'erf', sigmaW2: 3, sigmaB2: 0.05 });
    const at = (pts: typeof ordered, L: number) => pts.find((p) => p.depth === L)!;
    expect(at(ordered, 60).ratio - 1).toBeLessThan(at(ordered, 5).ratio - 1);
    expect(at(ordered, 60).ratio - 1).toBeLessThan(0.01);
    expect(at(chaotic, 60).ratio).toBeGreaterThan(at(chaotic, 5).ratio);
    expect(at(chaotic, 60).ratio).toBeGreaterThan(1.5);
    // well-conditioned (chaotic) vs ill-conditioned (ordered) on S = 100 samples
    expect(at(chaotic, 60).conditionNumber).toBeLessThan(at(ordered, 60).conditionNumber);
  });

  it('Theorem 3: A = S/(κ₁/κ₂ + S − 1) and the variance formula, non-negative', () => {
    const pts = ntkGeneralization({ ...base, activation: 'erf', sigmaW2: 2, sigmaB2: 0.1 });
    for (const pt of pts) {
      expect(pt.A).toBeCloseTo(100 / (pt.kappa1 / pt.kappa2 + 99), 14);
      const v = (1 + pt.A ** 2 / 100) * (pt.qL - pt.qLsr) + (pt.A - 1) ** 2 * pt.qLsr;
      expect(pt.variance).toBeCloseTo(v, 14);
      expect(pt.variance).toBeGreaterThanOrEqual(0);
      expect(pt.qLsr).toBeLessThanOrEqual(pt.qL);
    }
  });

  it.each([
    [{ sigmaW2: -1 }, /sigmaW2 must be a finite number > 0/],
    [{ sigmaB2: Number.NaN }, /sigmaB2/],
    [{ depth: 1 }, /depth must be an integer in \[2, 10000\]/],
    [{ depth: 2.5 }, /depth/],
    [{ inputCovariance: 1.5 }, /inputCovariance must be in \[0, 1\]/],
    [{ samples: 1 }, /samples/],
    [{ activation: 'nope' }, /unknown activation/],
  ])('rejects %o naming the field', (patch, message) => {
    expect(() => ntkGeneralization({ ...base, activation: 'relu', sigmaW2: 1, ...patch })).toThrow(message);
  });
});
