import { describe, expect, it } from 'vitest';
import { Rng } from './rng';
import { assignShards, longestFirst, parseShardSpec, shardItems } from './shard';

describe('parseShardSpec', () => {
  it('reads i/n', () => {
    expect(parseShardSpec('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShardSpec('2/3')).toEqual({ index: 2, count: 3 });
  });
  it.each(['3/2', '2/2', '-1/2', 'a/b', '1/0', '1', '1/2/3', '', '1.5/2'])('refuses %j', (t) => {
    expect(() => parseShardSpec(t)).toThrow(RangeError);
  });
});

/** The smallest possible largest-shard cost, by trying every assignment (small cases only). */
function optimum(costs: number[], n: number): number {
  let best = Infinity;
  const load = new Array<number>(n).fill(0);
  const go = (k: number): void => {
    if (k === costs.length) {
      best = Math.min(best, Math.max(...load));
      return;
    }
    for (let s = 0; s < n; s++) {
      load[s] += costs[k];
      go(k + 1);
      load[s] -= costs[k];
    }
  };
  go(0);
  return best;
}

describe('assignShards', () => {
  it('partitions the items: every item in exactly one shard, shardItems agrees', () => {
    const costs = [5, 1, 9, 3, 3, 7, 2];
    const a = assignShards(costs, 3);
    const parts = [0, 1, 2].map((i) =>
      shardItems(
        costs.map((_, k) => k),
        (k) => costs[k],
        { index: i, count: 3 },
      ),
    );
    expect(parts.flat().sort((x, y) => x - y)).toEqual(costs.map((_, k) => k));
    parts.forEach((p, i) => p.forEach((k) => expect(a[k]).toBe(i)));
  });

  it('is within Graham’s 4/3 − 1/(3n) of the optimal largest shard (random costs against brute force)', () => {
    const rng = new Rng(7, 0);
    for (let trial = 0; trial < 40; trial++) {
      const n = 2 + (trial % 3);
      const costs = Array.from({ length: 7 }, () => Math.round(1 + 99 * rng.uniform()));
      const a = assignShards(costs, n);
      const load = new Array<number>(n).fill(0);
      a.forEach((s, k) => (load[s] += costs[k]));
      expect(Math.max(...load)).toBeLessThanOrEqual((4 / 3 - 1 / (3 * n)) * optimum(costs, n) + 1e-9);
    }
  });

  it('balances a sweep-like grid where deep cells dominate (cost ∝ depth)', () => {
    // 8 σ_w² × depths 2…32: cost of a cell ∝ its depth, as the flops of a fixed-width net
    const depths = [2, 4, 8, 16, 24, 32];
    const costs = depths.flatMap((d) => new Array<number>(8).fill(d));
    const a = assignShards(costs, 5);
    const load = new Array<number>(5).fill(0);
    a.forEach((s, k) => (load[s] += costs[k]));
    const mean = costs.reduce((x, y) => x + y, 0) / 5;
    // LPT: the largest shard exceeds the mean by less than the largest single cell
    expect(Math.max(...load) - mean).toBeLessThan(32);
    // an index split (cells 0–9 to shard 0, …) would give the last shard all L = 32 cells
    expect(Math.max(...load)).toBeLessThan(8 * 32);
  });

  it('is deterministic and independent of the asking shard', () => {
    const costs = [3, 3, 3, 3, 1, 1];
    expect(assignShards(costs, 4)).toEqual(assignShards([...costs], 4));
    expect(assignShards(costs, 4)).toEqual([0, 1, 2, 3, 0, 1]);
  });

  it('more shards than items leaves some empty', () => {
    expect(assignShards([1, 2], 4)).toEqual([1, 0]);
  });
});

describe('longestFirst', () => {
  it('orders by decreasing cost, ties in item order, without changing the input', () => {
    const cells = [
      { id: 'a', depth: 8 },
      { id: 'b', depth: 16 },
      { id: 'c', depth: 8 },
      { id: 'd', depth: 16 },
    ];
    expect(longestFirst(cells, (c) => c.depth).map((c) => c.id)).toEqual(['b', 'd', 'a', 'c']);
    expect(cells.map((c) => c.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it("a pool taking items in that order reaches assignShards' balanced loads (random costs, 2–4 workers)", () => {
    // the pool hands the next item to the first free worker: makespan of that greedy rule
    const makespan = (costs: number[], workers: number) => {
      const free = new Array<number>(workers).fill(0);
      for (const c of costs) free[free.indexOf(Math.min(...free))] += c;
      return Math.max(...free);
    };
    const rng = new Rng(11, 0);
    for (let trial = 0; trial < 200; trial++) {
      const costs = Array.from({ length: 3 + Math.floor(rng.uniform() * 8) }, () => 1 + Math.floor(rng.uniform() * 20));
      const workers = 2 + Math.floor(rng.uniform() * 3);
      const shard = assignShards(costs, workers);
      const loads = new Array<number>(workers).fill(0);
      costs.forEach((c, k) => (loads[shard[k]] += c));
      expect(
        makespan(
          longestFirst(costs, (c) => c),
          workers,
        ),
      ).toBe(Math.max(...loads));
    }
    // the 4-cell case of the training bench: L ∈ {8, 16} × 2 in sweep order takes 32 depth units on 2 workers, 24 so
    expect(makespan([8, 16, 8, 16], 2)).toBe(32);
    expect(
      makespan(
        longestFirst([8, 16, 8, 16], (c) => c),
        2,
      ),
    ).toBe(24);
  });
});
