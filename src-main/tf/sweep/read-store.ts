// Read a stored sweep without writing anything (the lab's "Open sweep folder", `ntk-lab sweep-open`): its params,
// its cells and which cells it lacks. A damaged store is an error naming the file and line (SweepStoreError), as
// SweepStore.open reports it; a torn last line (a crash mid-append) is ignored and reported.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepOpenResult } from '../../../src-shared/contract/sweep-open';
import { readSweepParams } from './merge';
import { cellKey, shardCells, sweepGrid } from './grid';
import { CELLS_FILE, gridCheckOf, parseCells, readShardFile, SWEEP_FILE, SweepStoreError } from './store';

export function readSweepStore(dir: string): SweepOpenResult {
  if (!existsSync(dir)) throw new SweepStoreError(`${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new SweepStoreError(`${dir} is not a directory`);
  if (!existsSync(join(dir, SWEEP_FILE)))
    throw new SweepStoreError(`${dir} is not a sweep store (it has no ${SWEEP_FILE})`);
  const { params, identity } = readSweepParams(dir);
  const grid = sweepGrid(params); // no cost limit: reading trains nothing
  const path = join(dir, CELLS_FILE);
  const loaded = existsSync(path)
    ? parseCells(readFileSync(path, 'utf8'), path, gridCheckOf(params))
    : { cells: [], goodBytes: 0, torn: false };
  const shard = readShardFile(dir);
  const expected = shard ? shardCells(params, grid, shard) : grid.cells;
  const stored = new Set(loaded.cells.map((c) => cellKey(c.sigmaW2, c.depth)));
  return {
    dir,
    identity,
    params,
    total: grid.cells.length,
    cells: loaded.cells,
    ...(shard ? { shard: { index: shard.index, count: shard.count, total: expected.length } } : {}),
    missing: expected
      .filter((c) => !stored.has(cellKey(c.sigmaW2, c.depth)))
      .map((c) => ({ sigmaW2: c.sigmaW2, depth: c.depth })),
    torn: loaded.torn,
  };
}
