// sweep-open: reads a store (merged or a shard's) without writing; bad paths and damaged stores are named.
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrainabilityParams } from '../../src-shared/contract/trainability';
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
