import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { ksCritical, ksTwoSample } from '../../src-shared/stats/goodness-of-fit';
import { activationFor, type SamplerActivationName } from '../../src-shared/network/activations';
import { sampleDense } from './dense';
import { sampleExactDiagonal } from './exact-diagonal';
import { LazyNtkSampler, sampleLazyGaussian } from './lazy-gaussian';
import { meanAndStderr } from './mean-stderr.test-util';

function expectSameDistribution(lazy: ArrayLike<number>, ref: ArrayLike<number>) {
  const l = meanAndStderr(lazy),
    r = meanAndStderr(ref);
  expect(Math.abs(l.mean - r.mean)).toBeLessThan(4 * Math.hypot(l.se, r.se));
  expect(ksTwoSample(lazy, ref)).toBeLessThan(ksCritical(lazy.length, ref.length, 0.001));
}

/**
 * Materialized-weights reference for any φ and any inputs (rows of xs, each of length n₀): returns per network the
 * k×k NTK Gram Θ_ab = Σ_l Σ_ij ∂f(x_a)/∂W_ij ∂f(x_b)/∂W_ij + Σ_i ∂f(x_a)/∂b_i ∂f(x_b)/∂b_i, summed parameter by
 * parameter.
 */
function denseReference(
  sigmaW2: number,
  sigmaB2: number,
  widths: number[],
  act: SamplerActivationName,
  xs: number[][],
  n: number,
  rng: Rng,
): Float64Array[] {
  const { phi, dphi } = activationFor('samplers', act);
  const L = widths.length,
    k = xs.length,
    dims = [...widths, 1];
  const out: Float64Array[] = [];
  for (let t = 0; t < n; t++) {
    const W: Float64Array[] = [new Float64Array(0)],
      b: Float64Array[] = [new Float64Array(0)];
    for (let l = 1; l <= L; l++) {
      const w = new Float64Array(dims[l] * dims[l - 1]);
      rng.fillNormal(w, Math.sqrt(sigmaW2 / dims[l - 1]));
      W.push(w);
      const bl = new Float64Array(dims[l]);
      rng.fillNormal(bl, Math.sqrt(sigmaB2));
      b.push(bl);
    }
    const X: Float64Array[][] = [],
      D: Float64Array[][] = [];
    for (const x0 of xs) {
      const xl: Float64Array[] = [Float64Array.from(x0)],
        hl: Float64Array[] = [new Float64Array(0)];
      for (let l = 1; l <= L; l++) {
        const h = new Float64Array(dims[l]);
        for (let i = 0; i < dims[l]; i++) {
          let s = b[l][i];
          for (let j = 0; j < dims[l - 1]; j++) s += W[l][i * dims[l - 1] + j] * xl[l - 1][j];
          h[i] = s;
        }
        hl.push(h);
        xl.push(h.map(phi));
      }
      const dl: Float64Array[] = new Array(L + 1);
      dl[L] = new Float64Array([1]);
      for (let l = L - 1; l >= 1; l--) {
        const d = new Float64Array(dims[l]);
        for (let j = 0; j < dims[l]; j++) {
          let s = 0;
          for (let i = 0; i < dims[l + 1]; i++) s += W[l + 1][i * dims[l] + j] * dl[l + 1][i];
          d[j] = dphi(hl[l][j]) * s;
        }
        dl[l] = d;
      }
      X.push(xl);
      D.push(dl);
    }
    const G = new Float64Array(k * k);
    for (let a = 0; a < k; a++)
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let l = 1; l <= L; l++)
          for (let i = 0; i < dims[l]; i++) {
            const dd = D[a][l][i] * D[c][l][i];
            s += dd; // bias b_l,i
            for (let j = 0; j < dims[l - 1]; j++) s += dd * X[a][l - 1][j] * X[c][l - 1][j]; // weight W_l,ij
          }
        G[a * k + c] = s;
      }
    out.push(G);
  }
  return out;
}

const column = (grams: Float64Array[], idx: number) => Float64Array.from(grams, (g) => g[idx]);

describe('sampleLazyGaussian vs independent samplers', () => {
  it('ReLU, σ_b = 0: Θ(x, x) has the distribution of the exact O(L) diagonal sampler', () => {
    const cases = [
      { sigmaW2: 2, widths: [30, ...Array(9).fill(30)] },
      { sigmaW2: 1.5, widths: [10, ...Array(5).fill(20)] },
      { sigmaW2: 2.5, widths: [48, ...Array(7).fill(24)] },
    ];
    cases.forEach(({ sigmaW2, widths }, c) => {
      const lazy = sampleLazyGaussian({ sigmaW2, sigmaB2: 0, widths }, 2000, new Rng(101, c)).theta;
      const exact = sampleExactDiagonal(sigmaW2, widths, 4000, new Rng(202, c));
      expectSameDistribution(lazy, exact);
    });
  });

  it('ReLU pairs (pairCos 0.5): Θ, Θ̃ and Θ(x, x̃) match the dense materialized-weights sampler, incl. σ_b² = 0.1', () => {
    const cases = [
      { sigmaW2: 2, sigmaB2: 0, widths: [24, 32, 32, 32] },
      { sigmaW2: 1.8, sigmaB2: 0.1, widths: [16, ...Array(7).fill(24)] },
      { sigmaW2: 2.2, sigmaB2: 0.1, widths: Array(16).fill(16) },
      { sigmaW2: 2, sigmaB2: 0.1, widths: [40, ...Array(5).fill(48)] },
    ];
    cases.forEach((net, c) => {
      const spec = { ...net, pairCos: 0.5 };
      const lazy = sampleLazyGaussian(spec, 1500, new Rng(303, c));
      const dense = sampleDense(spec, c === 3 ? 400 : 700, new Rng(404, c));
      expectSameDistribution(lazy.theta, dense.theta);
      expectSameDistribution(lazy.thetaTilde!, dense.thetaTilde!);
      expectSameDistribution(lazy.thetaOff!, dense.thetaOff!);
    });
  });

  it('tanh and gelu with biases, three inputs at once (LazyNtkSampler): every Gram entry matches a dense network', () => {
    // inputs in R^{n₀}: unit x₁, x₂ with ⟨x₁,x₂⟩ = 0.3, and x₃ of norm √2 with ⟨x₁,x₃⟩ = −0.5, ⟨x₂,x₃⟩ = 0.8
    const n0 = 12;
    const xs = [new Array(n0).fill(0), new Array(n0).fill(0), new Array(n0).fill(0)];
    xs[0][0] = 1;
    xs[1][0] = 0.3;
    xs[1][1] = Math.sqrt(1 - 0.09);
    xs[2][0] = -0.5;
    xs[2][1] = (0.8 - 0.3 * -0.5) / xs[1][1];
    xs[2][2] = Math.sqrt(2 - xs[2][0] ** 2 - xs[2][1] ** 2);
    const gram = xs.flatMap((a) => xs.map((b) => a.reduce((s, ai, i) => s + ai * b[i], 0)));
    const cases: { act: SamplerActivationName; sigmaW2: number; sigmaB2: number; widths: number[] }[] = [
      { act: 'tanh', sigmaW2: 1.5, sigmaB2: 0.1, widths: [n0, 20, 20, 20, 20] },
      { act: 'gelu', sigmaW2: 2.5, sigmaB2: 0.05, widths: [n0, 16, 16, 16] },
    ];
    cases.forEach(({ act, sigmaW2, sigmaB2, widths }, c) => {
      const sampler = new LazyNtkSampler({ sigmaW2, sigmaB2, widths, activation: act }, gram);
      const rng = new Rng(505, c);
      const lazy = Array.from({ length: 1500 }, () => sampler.sample(rng));
      const dense = denseReference(sigmaW2, sigmaB2, widths, act, xs, 600, new Rng(606, c));
      for (const idx of [0, 1, 2, 4, 5, 8]) expectSameDistribution(column(lazy, idx), column(dense, idx));
    });
  });
});

describe('sampleLazyGaussian vs theory (Seleznova & Kutyniok 2022, ReLU, σ_b = 0)', () => {
  // E[Θ(x, x)] = a^{L−1}(1 + (M/n₀)(L−1)) + Σ_{l=1}^{L} a^{L−l}, constant width M, n₀ inputs (eqs. 11–12)
  const meanTheta = (sigmaW2: number, L: number, M: number, n0: number) => {
    const a = sigmaW2 / 2;
    let bias = 0;
    for (let l = 1; l <= L; l++) bias += a ** (L - l);
    return a ** (L - 1) * (1 + (M / n0) * (L - 1)) + bias;
  };

  it('mean of Θ(x, x) matches eqs. (11)–(12) within 4 SE across phases and input dimensions', () => {
    const cases = [
      { sigmaW2: 2, L: 10, M: 64, n0: 64 },
      { sigmaW2: 1.2, L: 12, M: 50, n0: 25 }, // α₀ = 1/2
      { sigmaW2: 2.6, L: 6, M: 40, n0: 120 }, // α₀ = 3
      { sigmaW2: 2, L: 2, M: 10, n0: 3 },
    ];
    cases.forEach(({ sigmaW2, L, M, n0 }, c) => {
      const { theta } = sampleLazyGaussian(
        { sigmaW2, sigmaB2: 0, widths: [n0, ...Array(L - 1).fill(M)] },
        3000,
        new Rng(707, c),
      );
      const { mean, se } = meanAndStderr(theta);
      expect(Math.abs(mean - meanTheta(sigmaW2, L, M, n0))).toBeLessThan(4 * se);
    });
  });

  it('off-diagonal mean ratio E[Θ(x, x̃)]/E[Θ(x, x)] lies in [1/4, 1] at large width (Thm 3.3, eq. 16)', () => {
    for (const [c, sigmaW2, pairCos] of [
      [0, 1.5, 0],
      [1, 2, 0],
      [2, 2.5, 0],
      [3, 2, 0.5],
    ]) {
      const { theta, thetaTilde, thetaOff } = sampleLazyGaussian(
        { sigmaW2, sigmaB2: 0, widths: Array(8).fill(200), pairCos },
        300,
        new Rng(808, c),
      );
      const diag = meanAndStderr([...theta, ...thetaTilde!]).mean,
        off = meanAndStderr(thetaOff!);
      const ratio = off.mean / diag;
      expect(ratio - 4 * (off.se / diag)).toBeGreaterThan(0.25);
      expect(ratio + 4 * (off.se / diag)).toBeLessThan(1);
    }
  });
});

describe('sampleLazyGaussian: exact identities and input handling', () => {
  const dot = (u: ArrayLike<number>, v: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < u.length; i++) s += u[i] * v[i];
    return s;
  };

  // The backward pass must use the same matrices as the forward pass, conditioned on the products W·x already drawn.
  // These identities hold network by network only if it does (independent backward weights break them).
  it('ReLU, σ_b = 0: ⟨h_l, δ_l⟩ = f at every layer and for every input (positive homogeneity)', () => {
    const widths = [10, 16, 16, 16, 16, 16];
    const sampler = new LazyNtkSampler({ sigmaW2: 2, sigmaB2: 0, widths }, [1, 0.3, 0.3, 1]);
    const rng = new Rng(31);
    for (let t = 0; t < 20; t++) {
      sampler.sample(rng);
      for (let a = 0; a < 2; a++)
        for (let l = 1; l < widths.length; l++) {
          const { h, delta } = sampler.layer(l, a);
          const scale = Math.sqrt(dot(h, h) * dot(delta, delta));
          expect(Math.abs(dot(h, delta) - sampler.outputs[a])).toBeLessThanOrEqual(1e-12 * scale * h.length);
        }
    }
  });

  it('tanh, σ_b = 0: ⟨φ(h_l), W_{l+1}ᵀδ_{l+1}⟩ = ⟨h_{l+1}, δ_{l+1}⟩ (= f at the top), with W_{l+1}ᵀδ_{l+1} = δ_l/φ′(h_l)', () => {
    const widths = [6, 12, 12, 12, 12];
    const L = widths.length,
      { phi, dphi } = activationFor('samplers', 'tanh');
    const sampler = new LazyNtkSampler({ sigmaW2: 1.5, sigmaB2: 0, widths, activation: 'tanh' }, [1, -0.4, -0.4, 1]);
    const rng = new Rng(32);
    for (let t = 0; t < 20; t++) {
      sampler.sample(rng);
      for (let a = 0; a < 2; a++)
        for (let l = 1; l < L; l++) {
          const { h, delta } = sampler.layer(l, a);
          let lhs = 0,
            mag = 0;
          for (let i = 0; i < h.length; i++) {
            const term = (phi(h[i]) * delta[i]) / dphi(h[i]);
            lhs += term;
            mag += Math.abs(term);
          }
          const up = l + 1 < L ? sampler.layer(l + 1, a) : undefined;
          const rhs = up ? dot(up.h, up.delta) : sampler.outputs[a];
          expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-12 * mag * h.length);
        }
    }
  });

  it('pairCos = 1 gives Θ(x, x̃) = Θ(x, x) = Θ(x̃, x̃) per network; depth 1 gives ⟨x, x̃⟩ + 1 exactly', () => {
    const { theta, thetaTilde, thetaOff } = sampleLazyGaussian(
      { sigmaW2: 2, sigmaB2: 0.1, widths: [8, 8, 8], activation: 'tanh', pairCos: 1 },
      50,
      new Rng(9),
    );
    for (let i = 0; i < 50; i++) {
      expect(Math.abs(thetaOff![i] - theta[i])).toBeLessThan(1e-12 * theta[i]);
      expect(Math.abs(thetaTilde![i] - theta[i])).toBeLessThan(1e-12 * theta[i]);
    }
    const one = sampleLazyGaussian({ sigmaW2: 2, sigmaB2: 0.3, widths: [5], pairCos: -0.25 }, 3, new Rng(1));
    expect(Array.from(one.theta)).toEqual([2, 2, 2]);
    expect(Array.from(one.thetaOff!)).toEqual([0.75, 0.75, 0.75]);
  });

  it('is reproducible for a fixed (seed, stream) and differs across streams', () => {
    const spec = { sigmaW2: 2, sigmaB2: 0, widths: [10, 10, 10], pairCos: 0.2 };
    const a = sampleLazyGaussian(spec, 20, new Rng(3, 1)),
      b = sampleLazyGaussian(spec, 20, new Rng(3, 1)),
      c = sampleLazyGaussian(spec, 20, new Rng(3, 2));
    expect(Array.from(b.thetaOff!)).toEqual(Array.from(a.thetaOff!));
    expect(Array.from(c.theta)).not.toEqual(Array.from(a.theta));
  });

  it('throws RangeError on bad input and on float64 overflow', () => {
    const ok = { sigmaW2: 2, sigmaB2: 0, widths: [4, 4] };
    const r = new Rng(1);
    expect(() => sampleLazyGaussian({ ...ok, sigmaW2: NaN }, 1, r)).toThrow(RangeError);
    expect(() => sampleLazyGaussian({ ...ok, sigmaW2: -1 }, 1, r)).toThrow(RangeError);
    expect(() => sampleLazyGaussian({ ...ok, sigmaB2: -0.1 }, 1, r)).toThrow(RangeError);
    expect(() => sampleLazyGaussian({ ...ok, widths: [] }, 1, r)).toThrow(RangeError);
    expect(() => sampleLazyGaussian({ ...ok, widths: [4, 2.5] }, 1, r)).toThrow(RangeError);
    expect(() => sampleLazyGaussian({ ...ok, widths: [4, 0] }, 1, r)).toThrow(RangeError);
    expect(() => sampleLazyGaussian({ ...ok, activation: 'sigmoid' as SamplerActivationName }, 1, r)).toThrow(
      RangeError,
    );
    expect(() => sampleLazyGaussian({ ...ok, pairCos: 1.5 }, 1, r)).toThrow(RangeError);
    expect(() => sampleLazyGaussian({ ...ok, pairCos: NaN }, 1, r)).toThrow(RangeError);
    expect(() => sampleLazyGaussian({ ...ok, widths: [1, 4], pairCos: 0.5 }, 1, r)).toThrow(/n₀/);
    expect(() => sampleLazyGaussian(ok, -1, r)).toThrow(RangeError);
    expect(() => sampleLazyGaussian(ok, 1.5, r)).toThrow(RangeError);
    expect(() => sampleLazyGaussian({ ...ok, widths: Array(10).fill(1_000_000) }, 1, r)).toThrow(/too large/);
    expect(() => new LazyNtkSampler(ok, [1, 2, 2, 1])).toThrow(/semidefinite/);
    // ReLU, σ_w² = 16: Θ ~ 8^{L−1}·L leaves float64 near L ≈ 340 (width 50: a dead layer has probability 600·2⁻⁵⁰)
    expect(() => sampleLazyGaussian({ sigmaW2: 16, sigmaB2: 0, widths: Array(600).fill(50) }, 1, r)).toThrow(
      /overflow/,
    );
    expect(sampleLazyGaussian(ok, 0, r).theta.length).toBe(0);
  });
});
