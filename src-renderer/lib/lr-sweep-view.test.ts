import { describe, expect, it } from 'vitest';
import { parseLrSweepParams, type LrSweepPoint } from '../../src-shared/contract/lr-sweep';
import { jobSpecSchema, jobOutputSchema } from '../../src-shared/contract/messages';
import {
  LR_CSV_HEADER,
  lrRhoDomain,
  lrSweepCsvRows,
  lrSweepJob,
  lrSweepSeries,
  mergeLrPoints,
  parseLrSweepOutput,
} from './lr-sweep-view';

const pt = (depth: number, rho: number, acc: number, diverged = false): LrSweepPoint => ({
  depth,
  rho,
  lr: rho * 2,
  etaTheory: 2,
  trainAccuracy: diverged ? 0.1 : acc,
  testAccuracy: diverged ? 0.1 : acc - 0.05,
  trainLoss: diverged ? null : 0.4,
  diverged,
  seconds: 1,
});

describe('lr-sweep view', () => {
  it('groups points per depth, ρ ascending; diverged and non-finite points are plotted at chance, flagged', () => {
    const s = lrSweepSeries([
      pt(8, 3, 0.5),
      pt(2, 10, 0, true),
      pt(2, 0.3, 0.6),
      { ...pt(2, 1, 0.7), trainAccuracy: Number.NaN },
    ]);
    expect(s.map((x) => x.depth)).toEqual([2, 8]);
    expect(s[0].points.map((p) => p.rho)).toEqual([0.3, 1, 10]);
    expect(s[0].points.map((p) => p.diverged)).toEqual([false, true, true]);
    for (const x of s) for (const p of x.points) expect(Number.isFinite(p.train) && Number.isFinite(p.test)).toBe(true);
    expect(s[0].points[1].train).toBe(0.1);
    // a failed point (no float64 η_theory, not trained) is flagged like a diverged one, at chance
    const [f] = lrSweepSeries([{ ...pt(4, 1, 0.1), lr: 0, etaTheory: 0, failed: 'λ_max of Θ is 0' }]);
    expect(f.points[0]).toMatchObject({ diverged: true, train: 0.1, test: 0.1 });
  });

  it('parses progress and final outputs, rejects malformed ones, merges by (depth, ρ)', () => {
    expect(parseLrSweepOutput({ kind: 'lr-sweep', backend: 'x', point: pt(2, 1, 0.5) })).toEqual([pt(2, 1, 0.5)]);
    expect(parseLrSweepOutput({ kind: 'lr-sweep', backend: 'x', points: [pt(2, 1, 0.5), pt(2, 3, 0.4)] })).toHaveLength(
      2,
    );
    expect(parseLrSweepOutput({ kind: 'lr-sweep', backend: 'x', point: { depth: 2 } })).toBeNull();
    expect(parseLrSweepOutput({ kind: 'ntk-spectrum', points: [] })).toBeNull();
    const merged = mergeLrPoints([pt(2, 1, 0.5), pt(2, 3, 0.4)], [pt(2, 1, 0.6)]);
    expect(merged).toHaveLength(2);
    expect(merged.find((p) => p.rho === 1)?.trainAccuracy).toBe(0.6);
  });

  it('x-domain always contains ρ = 1 (η_theory) and every planned ρ', () => {
    const [lo, hi] = lrRhoDomain([], [2, 3]);
    expect(lo).toBeLessThan(1);
    expect(hi).toBeGreaterThan(3);
    const [lo2, hi2] = lrRhoDomain([pt(2, 0.1, 0.5)], [0.1, 10]);
    expect(lo2).toBeLessThan(0.1);
    expect(hi2).toBeGreaterThan(10);
  });

  it('CSV rows follow the header, depth-major and ρ ascending, no NaN', () => {
    const rows = lrSweepCsvRows([pt(8, 1, 0.5), pt(2, 3, 0, true), pt(2, 1, 0.6)]);
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      [2, 1],
      [2, 3],
      [8, 1],
    ]);
    for (const r of rows) expect(r).toHaveLength(LR_CSV_HEADER.length);
    expect(rows[1][LR_CSV_HEADER.indexOf('trainLoss')]).toBeNull();
    expect(rows[1][LR_CSV_HEADER.indexOf('diverged')]).toBe('true');
    expect(rows[1][LR_CSV_HEADER.indexOf('failed')]).toBeNull();
  });

  it('the job spec is valid on the wire and the defaults follow Xiao et al. 2020, Fig. 2 (ρ ∈ [0.1, 10] around 1)', () => {
    expect(jobSpecSchema.safeParse(lrSweepJob({ sigmaW2: 1.5, depths: [2, 8] })).success).toBe(true);
    const d = parseLrSweepParams({});
    expect(Math.min(...d.rhos)).toBe(0.1);
    expect(Math.max(...d.rhos)).toBe(10);
    expect(d.rhos).toContain(1);
    expect(jobOutputSchema.safeParse({ kind: 'lr-sweep', backend: 'b', point: pt(2, 1, 0.5) }).success).toBe(true);
    expect(() => parseLrSweepParams({ rhos: [Number.NaN] })).toThrow(RangeError);
    expect(() => parseLrSweepParams({ depths: [2, 2] })).toThrow(/repeat/);
  });
});
