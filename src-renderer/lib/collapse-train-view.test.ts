import { describe, expect, it } from 'vitest';
import type { CollapseTrainRecord } from '../../src-shared/contract/collapse-train';
import {
  DEFAULT_COLLAPSE_TRAIN,
  collapseTrainCsv,
  collapseTrainFieldError,
  collapseTrainFileName,
  collapseTrainJson,
  trainKernelSeries,
  trainMetricSeries,
} from './collapse-train-view';

function record(epoch: number, over: Partial<CollapseTrainRecord> = {}): CollapseTrainRecord {
  return {
    epoch,
    step: epoch * 5,
    trainLoss: 0.5 / (epoch + 1),
    trainAccuracy: 0.9,
    testAccuracy: 0.8,
    gamma: { d: 8, c: 4, n: 2 },
    kappa: { d: 2, c: 1.5, n: 0.5 },
    thetaAlignment: 0.4,
    thetaHAlignment: 0.45,
    nc1: 0.02,
    nc2: 0.5,
    nc3: 0.7,
    h2Norm: 0.4,
    meanFeatureNorm: 1,
    invariantAlignment: 0.3,
    invariantRelative: 0.9,
    residual: { global: 1, class: 2, single: 3 },
    diverged: false,
    seconds: 1,
    ...over,
  };
}

describe('collapse-train view', () => {
  const records = [record(0), record(5, { invariantAlignment: null }), record(10)];

  it('series vs epoch: NC metrics as recorded, kernel ratios κ_c/κ_d, γ_n/γ_d; a null is a gap (NaN)', () => {
    const m = trainMetricSeries(records);
    expect(m.map((s) => s.key)).toEqual(['nc1', 'nc2', 'nc3', 'h2', 'loss']);
    expect(m[0].points).toEqual([
      { x: 0, y: 0.02 },
      { x: 5, y: 0.02 },
      { x: 10, y: 0.02 },
    ]);
    const k = trainKernelSeries(records);
    const by = (key: string) => k.find((s) => s.key === key)!.points.map((p) => p.y);
    expect(by('kc')).toEqual([0.75, 0.75, 0.75]);
    expect(by('kn')).toEqual([0.25, 0.25, 0.25]);
    expect(by('gn')).toEqual([0.25, 0.25, 0.25]);
    expect(by('inv')[1]).toBeNaN();
  });

  it('fields: the contract refuses what cannot run, naming the field', () => {
    expect(collapseTrainFieldError(DEFAULT_COLLAPSE_TRAIN, 'epochs', 40)).toBeNull();
    expect(collapseTrainFieldError(DEFAULT_COLLAPSE_TRAIN, 'kernelPerClass', 30)).toMatch(
      /kernelPerClass .*must be ≤ 20|kernelPerClass: .*≤ 20/,
    );
    expect(collapseTrainFieldError(DEFAULT_COLLAPSE_TRAIN, 'lr', 0)).toMatch(/lr/);
    expect(collapseTrainFieldError(DEFAULT_COLLAPSE_TRAIN, 'epochs', 1.5)).toMatch(/epochs must be an integer/);
  });

  it('exports: one CSV row per record with every field; file name and JSON name the run', () => {
    const rows = collapseTrainCsv(records).trimEnd().split('\n');
    expect(rows).toHaveLength(4);
    expect(rows[0].split(',')).toContain('invariantAlignment');
    expect(rows[2].split(',')[rows[0].split(',').indexOf('invariantAlignment')]).toBe('');
    expect(collapseTrainFileName('collapse-train-metrics', DEFAULT_COLLAPSE_TRAIN, 'csv')).toBe(
      'ntk-collapse-train-metrics-e80-m20-q6-lr0.2-s0.csv',
    );
    const doc = JSON.parse(collapseTrainJson('collapse-train-kernels', DEFAULT_COLLAPSE_TRAIN, 'wasm', records, 'v'));
    expect(doc).toMatchObject({ qualitative: true, backend: 'wasm', records: 3, params: { hidden: [128, 64] } });
  });
});
