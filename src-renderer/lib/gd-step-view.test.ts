import { describe, expect, it } from 'vitest';
import {
  divergedText,
  effectiveLr,
  flagOf,
  formatLogEstimate,
  formatMeanTheta,
  formatOffQuantity,
  formatQuantity,
  formatRelative,
  log10Of,
  GD_STEP_DEFAULTS,
  gdStepJobParams,
  gdTarget,
  lazyKey,
  resultParams,
  lazyPrediction,
  lazyScaleNote,
  theoryStatement,
  trustOf,
  sliceRefine,
  chaoticBoundAt,
  chaoticBoundCurve,
  chaoticBoundUnavailable,
} from './gd-step-view';
import { gdResult, net } from './gd-step.test-util';

describe('job parameters from the controls', () => {
  it('sends the controls through the contract schema unchanged, pairCos only when set', () => {
    const p = gdStepJobParams(net, GD_STEP_DEFAULTS, 64);
    expect(p).toEqual({ ...net, lr: 1e-3, target: 0, scale: 1, inputNorm: 1, samples: 64, seed: 1, method: 'exact' });
    expect('pairCos' in p).toBe(false);
    expect(gdStepJobParams(net, { ...GD_STEP_DEFAULTS, pairCos: 0.5 }, 64).pairCos).toBe(0.5);
  });

  it('rejects a bad η, y, α or N with the schema’s readable reason (never sends NaN)', () => {
    for (const lr of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => gdStepJobParams(net, { ...GD_STEP_DEFAULTS, lr }, 64)).toThrow(RangeError);
      expect(() => gdStepJobParams(net, { ...GD_STEP_DEFAULTS, lr }, 64)).toThrow(/η/);
    }
    expect(() => gdStepJobParams(net, { ...GD_STEP_DEFAULTS, scale: 0 }, 64)).toThrow(/scale \(α\) must be > 0/);
    expect(() => gdStepJobParams(net, { ...GD_STEP_DEFAULTS, target: Number.NaN }, 64)).toThrow(/target/);
    expect(() => gdStepJobParams(net, GD_STEP_DEFAULTS, 2)).toThrow(/samples \(N\) must be ≥ 3/);
    const t = gdTarget('c', net, { ...GD_STEP_DEFAULTS, lr: 0 }, 64);
    expect(t.params).toEqual({ invalid: expect.stringMatching(/η/) });
  });

  it('scales η by a^{−L} when asked (computed in log space), and refuses a value beyond float64', () => {
    expect(effectiveLr(0.01, 'fixed', 3, 500)).toBe(0.01);
    expect(effectiveLr(0.01, 'a-pow-minus-L', 2.2, 10)).toBeCloseTo(0.01 * Math.pow(1.1, -10), 15);
    expect(effectiveLr(0.01, 'a-pow-minus-L', 2, 300)).toBeCloseTo(0.01, 15); // a = 1 at the EOC
    // a = 0.25: 0.25^{−1000} = 2^{2000} overflows
    expect(() => effectiveLr(0.01, 'a-pow-minus-L', 0.5, 1000)).toThrow(/leaves float64/);
    // a finite but huge η is still caught by the contract's η ≤ 1e6
    expect(() =>
      gdStepJobParams({ ...net, sigmaW2: 1, depth: 40 }, { ...GD_STEP_DEFAULTS, lrScaling: 'a-pow-minus-L' }, 64),
    ).toThrow(/≤ 1e6/);
  });
});

describe('readout words', () => {
  it('states only the limit Thm 4.1 proves for each phase, and that no finite-size curve exists', () => {
    const ordered = theoryStatement(1, 20, 1e-3);
    expect([ordered.phase, ordered.limit]).toEqual(['ordered', 0]);
    expect(ordered.statement).toMatch(/→ 0/);
    expect(ordered.extra).toMatch(/a\^\{2L\}/);
    const chaotic = theoryStatement(2.2);
    expect([chaotic.phase, chaotic.limit]).toEqual(['chaotic', Infinity]);
    expect(chaotic.statement).toMatch(/→ ∞/);
    expect(chaotic.extra).toMatch(/O\(a⁻ᴸ\)/);
    for (const t of [ordered, chaotic]) expect(t.extra).toMatch(/Limit only/);
    const eoc = theoryStatement(2);
    expect([eoc.phase, eoc.limit]).toEqual(['edge-of-chaos', null]);
    expect(eoc.statement).toMatch(/Hanin & Nica/);
  });

  it('draws the App. A.3 chaotic expression only under its assumptions, linear in the η actually sent', () => {
    expect(chaoticBoundUnavailable(GD_STEP_DEFAULTS, 'abs')).toBe('');
    expect(chaoticBoundUnavailable(GD_STEP_DEFAULTS, 'signed')).toMatch(/E\[\|ΔΘ\|\]/);
    expect(chaoticBoundUnavailable({ target: 1, inputNorm: 2, scale: 1 }, 'abs')).toMatch(/y = 0, ‖x‖ = 1/);
    const fixed = chaoticBoundAt(net, GD_STEP_DEFAULTS);
    expect(fixed).toBeGreaterThan(0);
    // η₀·a^{−L}: the expression is 2η·E[…]/E[Θ], so it scales by exactly a^{−L} = 1.1^{−10}
    expect(chaoticBoundAt(net, { ...GD_STEP_DEFAULTS, lrScaling: 'a-pow-minus-L' }) / fixed).toBeCloseTo(
      Math.pow(1.1, -10),
      12,
    );
    expect(chaoticBoundAt(net, { ...GD_STEP_DEFAULTS, lr: 2e-3 }) / fixed).toBeCloseTo(2, 12);
    expect(Number.isNaN(chaoticBoundAt({ ...net, sigmaW2: 2 }, GD_STEP_DEFAULTS))).toBe(true);
    expect(Number.isNaN(chaoticBoundAt({ ...net, depth: 1 }, GD_STEP_DEFAULTS))).toBe(true);
    const curve = chaoticBoundCurve(2.2, 50, 50, GD_STEP_DEFAULTS, 1, 60);
    expect(curve.xs[0]).toBeCloseTo(2 / 50, 12);
    expect(curve.xs[curve.xs.length - 1]).toBeCloseTo(1, 12);
    expect(new Set(curve.xs).size).toBe(curve.xs.length);
    expect(curve.ys.every((v) => v > 0)).toBe(true);
    expect(chaoticBoundCurve(1, 50, 50, GD_STEP_DEFAULTS, 1).xs).toEqual([]);
  });

  it('counts overflowed steps out of all that were tried, and never prints NaN', () => {
    expect(divergedText(gdResult({ samples: 197, diverged: 3 }))).toBe('3 of 200 steps overflowed (left out)');
    expect(divergedText(gdResult())).toBe('');
    expect(formatRelative({ estimate: Number.NaN, stderr: Number.NaN })).toBe('—');
    expect(formatRelative({ estimate: 0.0512, stderr: 0.0043 })).toBe('0.0512 ± 0.0043');
    expect(lazyScaleNote(1)).toBe('');
    expect(lazyScaleNote(10)).toMatch(/÷ 100/);
  });

  it('predicts the change at α from the α = 1 measurement by 1/α² (App. B.3), keyed on everything but α', () => {
    const p = lazyPrediction(
      gdResult({ relativeChange: { estimate: 0.4, stderr: 0.04 }, absRelativeChange: { estimate: 0.5, stderr: 0.02 } }),
      2,
    );
    expect(p.relativeChange.estimate).toBeCloseTo(0.1, 15);
    expect(p.relativeChange.stderr).toBeCloseTo(0.01, 15);
    expect(p.absRelativeChange.estimate).toBeCloseTo(0.125, 15);
    expect(() => lazyPrediction(gdResult({ scale: 3 }), 2)).toThrow(RangeError);
    const a = gdStepJobParams(net, GD_STEP_DEFAULTS, 64);
    expect(lazyKey(a)).toBe(lazyKey({ ...a, scale: 7 }));
    expect(lazyKey(a)).not.toBe(lazyKey({ ...a, lr: 2e-3 }));
    // a result maps back to the parameters that asked for it
    const r = gdResult({
      sigmaW2: net.sigmaW2,
      depth: net.depth,
      width: net.width,
      inputDim: net.inputDim,
      samplesRequested: 64,
      scale: 1,
    });
    expect(lazyKey(resultParams(r))).toBe(lazyKey(a));
    expect(resultParams(r)).toEqual(a);
  });

  it('flags diverged, unresolved and negative estimates', () => {
    expect(flagOf(gdResult(), 'abs')).toBeNull();
    expect(flagOf(gdResult({ diverged: 1 }), 'abs')).toBe('diverged');
    expect(flagOf(gdResult({ relativeChange: { estimate: 0.01, stderr: 0.02 } }), 'signed')).toBe('noisy');
    expect(flagOf(gdResult({ relativeChange: { estimate: -0.05, stderr: 0.01 } }), 'signed')).toBe('negative');
    expect(flagOf(gdResult({ relativeChange: { estimate: Number.NaN, stderr: Number.NaN } }), 'signed')).toBe('noisy');
  });

  it('reads a value beyond float64 from its log form (issue 16): log₁₀, flag and text', () => {
    const sat = { estimate: Number.MAX_VALUE, stderr: Number.MAX_VALUE };
    const big = gdResult({
      relativeChange: { estimate: -Number.MAX_VALUE, stderr: Number.MAX_VALUE },
      absRelativeChange: sat,
      logRelativeChange: { logAbs: 1000 * Math.LN10, sign: -1, relStderr: 0.3 },
      logAbsRelativeChange: { logAbs: 1000.5 * Math.LN10, sign: 1, relStderr: 1.2 },
    });
    expect(log10Of(big, 'signed')).toBeCloseTo(1000, 10);
    expect(log10Of(big, 'abs')).toBeCloseTo(1000.5, 10);
    expect(flagOf(big, 'signed')).toBe('negative');
    expect(flagOf(big, 'abs')).toBe('noisy'); // relative SE ≥ 1
    expect(formatLogEstimate(big.logRelativeChange!)).toBe('≈ −1.00 × 10^1000 (SE 30 %)');
    expect(formatLogEstimate(big.logAbsRelativeChange!)).toBe('≈ 3.16 × 10^1000 (SE 120 %)');
    expect(formatQuantity(big, 'signed')).toBe('≈ −1.00 × 10^1000 (SE 30 %)');
    // precision is judged on the relative SE of the log form, not on the saturated plain value
    const precise = gdResult({
      samples: 400,
      tailShare: 0.05,
      absRelativeChange: sat,
      logAbsRelativeChange: { logAbs: 1000 * Math.LN10, sign: 1, relStderr: 0.01 },
    });
    expect(trustOf(precise, 'abs')).toBeNull();
    expect(sliceRefine(precise)).toBeNull();
    expect(trustOf({ ...precise, absRelativeChange: { estimate: 1e-3, stderr: 1e-3 } }, 'abs')).toBeNull();
    expect(trustOf({ ...precise, logAbsRelativeChange: undefined }, 'abs')).toBe('imprecise');
    // without a log form: the plain estimate
    expect(log10Of(gdResult({ absRelativeChange: { estimate: 1e-3, stderr: 1e-4 } }), 'abs')).toBeCloseTo(-3, 12);
    expect(log10Of(gdResult({ absRelativeChange: { estimate: 0, stderr: 0 } }), 'abs')).toBeNaN();
  });

  it('shows E[Θ] and the off-diagonal change in log form only where their plain values saturated', () => {
    const sat = { estimate: Number.MAX_VALUE, stderr: Number.MAX_VALUE };
    const log = { logMean: 400 * Math.LN10, relStderr: 0.5 };
    expect(formatMeanTheta(gdResult({ meanTheta: sat, logMeanTheta: log }))).toBe('≈ 1.00 × 10^400 (SE 50 %)');
    // E[Θ] inside float64 while Θ′ left it: the plain value ± SE
    const plain = gdResult({
      meanTheta: { estimate: 12, stderr: 0.5 },
      logMeanTheta: { logMean: Math.log(12), relStderr: 0.04 },
    });
    expect(formatMeanTheta(plain)).not.toMatch(/10\^/);
    expect(formatOffQuantity(gdResult(), 'abs')).toBe('—');
    const off = gdResult({
      offDiagonal: {
        relativeChange: { estimate: -Number.MAX_VALUE, stderr: Number.MAX_VALUE },
        absRelativeChange: sat,
        logRelativeChange: { logAbs: 900 * Math.LN10, sign: -1, relStderr: 0.2 },
        logAbsRelativeChange: { logAbs: 900 * Math.LN10, sign: 1, relStderr: 0.2 },
      },
    });
    expect(formatOffQuantity(off, 'signed')).toBe('≈ −1.00 × 10^900 (SE 20 %)');
    expect(formatOffQuantity(off, 'abs')).toBe('≈ 1.00 × 10^900 (SE 20 %)');
    // a log form beside an ordinary ratio (only Θ left float64, e.g. a step that saturates every unit): value ± SE
    const ordinary = gdResult({
      relativeChange: { estimate: -1, stderr: 1e-9 },
      logRelativeChange: { logAbs: 0, sign: -1, relStderr: 1e-9 },
    });
    expect(formatQuantity(ordinary, 'signed')).not.toMatch(/10\^/);
  });
});
