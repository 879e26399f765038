import { describe, expect, it, vi } from 'vitest';
import type { MeasureParamsInput, MeasureResult } from '../../src-shared/contract/measure';
import { expandPreset, jobCostSeconds, presetById } from '../../src-shared/presets';
import { scriptedLab, type ScriptedJob } from './fake-lab.test-util';
import { toCsv } from '../plots/export-data';
import { PRESET_CSV_HEADER, presetConcurrency, PresetRunner, presetCsv, presetJson } from './preset-runner';
import { JobScheduler } from './job-scheduler';

function resultFor(p: MeasureParamsInput, samples: number, done: boolean): MeasureResult {
  return {
    sigmaW2: p.sigmaW2,
    depth: p.depth,
    width: p.width,
    inputDim: p.inputDim,
    sigmaB2: 0,
    samples,
    samplesRequested: p.samples,
    seed: p.seed,
    method: 'exact',
    meanTheta: { estimate: 2 + p.depth, stderr: 0.01 },
    dispersion: { estimate: 1 + p.depth / 100, stderr: 0.002 },
    tailShare: 0.02,
    ...(p.pairCos === undefined
      ? {}
      : { offDiagonal: { meanRatio: 0.8, dispersion: { estimate: 1.3, stderr: 0.05 } } }),
    seconds: 0.5,
    done,
  };
}

// The scripted lab's jobs stream and finish with results built for their own params.
const progress = (job: ScriptedJob, samples: number) => job.progress(resultFor(job.params, samples, false));
const finish = (job: ScriptedJob) => job.resolve(resultFor(job.params, job.params.samples, true));
const presetLab = () => scriptedLab(2);

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

function clock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('PresetRunner', () => {
  const def = presetById('fig2');
  // 3 panels × 5 σ × 2 depths = 30 jobs
  const expansion = expandPreset(def, { samples: 400, seed: 3, maxDepthsPerPanel: 2 });

  it('runs at most 6 jobs at once, each on channel preset-<index>, until every job is done', async () => {
    const { lab, jobs, running } = presetLab();
    const c = clock();
    let notified = 0;
    const runner = new PresetRunner(lab, new JobScheduler(), expansion.jobs, () => notified++, {
      now: c.now,
      notifyIntervalMs: 0,
    });
    runner.start();
    let peak = 0;
    while (runner.status === 'running') {
      peak = Math.max(peak, running().length);
      expect(running().length).toBeLessThanOrEqual(6);
      finish(running()[0]);
      await tick();
    }
    expect(peak).toBe(6);
    expect(runner.status).toBe('finished');
    expect(jobs.map((j) => j.channel)).toEqual(expansion.jobs.map((j) => `preset-${j.index}`));
    expect(jobs.map((j) => j.params)).toEqual(expansion.jobs.map((j) => j.params));
    const p = runner.progress();
    expect(p).toMatchObject({
      jobsTotal: 30,
      jobsDone: 30,
      jobsRunning: 0,
      jobsFailed: 0,
      networks: 30 * 400,
      networksTotal: 30 * 400,
      etaMs: null,
    });
    expect(notified).toBeGreaterThan(0);
  });

  it('reports networks from partial results and an ETA from the measured throughput', async () => {
    const { lab, running } = presetLab();
    const c = clock();
    const runner = new PresetRunner(lab, new JobScheduler(), expansion.jobs, () => undefined, {
      now: c.now,
      notifyIntervalMs: 0,
    });
    runner.start();
    expect(runner.progress().etaMs).toBeNull(); // nothing measured yet
    const first = running()[0];
    progress(first, 100); // a quarter of job 0
    c.advance(2000);
    const p = runner.progress();
    expect(p.networks).toBe(100);
    expect(p.elapsedMs).toBe(2000);
    // throughput: cost(job 0)/4 in 2 s; the rest is Σcost − cost(job 0)/4
    const costs = expansion.jobs.map((j) => jobCostSeconds(j.params));
    const total = costs.reduce((a, b) => a + b, 0);
    const doneCost = costs[0] / 4;
    expect(p.etaMs).toBeCloseTo(((total - doneCost) * 2000) / doneCost, 6);
    runner.cancel();
  });

  it('Cancel cancels every in-flight job, launches nothing more and keeps finished points', async () => {
    const { lab, jobs, running } = presetLab();
    const c = clock();
    const runner = new PresetRunner(lab, new JobScheduler(), expansion.jobs, () => undefined, {
      now: c.now,
      notifyIntervalMs: 0,
    });
    runner.start();
    finish(running()[0]);
    finish(running()[0]);
    await tick();
    const launched = jobs.length;
    const inFlight = running();
    expect(inFlight.length).toBe(6);
    progress(running()[0], 50);
    c.advance(500);
    runner.cancel();
    await tick();
    expect(inFlight.every((j) => j.cancelled)).toBe(true);
    expect(jobs.length).toBe(launched); // nothing new after the cancel
    expect(runner.status).toBe('cancelled');
    const states = runner.states;
    expect(states.filter((s) => s.status === 'done').length).toBe(2);
    expect(states.filter((s) => s.status === 'cancelled').length).toBe(28);
    const p = runner.progress();
    expect(p).toMatchObject({ jobsDone: 2, jobsRunning: 0, etaMs: null, elapsedMs: 500 });
    c.advance(5000);
    expect(runner.progress().elapsedMs).toBe(500); // the clock stops with the run
    // the export has exactly the finished points
    const rows = presetCsv(def, expansion, states).trimEnd().split('\n');
    expect(rows.length).toBe(1 + 2);
  });

  it('retries a job the lab refused (per-connection cap) and records other failures without stopping the run', async () => {
    const { lab, jobs, running } = presetLab();
    const small = expansion.jobs.slice(0, 3);
    const runner = new PresetRunner(lab, new JobScheduler(), small, () => undefined, {
      maxConcurrent: 1,
      retryDelayMs: 1,
      notifyIntervalMs: 0,
    });
    runner.start();
    running()[0].fail('busy', 'too many running jobs');
    await vi.waitFor(() => expect(jobs.length).toBe(2)); // the retry, after retryDelayMs
    expect(jobs[1].params).toEqual(small[0].params); // the same job again
    finish(running()[0]);
    await tick();
    running()[0].fail('failed', 'summarizing failed');
    await tick();
    finish(running()[0]);
    await tick();
    expect(runner.status).toBe('finished');
    expect(runner.states.map((s) => s.status)).toEqual(['done', 'error', 'done']);
    expect(runner.states[1].error).toBe('summarizing failed');
    expect(runner.progress()).toMatchObject({ jobsDone: 2, jobsFailed: 1 });
  });

  it('stops the run when the connection is lost (every later job would fail too)', async () => {
    const { lab, jobs, running } = presetLab();
    const runner = new PresetRunner(lab, new JobScheduler(), expansion.jobs, () => undefined, {
      maxConcurrent: 2,
      notifyIntervalMs: 0,
    });
    runner.start();
    finish(running()[0]);
    await tick();
    running()[0].fail('disconnected', 'Lost the connection to the lab: closed');
    await tick();
    expect(runner.status).toBe('cancelled');
    expect(jobs.length).toBe(3);
    expect(jobs[2].cancelled).toBe(true); // the other in-flight job
    expect(runner.states.map((s) => s.status).slice(0, 3)).toEqual(['done', 'error', 'cancelled']);
  });

  it('keeps one job per engine worker in flight, 2 … 6 (bench/presets.ts: more only adds summary load)', () => {
    expect([1, 2, 3, 4, 8, 64].map(presetConcurrency)).toEqual([2, 2, 3, 4, 6, 6]);
    expect(presetConcurrency(Number.NaN)).toBe(2);
  });

  it('refuses a concurrency the lab cannot hold', () => {
    const { lab } = presetLab();
    expect(() => new PresetRunner(lab, new JobScheduler(), [], () => undefined, { maxConcurrent: 1.5 })).toThrow(
      RangeError,
    );
    expect(() => new PresetRunner(lab, new JobScheduler(), [], () => undefined, { maxConcurrent: 0 })).toThrow(
      RangeError,
    );
  });
});

describe('figure exports', () => {
  it('CSV: one row per finished point with N, seed, estimate, stderr and the theory value of that job', async () => {
    const def = presetById('fig3');
    const expansion = expandPreset(def, { samples: 10, seed: 5, maxDepthsPerPanel: 2 });
    const { lab, running } = presetLab();
    const runner = new PresetRunner(lab, new JobScheduler(), expansion.jobs, () => undefined, { notifyIntervalMs: 0 });
    runner.start();
    for (let k = 0; k < 5; k++) {
      finish(running()[0]);
      await tick();
    }
    runner.cancel();
    const lines = presetCsv(def, expansion, runner.states).trimEnd().split('\n');
    expect(lines[0].split(',')).toEqual([...PRESET_CSV_HEADER]);
    expect(`${lines[0]}\n`).toBe(toCsv(PRESET_CSV_HEADER, [])); // same cell rules as every other export
    expect(lines.length).toBe(1 + 5);
    const col = (name: (typeof PRESET_CSV_HEADER)[number]) => PRESET_CSV_HEADER.indexOf(name);
    const doneJobs = expansion.jobs.filter((j) => runner.states[j.index].status === 'done');
    lines.slice(1).forEach((line, k) => {
      const cells = line.split(',');
      const job = doneJobs[k];
      expect(Number(cells[col('depth')])).toBe(job.depth);
      expect(Number(cells[col('seed')])).toBe(job.params.seed);
      expect(Number(cells[col('samples')])).toBe(10);
      expect(Number(cells[col('pairCos')])).toBe(job.params.pairCos);
      expect(Number(cells[col('estimate')])).toBe(0.8); // meanRatio of the scripted result
      expect(cells[col('stderr')]).toBe(''); // the engine reports no SE for the mean ratio
      if (job.theory === null) expect(cells[col('theory')]).toBe('');
      else expect(Number(cells[col('theory')])).toBe(job.theory);
    });
  });

  it('JSON: the preset definition (paper setting, notes), options, and every job with its state', () => {
    const def = presetById('fig1');
    const expansion = expandPreset(def, { samples: 50, maxDepthsPerPanel: 3 });
    const states = expansion.jobs.map(() => ({ status: 'waiting' as const }));
    const progress = {
      status: 'idle' as const,
      jobsTotal: expansion.jobs.length,
      jobsDone: 0,
      jobsRunning: 0,
      jobsFailed: 0,
      networks: 0,
      networksTotal: 0,
      elapsedMs: 0,
      etaMs: null,
    };
    const doc = JSON.parse(
      presetJson(def, expansion, states, {
        version: '9.9.9',
        options: { samples: 50, maxDepthsPerPanel: 3 },
        progress,
        exportedAt: 'now',
      }),
    );
    expect(doc.preset.id).toBe('fig1');
    expect(doc.preset.paper).toContain('500');
    expect(doc.preset.notes).toContain('10⁴');
    expect(doc.points.length).toBe(expansion.jobs.length);
    expect(doc.points[0].params).toEqual(expansion.jobs[0].params);
    expect(doc.theoryCurves.length).toBe(expansion.curves.length);
    expect(doc.run.options).toEqual({ samples: 50, maxDepthsPerPanel: 3 });
  });
});
