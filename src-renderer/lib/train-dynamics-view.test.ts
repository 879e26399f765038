import { describe, expect, it } from 'vitest';
import {
  defaultRecordSteps,
  estimateTrainDynamicsCost,
  parseTrainDynamicsParams,
  type TrainDynamicsRecord,
} from '../../src-shared/contract/train-dynamics';
import type { JobOutput } from '../../src-shared/contract/messages';
import { scriptedLab } from './fake-lab.test-util';
import {
  CPU_DEFAULT,
  CPU_FLOPS_PER_SECOND,
  curvesCsv,
  etaOf,
  kernelsCsv,
  parseSigmaList,
  parseStepList,
  PAPER_CONTROLS,
  pickKernelSteps,
  planCost,
  planRuns,
  presetOf,
  recordsCsv,
  RunState,
  runColours,
  seriesOf,
  TrainSession,
  TRAIN_CHANNEL,
  workAt,
  type SessionSnapshot,
} from './train-dynamics-view';
import { JobScheduler } from './job-scheduler';

const record = (step: number, over: Partial<TrainDynamicsRecord> = {}): TrainDynamicsRecord => ({
  step,
  epoch: step / 10,
  trainLoss: 0.5 / (1 + step),
  testLoss: 0.6 / (1 + step),
  trainAccuracy: 0.1 + step / 1000,
  testAccuracy: 0.1 + step / 2000,
  thetaD: 30,
  thetaC: 12 + step / 100,
  thetaN: 9,
  diverged: false,
  seconds: 1 + step,
  ...over,
});
const diverged = (step: number): TrainDynamicsRecord =>
  record(step, {
    trainLoss: null,
    testLoss: null,
    trainAccuracy: null,
    testAccuracy: null,
    thetaD: null,
    thetaC: null,
    thetaN: null,
    diverged: true,
  });
const progress = (r: TrainDynamicsRecord): JobOutput => ({ kind: 'train-dynamics', backend: 'wasm', record: r });
const summary = (records: number): JobOutput => ({
  kind: 'train-dynamics',
  backend: 'wasm',
  summary: { records, stoppedEarly: false },
});

const tiny = {
  ...CPU_DEFAULT,
  sigmas: [1, 2, 2.2],
  depth: 3,
  width: 16,
  steps: 6,
  recordAt: [0, 3, 6],
  trainSize: 200,
  testSize: 100,
  batchSize: 50,
};

describe('parseSigmaList', () => {
  it('reads comma- or space-separated values, sorted and distinct', () => {
    expect(parseSigmaList('2.2, 1.0,2')).toEqual([1, 2, 2.2]);
    expect(parseSigmaList(' 2 ; 2 1e0 ')).toEqual([1, 2]);
    expect(parseSigmaList('−0.5'.replace('−', ''))).toEqual([0.5]);
  });
  it.each([
    ['', /empty/],
    ['1, abc', /not a number/],
    ['0', /> 0/],
    ['-1', /> 0/],
    ['17', /≤ 16/],
    ['NaN', /not a number/],
    ['Infinity', /not a number/],
    ['1,2,3,4,5,6,7', /at most 6/],
  ])('refuses %j with a readable RangeError', (text, why) => {
    expect(() => parseSigmaList(text)).toThrow(RangeError);
    expect(() => parseSigmaList(text)).toThrow(why);
  });
});

describe('parseStepList', () => {
  it('is undefined (the contract default) when empty, else sorted distinct whole steps within [0, steps]', () => {
    expect(parseStepList('  ', 10)).toBeUndefined();
    expect(parseStepList('6, 0,3,3', 6)).toEqual([0, 3, 6]);
    expect(() => parseStepList('0, 7', 6)).toThrow(/beyond steps = 6/);
    expect(() => parseStepList('1.5', 6)).toThrow(/whole number/);
    expect(() => parseStepList('-1', 6)).toThrow(/whole number/);
    expect(() => parseStepList('x', 6)).toThrow(RangeError);
  });
});

describe('planRuns and presets', () => {
  it('gives one contract-valid run per σ_w², the CPU default recording at the contract’s default steps', () => {
    const plan = planRuns(CPU_DEFAULT);
    expect(plan.map((r) => r.sigmaW2)).toEqual([1, 2, 2.2]);
    for (const r of plan) {
      expect(r.params.sigmaW2).toBe(r.sigmaW2);
      expect(r.params.depth).toBe(20); // Fig. 4's depth is kept on CPU
      expect(r.params.recordAt).toEqual(defaultRecordSteps(CPU_DEFAULT.steps));
      expect(parseTrainDynamicsParams(r.params)).toEqual(r.params);
    }
    expect(presetOf(CPU_DEFAULT)).toBe('cpu');
    expect(presetOf(PAPER_CONTROLS)).toBe('paper');
    expect(presetOf({ ...CPU_DEFAULT, width: 99 })).toBeNull();
  });
  it('refuses impossible combinations with the contract’s reasons', () => {
    expect(() => planRuns({ ...CPU_DEFAULT, width: 0 })).toThrow(RangeError);
    expect(() => planRuns({ ...CPU_DEFAULT, batchSize: 5000 })).toThrow(/batchSize \(5000\) must be ≤ trainSize/);
    expect(() => planRuns({ ...CPU_DEFAULT, sigmas: [] })).toThrow(/empty/);
    expect(() => planRuns({ ...CPU_DEFAULT, lr: Number.NaN })).toThrow(RangeError);
  });
  it('paper size on this CPU takes most of a day per σ_w², the default well under a minute (what the panel tells the user)', () => {
    const cpuSeconds = planCost(planRuns(CPU_DEFAULT)).flopsPerRun / CPU_FLOPS_PER_SECOND;
    const paperSeconds = planCost(planRuns(PAPER_CONTROLS)).flopsPerRun / CPU_FLOPS_PER_SECOND;
    expect(cpuSeconds).toBeGreaterThan(10);
    expect(cpuSeconds).toBeLessThan(60);
    expect(paperSeconds).toBeGreaterThan(12 * 3600);
  });
});

describe('work model and ETA', () => {
  const p = planRuns(tiny)[0].params;

  it('splits the contract’s cost into steps and records: the work at the last record is the whole run’s', () => {
    const whole = estimateTrainDynamicsCost(p, p.recordAt.length).flops;
    expect(workAt(p, p.recordAt.length - 1)).toBeCloseTo(whole, -1);
    expect(workAt(p, 1) - workAt(p, 0)).toBeGreaterThan(0);
  });

  it('ETA = measured seconds per flop × work left, minus active time since the last record, pauses excluded', () => {
    // records arrive at seconds = 2 + c·work: the rate c is recovered exactly, start-up (2 s) ignored
    const c = 1e-9;
    const recs = p.recordAt.slice(0, 2).map((s, k) => record(s, { seconds: 2 + c * workAt(p, k) }));
    let run = new RunState(1, p, 'running', recs, 'wasm', null, 10_000);
    const left = c * (workAt(p, 2) - workAt(p, 1));
    const snap = (r: RunState, queued = 0): SessionSnapshot => ({
      status: 'running',
      current: 0,
      error: null,
      runs: [r, ...Array.from({ length: queued }, () => new RunState(2, p))],
    });
    expect(etaOf(snap(run), 10_000).run).toBeCloseTo(left, 12);
    // 1 queued run of the same size adds its whole work at that rate
    expect(etaOf(snap(run, 1), 10_000).session).toBeCloseTo(left + c * workAt(p, 2), 12);
    // 0.2 s later the countdown has moved by 0.2 s … unless that time was spent paused
    const later = 10_000 + 200;
    expect(etaOf(snap(run), later).run).toBeCloseTo(Math.max(0, left - 0.2), 9);
    run = run.with({ pauses: [{ startMs: 10_000, endMs: null, afterRecords: 2 }] });
    expect(etaOf(snap(run), later).run).toBeCloseTo(left, 9);
    // with one record only there is no rate yet
    expect(etaOf(snap(new RunState(1, p, 'running', recs.slice(0, 1), 'wasm', null, 10_000)), 10_000).run).toBeNull();
  });
});

describe('TrainSession', () => {
  const plan = planRuns(tiny);

  function session() {
    const fake = scriptedLab();
    const seen: SessionSnapshot[] = [];
    let t = 0;
    const s = new TrainSession(fake.lab, new JobScheduler(), plan, (x) => seen.push(x), { now: () => t });
    return { fake, s, seen, last: () => seen[seen.length - 1], tick: (ms: number) => (t += ms) };
  }

  it('runs the σ_w² one after another on one channel, streaming records, and ends done', async () => {
    const { fake, s, last } = session();
    s.start();
    expect(fake.specJobs).toHaveLength(1);
    const j0 = fake.specJobs[0];
    expect(j0.channel).toBe(TRAIN_CHANNEL);
    expect(j0.spec).toEqual({ kind: 'train-dynamics', params: plan[0].params });
    expect(last().status).toBe('running');
    expect(last().runs.map((r) => r.status)).toEqual(['running', 'queued', 'queued']);
    for (const st of [0, 3, 6]) j0.progress(progress(record(st)));
    expect(last().runs[0].records.map((r) => r.step)).toEqual([0, 3, 6]);
    expect(last().runs[0].backend).toBe('wasm');
    j0.resolve(summary(3));
    await Promise.resolve();
    expect(fake.specJobs).toHaveLength(2);
    expect((fake.specJobs[1].spec.params as { sigmaW2: number }).sigmaW2).toBe(2);
    fake.specJobs[1].resolve(summary(0));
    await Promise.resolve();
    fake.specJobs[2].resolve(summary(0));
    await Promise.resolve();
    expect(last().status).toBe('done');
    expect(last().runs.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    expect(last().current).toBeNull();
  });

  it('pauses and resumes the running job; a run ending while paused does not start the next until Resume', async () => {
    const { fake, s, last, tick } = session();
    s.start();
    const j0 = fake.specJobs[0];
    j0.progress(progress(record(0)));
    expect(await s.pause()).toBe(true);
    expect(j0.paused).toBe(true);
    expect(last().status).toBe('paused');
    expect(last().runs[0].status).toBe('paused');
    tick(500);
    expect(await s.resume()).toBe(true);
    expect(j0.paused).toBe(false);
    expect(last().runs[0].pauses).toEqual([{ startMs: 0, endMs: 500, afterRecords: 1 }]);
    await s.pause();
    j0.resolve(summary(1));
    await Promise.resolve();
    expect(fake.specJobs).toHaveLength(1);
    expect(last().status).toBe('paused');
    expect(last().runs.map((r) => r.status)).toEqual(['done', 'queued', 'queued']);
    await s.resume();
    expect(fake.specJobs).toHaveLength(2);
    expect(last().runs[1].status).toBe('running');
  });

  it('stays running when the lab cannot pause', async () => {
    const fake = scriptedLab();
    const lab = {
      ...fake.lab,
      job: (...a: Parameters<typeof fake.lab.job>) => ({ ...fake.lab.job(...a), pause: async () => false }),
    };
    const seen: SessionSnapshot[] = [];
    const s = new TrainSession(lab, new JobScheduler(), plan, (x) => seen.push(x));
    s.start();
    expect(await s.pause()).toBe(false);
    expect(seen[seen.length - 1].status).toBe('running');
    expect(seen[seen.length - 1].runs[0].status).toBe('running');
    expect(seen[seen.length - 1].runs[0].pauses).toEqual([]);
    s.cancel();
  });

  it('cancel keeps the records in, cancels the job and never starts the queued runs', async () => {
    const { fake, s, last } = session();
    s.start();
    const j0 = fake.specJobs[0];
    j0.progress(progress(record(0)));
    j0.progress(progress(record(3)));
    s.cancel();
    expect(j0.cancelled).toBe(true);
    await Promise.resolve();
    expect(last().status).toBe('cancelled');
    expect(last().runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(last().runs[0].records.map((r) => r.step)).toEqual([0, 3]);
    j0.progress(progress(record(6))); // a late message from the cancelled job is ignored
    expect(last().runs[0].records).toHaveLength(2);
    expect(fake.specJobs).toHaveLength(1);
  });

  it('a failed run does not stop the others; the session ends failed with the reason; a diverged run is marked', async () => {
    const { fake, s, last } = session();
    s.start();
    fake.specJobs[0].fail('failed', 'worker crashed');
    await Promise.resolve();
    expect(last().runs[0].status).toBe('failed');
    expect(last().runs[0].error).toBe('worker crashed');
    const j1 = fake.specJobs[1];
    j1.progress(progress(record(0)));
    j1.progress(progress(diverged(3)));
    j1.resolve(summary(2));
    await Promise.resolve();
    expect(last().runs[1].status).toBe('diverged');
    expect(last().runs[1].divergedAt).toBe(3);
    fake.specJobs[2].resolve(summary(0));
    await Promise.resolve();
    expect(last().status).toBe('failed');
    expect(last().error).toBe('σ_w² = 1: worker crashed');
  });

  it('a job cancelled by the lab (superseded on its channel) stops the session like Cancel', async () => {
    const { fake, s, last } = session();
    s.start();
    fake.specJobs[0].fail('cancelled', 'superseded by a newer job');
    await Promise.resolve();
    expect(last().status).toBe('cancelled');
    expect(last().runs[0].error).toBe('superseded by a newer job');
    expect(fake.specJobs).toHaveLength(1);
  });
});

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
