import { describe, expect, it } from 'vitest';
import { freezeChaosModel, remark4Constant, thetaDiagonal } from '../../src-shared/theory/freeze-chaos/index';
import { dcnnView } from './freeze-chaos-dcnn-view';
import { DEFAULT_REQUEST } from './freeze-chaos-view';

const q2 = { ...DEFAULT_REQUEST.dcnn, dims: 2 as const, depth: 2, inputPositions: 2 };

describe('2-D deconvolution view (Jacot et al. 2019, Thm 4, Remark 4, Prop. 2 with d = 2)', () => {
  it('Prop. 2 in 2-D: parent-based Θ_pp is flat along the middle row; the classic one is lower at the border', () => {
    const model = freezeChaosModel({ activation: 'relu', beta: 0.3, nonlinearity: 'standardized' });
    const d = dcnnView(model, q2);
    expect(d.positions).toBe(14); // 2 → 6 → 14 per dimension
    expect(d.fcDiag).toBeCloseTo(thetaDiagonal(model.r, 2), 12);
    for (const row of d.border) expect(row.parent).toBeCloseTo(d.fcDiag, 10);
    expect(d.border[0].classic as number).toBeLessThan(d.border[7].classic as number);
  });

  it('bulk (periodic): ϑ at offsets with v_s < L is Remark 4’s constant over Θ_pp; Thm 4 bounds every offset', () => {
    const model = freezeChaosModel({ activation: 'relu', beta: 0.5, nonlinearity: 'standardized' }); // freeze
    const L = 3;
    const d = dcnnView(model, { ...q2, depth: L, periodic: true, inputCorrelation: 0.4 });
    expect(d.boundSource).toBe('thm4');
    const diag = thetaDiagonal(model.r, L);
    for (const rows of [d.checker, d.diagonal!]) {
      for (const r of rows) {
        expect(r.vartheta).toBeLessThanOrEqual((r.upper as number) + 1e-12);
        if (r.offset !== 0 && r.valuation < L - 1)
          expect(r.vartheta).toBeCloseTo(remark4Constant(model, r.valuation) / diag, 12);
      }
      expect(rows[(rows.length - 1) / 2].vartheta).toBeCloseTo(1, 14);
    }
  });

  it('too many pixels: a clear error naming the depth', () => {
    const model = freezeChaosModel({ activation: 'relu', beta: 0.5, nonlinearity: 'standardized' });
    expect(() => dcnnView(model, { ...q2, depth: 4, inputPositions: 4 })).toThrow(/^depth: the 2-D output/);
  });
});
