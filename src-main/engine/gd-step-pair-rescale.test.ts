// The two-input GD-step sampler's power-of-two rescaling (gd-step-exact-sampler.ts, issue 16): identical numbers
// where the plain float64 computation worked; finite logarithms of Θ and Θ(x, x̃) where Θ′ leaves float64, with the
// law of the one-input closed form and of the dense float64 reference.
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { ksCritical, ksTwoSample } from '../../src-shared/stats/goodness-of-fit';
import { sampleGdStepDense } from './gd-step-dense';
import { sampleGdStepExact, type GdStepSamples, type GdStepSpec } from './gd-step-exact';
import { GD_STEP_KERNEL, sampleGdStepExactFast } from './gd-step-exact-fast';
import { expectSameDistribution, meanAndStderr } from './mean-stderr.test-util';

const widthsOf = (L: number, M: number) => [M, ...new Array<number>(L - 1).fill(M)];
const KEYS = ['theta', 'thetaAfter', 'thetaOff', 'thetaOffAfter', 'output', 'outputAfter'] as const;

function run(spec: GdStepSpec, n: number, rng: Rng, rescaleLimit = 128): GdStepSamples {
  GD_STEP_KERNEL.rescaleLimit = rescaleLimit;
  return sampleGdStepExact(spec, n, rng);
}
afterEach(() => {
  GD_STEP_KERNEL.rescaleLimit = 128;
});

/** Indices of the networks with every plain value finite (those the sampler before rescaling kept). */
const plainFinite = (r: GdStepSamples) =>
  Array.from(r.theta.keys()).filter((i) => KEYS.every((k) => Number.isFinite(r[k]![i])));

describe('rescaling leaves the plain two-input computation as it was', () => {
  // The first networks of Rng(5, 3) from the sampler before rescaling (commit f8545ef): how many (60, or up to the
  // first that overflowed: the old sampler stopped drawing there, so the stream differs after it), network 0's Θ, Θ′,
  // Θ(x, x̃), Θ′(x, x̃), f, f′, and the sums of each array over those networks (left to right)
  const OLD: Array<[string, GdStepSpec, number, number[], number[]]> = [
    [
      'ReLU at the EOC, M = 64, L = 12, cos 0.5',
      { sigmaW2: 2, sigmaB2: 0, widths: widthsOf(12, 64), lr: 0.05, target: 0.3, pairCos: 0.5 },
      60,
      [
        17.574761344129207, 7.781656583220895, 11.18510275359896, 5.525753354241505, -0.06482827026077116,
        0.03276851238831749,
      ],
      [
        1516.3580840776917, 977.9094667073678, 685.3267082194138, 558.4901131815951, -0.3250841385426589,
        11.104625322691518,
      ],
    ],
    [
      'ReLU, σ_b² > 0, NTK parametrization, α = 3, cos −0.4',
      {
        sigmaW2: 1.7,
        sigmaB2: 0.1,
        widths: [40, 33, 70, 20, 50],
        lr: 0.2,
        target: -1,
        scale: 3,
        parametrization: 'ntk',
        pairCos: -0.4,
      },
      60,
      [
        8.918539174323614, 8.890847868892065, 7.485051464820694, 7.46200996919859, -4.689325375154398,
        -4.652153599580546,
      ],
      [
        559.9065099264936, 555.9497852966219, 439.6497335263993, 438.1957515895239, -7.933087502483313,
        -11.784192616954343,
      ],
    ],
    [
      'tanh, σ_b² > 0, cos 0.8 (no rescaling: not homogeneous)',
      { sigmaW2: 2, sigmaB2: 0.05, widths: widthsOf(20, 30), lr: 0.01, target: 0.5, activation: 'tanh', pairCos: 0.8 },
      60,
      [
        740.9459663239994, 252.73729110956407, 617.8589706463733, 170.4775804132094, 0.3668628212361206,
        1.135678804794242,
      ],
      [
        20182.005078589318, 9237.34545857444, 13341.683356919611, 6569.057214329824, 9.570477684935732,
        21.83280491404451,
      ],
    ],
    [
      'linear, cos 0.2',
      {
        sigmaW2: 1.3,
        sigmaB2: 0.02,
        widths: widthsOf(10, 25),
        lr: 0.03,
        target: 0.1,
        activation: 'linear',
        pairCos: 0.2,
      },
      60,
      [
        76.11605225601387, 95.88209122802836, 68.93455988664293, 88.80279721847462, 0.5914667147588413,
        -0.5478649726422756,
      ],
      [
        16151.395888976806, 41048.394191367624, 10873.787809060093, 24267.203569863428, 8.062846016272232,
        -8.588460952011898,
      ],
    ],
    [
      'ReLU, chaotic, cos 0.3: network 15 overflowed before',
      { sigmaW2: 3, sigmaB2: 0.2, widths: widthsOf(40, 50), lr: 1e-3, target: 0, pairCos: 0.3 },
      15,
      [
        5401214848.832839, 3.079867140202199e300, 1901064263.3671255, 2.0020466020798834e300, 3039.2794810676746,
        -6.431864042271724e152,
      ],
      [
        25971812278.97445, 3.079867140202199e300, 17351380821.809147, 2.0020466020798834e300, -1113.2256357988667,
        -6.431864041712669e152,
      ],
    ],
  ];
  for (const [name, spec, count, first, sums] of OLD)
    it(`${name}: bit for bit the old values, and the same with rescaling at every layer (limit 2⁰)`, () => {
      for (const limit of [128, 0]) {
        const r = run(spec, 60, new Rng(5, 3), limit);
        expect(r.diverged).toBe(0); // an overflowing network is kept now, with ±∞ values and finite logs
        const kept = plainFinite(r);
        expect(kept.slice(0, count)).toEqual(Array.from({ length: count }, (_, i) => i)); // all inside float64
        expect(KEYS.map((k) => r[k]![0])).toEqual(first);
        expect(KEYS.map((k) => r[k]!.subarray(0, count).reduce((s, v) => s + v, 0))).toEqual(sums);
        if (count < 60) expect(r.thetaAfter[count]).toBe(Infinity); // where the old sampler gave up
      }
    });
});

describe('beyond float64', () => {
  // a plane cell that failed in the GD-step tab's Θ(x, x̃) mode: every step overflowed ("only 0 of N networks …")
  const deep: GdStepSpec = { sigmaW2: 4, sigmaB2: 0, widths: widthsOf(60, 50), lr: 1e-3, target: 0, pairCos: 0.5 };

  it('every network kept with finite logs; where a value says ±∞ its log is past ln(MAX_VALUE)', () => {
    const r = run(deep, 60, new Rng(4, 1));
    expect(r.diverged).toBe(0);
    expect(plainFinite(r).length).toBeLessThan(60);
    const { logs } = r;
    const pairs: Array<[Float64Array, Float64Array]> = [
      [r.theta, logs!.theta],
      [r.thetaAfter, logs!.thetaAfter],
      [r.thetaOff!, logs!.off!.theta],
    ];
    for (const [values, ls] of pairs)
      values.forEach((v, i) => {
        expect(Number.isFinite(ls[i])).toBe(true);
        if (!Number.isFinite(v)) expect(ls[i]).toBeGreaterThan(709.78);
        else expect(Math.abs(ls[i] - Math.log(Math.abs(v)))).toBeLessThan(1e-12 * Math.max(1, Math.abs(ls[i])));
      });
    for (const v of logs!.off!.absDelta) expect(Number.isFinite(v)).toBe(true);
  });

  it('x̃ = x (cos 1): Θ(x, x̃) and its change equal Θ(x, x) and its change, network by network, beyond float64', () => {
    const r = run({ ...deep, pairCos: 1 }, 30, new Rng(12));
    const { logs } = r;
    expect(Math.max(...logs!.thetaAfter)).toBeGreaterThan(2000); // far beyond float64
    for (let i = 0; i < r.theta.length; i++) {
      expect(logs!.off!.thetaSign[i]).toBe(1);
      expect(logs!.off!.deltaSign[i]).toBe(logs!.deltaSign[i]);
      expect(Math.abs(logs!.off!.theta[i] - logs!.theta[i])).toBeLessThan(1e-9);
      expect(Math.abs(logs!.off!.absDelta[i] - logs!.absDelta[i])).toBeLessThan(1e-9);
    }
  });

  it('Θ′(x, x) of the pair sampler has the law of the one-input closed form, ln Θ′ ≈ 2 000 (KS, 4 SE)', () => {
    // independent implementations: the closed-form one-input sampler (gd-step-exact-fast.ts, its own normal stream)
    // against the LazyGaussianMatrix one carrying a second input
    const pair = run(deep, 300, new Rng(21)).logs!;
    const one = sampleGdStepExactFast({ ...deep, pairCos: undefined }, 300, new Rng(22)).logs!;
    for (const k of ['thetaAfter', 'absDelta'] as const) {
      const x = meanAndStderr(pair[k]),
        y = meanAndStderr(one[k]);
      expect(x.mean).toBeGreaterThan(1000);
      expect(Math.abs(x.mean - y.mean)).toBeLessThan(4 * Math.hypot(x.se, y.se));
      expect(ksTwoSample(pair[k], one[k])).toBeLessThan(ksCritical(300, 300, 0.001));
    }
  });

  it('chaotic cell with Θ′ ≈ e^270, rescaled at every layer: Θ′(x, x̃) has the dense float64 reference’s law', () => {
    // σ_w² = 8, L = 16, M = 20: inside float64, so the dense reference (materialized weights) keeps every network
    const spec: GdStepSpec = { sigmaW2: 8, sigmaB2: 0, widths: widthsOf(16, 20), lr: 1e-3, target: 0, pairCos: 0.5 };
    const dense = sampleGdStepDense(spec, 300, new Rng(30));
    expect(dense.diverged).toBe(0);
    const exact = run(spec, 600, new Rng(31), 0).logs!.off!;
    // signed logs s·ln|v| (Θ(x, x̃) is not positive by construction)
    const signed = (ls: Float64Array, ss: Float64Array) => ls.map((l, i) => ss[i] * l);
    const offAfter = (r: GdStepSamples) => r.thetaOffAfter!;
    const a = signed(exact.absDelta, exact.deltaSign),
      b = Float64Array.from(dense.thetaOff!, (t, i) => {
        const d = offAfter(dense)[i] - t;
        return Math.sign(d) * Math.log(Math.abs(d));
      });
    const x = meanAndStderr(a),
      y = meanAndStderr(b);
    expect(Math.abs(x.mean)).toBeGreaterThan(100);
    expect(Math.abs(x.mean - y.mean)).toBeLessThan(4 * Math.hypot(x.se, y.se));
    expect(ksTwoSample(a, b)).toBeLessThan(ksCritical(a.length, b.length, 0.001));
    const c = signed(exact.theta, exact.thetaSign),
      d = Float64Array.from(dense.thetaOff!, (t) => Math.sign(t) * Math.log(Math.abs(t)));
    expect(ksTwoSample(c, d)).toBeLessThan(ksCritical(c.length, d.length, 0.001));
  });
});

describe('bounded φ (tanh, erf) beyond float64: δ rescaled, h′ at its true scale', () => {
  // σ_w² = 16, L = 1 300, M = 30: Θ ≈ e^850 before the step, so the sampler before this change dropped nearly every
  // network; after the step the saturated units (φ′ = 0) bring Θ′ back to ≈ e^40
  const deep = (activation: 'tanh' | 'erf', pairCos?: number): GdStepSpec => ({
    sigmaW2: 16,
    sigmaB2: 0,
    widths: widthsOf(1300, 30),
    lr: 1e-3,
    target: 0,
    activation,
    pairCos,
  });

  it('tanh and erf: every network kept with finite logs, the same wherever the vectors are rescaled (1e-12)', () => {
    const close = (a: ArrayLike<number>, b: ArrayLike<number>, n = a.length) => {
      for (let i = 0; i < n; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-12 * Math.abs(a[i]));
    };
    for (const act of ['tanh', 'erf'] as const) {
      // one input (each network has its own normal stream): every network
      const ones = [0, 128, 240].map((lim) => {
        GD_STEP_KERNEL.rescaleLimit = lim;
        return sampleGdStepExactFast(deep(act), 8, new Rng(40));
      });
      // pairs draw from one stream, and a value that rounds differently once δ is rescaled (its entries span
      // hundreds of binary orders) can flip a lazy matrix's in-span decision and shift the stream for the next
      // networks: the first network is compared
      const pairs = [0, 128, 240].map((lim) => run(deep(act, 0.5), 2, new Rng(40), lim));
      for (const r of [...ones, ...pairs]) {
        expect(r.diverged).toBe(0);
        expect(Math.max(...r.logs!.theta)).toBeGreaterThan(709.8); // beyond float64
      }
      for (const k of ['theta', 'thetaAfter', 'absDelta'] as const) {
        for (const r of ones.slice(1)) close(r.logs![k], ones[0].logs![k]);
        for (const r of pairs.slice(1)) close(r.logs![k], pairs[0].logs![k], 1);
      }
      for (const k of ['theta', 'absDelta'] as const)
        for (const r of pairs.slice(1)) close(r.logs!.off![k], pairs[0].logs!.off![k], 1);
    }
  });

  it('tanh: Θ′ and ΔΘ of the pair sampler have the law of the one-input closed form beyond float64 (KS, 4 SE)', () => {
    const pair = run(deep('tanh', 0.3), 120, new Rng(41)).logs!;
    const one = sampleGdStepExactFast(deep('tanh'), 120, new Rng(42)).logs!;
    for (const k of ['theta', 'thetaAfter', 'absDelta'] as const) {
      expectSameDistribution(pair[k], one[k]);
    }
    expect(meanAndStderr(one.absDelta).mean).toBeGreaterThan(709.8);
  });

  it('tanh with Θ ≈ e^200, δ rescaled at every layer: Θ′(x, x̃) and ΔΘ(x, x̃) have the dense reference’s law', () => {
    // L = 250: inside float64, so the dense reference (materialized weights) keeps every network; limit 2⁰ sends
    // every δ through the mantissa–exponent form and every h′ through its true-scale path
    const spec: GdStepSpec = { ...deep('tanh', 0.5), widths: widthsOf(250, 30) };
    const dense = sampleGdStepDense(spec, 200, new Rng(43));
    expect(dense.diverged).toBe(0);
    const exact = run(spec, 300, new Rng(44), 0);
    const signedLog = (v: number) => Math.sign(v) * Math.log(Math.abs(v));
    const pairs: Array<[ArrayLike<number>, Float64Array]> = [
      [exact.logs!.thetaAfter, dense.thetaAfter.map(Math.log)],
      [
        exact.logs!.off!.absDelta.map((l, i) => exact.logs!.off!.deltaSign[i] * l),
        Float64Array.from(dense.thetaOff!, (t, i) => signedLog(dense.thetaOffAfter![i] - t)),
      ],
    ];
    expect(Math.max(...exact.logs!.theta)).toBeGreaterThan(150);
    for (const [a, b] of pairs) {
      expectSameDistribution(a, b);
    }
  });
});

describe('GELU beyond float64 (vectors rescaled through its scaled φ)', () => {
  it('pairs keep every network, and Θ′(x, x) has the law of the one-input closed form at Θ′ ≈ e^3000', () => {
    const deep: GdStepSpec = {
      sigmaW2: 4,
      sigmaB2: 0,
      widths: widthsOf(60, 30),
      lr: 1e-3,
      target: 0,
      activation: 'gelu',
    };
    const pair = run({ ...deep, pairCos: 0.5 }, 200, new Rng(45));
    expect(pair.diverged).toBe(0);
    const one = sampleGdStepExactFast(deep, 200, new Rng(46)).logs!;
    for (const k of ['thetaAfter', 'absDelta'] as const) {
      const a = pair.logs![k];
      const x = meanAndStderr(a),
        y = meanAndStderr(one[k]);
      expect(x.mean).toBeGreaterThan(709.8);
      expect(Math.abs(x.mean - y.mean)).toBeLessThan(4 * Math.hypot(x.se, y.se));
      expect(ksTwoSample(a, one[k])).toBeLessThan(ksCritical(200, 200, 0.001));
    }
    for (const v of pair.logs!.off!.absDelta) expect(Number.isFinite(v)).toBe(true);
  });

  it('σ_w² = 16, L = 1 300 (Θ′ ≈ e^(6·10⁶)): no network lost where a zero term meets a huge exponent', () => {
    // some layers' ⟨x, x′⟩ or ⟨δ, δ′⟩ are exactly 0 here; 0·2^(large) once made such a network NaN (12 of 20)
    const spec: GdStepSpec = {
      sigmaW2: 16,
      sigmaB2: 0,
      widths: widthsOf(1300, 30),
      lr: 1e-3,
      target: 0,
      activation: 'gelu',
      pairCos: 0.5,
    };
    const r = run(spec, 20, new Rng(1));
    expect(r.diverged).toBe(0);
    expect(Math.min(...r.logs!.thetaAfter)).toBeGreaterThan(1e5);
  });
});
