import { describe, expect, it } from 'vitest';
import { parseTrainabilityParams } from '../../../src-shared/contract/trainability';
import { axisValues, bisectionLevels, sweepGrid } from './grid';

describe('sweep grid', () => {
  it('axis values: evenly spaced with exact ends, or explicit values sorted and deduplicated', () => {
    expect(axisValues({ min: 0.5, max: 4, count: 8 })).toEqual([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]);
    expect(axisValues({ values: [3, 1, 3, 2] })).toEqual([1, 2, 3]);
    expect(axisValues({ min: 2, max: 2, count: 1 })).toEqual([2]);
  });

  it('bisection levels: ends first, then midpoints; every index gets a level', () => {
    expect(bisectionLevels(5)).toEqual([0, 2, 1, 2, 0]);
    expect(bisectionLevels(1)).toEqual([0]);
    const l = bisectionLevels(20);
    expect(l.every((v) => v >= 0)).toBe(true);
    expect(l[0]).toBe(0);
    expect(l[19]).toBe(0);
  });

  it('schedule is coarse first: 4 corners, then the 3×3 subgrid, then the rest; each cell once', () => {
    const g = sweepGrid(
      parseTrainabilityParams({ grid: { sigmaW2: { min: 1, max: 5, count: 5 }, depth: { values: [2, 4, 6, 8, 10] } } }),
    );
    expect(g.cells).toHaveLength(25);
    expect(new Set(g.cells.map((c) => `${c.i},${c.j}`)).size).toBe(25);
    const corners = g.cells.slice(0, 4).map((c) => [c.sigmaW2, c.depth]);
    expect(corners.sort()).toEqual(
      [
        [1, 10],
        [1, 2],
        [5, 10],
        [5, 2],
      ].sort(),
    );
    const coarse = g.cells.slice(0, 9);
    for (const c of coarse) {
      expect([1, 3, 5]).toContain(c.sigmaW2);
      expect([2, 6, 10]).toContain(c.depth);
    }
    g.cells.forEach((c, k) => expect(c.order).toBe(k));
  });

  it('L/M axis: L = round(λM), at least 1, duplicates merged', () => {
    const g = sweepGrid(
      parseTrainabilityParams({
        width: 10,
        grid: { sigmaW2: { values: [2] }, depthToWidth: { values: [0.01, 0.1, 0.12, 0.5] } },
      }),
    );
    expect(g.depths).toEqual([1, 5]);
  });

  it('bad grids are RangeErrors with readable messages', () => {
    expect(() => parseTrainabilityParams({ grid: { sigmaW2: { values: [1] } } })).toThrow(
      /exactly one of depth, depthToWidth/,
    );
    expect(() =>
      parseTrainabilityParams({ grid: { sigmaW2: { min: 3, max: 1, count: 4 }, depth: { values: [2] } } }),
    ).toThrow(/min must be ≤ max/);
    expect(() =>
      sweepGrid(parseTrainabilityParams({ grid: { sigmaW2: { values: [-1] }, depth: { values: [2] } } })),
    ).toThrow(RangeError);
    expect(() =>
      sweepGrid(parseTrainabilityParams({ grid: { sigmaW2: { values: [1] }, depth: { values: [1000] } } })),
    ).toThrow(/depths must lie in 1…200/);
    // fractional depths are refused, never rounded (2.5 used to become 3, and 2:3:3 trained L = 2, 3)
    const depthGrid = (depth: object) =>
      sweepGrid(parseTrainabilityParams({ grid: { sigmaW2: { values: [1] }, depth } }));
    expect(() => depthGrid({ values: [2.5, 3] })).toThrow(/depths must be whole numbers of layers, got 2.5$/);
    expect(() => depthGrid({ min: 2, max: 3, count: 3 })).toThrow(/got 2.5 \(min:max:count needs/);
    expect(depthGrid({ min: 3, max: 60, count: 20 }).depths).toEqual(Array.from({ length: 20 }, (_, k) => 3 + 3 * k));
    expect(() => parseTrainabilityParams({ steps: Number.NaN })).toThrow(RangeError);
    expect(() => parseTrainabilityParams({ dataset: 'mnist', trainSize: 9500, testSize: 1000 })).toThrow(/≤ 10000/);
    expect(() => parseTrainabilityParams({ batchSize: 500, trainSize: 200 })).toThrow(/batchSize/);
    expect(() => parseTrainabilityParams({ nonsense: 1 })).toThrow(RangeError);
  });

  it('paperSize fills the Fig. 3 preset; explicit fields still win', () => {
    const p = parseTrainabilityParams({ paperSize: true, steps: 50 });
    expect(p.width).toBe(1024);
    expect(p.batchSize).toBe(1024);
    expect(p.steps).toBe(50);
    expect(sweepGrid(p).cells).toHaveLength(400);
  });
});
