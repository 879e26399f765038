// A training-dynamics σ_w² list (`ntk-lab train-dynamics --sigma-w2 a,b,c`): one run per σ_w², one after the other,
// each exactly the single run with that σ_w² and the list's seed (so a run's records do not depend on the list, its
// order or the shard that ran it). With a store (td-store.ts) a stored run is skipped and each finished run is
// appended whole; a run stopped early is not stored and ends the list (resume runs it again).
import type {
  TrainDynamicsParams,
  TrainDynamicsRecord,
  TrainDynamicsSummary,
} from '../../../src-shared/contract/train-dynamics';
import type { ShardSpec } from '../../../src-shared/shard';
import type { TfRunOptions } from '../tf-host';
import { shardTdRuns, tdRuns, type TdRun, type TdStore } from './td-store';

/** Runs one train-dynamics task (params with one sigmaW2) and resolves with its summary. */
export type TdRunner = (params: TrainDynamicsParams, opts: TfRunOptions) => Promise<TrainDynamicsSummary>;

/** A record as stored and sent: the kernel as a plain array, the run's σ_w² on it. */
export function tagRecord(raw: unknown, sigmaW2: number): TrainDynamicsRecord & { kernel?: number[] } {
  const { kernel, ...r } = raw as TrainDynamicsRecord;
  return { ...r, ...(kernel ? { kernel: Array.from(kernel) } : {}), sigmaW2 };
}

export interface TdListResult {
  records: number;
  stoppedEarly: boolean;
  diverged: number;
  /** Runs of this process (the list or the shard's part), found in the store at start, finished now. */
  total: number;
  resumed: number;
  trained: number;
}

export async function runTdList(
  params: TrainDynamicsParams,
  run: TdRunner,
  emit: (record: TrainDynamicsRecord) => void,
  opts: { signal?: AbortSignal; pause?: TfRunOptions['pause']; shard?: ShardSpec },
  store?: TdStore,
): Promise<TdListResult> {
  const sigmas = opts.shard ? shardTdRuns(params, opts.shard) : tdRuns(params);
  const todo = store ? sigmas.filter((s) => !store.get(s)) : sigmas;
  const out: TdListResult = {
    records: 0,
    stoppedEarly: false,
    diverged: 0,
    total: sigmas.length,
    resumed: sigmas.length - todo.length,
    trained: 0,
  };
  const { sigmaW2List: _list, ...single } = params;
  for (const sigmaW2 of todo) {
    if (opts.signal?.aborted) {
      out.stoppedEarly = true;
      break;
    }
    const records: TdRun['records'] = [];
    const summary = await run(
      { ...single, sigmaW2 },
      {
        signal: opts.signal,
        pause: opts.pause,
        onProgress: (raw) => {
          const r = tagRecord(raw, sigmaW2);
          records.push(r);
          emit(r);
        },
      },
    );
    out.records += records.length;
    // a diverged run ends early with its diverged record: that is its result; any other early end is a stop
    const diverged = records.length > 0 && records[records.length - 1].diverged;
    if (records.length === 0 || (summary.stoppedEarly && !diverged)) {
      out.stoppedEarly = true;
      break;
    }
    if (diverged) out.diverged++;
    store?.append({ sigmaW2, diverged, seconds: records[records.length - 1].seconds, records });
    out.trained++;
  }
  return out;
}
