import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrainabilityParams, type CellRecord } from '../../../src-shared/contract/trainability';
import { CELLS_FILE, parseCells, SweepStore, SweepStoreError, sweepIdentity } from './store';

const params = parseTrainabilityParams({
  dataset: 'synthetic',
  width: 8,
  steps: 5,
  batchSize: 8,
  trainSize: 64,
  testSize: 32,
  grid: { sigmaW2: { values: [1, 3] }, depth: { values: [2, 3] } },
});

function cell(sigmaW2: number, depth: number): CellRecord {
  return {
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
  };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'ntk-sweep-store-'));

describe('sweep store', () => {
  it('appended cells survive a reopen; the identity is stable under key order', () => {
    const dir = tmp();
    const s = SweepStore.open(dir, params);
    s.append(cell(1, 2));
    s.append(cell(3, 2));
    const again = SweepStore.open(dir, { ...params });
    expect(again.cells()).toEqual([cell(1, 2), cell(3, 2)]);
    expect(again.has(3, 2)).toBe(true);
    expect(again.has(3, 3)).toBe(false);
    const reordered = Object.fromEntries(Object.entries(params).reverse()) as typeof params;
    expect(sweepIdentity(reordered)).toBe(sweepIdentity(params));
  });

  it('a torn last line is ignored on load and cut before the next append', () => {
    const dir = tmp();
    SweepStore.open(dir, params).append(cell(1, 2));
    const path = join(dir, CELLS_FILE);
    appendFileSync(path, JSON.stringify(cell(3, 2)).slice(0, 40)); // a crash mid-write
    const s = SweepStore.open(dir, params);
    expect(s.cells()).toEqual([cell(1, 2)]);
    s.append(cell(3, 3));
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(3); // two records and the final empty string
    expect(JSON.parse(lines[1])).toEqual(cell(3, 3));
    expect(SweepStore.open(dir, params).cells()).toEqual([cell(1, 2), cell(3, 3)]);
  });

  it('a complete but invalid last line is torn too; a damaged middle line is an error', () => {
    expect(parseCells(`${JSON.stringify(cell(1, 2))}\n{"sigmaW2":1}\n`).torn).toBe(true);
    expect(() => parseCells(`{"sigmaW2":\n${JSON.stringify(cell(1, 2))}\n`)).toThrow(/line 1 is damaged/);
    const nan = { ...cell(1, 2), trainAccuracy: null };
    expect(parseCells(`${JSON.stringify(nan)}\n`).cells).toHaveLength(0);
  });

  it('other params in the same directory are refused, naming the fields', () => {
    const dir = tmp();
    SweepStore.open(dir, params);
    expect(() => SweepStore.open(dir, { ...params, steps: 6 })).toThrow(SweepStoreError);
    expect(() => SweepStore.open(dir, { ...params, steps: 6, rho: 0.5 })).toThrow(/rho, steps differ/);
  });

  it('cells.jsonl without sweep.json is refused; a record with NaN is refused on append', () => {
    const dir = tmp();
    writeFileSync(join(dir, CELLS_FILE), `${JSON.stringify(cell(1, 2))}\n`);
    expect(() => SweepStore.open(dir, params)).toThrow(/no sweep.json/);
    const ok = SweepStore.open(tmp(), params);
    expect(() => ok.append({ ...cell(1, 2), testAccuracy: Number.NaN })).toThrow();
    expect(ok.size).toBe(0);
  });
});
