// The resumable on-disk store of one sweep: a directory holding
//   sweep.json   { format, identity, params, createdAt }: the resolved params and their sha256 (the identity),
//                written once (temp file + fsync + rename, so it is either absent or whole);
//   cells.jsonl  one CellRecord per line, appended and fsynced as each cell finishes.
// A crash can leave a torn last line (no trailing newline, or not valid JSON): it is ignored on load and cut off
// before the next append. A damaged line that is not the last one is an error (the file was edited or corrupted).
// Opening a directory whose sweep.json holds other params is an error naming the differing fields.
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { cellRecordSchema, type CellRecord, type TrainabilityParams } from '../../../src-shared/contract/trainability';
import { cellKey } from './grid';

export const SWEEP_FILE = 'sweep.json';
export const CELLS_FILE = 'cells.jsonl';
export const STORE_FORMAT = 'ntk-lab-trainability-sweep/1';

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

export interface LoadedCells {
  cells: CellRecord[];
  /** Byte length of the intact prefix (every line complete and valid). */
  goodBytes: number;
  /** A torn last line was found (and will be cut before the next append). */
  torn: boolean;
}

/** Parse cells.jsonl text: complete valid lines; a damaged last line is torn; a damaged earlier line throws. */
export function parseCells(text: string, where = CELLS_FILE): LoadedCells {
  const cells: CellRecord[] = [];
  let pos = 0;
  let goodBytes = 0;
  let torn = false;
  let lineNo = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const line = nl < 0 ? text.slice(pos) : text.slice(pos, nl);
    const end = nl < 0 ? text.length : nl + 1;
    lineNo++;
    let record: CellRecord | undefined;
    if (nl >= 0) {
      try {
        const r = cellRecordSchema.safeParse(JSON.parse(line));
        if (r.success) record = r.data;
      } catch {
        // not JSON
      }
    }
    if (record) {
      cells.push(record);
      goodBytes += Buffer.byteLength(text.slice(pos, end));
    } else if (end >= text.length) {
      torn = line.length > 0 || nl < 0;
    } else {
      throw new SweepStoreError(
        `${where}: line ${lineNo} is damaged (not a cell record) and is not the last line; fix or remove the file`,
      );
    }
    pos = end;
  }
  return { cells, goodBytes, torn };
}

export class SweepStore {
  readonly dir: string;
  readonly identity: string;
  readonly params: TrainabilityParams;
  private readonly done = new Map<string, CellRecord>();
  private goodBytes: number;
  private torn: boolean;

  private constructor(dir: string, params: TrainabilityParams, identity: string, loaded: LoadedCells) {
    this.dir = dir;
    this.params = params;
    this.identity = identity;
    for (const c of loaded.cells) this.done.set(cellKey(c.sigmaW2, c.depth), c);
    this.goodBytes = loaded.goodBytes;
    this.torn = loaded.torn;
  }

  /**
   * Open (or create) the store for `params` in `dir`. Throws SweepStoreError when dir holds a sweep with other params
   * or damaged files.
   */
  static open(dir: string, params: TrainabilityParams): SweepStore {
    if (typeof dir !== 'string' || dir.length === 0)
      throw new RangeError('the sweep directory must be a non-empty path');
    if (existsSync(dir) && !statSync(dir).isDirectory())
      throw new SweepStoreError(`${dir} exists and is not a directory`);
    mkdirSync(dir, { recursive: true });
    const identity = sweepIdentity(params);
    const sweepPath = join(dir, SWEEP_FILE);
    if (existsSync(sweepPath)) {
      let existing: SweepFile;
      try {
        existing = JSON.parse(readFileSync(sweepPath, 'utf8')) as SweepFile;
      } catch (err) {
        throw new SweepStoreError(
          `${sweepPath} is not valid JSON (${(err as Error).message}); remove the directory or choose another`,
        );
      }
      if (existing.format !== STORE_FORMAT)
        throw new SweepStoreError(
          `${sweepPath} is not a trainability sweep (format ${JSON.stringify(existing.format)}, expected ${STORE_FORMAT})`,
        );
      if (existing.identity !== identity) {
        const fields = differingFields(
          existing.params as unknown as Record<string, unknown>,
          params as unknown as Record<string, unknown>,
        );
        throw new SweepStoreError(
          `${dir} holds a sweep with different params (${fields.join(', ') || 'identity'} differ${fields.length === 1 ? 's' : ''}); ` +
            'use another directory, or the same params to resume it',
        );
      }
    } else {
      if (existsSync(join(dir, CELLS_FILE)))
        throw new SweepStoreError(`${dir} has ${CELLS_FILE} but no ${SWEEP_FILE}; refusing to guess its params`);
      const file: SweepFile = { format: STORE_FORMAT, identity, params, createdAt: new Date().toISOString() };
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
    const cellsPath = join(dir, CELLS_FILE);
    const loaded = existsSync(cellsPath)
      ? parseCells(readFileSync(cellsPath, 'utf8'), cellsPath)
      : { cells: [], goodBytes: 0, torn: false };
    return new SweepStore(dir, params, identity, loaded);
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

  /** Append one finished cell and fsync it (after cutting a torn tail left by a crash). */
  append(cell: CellRecord): void {
    const record = cellRecordSchema.parse(cell);
    const line = `${JSON.stringify(record)}\n`;
    const path = join(this.dir, CELLS_FILE);
    if (this.torn) {
      truncateSync(path, this.goodBytes);
      this.torn = false;
    }
    const fd = openSync(path, 'a');
    try {
      writeSync(fd, line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.goodBytes += Buffer.byteLength(line);
    this.done.set(cellKey(record.sigmaW2, record.depth), record);
  }
}
