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
import { initStoreDir, RecordLog, type StoreKind } from './record-log';

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

/** Valid points of a points.jsonl text; SweepStoreError naming the first bad line. */
function parsePoints(
  text: string,
  where: string,
  keys: ReadonlySet<string>,
): { points: LrSweepPoint[]; goodBytes: number; torn: boolean } {
  const points: LrSweepPoint[] = [];
  const seenAt = new Map<string, number>();
  let pos = 0;
  let goodBytes = 0;
  let lineNo = 0;
  const bad = (problem: string): never => {
    throw new SweepStoreError(`${where} line ${lineNo}: ${problem}; fix or remove the line (or the directory)`);
  };
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    lineNo++;
    if (nl < 0) return { points, goodBytes, torn: true };
    const line = text.slice(pos, nl);
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      bad(line.trim() === '' ? 'empty line, expected a point record' : 'not JSON');
    }
    const r = lrSweepPointSchema.safeParse(json);
    if (!r.success) bad(`not a point record (${issueText(r.error.issues)})`);
    const point = r.data!;
    const key = pointKey(point.depth, point.rho);
    if (!keys.has(key)) bad(`the point L = ${point.depth}, ρ = ${point.rho} is not in this sweep`);
    const first = seenAt.get(key);
    if (first !== undefined) bad(`the point L = ${point.depth}, ρ = ${point.rho} is already on line ${first}`);
    seenAt.set(key, lineNo);
    points.push(point);
    goodBytes += Buffer.byteLength(text.slice(pos, nl + 1));
    pos = nl + 1;
  }
  return { points, goodBytes, torn: false };
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
      : { points: [], goodBytes: 0, torn: false };
    return new LrSweepStore(dir, identity, keys, new RecordLog(path, loaded.goodBytes, loaded.torn), loaded.points);
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
    if (!this.keys.has(key))
      throw new SweepStoreError(`the point L = ${point.depth}, ρ = ${point.rho} is not in this sweep`);
    if (this.done.has(key))
      throw new SweepStoreError(`the point L = ${point.depth}, ρ = ${point.rho} is already stored`);
    this.log.append(r.data, `${this.done.size} stored points`, 'Run the same sweep again to resume');
    this.done.set(key, r.data);
  }
}
