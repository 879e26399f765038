import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { ksCritical, ksTwoSample } from '../../src-shared/stats/goodness-of-fit';
import { dispersionEstimate } from '../../src-shared/stats/ratio-estimator';
import { sampleDense } from './dense';
import { EXACT_KERNEL, logMeanTheta, sampleExactDiagonal, sampleExactDiagonalScaled } from './exact-diagonal';
import { wasmKernels } from './wasm/kernels';
import { meanAndStderr } from './mean-stderr.test-util';

function constantWidths(depth: number, width: number, inputDim: number): number[] {
  return [inputDim, ...new Array<number>(depth - 1).fill(width)];
}

/**
 * Seleznova & Kutyniok 2022, eqs. (11)–(12) for constant width M and ‖x⁰‖ = 1: E[Θ] = a^{L−1}(1 + (M/n₀)(L−1)) +
 * Σ_{l=1}^{L} a^{L−l}.
 */
function meanThetaConstantWidth(sigmaW2: number, depth: number, width: number, inputDim: number): number {
  const a = sigmaW2 / 2;
  let bias = 0;
  for (let l = 1; l <= depth; l++) bias += a ** (depth - l);
  return a ** (depth - 1) * (1 + (width / inputDim) * (depth - 1)) + bias;
}

describe('sampleExactDiagonal', () => {
  it('logMeanTheta is the closed form of eqs. (11)–(12)', () => {
    for (const [s2, L, M, n0] of [
      [1.5, 50, 10_000, 5000],
      [2, 30, 100, 300],
      [2.5, 7, 64, 32],
      [1, 1, 10, 10],
    ]) {
      const exact = meanThetaConstantWidth(s2, L, M, n0);
      expect(Math.abs(Math.exp(logMeanTheta(s2, constantWidths(L, M, n0))) / exact - 1)).toBeLessThan(1e-12);
    }
  });

  for (const sigmaW2 of [1.5, 2, 2.5]) {
    it(`mean matches eqs. (11)–(12) within 4 SE at M = 10⁴, L = 50, n₀ = M/2 (σ_w² = ${sigmaW2})`, () => {
      const widths = constantWidths(50, 10_000, 5000);
      const theta = sampleExactDiagonal(sigmaW2, widths, 20_000, new Rng(31, Math.round(sigmaW2 * 10)));
      const { mean, se } = meanAndStderr(theta);
      const expected = meanThetaConstantWidth(sigmaW2, 50, 10_000, 5000);
      expect(Math.abs(mean - expected)).toBeLessThan(4 * se);
      expect(se / expected).toBeLessThan(0.01); // the test resolves the mean to better than 1 %
    });
  }

  it('mean matches eq. (11)–(12) for varying widths (Σ n_{l−1}/n₀ term) within 4 SE', () => {
    const widths = [20, 50, 80, 30, 100, 60];
    const theta = sampleExactDiagonal(1.8, widths, 200_000, new Rng(32));
    const { mean, se } = meanAndStderr(theta);
    const a = 0.9,
      L = widths.length;
    let wSum = 0,
      bias = 0;
    for (let l = 1; l <= L; l++) {
      wSum += widths[l - 1] / widths[0];
      bias += a ** (L - l);
    }
    expect(Math.abs(mean - (a ** (L - 1) * wSum + bias))).toBeLessThan(4 * se);
  });

  // The dense reference materializes every weight; two-sample KS (α = 0.001) plus means within 4 combined SE.
  // λ = L/M ≤ ½ keeps the tails light enough for the SE to be trustworthy (THEORY.md, heavy tails).
  const phases: Array<[string, number, number, number, number, number]> = [
    // [phase, σ_w², M, L, n₀, dense networks]
    ['ordered', 1.5, 32, 16, 8, 1000],
    ['edge of chaos', 2, 16, 8, 16, 3000],
    ['chaotic', 2.5, 64, 8, 32, 600],
  ];
  for (const [phase, sigmaW2, M, L, n0, nDense] of phases) {
    it(`agrees in distribution with the dense reference, ${phase} (σ_w² = ${sigmaW2}, M = ${M}, L = ${L}, n₀ = ${n0})`, () => {
      const widths = constantWidths(L, M, n0);
      const exact = sampleExactDiagonal(sigmaW2, widths, 20_000, new Rng(33, L));
      const dense = sampleDense({ sigmaW2, sigmaB2: 0, widths }, nDense, new Rng(34, L)).theta;
      expect(ksTwoSample(exact, dense)).toBeLessThan(ksCritical(exact.length, dense.length, 0.001));
      const e = meanAndStderr(exact),
        d = meanAndStderr(dense);
      expect(Math.abs(e.mean - d.mean)).toBeLessThan(4 * Math.hypot(e.se, d.se));
    });
  }

  it('handles dead layers (K_l = 0) at tiny widths: Θ = 1 exactly with probability 1 − Π(1 − 2^{−n_l}), as dense', () => {
    for (const [M, L] of [
      [1, 5],
      [2, 6],
    ]) {
      const widths = constantWidths(L, M, M);
      const N = 40_000;
      const exact = sampleExactDiagonal(2, widths, N, new Rng(35, M));
      const dense = sampleDense({ sigmaW2: 2, sigmaB2: 0, widths }, 4000, new Rng(36, M)).theta;
      const pDead = 1 - (1 - 2 ** -M) ** (L - 1);
      let ones = 0,
        belowOne = 0;
      for (const v of exact) {
        if (!(v >= 1)) belowOne++; // Θ ≥ ‖δ_L‖²·1 = 1 (also catches NaN)
        if (v === 1) ones++;
      }
      expect(belowOne).toBe(0);
      expect(Math.abs(ones / N - pDead)).toBeLessThan(4 * Math.sqrt((pDead * (1 - pDead)) / N));
      let denseOnes = 0;
      for (const v of dense) if (Math.abs(v - 1) < 1e-12) denseOnes++;
      expect(Math.abs(denseOnes / dense.length - pDead)).toBeLessThan(
        4 * Math.sqrt((pDead * (1 - pDead)) / dense.length),
      );
      expect(ksTwoSample(exact, dense)).toBeLessThan(ksCritical(exact.length, dense.length, 0.001));
    }
  });

  it('ordered phase at small λ: dispersion → 1 (σ_w² = 1, M = 1000, L = 10)', () => {
    const theta = sampleExactDiagonal(1, constantWidths(10, 1000, 1000), 20_000, new Rng(37));
    const r = dispersionEstimate(theta);
    // Θ_b ≈ Σ a^{L−l} dominates and fluctuates by O(1/√M) per layer: E[Θ²]/E[Θ]² − 1 = O(1/M)
    expect(r).toBeGreaterThan(1);
    expect(r).toBeLessThan(1.01);
  });

  it('L = 1 (no hidden layer): Θ = ‖δ_1‖²(‖x⁰‖² + 1) = 2 exactly', () => {
    const theta = sampleExactDiagonal(1.3, [7], 10, new Rng(38));
    expect(Array.from(theta)).toEqual(new Array(10).fill(2));
  });

  it('stays finite deep: σ_w² = 1, L = 2000, M = 100 (Θ → 1/(1 − a) = 2), mean within 4 SE of eqs. (11)–(12)', () => {
    const widths = constantWidths(2000, 100, 100);
    const theta = sampleExactDiagonal(1, widths, 500, new Rng(39));
    const { mean, se } = meanAndStderr(theta);
    expect(theta.every(Number.isFinite)).toBe(true);
    expect(Math.abs(mean - Math.exp(logMeanTheta(1, widths)))).toBeLessThan(4 * se);
  });

  it('beyond float64 (σ_w² = 4, L = 2000: E[Θ] ≈ 1e605) refuses in natural units and samples Θ/E[Θ] with a log offset', () => {
    const widths = constantWidths(2000, 100_000, 100_000);
    expect(() => sampleExactDiagonal(4, widths, 10, new Rng(40))).toThrow(RangeError);
    const { theta, logScale } = sampleExactDiagonalScaled(4, widths, 1000, new Rng(40));
    expect(logScale / Math.LN10).toBeGreaterThan(600);
    expect(theta.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    const { mean, se } = meanAndStderr(theta);
    expect(Math.abs(mean - 1)).toBeLessThan(4 * se); // E[Θ/E[Θ]] = 1
  });

  it('is deterministic per (seed, stream) and fills `out` in place', () => {
    const widths = constantWidths(20, 50, 50);
    const a = sampleExactDiagonal(2, widths, 100, new Rng(41, 3));
    const out = new Float64Array(120);
    const b = sampleExactDiagonal(2, widths, 100, new Rng(41, 3), out);
    expect(b).toBe(out);
    expect(Array.from(out.subarray(0, 100))).toEqual(Array.from(a));
    const c = sampleExactDiagonal(2, widths, 100, new Rng(41, 4));
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  // The fused kernels (RNG state in locals, draws inlined; in JavaScript and in WebAssembly) must make exactly the
  // plain passes' draws: any wrongly taken fast or slow path (ziggurat edge, Marsaglia–Tsang log test, ~3 % of
  // draws) desynchronizes the stream and shows.
  const withKernel = <T>(kernel: { fused: boolean; wasm: boolean }, f: () => T): T => {
    try {
      Object.assign(EXACT_KERNEL, kernel);
      return f();
    } finally {
      Object.assign(EXACT_KERNEL, { fused: true, wasm: true });
    }
  };
  for (const [sigmaW2, widths] of [
    [2, constantWidths(60, 200, 200)],
    [1.5, [300, 100, 2000, 65, 100, 40_000, 100]],
    [2.6, constantWidths(30, 1000, 500)],
  ] as Array<[number, number[]]>) {
    it(`fused kernels (JavaScript, WebAssembly) are bit-identical to the plain per-layer passes (σ_w² = ${sigmaW2}, widths ${widths.length > 8 ? `${widths[1]} × ${widths.length - 1}` : widths.join(', ')})`, () => {
      expect(wasmKernels()).not.toBeNull();
      const rngs = [0, 1, 2].map(() => new Rng(42, widths.length));
      const plain = withKernel(
        { fused: false, wasm: false },
        () => sampleExactDiagonalScaled(sigmaW2, widths, 4000, rngs[0]).theta,
      );
      const fusedJs = withKernel(
        { fused: true, wasm: false },
        () => sampleExactDiagonalScaled(sigmaW2, widths, 4000, rngs[1]).theta,
      );
      const fusedWasm = withKernel(
        { fused: true, wasm: true },
        () => sampleExactDiagonalScaled(sigmaW2, widths, 4000, rngs[2]).theta,
      );
      for (const fused of [fusedJs, fusedWasm]) {
        let mismatches = 0;
        for (let i = 0; i < plain.length; i++) if (plain[i] !== fused[i]) mismatches++;
        expect(mismatches).toBe(0);
      }
      const next = rngs.map((r) => r.nextU32());
      expect(next[1]).toBe(next[0]); // and all consumed exactly the same words
      expect(next[2]).toBe(next[0]);
    });
  }

  it('refuses bad input with RangeError', () => {
    const rng = new Rng(1);
    expect(() => sampleExactDiagonal(Number.NaN, [10, 10], 5, rng)).toThrow(RangeError);
    expect(() => sampleExactDiagonal(-1, [10, 10], 5, rng)).toThrow(RangeError);
    expect(() => sampleExactDiagonal(0, [10, 10], 5, rng)).toThrow(RangeError);
    expect(() => sampleExactDiagonal(2, [], 5, rng)).toThrow(RangeError);
    expect(() => sampleExactDiagonal(2, [10, 0], 5, rng)).toThrow(RangeError);
    expect(() => sampleExactDiagonal(2, [10, 2.5], 5, rng)).toThrow(RangeError);
    expect(() => sampleExactDiagonal(2, [10, 2 ** 31], 5, rng)).toThrow(RangeError);
    expect(() => sampleExactDiagonal(2, [10, 10], -1, rng)).toThrow(RangeError);
    expect(() => sampleExactDiagonal(2, [10, 10], 1.5, rng)).toThrow(RangeError);
    expect(() => sampleExactDiagonal(2, [10, 10], 5, rng, new Float64Array(4))).toThrow(RangeError);
  });
});
