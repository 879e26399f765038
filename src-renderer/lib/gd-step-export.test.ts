import { describe, expect, it } from 'vitest';
import type { GdPoint } from './gd-step-jobs';
import { sliceSchedule } from './gd-step-plots';
import { GD_STEP_DEFAULTS } from './gd-step-view';
import { gdExportJson, sliceCsvText } from './gd-step-export';
import { gdResult, parse } from './gd-step.test-util';

describe('slice export', () => {
  it('has the realized λ and the series per row, and JSON names the theory it draws', () => {
    const specs = sliceSchedule([1, 2.2], 50);
    const points: GdPoint[] = specs.map(() => ({ status: 'done', result: gdResult() }));
    const rows = parse(sliceCsvText(specs, points, 50));
    expect(rows.length).toBe(specs.length + 1);
    const k = rows[0].indexOf('depthToWidth');
    expect(rows.slice(1).map((r) => Number(r[k]))).toEqual(specs.map((s) => s.depth / 50));
    // what the plot marks: the tail share and whether the point's SE is trusted
    const [t, trust] = [rows[0].indexOf('tailShare'), rows[0].indexOf('trust')];
    expect(t > 0 && trust > 0).toBe(true);
    expect(rows[1][trust]).toMatch(/^(precise|heavy-tail|below-resolution|imprecise)$/);
    const doc = JSON.parse(
      gdExportJson({
        plot: 'gd-step-slice',
        version: 't',
        width: 50,
        alpha0: 1,
        inputDim: 50,
        controls: GD_STEP_DEFAULTS,
        quantity: 'abs',
        cursor: { sigmaW2: 2, depthToWidth: 0.5, depth: 25 },
        layout: { sigmas: [1, 2.2] },
        exportedAt: 'x',
      }),
    );
    expect(doc.theory).toMatch(/Thm 4\.1/);
    expect(doc.controls.lr).toBe(GD_STEP_DEFAULTS.lr);
    expect(doc.quantity).toBe('E[|ΔΘ|] / E[Θ]');
  });
});
