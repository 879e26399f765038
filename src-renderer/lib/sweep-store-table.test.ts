import { describe, expect, it } from 'vitest';
import type { LrStoreResult, TdStoreResult } from '../../src-shared/contract/sweep-open';
import { lrStoreTable, tdStoreTable } from './sweep-store-table';

const point = (depth: number, rho: number, extra: object = {}) => ({
  ...{ depth, rho, lr: rho * 0.2, etaTheory: 0.2, trainAccuracy: 0.5, testAccuracy: 0.25, trainLoss: 0.2 },
  ...{ diverged: false, seconds: 1, ...extra },
});

describe('lrStoreTable', () => {
  const base: LrStoreResult = {
    dir: '/s',
    identity: 'x',
    params: { depths: [8, 2], rhos: [2, 0.5] },
    total: 4,
    points: [point(8, 0.5), point(2, 2, { diverged: true })],
    missing: [{ depth: 8, rho: 2 }],
    shard: { index: 0, count: 2, total: 3 },
    torn: false,
  };

  it('one row per (L, ρ) in sweep order; stored, missing and another shard’s points told apart', () => {
    const t = lrStoreTable(base);
    expect(t.rows.map((r) => [r.key, r.state])).toEqual([
      ['8|0.5', 'stored'],
      ['8|2', 'missing'],
      ['2|0.5', 'elsewhere'],
      ['2|2', 'stored'],
    ]);
    expect(t.rows[0].cells).toEqual(['8', '0.5', '0.1', 'trained', '50.0 %', '25.0 %']);
    expect(t.rows[3].cells[3]).toBe('diverged');
    expect(t.summary).toBe('/s: 2 of 3 points (shard 0/2 of a 4-point sweep) · 1 missing: L = 8, ρ = 2');
  });
});

describe('tdStoreTable', () => {
  const rec = (step: number, thetaD: number | null) => ({
    ...{ step, epoch: 0, trainLoss: 0.4, testLoss: 0.5, trainAccuracy: 0.6, testAccuracy: 0.5 },
    ...{ thetaD, thetaC: thetaD === null ? null : thetaD / 2, thetaN: thetaD === null ? null : thetaD / 4 },
    ...{ diverged: thetaD === null, seconds: 1 },
  });
  const base: TdStoreResult = {
    dir: '/t',
    identity: 'y',
    params: { sigmaW2List: [1, 2, 2.2] },
    total: 3,
    runs: [
      { sigmaW2: 2, diverged: false, seconds: 3, records: [rec(0, 8), rec(300, 10)] },
      { sigmaW2: 2.2, diverged: true, seconds: 2, records: [rec(0, 8), rec(50, null)] },
    ],
    missing: [{ sigmaW2: 1 }],
    torn: true,
  };

  it('one row per σ_w² of the list: the last record of a stored run, missing ones named', () => {
    const t = tdStoreTable(base);
    expect(t.rows.map((r) => [r.key, r.state])).toEqual([
      ['1', 'missing'],
      ['2', 'stored'],
      ['2.2', 'stored'],
    ]);
    expect(t.rows[1].cells).toEqual(['2', 'step 300', '0.4', '0.5', '50.0 %', '0.5', '0.25']);
    expect(t.rows[2].cells.slice(1, 2)).toEqual(['diverged at 50']);
    expect(t.rows[2].cells.slice(5)).toEqual(['—', '—']);
    expect(t.summary).toBe('/t: 2 of 3 runs · 1 missing: σ_w² = 1 · a torn last line was ignored');
  });
});
