import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { interpolateViridis } from 'd3';
import type { MeasureParamsInput, MeasureResult } from '../../src-shared/contract/measure';
import { predictPoint } from '../../src-shared/theory';
import { colourLut, INVALID_RGB, paintHeatmap } from '../plots/heatmap';
import { scriptedLab, type ScriptedJob } from './fake-lab.test-util';
import {
  cellAt,
  cellSeed,
  isCapacityRefusal,
  isReliable,
  layerBudget,
  layerRects,
  layerSchedule,
  logColour,
  measuredCellsCsv,
  MEASURED_CELLS_COLUMNS,
  MeasuredLayerRunner,
  ratioColour,
  ratioPosition,
  RATIO_DOMAIN,
  type LayerConfig,
  type LayerStyle,
  type LayerView,
} from './measured-layer';

const config = (over: Partial<LayerConfig> = {}): LayerConfig => ({
  width: 30,
  inputDim: 30,
  samples: 500,
  seed: 1,
  levels: 3,
  ...over,
});

describe('layerSchedule', () => {
  it('has 8 × 6, 16 × 12, 32 × 24 … grids, coarse levels first, row-major inside a level', () => {
    const s = layerSchedule(config({ width: 200, levels: 4 }));
    expect(s.grids).toEqual([
      { nx: 8, ny: 6 },
      { nx: 16, ny: 12 },
      { nx: 32, ny: 24 },
      { nx: 64, ny: 48 },
    ]);
    expect(s.levelOffsets).toEqual([0, 48, 48 + 192, 48 + 192 + 768]);
    expect(s.cells.length).toBe(48 + 192 + 768 + 3072);
    s.cells.forEach((c, k) => {
      expect(c.index).toBe(k);
      expect(k).toBe(s.levelOffsets[c.level] + c.j * c.nx + c.i);
    });
    // launch order: job levels never decrease, and every job of level l comes before any of level l + 1
    for (let k = 1; k < s.jobs.length; k++) expect(s.jobs[k].level).toBeGreaterThanOrEqual(s.jobs[k - 1].level);
  });

  it('puts each cell at its centre with L = max(1, round(λM)) and the job measuring exactly that network', () => {
    const width = 37;
    const s = layerSchedule(config({ width, levels: 3 }));
    for (const c of s.cells) {
      const sigma = 0.5 + ((c.i + 0.5) * 3.5) / c.nx;
      const lambda = ((c.j + 0.5) * 1.5) / c.ny;
      expect(c.sigmaW2).toBeCloseTo(sigma, 12);
      expect(c.depthToWidth).toBeCloseTo(lambda, 12);
      expect(c.depth).toBe(Math.max(1, Math.round(lambda * width)));
      const job = s.jobs[c.job];
      expect(job.cells).toContain(c.index);
      expect([job.sigmaW2, job.depth]).toEqual([c.sigmaW2, c.depth]);
    }
    // spot values: level 0 cell (1, 2) sits at σ_w² = 0.5 + 1.5·0.4375, λ = 2.5·0.25
    const c = s.cells[2 * 8 + 1];
    expect([c.sigmaW2, c.depthToWidth, c.depth]).toEqual([1.15625, 0.625, Math.round(0.625 * width)]);
  });

  it('never measures a network twice, nor a cell centre twice, and every cell belongs to one job', () => {
    for (const width of [1, 3, 30, 200]) {
      const s = layerSchedule(config({ width, levels: 4 }));
      const networks = new Set(s.jobs.map((j) => `${j.sigmaW2}|${j.depth}`));
      expect(networks.size).toBe(s.jobs.length);
      const centres = new Set(s.cells.map((c) => `${c.sigmaW2}|${c.depthToWidth}`));
      expect(centres.size).toBe(s.cells.length); // refinements only add new centres
      const owned = s.jobs.flatMap((j) => j.cells).sort((a, b) => a - b);
      expect(owned).toEqual(s.cells.map((c) => c.index));
    }
    // at M = 3 many rows share a depth: they share one job (one network, one result)
    const small = layerSchedule(config({ width: 3, levels: 1 }));
    expect(small.jobs.length).toBe(8 * new Set(small.cells.map((c) => c.depth)).size);
    expect(small.jobs.length).toBeLessThan(small.cells.length);
  });

  it('nests the grids: a cell is exactly the union of its four children', () => {
    const s = layerSchedule(config({ levels: 3 }));
    const half = (c: { sigmaW2: number; depthToWidth: number; nx: number; ny: number }) => [
      3.5 / c.nx / 2,
      1.5 / c.ny / 2,
    ];
    for (const c of s.cells.filter((c) => c.level < 2)) {
      const [hs, hl] = half(c);
      const kids = [0, 1].flatMap((a) =>
        [0, 1].map((b) => s.cells[s.levelOffsets[c.level + 1] + (2 * c.j + b) * 2 * c.nx + 2 * c.i + a]),
      );
      for (const k of kids) {
        const [ks, kl] = half(k);
        expect(ks).toBeCloseTo(hs / 2, 12);
        expect(kl).toBeCloseTo(hl / 2, 12);
        expect(Math.abs(Math.abs(k.sigmaW2 - c.sigmaW2) - ks)).toBeLessThan(1e-12);
        expect(Math.abs(Math.abs(k.depthToWidth - c.depthToWidth) - kl)).toBeLessThan(1e-12);
      }
    }
  });

  it('gives each cell its own reproducible seed', () => {
    const a = layerSchedule(config({ seed: 7 }));
    const b = layerSchedule(config({ seed: 7 }));
    expect(a.jobs.map((j) => j.seed)).toEqual(b.jobs.map((j) => j.seed));
    const seeds = new Set(a.jobs.map((j) => j.seed));
    expect(seeds.size).toBe(a.jobs.length);
    for (const j of a.jobs) expect(Number.isInteger(j.seed) && j.seed >= 0 && j.seed < 2 ** 32).toBe(true);
    expect(cellSeed(7, 0, 1, 2)).not.toBe(cellSeed(8, 0, 1, 2));
  });

  it('rejects bad configurations with a RangeError', () => {
    for (const bad of [
      { width: 0 },
      { width: Number.NaN },
      { width: 2.5 },
      { inputDim: -1 },
      { samples: 2 },
      { samples: Number.POSITIVE_INFINITY },
      { seed: -1 },
      { seed: 2 ** 32 },
      { levels: 0 },
      { levels: 6 },
    ]) {
      expect(() => layerSchedule(config(bad)), JSON.stringify(bad)).toThrow(RangeError);
    }
    expect(() => layerSchedule(config({ width: 100_000 }))).toThrow(/exceeds 100000/); // L = 1.5·10⁵ > depthMax
  });
});

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

const resultFor = (p: MeasureParamsInput, estimate = 1.1, stderr = 0.01, tailShare = 0.03): MeasureResult => ({
  sigmaW2: p.sigmaW2,
  depth: p.depth,
  width: p.width,
  inputDim: p.inputDim,
  sigmaB2: 0,
  samples: p.samples,
  samplesRequested: p.samples,
  seed: p.seed,
  method: 'exact',
  meanTheta: { estimate: 3, stderr: 0.1 },
  dispersion: { estimate, stderr },
  tailShare,
  seconds: 0.01,
  done: true,
});

const refused = (message: string) => Object.assign(new Error(message), { code: 'refused' });
const busy = (message: string) => Object.assign(new Error(message), { code: 'busy' });
const flush = () => vi.advanceTimersByTimeAsync(0);

describe('MeasuredLayerRunner', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(opts = {}) {
    const { lab, jobs } = scriptedLab();
    let view: LayerView | null = null;
    const runner = new MeasuredLayerRunner(lab, (v) => (view = v), { delayMs: 100, retryDelayMs: 50, ...opts });
    return { runner, jobs, view: () => view!, live: () => jobs.filter((j) => !j.cancelled && !('settled' in j)) };
  }

  /** Resolve the running (not cancelled) jobs in launch order, `count` of them. */
  async function land(jobs: ScriptedJob[], count: number, settled: Set<ScriptedJob>, make = resultFor): Promise<void> {
    for (const j of jobs.filter((x) => !x.cancelled && !settled.has(x)).slice(0, count)) {
      settled.add(j);
      j.resolve(make(j.params));
    }
    await flush();
  }

  it('debounces, keeps at most 6 jobs in flight, measures coarse cells first and each network once', async () => {
    const { runner, jobs, view } = setup();
    runner.configure(config({ levels: 2 }));
    expect(view().cellsPlanned).toBe(48 + 192);
    expect(jobs.length).toBe(0);
    await vi.advanceTimersByTimeAsync(99);
    expect(jobs.length).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(jobs.length).toBe(6);
    const settled = new Set<ScriptedJob>();
    const schedule = view().schedule!;
    while (view().level !== null) {
      const before = settled.size;
      await land(jobs, 6, settled);
      expect(settled.size).toBeGreaterThan(before);
      expect(view().running).toBeLessThanOrEqual(6);
    }
    expect(view().cellsDone).toBe(view().cellsPlanned);
    expect(jobs.length).toBe(schedule.jobs.length); // no job launched twice
    const launched = jobs.map((j) => `${j.params.sigmaW2}|${j.params.depth}`);
    expect(launched).toEqual(schedule.jobs.map((j) => `${j.sigmaW2}|${j.depth}`)); // coarse first, schedule order
    expect(
      jobs.every(
        (j, k) => j.params.seed === schedule.jobs[k].seed && j.params.samples === 500 && j.params.width === 30,
      ),
    ).toBe(true);
    // every finished job carries the theory at its own network
    const o = view().outcomes[3];
    const p = predictPoint({
      sigmaW2: schedule.jobs[3].sigmaW2,
      depth: schedule.jobs[3].depth,
      width: 30,
      inputDim: 30,
    });
    expect(o.predicted).toEqual({ finite: p.dispersion.finite, limit: p.dispersion.limit });
    runner.dispose();
  });

  it('switching off cancels every outstanding job and ignores their late results', async () => {
    const { runner, jobs, view } = setup();
    runner.configure(config());
    await vi.advanceTimersByTimeAsync(100);
    const settled = new Set<ScriptedJob>();
    await land(jobs, 2, settled);
    expect(view().cellsDone).toBeGreaterThanOrEqual(2);
    const inFlight = jobs.filter((j) => !settled.has(j));
    expect(inFlight.length).toBe(6);
    runner.configure(null);
    expect(inFlight.every((j) => j.cancelled)).toBe(true);
    expect(view().schedule).toBeNull();
    const version = view().version;
    for (const j of inFlight) j.resolve(resultFor(j.params)); // too late: already rejected as cancelled
    await vi.advanceTimersByTimeAsync(1000);
    expect(view().version).toBe(version);
    expect(view().cellsDone).toBe(0);
    expect(jobs.length).toBe(8); // nothing new after switching off
  });

  it('a new width cancels and restarts; an identical configuration changes nothing', async () => {
    const { runner, jobs, view } = setup();
    runner.configure(config({ width: 30 }));
    await vi.advanceTimersByTimeAsync(100);
    const first = [...jobs];
    runner.configure(config({ width: 30 }));
    expect(first.some((j) => j.cancelled)).toBe(false);
    runner.configure(config({ width: 40 }));
    expect(first.every((j) => j.cancelled)).toBe(true);
    expect(view().cellsDone).toBe(0);
    expect(view().schedule!.config.width).toBe(40);
    // an old job's rejection arrives after the restart: it must not count against the new layer
    await flush();
    expect(view().cellsFailed).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    const second = jobs.slice(first.length);
    expect(second.length).toBe(6);
    expect(
      second.every((j) => j.params.width === 40 && j.params.depth === Math.max(1, Math.round(j.params.depth))),
    ).toBe(true);
    const settled = new Set<ScriptedJob>(first);
    await land(jobs, 6, settled);
    expect(view().cellsDone).toBeGreaterThanOrEqual(6);
    runner.dispose();
  });

  it('re-queues jobs the lab refuses for lack of slots, but fails infeasible ones with the lab reason', async () => {
    const { runner, jobs, view } = setup({ maxInFlight: 3 });
    runner.configure(config({ levels: 1 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(jobs.length).toBe(3);
    jobs[2].reject(refused('Θ leaves float64: E[Θ] ≈ 1e300 … Lower the depth or σ_w².'));
    await flush();
    expect(view().outcomes[2]).toMatchObject({ status: 'failed', error: expect.stringContaining('float64') });
    expect(jobs.length).toBe(4); // a failure frees a slot: the next job starts
    jobs[1].reject(busy('too many running jobs (8); cancel one or start jobs on a channel'));
    await flush();
    expect(view().outcomes[1].status).toBe('queued'); // not failed: the lab was only busy
    // two of ours still run: the layer waits for one of them before asking again
    expect(jobs.length).toBe(4);
    jobs[0].resolve(resultFor(jobs[0].params));
    await flush();
    expect(jobs[4].params).toEqual(jobs[1].params); // job 1 again, before any new job
    expect(view().cellsFailed).toBe(view().schedule!.jobs[2].cells.length);
    runner.dispose();
  });

  it('with nothing of its own running, retries a capacity refusal after a delay', async () => {
    const { runner, jobs, view } = setup({ maxInFlight: 1 });
    runner.configure(config({ levels: 1 }));
    await vi.advanceTimersByTimeAsync(100);
    jobs[0].reject(busy('too many running jobs (8)'));
    await flush();
    expect(jobs.length).toBe(1);
    expect(view().outcomes[0].status).toBe('queued');
    await vi.advanceTimersByTimeAsync(50);
    expect(jobs.length).toBe(2);
    expect(jobs[1].params).toEqual(jobs[0].params);
    runner.dispose();
  });

  it('gives slots back when its budget shrinks, and measures the pre-empted jobs later', async () => {
    const { runner, jobs, view } = setup();
    runner.configure(config({ levels: 1 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(jobs.length).toBe(6);
    runner.setBudget(layerBudget(7)); // the cursor and both slices hold 7 of the lab's 8 slots
    expect(view().running).toBe(1);
    expect(jobs.slice(1).every((j) => j.cancelled)).toBe(true);
    expect(jobs[0].cancelled).toBe(false);
    await flush();
    expect(view().cellsFailed).toBe(0);
    const settled = new Set<ScriptedJob>();
    await land(jobs, 1, settled);
    expect(jobs.length).toBe(7);
    expect(jobs[6].params).toEqual(jobs[1].params); // the coarsest pre-empted job goes first
    runner.setBudget(layerBudget(1));
    expect(view().running).toBe(6);
    runner.dispose();
  });

  it('stops for good when the connection is lost', async () => {
    const { runner, jobs, view } = setup();
    runner.configure(config({ levels: 1 }));
    await vi.advanceTimersByTimeAsync(100);
    jobs[0].reject(Object.assign(new Error('Lost the connection to the lab: closed'), { code: 'disconnected' }));
    await flush();
    expect(view().halted).toContain('Lost the connection');
    expect(jobs.slice(1).every((j) => j.cancelled)).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(jobs.length).toBe(6);
  });

  it('budget arithmetic: never more than the cap minus the reserved slots, never less than one', () => {
    expect(layerBudget(1)).toBe(6);
    expect(layerBudget(2)).toBe(6);
    expect(layerBudget(4)).toBe(4);
    expect(layerBudget(7)).toBe(1);
    expect(() => layerBudget(Number.NaN)).toThrow(RangeError);
    expect(isCapacityRefusal(busy('too many running jobs (8)'))).toBe(true);
    expect(isCapacityRefusal(refused('Θ leaves float64'))).toBe(false);
    expect(isCapacityRefusal(Object.assign(new Error('too many running jobs'), { code: 'failed' }))).toBe(false);
  });
});

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
