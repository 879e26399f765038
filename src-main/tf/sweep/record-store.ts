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
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { canonicalJson, issueText, SWEEP_FILE, SweepStoreError, SweepStoreWriteError } from './store';

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

const sweepFileSchema = z.object({ format: z.string(), identity: z.string(), params: z.unknown().optional() });

/** Valid records of a records file's text; SweepStoreError naming the first bad line. */
export function parseRecords<R>(
  kind: RecordStoreKind<R>,
  text: string,
  where: string,
  keys: ReadonlySet<string>,
): { records: R[]; goodBytes: number; torn: boolean } {
  const records: R[] = [];
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
    if (nl < 0) return { records, goodBytes, torn: true };
    const line = text.slice(pos, nl);
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      bad(line.trim() === '' ? 'empty line, expected a record' : 'not JSON');
    }
    const r = kind.schema.safeParse(json);
    if (!r.success) bad(`not a record of a ${kind.title} (${issueText(r.error.issues)})`);
    const record = r.data!;
    const key = kind.key(record);
    if (!keys.has(key)) bad(`the cell ${kind.label(record)} is not in this sweep`);
    const first = seenAt.get(key);
    if (first !== undefined) bad(`the cell ${kind.label(record)} is already on line ${first}`);
    seenAt.set(key, lineNo);
    records.push(record);
    goodBytes += Buffer.byteLength(text.slice(pos, nl + 1));
    pos = nl + 1;
  }
  return { records, goodBytes, torn: false };
}

export class RecordStore<R> {
  private readonly done = new Map<string, R>();

  private constructor(
    readonly kind: RecordStoreKind<R>,
    readonly dir: string,
    readonly identity: string,
    private readonly keys: ReadonlySet<string>,
    private goodBytes: number,
    private torn: boolean,
    records: R[],
  ) {
    for (const r of records) this.done.set(kind.key(r), r);
  }

  /**
   * Open (or create) the store of `params` in `dir`; `keys`: the keys of every cell of the sweep. SweepStoreError
   * for another sweep, another kind of store, or a damaged file.
   */
  static open<R>(kind: RecordStoreKind<R>, dir: string, params: unknown, keys: ReadonlySet<string>): RecordStore<R> {
    if (existsSync(dir) && !statSync(dir).isDirectory())
      throw new SweepStoreError(`${dir} exists and is not a directory`);
    mkdirSync(dir, { recursive: true });
    const identity = recordStoreIdentity(kind.format, params);
    const sweepPath = join(dir, SWEEP_FILE);
    if (existsSync(sweepPath)) {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(sweepPath, 'utf8'));
      } catch (err) {
        throw new SweepStoreError(`${sweepPath} is not valid JSON (${(err as Error).message})`);
      }
      const f = sweepFileSchema.safeParse(raw);
      if (!f.success) throw new SweepStoreError(`${sweepPath} is not a sweep record (${issueText(f.error.issues)})`);
      if (f.data.format !== kind.format)
        throw new SweepStoreError(
          `${sweepPath} is not a ${kind.title} (format ${JSON.stringify(f.data.format)}, expected ${kind.format})`,
        );
      if (f.data.identity !== identity)
        throw new SweepStoreError(
          `${dir} holds a ${kind.title} with different params; use another directory, or the same params to resume it`,
        );
    } else {
      if (existsSync(join(dir, kind.file)))
        throw new SweepStoreError(`${dir} has ${kind.file} but no ${SWEEP_FILE}; refusing to guess its params`);
      const file = { format: kind.format, identity, params, createdAt: new Date().toISOString() };
      const tmp = `${sweepPath}.${process.pid}.tmp`;
      const fd = openSync(tmp, 'w');
      try {
        writeSync(fd, `${JSON.stringify(file, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, sweepPath);
    }
    const path = join(dir, kind.file);
    const loaded = existsSync(path)
      ? parseRecords(kind, readFileSync(path, 'utf8'), path, keys)
      : { records: [], goodBytes: 0, torn: false };
    return new RecordStore(kind, dir, identity, keys, loaded.goodBytes, loaded.torn, loaded.records);
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
    const buf = Buffer.from(`${JSON.stringify(r.data)}\n`);
    const path = join(this.dir, this.kind.file);
    if (this.torn) {
      truncateSync(path, this.goodBytes);
      this.torn = false;
    }
    const fd = openSync(path, 'a');
    try {
      try {
        let written = 0;
        while (written < buf.length) {
          const n = writeSync(fd, buf, written, buf.length - written);
          if (!(n > 0)) throw new Error('short write');
          written += n;
        }
        fsyncSync(fd);
      } catch (err) {
        try {
          ftruncateSync(fd, this.goodBytes);
        } catch {
          this.torn = true; // ignored on the next open, cut by the next append
        }
        throw new SweepStoreWriteError(
          `${path}: write failed (${(err as Error).message}); the partial record was removed and the ` +
            `${this.done.size} stored cells are kept. Run the same sweep again to resume`,
        );
      }
    } finally {
      closeSync(fd);
    }
    this.goodBytes += buf.length;
    this.done.set(key, r.data);
  }
}
