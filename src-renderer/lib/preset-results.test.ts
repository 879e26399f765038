import { describe, expect, it } from 'vitest';
import type { MeasureResult } from '../../src-shared/contract/measure';
import { expandPreset, presetById, type PresetJob } from '../../src-shared/presets';
import type { JobState } from './preset-runner';
import { keepRun, restoreRuns } from './preset-results';

const options = { samples: 50, seed: 3, maxDepthsPerPanel: 2 };
const jobs = expandPreset(presetById('fig1'), options).jobs;

/** A final result of `job`'s network (values made up; only the identity fields matter here). */
function resultOf(job: PresetJob, dispersion: number): MeasureResult {
  const p = job.params;
  return {
    sigmaW2: p.sigmaW2,
    depth: p.depth,
    width: p.width,
    inputDim: p.inputDim,
    sigmaB2: 0,
    samples: p.samples,
    samplesRequested: p.samples,
    seed: p.seed,
    method: 'exact',
    meanTheta: { estimate: 1, stderr: 0.1 },
    dispersion: { estimate: dispersion, stderr: 0.01 },
    tailShare: 0.02,
    seconds: 0.5,
    done: true,
  };
}

describe('kept Paper-figure runs', () => {
  const states: JobState[] = jobs.map((j, i) =>
    i === 1 ? { status: 'cancelled' } : { status: 'done', result: resultOf(j, i + 0.5) },
  );

  it('keep the finished points of a run that ended, not of a running one', () => {
    expect(keepRun(options, states, { status: 'running', elapsedMs: 10 })).toBeNull();
    const kept = keepRun(options, states, { status: 'cancelled', elapsedMs: 1234 });
    expect(kept?.results[1]).toBeNull();
    expect(kept?.results[0]?.dispersion.estimate).toBe(0.5);
    expect(keepRun(options, [{ status: 'cancelled' }], { status: 'cancelled', elapsedMs: 0 })).toBeNull();
  });

  it('round-trip through JSON to the same points and progress', () => {
    const kept = keepRun(options, states, { status: 'cancelled', elapsedMs: 1234 });
    const { runs, problems } = restoreRuns(JSON.parse(JSON.stringify({ fig1: kept })));
    expect(problems).toEqual([]);
    expect(runs).toHaveLength(1);
    expect(runs[0].presetId).toBe('fig1');
    expect(runs[0].expansion.jobs.map((j) => j.key)).toEqual(jobs.map((j) => j.key));
    expect(runs[0].states.map((s) => s.status)).toEqual(states.map((s) => s.status));
    expect(runs[0].states[2].result).toEqual(states[2].result);
    expect(runs[0].progress).toMatchObject({ status: 'cancelled', jobsDone: jobs.length - 1, elapsedMs: 1234 });
  });

  it('refuse a result that is not its point’s network, a wrong count and malformed data', () => {
    const kept = keepRun(options, states, { status: 'cancelled', elapsedMs: 1 })!;
    const swapped = { ...kept, results: [kept.results[2], ...kept.results.slice(1)] };
    expect(restoreRuns({ fig1: swapped }).problems[0]).toMatch(/^fig1: result 0 is not the network of point/);
    expect(restoreRuns({ fig1: { ...kept, results: kept.results.slice(1) } }).problems[0]).toMatch(/results for/);
    expect(restoreRuns({ nope: kept }).problems[0]).toMatch(/not a set of figure runs/);
    expect(restoreRuns('x').runs).toEqual([]);
  });
});
