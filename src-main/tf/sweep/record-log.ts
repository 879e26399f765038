// What the stores of one sweep kind each (lr-store.ts: learning-rate points, td-store.ts: training-dynamics runs) do
// the same way: sweep.json written once and whole (temp file + fsync + rename), read back against its identity, and
// the records file appended one whole fsynced line at a time (a failed write is cut back off; a torn tail is cut
// before the next append).
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { issueText, SWEEP_FILE, SweepStoreError, SweepStoreWriteError, writeJsonAtomic } from './store';

/** The kind a store holds, as its messages name it. */
export interface StoreKind {
  /** sweep.json's format string. */
  format: string;
  /** The records file (points.jsonl, runs.jsonl). */
  recordsFile: string;
  /** 'a learning-rate sweep', 'a training-dynamics list'. */
  noun: string;
}

const sweepFileSchema = z.object({ format: z.string(), identity: z.string(), params: z.unknown() });
/** Enough of sweep.json to tell whether a directory holds this store (its params are not read). */
const sweepHeadSchema = z.object({ format: z.string(), identity: z.string() });

/**
 * Make `dir` the store of `identity` (sweep.json holding `params`), or check that it already is; SweepStoreError
 * for a file in the way, a damaged sweep.json, another kind or other params.
 */
export function initStoreDir(dir: string, kind: StoreKind, identity: string, params: unknown): void {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new SweepStoreError(`${dir} exists and is not a directory`);
  mkdirSync(dir, { recursive: true });
  const sweepPath = join(dir, SWEEP_FILE);
  if (existsSync(sweepPath)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(sweepPath, 'utf8'));
    } catch (err) {
      throw new SweepStoreError(`${sweepPath} is not valid JSON (${(err as Error).message})`);
    }
    const f = sweepHeadSchema.safeParse(raw);
    if (!f.success) throw new SweepStoreError(`${sweepPath} is not a sweep record (${issueText(f.error.issues)})`);
    if (f.data.format !== kind.format)
      throw new SweepStoreError(
        `${sweepPath} is not ${kind.noun} (format ${JSON.stringify(f.data.format)}, expected ${kind.format})`,
      );
    if (f.data.identity !== identity)
      throw new SweepStoreError(
        `${dir} holds ${kind.noun} with different params; use another directory, or the same params to resume it`,
      );
    return;
  }
  if (existsSync(join(dir, kind.recordsFile)))
    throw new SweepStoreError(`${dir} has ${kind.recordsFile} but no ${SWEEP_FILE}; refusing to guess its params`);
  writeJsonAtomic(sweepPath, { format: kind.format, identity, params, createdAt: new Date().toISOString() });
}

/**
 * The params of a store's sweep.json (`parse` checks them, `identityOf` hashes them), checked against its format and
 * identity; SweepStoreError naming the file otherwise.
 */
export function readStoreParams<P>(
  dir: string,
  kind: StoreKind & { paramsName: string },
  parse: (raw: unknown) => P,
  identityOf: (params: P) => string,
): { params: P; identity: string } {
  const path = join(dir, SWEEP_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SweepStoreError(`${path} is not valid JSON (${(err as Error).message})`);
  }
  const f = sweepFileSchema.safeParse(raw);
  if (!f.success) throw new SweepStoreError(`${path} is not a sweep record (${issueText(f.error.issues)})`);
  if (f.data.format !== kind.format)
    throw new SweepStoreError(`${path} is not ${kind.noun} (format ${JSON.stringify(f.data.format)})`);
  let params: P;
  try {
    params = parse(f.data.params);
  } catch (err) {
    throw new SweepStoreError(`${path}: params are not ${kind.paramsName} params (${(err as Error).message})`);
  }
  const identity = identityOf(params);
  if (identity !== f.data.identity)
    throw new SweepStoreError(`${path}: the identity does not match its params (the file was edited)`);
  return { params, identity };
}

/** How a store's records file names and keys its records, for the errors of parseRecordLines. */
export interface RecordLines<R> {
  schema: z.ZodType<R>;
  key(record: R): string;
  /** 'a record', 'a point record': what an empty line should have been. */
  expected: string;
  /** 'a record of a trust-map sweep', 'a point record': what a line failing the schema is not. */
  notA: string;
  /** 'the cell σ_w² = 2, L = 4', 'the point L = 4, ρ = 0.5': a record in messages. */
  name(record: R): string;
}

/**
 * Valid records of a records file's text (each a record of `keys`, at most once); SweepStoreError naming the first
 * bad line. An unterminated last line is not read: `torn`, and `goodBytes` ends before it.
 */
export function parseRecordLines<R>(
  text: string,
  where: string,
  keys: ReadonlySet<string>,
  kind: RecordLines<R>,
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
      bad(line.trim() === '' ? `empty line, expected ${kind.expected}` : 'not JSON');
    }
    const r = kind.schema.safeParse(json);
    if (!r.success) bad(`not ${kind.notA} (${issueText(r.error.issues)})`);
    const record = r.data!;
    const key = kind.key(record);
    if (!keys.has(key)) bad(`${kind.name(record)} is not in this sweep`);
    const first = seenAt.get(key);
    if (first !== undefined) bad(`${kind.name(record)} is already on line ${first}`);
    seenAt.set(key, lineNo);
    records.push(record);
    goodBytes += Buffer.byteLength(text.slice(pos, nl + 1));
    pos = nl + 1;
  }
  return { records, goodBytes, torn: false };
}

/** A store's records file: whole lines appended and fsynced, `goodBytes` the intact prefix. */
export class RecordLog {
  constructor(
    readonly path: string,
    private goodBytes: number,
    private torn: boolean,
  ) {}

  /** An unterminated last line (a crash mid-append) was found and ignored. */
  get tornTail(): boolean {
    return this.torn;
  }

  /**
   * Append `record` as one JSON line, whole and fsynced; a failed write is cut back off and throws
   * SweepStoreWriteError saying what is kept (`kept`, e.g. '3 stored runs') and how to resume (`resume`).
   */
  append(record: unknown, kept: string, resume: string): void {
    const buf = Buffer.from(`${JSON.stringify(record)}\n`);
    if (this.torn) {
      truncateSync(this.path, this.goodBytes);
      this.torn = false;
    }
    const fd = openSync(this.path, 'a');
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
          `${this.path}: write failed (${(err as Error).message}); the partial record was removed and the ` +
            `${kept} are kept. ${resume}`,
        );
      }
    } finally {
      closeSync(fd);
    }
    this.goodBytes += buf.length;
  }
}
