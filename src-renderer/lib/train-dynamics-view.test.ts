import { describe, expect, it } from 'vitest';
import {
  defaultRecordSteps,
  estimateTrainDynamicsCost,
  parseTrainDynamicsParams,
} from '../../src-shared/contract/train-dynamics';
import {
  CPU_DEFAULT,
  CPU_FLOPS_PER_SECOND,
  etaOf,
  parseSigmaList,
  parseStepList,
  PAPER_CONTROLS,
  planCost,
  planRuns,
  presetOf,
  workAt,
} from './train-dynamics-view';
import { RunState, type SessionSnapshot } from './train-dynamics-session';
import { record, tiny } from './train-dynamics.test-util';

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
