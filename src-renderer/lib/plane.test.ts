import { describe, expect, it } from 'vitest';
import { cellCentres, cellStep, clampCursor, depthFromLambda, linspace, PLANE, stepCursor, tidy } from './plane';

describe('plane geometry', () => {
  it('samples 200 × 150 cell centres inside the axes', () => {
    const xs = cellCentres(PLANE.sigmaW2);
    const ys = cellCentres(PLANE.depthToWidth);
    expect(xs.length).toBe(200);
    expect(ys.length).toBe(150);
    expect(xs[0]).toBe(0.50875); // 0.5 + ½·3.5/200
    expect(xs[199]).toBe(3.99125);
    expect(ys[0]).toBe(0.005);
    expect(ys[149]).toBe(1.495);
    for (let i = 1; i < xs.length; i++) expect(xs[i] - xs[i - 1]).toBeCloseTo(cellStep(PLANE.sigmaW2), 12);
  });

  it('steps the cursor by whole cells without round-off and clamps at the edges', () => {
    let c = { sigmaW2: 2, depthToWidth: 0.5 };
    for (let k = 0; k < 7; k++) c = stepCursor(c, 1, 1);
    expect(c).toEqual({ sigmaW2: 2.1225, depthToWidth: 0.57 }); // 2 + 7·0.0175, 0.5 + 7·0.01
    for (let k = 0; k < 7; k++) c = stepCursor(c, -1, -1);
    expect(c).toEqual({ sigmaW2: 2, depthToWidth: 0.5 }); // back exactly on the EOC
    expect(stepCursor(c, 1000, -1000)).toEqual({ sigmaW2: 4, depthToWidth: 0 });
    expect(clampCursor({ sigmaW2: -3, depthToWidth: 9 })).toEqual({ sigmaW2: 0.5, depthToWidth: 1.5 });
    expect(() => clampCursor({ sigmaW2: NaN, depthToWidth: 0 })).toThrow(RangeError);
  });

  it('realizes depth as max(1, round(λM))', () => {
    expect(depthFromLambda(0.5, 200)).toBe(100);
    expect(depthFromLambda(0, 200)).toBe(1);
    expect(depthFromLambda(0.0024, 200)).toBe(1);
    expect(depthFromLambda(1.5, 10_000)).toBe(15_000);
    expect(() => depthFromLambda(-0.1, 200)).toThrow(RangeError);
    expect(() => depthFromLambda(0.5, 0)).toThrow(RangeError);
    expect(() => depthFromLambda(Number.NaN, 200)).toThrow(RangeError);
  });

  it('linspace includes both ends and tidy removes binary noise only', () => {
    const l = linspace(0, 1.5, 301);
    expect(l[0]).toBe(0);
    expect(l[300]).toBe(1.5);
    expect(l[25]).toBe(0.125);
    expect(tidy(0.1 + 0.2)).toBe(0.3);
    expect(tidy(1 / 3)).toBeCloseTo(1 / 3, 11);
    expect(() => linspace(0, 1, 1)).toThrow(RangeError);
  });
});
