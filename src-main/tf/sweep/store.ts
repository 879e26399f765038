// The resumable on-disk store of one sweep: a directory holding
//   sweep.json   { format, identity, params, createdAt }: the resolved params and their sha256 (the identity),
//                written once (temp file + fsync + rename, so it is either absent or whole);
//   cells.jsonl  one CellRecord per line, appended and fsynced as each cell finishes;
//   shard.json   only in a shard's store (`--shard i/n`): { format, identity, index, count }, which part it holds.
// Appends write a whole record or none (a short or failed write is cut back off). A crash mid-append can leave a torn
// last line (no trailing newline): it is ignored on load and cut off before the next append. Every complete line must
// be a valid record of a cell of the sweep's grid, at most once; anything else is an error naming the line (the
// file was edited or corrupted): nothing is dropped or replaced silently.
// Opening a directory whose sweep.json holds other params is an error naming the differing fields.
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
import { cellRecordSchema, type CellRecord, type TrainabilityParams } from '../../../src-shared/contract/trainability';
import type { ShardSpec } from '../../../src-shared/shard';
import { cellKey, sweepGrid } from './grid';

export const SWEEP_FILE = 'sweep.json';
export const CELLS_FILE = 'cells.jsonl';
export const STORE_FORMAT = 'ntk-lab-trainability-sweep/1';
const SHARD_FILE = 'shard.json';
const SHARD_FORMAT = 'ntk-lab-sweep-shard/1';

/** JSON with object keys sorted at every level: the same params always hash the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .map((k) => [k, o[k]]),
      );
    }
    return v;
  });
}

export function sweepIdentity(params: TrainabilityParams): string {
  return createHash('sha256').update(canonicalJson(params)).digest('hex');
}

export class SweepStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepStoreError';
  }
}

/**
 * A cell record could not be written (disk full, I/O error): the partial record was cut back off, so the file still
 * holds whole records only. Not the user's input: callers report it as a failure, not a usage error.
 */
export class SweepStoreWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepStoreWriteError';
  }
}

const sweepFileSchema = z.object({
  format: z.string(),
  identity: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
  createdAt: z.string().optional(),
});

interface SweepFile {
  format: string;
  identity: string;
  params: TrainabilityParams;
  createdAt: string;
}

function differingFields(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k])).sort();
}

/** Write `value` to `path` as JSON (`indent` spaces; 0: one line), whole or not at all (temp file + fsync + rename). */
export function writeJsonAtomic(path: string, value: unknown, indent = 2): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${JSON.stringify(value, null, indent)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export const issueText = (issues: readonly z.core.$ZodIssue[]): string =>
  issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');

export interface LoadedCells {
  cells: CellRecord[];
  /** Byte length of the intact prefix (every line complete and valid). */
  goodBytes: number;
  /** A torn last line was found (and will be cut before the next append). */
  torn: boolean;
}

/** What a record must match besides the schema: the sweep's grid cells (cellKey) and width. */
export interface CellGridCheck {
  keys: ReadonlySet<string>;
  width: number;
}

export function gridCheckOf(params: TrainabilityParams): CellGridCheck {
  return { keys: new Set(sweepGrid(params).cells.map((c) => cellKey(c.sigmaW2, c.depth))), width: params.width };
}

/** Why `record` does not belong to the sweep `grid`, or null when it does. */
export function gridProblem(record: CellRecord, grid: CellGridCheck): string | null {
  if (!grid.keys.has(cellKey(record.sigmaW2, record.depth)))
    return `the cell σ_w² = ${record.sigmaW2}, L = ${record.depth} is not in this sweep's grid`;
  if (record.width !== grid.width) return `width ${record.width}, but this sweep's width is ${grid.width}`;
  if (record.depthToWidth !== record.depth / record.width)
    return `depthToWidth ${record.depthToWidth} is not depth / width = ${record.depth / record.width}`;
  return null;
}

/**
 * Parse cells.jsonl text. Every newline-terminated line must be a valid cell record (schema, and with `grid`: a cell
 * of the grid, at most once); a bad one throws SweepStoreError naming its line and the problem. Only an unterminated
 * last line is torn (what a crash mid-append leaves): it is ignored here and cut before the next append.
 */
export function parseCells(text: string, where = CELLS_FILE, grid?: CellGridCheck): LoadedCells {
  const cells: CellRecord[] = [];
  const seenAt = new Map<string, number>();
  let pos = 0;
  let goodBytes = 0;
  let torn = false;
  let lineNo = 0;
  const bad = (problem: string): never => {
    throw new SweepStoreError(`${where} line ${lineNo}: ${problem}; fix or remove the line (or the directory)`);
  };
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    lineNo++;
    if (nl < 0) {
      torn = true;
      break;
    }
    const line = text.slice(pos, nl);
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      bad(line.trim() === '' ? 'empty line, expected a cell record' : 'not JSON');
    }
    const r = cellRecordSchema.safeParse(json);
    if (!r.success) bad(`not a cell record (${issueText(r.error.issues)})`);
    const record = r.data!;
    if (grid) {
      const problem = gridProblem(record, grid);
      if (problem) bad(problem);
      const key = cellKey(record.sigmaW2, record.depth);
      const first = seenAt.get(key);
      if (first !== undefined)
        bad(`the cell σ_w² = ${record.sigmaW2}, L = ${record.depth} is already on line ${first} (a duplicate)`);
      seenAt.set(key, lineNo);
    }
    cells.push(record);
    goodBytes += Buffer.byteLength(text.slice(pos, nl + 1));
    pos = nl + 1;
  }
  return { cells, goodBytes, torn };
}

/** The write call append uses (tests inject short writes and ENOSPC); returns the bytes written, as writeSync. */
export type WriteFn = (fd: number, buffer: Buffer, offset: number, length: number) => number;

export interface SweepStoreOptions {
  write?: WriteFn;
}

const defaultWrite: WriteFn = (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length);

export class SweepStore {
  readonly dir: string;
  readonly identity: string;
  readonly params: TrainabilityParams;
  private readonly done = new Map<string, CellRecord>();
  private readonly grid: CellGridCheck;
  private readonly write: WriteFn;
  private goodBytes: number;
  private torn: boolean;

  private constructor(
    dir: string,
    params: TrainabilityParams,
    identity: string,
    loaded: LoadedCells,
    grid: CellGridCheck,
    write: WriteFn,
  ) {
    this.dir = dir;
    this.params = params;
    this.identity = identity;
    this.grid = grid;
    this.write = write;
    for (const c of loaded.cells) this.done.set(cellKey(c.sigmaW2, c.depth), c);
    this.goodBytes = loaded.goodBytes;
    this.torn = loaded.torn;
  }

  /**
   * Open (or create) the store for `params` in `dir`. Throws SweepStoreError when dir holds a sweep with other params
   * or damaged files.
   */
  static open(dir: string, params: TrainabilityParams, opts: SweepStoreOptions = {}): SweepStore {
    if (typeof dir !== 'string' || dir.length === 0)
      throw new RangeError('the sweep directory must be a non-empty path');
    if (existsSync(dir) && !statSync(dir).isDirectory())
      throw new SweepStoreError(`${dir} exists and is not a directory`);
    const grid = gridCheckOf(params);
    mkdirSync(dir, { recursive: true });
    const identity = sweepIdentity(params);
    const sweepPath = join(dir, SWEEP_FILE);
    if (existsSync(sweepPath)) checkSweepFile(sweepPath, dir, params, identity);
    else {
      if (existsSync(join(dir, CELLS_FILE)))
        throw new SweepStoreError(`${dir} has ${CELLS_FILE} but no ${SWEEP_FILE}; refusing to guess its params`);
      const file: SweepFile = { format: STORE_FORMAT, identity, params, createdAt: new Date().toISOString() };
      writeJsonAtomic(sweepPath, file);
    }
    const cellsPath = join(dir, CELLS_FILE);
    const loaded = existsSync(cellsPath)
      ? parseCells(readFileSync(cellsPath, 'utf8'), cellsPath, grid)
      : { cells: [], goodBytes: 0, torn: false };
    return new SweepStore(dir, params, identity, loaded, grid, opts.write ?? defaultWrite);
  }

  /** Finished cells in file order. */
  cells(): CellRecord[] {
    return [...this.done.values()];
  }

  has(sigmaW2: number, depth: number): boolean {
    return this.done.has(cellKey(sigmaW2, depth));
  }

  get size(): number {
    return this.done.size;
  }

  /**
   * Append one finished cell and fsync it (after cutting a torn tail left by a crash). The record is written whole
   * or not at all: a short write or a failed write / fsync is cut back off (truncate to the last whole record) and
   * throws SweepStoreWriteError ("disk full" for ENOSPC, or a short write with no error); the store stays resumable.
   */
  append(cell: CellRecord): void {
    const parsed = cellRecordSchema.safeParse(cell);
    if (!parsed.success) throw new SweepStoreError(`not a cell record (${issueText(parsed.error.issues)})`);
    const record = parsed.data;
    const problem = gridProblem(record, this.grid);
    if (problem) throw new SweepStoreError(problem);
    if (this.has(record.sigmaW2, record.depth))
      throw new SweepStoreError(`the cell σ_w² = ${record.sigmaW2}, L = ${record.depth} is already stored`);
    const buf = Buffer.from(`${JSON.stringify(record)}\n`);
    const path = join(this.dir, CELLS_FILE);
    if (this.torn) {
      truncateSync(path, this.goodBytes);
      this.torn = false;
    }
    const fd = openSync(path, 'a');
    let written = 0;
    try {
      try {
        // a regular file writes everything or fails; a short count (quota, disk full on some filesystems) gets one
        // more try for the rest, which then reports the error (or writes 0 bytes)
        while (written < buf.length) {
          const n = this.write(fd, buf, written, buf.length - written);
          if (!(n > 0)) throw Object.assign(new Error('short write'), { code: 'short' });
          written += n;
        }
        fsyncSync(fd);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        let cut = '';
        try {
          ftruncateSync(fd, this.goodBytes);
          fsyncSync(fd);
        } catch (truncErr) {
          // the tail stays torn on disk: the next open ignores it and the next append cuts it
          this.torn = true;
          cut = ` (and cutting the partial record failed: ${(truncErr as Error).message}; it is ignored on resume)`;
        }
        const what =
          code === 'ENOSPC' || code === 'short'
            ? `disk full (${code === 'ENOSPC' ? 'ENOSPC' : 'short write'}): wrote ${written} of ${buf.length} bytes`
            : `write failed (${(err as Error).message})`;
        throw new SweepStoreWriteError(
          `${path}: ${what} of the cell σ_w² = ${record.sigmaW2}, L = ${record.depth}; the partial record was removed${cut} ` +
            `and the ${this.done.size} stored cells are kept. Free space and run the same sweep again to resume`,
        );
      }
    } finally {
      closeSync(fd);
    }
    this.goodBytes += buf.length;
    this.done.set(cellKey(record.sigmaW2, record.depth), record);
  }
}

/** sweep.json must be a sweep record of these params; else SweepStoreError naming the file and the problem. */
function checkSweepFile(sweepPath: string, dir: string, params: TrainabilityParams, identity: string): void {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(sweepPath, 'utf8'));
  } catch (err) {
    throw new SweepStoreError(
      `${sweepPath} is not valid JSON (${(err as Error).message}); remove the directory or choose another`,
    );
  }
  const r = sweepFileSchema.safeParse(raw);
  if (!r.success)
    throw new SweepStoreError(
      `${sweepPath} is not a sweep record (${raw === null || typeof raw !== 'object' ? `got ${JSON.stringify(raw)}` : issueText(r.error.issues)}); ` +
        'remove the directory or choose another',
    );
  const existing = r.data;
  if (existing.format !== STORE_FORMAT)
    throw new SweepStoreError(
      `${sweepPath} is not a trainability sweep (format ${JSON.stringify(existing.format)}, expected ${STORE_FORMAT})`,
    );
  if (existing.identity === identity) return;
  if (existing.params === undefined)
    throw new SweepStoreError(
      `${dir} holds a sweep with a different identity and ${SWEEP_FILE} has no params to compare; ` +
        'use another directory',
    );
  const fields = differingFields(existing.params, params as unknown as Record<string, unknown>);
  throw new SweepStoreError(
    `${dir} holds a sweep with different params (${fields.join(', ') || 'identity'} differ${fields.length === 1 ? 's' : ''}); ` +
      'use another directory, or the same params to resume it',
  );
}

const shardFileSchema = z.object({
  format: z.literal(SHARD_FORMAT),
  identity: z.string(),
  index: z.number().int().min(0),
  count: z.number().int().min(1),
});

/** shard.json of a store directory, or null when there is none; SweepStoreError when it is damaged. */
export function readShardFile(dir: string): (ShardSpec & { identity: string }) | null {
  const path = join(dir, SHARD_FILE);
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SweepStoreError(`${path} is not valid JSON (${(err as Error).message})`);
  }
  const r = shardFileSchema.safeParse(raw);
  if (!r.success || r.data.index >= r.data.count)
    throw new SweepStoreError(
      `${path} is not a shard record${r.success ? ' (index ≥ count)' : ` (${issueText(r.error.issues)})`}`,
    );
  return { identity: r.data.identity, index: r.data.index, count: r.data.count };
}

/**
 * Record in the store `dir` (already opened for the sweep `identity`) that it holds shard `shard`: written once
 * (temp file + fsync + rename); a store that holds another shard of the sweep is refused (SweepStoreError), since
 * its cells would not be the ones this shard trains.
 */
export function recordShard(dir: string, identity: string, shard: ShardSpec): void {
  const existing = readShardFile(dir);
  if (existing) {
    if (existing.identity === identity && existing.index === shard.index && existing.count === shard.count) return;
    throw new SweepStoreError(
      `${dir} holds shard ${existing.index}/${existing.count} of a sweep, not ${shard.index}/${shard.count}; ` +
        'give each shard its own --out directory',
    );
  }
  const shardFile = { format: SHARD_FORMAT, identity, index: shard.index, count: shard.count };
  writeJsonAtomic(join(dir, SHARD_FILE), shardFile, 0);
}
