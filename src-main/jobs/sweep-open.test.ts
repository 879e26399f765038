// sweep-open: reads a store (merged or a shard's) without writing; bad paths and damaged stores are named.
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrainabilityParams } from '../../src-shared/contract/trainability';
import { parseLrSweepParams } from '../../src-shared/contract/lr-sweep';
import { parseTrainDynamicsParams } from '../../src-shared/contract/train-dynamics';
import { LrSweepStore } from '../tf/sweep/lr-store';
import {
  parseTrustMapParams,
  shardTrustMapCells,
  trustCellKey,
  type TrustMapCell,
  type TrustMapCellRef,
} from '../../src-shared/contract/trust-map';
import { openTrustMapStore } from '../tf/sweep/trust-map';
import { shardTdRuns, TdStore } from '../tf/sweep/td-store';
import { recordShard, SweepStore } from '../tf/sweep/store';
import { shardCells, sweepGrid } from '../tf/sweep/grid';
import type { JobEnv } from './define';
import { checkKind } from '.';

const params = parseTrainabilityParams({
  dataset: 'synthetic',
  width: 8,
  steps: 2,
  batchSize: 4,
  trainSize: 16,
  testSize: 8,
  grid: { sigmaW2: { values: [1, 2] }, depth: { values: [2, 3] } },
});

const record = (sigmaW2: number, depth: number) => ({
  sigmaW2,
  depth,
  depthToWidth: depth / 8,
  width: 8,
  lr: 0.1,
  etaTheory: 0.3,
  trainAccuracy: 0.5,
  testAccuracy: 0.4,
  trainLoss: 0.2,
  steps: 2,
  diverged: false,
  seconds: 0.1,
});

const open = async (dataDir: string, dir: string) => {
  const job = checkKind('sweep-open', { dir });
  const out = await job.run({ dataDir } as JobEnv, () => {}, {});
  return (out as { store: { cells: unknown[]; missing: unknown[]; total: number; shard?: unknown; torn: boolean } })
    .store;
};

describe('sweep-open', () => {
  it('reads a store by absolute path or by name under <dataDir>/sweeps, writing nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ntk-open-'));
    const dir = join(dataDir, 'sweeps', 'fig3');
    const store = SweepStore.open(dir, params);
    store.append(record(1, 2));
    store.append(record(2, 3));
    const before = readdirSync(dir).sort();
    for (const d of [dir, 'fig3']) {
      const s = await open(dataDir, d);
      expect(s.total).toBe(4);
      expect(s.cells).toHaveLength(2);
      expect(s.missing).toEqual([
        { sigmaW2: 2, depth: 2 },
        { sigmaW2: 1, depth: 3 },
      ]);
    }
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('a shard store: missing counts its own part of the grid', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ntk-open-')), 'shard-0');
    const store = SweepStore.open(dir, params);
    const shard = { index: 0, count: 2 };
    recordShard(dir, store.identity, shard);
    const mine = shardCells(params, sweepGrid(params), shard);
    store.append(record(mine[0].sigmaW2, mine[0].depth));
    const s = await open('/unused', dir);
    expect(s.shard).toEqual({ index: 0, count: 2, total: mine.length });
    expect(s.missing).toHaveLength(mine.length - 1);
  });

  it('refuses ".." in a relative path, a folder that is not a store, and names a damaged line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ntk-open-'));
    expect(() => checkKind('sweep-open', { dir: '../../etc' })).toThrow(/may not contain '\.\.'/);
    expect(() => checkKind('sweep-open', { dir: '' })).toThrow(/dir/);
    mkdirSync(join(dataDir, 'plain'));
    await expect(open(dataDir, join(dataDir, 'plain'))).rejects.toThrow(/is not a sweep store/);
    await expect(open(dataDir, join(dataDir, 'none'))).rejects.toThrow(/does not exist/);
    const dir = join(dataDir, 'bad');
    SweepStore.open(dir, params).append(record(1, 2));
    appendFileSync(join(dir, 'cells.jsonl'), '{"not":"a cell"}\n');
    await expect(open(dataDir, dir)).rejects.toThrow(`${join(dir, 'cells.jsonl')} line 2: not a cell record`);
  });
});

describe('sweep-open of the other store kinds', () => {
  const run = async (dir: string) => {
    const job = checkKind('sweep-open', { dir });
    return (await job.run({ dataDir: dir } as JobEnv, () => {}, {})) as Record<string, unknown>;
  };

  it('a learning-rate sweep: its points in sweep order and the (L, ρ) points it lacks; nothing written', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ntk-open-lr-')), 's');
    const p = parseLrSweepParams({ dataset: 'synthetic', depths: [2, 3], rhos: [0.5, 2] });
    const point = (depth: number, rho: number) => ({
      ...{ depth, rho, lr: rho * 0.1, etaTheory: 0.1, trainAccuracy: 0.5, testAccuracy: 0.4, trainLoss: 0.2 },
      ...{ diverged: false, seconds: 1 },
    });
    const s = LrSweepStore.open(dir, p);
    s.append(point(3, 2));
    s.append(point(2, 0.5));
    const files = readdirSync(dir).sort();
    const out = await run(dir);
    expect(out.store).toBeUndefined();
    expect(out.lrSweep).toMatchObject({
      total: 4,
      points: [point(2, 0.5), point(3, 2)],
      missing: [
        { depth: 2, rho: 2 },
        { depth: 3, rho: 0.5 },
      ],
      torn: false,
    });
    expect(readdirSync(dir).sort()).toEqual(files);
  });

  it('a training-dynamics σ_w² shard: its runs and the runs of its part it lacks; a torn tail is reported', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ntk-open-td-')), 's');
    const p = parseTrainDynamicsParams({ depth: 2, width: 8, steps: 2, recordAt: [0, 2], sigmaW2List: [1, 2, 3] });
    const s = TdStore.open(dir, p);
    recordShard(dir, s.identity, { index: 0, count: 2 });
    const [first, second] = shardTdRuns(p, { index: 0, count: 2 });
    const rec = { step: 0, epoch: 0, trainLoss: 0.5, testLoss: 0.5, trainAccuracy: 0.1, testAccuracy: 0.1 };
    const r = { ...rec, thetaD: 1, thetaC: 0.5, thetaN: 0.4, diverged: false, seconds: 1, sigmaW2: first };
    s.append({ sigmaW2: first, diverged: false, seconds: 1, records: [r] });
    appendFileSync(join(dir, 'runs.jsonl'), '{"sigmaW2"');
    const out = (await run(dir)).trainDynamics as Record<string, unknown>;
    expect(out).toMatchObject({
      total: 3,
      shard: { index: 0, count: 2, total: 2 },
      missing: [{ sigmaW2: second }],
      torn: true,
    });
    expect((out.runs as { sigmaW2: number }[]).map((x) => x.sigmaW2)).toEqual([first]);
    expect((out.params as { sigmaW2List: number[] }).sigmaW2List).toEqual([1, 2, 3]);
  });

  it('an NTK trust map shard: its cells and the (σ_w², L, M) of its part it lacks, with params that resume it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ntk-open-tm-')), 's');
    const p = parseTrustMapParams({ grid: { sigmaW2: [1, 3], depth: [2, 3], width: [8, 16] }, steps: [3, 6] });
    const shard = { index: 1, count: 2 };
    const part = shardTrustMapCells(p, shard);
    const cellOf = (c: TrustMapCellRef): TrustMapCell => ({
      ...c,
      depthToWidth: c.depth / c.width,
      changes: [0, 3, 6].map((step) => ({ step, loss: 0.5, relativeChange: step / 100 })),
      final: { step: 6, loss: 0.5, relativeChange: 0.06 },
      stop: 'max-steps',
      minLoss: 0.5,
      minLossStep: 6,
      seconds: 1,
    });
    const store = openTrustMapStore(p, dir, shard);
    store.append(cellOf(part[0]));
    store.append(cellOf(part[2]));
    const files = readdirSync(dir).sort();
    const out = (await run(dir)).trustMap as Record<string, unknown>;
    expect(out).toMatchObject({
      dir,
      identity: store.identity,
      total: 8,
      shard: { index: 1, count: 2, total: part.length },
      torn: false,
    });
    expect((out.cells as TrustMapCell[]).map(trustCellKey)).toEqual([part[0], part[2]].map(trustCellKey));
    expect(out.missing).toEqual(part.filter((_, i) => i !== 0 && i !== 2));
    // the params as stored: parsed back they are the same sweep (the UI resumes the map with them)
    expect(parseTrustMapParams(out.params)).toEqual(p);
    expect(readdirSync(dir).sort()).toEqual(files);
    // a damaged line is named, as the store's own reader names it
    appendFileSync(join(dir, 'cells.jsonl'), '{"sigmaW2": 1}\n');
    await expect(run(dir)).rejects.toThrow(/cells\.jsonl.*line 3/);
  });

  it('resuming a trust map by folder: only a stored map, never ".." or a folder without one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ntk-open-tmr-'));
    const params = { grid: { sigmaW2: [1], depth: [2], width: [8] }, steps: [3] };
    expect(() => checkKind('trust-map', { ...params, resumeDir: '../elsewhere' })).toThrow(/resumeDir: .*'\.\.'/);
    expect(() => checkKind('trust-map', { ...params, resumeDir: ' ' })).toThrow(/resumeDir/);
    const job = checkKind('trust-map', { ...params, resumeDir: 'nothing-here' });
    const env = { dataDir, tf: { start: () => Promise.reject(new Error('must not start')) } } as unknown as JobEnv;
    await expect(job.run(env, () => {}, {})).rejects.toThrow(/resumeDir: .*nothing-here holds no stored map/);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
