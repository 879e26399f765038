import { describe, expect, it } from 'vitest';
import { PLANE } from './plane';
import type { GdPoint } from './gd-step-jobs';
import {
  OUTLIER_SPAN,
  sliceYDomain,
  WHISKER_SPAN,
  gdLayerSchedule,
  layerProgress,
  layerTiles,
  layerColourDomain,
  log10Domain,
  sliceSchedule,
} from './gd-step-plots';
import { layerCsvText, RESULT_COLUMNS } from './gd-step-export';
import { gdResult, parse } from './gd-step.test-util';

describe('slice schedule', () => {
  it('measures each σ_w² at the realized depths max(1, round(λM)), each once', () => {
    const s = sliceSchedule([1, 2, 2.2], 200);
    expect(s.length).toBe(24);
    expect(s.filter((p) => p.series === 0).map((p) => p.depth)).toEqual([4, 10, 20, 40, 70, 100, 150, 200]);
    expect(new Set(s.map((p) => p.channel)).size).toBe(24);
    for (const p of s) expect(p.lambdaRealized).toBeCloseTo(p.depth / 200, 12);
    // M = 20: λ = 0.02 and 0.05 both give L = 1 → merged
    const small = sliceSchedule([2], 20);
    expect(small.map((p) => p.depth)).toEqual([1, 2, 4, 7, 10, 15, 20]);
    expect(() => sliceSchedule([Number.NaN], 20)).toThrow(RangeError);
    expect(() => sliceSchedule([2], 0)).toThrow(RangeError);
  });
});

describe('plane layer', () => {
  const cells = gdLayerSchedule(100);

  it('covers the Explore plane with 8 × 6 then 16 × 12 cell centres, coarse first', () => {
    expect(cells.length).toBe(48 + 192);
    expect(cells.slice(0, 48).every((c) => c.level === 0)).toBe(true);
    for (const c of cells) {
      const w = (PLANE.sigmaW2.max - PLANE.sigmaW2.min) / c.nx;
      const h = (PLANE.depthToWidth.max - PLANE.depthToWidth.min) / c.ny;
      expect(c.sigmaW2).toBeCloseTo(PLANE.sigmaW2.min + (c.i + 0.5) * w, 10);
      expect(c.depthToWidth).toBeCloseTo(PLANE.depthToWidth.min + (c.j + 0.5) * h, 10);
      expect(c.depth).toBe(Math.max(1, Math.round(c.depthToWidth * 100)));
    }
    expect(() => gdLayerSchedule(100, 3)).toThrow(RangeError);
  });

  it('draws every fine cell from its own result, its own failure, or the coarse cell that contains it', () => {
    const points: GdPoint[] = cells.map(() => ({ status: 'waiting' }));
    expect(layerTiles(cells, points, 'abs')).toEqual([]);
    // finish the coarse pass with value 10^(i) so the source is identifiable
    cells.forEach((c, k) => {
      if (c.level === 0)
        points[k] = { status: 'done', result: gdResult({ absRelativeChange: { estimate: 10 ** c.i, stderr: 0.01 } }) };
    });
    let tiles = layerTiles(cells, points, 'abs');
    expect(tiles.length).toBe(192);
    for (const t of tiles) {
      // the parent's rectangle contains the child's centre (an independent check of the i >> 1 mapping)
      const w = (PLANE.sigmaW2.max - PLANE.sigmaW2.min) / 8;
      const h = (PLANE.depthToWidth.max - PLANE.depthToWidth.min) / 6;
      expect(Math.abs(t.cell.sigmaW2 - t.source.sigmaW2)).toBeLessThan(w / 2);
      expect(Math.abs(t.cell.depthToWidth - t.source.depthToWidth)).toBeLessThan(h / 2);
      expect(t.log10).toBeCloseTo(t.source.i, 12);
    }
    const fine = cells.findIndex((c) => c.level === 1 && c.i === 5 && c.j === 3);
    const failed = cells.findIndex((c) => c.level === 1 && c.i === 6 && c.j === 3);
    points[fine] = {
      status: 'done',
      result: gdResult({ absRelativeChange: { estimate: 1e-7, stderr: 1e-9 }, diverged: 2 }),
    };
    points[failed] = { status: 'error', error: 'refused: too big' };
    tiles = layerTiles(cells, points, 'abs');
    const tf = tiles.find((t) => t.cell === cells[fine])!;
    expect(tf.source).toBe(cells[fine]);
    expect(tf.log10).toBeCloseTo(-7, 12);
    expect(tf.flag).toBe('diverged');
    const te = tiles.find((t) => t.cell === cells[failed])!;
    expect(Number.isNaN(te.log10)).toBe(true);
    expect(te.point.error).toMatch(/refused/);
    expect(log10Domain(tiles)).toEqual([-7, 7]);
    expect(layerProgress(cells, points)).toEqual({ done: 49, failed: 1, running: 0, planned: 240, level: 1 });
  });

  it('clips the colour bar 8 decades beyond the quartiles, so a few chaotic cells do not flatten the rest', () => {
    const tile = (log10: number) => ({ log10 }) as Parameters<typeof log10Domain>[0][number];
    const tiles = [-6, -5.5, -5, -4.5, -4, -3, 294].map(tile);
    const d = layerColourDomain(tiles)!;
    // quartiles −5.25 and −3.5: the bar spans [−13.25, 4.5] ∩ [−6, 294]
    expect(d.lo).toBe(-6);
    expect(d.hi).toBeCloseTo(-3.5 + 8, 12);
    expect([d.min, d.max, d.clippedLow, d.clippedHigh]).toEqual([-6, 294, false, true]);
    // a narrow field is not clipped, and fewer than four values never are
    expect(layerColourDomain([-6, -5, -4, -3].map(tile))).toMatchObject({ lo: -6, hi: -3, clippedHigh: false });
    expect(layerColourDomain([-6, 294].map(tile))).toMatchObject({ lo: -6, hi: 294, clippedHigh: false });
    expect(layerColourDomain([])).toBeNull();
  });

  it('widens a flat colour domain and has none without values', () => {
    const t = { log10: 1 } as Parameters<typeof log10Domain>[0][number];
    expect(log10Domain([t, t])).toEqual([0.95, 1.05]);
    expect(log10Domain([])).toBeNull();
  });

  it('exports one CSV row per cell with the lab’s reason for failures', () => {
    const points: GdPoint[] = cells.map(() => ({ status: 'waiting' }));
    points[0] = { status: 'done', result: gdResult({ samples: 197, diverged: 3 }) };
    points[1] = { status: 'error', error: 'refused: dense, too big' };
    const csv = layerCsvText(cells, points, 100);
    const rows = parse(csv);
    expect(rows[0]).toEqual(['level', 'i', 'j', 'nx', 'ny', ...RESULT_COLUMNS]);
    expect(csv.trim().split('\n').length).toBe(241);
    const col = (name: string) => rows[0].indexOf(name);
    expect(Number(rows[1][col('absRelativeChange')])).toBe(0.07);
    expect(Number(rows[1][col('diverged')])).toBe(3);
    expect(Number(rows[1][col('sigmaW2')])).toBe(cells[0].sigmaW2);
    expect(rows[2][col('status')]).toBe('error');
    expect(csv.split('\n')[2].endsWith(',error,"refused: dense, too big"')).toBe(true); // quoted: it has a comma
    expect(rows[3][col('relativeChange')]).toBe('');
    expect(rows[1][col('absRelativeChange_log10')]).toBe(''); // inside float64: no log form
    points[2] = {
      status: 'done',
      result: gdResult({ logAbsRelativeChange: { logAbs: 5000 * Math.LN10, sign: 1, relStderr: 0.4 } }),
    };
    const big = parse(layerCsvText(cells, points, 100))[3];
    expect(Number(big[col('absRelativeChange_log10')])).toBeCloseTo(5000, 9);
    expect(Number(big[col('absRelativeChange_relStderr')])).toBe(0.4);
  });
});

describe('sliceYDomain (slice plot log axis)', () => {
  const points = [
    { abs: 0.02, stderr: 0.002 },
    { abs: 0.05, stderr: 0.004 },
    { abs: 0.3, stderr: 0.03 },
  ];
  it('spans the values and their bars, padded by 1.3', () => {
    const d = sliceYDomain(points, []);
    expect(d.lo).toBeCloseTo(0.018 / 1.3, 12);
    expect(d.hi).toBeCloseTo(0.33 * 1.3, 12);
    for (const p of points) expect(d.clipped(p.abs, p.stderr)).toEqual({ top: false, bottom: false });
  });
  it('a heavy-tailed point (SE ≫ value) extends the axis by at most a decade and its bar is clipped both ways', () => {
    const heavy = { abs: 0.5, stderr: 400 };
    const d = sliceYDomain([...points, heavy], []);
    expect(d.hi).toBeCloseTo(0.5 * WHISKER_SPAN * 1.3, 12); // not 400.5·1.3
    expect(d.lo).toBeCloseTo(0.018 / 1.3, 12); // the lower bar (negative) does not drag the axis down
    expect(d.clipped(heavy.abs, heavy.stderr)).toEqual({ top: true, bottom: true });
    for (const p of points) expect(d.clipped(p.abs, p.stderr)).toEqual({ top: false, bottom: false });
  });
  it('a chaotic point at 1e120 sits beyond the axis, which keeps to 8 decades past the quartiles of the values', () => {
    const values = [0.01, 0.02, 0.05, 0.3, 1, 3, 1e120];
    const d = sliceYDomain(
      values.map((abs) => ({ abs, stderr: abs / 20 })),
      [[1e-3, 1e200]],
    );
    // quartiles (R-7, as d3.quantileSorted): 0.035 and 2; the curve's 1e200 is capped like the points
    expect(d.hi).toBeCloseTo(2 * OUTLIER_SPAN * 1.3, 0);
    expect(d.lo).toBeCloseTo(1e-3 / 1.3, 12);
    expect(d.place(1e120)).toBe('above');
    expect(d.place(3)).toBe('inside');
    expect(d.place(1e-30)).toBe('below');
    expect(values.slice(0, 6).every((v) => d.place(v) === 'inside')).toBe(true);
  });
  it('takes theory curves in, ignores non-positive values, and keeps at least a decade', () => {
    const d = sliceYDomain([{ abs: 1, stderr: 0.01 }], [[0, -1, Number.NaN, 1e-3]]);
    expect(d.lo).toBeCloseTo(1e-3 / 1.3, 12);
    const narrow = sliceYDomain([{ abs: 1, stderr: 0.01 }], []);
    expect(narrow.hi / narrow.lo).toBeCloseTo(10 * 1.3 * 1.3, 9);
    const empty = sliceYDomain([], []);
    expect([empty.lo, empty.hi]).toEqual([1e-3 / 1.3, 1.3]);
  });
});
