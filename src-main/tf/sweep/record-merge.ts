// Merge the shard stores of a sweep kept in a generic record store (record-store.ts; today the NTK trust map) into
// one normal store, with the guarantees of merge.ts: every readable shard must hold the same sweep (else
// MergeRefused, nothing written); damaged lines and torn tails are named and skipped, the shards are never modified;
// the first copy of each cell (shards in the order given) is appended whole and fsynced; duplicates and missing cells
// are reported. A new kind of stored sweep adds one entry to RECORD_MERGES.
import { join } from 'node:path';
import {
  parseTrustMapParams,
  trustCellKey,
  trustMapCells,
  type TrustMapParams,
} from '../../../src-shared/contract/trust-map';
import {
  checkMergeOutput,
  collectShardRecords,
  MergeRefused,
  salvageRecordLines,
  type MergeReport,
} from './merge-common';
import { readRecordStoreParams, RecordStore, type RecordStoreKind } from './record-store';
import { SWEEP_FILE, SweepStoreError } from './store';
import { TRUST_MAP_STORE } from './trust-map';

/** What merging a kind of record-store sweep needs besides the store kind. */
export interface RecordMerge<R, P> {
  /** MergeReport.kind. */
  report: MergeReport['kind'];
  store: RecordStoreKind<R>;
  /** sweep.json's params, resolved (throws on params that are not this kind's). */
  parseParams(raw: unknown): P;
  /** Every cell of the sweep in sweep order: its key and the reference the report lists. */
  cells(p: P): { key: string; ref: MergeReport['missing'][number] }[];
}

const TRUST_MAP_MERGE: RecordMerge<unknown, TrustMapParams> = {
  report: 'trust-map',
  store: TRUST_MAP_STORE as RecordStoreKind<unknown>,
  parseParams: parseTrustMapParams,
  cells: (p) => trustMapCells(p).map((c) => ({ key: trustCellKey(c), ref: c })),
};

/** Record-store sweeps by their sweep.json format. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry keeps its own record and params types
export const RECORD_MERGES: ReadonlyMap<string, RecordMerge<any, any>> = new Map([
  [TRUST_MAP_STORE.format, TRUST_MAP_MERGE],
]);

function readParams<P>(m: RecordMerge<unknown, P>, dir: string): { params: P; identity: string } {
  return readRecordStoreParams(m.store, dir, m.parseParams);
}

/** Valid records of a records file, line by line; bad lines and a torn tail are reported, not thrown. */
function salvage<R>(kind: RecordStoreKind<R>, text: string, path: string, keys: ReadonlySet<string>) {
  return salvageRecordLines(text, path, {
    schema: kind.schema,
    key: (r) => kind.key(r),
    notA: 'a record',
    outside: (r) => (keys.has(kind.key(r)) ? null : `${kind.label(r)} is not in this sweep`),
    second: 'a second record of a cell in this file',
    torn: 'torn last line, ignored',
  });
}

/** Merge the record stores `stores` (each with a sweep.json) into `outDir`; MergeRefused before writing anything. */
export function mergeRecordShards<R extends { seconds: number }, P>(
  m: RecordMerge<R, P>,
  outDir: string,
  stores: readonly string[],
  damaged: MergeReport['damaged'],
  absent: string[],
): MergeReport {
  const readable: { dir: string; params: P; identity: string }[] = [];
  for (const dir of stores) {
    try {
      readable.push({ dir, ...readParams(m as RecordMerge<unknown, P>, dir) });
    } catch (err) {
      if (!(err instanceof SweepStoreError)) throw err;
      damaged.push({ path: join(dir, SWEEP_FILE), problem: err.message });
    }
  }
  if (readable.length === 0)
    throw new MergeRefused(
      `no shard holds a readable ${m.store.title} (${[...absent, ...damaged.map((d) => d.path)].join(', ')})`,
    );
  const { params, identity } = readable[0];
  const other = readable.find((r) => r.identity !== identity);
  if (other)
    throw new MergeRefused(
      `${readable[0].dir} and ${other.dir} hold different ${m.store.title}s; merge only the shards of one sweep`,
    );
  checkMergeOutput(outDir, identity, (dir) => readParams(m as RecordMerge<unknown, P>, dir));
  const cells = m.cells(params);
  const keys = new Set(cells.map((c) => c.key));
  const { first, copies, shards } = collectShardRecords(
    readable,
    m.store.file,
    (text, path) => salvage(m.store, text, path, keys),
    (r) => m.store.key(r),
    damaged,
  );
  let store: RecordStore<R>;
  try {
    store = RecordStore.open(m.store, outDir, params, keys);
  } catch (err) {
    if (err instanceof SweepStoreError) throw new MergeRefused(`the output ${outDir}: ${err.message}`);
    throw err;
  }
  let added = 0;
  for (const c of cells) {
    const f = first.get(c.key);
    if (!f || store.has(c.key)) continue;
    store.append(f.record);
    added++;
  }
  return {
    kind: m.report,
    dir: outDir,
    identity,
    total: cells.length,
    done: store.size,
    added,
    missing: cells.filter((c) => !store.has(c.key)).map((c) => c.ref),
    duplicates: cells.flatMap((c) => {
      const d = copies.get(c.key);
      return d ? [{ ...c.ref, ...d }] : [];
    }),
    damaged,
    absent,
    shards,
  };
}
