// The resumable on-disk store of a training-dynamics σ_w² list (`ntk-lab train-dynamics --sigma-w2 a,b,c --out DIR`,
// `--shard i/n`), the sibling of store.ts and lr-store.ts with the same guarantees:
//   sweep.json  { format, identity, params, createdAt }: the resolved params (sigmaW2List, no sigmaW2) and their
//               sha256, written once (temp file + fsync + rename);
//   runs.jsonl  one finished run per line { sigmaW2, diverged, seconds, records }, appended whole and fsynced as each
//               run ends (a run stopped early is not stored: it runs again on resume);
//   shard.json  only in a shard's store (store.ts recordShard).
// Every complete line must be a valid run of one of the list's σ_w², at most once, or opening fails naming the line;
// an unterminated last line (a crash mid-append) is ignored and cut before the next append.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  estimateTrainDynamicsCost,
  parseTrainDynamicsParams,
  tdRunSchema,
  type TdRun,
  type TrainDynamicsParams,
} from '../../../src-shared/contract/train-dynamics';
import { shardItems, type ShardSpec } from '../../../src-shared/shard';
import { canonicalJson, issueText, SweepStoreError } from './store';
import { initStoreDir, readStoreParams, RecordLog, type StoreKind } from './record-log';

export const RUNS_FILE = 'runs.jsonl';
export const TD_STORE_FORMAT = 'ntk-lab-train-dynamics/1';
const KIND: StoreKind = { format: TD_STORE_FORMAT, recordsFile: RUNS_FILE, noun: 'a training-dynamics list' };

export { tdRunSchema, type TdRun } from '../../../src-shared/contract/train-dynamics';

export const runKey = (sigmaW2: number): string => String(sigmaW2);

/** The runs of a list: sigmaW2List as given (a single sigmaW2 is a list of one). */
export function tdRuns(p: TrainDynamicsParams): number[] {
  return p.sigmaW2List ?? [p.sigmaW2];
}

/** What sweep.json stores and the identity hashes: the resolved params with the list and without sigmaW2. */
export function tdSweepParams(p: TrainDynamicsParams): Omit<TrainDynamicsParams, 'sigmaW2'> {
  const { sigmaW2, ...rest } = p;
  return { ...rest, sigmaW2List: p.sigmaW2List ?? [sigmaW2] };
}

export function tdIdentity(p: TrainDynamicsParams): string {
  return createHash('sha256')
    .update(canonicalJson({ kind: 'train-dynamics', params: tdSweepParams(p) }))
    .digest('hex');
}

/**
 * The σ_w² of shard `spec`, in list order: assignShards over each run's estimated work (estimateTrainDynamicsCost:
 * every run of a list has the same sizes, so the runs are dealt round-robin).
 */
export function shardTdRuns(p: TrainDynamicsParams, spec: ShardSpec): number[] {
  const flops = estimateTrainDynamicsCost(p, p.recordAt.length).flops;
  return shardItems(tdRuns(p), () => flops, spec);
}

export interface RunScan {
  runs: TdRun[];
  /** Bad complete lines, 1-based. */
  problems: { line: number; problem: string }[];
  /** Bytes of the text up to the last complete line. */
  goodBytes: number;
  torn: boolean;
}

/** Every line of a runs.jsonl text: valid runs of `keys` (first copy), the bad lines, whether the tail is torn. */
export function scanRuns(text: string, keys: ReadonlySet<string>): RunScan {
  const runs: TdRun[] = [];
  const problems: RunScan['problems'] = [];
  const seenAt = new Map<string, number>();
  const lines = text.split('\n');
  const torn = lines.pop() !== '';
  let goodBytes = 0;
  lines.forEach((line, k) => {
    goodBytes += Buffer.byteLength(line) + 1;
    const bad = (problem: string) => void problems.push({ line: k + 1, problem });
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return bad(line.trim() === '' ? 'empty line, expected a run record' : 'not JSON');
    }
    const r = tdRunSchema.safeParse(json);
    if (!r.success) return bad(`not a run record (${issueText(r.error.issues)})`);
    const key = runKey(r.data.sigmaW2);
    if (!keys.has(key)) return bad(`the run σ_w² = ${r.data.sigmaW2} is not in this list`);
    const first = seenAt.get(key);
    if (first !== undefined) return bad(`the run σ_w² = ${r.data.sigmaW2} is already on line ${first}`);
    seenAt.set(key, k + 1);
    runs.push(r.data);
  });
  return { runs, problems, goodBytes, torn };
}

/** The params of a training-dynamics store's sweep.json, checked against its identity; SweepStoreError otherwise. */
export function readTdParams(dir: string): { params: TrainDynamicsParams; identity: string } {
  // the limit of one process does not apply to reading a store
  const parse = (raw: unknown) => parseTrainDynamicsParams(raw, 0);
  return readStoreParams(dir, { ...KIND, paramsName: 'train-dynamics' }, parse, tdIdentity);
}

export class TdStore {
  private readonly done = new Map<string, TdRun>();

  private constructor(
    readonly dir: string,
    readonly identity: string,
    private readonly keys: ReadonlySet<string>,
    private readonly log: RecordLog,
    runs: TdRun[],
  ) {
    for (const r of runs) this.done.set(runKey(r.sigmaW2), r);
  }

  /** Open (or create) the store of `params` in `dir`; SweepStoreError for another list or a damaged file. */
  static open(dir: string, params: TrainDynamicsParams): TdStore {
    const identity = tdIdentity(params);
    initStoreDir(dir, KIND, identity, tdSweepParams(params));
    const keys = new Set(tdRuns(params).map(runKey));
    const path = join(dir, RUNS_FILE);
    const scan = existsSync(path)
      ? scanRuns(readFileSync(path, 'utf8'), keys)
      : { runs: [], problems: [], goodBytes: 0, torn: false };
    const bad = scan.problems[0];
    if (bad)
      throw new SweepStoreError(`${path} line ${bad.line}: ${bad.problem}; fix or remove the line (or the directory)`);
    return new TdStore(dir, identity, keys, new RecordLog(path, scan.goodBytes, scan.torn), scan.runs);
  }

  get(sigmaW2: number): TdRun | undefined {
    return this.done.get(runKey(sigmaW2));
  }

  get size(): number {
    return this.done.size;
  }

  /** An unterminated last line (a crash mid-append) was found and ignored. */
  get tornTail(): boolean {
    return this.log.tornTail;
  }

  /** Append one finished run, whole and fsynced; a failed write is cut back off (SweepStoreWriteError). */
  append(run: TdRun): void {
    const r = tdRunSchema.safeParse(run);
    if (!r.success) throw new SweepStoreError(`not a run record (${issueText(r.error.issues)})`);
    const key = runKey(r.data.sigmaW2);
    if (!this.keys.has(key)) throw new SweepStoreError(`the run σ_w² = ${run.sigmaW2} is not in this list`);
    if (this.done.has(key)) throw new SweepStoreError(`the run σ_w² = ${run.sigmaW2} is already stored`);
    this.log.append(r.data, `${this.done.size} stored runs`, 'Run the same command again to resume');
    this.done.set(key, r.data);
  }
}
