// The trust map on the TF worker pool: 1 and 2 workers store the same cells (per-cell seeds), a rerun resumes, shards
// partition the grid, and a damaged store is refused naming the line.
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  changeAt,
  parseTrustMapParams,
  shardTrustMapCells,
  trustCellKey,
  trustMapCells,
  type TrustMapCell,
} from '../../../src-shared/contract/trust-map';
import { TfPool } from '../tf-pool';
import { mergeShards } from './merge';
import { openTrustMapStore, runTrustMapParallel, type NtkChangeRunner } from './trust-map';

const sweep = parseTrustMapParams({
  grid: { sigmaW2: [1, 3], depth: [2, 3], width: [8] },
  steps: [3, 6],
  lr: 1e-3,
  trainSize: 100,
  seed: 2,
});
const tmp = () => join(mkdtempSync(join(tmpdir(), 'ntk-trust-map-')), 's');
const pools = [new TfPool({ backend: 'wasm', workers: 1 }), new TfPool({ backend: 'wasm', workers: 2 })];
afterAll(() => Promise.all(pools.map((p) => p.close())));
const runner =
  (pool: TfPool): NtkChangeRunner =>
  (p, o) =>
    pool.run('ntk-change', p, o);
const sansTime = (cells: TrustMapCell[]) =>
  Object.fromEntries(cells.map(({ seconds: _s, ...rest }) => [trustCellKey(rest), rest]));

describe('trust map', () => {
  it('1 and 2 workers store the same cells; step 0 is exactly 0 in every cell', async () => {
    const stored: TrustMapCell[][] = [];
    for (const pool of pools) {
      const dir = tmp();
      const emitted: TrustMapCell[] = [];
      const store = openTrustMapStore(sweep, dir);
      const s = await runTrustMapParallel(sweep, store, runner(pool), (p) => emitted.push(p.cell));
      expect(s).toMatchObject({ total: 4, done: 4, trained: 4, resumed: 0, status: 'complete' });
      const cells = openTrustMapStore(sweep, dir).records();
      expect(cells).toEqual(emitted);
      stored.push(cells);
    }
    expect(pools[1].size).toBe(2);
    expect(sansTime(stored[1])).toEqual(sansTime(stored[0]));
    for (const c of stored[0]) {
      expect(c.changes.map((x) => x.step)).toEqual([0, 3, 6]);
      expect(changeAt(c, 0).value).toBe(0);
      expect(c.final.step).toBe(6);
    }
  });

  it('a rerun resumes from the store; shards partition the grid; another grid in the same dir is refused', async () => {
    const dir = tmp();
    const shards = [0, 1].map((index) => shardTrustMapCells(sweep, { index, count: 2 }));
    expect([...shards[0], ...shards[1]].map(trustCellKey).sort()).toEqual(
      trustMapCells(sweep).map(trustCellKey).sort(),
    );
    const first = await runTrustMapParallel(
      sweep,
      openTrustMapStore(sweep, dir, { index: 0, count: 2 }),
      runner(pools[1]),
      () => undefined,
      {
        shard: { index: 0, count: 2 },
      },
    );
    expect(first).toMatchObject({ total: shards[0].length, trained: shards[0].length, status: 'complete' });
    const again = await runTrustMapParallel(
      sweep,
      openTrustMapStore(sweep, dir, { index: 0, count: 2 }),
      runner(pools[1]),
      () => undefined,
      {
        shard: { index: 0, count: 2 },
      },
    );
    expect(again).toMatchObject({ resumed: shards[0].length, trained: 0, status: 'complete' });
    expect(() => openTrustMapStore({ ...sweep, lr: 2e-3 }, dir)).toThrow(/different params/);
    appendFileSync(join(dir, 'cells.jsonl'), '{"sigmaW2": 1}\n');
    expect(() => openTrustMapStore(sweep, dir)).toThrow(/cells\.jsonl line \d+: not a record of a trust-map sweep/);
  });

  it('ntk-lab merge combines the shards into one store equal to the unsharded run', async () => {
    const dirs = [tmp(), tmp()];
    for (const [index, dir] of dirs.entries()) {
      const shard = { index, count: 2 };
      await runTrustMapParallel(sweep, openTrustMapStore(sweep, dir, shard), runner(pools[1]), () => undefined, {
        shard,
      });
    }
    const out = tmp();
    const first = mergeShards(out, [dirs[0]]);
    expect(first).toMatchObject({ kind: 'trust-map', total: 4, missing: expect.any(Array) });
    expect(first.missing.length).toBe(4 - first.done);
    const r = mergeShards(out, dirs);
    expect(r).toMatchObject({ kind: 'trust-map', total: 4, done: 4, added: 4 - first.done, missing: [] });
    expect(r.duplicates).toEqual([]);
    const merged = sansTime(openTrustMapStore(sweep, out).records());
    const whole = tmp();
    await runTrustMapParallel(sweep, openTrustMapStore(sweep, whole), runner(pools[0]), () => undefined);
    expect(merged).toEqual(sansTime(openTrustMapStore(sweep, whole).records()));
    // a shard of another trust map is refused, nothing written
    const otherSweep = { ...sweep, seed: 9 };
    const other = tmp();
    openTrustMapStore(otherSweep, other, { index: 0, count: 2 });
    expect(() => mergeShards(tmp(), [dirs[0], other])).toThrow(/hold different trust-map sweeps/);
  });
});
