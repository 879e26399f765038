import { describe, expect, it } from 'vitest';
import { constantMode, symmetricEigen } from './gram';

describe('Gram diagnostics', () => {
  it('equicorrelated Gram a·I + b·11ᵀ: eigenvalues a + Nb (on 1/√N) and a (N − 1 times)', () => {
    const N = 7;
    const g = Float64Array.from({ length: N * N }, (_, k) => (k % (N + 1) === 0 ? 2 + 0.5 : 0.5));
    const cm = constantMode(g, N);
    expect(cm.topEigenvalue).toBeCloseTo(2 + N * 0.5, 12);
    expect(cm.topOverlap).toBeCloseTo(1, 12);
    expect(cm.constantEigenvalue).toBeCloseTo(2 + N * 0.5, 12);
    expect(cm.rayleigh).toBeCloseTo(2 + N * 0.5, 12);
    expect(cm.topOverMean).toBeCloseTo((2 + N * 0.5) / ((2 + N * 0.5 + 2 * (N - 1)) / N), 12);
    for (const s of cm.rowSums) expect(s).toBeCloseTo(2 + N * 0.5, 12);
  });

  it('eigenpairs reconstruct a random symmetric matrix: A v = λ v to 1e-12', () => {
    const N = 9;
    const a = new Float64Array(N * N);
    for (let i = 0; i < N; i++) for (let j = i; j < N; j++) a[i * N + j] = a[j * N + i] = Math.sin(1 + 3 * i + 7 * j);
    const { values, vectors } = symmetricEigen(a, N);
    for (let k = 0; k < N; k++) {
      if (k > 0) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
      for (let i = 0; i < N; i++) {
        let s = 0;
        for (let j = 0; j < N; j++) s += a[i * N + j] * vectors[k * N + j];
        expect(s).toBeCloseTo(values[k] * vectors[k * N + i], 12);
      }
    }
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/^gram: /);
  });
});
