// What the shard merges share (merge.ts: trainability cells; lr-merge.ts: learning-rate points; td-merge.ts:
// training-dynamics runs): the refusal, the report, the checks of the output before anything is written, the read of
// the shards' sweep.json (one sweep), and the read of every shard's records, first copy wins.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { canonicalJson, issueText, readShardFile, SWEEP_FILE, SweepStoreError } from './store';

/** The shards hold different sweeps, or the output cannot take them: nothing was written. */
export class MergeRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeRefused';
  }
}

export interface CellRef {
  sigmaW2: number;
  depth: number;
}

/** A cell of a sweep over widths too (the trust map, record-merge.ts). */
export interface WidthCellRef extends CellRef {
  width: number;
}

/** A learning-rate sweep's point (lr-merge.ts). */
export interface PointRef {
  depth: number;
  rho: number;
}

/** A training-dynamics list's run (td-merge.ts). */
export interface RunRef {
  sigmaW2: number;
}

export interface MergeReport {
  /** Which sweep the stores hold: a trainability grid (cells), a learning-rate sweep (points), a σ_w² list (runs),
   * a trust map (cells with a width). */
  kind: 'trainability' | 'lr-sweep' | 'train-dynamics' | 'trust-map';
  dir: string;
  identity: string;
  /** Cells of the sweep's grid. */
  total: number;
  /** Cells in the merged store. */
  done: number;
  /** Cells appended by this merge. */
  added: number;
  missing: (CellRef | PointRef | RunRef | WidthCellRef)[];
  /** Cells found in more than one shard (the first copy is kept); `identical`: all copies agree but for seconds. */
  duplicates: ((CellRef | PointRef | RunRef | WidthCellRef) & { dirs: string[]; identical: boolean })[];
  /** Shard files that could not be read whole: the path (with the line) and the problem. */
  damaged: { path: string; problem: string }[];
  /** Shard directories with no store (the task never started). */
  absent: string[];
  /** Per shard: its directory, the shard it records (shard.json), the cells taken from it. */
  shards: { dir: string; shard: { index: number; count: number } | null; cells: number }[];
}

/** A record without its wall times (`seconds` at any level: a run's records carry their own). */
const withoutSeconds = (value: unknown): string =>
  canonicalJson(JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'seconds' ? undefined : v))));

/** Copies of one record agree when all their numbers but the wall times (`seconds`) do. */
const sameNumbers = <R extends { seconds: number }>(a: R, b: R): boolean => withoutSeconds(a) === withoutSeconds(b);

/**
 * The output must be a new store or one of the same sweep (`readIdentity` reads its sweep.json), and not a shard's
 * store; MergeRefused otherwise. Checked before anything is written.
 */
export function checkMergeOutput(
  outDir: string,
  identity: string,
  readIdentity: (dir: string) => { identity: string },
) {
  if (existsSync(join(outDir, SWEEP_FILE))) {
    let existing: { identity: string };
    try {
      existing = readIdentity(outDir);
    } catch (err) {
      throw new MergeRefused(`the output ${outDir}: ${(err as Error).message}`);
    }
    if (existing.identity !== identity)
      throw new MergeRefused(`the output ${outDir} holds another sweep; choose another --out`);
  }
  try {
    if (readShardFile(outDir)) throw new MergeRefused(`the output ${outDir} is a shard's store; choose another --out`);
  } catch (err) {
    if (err instanceof SweepStoreError) throw new MergeRefused(`the output ${outDir}: ${err.message}`);
    throw err;
  }
}

/**
 * The shard stores of one sweep (lr-merge.ts, td-merge.ts): each shard's sweep.json read with `read` (an unreadable
 * one goes to `damaged`), all of the same sweep, and the output checked before anything is written (not a shard, not
 * a file, a new store or one of this sweep); MergeRefused otherwise. `what` names the sweep in the messages.
 */
export function readShardsOfOneSweep<P>(
  outDir: string,
  shardDirs: readonly string[],
  read: (dir: string) => { params: P; identity: string },
  damaged: MergeReport['damaged'],
  what: { one: string; many: string; unit: string },
): { readable: { dir: string; params: P; identity: string }[]; params: P; identity: string } {
  const out = resolve(outDir);
  const readable: { dir: string; params: P; identity: string }[] = [];
  for (const dir of shardDirs) {
    if (resolve(dir) === out) throw new MergeRefused(`the output ${outDir} is also given as a shard`);
    try {
      readable.push({ dir, ...read(dir) });
    } catch (err) {
      if (!(err instanceof SweepStoreError)) throw err;
      damaged.push({ path: join(dir, SWEEP_FILE), problem: err.message });
    }
  }
  if (readable.length === 0) throw new MergeRefused(`no shard holds a readable ${what.one}`);
  const { params, identity } = readable[0];
  const other = readable.find((r) => r.identity !== identity);
  if (other)
    throw new MergeRefused(
      `${readable[0].dir} and ${other.dir} hold different ${what.many}; merge only the shards of one ${what.unit}`,
    );
  if (!existsSync(join(outDir, SWEEP_FILE)) && existsSync(outDir) && !statSync(outDir).isDirectory())
    throw new MergeRefused(`the output ${outDir} is not a directory`);
  checkMergeOutput(outDir, identity, read);
  return { readable, params, identity };
}

/**
 * Read `file` of every readable shard, in the order given (nothing is written): the first copy of each record (by
 * `keyOf`) and the shard it came from, the later copies, and per shard what it recorded (shard.json) and gave.
 * Damaged lines (from `salvage`) and unreadable shard.json files go to `damaged`.
 */
export function collectShardRecords<R extends { seconds: number }>(
  readable: readonly { dir: string }[],
  file: string,
  salvage: (text: string, path: string) => { records: R[]; damaged: MergeReport['damaged'] },
  keyOf: (record: R) => string,
  damaged: MergeReport['damaged'],
) {
  const first = new Map<string, { record: R; dir: string }>();
  const copies = new Map<string, { dirs: string[]; identical: boolean }>();
  const shards: MergeReport['shards'] = [];
  for (const { dir } of readable) {
    let shard: { index: number; count: number } | null = null;
    try {
      const s = readShardFile(dir);
      shard = s && { index: s.index, count: s.count };
    } catch (err) {
      damaged.push({ path: join(dir, 'shard.json'), problem: (err as Error).message });
    }
    const path = join(dir, file);
    const { records, damaged: bad } = existsSync(path)
      ? salvage(readFileSync(path, 'utf8'), path)
      : { records: [], damaged: [] };
    damaged.push(...bad);
    let taken = 0;
    for (const record of records) {
      const key = keyOf(record);
      const f = first.get(key);
      if (!f) {
        first.set(key, { record, dir });
        taken++;
        continue;
      }
      const c = copies.get(key) ?? { dirs: [f.dir], identical: true };
      c.dirs.push(dir);
      c.identical &&= sameNumbers(f.record, record);
      copies.set(key, c);
    }
    shards.push({ dir, shard, cells: taken });
  }
  return { first, copies, shards };
}

/** How a kind's records file names its bad lines, for salvageRecordLines. */
export interface SalvageKind<R> {
  schema: z.ZodType<R>;
  key(record: R): string;
  /** 'a cell record', 'a point', 'a record': what a line failing the schema is not. */
  notA: string;
  /** Why a valid record does not belong to the sweep, or null when it does. */
  outside(record: R): string | null;
  /** The problem of a second copy of a key in one file. */
  second: string;
  /** The problem of an unterminated last line. */
  torn: string;
}

/** Valid records of a records file, line by line; bad lines and a torn tail are reported, not thrown. */
export function salvageRecordLines<R>(
  text: string,
  path: string,
  kind: SalvageKind<R>,
): { records: R[]; damaged: MergeReport['damaged'] } {
  const records: R[] = [];
  const damaged: MergeReport['damaged'] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  const torn = lines.pop() !== ''; // text ends with '\n' when the last line is whole
  lines.forEach((line, k) => {
    const where = `${path} line ${k + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      damaged.push({ path: where, problem: line.trim() === '' ? 'empty line' : 'not JSON' });
      return;
    }
    const r = kind.schema.safeParse(json);
    if (!r.success)
      return void damaged.push({ path: where, problem: `not ${kind.notA} (${issueText(r.error.issues)})` });
    const problem = kind.outside(r.data);
    if (problem) return void damaged.push({ path: where, problem });
    const key = kind.key(r.data);
    if (seen.has(key)) return void damaged.push({ path: where, problem: kind.second });
    seen.add(key);
    records.push(r.data);
  });
  if (torn) damaged.push({ path: `${path} line ${lines.length + 1}`, problem: kind.torn });
  return { records, damaged };
}
