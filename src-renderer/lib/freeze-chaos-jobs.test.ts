import { describe, expect, it } from 'vitest';
import { freezeChaosParamsSchema } from '../../src-shared/contract/freeze-chaos';
import { DEFAULT_REQUEST } from './freeze-chaos-view';
import {
  DEFAULT_MEASURE,
  freezeChaosJobParams,
  measureDepths,
  mergePoints,
  readFreezeChaosOutput,
} from './freeze-chaos-jobs';
import type { MeasuredDepthPoint } from './freeze-chaos-plots';

const pt = (depth: number, v: number): MeasuredDepthPoint & { seconds: number } => ({
  depth,
  cos: 0,
  width: 64,
  samples: 10,
  seed: 1,
  vartheta: { estimate: v, stderr: 0.1 },
  thetaDiag: { estimate: 1, stderr: 0.1 },
  seconds: 0.01,
});

describe('freeze-chaos job params', () => {
  it('depths span 1 … max, include the cursor L, and the params pass the wire schema', () => {
    expect(measureDepths(20, 5, 6)).toEqual([1, 6, 11, 15, 20]);
    expect(measureDepths(3, 5, 2)).toEqual([1, 2, 3]);
    const p = freezeChaosJobParams(DEFAULT_REQUEST, DEFAULT_MEASURE, 20);
    expect(freezeChaosParamsSchema.safeParse(p).success).toBe(true);
    const bn = freezeChaosJobParams(
      DEFAULT_REQUEST,
      { ...DEFAULT_MEASURE, batchNorm: { placement: 'last', points: 8 } },
      20,
    );
    expect(bn.depths[0]).toBe(DEFAULT_REQUEST.depth);
    expect(freezeChaosParamsSchema.safeParse(bn).success).toBe(true);
  });

  it('outputs: a progress point, or the done list; merging replaces the same depth', () => {
    expect(readFreezeChaosOutput({ kind: 'freeze-chaos', point: pt(2, 0.5) }).points).toHaveLength(1);
    expect(readFreezeChaosOutput({ kind: 'freeze-chaos', points: [pt(1, 0.1), pt(2, 0.5)] }).points).toHaveLength(2);
    const merged = mergePoints([pt(1, 0.1), pt(2, 0.5)], [pt(2, 0.6)]);
    expect(merged.map((p) => p.vartheta.estimate)).toEqual([0.1, 0.6]);
  });
});
