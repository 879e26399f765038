// Defect: a full disk made a short write count as success, so the next record was glued to a partial one and resume
// refused the file. Appends now write a whole record or none; the write call is injected to make the disk "full".
import { mkdtempSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrainabilityParams, type CellRecord } from '../../../src-shared/contract/trainability';
import { CELLS_FILE, SweepStore, SweepStoreWriteError, type WriteFn } from './store';

const params = parseTrainabilityParams({
  dataset: 'synthetic',
  width: 8,
  steps: 5,
  batchSize: 8,
  trainSize: 64,
  testSize: 32,
  grid: { sigmaW2: { values: [1, 3] }, depth: { values: [2, 3] } },
});

const cell = (sigmaW2: number, depth: number): CellRecord => ({
  sigmaW2,
  depth,
  depthToWidth: depth / 8,
  width: 8,
  lr: 0.1,
  etaTheory: 1 / 3,
  trainAccuracy: 0.5,
  testAccuracy: 0.25,
  trainLoss: 0.4,
  steps: 5,
  diverged: false,
  seconds: 0.01,
});

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** A disk with `room` bytes left: writes what fits (a short write), then fails with ENOSPC, as Linux does. */
function diskWithRoom(room: number): WriteFn {
  let left = room;
  return (fd, buf, offset, length) => {
    if (left === 0) throw enospc();
    const n = Math.min(left, length);
    left -= n;
    return writeSync(fd, buf, offset, n);
  };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'ntk-sweep-append-'));

describe('sweep store appends on a full disk', () => {
  it('a short write then ENOSPC: the partial record is cut off, the error says disk full and names the file', () => {
    const dir = tmp();
    const path = join(dir, CELLS_FILE);
    SweepStore.open(dir, params).append(cell(1, 2));
    const before = readFileSync(path, 'utf8');
    const full = SweepStore.open(dir, params, { write: diskWithRoom(17) });
    let err: unknown;
    try {
      full.append(cell(3, 2));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SweepStoreWriteError);
    const message = (err as Error).message;
    expect(message).toContain(path);
    expect(message).toMatch(/disk full \(ENOSPC\): wrote 17 of \d+ bytes of the cell σ_w² = 3, L = 2/);
    expect(readFileSync(path, 'utf8')).toBe(before); // whole records only
    expect(full.size).toBe(1);
    // resume keeps every complete record and appends cleanly once there is room
    const resumed = SweepStore.open(dir, params);
    expect(resumed.cells()).toEqual([cell(1, 2)]);
    resumed.append(cell(3, 2));
    expect(SweepStore.open(dir, params).cells()).toEqual([cell(1, 2), cell(3, 2)]);
  });

  it('a short write that reports no error (0 bytes on the retry) is a failure too, not a success', () => {
    const dir = tmp();
    let calls = 0;
    const write: WriteFn = (fd, buf, offset, length) => {
      calls++;
      return calls === 1 ? writeSync(fd, buf, offset, Math.floor(length / 2)) : 0;
    };
    const s = SweepStore.open(dir, params, { write });
    expect(() => s.append(cell(1, 2))).toThrow(/disk full \(short write\)/);
    expect(readFileSync(join(dir, CELLS_FILE), 'utf8')).toBe('');
    // the next record is not glued to a partial one
    const again = SweepStore.open(dir, params);
    again.append(cell(1, 3));
    expect(SweepStore.open(dir, params).cells()).toEqual([cell(1, 3)]);
  });

  it('ENOSPC on the first byte: nothing is written, the store in memory is unchanged', () => {
    const dir = tmp();
    const s = SweepStore.open(dir, params, { write: diskWithRoom(0) });
    expect(() => s.append(cell(1, 2))).toThrow(SweepStoreWriteError);
    expect(s.has(1, 2)).toBe(false);
    expect(SweepStore.open(dir, params).size).toBe(0);
  });

  it('a partial write in two pieces that completes is one whole record', () => {
    const dir = tmp();
    let calls = 0;
    const write: WriteFn = (fd, buf, offset, length) =>
      writeSync(fd, buf, offset, ++calls === 1 ? Math.floor(length / 3) : length);
    SweepStore.open(dir, params, { write }).append(cell(1, 2));
    expect(calls).toBe(2);
    expect(SweepStore.open(dir, params).cells()).toEqual([cell(1, 2)]);
  });
});
