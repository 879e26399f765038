import { describe, expect, it } from 'vitest';
import { dksTrainParamsSchema, type DksTrainRecord } from '../../src-shared/contract/dks-train';
import { accuracySeries, eocMissing, parseTrainSize, trainParams, trainRows, trainZetas } from './kernel-shaping-train';

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
    const p = dksTrainParamsSchema.parse(trainParams('tanh'));
    expect([p.depth, p.width, p.steps, p.recordEvery]).toEqual([50, 64, 200, 25]);
    expect([p.eoc, p.selu, p.layerNorm, p.zetas]).toEqual([true, true, true, [1.1, 1.5, 10]]);
    // softplus has no critical line at σ_b² = 0.05: EOC is left out (the job would refuse it), and the tab says why
    expect(eocMissing('softplus')).not.toBe('');
    expect(dksTrainParamsSchema.parse(trainParams('softplus')).eoc).toBe(false);
    expect(eocMissing('tanh')).toBe('');
    // no DKS transform of softplus for ζ = 10 at D = 4 (ψ = 10^(1/4)): left out, with the solver's reason
    const z = trainZetas('softplus', 4);
    expect(z.zetas).toEqual([1.1, 1.5]);
    expect(z.missing).toHaveLength(1);
    expect(z.missing[0]).toMatch(/ζ = 10 at D = 4: .*best residual/);
    expect(dksTrainParamsSchema.parse(trainParams('softplus', { depth: 4, width: 8, steps: 2 })).zetas).toEqual([
      1.1, 1.5,
    ]);
    const small = dksTrainParamsSchema.parse(trainParams('tanh', { depth: 3, width: 8, steps: 4 }));
    expect([small.depth, small.width, small.steps, small.recordEvery]).toEqual([3, 8, 4, 1]);
  });

  it('reads the size fields, naming a bad one', () => {
    expect(parseTrainSize({ depth: ' 4', width: '16', steps: '10 ' })).toEqual({ depth: 4, width: 16, steps: 10 });
    expect(() => parseTrainSize({ depth: '0', width: '16', steps: '10' })).toThrow(/depth D must be an integer/);
    expect(() => parseTrainSize({ depth: '4', width: '2.5', steps: '10' })).toThrow(/width M/);
    expect(() => parseTrainSize({ depth: '4', width: '16', steps: '' })).toThrow(/steps/);
    expect(() => parseTrainSize({ depth: '201', width: '16', steps: '10' })).toThrow(/\[1, 200\]/);
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
