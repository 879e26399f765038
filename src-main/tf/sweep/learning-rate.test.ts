import { describe, expect, it } from 'vitest';
import { kernelRecursion, symmetricEigenvalues } from '../../../src-shared/theory/meanfield';
import { loadSweepData } from './datasets';
import { cellEtaTheory, meanCosine } from './learning-rate';

describe('η_theory of a sweep cell', () => {
  it('ReLU, σ_b² = 0: the diagonal p equals the closed form L·q⁽¹⁾·(σ_w²/2)^{L−1} (depth indexing check)', () => {
    // K⁽ˡ⁾ = q⁽¹⁾(σ_w²/2)^{l−1} and Θ⁽ˡ⁾ = K⁽ˡ⁾ + (σ_w²/2)Θ⁽ˡ⁻¹⁾ on the diagonal (𝒯̇ = ½), Θ⁽¹⁾ = K⁽¹⁾ = σ_w²
    for (const [sigmaW2, L] of [
      [1.2, 1],
      [1.2, 7],
      [3, 12],
    ]) {
      const e = cellEtaTheory({ activation: 'relu', sigmaW2, sigmaB2: 0, depth: L, batchSize: 16, meanCos: 0.3 });
      expect(e.p!).toBeCloseTo(L * sigmaW2 * (sigmaW2 / 2) ** (L - 1), 10);
      expect(e.etaTheory!).toBeCloseTo((2 * 16) / e.lambdaMax!, 12);
    }
  });

  it('the constant-correlation model is within 5 % of λ_max of the full B×B recursion on a real batch', () => {
    const B = 24;
    for (const dataset of ['synthetic', 'mnist'] as const) {
      const d = loadSweepData(dataset, 128, 8, 3);
      const n0 = d.inputDim;
      const x = d.train.x.subarray(0, B * n0);
      for (const [activation, sigmaW2, sigmaB2, L] of [
        ['relu', 2, 0, 8],
        ['erf', 1.76, 0.185, 16],
        ['erf', 4, 0.185, 8],
      ] as const) {
        const gram = new Float64Array(B * B);
        for (let i = 0; i < B; i++) {
          for (let j = 0; j < B; j++) {
            let t = 0;
            for (let p = 0; p < n0; p++) t += x[i * n0 + p] * x[j * n0 + p];
            gram[i * B + j] = (sigmaW2 * t) / n0 + sigmaB2; // K⁽¹⁾ of the NTK parametrization
          }
        }
        const full = kernelRecursion({ activation, sigmaW2, sigmaB2, gram0: gram, m: B, depth: L - 1 });
        const exact = symmetricEigenvalues(full.theta, B)[0];
        const pair = cellEtaTheory({
          activation,
          sigmaW2,
          sigmaB2,
          depth: L,
          batchSize: B,
          meanCos: meanCosine(x, B, n0),
        });
        expect(Math.abs(pair.lambdaMax! / exact - 1), `${dataset} ${activation} σ_w²=${sigmaW2} L=${L}`).toBeLessThan(
          0.05,
        );
      }
    }
  });

  it('meanCosine matches the pairwise average', () => {
    const d = loadSweepData('synthetic', 20, 1, 5);
    const n0 = d.inputDim;
    let sum = 0;
    for (let i = 0; i < 20; i++) {
      for (let j = 0; j < 20; j++) {
        if (i === j) continue;
        let t = 0;
        for (let p = 0; p < n0; p++) t += d.train.x[i * n0 + p] * d.train.x[j * n0 + p];
        sum += t / n0;
      }
    }
    expect(meanCosine(d.train.x, 20, n0)).toBeCloseTo(sum / (20 * 19), 5);
  });

  it('Θ below float64 (ordered phase, σ_b² = 0): no finite η_theory, reported as the reason, never thrown', () => {
    // ReLU, σ_b² = 0: p = L·q⁽¹⁾·(σ_w²/2)^{L−1} (closed form above) = 2·1e−300·5e−301, far below float64's range
    const relu = cellEtaTheory({
      activation: 'relu',
      sigmaW2: 1e-300,
      sigmaB2: 0,
      depth: 2,
      batchSize: 16,
      meanCos: 0.3,
    });
    expect(2 * 1e-300 * (1e-300 / 2)).toBe(0);
    expect(relu.etaTheory).toBeNull();
    expect(relu.failed).toMatch(/λ_max of Θ is 0 .*η_theory = 2B\/λ_max is not finite/);
    // tanh, σ_b² = 0, σ_w² = 1e−12: q⁽ˡ⁾ ≈ σ_w²q⁽ˡ⁻¹⁾ (tanh′(0) = 1), so K⁽ˡ⁾ and Θ⁽ˡ⁾ ≈ l·1e−12ˡ leave float64's
    // range near l = 26: Θ⁽⁵⁰⁾ is 0 or subnormal, where 2B/λ_max overflows
    const tanh = cellEtaTheory({
      activation: 'tanh',
      sigmaW2: 1e-12,
      sigmaB2: 0,
      depth: 50,
      batchSize: 8,
      meanCos: 0.1,
    });
    expect(tanh.etaTheory).toBeNull();
    expect(tanh.failed).toMatch(/Θ vanishes below float64's range at depth 50/);
    // the same activations at σ_w² = 1 have a finite η_theory
    expect(
      cellEtaTheory({ activation: 'relu', sigmaW2: 1, sigmaB2: 0, depth: 2, batchSize: 16, meanCos: 0.3 }),
    ).toMatchObject({ failed: null });
  });

  it('bad input is a RangeError', () => {
    const ok = { activation: 'erf', sigmaW2: 1, sigmaB2: 0.1, depth: 3, batchSize: 8, meanCos: 0.1 };
    expect(() => cellEtaTheory({ ...ok, depth: 0 })).toThrow(RangeError);
    expect(() => cellEtaTheory({ ...ok, meanCos: Number.NaN })).toThrow(RangeError);
    expect(() => cellEtaTheory({ ...ok, sigmaW2: -1 })).toThrow(RangeError);
    expect(() => cellEtaTheory({ ...ok, activation: 'nope' })).toThrow(RangeError);
  });
});
