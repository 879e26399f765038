import { describe, expect, it } from 'vitest';
import { computeSlice, SliceQueue, type SliceRequest } from './slice-worker-protocol';
import { sliceAlongLambda, sliceAlongSigma } from './slices';

const net = { width: 200, alpha0: 1 };

describe('slice worker protocol', () => {
  it('computes exactly the slices the panel computed on the main thread', () => {
    const a = computeSlice(1, { kind: 'lambda', fixed: 2.3, net });
    const b = computeSlice(2, { kind: 'sigma', fixed: 0.7, net });
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.data).toEqual(sliceAlongLambda(2.3, net));
    expect(b.data).toEqual(sliceAlongSigma(0.7, net));
    expect([a.id, a.kind, b.id, b.kind]).toEqual([1, 'lambda', 2, 'sigma']);
    // survives structured cloning (what crosses to the main thread)
    expect(structuredClone(a)).toEqual(a);
  });

  it('answers a bad request with its error, not a throw', () => {
    const r = computeSlice(3, { kind: 'lambda', fixed: 2, net: { width: -1, alpha0: 1 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
  });

  it('keeps only the newest request per kind and lets the kinds take turns', () => {
    const q = new SliceQueue();
    const req = (kind: 'lambda' | 'sigma', fixed: number): SliceRequest => ({ kind, fixed, net });
    q.put(req('lambda', 1));
    q.put(req('lambda', 2));
    q.put(req('sigma', 0.1));
    q.put(req('sigma', 0.2));
    expect(q.take()).toEqual(req('lambda', 2));
    q.put(req('lambda', 3));
    expect(q.take()).toEqual(req('sigma', 0.2)); // sigma's turn, although lambda waits again
    expect(q.take()).toEqual(req('lambda', 3));
    expect(q.take()).toBeUndefined();
  });
});
