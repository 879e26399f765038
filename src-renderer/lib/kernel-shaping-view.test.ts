// The Kernel-shaping tab's logic against independent computations: the ReLU arc-cosine closed form (Martens et al.
// 2021 (DKS), eq. (15)) iterated by hand, ψ^D = ζ for a chain (Sec. 17), Theorem 13's bounds, and mean-field χ₁ = ψ
// for the transformed φ̂ at (σ_w², σ_b²) = (1, 0) (C′(1) = q E φ′²/Q at q = Q = 1 is χ₁/σ_w²).
import { describe, expect, it } from 'vitest';
import { sliceCsv } from '../plots/export-data';
import {
  C_POINTS,
  DEFAULT_SHAPING_INPUT,
  TRAJECTORY_DEPTH,
  TRAJECTORY_INPUTS,
  computeShaping,
  curveColumns,
  shapingJson,
  sliderFromZeta,
  validateShapingInput,
  zetaFromSlider,
  type ChainCurves,
  type ShapingInput,
  type ShapingResult,
} from './kernel-shaping-view';

const input = (p: Partial<ShapingInput>): ShapingInput => ({ ...DEFAULT_SHAPING_INPUT, ...p });

/** ReLU's normalized C map (eq. (15)); independent of q. */
const reluC = (c: number) => (Math.sqrt(Math.max(0, 1 - c * c)) + (Math.PI - Math.acos(c)) * c) / Math.PI;

function allFinite(r: ShapingResult): boolean {
  const arrays = [r.x, r.phi, r.phiHat, r.c, r.localBefore, r.localAfter, r.after.globalMap!, ...r.after.trajectories];
  return arrays.every((a) => Array.from(a).every(Number.isFinite));
}

describe('ζ slider on a log(ζ − 1) axis', () => {
  it('round-trips and has no position for ζ ≤ 1', () => {
    for (const z of [1.0001, 1.1, 1.5, 10, 1001]) expect(zetaFromSlider(sliderFromZeta(z)!)).toBeCloseTo(z, 10);
    expect(sliderFromZeta(1)).toBeNull();
    expect(sliderFromZeta(0.5)).toBeNull();
    expect(sliderFromZeta(Number.NaN)).toBeNull();
  });
});

describe('input validation names the field', () => {
  it('rejects ζ ≤ 1, D < 1, a bad ResNet depth or skip weight', () => {
    expect(() => validateShapingInput(input({ zeta: 1 }))).toThrow(/ζ must be a number > 1/);
    expect(() => validateShapingInput(input({ zeta: Number.NaN }))).toThrow(/ζ/);
    expect(() => validateShapingInput(input({ depth: 0 }))).toThrow(/depth D/);
    expect(() => validateShapingInput(input({ depth: 2.5 }))).toThrow(/depth D/);
    expect(() => validateShapingInput(input({ architecture: 'resnet', depth: 51 }))).toThrow(/eq\. \(20\)/);
    expect(() => validateShapingInput(input({ architecture: 'resnet', depth: 50, skipWeight: 0 }))).toThrow(
      /skip weight w/,
    );
    expect(() => validateShapingInput(input({ activation: 'nope' }))).toThrow(/φ: unknown activation/);
    expect(validateShapingInput(input({ architecture: 'layernorm', depth: 40 }))).toEqual({ kind: 'chain', depth: 40 });
    expect(validateShapingInput(input({ architecture: 'resnet', depth: 50, skipWeight: 0.2 }))).toEqual({
      kind: 'resnet',
      depth: 50,
      w: 0.2,
    });
  });

  it('says so when no root exists, with the best residual, and rejects a transform with Q(1) ≤ 0', () => {
    expect(() => computeShaping(input({ activation: 'linear' }))).toThrow(/no α solves.*best residual/);
    expect(() => computeShaping(input({ activation: 'softplus', zeta: 1e4, depth: 20 }))).toThrow(
      /no \(α, β\).*best residual norm/,
    );
    expect(() => computeShaping(input({ userTransform: { alpha: 1, beta: 0, gamma: 0, delta: 0 } }))).toThrow(
      /Q\(1\) = E\[φ̂\(x\)²\] = 0 ≤ 0/,
    );
    expect(() => computeShaping(input({ userTransform: { alpha: 0, beta: 0, gamma: 1, delta: 0 } }))).toThrow(/α ≠ 0/);
    expect(() => computeShaping(input({ rootIndex: 5 }))).toThrow(/root 6 does not exist/);
  });
});

describe('computeShaping', () => {
  const cache = new Map<string, ChainCurves>();
  const zeta = 1.5;
  const depth = 100;
  const r = computeShaping(input({ activation: 'softplus', zeta, depth }), cache);

  it('meets the four conditions, and the chain of φ̂ has global C′(1) = ψ^D = ζ with q fixed at 1', () => {
    expect(r.psi).toBeCloseTo(zeta ** (1 / depth), 14);
    for (const root of r.roots) expect(root.worst).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(r.residuals.q1)).toBeLessThanOrEqual(1e-9);
    expect(r.after.globalCPrime1! / zeta - 1).toBeLessThan(1e-9);
    expect(Math.abs(r.after.qEnd - 1)).toBeLessThan(1e-9);
    expect(allFinite(r)).toBe(true);
    expect(r.after.trajectories.map((t) => t.length)).toEqual(TRAJECTORY_INPUTS.map(() => TRAJECTORY_DEPTH));
  });

  it("keeps the global C map within Theorem 13's bound 2(C′(1) − 1) after DKS, and far less degenerate", () => {
    // C(0) = 0 after the transform: max|C_f − c| ≤ 2(C_f′(1) − 1) (Martens et al. 2021 (DKS), Theorem 13)
    expect(r.after.maxDeviation!).toBeLessThanOrEqual(2 * (zeta - 1) + 1e-9);
    const near = computeShaping(input({ activation: 'softplus', zeta: 1.05, depth }), cache);
    expect(near.after.maxDeviation!).toBeLessThanOrEqual(2 * 0.05 + 1e-9);
    expect(near.before.maxDeviation!).toBeGreaterThan(0.2);
  });

  it('puts φ̂ at q* = 1, χ₁ = ψ: just on the chaotic side of its critical line', () => {
    expect(r.point.after.qStar).toBe(1);
    expect(r.point.after.chi1!).toBeCloseTo(r.psi, 8);
    expect(r.point.after.phase).toBe('chaotic');
    const crit0 = r.point.after.critical[0];
    expect(crit0.sigmaB2).toBe(0);
    // χ₁ > 1 at σ_w² = 1: the critical σ_w² of φ̂ lies below 1
    expect(crit0.sigmaW2!).toBeLessThan(1);
  });

  it('draws ReLU before the transform as the iterated arc-cosine map', () => {
    const relu = computeShaping(input({ activation: 'relu', zeta: 1.2, depth: 20 }));
    expect(relu.conditions).toEqual(['q1', 'c0', 'cPrime1']);
    let maxLocal = 0;
    let maxGlobal = 0;
    for (let k = 0; k < C_POINTS; k++) {
      const c = relu.c[k];
      maxLocal = Math.max(maxLocal, Math.abs(relu.localBefore[k] - reluC(c)));
      let v = c;
      for (let l = 0; l < 20; l++) v = reluC(v);
      maxGlobal = Math.max(maxGlobal, Math.abs(relu.before.globalMap![k] - v));
    }
    // the Hermite series' truncation (tail ≈ 4e-5 at K = 160, docs/dks.md) bounds both errors
    expect(maxLocal).toBeLessThan(1e-4);
    expect(maxGlobal).toBeLessThan(2e-4);
  });

  it('stops a chain whose q runs to 0 with a note instead of NaN (GELU before the transform)', () => {
    const gelu = computeShaping(input({ activation: 'gelu', zeta: 1.5, depth: 300 }));
    expect(gelu.before.depth).toBeLessThan(300);
    expect(gelu.before.globalMap).toBeNull();
    expect(gelu.before.note).toMatch(/q runs to 0/);
    expect(gelu.before.trajectories.every((t) => Array.from(t).every(Number.isFinite))).toBe(true);
    const cols = curveColumns(gelu, 'global');
    expect(sliceCsv(cols.x, cols.series)).not.toMatch(/NaN/);
  });

  it('keeps q = 1 at every layer behind Layer Norm', () => {
    const ln = computeShaping(input({ activation: 'tanh', zeta: 1.5, depth: 40, architecture: 'layernorm' }));
    expect(ln.before.qEnd).toBeCloseTo(1, 12);
    expect(ln.psi).toBeCloseTo(1.5 ** (1 / 40), 14);
    // one layer behind Layer Norm is the local C map at q = 1 (the first trajectory step)
    const k = TRAJECTORY_INPUTS.indexOf(0.5);
    const j = ln.c.findIndex((c) => Math.abs(c - 0.5) < 1e-12);
    expect(ln.before.trajectories[k][0]).toBeCloseTo(ln.localBefore[j], 12);
  });

  it('exports the plotted columns and the parameters', () => {
    const cols = curveColumns(r, 'depth');
    expect(cols.series).toHaveLength(2 * TRAJECTORY_INPUTS.length);
    const csv = sliceCsv(cols.x, cols.series).trim().split('\n');
    expect(csv).toHaveLength(TRAJECTORY_DEPTH + 1);
    const doc = JSON.parse(shapingJson(r, 'global', 'test'));
    expect(doc.psi).toBe(r.psi);
    expect(doc.residuals).toEqual(r.residuals);
  });
});
