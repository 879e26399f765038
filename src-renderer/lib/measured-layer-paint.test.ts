import { describe, expect, it } from 'vitest';
import { interpolateViridis } from 'd3';
import { predictPoint } from '../../src-shared/theory';
import { colourLut, INVALID_RGB, paintHeatmap } from '../plots/heatmap';
import { cellAt, isReliable, layerSchedule, type LayerView } from './measured-layer';
import {
  layerRects,
  logColour,
  measuredCellsCsv,
  MEASURED_CELLS_COLUMNS,
  ratioColour,
  ratioPosition,
  RATIO_DOMAIN,
  type LayerStyle,
} from './measured-layer-paint';
import { config, resultFor } from './measured-layer.test-util';

describe('colours and reliability', () => {
  it('maps ratio 1 to the neutral middle of the diverging scale and mirrors around it', () => {
    const one = ratioColour(1);
    expect(one).toEqual([247, 247, 247]);
    expect(one[0]).toBe(one[1]);
    expect(one[1]).toBe(one[2]); // grey-white: no hue at agreement
    expect(ratioPosition(1)).toBe(0.5);
    for (const r of [1.05, 1.1, 1.2]) {
      expect(ratioPosition(r) + ratioPosition(1 / r)).toBeCloseTo(1, 12);
      const hi = ratioColour(r);
      const lo = ratioColour(1 / r);
      expect(hi[0]).toBeGreaterThan(hi[2]); // above 1: red
      expect(lo[2]).toBeGreaterThan(lo[0]); // below 1: blue
    }
    // saturation beyond the domain, invalid ratios grey
    expect(ratioColour(5)).toEqual(ratioColour(RATIO_DOMAIN[1]));
    expect(ratioColour(0.01)).toEqual(ratioColour(RATIO_DOMAIN[0]));
    for (const bad of [Number.NaN, 0, -1, Number.POSITIVE_INFINITY]) expect(ratioColour(bad)).toEqual(INVALID_RGB);
  });

  it('colours a measured value exactly as the heat map colours the same predicted value', () => {
    const lut = colourLut(interpolateViridis, 256);
    const values = Float64Array.from([1, 1.37, 2.9, 17, 250, 999]);
    const domain = [1, 999] as const;
    const px = new Uint8ClampedArray(values.length * 4);
    paintHeatmap(values, values.length, 1, domain, lut, px);
    values.forEach((v, k) => expect(logColour(v, domain, lut)).toEqual([px[4 * k], px[4 * k + 1], px[4 * k + 2]]));
    expect(logColour(Number.NaN, domain, lut)).toEqual(INVALID_RGB);
  });

  it('flags heavy tails and large relative errors as unreliable', () => {
    const r = (tailShare: number, estimate: number, stderr: number) => ({
      tailShare,
      dispersion: { estimate, stderr },
    });
    expect(isReliable(r(0.03, 1.2, 0.01))).toBe(true);
    expect(isReliable(r(0.1, 1.2, 0.24))).toBe(true); // both thresholds are inclusive
    expect(isReliable(r(0.11, 1.2, 0.01))).toBe(false);
    expect(isReliable(r(0.03, 1.2, 0.25))).toBe(false);
    expect(isReliable(r(0.03, Number.NaN, 0.01))).toBe(false);
  });
});

// ---- runner with a scripted LabClient

describe('drawing, lookup and CSV of a layer', () => {
  /** A view with the given jobs finished (estimate from `value`). */
  function viewWith(
    levels: number,
    finishedJobs: (jobIndex: number) => boolean,
    value: (k: number) => number = () => 1.1,
  ): LayerView {
    const schedule = layerSchedule(config({ levels }));
    const outcomes = schedule.jobs.map((j, k) => {
      if (!finishedJobs(k)) return { status: 'queued' as const };
      const params = { sigmaW2: j.sigmaW2, depth: j.depth, width: 30, inputDim: 30, samples: 500, seed: j.seed };
      const p = predictPoint(params);
      return {
        status: 'done' as const,
        result: resultFor(params, value(k)),
        predicted: { finite: p.dispersion.finite, limit: p.dispersion.limit },
      };
    });
    return {
      version: 1,
      schedule,
      outcomes,
      cellsDone: 0,
      cellsFailed: 0,
      cellsPlanned: schedule.cells.length,
      running: 0,
      level: null,
      halted: null,
    };
  }
  const style = (mode: 'dispersion' | 'ratio'): LayerStyle => ({
    mode,
    kind: 'finite',
    domain: [1, 100],
    lut: colourLut(interpolateViridis, 256),
  });

  it('draws a finished cell in its own place and hides a parent once its four children are in', () => {
    const s = layerSchedule(config({ levels: 2 }));
    const level0 = (k: number) => s.jobs[k].level === 0;
    const v = viewWith(2, level0);
    const rects = layerRects(v, 800, 600, style('ratio'));
    expect(rects.length).toBe(48);
    // level-0 cell (i, j) covers x ∈ [100i, 100i+100), y from the top: row j = 0 is the bottom strip
    const r = rects.find((x) => x.cell === 2 * 8 + 1)!;
    expect(r).toMatchObject({ x: 100, y: 300, w: 100, h: 100 });
    const sq = layerRects(v, 800, 600, style('dispersion')).find((x) => x.cell === 2 * 8 + 1)!;
    expect(sq).toMatchObject({ x: 120, y: 320, w: 60, h: 60 }); // a centred square, 60 % of the cell
    // the four children of level-0 cell (0, 0) land: the parent disappears, its neighbours stay
    const kids = new Set([0, 1, 16, 17].map((c) => s.cells[48 + c].job));
    const v2 = viewWith(2, (k) => level0(k) || kids.has(k));
    const rects2 = layerRects(v2, 800, 600, style('ratio'));
    expect(rects2.some((x) => x.cell === 0)).toBe(false);
    expect(rects2.filter((x) => s.cells[x.cell].level === 1).length).toBe(4);
    expect(rects2.length).toBe(47 + 4);
    // lookup returns the finest finished cell under a point
    expect(cellAt(v2, 0.55, 0.05)?.level).toBe(1);
    expect(cellAt(v2, 3.9, 1.4)?.level).toBe(0);
    expect(
      cellAt(
        viewWith(2, () => false),
        1,
        1,
      ),
    ).toBeNull();
    expect(cellAt(v2, 5, 1)).toBeNull();
  });

  it('colours by measured/predicted in ratio mode: agreement is neutral, unreliable cells are flagged', () => {
    const s = layerSchedule(config({ levels: 1 }));
    const pred = (k: number) =>
      predictPoint({ sigmaW2: s.jobs[k].sigmaW2, depth: s.jobs[k].depth, width: 30, inputDim: 30 }).dispersion.finite;
    const v = viewWith(
      1,
      () => true,
      (k) => (k === 5 ? 1.1 * pred(k) : pred(k)),
    );
    const rects = layerRects(v, 800, 600, style('ratio'));
    const byJob = (k: number) => rects.find((r) => s.cells[r.cell].job === k)!;
    expect(byJob(0).rgb).toEqual(ratioColour(1));
    expect(byJob(5).rgb).toEqual(ratioColour(1.1));
    expect(rects.every((r) => !r.unreliable && !r.failed)).toBe(true);
    const heavy = {
      ...v,
      outcomes: v.outcomes.map((o, k) => (k === 0 && o.result ? { ...o, result: { ...o.result, tailShare: 0.4 } } : o)),
    };
    expect(layerRects(heavy, 800, 600, style('ratio')).find((r) => s.cells[r.cell].job === 0)!.unreliable).toBe(true);
  });

  it('writes one CSV row per finished cell with the measured and predicted values', () => {
    const s = layerSchedule(config({ levels: 1 }));
    const base = viewWith(1, (k) => k < 3);
    const outcomes = [...base.outcomes];
    outcomes[3] = { status: 'failed', error: 'Θ leaves float64, lower the depth' };
    const v = { ...base, outcomes };
    const lines = measuredCellsCsv(v).trimEnd().split('\n');
    expect(lines[0].split(',')).toEqual([...MEASURED_CELLS_COLUMNS]);
    const rows = lines.slice(1);
    const cells = s.cells.filter((c) => c.job <= 3);
    expect(rows.length).toBe(cells.length);
    const first = rows[0].split(',');
    const col = (name: string) =>
      first[MEASURED_CELLS_COLUMNS.indexOf(name as (typeof MEASURED_CELLS_COLUMNS)[number])];
    const c0 = s.cells[0];
    expect(Number(col('sigmaW2'))).toBe(c0.sigmaW2);
    expect(Number(col('depthToWidth'))).toBe(c0.depthToWidth);
    expect(Number(col('depth'))).toBe(c0.depth);
    expect(Number(col('seed'))).toBe(s.jobs[0].seed);
    expect(Number(col('measured_dispersion'))).toBe(1.1);
    expect(Number(col('measured_samples'))).toBe(500);
    expect(Number(col('predicted_finite'))).toBe(v.outcomes[0].predicted!.finite);
    expect(col('status')).toBe('done');
    const failed = rows.find((r) => r.includes('failed'))!.split(',');
    expect(failed[MEASURED_CELLS_COLUMNS.indexOf('measured_dispersion')]).toBe(''); // never a made-up number
    expect(failed[MEASURED_CELLS_COLUMNS.indexOf('error')]).toContain('float64');
  });
});
