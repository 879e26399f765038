import { describe, expect, it } from 'vitest';
import { freezeChaosModel } from '../../src-shared/theory/freeze-chaos/index';
import {
  DEFAULT_REQUEST,
  FIG1_NRELU_BETA,
  betaFromSigmaB2,
  betaLineCrossing,
  computeFreezeChaosView,
  dcnnView,
  kernelOnCircle,
  phaseBadge,
  phasePlane,
  validateRequest,
  type FreezeChaosRequest,
} from './freeze-chaos-view';

const req = (over: Partial<FreezeChaosRequest>): FreezeChaosRequest => ({ ...DEFAULT_REQUEST, ...over });

describe('freeze-chaos view: readouts', () => {
  it('r, β* and the phase badge across β* (normalized ReLU: E[σ̇²] = π/(π − 1), β* = 1/√π, Prop. 1)', () => {
    // β = 0.5 < β* ≈ 0.564 < 0.6
    const chaos = computeFreezeChaosView(req({ nonlinearity: 'normalized', beta: 0.5 })).summary;
    expect(chaos.betaStar).toBeCloseTo(1 / Math.sqrt(Math.PI), 12);
    expect(chaos.r).toBeCloseTo((1 - 0.25) * (Math.PI / (Math.PI - 1)), 12);
    expect(chaos.r).toBeGreaterThan(1);
    expect(phaseBadge(chaos).label).toBe('chaos');
    const frozen = computeFreezeChaosView(req({ nonlinearity: 'normalized', beta: 0.6 })).summary;
    expect(frozen.r).toBeLessThan(1);
    // normalized ReLU has a kink in σ′: Thm 3's weakly frozen phase
    expect(phaseBadge(frozen).label).toBe('weakly frozen');
    const tanh = computeFreezeChaosView(req({ activation: 'tanh', beta: 0.9 })).summary;
    expect(phaseBadge(tanh).label).toBe('freeze');
  });

  it('σ_b² on the β line gives β = √σ_b², and rejects σ_b² outside [0, 1] by name', () => {
    expect(betaFromSigmaB2(0.25)).toBe(0.5);
    expect(() => betaFromSigmaB2(1.5)).toThrow(/σ_b²/);
  });

  it('bad requests name the field', () => {
    expect(() => validateRequest(req({ beta: 1.2 }))).toThrow(/^β:/);
    expect(() => validateRequest(req({ cos: -1.5 }))).toThrow(/^cos:/);
    expect(() => validateRequest(req({ depth: 0 }))).toThrow(/^depth L:/);
    expect(() => validateRequest(req({ activation: 'nope' }))).toThrow(/^activation:/);
  });
});

describe('freeze-chaos view: curves', () => {
  it('ReLU β = 0.5, L = 6 on the circle matches the Fig. 1 oracle (independent NumPy recursion in the digest)', () => {
    const model = freezeChaosModel({ activation: 'relu', beta: 0.5, nonlinearity: 'standardized' });
    const rows = kernelOnCircle(model, 6, 9); // γ = −π, −3π/4, …, π
    const theta = rows.slice(4).map((r) => r.theta as number);
    const oracle = [3.2881, 2.5415, 2.0897, 1.8982, 1.8523];
    theta.forEach((t, k) => expect(Math.abs(t - oracle[k])).toBeLessThan(6e-5));
    // symmetric in γ, and ϑ(x, x) = 1 with Θ(x,x) = Σ r^{L−ℓ}
    rows.forEach((r, k) => expect(r.vartheta).toBeCloseTo(rows[rows.length - 1 - k].vartheta, 12));
    const r = 0.75;
    expect(rows[4].theta).toBeCloseTo((1 - r ** 6) / (1 - r), 12);
    // Thm 3 bound (fitted C) brackets ϑ
    for (const row of rows) expect(row.vartheta).toBeGreaterThanOrEqual((row.lower as number) - 1e-12);
  });

  it("Fig. 1's circle means match the oracle at L = 6 (.687, .413, .269) and L = 1 gives β²", () => {
    const v = computeFreezeChaosView(req({ fig1: true, depth: 6 }));
    const means = (v.fig1 ?? []).map((f) => f.circleMean);
    expect(means[0][5]).toBeCloseTo(0.687, 3);
    expect(means[1][5]).toBeCloseTo(0.413, 3);
    expect(means[2][5]).toBeCloseTo(0.269, 3);
    expect(means[0][0]).toBeCloseTo(0.25, 10);
    expect((v.fig1 ?? [])[2].r).toBeCloseTo(1.2, 12);
    expect(FIG1_NRELU_BETA).toBeCloseTo(0.4266, 4);
  });

  it('ϑ vs depth: the chaos bound (explicit constants) holds and the freeze C is reported as fitted', () => {
    const chaos = computeFreezeChaosView(req({ activation: 'tanh', beta: 0.1, cos: 0.5, depth: 30 })).depth;
    expect(chaos.theorem).toBe('thm2-chaos');
    expect(chaos.fittedConstant).toBeNull();
    for (const r of chaos.rows) expect(Math.abs(r.vartheta)).toBeLessThanOrEqual((r.upper as number) + 1e-12);
    const freeze = computeFreezeChaosView(req({ activation: 'tanh', beta: 0.9, cos: 0.5 })).depth;
    expect(freeze.theorem).toBe('thm2-freeze');
    expect(freeze.fittedConstant).toBeGreaterThan(0);
  });

  it('the antipodal phase plane: 0 at β = 1 (constant kernel), 2 for odd tanh at β = 0 (ϑ(x, −x) = −1)', () => {
    const p = phasePlane('tanh', 'standardized', 'antipodal', 0, 10, 11);
    const nb = p.betas.length;
    for (let l = 0; l < 10; l++) {
      expect(p.values[l * nb + nb - 1]).toBeCloseTo(0, 12);
      expect(p.values[l * nb]).toBeCloseTo(2, 12);
    }
    // deep in chaos 1 − ϑ(x, −x) stays away from 0; deep in freeze it goes to 0 with L
    const deep = phasePlane('tanh', 'standardized', 'antipodal', 0, 60, 11);
    expect(deep.values[59 * 11 + 9]).toBeLessThan(deep.values[0 * 11 + 9]);
    expect(deep.betaStar).toBeGreaterThan(0);
  });
});

describe('freeze-chaos view: β line vs the Explore critical line, DC-NN', () => {
  it('standardized tanh: the β line meets χ₁ = 1 where the mean-field critical σ_w² is (independent computation)', () => {
    const c = betaLineCrossing(freezeChaosModel({ activation: 'tanh', beta: 0.3, nonlinearity: 'standardized' }), 0);
    expect(c.applicable).toBe(true);
    expect(Math.abs((c.sigmaW2Star as number) - (c.criticalAtStar as number))).toBeLessThan(1e-8);
    // at σ_b² = 0 the critical tanh network is σ_w² = 1
    expect(c.criticalAtShared).toBeCloseTo(1, 8);
    const n = betaLineCrossing(freezeChaosModel({ activation: 'tanh', beta: 0.3, nonlinearity: 'normalized' }), 0);
    expect(n.applicable).toBe(false);
  });

  it('Prop. 2: the parent-based Θ_pp is Σ r^{L−ℓ} at every position; the classic one drops at the borders', () => {
    const model = freezeChaosModel({ activation: 'relu', beta: 0.5, nonlinearity: 'standardized' });
    const d = dcnnView(model, { ...DEFAULT_REQUEST.dcnn });
    for (const row of d.border) expect(row.parent).toBeCloseTo(d.fcDiag, 10);
    const mid = d.border[Math.floor(d.border.length / 2)].classic as number;
    expect(d.border[0].classic as number).toBeLessThan(mid);
    // Thm 4 in freeze: ϑ_{p,p+d} ≤ (1 − r^{v+1})/(1 − r^L)
    for (const r of d.checker) expect(r.vartheta).toBeLessThanOrEqual((r.upper as number) + 1e-12);
  });

  it('layer learning rates: parent-based Θ_pp is flat at Σ_k (η_W(1 − β²) + η_bβ²)r^{L−k}; F.1 carries Prop. 7', () => {
    const model = freezeChaosModel({ activation: 'tanh', beta: 0.4, nonlinearity: 'normalized' });
    for (const lrScaling of ['sec6.1', 'appF.1'] as const) {
      const d = dcnnView(model, { ...DEFAULT_REQUEST.dcnn, depth: 4, lrScaling });
      for (const row of d.border) expect(row.parent).toBeCloseTo(d.fcDiag, 10);
      expect(d.boundSource).toBe(lrScaling === 'appF.1' && model.r < 1 ? 'prop7' : null);
      expect(d.sqrtSr).toBeCloseTo(Math.SQRT2 * model.r, 14);
    }
    // App. F.1 in closed form (η_W = η_b = S^{−k/2}): S^{−L/2}(1 − (√S r)^L)/(1 − √S r)
    const r = model.r;
    const f1 = dcnnView(model, { ...DEFAULT_REQUEST.dcnn, depth: 4, lrScaling: 'appF.1' }).fcDiag;
    expect(f1).toBeCloseTo(2 ** -2 * ((1 - (Math.SQRT2 * r) ** 4) / (1 - Math.SQRT2 * r)), 12);
    expect(() =>
      validateRequest({ ...DEFAULT_REQUEST, dcnn: { ...DEFAULT_REQUEST.dcnn, lrScaling: 'x' as never } }),
    ).toThrow(/^learning rates: /);
  });
});
