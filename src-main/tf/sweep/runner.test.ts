// Real training on the wasm backend, small synthetic task (datasets.ts): a 2×2 sweep lands in the store, a cancelled
// sweep resumes without losing or redoing a cell, an easy cell beats a hard one, a too-large η is recorded as diverged.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHANCE_ACCURACY,
  parseTrainabilityParams,
  type CellRecord,
  type TrainabilityParamsInput,
} from '../../../src-shared/contract/trainability';
import { initBackend } from '../backend';
import { loadSweepData, type SweepData } from './datasets';
import { runSweep } from './runner';
import { CELLS_FILE, SweepStore } from './store';
import { trainCell } from './train-cell';

const tiny: TrainabilityParamsInput = {
  dataset: 'synthetic',
  width: 16,
  steps: 20,
  batchSize: 32,
  trainSize: 256,
  testSize: 128,
  seed: 7,
  grid: { sigmaW2: { values: [1, 2] }, depth: { values: [2, 4] } },
};

let data: SweepData;
const tmp = () => mkdtempSync(join(tmpdir(), 'ntk-sweep-'));

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
  data = loadSweepData('synthetic', 512, 256, 7);
});

describe('trainability sweep', () => {
  it('a cell’s numbers do not depend on its position: each shard, run alone, reproduces the whole run', async () => {
    const params = parseTrainabilityParams({ ...tiny, steps: 5 });
    const whole = tmp();
    await runSweep(params, whole, { emit: () => {}, cancelled: () => false }, { data });
    const noTime = (c: CellRecord) => ({ ...c, seconds: 0 });
    const byCell = new Map(
      SweepStore.open(whole, params)
        .cells()
        .map((c) => [`${c.sigmaW2}|${c.depth}`, noTime(c)]),
    );
    let seen = 0;
    // shard 1 of 2 runs its cells first in its own process, i.e. at other positions than in the whole run
    for (const index of [1, 0]) {
      const dir = tmp();
      const s = await runSweep(
        params,
        dir,
        { emit: () => {}, cancelled: () => false },
        { data, shard: { index, count: 2 } },
      );
      expect(s).toMatchObject({ total: 2, done: 2, shard: { index, count: 2 } });
      for (const c of SweepStore.open(dir, params).cells()) {
        expect(noTime(c)).toEqual(byCell.get(`${c.sigmaW2}|${c.depth}`));
        seen++;
      }
    }
    expect(seen).toBe(4);
  });

  it('a 2×2 sweep trains every cell once and stores it; a rerun trains nothing', async () => {
    const params = parseTrainabilityParams(tiny);
    const dir = tmp();
    const emitted: CellRecord[] = [];
    const s = await runSweep(params, dir, { emit: (p) => emitted.push(p.cell), cancelled: () => false }, { data });
    expect(s).toMatchObject({ total: 4, done: 4, trained: 4, resumed: 0, status: 'complete' });
    expect(emitted).toHaveLength(4);
    const stored = SweepStore.open(dir, params).cells();
    expect(stored).toEqual(emitted);
    for (const c of stored) {
      expect(c.steps).toBe(20);
      expect(c.lr).toBeCloseTo(0.3 * c.etaTheory, 12);
      expect(c.depthToWidth).toBe(c.depth / 16);
      for (const v of [c.trainAccuracy, c.testAccuracy]) expect(v >= 0 && v <= 1).toBe(true);
    }
    const again = await runSweep(
      params,
      dir,
      { emit: () => expect.fail('no cell should be retrained'), cancelled: () => false },
      { data },
    );
    expect(again).toMatchObject({ done: 4, trained: 0, resumed: 4, status: 'complete' });
  });

  it('cancelled after the first cell: the cell is kept, a restart skips it and finishes the rest', async () => {
    const params = parseTrainabilityParams(tiny);
    const dir = tmp();
    let stop = false;
    const first = await runSweep(params, dir, { emit: () => (stop = true), cancelled: () => stop }, { data });
    expect(first).toMatchObject({ status: 'cancelled', done: 1, trained: 1 });
    const kept = readFileSync(join(dir, CELLS_FILE), 'utf8');
    expect(kept.split('\n')).toHaveLength(2);
    const keptCell = JSON.parse(kept.split('\n')[0]) as CellRecord;
    const emitted: CellRecord[] = [];
    const second = await runSweep(params, dir, { emit: (p) => emitted.push(p.cell), cancelled: () => false }, { data });
    expect(second).toMatchObject({ status: 'complete', done: 4, trained: 3, resumed: 1 });
    expect(emitted.some((c) => c.sigmaW2 === keptCell.sigmaW2 && c.depth === keptCell.depth)).toBe(false);
    expect(readFileSync(join(dir, CELLS_FILE), 'utf8').startsWith(kept)).toBe(true);
  });

  it('a sweep directory with other params is refused', async () => {
    const dir = tmp();
    await runSweep(
      parseTrainabilityParams({ ...tiny, grid: { sigmaW2: { values: [1] }, depth: { values: [2] } } }),
      dir,
      { emit: () => {}, cancelled: () => false },
      { data },
    );
    await expect(
      runSweep(
        parseTrainabilityParams({ ...tiny, rho: 0.2, grid: { sigmaW2: { values: [1] }, depth: { values: [2] } } }),
        dir,
        { emit: () => {}, cancelled: () => false },
        { data },
      ),
    ).rejects.toThrow(/rho differs/);
  });

  it('easy cell (σ_w² = 1.5, L = 2) trains far better than hard cells (L = 32, σ_w² = 1 or 4; erf, critical σ_w² ≈ 1.76)', async () => {
    const base = { activation: 'erf' as const, sigmaB2: 0.185, width: 24, steps: 80, batchSize: 64, rho: 0.3, seed: 7 };
    const easy = (await trainCell({ ...base, sigmaW2: 1.5, depth: 2 }, data))!;
    const ordered = (await trainCell({ ...base, sigmaW2: 1, depth: 32 }, data))!;
    const chaotic = (await trainCell({ ...base, sigmaW2: 4, depth: 32 }, data))!;
    // 512 training samples: binomial standard error of an accuracy ≤ 0.022, so these margins are > 10 SE
    expect(easy.trainAccuracy).toBeGreaterThan(0.5);
    expect(easy.testAccuracy).toBeGreaterThan(0.4);
    for (const hard of [ordered, chaotic]) {
      expect(hard.trainAccuracy).toBeLessThan(0.25);
      expect(easy.trainAccuracy - hard.trainAccuracy).toBeGreaterThan(0.3);
    }
  });

  it('η far above η_theory (ρ = 20) diverges and is recorded as such, never NaN', async () => {
    const params = parseTrainabilityParams({
      ...tiny,
      rho: 20,
      steps: 200,
      grid: { sigmaW2: { values: [2] }, depth: { values: [3] } },
    });
    const dir = tmp();
    await runSweep(params, dir, { emit: () => {}, cancelled: () => false }, { data });
    const [c] = SweepStore.open(dir, params).cells();
    expect(c.diverged).toBe(true);
    expect(c.steps).toBeLessThan(200);
    expect(c.trainAccuracy).toBe(CHANCE_ACCURACY);
    expect(c.testAccuracy).toBe(CHANCE_ACCURACY);
    expect(c.trainLoss).toBeNull();
  });

  it('a cell with no float64 η_theory is stored as failed with its reason and the sweep goes on', async () => {
    // ReLU, σ_b² = 0, σ_w² = 1e−300: Θ⁽²⁾ = 2·1e−300·(1e−300/2) underflows to 0, so 2B/λ_max is infinite; this
    // corner cell runs first and used to abort the sweep with "λ_max … got 0"
    const params = parseTrainabilityParams({
      ...tiny,
      activation: 'relu',
      sigmaB2: 0,
      grid: { sigmaW2: { values: [1e-300, 1] }, depth: { values: [2] } },
    });
    const dir = tmp();
    const s = await runSweep(params, dir, { emit: () => {}, cancelled: () => false }, { data });
    expect(s).toMatchObject({ status: 'complete', total: 2, done: 2, trained: 2, failed: 1, diverged: 0 });
    const [bad, good] = SweepStore.open(dir, params).cells();
    expect(bad).toMatchObject({ sigmaW2: 1e-300, lr: 0, steps: 0, diverged: false, trainLoss: null });
    expect(bad.failed).toMatch(/λ_max of Θ is 0/);
    expect([bad.trainAccuracy, bad.testAccuracy]).toEqual([CHANCE_ACCURACY, CHANCE_ACCURACY]);
    expect(good.failed).toBeUndefined();
    expect(good.lr).toBeGreaterThan(0);
    // a failed cell is finished: resume does not retry it
    const again = await runSweep(
      params,
      dir,
      { emit: () => expect.fail('nothing to redo'), cancelled: () => false },
      { data },
    );
    expect(again).toMatchObject({ resumed: 2, trained: 0, failed: 1 });
  });

  it('tanh, σ_b² = 0, σ_w² = 1e−12 at L = 50: the cell fails with its reason instead of throwing on η = ∞', async () => {
    const spec = { activation: 'tanh' as const, sigmaB2: 0, width: 8, steps: 5, batchSize: 16, rho: 0.3, seed: 7 };
    const c = (await trainCell({ ...spec, sigmaW2: 1e-12, depth: 50 }, data))!;
    expect(c.failed).toMatch(/Θ vanishes below float64's range at depth 50/);
    expect(c).toMatchObject({ lr: 0, etaTheory: 0, steps: 0, diverged: false });
  });

  it('η_theory is the stability scale: ρ = 0.9 trains, ρ = 5 diverges on the same cell', async () => {
    const base = {
      activation: 'erf' as const,
      sigmaB2: 0.185,
      width: 16,
      steps: 200,
      batchSize: 32,
      seed: 7,
      sigmaW2: 2,
      depth: 3,
    };
    const tensors = tf.memory().numTensors;
    const below = (await trainCell({ ...base, rho: 0.9 }, data))!;
    expect(tf.memory().numTensors).toBe(tensors); // nothing leaks per cell
    expect(below.diverged).toBe(false);
    expect(below.trainLoss).not.toBeNull();
    expect(below.trainAccuracy).toBeGreaterThan(0.5);
    expect((await trainCell({ ...base, rho: 5 }, data))!.diverged).toBe(true);
  });
});
