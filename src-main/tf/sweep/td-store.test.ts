// The training-dynamics σ_w² list store and its shards: the split (disjoint, complete, balanced), the store
// (append-only, resumable, torn tail cut, another list refused) and merge (missing, duplicates, damaged lines, mixed
// kinds refused with nothing written). Records here are synthetic: the training itself is tested in
// src-main/cli/train-dynamics-list.test.ts.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTrainDynamicsParams } from '../../../src-shared/contract/train-dynamics';
import { parseLrSweepParams } from '../../../src-shared/contract/lr-sweep';
import { LrSweepStore } from './lr-store';
import { mergeShards, MergeRefused } from './merge';
import { recordShard, SweepStoreError } from './store';
import { RUNS_FILE, shardTdRuns, TdStore, tdIdentity, tdRuns, type TdRun } from './td-store';

const params = (list: number[], seed = 0) =>
  parseTrainDynamicsParams({ depth: 3, width: 16, steps: 6, recordAt: [0, 6], seed, sigmaW2List: list, kernel: false });

/** A finished run whose numbers depend on σ_w² only; `seconds` differs by `jitter`. */
function run(sigmaW2: number, jitter = 0): TdRun {
  const rec = (step: number) => ({
    step,
    epoch: step / 4,
    trainLoss: 0.5 - step * 0.01 * sigmaW2,
    testLoss: 0.5,
    trainAccuracy: 0.1,
    testAccuracy: 0.1,
    thetaD: sigmaW2 * 10,
    thetaC: sigmaW2 * 5,
    thetaN: sigmaW2 * 4,
    diverged: false,
    seconds: step + jitter,
    sigmaW2,
  });
  return { sigmaW2, diverged: false, seconds: 6 + jitter, records: [rec(0), rec(6)] };
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ntk-td-store-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('shardTdRuns', () => {
  it('splits a list into disjoint shards that together hold every σ_w², balanced (equal costs: sizes differ ≤ 1)', () => {
    const p = params([0.5, 1, 1.5, 2, 2.2, 2.5, 3]);
    for (const n of [1, 2, 3, 7, 9]) {
      const parts = Array.from({ length: n }, (_, i) => shardTdRuns(p, { index: i, count: n }));
      expect(parts.flat().sort((a, b) => a - b)).toEqual([0.5, 1, 1.5, 2, 2.2, 2.5, 3]);
      const sizes = parts.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    // deterministic: the same call gives the same part
    expect(shardTdRuns(p, { index: 1, count: 3 })).toEqual(shardTdRuns(p, { index: 1, count: 3 }));
  });

  it('the identity is that of the list and the params, not of the order of other fields; a single σ_w² is a list of one', () => {
    expect(tdIdentity(params([1, 2]))).toBe(tdIdentity(params([1, 2])));
    expect(tdIdentity(params([1, 2]))).not.toBe(tdIdentity(params([1, 2], 1)));
    expect(tdIdentity(params([1, 2]))).not.toBe(tdIdentity(params([2, 1])));
    const single = parseTrainDynamicsParams({
      depth: 3,
      width: 16,
      steps: 6,
      recordAt: [0, 6],
      sigmaW2: 1.5,
      kernel: false,
    });
    expect(tdRuns(single)).toEqual([1.5]);
    expect(tdIdentity(single)).toBe(tdIdentity(params([1.5])));
  });

  it('the contract refuses a repeated σ_w² and counts the work of the runs in this process', () => {
    expect(() => params([1, 1])).toThrow(/distinct/);
    // one run ≈ 4e15 flop (under the 1e16 limit), four runs over it
    const big = { depth: 20, width: 1024, steps: 30_000, batchSize: 1000, recordAt: [0], sigmaW2List: [1, 2, 3, 4] };
    expect(() => parseTrainDynamicsParams(big)).toThrow(/estimated work/);
    expect(parseTrainDynamicsParams({ ...big, sigmaW2List: [1] }).sigmaW2List).toEqual([1]);
    // a shard of one run of the four is within the limit
    expect(parseTrainDynamicsParams(big, 1).sigmaW2List).toHaveLength(4);
    // reading a store (runsInProcess 0) checks no work
    expect(parseTrainDynamicsParams(big, 0).sigmaW2List).toEqual([1, 2, 3, 4]);
  });
});

describe('TdStore', () => {
  it('appends whole runs, resumes them, refuses a repeat, another σ_w² and another list', () => {
    const p = params([1, 2, 3]);
    const dir = join(root, 's');
    const s = TdStore.open(dir, p);
    s.append(run(2));
    expect(() => s.append(run(2))).toThrow(/already stored/);
    expect(() => s.append(run(4))).toThrow(/not in this list/);
    const again = TdStore.open(dir, p);
    expect(again.size).toBe(1);
    expect(again.get(2)).toEqual(run(2));
    expect(() => TdStore.open(dir, params([1, 2]))).toThrow(/different params/);
  });

  it('ignores a torn last line on open and cuts it before the next append; a corrupt line is named', () => {
    const p = params([1, 2]);
    const dir = join(root, 's');
    TdStore.open(dir, p).append(run(1));
    appendFileSync(join(dir, RUNS_FILE), '{"sigmaW2":2,"divergе');
    const s = TdStore.open(dir, p);
    expect(s.size).toBe(1);
    s.append(run(2));
    const lines = readFileSync(join(dir, RUNS_FILE), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as TdRun).sigmaW2)).toEqual([1, 2]);
    appendFileSync(join(dir, RUNS_FILE), 'garbage\n');
    expect(() => TdStore.open(dir, p)).toThrow(/runs\.jsonl line 3: not JSON/);
  });

  it('names a damaged sweep.json (not JSON, not a record, another kind), a file as dir; nothing else thrown', () => {
    const p = params([1, 2]);
    const dir = join(root, 's');
    TdStore.open(dir, p);
    const cases: [string, RegExp][] = [
      ['{', /sweep\.json is not valid JSON/],
      ['null\n', /sweep\.json is not a sweep record/],
      ['{"format":"ntk-lab-train-dynamics/1"}\n', /sweep\.json is not a sweep record \(identity: /],
      ['{"format":"ntk-lab-lr-sweep/1","identity":"x"}\n', /is not a training-dynamics list \(format/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(join(dir, 'sweep.json'), text);
      expect(() => TdStore.open(dir, p)).toThrow(SweepStoreError);
      expect(() => TdStore.open(dir, p)).toThrow(message);
    }
    writeFileSync(join(root, 'file'), 'x');
    expect(() => TdStore.open(join(root, 'file'), p)).toThrow(/exists and is not a directory/);
  });
});

describe('merge of training-dynamics shards', () => {
  function shards(p: ReturnType<typeof params>, n: number, jitter = 0): string[] {
    return Array.from({ length: n }, (_, i) => {
      const dir = join(root, `shard-${i}`);
      const s = TdStore.open(dir, p);
      recordShard(dir, s.identity, { index: i, count: n });
      for (const sw of shardTdRuns(p, { index: i, count: n })) s.append(run(sw, jitter));
      return dir;
    });
  }

  it('merges every run once into a normal store that resumes; a second merge adds nothing', () => {
    const p = params([1, 2, 2.5]);
    const dirs = shards(p, 2);
    const r = mergeShards(join(root, 'out'), dirs);
    expect(r).toMatchObject({ kind: 'train-dynamics', total: 3, done: 3, added: 3, missing: [], duplicates: [] });
    const merged = TdStore.open(join(root, 'out'), p);
    for (const sw of [1, 2, 2.5]) expect(merged.get(sw)).toEqual(run(sw));
    expect(mergeShards(join(root, 'out'), dirs)).toMatchObject({ done: 3, added: 0 });
  });

  it('reports the runs of an absent shard missing, and duplicates (identical when only seconds differ)', () => {
    const p = params([1, 2, 2.5, 3]);
    const dirs = shards(p, 2);
    const r = mergeShards(join(root, 'out'), [dirs[0], join(root, 'never-ran')]);
    expect(r.absent).toEqual([join(root, 'never-ran')]);
    expect(r.missing).toEqual(shardTdRuns(p, { index: 1, count: 2 }).map((sigmaW2) => ({ sigmaW2 })));
    // the same runs again with other wall times: duplicates of identical numbers
    const copy = join(root, 'copy');
    const c = TdStore.open(copy, p);
    c.append(run(1, 0.5));
    const d = mergeShards(join(root, 'out2'), [...dirs, copy]);
    expect(d.duplicates).toEqual([{ sigmaW2: 1, dirs: [dirs[0], copy], identical: true }]);
    expect(d.done).toBe(4);
  });

  it('names a damaged line and a torn tail, and still merges the rest without touching the shard', () => {
    const p = params([1, 2, 3]);
    const [dir] = shards(p, 1);
    appendFileSync(join(dir, RUNS_FILE), 'not json\n{"sigmaW2":3');
    const before = readFileSync(join(dir, RUNS_FILE), 'utf8');
    const r = mergeShards(join(root, 'out'), [dir]);
    expect(r.done).toBe(3);
    expect(r.damaged.map((d) => d.path)).toEqual([`${join(dir, RUNS_FILE)} line 4`, `${join(dir, RUNS_FILE)} line 5`]);
    expect(readFileSync(join(dir, RUNS_FILE), 'utf8')).toBe(before);
  });

  it('refuses different lists and mixed store kinds, writing nothing', () => {
    const a = join(root, 'a');
    const b = join(root, 'b');
    TdStore.open(a, params([1, 2])).append(run(1));
    TdStore.open(b, params([1, 2], 7)).append(run(1));
    expect(() => mergeShards(join(root, 'out'), [a, b])).toThrow(/different training-dynamics lists/);
    const lr = join(root, 'lr');
    LrSweepStore.open(lr, parseLrSweepParams({ depths: [2], rhos: [1], dataset: 'synthetic' }));
    expect(() => mergeShards(join(root, 'out'), [a, lr])).toThrow(MergeRefused);
    expect(() => mergeShards(join(root, 'out'), [a, lr])).toThrow(/training-dynamics σ_w² list/);
    expect(existsSync(join(root, 'out'))).toBe(false);
    // an output that holds another list
    TdStore.open(join(root, 'other'), params([5]));
    expect(() => mergeShards(join(root, 'other'), [a])).toThrow(/holds another sweep/);
  });
});
