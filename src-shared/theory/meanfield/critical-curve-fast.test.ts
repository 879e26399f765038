// The table-backed critical line (critical-curve.ts, issue 5 performance) against the same algorithm evaluated by
// direct quadrature ({ quadrature: true }): the tables agree with quadrature to ~1e-14, so every σ_w² must agree to
// 1e-9 and every found/none status and reason must be the same.
import { describe, expect, it } from 'vitest';
import { getActivation, type Activation } from './activation';
import { criticalCurve, criticalSigmaW2 } from './critical-curve';
import { fixedPoint } from './fixed-point';
import { qTable } from './tables';

// ~10 σ_b² per activation; GELU's include the band 0.15–0.17 where the line starts (none → found at σ_b² ≈ 0.155)
const GRID = [0.001, 0.02, 0.05, 0.1, 0.15125, 0.15625, 0.16125, 0.2, 0.35, 0.5];

describe('critical line: q-table path = quadrature path', () => {
  for (const name of ['gelu', 'tanh', 'erf', 'sigmoid', 'selu', 'relu']) {
    it(`${name}: same status, reason and σ_w² (to 1e-9) at ${GRID.length} σ_b²`, () => {
      const fast = criticalCurve(name, GRID);
      const direct = criticalCurve(name, GRID, { quadrature: true });
      for (let i = 0; i < GRID.length; i++) {
        const f = fast[i];
        const d = direct[i];
        expect(f.kind, `${name} σ_b² = ${GRID[i]}`).toBe(d.kind);
        if (f.kind === 'found' && d.kind === 'found') {
          expect(Math.abs(f.sigmaW2 - d.sigmaW2), `${name} σ_b² = ${GRID[i]}`).toBeLessThan(1e-9);
          expect(f.qStar === null).toBe(d.qStar === null);
          if (f.qStar !== null && d.qStar !== null)
            expect(Math.abs(f.qStar - d.qStar)).toBeLessThan(1e-8 * Math.max(1, d.qStar));
        }
        if (f.kind === 'none' && d.kind === 'none') expect(f.reason).toBe(d.reason);
      }
    });
  }

  it('the fast path really fills the q table (non-closed-form φ) and its answer has χ₁ = 1 by direct quadrature', () => {
    const tanh: Activation = { ...getActivation('tanh') }; // a fresh object: its own, empty table
    expect(qTable(tanh).built.length).toBe(0);
    const p = criticalSigmaW2(tanh, 0.3);
    if (p.kind !== 'found') throw new Error(p.reason);
    expect(qTable(tanh).built.length).toBeGreaterThan(8);
    expect(criticalSigmaW2(tanh, 0.3, undefined, { quadrature: true })).toMatchObject({ kind: 'found' });
    const fp = fixedPoint({ activation: 'tanh', sigmaW2: p.sigmaW2, sigmaB2: 0.3 }); // quadrature, no table
    if (fp.kind !== 'finite') throw new Error(fp.reason);
    expect(Math.abs(fp.chi1 - 1)).toBeLessThan(1e-9);
  });

  // its time (was ~2 s by quadrature) is in npm run bench (mean-field theory: sigmoid critical line)
  it('sigmoid has no transition for σ_w² ≤ 16 at every σ_b² of a 200-point line', () => {
    const sbs = Float64Array.from({ length: 200 }, (_, j) => ((j + 0.5) * 0.5) / 200);
    const curve = criticalCurve('sigmoid', sbs);
    expect(curve.length).toBe(200);
    for (const p of curve) {
      expect(p.kind).toBe('none');
      if (p.kind === 'none') expect(p.reason).toMatch(/whole range is ordered/);
    }
  });

  it('bad σ_b² still throws RangeError on the fast path', () => {
    expect(() => criticalSigmaW2('gelu', Number.NaN)).toThrow(RangeError);
    expect(() => criticalCurve('gelu', [0.1, -0.5])).toThrow(RangeError);
  });
});

describe('GELU is bistable: a crossing counts only for the fixed point reached from q⁰ = 1', () => {
  it('every found point has χ₁ = 1 at the q* reached from q⁰ = 1; the jump band is reported with its reason', () => {
    const sigmaB2s = Array.from({ length: 40 }, (_, i) => 0.14 + (0.04 * i) / 39);
    const curve = criticalCurve('gelu', sigmaB2s);
    let jumps = 0;
    for (const p of curve) {
      if (p.kind === 'found') {
        const fp = fixedPoint({ activation: 'gelu', sigmaW2: p.sigmaW2, sigmaB2: p.sigmaB2 });
        expect(fp.kind).toBe('finite');
        if (fp.kind === 'finite') expect(Math.abs(fp.chi1 - 1)).toBeLessThan(1e-6);
      } else if (/two stable fixed points/.test(p.reason)) jumps++;
    }
    expect(jumps).toBeGreaterThan(0); // σ_b² ≈ 0.156–0.171 (found by H13 at 0.16125: q* 33.5 vs 1.74 from q⁰ = 1)
  });
});
