import { describe, expect, it } from 'vitest';
import { parseTrainabilityParams } from '../../src-shared/contract/trainability';
import type { SweepOpenResult } from '../../src-shared/contract/sweep-open';
import { MISSING_LISTED, storeSummary, sweepViewOfStore } from './sweep-folder-view';

const params = parseTrainabilityParams({ dataset: 'synthetic' });
const cell = {
  sigmaW2: 1,
  depth: 2,
  depthToWidth: 2 / 128,
  width: 128,
  lr: 0.1,
  etaTheory: 0.3,
  trainAccuracy: 0.5,
  testAccuracy: 0.4,
  trainLoss: 0.2,
  steps: 200,
  diverged: false,
  seconds: 1,
};
const base: SweepOpenResult = { dir: '/s', identity: 'x', params, total: 48, cells: [cell], missing: [], torn: false };

describe('sweep folder view', () => {
  it('a complete store is a complete sweep whose cells are the measured layer', () => {
    const v = sweepViewOfStore({ ...base, total: 1 });
    expect(v).toMatchObject({ status: 'complete', done: 1, total: 1, params, cells: [cell] });
    expect(storeSummary({ ...base, total: 1 })).toBe('/s: 1 of 1 cells · none missing');
  });

  it('a shard counts against its own part; missing cells are listed, the rest counted', () => {
    const missing = Array.from({ length: MISSING_LISTED + 3 }, (_, k) => ({ sigmaW2: 0.5, depth: k + 1 }));
    const s = { ...base, shard: { index: 1, count: 3, total: 16 }, missing };
    expect(sweepViewOfStore(s)).toMatchObject({ status: 'cancelled', done: 1, total: 16 });
    const text = storeSummary(s);
    expect(text).toMatch(/^\/s: 1 of 16 cells \(shard 1\/3 of a 48-cell sweep\) · 15 missing: σ_w² = 0\.5, L = 1; /);
    expect(text).toMatch(/; … 3 more$/);
  });
});
