import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANCE_ACCURACY, parseTrainabilityParams, type CellRecord } from '../../../src-shared/contract/trainability';
import { CELLS_FILE, parseCells, SWEEP_FILE, SweepStore, SweepStoreError, sweepIdentity } from './store';

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

  it('every complete line must be a valid record: a bad last line is an error naming the line, not dropped', () => {
    expect(() => parseCells(`${JSON.stringify(cell(1, 2))}\n{"sigmaW2":1}\n`)).toThrow(/line 2: not a cell record/);
    expect(() => parseCells(`{"sigmaW2":\n${JSON.stringify(cell(1, 2))}\n`)).toThrow(/line 1: not JSON/);
    const nan = { ...cell(1, 2), trainAccuracy: null };
    expect(() => parseCells(`${JSON.stringify(nan)}\n`)).toThrow(/line 1: .*trainAccuracy/);
    // only an unterminated last line is torn (a crash mid-append)
    const torn = parseCells(`${JSON.stringify(cell(1, 2))}\n${JSON.stringify(cell(3, 2))}`);
    expect(torn).toMatchObject({ cells: [cell(1, 2)], torn: true });
  });

  it('records outside the grid, duplicates, accuracy 7 and a wrong width are refused with their line', () => {
    const cases: [string, RegExp][] = [
      [JSON.stringify(cell(5, 2)), /line 2: the cell σ_w² = 5, L = 2 is not in this sweep's grid/],
      [JSON.stringify(cell(1, 2)), /line 2: the cell σ_w² = 1, L = 2 is already on line 1 \(a duplicate\)/],
      [JSON.stringify({ ...cell(3, 2), trainAccuracy: 7 }), /line 2: not a cell record \(trainAccuracy: .*1/],
      [
        JSON.stringify({ ...cell(3, 2), width: 16, depthToWidth: 2 / 16 }),
        /line 2: width 16, but this sweep's width is 8/,
      ],
      [JSON.stringify({ ...cell(3, 2), depthToWidth: 0.5 }), /line 2: depthToWidth 0.5 is not depth \/ width/],
    ];
    for (const [second, message] of cases) {
      const dir = tmp();
      SweepStore.open(dir, params).append(cell(1, 2));
      appendFileSync(join(dir, CELLS_FILE), `${second}\n`);
      expect(() => SweepStore.open(dir, params)).toThrow(SweepStoreError);
      expect(() => SweepStore.open(dir, params)).toThrow(message);
    }
    const s = SweepStore.open(tmp(), params);
    expect(() => s.append(cell(5, 2))).toThrow(/not in this sweep's grid/);
    expect(() => s.append({ ...cell(1, 2), testAccuracy: 7 })).toThrow(/testAccuracy/);
    s.append(cell(1, 2));
    expect(() => s.append(cell(1, 2))).toThrow(/already stored/);
    expect(s.size).toBe(1);
  });

  it('a damaged sweep.json is refused with the file and the problem, never a TypeError', () => {
    for (const [text, message] of [
      ['null\n', /sweep.json is not a sweep record \(got null\)/],
      ['[1]\n', /sweep.json is not a sweep record/],
      ['{"format":"ntk-lab-trainability-sweep/1"}\n', /sweep.json is not a sweep record \(identity: /],
      [
        '{"format":"ntk-lab-trainability-sweep/1","identity":"x"}\n',
        /holds a sweep with a different identity and sweep.json has no params/,
      ],
    ] as const) {
      const dir = tmp();
      writeFileSync(join(dir, SWEEP_FILE), text);
      expect(() => SweepStore.open(dir, params)).toThrow(SweepStoreError);
      expect(() => SweepStore.open(dir, params)).toThrow(message);
    }
  });

  it('a failed cell (not trained, with its reason) is a complete record and survives a reopen', () => {
    const dir = tmp();
    const failed: CellRecord = {
      ...cell(1, 3),
      lr: 0,
      etaTheory: 0,
      trainAccuracy: CHANCE_ACCURACY,
      testAccuracy: CHANCE_ACCURACY,
      trainLoss: null,
      steps: 0,
      failed: 'λ_max of Θ is 0',
    };
    SweepStore.open(dir, params).append(failed);
    const again = SweepStore.open(dir, params);
    expect(again.cells()).toEqual([failed]);
    expect(again.has(1, 3)).toBe(true);
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
