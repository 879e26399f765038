// Shards of a sweep (`--shard i/n`): a deterministic split of a sweep's cells into n parts of about equal estimated
// cost, so that n processes (a Slurm job array) finish at about the same time. The split depends only on the cells,
// their costs and n — never on which process asks — so every shard computes the same partition independently.
// A cell's numbers do not depend on its shard: every cell is trained from the sweep's own seed (no per-position seeds).

export interface ShardSpec {
  /** 0-based shard index, 0 ≤ index < count. */
  index: number;
  /** Number of shards n ≥ 1. */
  count: number;
}

/** Most shards a sweep may be split into (a Slurm array of this size is already unusual). */
export const SHARD_COUNT_MAX = 10_000;

/** "i/n" → {index: i, count: n}; RangeError with the problem for anything else ("3/2", "-1/2", "a/b", "1/0"). */
export function parseShardSpec(text: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new RangeError(`expected i/n (shard i of n, 0 ≤ i < n), got ${JSON.stringify(text)}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1 && count <= SHARD_COUNT_MAX))
    throw new RangeError(`the shard count n must lie in 1…${SHARD_COUNT_MAX}, got ${m[2]}`);
  if (!(index < count)) throw new RangeError(`shard index ${index} is not below the shard count ${count} (0 ≤ i < n)`);
  return { index, count };
}

/**
 * Assign every item to one of `count` shards, balancing the summed cost: longest-processing-time first (Graham 1969:
 * items by decreasing cost, each to the currently lightest shard; ties to the lower item position and the lower shard
 * index), whose largest shard is at most 4/3 of the optimum. Returns the shard index of each item, in item order.
 * Costs must be finite and ≥ 0.
 */
export function assignShards(costs: readonly number[], count: number): number[] {
  if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`shard count must be a positive integer`);
  for (const c of costs) if (!(Number.isFinite(c) && c >= 0)) throw new RangeError(`cell cost must be ≥ 0, got ${c}`);
  const order = costs.map((_, k) => k).sort((a, b) => costs[b] - costs[a] || a - b);
  const load = new Array<number>(count).fill(0);
  const shard = new Array<number>(costs.length).fill(0);
  for (const k of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s] < load[best]) best = s;
    shard[k] = best;
    load[best] += costs[k];
  }
  return shard;
}

/**
 * The items in the order a worker pool should take them: by decreasing cost, ties in item order (the same
 * longest-processing-time rule as assignShards, Graham 1969). A pool that hands the next item to whichever worker
 * frees first then ends with short items, so no worker idles while the last long one runs: four cells L ∈ {8, 16} ×
 * 2 on 2 workers end after 16 + 8 depth units instead of 8 + 8 + 16 in sweep order.
 */
export function longestFirst<T>(items: readonly T[], cost: (item: T) => number): T[] {
  const costs = items.map((it) => cost(it));
  return costs
    .map((_, k) => k)
    .sort((a, b) => costs[b] - costs[a] || a - b)
    .map((k) => items[k]);
}

/** The items of shard `spec` (in their original order), by assignShards over their costs. */
export function shardItems<T>(items: readonly T[], cost: (item: T) => number, spec: ShardSpec): T[] {
  const shard = assignShards(
    items.map((it) => cost(it)),
    spec.count,
  );
  return items.filter((_, k) => shard[k] === spec.index);
}
