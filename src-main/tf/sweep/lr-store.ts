// The resumable on-disk store of one learning-rate sweep (`ntk-lab lr-sweep --out DIR`, `--shard i/n`), the sibling
// of store.ts with the same guarantees:
//   sweep.json    { format, identity, params, createdAt }: the resolved params and their sha256, written once (temp
//                 file + fsync + rename);
//   points.jsonl  one LrSweepPoint per line, appended whole and fsynced as each point finishes;
//   shard.json    only in a shard's store (store.ts recordShard).
// Every complete line must be a valid point of the sweep's (depth, ρ) grid, at most once, or opening fails naming
// the line; an unterminated last line (a crash mid-append) is ignored and cut before the next append.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lrSweepPointSchema, type LrSweepParams, type LrSweepPoint } from '../../../src-shared/contract/lr-sweep';
import { assignShards, type ShardSpec } from '../../../src-shared/shard';
import { canonicalJson, issueText, SweepStoreError } from './store';
import { initStoreDir, parseRecordLines, RecordLog, type StoreKind } from './record-log';

export const POINTS_FILE = 'points.jsonl';
export const LR_STORE_FORMAT = 'ntk-lab-lr-sweep/1';
export const LR_STORE_KIND: StoreKind = {
  format: LR_STORE_FORMAT,
  recordsFile: POINTS_FILE,
  noun: 'a learning-rate sweep',
};

export interface LrPointRef {
  depth: number;
  rho: number;
}

export const pointKey = (depth: number, rho: number): string => `${depth}|${rho}`;

/** The sweep's points in sweep order: depths as given, ρ ascending (runLrSweepParallel's order). */
export function lrSweepPoints(p: LrSweepParams): LrPointRef[] {
  const rhos = [...p.rhos].sort((a, b) => a - b);
  return p.depths.flatMap((depth) => rhos.map((rho) => ({ depth, rho })));
}

/**
 * The points of shard `spec`, in sweep order: assignShards over each point's estimated cost. One SGD step costs
 * about depth·width² (L dense layers of width M), the same for every ρ; the NTK for η_theory is also linear in L.
 */
export function shardLrPoints(p: LrSweepParams, spec: ShardSpec): LrPointRef[] {
  const points = lrSweepPoints(p);
  const shard = assignShards(
    points.map((q) => q.depth),
    spec.count,
  );
  return points.filter((_, k) => shard[k] === spec.index);
}

export function lrSweepIdentity(params: LrSweepParams): string {
  return createHash('sha256')
    .update(canonicalJson({ kind: 'lr-sweep', params }))
    .digest('hex');
}

const pointName = (q: LrSweepPoint): string => `the point L = ${q.depth}, ρ = ${q.rho}`;

/** Valid points of a points.jsonl text; SweepStoreError naming the first bad line. */
function parsePoints(text: string, where: string, keys: ReadonlySet<string>) {
  return parseRecordLines(text, where, keys, {
    schema: lrSweepPointSchema,
    key: (q) => pointKey(q.depth, q.rho),
    expected: 'a point record',
    notA: 'a point record',
    name: pointName,
  });
}

export class LrSweepStore {
  private readonly done = new Map<string, LrSweepPoint>();

  private constructor(
    readonly dir: string,
    readonly identity: string,
    private readonly keys: ReadonlySet<string>,
    private readonly log: RecordLog,
    points: LrSweepPoint[],
  ) {
    for (const q of points) this.done.set(pointKey(q.depth, q.rho), q);
  }

  /** Open (or create) the store of `params` in `dir`; SweepStoreError for another sweep or a damaged file. */
  static open(dir: string, params: LrSweepParams): LrSweepStore {
    const identity = lrSweepIdentity(params);
    initStoreDir(dir, LR_STORE_KIND, identity, params);
    const keys = new Set(lrSweepPoints(params).map((q) => pointKey(q.depth, q.rho)));
    const path = join(dir, POINTS_FILE);
    const loaded = existsSync(path)
      ? parsePoints(readFileSync(path, 'utf8'), path, keys)
      : { records: [], goodBytes: 0, torn: false };
    return new LrSweepStore(dir, identity, keys, new RecordLog(path, loaded.goodBytes, loaded.torn), loaded.records);
  }

  get(depth: number, rho: number): LrSweepPoint | undefined {
    return this.done.get(pointKey(depth, rho));
  }

  get size(): number {
    return this.done.size;
  }

  /** An unterminated last line (a crash mid-append) was found and ignored. */
  get tornTail(): boolean {
    return this.log.tornTail;
  }

  /** Append one finished point, whole and fsynced; a failed write is cut back off (SweepStoreWriteError). */
  append(point: LrSweepPoint): void {
    const r = lrSweepPointSchema.safeParse(point);
    if (!r.success) throw new SweepStoreError(`not a point record (${issueText(r.error.issues)})`);
    const key = pointKey(r.data.depth, r.data.rho);
    if (!this.keys.has(key)) throw new SweepStoreError(`${pointName(point)} is not in this sweep`);
    if (this.done.has(key)) throw new SweepStoreError(`${pointName(point)} is already stored`);
    this.log.append(r.data, `${this.done.size} stored points`, 'Run the same sweep again to resume');
    this.done.set(key, r.data);
  }
}
