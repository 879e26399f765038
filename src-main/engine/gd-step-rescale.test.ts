// The one-input GD-step sampler's power-of-two rescaling (gd-step-fast-passes.ts, issue 16): identical numbers where
// the plain float64 computation worked, in JavaScript and WebAssembly; finite logarithms where Θ′ leaves float64,
// agreeing with the dense float64 reference where both can run.
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { ksCritical, ksTwoSample } from '../../src-shared/stats/goodness-of-fit';
import { logRelativeChange } from '../../src-shared/stats/log-space';
import { chaoticLowerBound } from '../../src-shared/theory/gd-step';
import { sampleGdStepDense } from './gd-step-dense';
import type { GdStepSamples, GdStepSpec } from './gd-step-exact';
import { GD_STEP_KERNEL, sampleGdStepExactFast } from './gd-step-exact-fast';
import { logOf, ScaledSum, valueOf } from './gd-step-fast-passes';
import { expectSameDistribution, meanAndStderr } from './mean-stderr.test-util';

const widthsOf = (L: number, M: number) => [M, ...new Array<number>(L - 1).fill(M)];
const KEYS = ['theta', 'thetaAfter', 'output', 'outputAfter'] as const;

function run(spec: GdStepSpec, n: number, rng: Rng, wasm: boolean, rescaleLimit = 128): GdStepSamples {
  GD_STEP_KERNEL.wasm = wasm;
  GD_STEP_KERNEL.rescaleLimit = rescaleLimit;
  return sampleGdStepExactFast(spec, n, rng);
}
afterEach(() => {
  GD_STEP_KERNEL.wasm = true;
  GD_STEP_KERNEL.rescaleLimit = 128;
});

/** Indices of the networks with every plain value finite (those the sampler before rescaling kept). */
const plainFinite = (r: GdStepSamples) =>
  Array.from(r.theta.keys()).filter((i) => KEYS.every((k) => Number.isFinite(r[k][i])));

describe('mantissa–exponent helpers with exponents past int32 (they grow like L² bits)', () => {
  it('valueOf, logOf and ScaledSum keep their meaning at exponents ≥ 2^31', () => {
    const big = 2 ** 31 + 10;
    expect(valueOf(1.5, 1000)).toBe(1.5 * 2 ** 1000);
    expect(valueOf(1.5, big)).toBe(Infinity);
    expect(valueOf(-1.5, 2 ** 40)).toBe(-Infinity);
    expect(logOf(1.5, big)).toBeCloseTo(Math.log(1.5) + big * Math.LN2, 3);
    const s = new ScaledSum();
    s.set(1, 2 ** 40);
    s.add(1, 2 ** 40 + 1); // 2^(2^40) + 2^(2^40 + 1) = 1.5·2^(2^40 + 1)
    expect([s.m, s.e]).toEqual([1.5, 2 ** 40 + 1]);
  });
});

describe('rescaling leaves the plain computation as it was', () => {
  // 60 networks of Rng(5, 3) from the sampler before rescaling (commit e167c3c, JavaScript; its WebAssembly copy was
  // bit-identical): networks kept, diverged, network 0's Θ, Θ′, f, f′, and the sums of each array (left to right)
  const OLD: Array<[string, GdStepSpec, number, number[], number[]]> = [
    [
      'ReLU at the EOC, M = 64, L = 12',
      { sigmaW2: 2, sigmaB2: 0, widths: widthsOf(12, 64), lr: 0.05, target: 0.3 },
      0,
      [22.73687809416518, 11.334368650673184, 0.07190224495865578, 0.18904964419301581],
      [1397.6684271670463, 1063.3774445360434, -0.7027430639595335, 10.58640132569077],
    ],
    [
      'ReLU, σ_b² > 0, NTK parametrization, α = 3',
      {
        sigmaW2: 1.7,
        sigmaB2: 0.1,
        widths: [40, 33, 70, 20, 50],
        lr: 0.2,
        target: -1,
        scale: 3,
        parametrization: 'ntk',
      },
      0,
      [9.470633639665632, 9.360930684950343, 3.161742113818446, 3.018078393380967],
      [577.6580502891527, 574.5622478099709, 13.70171687730689, 9.118132798291175],
    ],
    [
      'tanh, σ_b² > 0 (no rescaling: not homogeneous)',
      { sigmaW2: 2, sigmaB2: 0.05, widths: widthsOf(20, 30), lr: 0.01, target: 0.5, activation: 'tanh' },
      0,
      [1264.0375179116818, 1471.6773898388794, 0.3205997690662896, 0.5167543457826185],
      [22741.930696868178, 14932.084086094956, 3.5075951924001454, 37.09489413877835],
    ],
    [
      'ReLU, chaotic: 9 of 60 steps overflowed before',
      { sigmaW2: 3, sigmaB2: 0.2, widths: widthsOf(40, 50), lr: 1e-3, target: 0 },
      9,
      [131926107.35702662, 5.629992090412651e43, 4.453169574915545, -2.5244369548554425e21],
      [89362250995.69456, 4.3043796223112e300, 8085.705294961585, 7.090112970890972e152],
    ],
  ];
  for (const [name, spec, diverged, first, sums] of OLD)
    for (const wasm of [false, true])
      it(`${name} (${wasm ? 'WebAssembly' : 'JavaScript'}): bit for bit the old values`, () => {
        const r = run(spec, 60, new Rng(5, 3), wasm);
        const kept = plainFinite(r);
        expect(r.theta.length - kept.length).toBe(diverged);
        expect(r.diverged).toBe(0); // the overflowing networks are kept now, with ±∞ values and finite logs
        expect(KEYS.map((k) => r[k][kept[0]])).toEqual(first);
        expect(KEYS.map((k) => kept.reduce((s, i) => s + r[k][i], 0))).toEqual(sums);
      });

  it('rescaling at every layer (limit 2⁰) changes no value where nothing overflows, in JS and WebAssembly', () => {
    // tanh: only δ is rescaled, and h′ takes its δ term at its true scale (the bounded-φ path)
    for (const [, spec] of OLD.slice(0, 3))
      for (const wasm of [false, true]) {
        const a = run(spec, 40, new Rng(8), wasm, 128),
          b = run(spec, 40, new Rng(8), wasm, 0);
        for (const k of KEYS) expect(Array.from(b[k])).toEqual(Array.from(a[k]));
      }
  });
});

describe('beyond float64', () => {
  const cells: Array<[string, GdStepSpec]> = [
    // a plane cell of the failing kind: every step overflowed before ("only 0 of N networks took a finite step")
    ['σ_w² = 4, L = 60, M = 50, η = 10⁻³', { sigmaW2: 4, sigmaB2: 0, widths: widthsOf(60, 50), lr: 1e-3, target: 0 }],
    [
      'σ_w² = 3, L = 12, η = 10³⁰⁰ (absurd step)',
      { sigmaW2: 3, sigmaB2: 0, widths: widthsOf(12, 16), lr: 1e300, target: 1 },
    ],
  ];
  for (const [name, spec] of cells)
    it(`${name}: JS and WebAssembly agree bit for bit, logs included; every network kept, logs finite`, () => {
      const js = run(spec, 100, new Rng(4, 1), false),
        wasm = run(spec, 100, new Rng(4, 1), true);
      expect(js.diverged).toBe(0);
      expect(wasm.diverged).toBe(0);
      for (const k of KEYS) expect(Array.from(wasm[k])).toEqual(Array.from(js[k]));
      for (const k of ['theta', 'thetaAfter', 'absDelta', 'deltaSign'] as const) {
        expect(Array.from(wasm.logs![k])).toEqual(Array.from(js.logs![k]));
        for (const v of js.logs![k]) expect(Number.isFinite(v)).toBe(true);
      }
      expect(plainFinite(js).length).toBeLessThan(100); // Θ′ really left float64 …
      for (let i = 0; i < 100; i++) {
        // … where the value says +∞, its log is past ln(MAX_VALUE); where it is finite, the log is its log
        const [v, l] = [js.thetaAfter[i], js.logs!.thetaAfter[i]];
        if (v === Infinity) expect(l).toBeGreaterThan(709.78);
        else expect(Math.abs(l - Math.log(v))).toBeLessThan(1e-12 * Math.max(1, Math.abs(l)));
      }
    });

  it('the logs do not depend on where the vectors are rescaled (limits 2⁰, 2¹²⁸, 2²⁴⁰: 1e-12 relative)', () => {
    const spec = cells[0][1];
    const runs = [0, 128, 240].map((lim) => run(spec, 30, new Rng(6), true, lim).logs!);
    for (const r of runs.slice(1))
      for (const k of ['theta', 'thetaAfter', 'absDelta'] as const)
        r[k].forEach((v, i) => expect(Math.abs(v - runs[0][k][i])).toBeLessThan(1e-12 * Math.abs(v)));
  });

  it('chaotic cell with Θ′ ≈ e^270 (rescaled at every layer): ln Θ′ has the dense float64 reference’s law', () => {
    // σ_w² = 8, L = 16, M = 20: Θ′ spans e^100 … e^450, inside float64, so the dense reference (materialized weights,
    // an independent implementation) keeps every network; the exact sampler runs with limit 2⁰, so every vector goes
    // through the mantissa–exponent form
    const spec: GdStepSpec = { sigmaW2: 8, sigmaB2: 0, widths: widthsOf(16, 20), lr: 1e-3, target: 0 };
    const dense = sampleGdStepDense(spec, 300, new Rng(30));
    expect(dense.diverged).toBe(0);
    const exact = run(spec, 600, new Rng(31), true, 0);
    const a = exact.logs!.thetaAfter,
      b = dense.thetaAfter.map(Math.log);
    const x = meanAndStderr(a),
      y = meanAndStderr(b);
    expect(x.mean).toBeGreaterThan(200); // far beyond the range the plain passes ever rescaled
    expect(Math.abs(x.mean - y.mean)).toBeLessThan(4 * Math.hypot(x.se, y.se));
    expect(ksTwoSample(a, b)).toBeLessThan(ksCritical(a.length, b.length, 0.001));
    const la = exact.logs!.absDelta,
      lb = Float64Array.from(dense.theta, (t, i) => Math.log(Math.abs(dense.thetaAfter[i] - t)));
    expect(ksTwoSample(la, lb)).toBeLessThan(ksCritical(la.length, lb.length, 0.001));
  });

  it('a cell beyond float64: E[|ΔΘ|]/E[Θ] is finite in log form and above the first-order chaotic bound', () => {
    const spec = cells[0][1];
    const r = run(spec, 60, new Rng(9), true);
    const { absRelativeChange: abs } = logRelativeChange(r.logs!.theta, r.logs!.absDelta, r.logs!.deltaSign);
    expect(Number.isFinite(abs.logAbs) && Number.isFinite(abs.relStderr)).toBe(true);
    expect(abs.logAbs).toBeGreaterThan(Math.log(Number.MAX_VALUE)); // the plain ratio would be +∞
    // App. A.3 case 1 (first order in η, exact expectation): the full step can only exceed it in this regime
    const bound = chaoticLowerBound(4, spec.widths, 1e-3);
    expect(abs.logAbs).toBeGreaterThan(bound.logRelAbsChange);
  });

  it('tanh with Θ ≈ e^200, δ rescaled at every layer (limit 2⁰): ln Θ′ and ln|ΔΘ| have the dense reference’s law', () => {
    // σ_w² = 16, L = 250, M = 30: inside float64, so the dense reference keeps every network; h′ goes through its
    // true-scale path at every layer
    const spec: GdStepSpec = {
      sigmaW2: 16,
      sigmaB2: 0,
      widths: widthsOf(250, 30),
      lr: 1e-3,
      target: 0,
      activation: 'tanh',
    };
    const dense = sampleGdStepDense(spec, 300, new Rng(32));
    expect(dense.diverged).toBe(0);
    const exact = run(spec, 600, new Rng(33), false, 0);
    expect(meanAndStderr(exact.logs!.theta).mean).toBeGreaterThan(100);
    const pairs: Array<[ArrayLike<number>, ArrayLike<number>]> = [
      [exact.logs!.thetaAfter, dense.thetaAfter.map(Math.log)],
      [exact.logs!.absDelta, Float64Array.from(dense.theta, (t, i) => Math.log(Math.abs(dense.thetaAfter[i] - t)))],
    ];
    for (const [a, b] of pairs) {
      expectSameDistribution(a, b);
    }
  });

  it('GELU (rescaled through its scaled φ): limit 2⁰ changes no value inside float64; beyond it, every network kept', () => {
    const inside: GdStepSpec = {
      sigmaW2: 4,
      sigmaB2: 0.1,
      widths: widthsOf(20, 30),
      lr: 1e-3,
      target: 0.2,
      activation: 'gelu',
    };
    const a = run(inside, 40, new Rng(34), false, 128),
      b = run(inside, 40, new Rng(34), false, 0);
    expect(plainFinite(a).length).toBe(40);
    for (const k of KEYS) expect(Array.from(b[k])).toEqual(Array.from(a[k]));
    // σ_w² = 4, L = 60, M = 30: Θ′ ≈ e^3000 (the dense reference keeps 3 of 20 such networks)
    const deep = run({ ...inside, sigmaB2: 0, target: 0, widths: widthsOf(60, 30) }, 40, new Rng(35), false);
    expect(deep.diverged).toBe(0);
    expect(Math.max(...deep.logs!.thetaAfter)).toBeGreaterThan(1000);
    for (const v of deep.logs!.absDelta) expect(Number.isFinite(v)).toBe(true);
  });

  it('GELU with Θ′ ≈ e^300, rescaled at every layer: ln Θ′ and ln|ΔΘ| have the dense reference’s law', () => {
    const spec: GdStepSpec = {
      sigmaW2: 8,
      sigmaB2: 0,
      widths: widthsOf(16, 30),
      lr: 1e-3,
      target: 0,
      activation: 'gelu',
    };
    const dense = sampleGdStepDense(spec, 300, new Rng(36));
    expect(dense.diverged).toBe(0);
    const exact = run(spec, 600, new Rng(37), false, 0);
    expect(meanAndStderr(exact.logs!.thetaAfter).mean).toBeGreaterThan(150);
    const pairs: Array<[ArrayLike<number>, ArrayLike<number>]> = [
      [exact.logs!.thetaAfter, dense.thetaAfter.map(Math.log)],
      [exact.logs!.absDelta, Float64Array.from(dense.theta, (t, i) => Math.log(Math.abs(dense.thetaAfter[i] - t)))],
    ];
    for (const [a, b] of pairs) {
      expectSameDistribution(a, b);
    }
  });
});
