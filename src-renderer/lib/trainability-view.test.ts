import { describe, expect, it } from 'vitest';
import { MAP_STATUS, meanfieldPoint } from '../../src-shared/theory/meanfield';
import {
  NONE_RGB,
  axisValues,
  cellTiles,
  coarseToFine,
  contourLines,
  depthScaleContours,
  gridPoints,
  log10DepthOverXi,
  noneRanges,
  paintTheory,
  planeDomain,
  runFor,
  theoryColumns,
  tileEdges,
} from './trainability-view';
import { GRID, cell, columns, run } from './trainability.test-util';

describe('grid and tiles', () => {
  it('expands an 8 × 6 grid to 8 × 6 cells with tiles that meet at midpoints', () => {
    expect(axisValues({ min: 0.5, max: 4, count: 8 })).toEqual([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]);
    const g = gridPoints(GRID, 128);
    expect(g.depths).toEqual([2, 5, 10, 20, 30, 40]);
    expect(tileEdges(g.depths)).toEqual([0.5, 3.5, 7.5, 15, 25, 35, 45]);
    expect(tileEdges([3])).toEqual([2.5, 3.5]);
    // λ axis: L = max(1, round(λM)), duplicates merged
    expect(
      gridPoints({ sigmaW2: { values: [1] }, depthToWidth: { values: [0, 0.001, 0.1, 0.1004] } }, 128).depths,
    ).toEqual([1, 13]);
    expect(planeDomain(GRID, 'depth', 128)).toEqual({ x: [0.25, 4.25], y: [0, 45] });
    expect(planeDomain(GRID, 'depthToWidth', 128).y[1]).toBeCloseTo(45 / 128, 15);
  });

  it('places finished cells on their tiles and skips cells off the grid', () => {
    const tiles = cellTiles([cell(2, 10), cell(0.5, 40), cell(2.2, 10)], GRID, 'depth', 128);
    expect(tiles.map((t) => [t.x0, t.x1, t.y0, t.y1])).toEqual([
      [1.75, 2.25, 7.5, 15],
      [0.25, 0.75, 35, 45],
    ]);
  });
});

describe('theory columns', () => {
  it('visits every column once, coarse first', () => {
    const order = coarseToFine(50);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(order.slice(0, 4)).toEqual([0, 16, 32, 48]);
  });

  it('yields between columns so a frame budget can stop it', () => {
    let t = 0;
    const gen = theoryColumns('relu', 0, [0.25, 4.25], 40);
    expect(runFor(gen, 3, () => t++).done).toBe(false); // 3 ticks of the fake clock: stopped early
    expect(run(gen).count).toBe(40);
  });

  it('ReLU: ξ₁ = −1/log(σ_w²/2) below 2, no finite fixed point above (σ_b² = 0 and > 0)', () => {
    for (const b of [0, 0.1]) {
      const c = columns('relu', b);
      for (let i = 0; i < c.xs.length; i++) {
        if (c.xs[i] < 2) {
          expect(c.status[i]).toBe(MAP_STATUS.ordered);
          expect(c.xi[i]).toBeCloseTo(-1 / Math.log(c.xs[i] / 2), 9);
        } else expect(c.status[i]).toBe(MAP_STATUS.none);
      }
      // the hatched range starts at the first column right of σ_w² = 2 and runs to the window's edge
      const r = noneRanges(c, [0.25, 4.25]);
      expect(r).toHaveLength(1);
      expect(r[0].x0).toBeCloseTo(2, 12); // 2 is a column edge for 80 columns of 0.05
      expect(r[0].x1).toBeCloseTo(4.25, 12);
    }
  });

  it('paints grey (never a colour) where there is no fixed point, and counts it', () => {
    const c = columns('relu', 0.1, 40);
    const ny = 10;
    const px = new Uint8ClampedArray(4 * 40 * ny);
    const { none } = paintTheory(c, ny, [0, 60], 'depth', 128, px);
    const noneCols = Array.from(c.status).filter((s) => s === MAP_STATUS.none).length;
    expect(none).toBe(noneCols * ny);
    const last = 4 * (ny * 40 - 1);
    expect([...px.subarray(last, last + 3)]).toEqual([...NONE_RGB]);
    expect(log10DepthOverXi(c, 39, 10)).toBeNaN();
    expect(() => paintTheory(c, ny, [0, 60], 'depth', 128, new Uint8ClampedArray(8))).toThrow(RangeError);
  });

  it('rejects bad input with RangeError', () => {
    expect(() => columns('nope', 0)).toThrow(/activation/);
    expect(() => columns('relu', Number.NaN)).toThrow(RangeError);
    expect(() => columns('relu', -1)).toThrow(RangeError);
    expect(() => run(theoryColumns('relu', 0, [1, 0.5], 10))).toThrow(RangeError);
    expect(() => run(theoryColumns('relu', 0, [0.25, 4], 1e9))).toThrow(RangeError);
  });
});

describe('contours', () => {
  it('a level set of a linear field is the straight line, with the border runs removed', () => {
    // f(i, j) = i − j on 20 × 20 samples: level 0 is the diagonal u = v
    const n = 20;
    const f = Float64Array.from({ length: n * n }, (_, k) => (k % n) - Math.floor(k / n));
    const lines = contourLines(f, n, n, 0);
    expect(lines).toHaveLength(1);
    for (const [u, v] of lines[0]) expect(Math.abs(u - v)).toBeLessThanOrEqual(0.5 + 1e-12);
    // a field entirely above the level gives only border runs: no line at all
    expect(contourLines(new Float64Array(n * n).fill(1), n, n, 0)).toEqual([]);
  });

  // Independent check: each vertex of the d3-contour line L = c·ξ lies on the curve c·ξ(σ_w²) computed by
  // meanfieldPoint (fixedPoint + depthScales, not the map), up to one grid cell in σ_w² and one in depth.
  const cases: [string, number][] = [
    ['relu', 0.05],
    ['erf', 0.05],
    ['tanh', 0],
  ];
  for (const [act, b] of cases) {
    it(`${act}, σ_b² = ${b}: c·ξ₁ and c·ξ* lines follow the theory's depth scales`, () => {
      const nx = 80;
      const ny = 60;
      const c = 6;
      const x: [number, number] = [0.25, 4.25];
      const y: [number, number] = [0, 60];
      const cols = run(theoryColumns(act, b, x, nx));
      const lines = depthScaleContours(cols, c, y, 'depth', 128, ny);
      const dx = (x[1] - x[0]) / nx;
      const dy = (y[1] - y[0]) / ny;
      const sides = [['ordered', 'xi1'] as const, ...(act === 'relu' ? [] : [['chaotic', 'xiStar'] as const])];
      for (const [side, key] of sides) {
        expect(lines[side].length).toBeGreaterThan(0);
        let vertices = 0;
        for (const line of lines[side]) {
          for (const [xv, yv] of line.filter((_, k) => k % 3 === 0)) {
            const f = (s: number) => {
              const p = meanfieldPoint(act, s, b);
              return p[key] === null ? (p.phase === 'critical' ? Infinity : Number.NaN) : c * (p[key] as number);
            };
            const vals = [f(xv - dx), f(xv), f(xv + dx)].filter((v) => !Number.isNaN(v));
            expect(vals.length).toBeGreaterThan(0);
            expect(yv).toBeGreaterThanOrEqual(Math.min(...vals) - dy);
            expect(yv).toBeLessThanOrEqual(Math.max(...vals) + dy);
            vertices++;
          }
        }
        expect(vertices).toBeGreaterThan(8);
      }
      if (act === 'relu') expect(lines.chaotic).toEqual([]); // no finite fixed point on the chaotic side
    });
  }

  it('the λ axis is the depth axis divided by M', () => {
    const cols = columns('erf', 0.05, 40);
    const a = depthScaleContours(cols, 6, [0, 60], 'depth', 100, 30);
    const b = depthScaleContours(cols, 6, [0, 0.6], 'depthToWidth', 100, 30);
    expect(b.ordered.length).toBe(a.ordered.length);
    a.ordered[0].forEach(([xv, yv], k) => {
      expect(b.ordered[0][k][0]).toBeCloseTo(xv, 12);
      expect(b.ordered[0][k][1] * 100).toBeCloseTo(yv, 9);
    });
    expect(() => depthScaleContours(cols, 0, [0, 60], 'depth', 100, 30)).toThrow(RangeError);
  });
});
