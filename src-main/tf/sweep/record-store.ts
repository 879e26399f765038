// A resumable on-disk store of keyed records for any cell sweep, with the guarantees of store.ts (trainability) and
// lr-store.ts (learning rate), parameterized by the record's schema and key instead of written again per sweep:
//   sweep.json    { format, identity, params, createdAt }: the resolved params and their sha256, written once (temp
//                 file + fsync + rename, so it is either absent or whole);
//   <records>     one record per line, appended whole and fsynced as each cell finishes;
//   shard.json    only in a shard's store (store.ts recordShard).
// Every complete line must be a valid record of a cell of the sweep, at most once, or opening fails naming the line;
// an unterminated last line (a crash mid-append) is ignored and cut off before the next append. A failed write is cut
// back off (SweepStoreWriteError): the file holds whole records only.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { initStoreDir, parseRecordLines, readStoreParams, RecordLog, type StoreKind } from './record-log';
import { canonicalJson, issueText, SweepStoreError } from './store';

/** What a kind of sweep tells the store about its records. */
export interface RecordStoreKind<R> {
  /** sweep.json's format tag, e.g. 'ntk-lab-trust-map/1'. */
  format: string;
  /** For messages: 'trust-map sweep'. */
  title: string;
  /** The records file, e.g. 'cells.jsonl'. */
  file: string;
  schema: z.ZodType<R>;
  key(record: R): string;
  /** For messages: 'σ_w² = 2, L = 4, M = 128'. */
  label(record: R): string;
}

/** sha256 of the kind's format and the resolved params (sorted keys): the store's identity. */
export function recordStoreIdentity(format: string, params: unknown): string {
  return createHash('sha256').update(canonicalJson({ format, params })).digest('hex');
}

/** The record-log.ts view of a kind: its messages name it 'a <title>'. */
export function recordLogKind<R>(kind: RecordStoreKind<R>): StoreKind & { paramsName: string } {
  return { format: kind.format, recordsFile: kind.file, noun: `a ${kind.title}`, paramsName: kind.title };
}

/**
 * The params of a record store's sweep.json (`parse` resolves them), checked against its format and identity;
 * SweepStoreError naming the file otherwise.
 */
export function readRecordStoreParams<R, P>(
  kind: RecordStoreKind<R>,
  dir: string,
  parse: (raw: unknown) => P,
): { params: P; identity: string } {
  return readStoreParams(dir, recordLogKind(kind), parse, (p) => recordStoreIdentity(kind.format, p));
}

/** Valid records of a records file's text; SweepStoreError naming the first bad line. */
export function parseRecords<R>(
  kind: RecordStoreKind<R>,
  text: string,
  where: string,
  keys: ReadonlySet<string>,
): { records: R[]; goodBytes: number; torn: boolean } {
  return parseRecordLines(text, where, keys, {
    schema: kind.schema,
    key: (r) => kind.key(r),
    expected: 'a record',
    notA: `a record of a ${kind.title}`,
    name: (r) => `the cell ${kind.label(r)}`,
  });
}

export class RecordStore<R> {
  private readonly done = new Map<string, R>();

  private constructor(
    readonly kind: RecordStoreKind<R>,
    readonly dir: string,
    readonly identity: string,
    private readonly keys: ReadonlySet<string>,
    private readonly log: RecordLog,
    records: R[],
  ) {
    for (const r of records) this.done.set(kind.key(r), r);
  }

  /**
   * Open (or create) the store of `params` in `dir`; `keys`: the keys of every cell of the sweep. SweepStoreError
   * for another sweep, another kind of store, or a damaged file.
   */
  static open<R>(kind: RecordStoreKind<R>, dir: string, params: unknown, keys: ReadonlySet<string>): RecordStore<R> {
    const identity = recordStoreIdentity(kind.format, params);
    initStoreDir(dir, recordLogKind(kind), identity, params);
    const path = join(dir, kind.file);
    const loaded = existsSync(path)
      ? parseRecords(kind, readFileSync(path, 'utf8'), path, keys)
      : { records: [], goodBytes: 0, torn: false };
    return new RecordStore(
      kind,
      dir,
      identity,
      keys,
      new RecordLog(path, loaded.goodBytes, loaded.torn),
      loaded.records,
    );
  }

  get(key: string): R | undefined {
    return this.done.get(key);
  }

  has(key: string): boolean {
    return this.done.has(key);
  }

  get size(): number {
    return this.done.size;
  }

  /** The stored records in file order. */
  records(): R[] {
    return [...this.done.values()];
  }

  /** Append one finished cell, whole and fsynced; a failed write is cut back off (SweepStoreWriteError). */
  append(record: R): void {
    const r = this.kind.schema.safeParse(record);
    if (!r.success) throw new SweepStoreError(`not a record of a ${this.kind.title} (${issueText(r.error.issues)})`);
    const key = this.kind.key(r.data);
    const label = this.kind.label(r.data);
    if (!this.keys.has(key)) throw new SweepStoreError(`the cell ${label} is not in this sweep`);
    if (this.done.has(key)) throw new SweepStoreError(`the cell ${label} is already stored`);
    this.log.append(r.data, `${this.done.size} stored cells`, 'Run the same sweep again to resume');
    this.done.set(key, r.data);
  }
}
