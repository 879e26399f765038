// Merge the stores of a training-dynamics σ_w² list's shards (`ntk-lab train-dynamics --sigma-w2 a,b,c --shard i/n
// --out DIR`) into one normal store, with the guarantees of merge.ts: every readable shard must hold the same list
// (else MergeRefused, nothing written); damaged lines and torn tails are named and skipped, the shards are never
// modified; the first copy of each run (shards in the order given) is appended whole and fsynced; duplicates and
// missing runs are reported.
import { readTdParams, runKey, scanRuns, tdRuns, TdStore, RUNS_FILE } from './td-store';
import { SweepStoreError } from './store';
import { collectShardRecords, readShardsOfOneSweep, MergeRefused, type MergeReport } from './merge-common';

/**
 * Merge the training-dynamics shard stores `shardDirs` (sweep.json already known to be of this kind, or absent) into
 * `outDir`. `damaged` and `absent`: what the caller found before.
 */
export function mergeTdShards(
  outDir: string,
  shardDirs: readonly string[],
  damaged: MergeReport['damaged'],
  absent: string[],
): MergeReport {
  const { readable, params, identity } = readShardsOfOneSweep(outDir, shardDirs, readTdParams, damaged, {
    one: 'training-dynamics list',
    many: 'training-dynamics lists',
    unit: 'list',
  });
  const all = tdRuns(params);
  const keys = new Set(all.map(runKey));
  const { first, copies, shards } = collectShardRecords(
    readable,
    RUNS_FILE,
    (text, path) => {
      const scan = scanRuns(text, keys);
      const bad = scan.problems.map((p) => ({ path: `${path} line ${p.line}`, problem: p.problem }));
      const torn = `${path} line ${text.split('\n').length}`;
      if (scan.torn) bad.push({ path: torn, problem: 'torn last line (a crash mid-append), ignored' });
      return { records: scan.runs, damaged: bad };
    },
    (run) => runKey(run.sigmaW2),
    damaged,
  );
  let store: TdStore;
  try {
    store = TdStore.open(outDir, params);
  } catch (err) {
    if (err instanceof SweepStoreError) throw new MergeRefused(`the output ${outDir}: ${err.message}`);
    throw err;
  }
  let added = 0;
  for (const s of all) {
    const f = first.get(runKey(s));
    if (!f || store.get(s)) continue;
    store.append(f.record);
    added++;
  }
  return {
    kind: 'train-dynamics',
    dir: outDir,
    identity,
    total: all.length,
    done: store.size,
    added,
    missing: all.filter((s) => !store.get(s)).map((sigmaW2) => ({ sigmaW2 })),
    duplicates: all.flatMap((s) => {
      const d = copies.get(runKey(s));
      return d ? [{ sigmaW2: s, ...d }] : [];
    }),
    damaged,
    absent,
    shards,
  };
}
