// Merge the stores of a sweep's shards (`--shard i/n` runs, e.g. a Slurm job array) into one normal store.
//   1. Every shard's sweep.json is read first: all readable ones must hold the same sweep (identity = sha256 of the
//      params); otherwise nothing is written (MergeRefused). A shard directory that does not exist (a task that never
//      started) or whose sweep.json is damaged is named and skipped; its cells show up as missing.
//   2. Each shard's cells.jsonl is read line by line without changing it: a valid record of a cell of the grid is
//      taken; a bad line is named (file and line) and skipped, a torn last line (a crash mid-append) is named and
//      ignored. Nothing in a shard is modified, so nothing there is lost.
//   3. The first copy of each cell (in the order the shards are given) is appended to the output store through
//      SweepStore (whole records, fsynced); cells already in the output are kept (merging again after a resubmit
//      adds only the new ones). A cell found in several shards is reported as a duplicate.
// The output is a normal store: running the sweep on it trains only the missing cells, and the lab opens it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { trainabilityParamsSchema, type TrainabilityParams } from '../../../src-shared/contract/trainability';
import { cellRecordSchema } from '../../../src-shared/contract/trainability';
import { cellKey, sweepGrid } from './grid';
import { LR_STORE_FORMAT, POINTS_FILE } from './lr-store';
import { mergeLrShards } from './lr-merge';
import { mergeTdShards } from './td-merge';
import { readStoreParams } from './record-log';
import { RUNS_FILE, TD_STORE_FORMAT } from './td-store';
import {
  CELLS_FILE,
  canonicalJson,
  gridCheckOf,
  gridProblem,
  issueText,
  STORE_FORMAT,
  SWEEP_FILE,
  SweepStore,
  SweepStoreError,
  sweepIdentity,
} from './store';

import {
  checkMergeOutput,
  collectShardRecords,
  MergeRefused,
  salvageRecordLines,
  type MergeReport,
} from './merge-common';
import { mergeRecordShards, RECORD_MERGES } from './record-merge';

export {
  MergeRefused,
  type CellRef,
  type MergeReport,
  type PointRef,
  type RunRef,
  type WidthCellRef,
} from './merge-common';

/** The store kinds merge tells apart by sweep.json's format: the kind's name and its records file. */
const KINDS = [
  { format: STORE_FORMAT, name: 'a trainability sweep', file: CELLS_FILE },
  { format: LR_STORE_FORMAT, name: 'a learning-rate sweep', file: POINTS_FILE },
  { format: TD_STORE_FORMAT, name: 'a training-dynamics σ_w² list', file: RUNS_FILE },
] as const;

const TRAINABILITY_KIND = {
  format: STORE_FORMAT,
  recordsFile: CELLS_FILE,
  noun: 'a trainability sweep',
  paramsName: 'trainability',
};

/** The params of a store's sweep.json, checked against its identity; SweepStoreError naming the file otherwise. */
export function readSweepParams(dir: string): { params: TrainabilityParams; identity: string } {
  const parse = (raw: unknown): TrainabilityParams => {
    const p = trainabilityParamsSchema.safeParse(raw);
    if (!p.success) throw new Error(issueText(p.error.issues));
    return p.data;
  };
  return readStoreParams(dir, TRAINABILITY_KIND, parse, sweepIdentity);
}

/** Valid cell records of a cells.jsonl text, line by line; bad lines and a torn tail are reported, not thrown. */
function salvageCells(text: string, path: string, params: TrainabilityParams) {
  const grid = gridCheckOf(params);
  return salvageRecordLines(text, path, {
    schema: cellRecordSchema,
    key: (r) => cellKey(r.sigmaW2, r.depth),
    notA: 'a cell record',
    outside: (r) => gridProblem(r, grid),
    second: 'a second record of a cell already in this file',
    torn: 'torn last line (a crash mid-append), ignored',
  });
}

/** sweep.json's format field, or undefined when it is absent or unreadable (then it is reported as damaged). */
function storeFormat(dir: string): string | undefined {
  try {
    const raw = JSON.parse(readFileSync(join(dir, SWEEP_FILE), 'utf8')) as unknown;
    const f = (raw as { format?: unknown } | null)?.format;
    return typeof f === 'string' ? f : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Merge the shard stores `shardDirs` into the store `outDir`: trainability stores, or learning-rate sweep stores
 * (lr-merge.ts), never both. Throws MergeRefused before writing anything.
 */
export function mergeShards(outDir: string, shardDirs: readonly string[]): MergeReport {
  if (shardDirs.length === 0) throw new MergeRefused('give at least one shard directory');
  const out = resolve(outDir);
  for (const d of shardDirs)
    if (resolve(d) === out) throw new MergeRefused(`the output ${outDir} is also given as a shard`);
  const damaged: MergeReport['damaged'] = [];
  const absent: string[] = [];
  // the kind of sweep (sweep.json's format): stores of different kinds are never merged
  const formats = new Map<string, string>();
  for (const dir of shardDirs) formats.set(dir, storeFormat(dir) ?? '');
  // record-store sweeps (trust map, …) are told apart the same way
  const records = [...RECORD_MERGES].map(([format, m]) => ({
    format,
    name: `a ${m.report} sweep`,
    file: m.store.file,
  }));
  const kinds = [...KINDS, ...records].filter((k) => [...formats.values()].includes(k.format));
  if (kinds.length > 1) {
    const [a, b] = kinds.map((k) => ({ ...k, dir: shardDirs.find((d) => formats.get(d) === k.format) }));
    throw new MergeRefused(`${a.dir} holds ${a.name} and ${b.dir} ${b.name}; merge only the shards of one sweep`);
  }
  const record = kinds[0] === undefined ? undefined : RECORD_MERGES.get(kinds[0].format);
  if (record !== undefined) {
    const stores = shardDirs.filter((dir) => {
      if (existsSync(join(dir, SWEEP_FILE))) return true;
      if (existsSync(dir) && !statSync(dir).isDirectory()) throw new MergeRefused(`${dir} is not a directory`);
      if (existsSync(join(dir, record.store.file)))
        damaged.push({ path: join(dir, SWEEP_FILE), problem: `missing while ${record.store.file} exists` });
      else absent.push(dir);
      return false;
    });
    return mergeRecordShards(record, outDir, stores, damaged, absent);
  }
  const notCells = kinds[0]?.format === STORE_FORMAT ? undefined : kinds[0];
  if (notCells) {
    const stores = shardDirs.filter((dir) => {
      if (existsSync(join(dir, SWEEP_FILE))) return true;
      if (existsSync(dir) && !statSync(dir).isDirectory()) throw new MergeRefused(`${dir} is not a directory`);
      if (existsSync(join(dir, notCells.file)))
        damaged.push({ path: join(dir, SWEEP_FILE), problem: `missing while ${notCells.file} exists` });
      else absent.push(dir);
      return false;
    });
    return (notCells.format === LR_STORE_FORMAT ? mergeLrShards : mergeTdShards)(outDir, stores, damaged, absent);
  }
  const readable: { dir: string; params: TrainabilityParams; identity: string }[] = [];
  for (const dir of shardDirs) {
    if (!existsSync(join(dir, SWEEP_FILE))) {
      if (existsSync(dir) && !statSync(dir).isDirectory()) throw new MergeRefused(`${dir} is not a directory`);
      if (existsSync(join(dir, CELLS_FILE)))
        damaged.push({ path: join(dir, SWEEP_FILE), problem: `missing while ${CELLS_FILE} exists` });
      else absent.push(dir);
      continue;
    }
    try {
      readable.push({ dir, ...readSweepParams(dir) });
    } catch (err) {
      if (!(err instanceof SweepStoreError)) throw err;
      damaged.push({ path: join(dir, SWEEP_FILE), problem: err.message });
    }
  }
  if (readable.length === 0)
    throw new MergeRefused(
      `no shard holds a readable sweep (${[...absent, ...damaged.map((d) => d.path)].join(', ')})`,
    );
  const { params, identity } = readable[0];
  const other = readable.find((r) => r.identity !== identity);
  if (other) {
    const a = params as unknown as Record<string, unknown>;
    const b = other.params as unknown as Record<string, unknown>;
    const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]))
      .sort();
    throw new MergeRefused(
      `${readable[0].dir} and ${other.dir} hold different sweeps (${fields.join(', ')} differ); ` +
        'merge only the shards of one sweep',
    );
  }
  // the output: a store of the same sweep or a new one; checked before anything is written
  checkMergeOutput(outDir, identity, readSweepParams);
  const grid = sweepGrid(params); // no cost limit: merging trains nothing

  // read every shard (nothing written yet)
  const { first, copies, shards } = collectShardRecords(
    readable,
    CELLS_FILE,
    (text, path) => salvageCells(text, path, params),
    (record) => cellKey(record.sigmaW2, record.depth),
    damaged,
  );

  let store: SweepStore;
  try {
    store = SweepStore.open(outDir, params);
  } catch (err) {
    if (err instanceof SweepStoreError) throw new MergeRefused(`the output ${outDir}: ${err.message}`);
    throw err;
  }
  let added = 0;
  for (const cell of grid.cells) {
    const f = first.get(cellKey(cell.sigmaW2, cell.depth));
    if (!f || store.has(cell.sigmaW2, cell.depth)) continue;
    store.append(f.record);
    added++;
  }
  const missing = grid.cells
    .filter((c) => !store.has(c.sigmaW2, c.depth))
    .map((c) => ({ sigmaW2: c.sigmaW2, depth: c.depth }));
  const duplicates = grid.cells.flatMap((c) => {
    const d = copies.get(cellKey(c.sigmaW2, c.depth));
    return d ? [{ sigmaW2: c.sigmaW2, depth: c.depth, ...d }] : [];
  });
  return {
    kind: 'trainability',
    dir: outDir,
    identity,
    total: grid.cells.length,
    done: store.size,
    added,
    missing,
    duplicates,
    damaged,
    absent,
    shards,
  };
}
