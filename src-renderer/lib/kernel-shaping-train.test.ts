import { describe, expect, it } from 'vitest';
import { dksTrainParamsSchema, type DksTrainRecord } from '../../src-shared/contract/dks-train';
import { accuracySeries, trainParams, trainRows } from './kernel-shaping-train';

const rec = (config: number, step: number, acc: number | null): DksTrainRecord => ({
  config,
  label: `c${config}`,
  step,
  trainLoss: acc === null ? null : 1 - acc,
  trainAccuracy: acc,
  testAccuracy: acc,
  diverged: acc === null,
  seconds: 1,
});

describe('Does it train? (Kernel-shaping tab)', () => {
  it('asks for the contract defaults with the tab φ when TensorFlow.js runs it', () => {
    expect(dksTrainParamsSchema.parse(trainParams('softplus')).activation).toBe('softplus');
    expect(dksTrainParamsSchema.parse(trainParams('linear')).activation).toBe('tanh');
    expect(dksTrainParamsSchema.parse(trainParams('tanh')).depth).toBe(50);
  });

  it('groups records per configuration with steps ascending, and marks divergence', () => {
    const s = accuracySeries([rec(1, 25, 0.3), rec(0, 25, 0.5), rec(0, 0, 0.1), rec(1, 0, null)]);
    expect(s.map((x) => x.config)).toEqual([0, 1]);
    expect(s[0].steps).toEqual([0, 25]);
    expect(s[0].test).toEqual([0.1, 0.5]);
    expect(s[1].diverged).toBe(true);
    const { header, rows } = trainRows([rec(0, 0, 0.1)]);
    expect(rows[0]).toHaveLength(header.length);
  });
});
