import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { denseCost, sampleDense } from './dense';
import { meanAndStderr } from './mean-stderr.test-util';

/** A tiny network drawn in sampleDense's order: per layer l = 1..L, W_l row-major (N(0, σ_w²/n_{l−1})), then b_l. */
function drawNetwork(sigmaW2: number, sigmaB2: number, widths: number[], rng: Rng) {
  const L = widths.length;
  const W: number[][][] = [],
    b: number[][] = [];
  for (let l = 1; l <= L; l++) {
    const nIn = widths[l - 1],
      nOut = l < L ? widths[l] : 1;
    const sd = Math.sqrt(sigmaW2 / nIn);
    W[l] = Array.from({ length: nOut }, () => Array.from({ length: nIn }, () => rng.normal() * sd));
    b[l] =
      sigmaB2 > 0
        ? Array.from({ length: nOut }, () => rng.normal() * Math.sqrt(sigmaB2))
        : new Array<number>(nOut).fill(0);
  }
  return { W, b, L };
}

/** f(x) of Seleznova & Kutyniok 2022, eq. (3): ReLU hidden layers, linear scalar output. */
function forward(net: ReturnType<typeof drawNetwork>, x: number[]): number {
  let a = x;
  for (let l = 1; l <= net.L; l++) {
    const h = net.W[l].map((row, i) => row.reduce((s, w, j) => s + w * a[j], net.b[l][i]));
    a = l < net.L ? h.map((v) => Math.max(0, v)) : h;
  }
  return a[0];
}

/** Θ(x, y) = Σ_p ∂f(x)/∂p · ∂f(y)/∂p over all weights and biases, by central finite differences (no backprop). */
function finiteDifferenceNtk(net: ReturnType<typeof drawNetwork>, x: number[], y: number[]): number {
  const eps = 1e-6;
  let total = 0;
  const params: Array<[number[], number]> = [];
  for (let l = 1; l <= net.L; l++) {
    for (const row of net.W[l]) for (let j = 0; j < row.length; j++) params.push([row, j]);
    for (let i = 0; i < net.b[l].length; i++) params.push([net.b[l], i]);
  }
  for (const [arr, j] of params) {
    const keep = arr[j];
    arr[j] = keep + eps;
    const fxp = forward(net, x),
      fyp = forward(net, y);
    arr[j] = keep - eps;
    const fxm = forward(net, x),
      fym = forward(net, y);
    arr[j] = keep;
    total += ((fxp - fxm) / (2 * eps)) * ((fyp - fym) / (2 * eps));
  }
  return total;
}

describe('sampleDense', () => {
  for (const [sigmaB2, pairCos] of [
    [0, 0.4],
    [0.3, -0.7],
  ]) {
    it(`backprop NTK equals the finite-difference NTK of the same network (σ_b² = ${sigmaB2}, ⟨x, x̃⟩ = ${pairCos})`, () => {
      const widths = [3, 5, 4, 3];
      const c = pairCos;
      const x = [1, 0, 0],
        y = [c, Math.sqrt(1 - c * c), 0];
      for (let seed = 0; seed < 5; seed++) {
        const r = sampleDense({ sigmaW2: 2, sigmaB2, widths, pairCos: c }, 1, new Rng(50 + seed));
        const net = drawNetwork(2, sigmaB2, widths, new Rng(50 + seed));
        const check = (got: number, want: number) =>
          expect(Math.abs(got - want)).toBeLessThan(1e-6 * (1 + Math.abs(want)));
        check(r.theta[0], finiteDifferenceNtk(net, x, x));
        check(r.thetaTilde![0], finiteDifferenceNtk(net, y, y));
        check(r.thetaOff![0], finiteDifferenceNtk(net, x, y));
      }
    });
  }

  it('mean of Θ(x, x) matches Seleznova & Kutyniok 2022, eqs. (11)–(12) within 4 SE (σ_w² = 2.5, M = 8, L = 4, n₀ = 4)', () => {
    const widths = [4, 8, 8, 8];
    const theta = sampleDense({ sigmaW2: 2.5, sigmaB2: 0, widths }, 20_000, new Rng(51)).theta;
    const a = 1.25,
      L = 4;
    let wSum = 0,
      bias = 0;
    for (let l = 1; l <= L; l++) {
      wSum += widths[l - 1] / widths[0];
      bias += a ** (L - l);
    }
    const { mean, se } = meanAndStderr(theta);
    expect(Math.abs(mean - (a ** (L - 1) * wSum + bias))).toBeLessThan(4 * se);
  });

  it('with pairCos: Θ(x̃, x̃) has the same mean as Θ(x, x) (rotation invariance), and pairCos = 1 gives three equal values', () => {
    const widths = [6, 10, 10];
    const r = sampleDense({ sigmaW2: 2, sigmaB2: 0.2, widths, pairCos: 0.3 }, 10_000, new Rng(52));
    const d = meanAndStderr(r.theta),
      t = meanAndStderr(r.thetaTilde!);
    expect(Math.abs(d.mean - t.mean)).toBeLessThan(4 * Math.hypot(d.se, t.se));
    const same = sampleDense({ sigmaW2: 2, sigmaB2: 0.2, widths, pairCos: 1 }, 20, new Rng(53));
    expect(Array.from(same.thetaOff!)).toEqual(Array.from(same.theta));
    expect(Array.from(same.thetaTilde!)).toEqual(Array.from(same.theta));
  });

  it('denseCost counts weights and activations', () => {
    const c = denseCost([10, 20, 30]); // weights 10·20 + 20·30 + 30·1 = 830, units 20 + 30 + 1 = 51
    expect(c.bytes).toBe(8 * (830 + 51 + 10 + 3 * 51));
    expect(c.flopsPerNetwork).toBeGreaterThan(4 * 830);
    expect(denseCost([10, 20, 30], 2).flopsPerNetwork - c.flopsPerNetwork).toBe(4 * 830);
  });

  it('refuses bad input with RangeError', () => {
    const rng = new Rng(1);
    expect(() => sampleDense({ sigmaW2: Number.NaN, sigmaB2: 0, widths: [2, 2] }, 1, rng)).toThrow(RangeError);
    expect(() => sampleDense({ sigmaW2: 2, sigmaB2: -1, widths: [2, 2] }, 1, rng)).toThrow(RangeError);
    expect(() => sampleDense({ sigmaW2: 2, sigmaB2: 0, widths: [2, 0] }, 1, rng)).toThrow(RangeError);
    expect(() => sampleDense({ sigmaW2: 2, sigmaB2: 0, widths: [] }, 1, rng)).toThrow(RangeError);
    expect(() => sampleDense({ sigmaW2: 2, sigmaB2: 0, widths: [2, 2], pairCos: 1.5 }, 1, rng)).toThrow(RangeError);
    expect(() => sampleDense({ sigmaW2: 2, sigmaB2: 0, widths: [1, 2], pairCos: 0.5 }, 1, rng)).toThrow(RangeError);
    expect(() => sampleDense({ sigmaW2: 2, sigmaB2: 0, widths: [2, 2] }, -1, rng)).toThrow(RangeError);
    expect(() => denseCost([3, -1])).toThrow(RangeError);
  });
});
