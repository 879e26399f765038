import { describe, expect, it } from 'vitest';
import { defaultRecordSteps } from '../../src-shared/contract/train-dynamics';
import { planRuns } from './train-dynamics-view';
import { curvesCsv, kernelsCsv, pickKernelSteps, recordsCsv, runColours, seriesOf } from './train-dynamics-series';
import { RunState } from './train-dynamics-session';
import { diverged, record, tiny } from './train-dynamics.test-util';

describe('series', () => {
  const recs = [record(0), record(3, { testLoss: 0 }), diverged(6)];
  it('skips missing values, the diverged record and (on a log axis) values ≤ 0', () => {
    expect(seriesOf(recs, 'testLoss', true).map((p) => p.step)).toEqual([0]);
    expect(seriesOf(recs, 'testLoss', false).map((p) => p.step)).toEqual([0, 3]);
    const c = seriesOf(recs, 'ratioC');
    expect(c.map((p) => p.value)).toEqual([12 / 30, 12.03 / 30]);
    expect(seriesOf(recs, 'ratioN').every((p) => Number.isFinite(p.value))).toBe(true);
  });
  it('colours: black at the EOC, ordered blue-green, chaotic orange-red, distinct', () => {
    const cols = runColours([1, 1.5, 2, 2.2, 3]);
    expect(cols[2]).toBe('#111111');
    expect(new Set(cols).size).toBe(5);
    const rgbOf = (c: string) => c.match(/\d+/g)!.map(Number);
    expect(rgbOf(cols[0])[2]).toBeGreaterThan(rgbOf(cols[0])[0]); // blue > red
    expect(rgbOf(cols[4])[0]).toBeGreaterThan(rgbOf(cols[4])[2]); // red > blue
  });
});

describe('heat-map steps', () => {
  it('defaults to first, ≈1/3, ≈2/3 and last of the recorded steps (Fig. 4 t ∈ {0, 100, 500, 3000})', () => {
    expect(pickKernelSteps(defaultRecordSteps(300))).toEqual([0, 100, 200, 300]);
    expect(pickKernelSteps([0, 3, 6])).toEqual([0, 3, 6]);
    expect(pickKernelSteps([])).toEqual([]);
    expect(pickKernelSteps([0, 1, 2, 5, 10, 20], [4, 6, 1000])).toEqual([5, 20]);
    expect(pickKernelSteps([0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5])).toHaveLength(4);
  });
});

describe('exports', () => {
  it('records CSV: one row per recorded step, ratios included, a diverged record as empty cells (never NaN)', () => {
    const p = planRuns(tiny)[0].params;
    const run = new RunState(2, p, 'diverged', [record(0), diverged(3)]);
    const rows = recordsCsv([run]).trimEnd().split('\n');
    expect(rows).toHaveLength(3);
    expect(rows[0].split(',')).toContain('thetaC_over_thetaD');
    expect(rows.every((r) => r.split(',').length === 14)).toBe(true);
    expect(rows[1].split(',')[10]).toBe(String(12 / 30));
    expect(rows[2]).toBe('2,3,0.3,,,,,,,,,,true,4');
    expect(recordsCsv([run])).not.toMatch(/NaN|undefined|null/);
  });
  it('kernels CSV: 100×100 rows per heat map with the class of row and column', () => {
    const k = Array.from({ length: 10_000 }, (_, i) => i);
    const rows = kernelsCsv([{ sigmaW2: 2, step: 6, kernel: k }])
      .trimEnd()
      .split('\n');
    expect(rows).toHaveLength(10_001);
    expect(rows[1]).toBe('2,6,0,0,0,0,0');
    expect(rows[1 + 57 * 100 + 9]).toBe(`2,6,57,9,5,0,${57 * 100 + 9}`);
    expect(() => kernelsCsv([{ sigmaW2: 2, step: 6, kernel: [1, 2] }])).toThrow(RangeError);
  });
});

describe('curvesCsv', () => {
  it('has exactly the plotted quantities, empty where a curve has no point', () => {
    const p = planRuns(tiny)[0].params;
    const run = new RunState(1, p, 'diverged', [record(0), diverged(3)]);
    const rows = curvesCsv([run], ['ratioC', 'ratioN']).trimEnd().split('\n');
    expect(rows).toEqual([
      'sigmaW2,step,epoch,thetaC_over_thetaD,thetaN_over_thetaD',
      `1,0,0,${12 / 30},${9 / 30}`,
      '1,3,0.3,,',
    ]);
  });
});
