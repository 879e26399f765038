// Merge the stores of a learning-rate sweep's shards (`ntk-lab lr-sweep --shard i/n --out DIR`) into one normal
// lr-sweep store, with the guarantees of merge.ts: every readable shard must hold the same sweep (else MergeRefused,
// nothing written); damaged lines and torn tails are named and skipped, the shards are never modified; the first copy
// of each point (shards in the order given) is appended whole and fsynced; duplicates and missing points are reported.
import { lrSweepPointSchema, parseLrSweepParams, type LrSweepParams } from '../../../src-shared/contract/lr-sweep';
import { LR_STORE_KIND, lrSweepIdentity, lrSweepPoints, LrSweepStore, pointKey, POINTS_FILE } from './lr-store';
import { SweepStoreError } from './store';
import { readStoreParams } from './record-log';
import {
  collectShardRecords,
  readShardsOfOneSweep,
  MergeRefused,
  salvageRecordLines,
  type MergeReport,
} from './merge-common';

/** The params of an lr-sweep store's sweep.json, checked against its identity; SweepStoreError otherwise. */
export function readLrSweepParams(dir: string): { params: LrSweepParams; identity: string } {
  return readStoreParams(dir, { ...LR_STORE_KIND, paramsName: 'lr-sweep' }, parseLrSweepParams, lrSweepIdentity);
}

/** Valid points of a points.jsonl text, line by line; bad lines and a torn tail are reported, not thrown. */
function salvagePoints(text: string, path: string, keys: ReadonlySet<string>) {
  return salvageRecordLines(text, path, {
    schema: lrSweepPointSchema,
    key: (q) => pointKey(q.depth, q.rho),
    notA: 'a point',
    outside: (q) => (keys.has(pointKey(q.depth, q.rho)) ? null : 'a point not in this sweep'),
    second: 'a second record of a point in this file',
    torn: 'torn last line, ignored',
  });
}

/**
 * Merge the lr-sweep shard stores `readable` (sweep.json already known to be lr-sweep stores) into `outDir`.
 * `damaged` and `absent`: what the caller found before (directories without a store, unreadable sweep.json).
 */
export function mergeLrShards(
  outDir: string,
  shardDirs: readonly string[],
  damaged: MergeReport['damaged'],
  absent: string[],
): MergeReport {
  const { readable, params, identity } = readShardsOfOneSweep(outDir, shardDirs, readLrSweepParams, damaged, {
    one: 'learning-rate sweep',
    many: 'learning-rate sweeps',
    unit: 'sweep',
  });
  const all = lrSweepPoints(params);
  const keys = new Set(all.map((q) => pointKey(q.depth, q.rho)));
  const { first, copies, shards } = collectShardRecords(
    readable,
    POINTS_FILE,
    (text, path) => salvagePoints(text, path, keys),
    (point) => pointKey(point.depth, point.rho),
    damaged,
  );
  let store: LrSweepStore;
  try {
    store = LrSweepStore.open(outDir, params);
  } catch (err) {
    if (err instanceof SweepStoreError) throw new MergeRefused(`the output ${outDir}: ${err.message}`);
    throw err;
  }
  let added = 0;
  for (const q of all) {
    const f = first.get(pointKey(q.depth, q.rho));
    if (!f || store.get(q.depth, q.rho)) continue;
    store.append(f.record);
    added++;
  }
  return {
    kind: 'lr-sweep',
    dir: outDir,
    identity,
    total: all.length,
    done: store.size,
    added,
    missing: all.filter((q) => !store.get(q.depth, q.rho)),
    duplicates: all.flatMap((q) => {
      const d = copies.get(pointKey(q.depth, q.rho));
      return d ? [{ depth: q.depth, rho: q.rho, ...d }] : [];
    }),
    damaged,
    absent,
    shards,
  };
}
