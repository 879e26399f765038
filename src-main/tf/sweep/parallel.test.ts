// Sweeps on the worker pool: 1 and 2 workers give the same cells (per-cell seeds), the parent is the store's one
// writer, a cancel keeps finished cells, a failed worker fails only its cells, and bad worker counts are refused.
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLrSweepParams } from '../../../src-shared/contract/lr-sweep';
import { parseTrainabilityParams, type CellRecord } from '../../../src-shared/contract/trainability';
import { TfTaskError } from '../tf-host';
import { checkTfWorkers, TfPool } from '../tf-pool';
import { CellsFailedError, runCells, runLrSweepParallel, runSweepParallel, type CellRunner } from './parallel';
import { SweepStore } from './store';

const sweep = parseTrainabilityParams({
  dataset: 'synthetic',
  width: 8,
  steps: 12,
  batchSize: 16,
  trainSize: 128,
  testSize: 64,
  seed: 4,
  grid: { sigmaW2: { values: [1, 3] }, depth: { values: [2, 3] } },
});
const tmp = () => join(mkdtempSync(join(tmpdir(), 'ntk-par-sweep-')), 's');
const pools = [new TfPool({ backend: 'wasm', workers: 1 }), new TfPool({ backend: 'wasm', workers: 2 })];
afterAll(() => Promise.all(pools.map((p) => p.close())));
const runner =
  (pool: TfPool): CellRunner =>
  (p, o) =>
    pool.run('train-cell', p, o);
/** A record without its wall time, keyed for comparison. */
const key = (c: CellRecord) => `${c.sigmaW2}/${c.depth}`;
const sansTime = (cells: CellRecord[]) =>
  Object.fromEntries(cells.map(({ seconds: _s, ...rest }) => [key({ ...rest, seconds: 0 }), rest]));

describe('parallel sweeps on the TF worker pool', () => {
  it('1 and 2 workers store the same cells; the parent appends each once', async () => {
    const stored: CellRecord[][] = [];
    for (const pool of pools) {
      const dir = tmp();
      const emitted: CellRecord[] = [];
      const s = await runSweepParallel(sweep, dir, runner(pool), (p) => emitted.push(p.cell));
      expect(s).toMatchObject({ total: 4, done: 4, trained: 4, resumed: 0, status: 'complete' });
      const cells = SweepStore.open(dir, sweep).cells();
      expect(cells).toEqual(emitted); // store order = finishing order
      stored.push(cells);
    }
    expect(pools[1].size).toBe(2); // wasm: the pool grew to its 2 workers
    expect(sansTime(stored[1])).toEqual(sansTime(stored[0]));
    expect(Object.keys(sansTime(stored[0]))).toHaveLength(4);
  });

  it('the lr sweep lists the same points in the same order for 1 and 2 workers', async () => {
    const p = parseLrSweepParams({
      dataset: 'synthetic',
      width: 8,
      steps: 10,
      batchSize: 16,
      trainSize: 128,
      testSize: 64,
      depths: [3, 2],
      rhos: [2, 0.5],
      seed: 1,
    });
    const results: Awaited<ReturnType<typeof runLrSweepParallel>>[] = [];
    for (const pool of pools) results.push(await runLrSweepParallel(p, runner(pool), () => undefined));
    const strip = (r: (typeof results)[number]) => r.points.map(({ seconds: _s, ...rest }) => rest);
    expect(results[0].status).toBe('complete');
    expect(strip(results[0]).map((q) => [q.depth, q.rho])).toEqual([
      [3, 0.5],
      [3, 2],
      [2, 0.5],
      [2, 2],
    ]);
    expect(strip(results[1])).toEqual(strip(results[0]));
  });

  it('a failed worker fails its cell only: the others are stored, the sweep says which failed', async () => {
    const dir = tmp();
    const crashy: CellRunner = (p, o) =>
      p.cell.depth === 3 && p.cell.sigmaW2 === 3
        ? Promise.reject(new TfTaskError('failed', 'the TensorFlow.js worker crashed: exit code 134'))
        : pools[1].run('train-cell', p, o);
    await expect(runSweepParallel(sweep, dir, crashy, () => undefined)).rejects.toThrow(
      /1 cell failed .*σ_w² = 3, L = 3: the TensorFlow\.js worker crashed/,
    );
    await expect(runSweepParallel(sweep, dir, crashy, () => undefined)).rejects.toBeInstanceOf(CellsFailedError);
    const cells = SweepStore.open(dir, sweep).cells();
    expect(cells.map(key).sort()).toEqual(['1/2', '1/3', '3/2']);
    // the rerun with a healthy pool trains just the missing cell
    const s = await runSweepParallel(sweep, dir, runner(pools[1]), () => undefined);
    expect(s).toMatchObject({ resumed: 3, trained: 1, done: 4, status: 'complete' });
  });

  it('a cancel keeps the finished cells and reports cancelled; a rerun resumes', async () => {
    const dir = tmp();
    const ctl = new AbortController();
    const s = await runSweepParallel(sweep, dir, runner(pools[1]), () => ctl.abort(), { signal: ctl.signal });
    expect(s.status).toBe('cancelled');
    expect(s.done).toBeGreaterThanOrEqual(1);
    expect(s.done).toBeLessThan(4);
    const again = await runSweepParallel(sweep, dir, runner(pools[1]), () => undefined);
    expect(again).toMatchObject({ resumed: s.done, done: 4, status: 'complete' });
  });

  it('submits the costliest cells first when given a cost, else in the given order', async () => {
    for (const [cost, want] of [
      [(d: number) => d, [16, 16, 8, 8]],
      [undefined, [8, 16, 8, 16]],
    ] as const) {
      const asked: number[] = [];
      const done: number[] = [];
      await runCells(
        [8, 16, 8, 16],
        (d) => d,
        String,
        (d) => (asked.push(d), Promise.resolve(d)),
        {},
        (_d, r) => done.push(r),
        cost,
      );
      expect(asked).toEqual(want);
      expect(done.sort((a, b) => b - a)).toEqual([16, 16, 8, 8]);
    }
  });

  it('a trainability sweep hands its deepest cells to the pool first', async () => {
    const asked: number[] = [];
    await runSweepParallel(
      sweep,
      tmp(),
      (p, o) => (asked.push(p.cell.depth), pools[1].run('train-cell', p, o)),
      () => 0,
    );
    expect(asked).toEqual([3, 3, 2, 2]);
  });

  it('refuses worker counts of 0, negative, fractional or absurd, naming the option', () => {
    const max = 4 * availableParallelism();
    for (const bad of [0, -1, 1.5, max + 1, 1e6, Number.NaN, '2'])
      expect(() => checkTfWorkers(bad, '--workers')).toThrow(/^--workers must be an integer from 1 to \d+/);
    expect(checkTfWorkers(max)).toBe(max);
    expect(() => new TfPool({ workers: 0 })).toThrow(/workers must be an integer from 1/);
  });
});
