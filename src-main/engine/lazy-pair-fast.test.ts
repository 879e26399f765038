import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { LAZY_PAIR_KERNEL, pairClosedForm, sampleLazyGaussian, type LazySamples, type LazySpec } from './lazy-gaussian';
import { LazyPairFastSampler, PAIR_KERNEL } from './lazy-pair-fast';
import { expectSameDistribution } from './mean-stderr.test-util';

/** The generic LazyNtkSampler on the same spec (sampleLazyGaussian with the fast path switched off). */
function generic(spec: LazySpec, n: number, rng: Rng): LazySamples {
  try {
    LAZY_PAIR_KERNEL.fast = false;
    return sampleLazyGaussian(spec, n, rng);
  } finally {
    LAZY_PAIR_KERNEL.fast = true;
  }
}

const widthsOf = (L: number, M: number, n0 = M) => [n0, ...new Array<number>(L - 1).fill(M)];

describe('closed-form two-input sampler against the generic lazy-matrix sampler (same law)', () => {
  const cases: Array<[string, LazySpec]> = [
    ['ordered, ReLU', { sigmaW2: 1.4, sigmaB2: 0, widths: widthsOf(8, 24), pairCos: 0.5 }],
    ['EOC, ReLU, n₀ ≠ M', { sigmaW2: 2, sigmaB2: 0, widths: widthsOf(10, 32, 40), pairCos: 0.3 }],
    ['chaotic, ReLU, negative cosine', { sigmaW2: 2.8, sigmaB2: 0, widths: widthsOf(5, 48), pairCos: -0.4 }],
    [
      'tanh, σ_b² > 0, NTK parametrization, mixed widths',
      {
        sigmaW2: 1.7,
        sigmaB2: 0.1,
        widths: [20, 33, 12, 40, 25],
        activation: 'tanh',
        parametrization: 'ntk',
        pairCos: 0.8,
      },
    ],
    ['erf, L = 2', { sigmaW2: 2.5, sigmaB2: 0.05, widths: [6, 30], activation: 'erf', pairCos: 0.1 }],
    [
      'ReLU, narrow layers (dead units and dead layers happen)',
      { sigmaW2: 2, sigmaB2: 0, widths: [4, 3, 2, 3, 2, 3], pairCos: 0.6 },
    ],
  ];
  for (const [name, spec] of cases)
    it(`${name}: Θ(x, x), Θ(x̃, x̃) and Θ(x, x̃) agree (two-sample KS at 0.1 %, means within 4 SE)`, () => {
      const N = 3000;
      const fast = sampleLazyGaussian(spec, N, new Rng(21, 0));
      const gen = generic(spec, N, new Rng(21, 1));
      expectSameDistribution(fast.theta, gen.theta);
      expectSameDistribution(fast.thetaTilde!, gen.thetaTilde!);
      expectSameDistribution(fast.thetaOff!, gen.thetaOff!);
      // the joint law too: the per-network ratio Θ(x, x̃)/Θ(x, x)
      const ratio = (s: LazySamples) => Float64Array.from(s.theta, (v, i) => s.thetaOff![i] / v);
      expectSameDistribution(ratio(fast), ratio(gen));
    });

  it('x̃ = x (cos 1) gives three equal kernels per network (to rounding); x̃ = −x (cos −1) agrees with the generic sampler', () => {
    const same = sampleLazyGaussian(
      { sigmaW2: 2, sigmaB2: 0.1, widths: [8, 30, 8], activation: 'tanh', pairCos: 1 },
      50,
      new Rng(9),
    );
    for (let i = 0; i < 50; i++) {
      expect(Math.abs(same.thetaTilde![i] - same.theta[i])).toBeLessThan(1e-12 * same.theta[i]);
      expect(Math.abs(same.thetaOff![i] - same.theta[i])).toBeLessThan(1e-12 * same.theta[i]);
    }
    // ReLU with x̃ = −x: h̃₁ = −h₁, so x₁ and x̃₁ have disjoint supports; the remainder direction carries all of x̃
    const spec: LazySpec = { sigmaW2: 2, sigmaB2: 0, widths: widthsOf(6, 30), pairCos: -1 };
    const fast = sampleLazyGaussian(spec, 2000, new Rng(4, 0)),
      gen = generic(spec, 2000, new Rng(4, 1));
    expectSameDistribution(fast.thetaOff!, gen.thetaOff!);
  });

  it('is the path sampleLazyGaussian takes for two inputs at L ≥ 2 (its speed-up is in npm run bench)', () => {
    // bit for bit the closed-form sampler's own draws, and not the generic sampler's: a regression to the generic
    // path fails here
    const spec: LazySpec = { sigmaW2: 2, sigmaB2: 0, widths: widthsOf(30, 100), pairCos: 0.5 };
    expect(pairClosedForm(0.5, 30)).toBe(true);
    const direct = new LazyPairFastSampler(spec, 0.5);
    const rng = new Rng(2, 0);
    const want: number[][] = [[], [], []];
    for (let i = 0; i < 20; i++) {
      direct.sample(rng);
      want[0].push(direct.theta);
      want[1].push(direct.thetaTilde);
      want[2].push(direct.thetaOff);
    }
    const got = sampleLazyGaussian(spec, 20, new Rng(2, 0));
    expect([Array.from(got.theta), Array.from(got.thetaTilde!), Array.from(got.thetaOff!)]).toEqual(want);
    expect(Array.from(generic(spec, 20, new Rng(2, 0)).theta)).not.toEqual(want[0]);
  });

  it('refuses what the generic sampler refuses', () => {
    expect(() => new LazyPairFastSampler({ sigmaW2: 2, sigmaB2: 0, widths: [1, 10] }, 0.5)).toThrow(
      /span 2 dimensions/,
    );
    expect(() => new LazyPairFastSampler({ sigmaW2: 2, sigmaB2: 0, widths: [10] }, 0.5)).toThrow(RangeError);
    expect(() => new LazyPairFastSampler({ sigmaW2: -1, sigmaB2: 0, widths: [10, 10] }, 0.5)).toThrow(RangeError);
    expect(() => new LazyPairFastSampler({ sigmaW2: 2, sigmaB2: 0, widths: [10, 10] }, 1.5)).toThrow(RangeError);
    expect(() =>
      sampleLazyGaussian({ sigmaW2: 16, sigmaB2: 0, widths: widthsOf(400, 20), pairCos: 0.5 }, 5, new Rng(1)),
    ).toThrow(/overflowed float64/);
  });
});

describe('WebAssembly copy of the two-input ReLU sampler', () => {
  const run = (spec: LazySpec, n: number, wasm: boolean): LazySamples | string => {
    try {
      PAIR_KERNEL.wasm = wasm;
      return sampleLazyGaussian(spec, n, new Rng(31, 4));
    } catch (err) {
      return (err as Error).message;
    } finally {
      PAIR_KERNEL.wasm = true;
    }
  };
  const cases: Array<[string, LazySpec]> = [
    ['EOC, M = 64, L = 12', { sigmaW2: 2, sigmaB2: 0, widths: widthsOf(12, 64), pairCos: 0.5 }],
    [
      'σ_b² > 0, NTK parametrization, mixed widths, negative cosine',
      { sigmaW2: 1.7, sigmaB2: 0.2, widths: [20, 33, 12, 40, 25], parametrization: 'ntk', pairCos: -0.7 },
    ],
    ['L = 2, x̃ = x', { sigmaW2: 2.5, sigmaB2: 0, widths: [10, 100], pairCos: 1 }],
    ['narrow layers (dead units and layers)', { sigmaW2: 2, sigmaB2: 0, widths: [4, 3, 2, 3, 2, 3], pairCos: 0.6 }],
  ];
  for (const [name, spec] of cases)
    it(`${name}: bit-identical to the JavaScript`, () => {
      const js = run(spec, 300, false),
        wasm = run(spec, 300, true);
      if (typeof js === 'string' || typeof wasm === 'string')
        throw new Error(`unexpected failure: ${String(js)} / ${String(wasm)}`);
      for (const key of ['theta', 'thetaTilde', 'thetaOff'] as const)
        expect(Array.from(wasm[key]!)).toEqual(Array.from(js[key]!));
    });
  it('reports a Θ that leaves float64 with the JavaScript message', () => {
    const spec: LazySpec = { sigmaW2: 16, sigmaB2: 0, widths: widthsOf(400, 20), pairCos: 0.5 };
    const js = run(spec, 5, false),
      wasm = run(spec, 5, true);
    expect(typeof js).toBe('string');
    expect(wasm).toBe(js);
  });
});
