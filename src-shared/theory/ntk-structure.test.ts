import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { classSortedOrder, ntkStructure, permuteKernel } from './ntk-structure';

// Hand-built kernel: classes of sizes 2, 3, 2 (unequal, so the per-class normalizations of eq. 23 matter).
// Diagonal 1..7; same-class off-diagonal c₀ = 0.5, c₁ = 0.2, c₂ = −0.1; cross-class n₀₁ = 0.3, n₀₂ = 0.1, n₁₂ = −0.2.
const labels = [0, 0, 1, 1, 1, 2, 2];
const same = [0.5, 0.2, -0.1];
const cross: Record<string, number> = { '0,1': 0.3, '1,0': 0.3, '0,2': 0.1, '2,0': 0.1, '1,2': -0.2, '2,1': -0.2 };
function handKernel(lab: number[]): number[] {
  const k = lab.length;
  const K: number[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (i === j) K.push([1, 2, 3, 4, 5, 6, 7][i]);
      else if (lab[i] === lab[j]) K.push(same[lab[i]]);
      else K.push(cross[`${lab[i]},${lab[j]}`]);
    }
  }
  return K;
}

describe('ntkStructure (Seleznova & Kutyniok 2022, eq. 23)', () => {
  it('matches the definition computed by hand', () => {
    const s = ntkStructure(handKernel(labels), labels);
    expect(s.classes).toBe(3);
    expect(s.thetaD).toBeCloseTo(28 / 7, 14);
    // Θc: mean over classes of the same-class off-diagonal means = (0.5 + 0.2 − 0.1)/3
    expect(s.thetaC).toBeCloseTo(0.6 / 3, 14);
    // Θn: class 0 → (3·0.3 + 2·0.1)/5 = 0.22; class 1 → (2·0.3 + 2·(−0.2))/4 = 0.05; class 2 → (2·0.1 + 3·(−0.2))/5 =
    // −0.08
    expect(s.thetaN).toBeCloseTo((0.22 + 0.05 - 0.08) / 3, 14);
  });

  it('does not depend on the order of the samples', () => {
    const perm = [4, 0, 6, 2, 5, 1, 3];
    const lab = perm.map((p) => labels[p]);
    const K0 = handKernel(labels);
    const K = perm.flatMap((pi) => perm.map((pj) => K0[pi * 7 + pj]));
    const a = ntkStructure(K0, labels);
    const b = ntkStructure(K, lab);
    expect(b.thetaD).toBeCloseTo(a.thetaD, 14);
    expect(b.thetaC).toBeCloseTo(a.thetaC, 14);
    expect(b.thetaN).toBeCloseTo(a.thetaN, 14);
  });

  it('Θc and Θn lie within ±Θd for PSD kernels with equal class sizes (Cauchy–Schwarz + AM–GM)', () => {
    const rng = new Rng(11);
    const k = 30;
    const lab = Array.from({ length: k }, (_, i) => i % 5);
    for (let trial = 0; trial < 20; trial++) {
      // Gram matrix of 4-dim features: PSD with strong off-diagonal structure
      const f = new Float64Array(k * 4);
      rng.fillNormal(f);
      for (let i = 0; i < k; i++) f[i * 4] += 3 * lab[i] - 6;
      const K = new Float64Array(k * k);
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++) for (let d = 0; d < 4; d++) K[i * k + j] += f[i * 4 + d] * f[j * 4 + d];
      const s = ntkStructure(K, lab);
      expect(Math.abs(s.thetaC)).toBeLessThanOrEqual(s.thetaD * (1 + 1e-12));
      expect(Math.abs(s.thetaN)).toBeLessThanOrEqual(s.thetaD * (1 + 1e-12));
    }
  });

  it('rejects bad input with readable errors', () => {
    expect(() => ntkStructure([1, 0, 0], [0, 1])).toThrow(/expected 2×2/);
    expect(() => ntkStructure([1, 0, 0, 1], [0, 0])).toThrow(/two classes/);
    expect(() => ntkStructure(handKernel([0, 0, 1]), [0, 0, 1])).toThrow(/class 1 has one sample/);
    const K = handKernel(labels);
    K[3] = Number.NaN;
    expect(() => ntkStructure(K, labels)).toThrow(RangeError);
    expect(() => ntkStructure(handKernel(labels), [0, 0, 1, 1, 1, 2, 2.5])).toThrow(/integer/);
  });
});

describe('class-sorted heat map order', () => {
  it('sorts by class, stably, and permutes the kernel accordingly', () => {
    const lab = [2, 0, 1, 0, 2, 1];
    const order = classSortedOrder(lab);
    expect(order).toEqual([1, 3, 2, 5, 0, 4]);
    const K = Array.from({ length: 36 }, (_, i) => i);
    const P = permuteKernel(K, order);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(P[i * 6 + j]).toBe(K[order[i] * 6 + order[j]]);
  });
});
