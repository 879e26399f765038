// Read a stored sweep without writing anything (the lab's "Open sweep folder", `ntk-lab sweep-open`): its params,
// its cells (an lr-sweep's points, a train-dynamics list's runs) and which it lacks. A damaged store is an error
// naming the file and line (SweepStoreError), as the store's open reports it; a torn last line (a crash mid-append)
// is ignored and reported.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type {
  LrStoreResult,
  SweepOpenResult,
  TdStoreResult,
  TrustMapStoreResult,
} from '../../../src-shared/contract/sweep-open';
import {
  parseTrustMapParams,
  shardTrustMapCells,
  trustCellKey,
  trustMapCells,
} from '../../../src-shared/contract/trust-map';
import { parseRecords, readRecordStoreParams } from './record-store';
import { TRUST_MAP_STORE } from './trust-map';
import { readLrSweepParams } from './lr-merge';
import { LR_STORE_FORMAT, lrSweepPoints, LrSweepStore, shardLrPoints } from './lr-store';
import { readSweepParams } from './merge';
import { readTdParams, shardTdRuns, TD_STORE_FORMAT, tdRuns, tdSweepParams, TdStore } from './td-store';
import { cellKey, shardCells, sweepGrid } from './grid';
import { CELLS_FILE, gridCheckOf, parseCells, readShardFile, SWEEP_FILE, SweepStoreError } from './store';

/** A store of any kind, in the field of its kind (the sweep-open job's output). */
export type AnyStore =
  | { store: SweepOpenResult }
  | { lrSweep: LrStoreResult }
  | { trainDynamics: TdStoreResult }
  | { trustMap: TrustMapStoreResult };

/** sweep.json's format, or undefined when it cannot be read (the kind's reader then names the problem). */
function formatOf(dir: string): unknown {
  try {
    return (JSON.parse(readFileSync(join(dir, SWEEP_FILE), 'utf8')) as { format?: unknown } | null)?.format;
  } catch {
    return undefined;
  }
}

/** Read the store in `dir`, whatever its kind; SweepStoreError naming the problem. */
export function readAnyStore(dir: string): AnyStore {
  if (!existsSync(dir)) throw new SweepStoreError(`${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new SweepStoreError(`${dir} is not a directory`);
  if (!existsSync(join(dir, SWEEP_FILE)))
    throw new SweepStoreError(`${dir} is not a sweep store (it has no ${SWEEP_FILE})`);
  const format = formatOf(dir);
  if (format === LR_STORE_FORMAT) return { lrSweep: readLrStore(dir) };
  if (format === TD_STORE_FORMAT) return { trainDynamics: readTdStore(dir) };
  if (format === TRUST_MAP_STORE.format) return { trustMap: readTrustMapStore(dir) };
  return { store: readSweepStore(dir) };
}

/** A learning-rate sweep's store (read through LrSweepStore, which writes nothing to an existing store). */
function readLrStore(dir: string): LrStoreResult {
  const { params, identity } = readLrSweepParams(dir);
  const store = LrSweepStore.open(dir, params);
  const shard = readShardFile(dir);
  const all = lrSweepPoints(params);
  const expected = shard ? shardLrPoints(params, shard) : all;
  return {
    dir,
    identity,
    params,
    total: all.length,
    ...(shard ? { shard: { index: shard.index, count: shard.count, total: expected.length } } : {}),
    torn: store.tornTail,
    points: all.flatMap((q) => store.get(q.depth, q.rho) ?? []),
    missing: expected.filter((q) => !store.get(q.depth, q.rho)),
  };
}

/** A training-dynamics σ_w² list's store (read through TdStore, which writes nothing to an existing store). */
function readTdStore(dir: string): TdStoreResult {
  const { params, identity } = readTdParams(dir);
  const store = TdStore.open(dir, params);
  const shard = readShardFile(dir);
  const all = tdRuns(params);
  const expected = shard ? shardTdRuns(params, shard) : all;
  return {
    dir,
    identity,
    params: tdSweepParams(params),
    total: all.length,
    ...(shard ? { shard: { index: shard.index, count: shard.count, total: expected.length } } : {}),
    torn: store.tornTail,
    runs: all.flatMap((s) => store.get(s) ?? []),
    missing: expected.filter((s) => !store.get(s)).map((sigmaW2) => ({ sigmaW2 })),
  };
}

/** An NTK trust map's store, read with the record store's own reader (record-store.ts); nothing is written. */
export function readTrustMapStore(dir: string): TrustMapStoreResult {
  const { params, identity } = readRecordStoreParams(TRUST_MAP_STORE, dir, parseTrustMapParams);
  const all = trustMapCells(params);
  const path = join(dir, TRUST_MAP_STORE.file);
  const loaded = existsSync(path)
    ? parseRecords(TRUST_MAP_STORE, readFileSync(path, 'utf8'), path, new Set(all.map(trustCellKey)))
    : { records: [], goodBytes: 0, torn: false };
  const shard = readShardFile(dir);
  const expected = shard ? shardTrustMapCells(params, shard) : all;
  const stored = new Set(loaded.records.map(trustCellKey));
  return {
    dir,
    identity,
    params: { ...params },
    total: all.length,
    ...(shard ? { shard: { index: shard.index, count: shard.count, total: expected.length } } : {}),
    torn: loaded.torn,
    cells: loaded.records,
    missing: expected.filter((c) => !stored.has(trustCellKey(c))),
  };
}

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
