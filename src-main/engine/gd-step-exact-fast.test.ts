import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { chiSquareCritical, chiSquareGof } from '../../src-shared/stats/goodness-of-fit';
import { normalCdf } from '../../src-shared/network/erf';
import { sampleGdStepExact, type GdStepSamples, type GdStepSpec } from './gd-step-exact';
import { GdStepExactSampler } from './gd-step-exact-sampler';
import {
  fillNormals,
  GD_STEP_KERNEL,
  GdStepFastSampler,
  gdStepReluKernel,
  sampleGdStepExactFast,
  seedNormalStream,
  WASM_GD_STEP_MAX_DEPTH,
} from './gd-step-exact-fast';
import { expectSameDistribution, meanAndStderr } from './mean-stderr.test-util';

const widthsOf = (L: number, M: number, n0 = M) => [n0, ...new Array<number>(L - 1).fill(M)];

/** The generic lazy-matrix sampler forced on one input (sampleGdStepExact would dispatch to the fast path). */
function generic(spec: GdStepSpec, n: number, rng: Rng): GdStepSamples {
  const s = new GdStepExactSampler(spec);
  const out = {
    theta: [] as number[],
    thetaAfter: [] as number[],
    output: [] as number[],
    outputAfter: [] as number[],
  };
  let diverged = 0;
  for (let t = 0; t < n; t++) {
    if (!s.sample(rng)) {
      diverged++;
      continue;
    }
    out.theta.push(s.theta[0]);
    out.thetaAfter.push(s.thetaAfter[0]);
    out.output.push(s.outputs[0]);
    out.outputAfter.push(s.outputsAfter[0]);
  }
  const f = (a: number[]) => Float64Array.from(a);
  return {
    theta: f(out.theta),
    thetaAfter: f(out.thetaAfter),
    output: f(out.output),
    outputAfter: f(out.outputAfter),
    diverged,
  };
}

const relChange = (r: GdStepSamples) => Float64Array.from(r.theta, (v, i) => (r.thetaAfter[i] - v) / v);

/** Fast vs generic on Θ after the step, ΔΘ/Θ and f after (two-sample KS at 0.1 %, means within 4 SE). */
function compare(spec: GdStepSpec, N: number, seed: number) {
  const fast = sampleGdStepExactFast(spec, N, new Rng(seed, 0));
  const gen = generic(spec, N, new Rng(seed, 1));
  expect(fast.diverged + gen.diverged).toBe(0);
  expectSameDistribution(fast.thetaAfter, gen.thetaAfter);
  expectSameDistribution(relChange(fast), relChange(gen));
  expectSameDistribution(fast.outputAfter, gen.outputAfter);
  return { fast, gen };
}

describe('one-input fast path against the generic lazy-matrix sampler (same law)', () => {
  const cases: Array<[string, GdStepSpec]> = [
    ['ordered', { sigmaW2: 1.2, sigmaB2: 0, widths: widthsOf(8, 24), lr: 0.05, target: 0.3 }],
    ['EOC, σ_b² > 0, n₀ ≠ M', { sigmaW2: 2, sigmaB2: 0.05, widths: widthsOf(10, 32, 40), lr: 0.05, target: -0.2 }],
    ['chaotic', { sigmaW2: 2.8, sigmaB2: 0, widths: widthsOf(4, 64), lr: 0.02, target: 0.3 }],
  ];
  for (const [name, spec] of cases)
    it(`${name}: Θ after, ΔΘ/Θ and f after agree`, () => {
      const { fast } = compare(spec, 3000, 11);
      // the step moves the kernel resolvably, so the comparison is not of two copies of Θ
      const d = meanAndStderr(Float64Array.from(fast.theta, (v, i) => fast.thetaAfter[i] - v));
      expect(Math.abs(d.mean)).toBeGreaterThan(4 * d.se);
    });

  it('tanh, σ_b² > 0, NTK parametrization', () => {
    compare(
      {
        sigmaW2: 1.5,
        sigmaB2: 0.2,
        widths: widthsOf(5, 16, 10),
        activation: 'tanh',
        parametrization: 'ntk',
        lr: 0.5,
        target: -0.5,
      },
      3000,
      12,
    );
  });

  it('ReLU with α ≠ 1 (App. B.3 rescale), ‖x‖ ≠ 1, y ≠ 0', () => {
    compare(
      { sigmaW2: 2.2, sigmaB2: 0.1, widths: widthsOf(6, 20, 12), lr: 0.3, target: 0.8, scale: 1.7, inputNorm: 0.6 },
      3000,
      13,
    );
  });

  it('degenerate shapes: width-1 and width-2 layers, dead ReLU layers (zero query vectors)', () => {
    // at width 1–2 the span of revealed products fills a side and whole layers die (x_l = 0) in a sizable share of
    // networks: every zero-vector / full-rank branch of the closed form is exercised against the generic sampler
    const spec: GdStepSpec = { sigmaW2: 2, sigmaB2: 0, widths: [3, 1, 2, 2, 1, 2], lr: 0.4, target: 0.5 };
    const { fast } = compare(spec, 3000, 14);
    let dead = 0;
    for (let i = 0; i < fast.theta.length; i++) if (fast.theta[i] === 1) dead++; // Θ = ‖δ_L‖²(0 + 1): only b_L is live
    expect(dead).toBeGreaterThan(100);
    expect(dead).toBeLessThan(fast.theta.length - 100);
  });

  it('gelu at large width against the generic sampler (Θ before, Θ after)', () => {
    const spec: GdStepSpec = {
      sigmaW2: 1.8,
      sigmaB2: 0.02,
      widths: widthsOf(3, 120),
      activation: 'gelu',
      lr: 0.2,
      target: 0,
    };
    const fast = sampleGdStepExactFast(spec, 1500, new Rng(15, 0));
    const gen = generic(spec, 1500, new Rng(15, 1));
    expectSameDistribution(fast.theta, gen.theta);
    expectSameDistribution(relChange(fast), relChange(gen));
  });
});

describe('fast path: structure', () => {
  it('L = 1: Θ = c_W‖x‖² + c_B before and after, f′ = f − ε(‖x‖² + 1) with ε = η(f − y)/α²', () => {
    const spec: GdStepSpec = { sigmaW2: 2, sigmaB2: 0.3, widths: [5], lr: 0.1, target: 0.7, inputNorm: 2, scale: 1.5 };
    const r = sampleGdStepExactFast(spec, 200, new Rng(1));
    const f = meanAndStderr(r.output);
    // f̃ = αf with f ~ N(0, σ_w²‖x‖²/n₀ + σ_b²): Var f̃ = 2.25·(2·4/5 + 0.3) = 4.275
    const v = meanAndStderr(Float64Array.from(r.output, (x) => x * x));
    expect(Math.abs(f.mean)).toBeLessThan(4 * f.se);
    expect(Math.abs(v.mean - 4.275)).toBeLessThan(4 * v.se);
    for (let i = 0; i < 200; i++) {
      expect(r.theta[i]).toBeCloseTo(2.25 * 5, 12);
      expect(r.thetaAfter[i]).toBeCloseTo(2.25 * 5, 12);
      const fu = r.output[i] / 1.5; // unscaled
      expect(r.outputAfter[i]).toBeCloseTo(1.5 * (fu - ((0.1 * (fu - 0.7)) / 2.25) * 5), 12);
    }
  });

  it('is deterministic per seed, and the networks do not depend on η, y or α (common random numbers)', () => {
    const base: GdStepSpec = { sigmaW2: 2, sigmaB2: 0.1, widths: widthsOf(6, 12), lr: 0.01, target: 0 };
    const a = sampleGdStepExactFast(base, 50, new Rng(9));
    const b = sampleGdStepExactFast(base, 50, new Rng(9));
    const c = sampleGdStepExactFast({ ...base, lr: 0.03, target: 1, scale: 2 }, 50, new Rng(9));
    expect(Array.from(b.thetaAfter)).toEqual(Array.from(a.thetaAfter));
    for (let i = 0; i < 50; i++) {
      expect(c.theta[i]).toBeCloseTo(4 * a.theta[i], 10);
      expect(c.output[i]).toBeCloseTo(2 * a.output[i], 10);
    }
    expect(a.thetaAfter[0]).not.toBe(c.thetaAfter[0] / 4); // the step itself did change
  });

  it('sampleGdStepExact dispatches one input to the fast path and pairs to the generic one', () => {
    const spec: GdStepSpec = { sigmaW2: 1.5, sigmaB2: 0, widths: widthsOf(4, 8), lr: 0.1, target: 0 };
    const viaDispatch = sampleGdStepExact(spec, 20, new Rng(3));
    const fast = sampleGdStepExactFast(spec, 20, new Rng(3));
    expect(Array.from(viaDispatch.thetaAfter)).toEqual(Array.from(fast.thetaAfter));
    expect(sampleGdStepExact({ ...spec, pairCos: 0.5 }, 5, new Rng(3)).thetaOff).toBeDefined();
  });

  it('a huge η in the chaotic phase: ReLU keeps every network (±∞ beyond float64, finite logs), never NaN', () => {
    const spec: GdStepSpec = { sigmaW2: 3, sigmaB2: 0, widths: widthsOf(12, 16), lr: 1e300, target: 1 };
    const r = sampleGdStepExactFast(spec, 40, new Rng(7));
    expect(r.diverged).toBe(0);
    expect(r.thetaAfter.some((v) => v === Infinity)).toBe(true);
    for (const arr of [r.theta, r.thetaAfter, r.output, r.outputAfter]) for (const v of arr) expect(v).not.toBeNaN();
    for (const v of r.logs!.thetaAfter) expect(Number.isFinite(v)).toBe(true);
    // GELU (not homogeneous, but its vectors rescale through activations.ts `scaled`): kept too
    const gelu = { ...spec, activation: 'gelu' as const, sigmaW2: 4, widths: widthsOf(60, 16), lr: 1e-3 };
    const t = sampleGdStepExactFast(gelu, 40, new Rng(7));
    expect(t.diverged).toBe(0);
    expect(t.thetaAfter.some((v) => v === Infinity)).toBe(true);
    for (const arr of [t.theta, t.thetaAfter, t.output, t.outputAfter]) for (const v of arr) expect(v).not.toBeNaN();
    for (const v of t.logs!.thetaAfter) expect(Number.isFinite(v)).toBe(true);
  });

  it('WebAssembly runs ReLU up to 8 192 layers (its int32 exponents grow like 6·L² bits); deeper nets run in JS', () => {
    expect(gdStepReluKernel(true, 2)).toBe(true);
    expect(gdStepReluKernel(true, WASM_GD_STEP_MAX_DEPTH)).toBe(true);
    expect(gdStepReluKernel(true, WASM_GD_STEP_MAX_DEPTH + 1)).toBe(false);
    expect(gdStepReluKernel(false, 100)).toBe(false);
    // 6·L² bits at the cap stays well inside int32
    expect(6 * WASM_GD_STEP_MAX_DEPTH ** 2 * 2).toBeLessThan(2 ** 31);
  });

  it('bad input → RangeError', () => {
    const ok: GdStepSpec = { sigmaW2: 2, sigmaB2: 0, widths: [4, 4], lr: 0.1, target: 0 };
    expect(() => new GdStepFastSampler({ ...ok, pairCos: 0.3 })).toThrow(RangeError);
    expect(() => sampleGdStepExactFast({ ...ok, lr: NaN }, 1, new Rng(1))).toThrow(RangeError);
    expect(() => sampleGdStepExactFast({ ...ok, widths: [4, 0] }, 1, new Rng(1))).toThrow(RangeError);
    expect(() => sampleGdStepExactFast(ok, -2, new Rng(1))).toThrow(RangeError);
    expect(() => sampleGdStepExactFast({ ...ok, widths: widthsOf(3, 2 ** 23) }, 1, new Rng(1))).toThrow(RangeError);
  });
});

describe('bulk normal stream (fillNormals)', () => {
  it('is N(0, 1): χ² on 40 Φ-quantile cells, E z² = 1, E z⁴ = 3, tail share beyond the ziggurat base R', () => {
    const st = new Int32Array(4);
    seedNormalStream(st, new Rng(21));
    const N = 400_000;
    const z = new Float64Array(N);
    for (let off = 0; off < N; off += 1000) fillNormals(st, z.subarray(off, off + 1000), 1000, 1);
    // cells between the Φ⁻¹(k/40) boundaries, found by bisection on normalCdf
    const K = 40;
    const edges: number[] = [];
    for (let k = 1; k < K; k++) {
      let lo = -8,
        hi = 8;
      for (let it = 0; it < 80; it++) {
        const mid = (lo + hi) / 2;
        if (normalCdf(mid) < k / K) lo = mid;
        else hi = mid;
      }
      edges.push((lo + hi) / 2);
    }
    const counts = new Float64Array(K);
    let tail = 0;
    for (const v of z) {
      let c = 0;
      while (c < K - 1 && v > edges[c]) c++;
      counts[c]++;
      if (Math.abs(v) > 3.442619855899) tail++;
    }
    const { stat, df } = chiSquareGof(counts, new Float64Array(K).fill(1 / K));
    expect(stat).toBeLessThan(chiSquareCritical(df, 3.09)); // α = 0.001
    const m2 = meanAndStderr(Float64Array.from(z, (v) => v * v));
    const m4 = meanAndStderr(Float64Array.from(z, (v) => v ** 4));
    expect(Math.abs(m2.mean - 1)).toBeLessThan(4 * m2.se);
    expect(Math.abs(m4.mean - 3)).toBeLessThan(4 * m4.se);
    // the tail comes from the slow path: P(|Z| > R) = 2(1 − Φ(R)) ≈ 5.8e-4
    const p = 2 * (1 - normalCdf(3.442619855899));
    expect(Math.abs(tail - N * p)).toBeLessThan(4 * Math.sqrt(N * p));
  });
});

describe('WebAssembly copy of the ReLU fast path', () => {
  const cases: Array<[string, GdStepSpec]> = [
    ['EOC, M = 64, L = 12', { sigmaW2: 2, sigmaB2: 0, widths: widthsOf(12, 64), lr: 0.05, target: 0.3 }],
    [
      'σ_b² > 0, n₀ ≠ M, NTK parametrization, α = 3',
      {
        sigmaW2: 1.7,
        sigmaB2: 0.1,
        widths: [40, 33, 70, 20, 50],
        lr: 0.2,
        target: -1,
        scale: 3,
        parametrization: 'ntk',
      },
    ],
    ['L = 2', { sigmaW2: 2.5, sigmaB2: 0, widths: [10, 100], lr: 0.01, target: 0 }],
    // a large step: Θ′ of some networks leaves float64 (+∞, with finite logs, in both)
    ['divergent steps', { sigmaW2: 3, sigmaB2: 0, widths: widthsOf(30, 40), lr: 1e6, target: 5 }],
  ];
  for (const [name, spec] of cases)
    it(`${name}: bit-identical to the JavaScript, logs included`, () => {
      const run = (wasm: boolean) => {
        try {
          GD_STEP_KERNEL.wasm = wasm;
          return sampleGdStepExactFast(spec, 400, new Rng(17, 2));
        } finally {
          GD_STEP_KERNEL.wasm = true;
        }
      };
      const js = run(false),
        wasm = run(true);
      expect(wasm.diverged).toBe(js.diverged);
      for (const key of ['theta', 'thetaAfter', 'output', 'outputAfter'] as const)
        expect(Array.from(wasm[key])).toEqual(Array.from(js[key]));
      for (const key of ['theta', 'thetaAfter', 'absDelta', 'deltaSign'] as const)
        expect(Array.from(wasm.logs![key])).toEqual(Array.from(js.logs![key]));
      expect(js.diverged).toBe(0);
      expect(js.thetaAfter.some((v) => v === Infinity)).toBe(name === 'divergent steps');
    });
});
