import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

describe('Rng (xoshiro128**)', () => {
  it('is reproducible per (seed, stream) and streams differ', () => {
    const a = new Rng(42, 3),
      b = new Rng(42, 3),
      c = new Rng(42, 4),
      d = new Rng(43, 3);
    const xs = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextU32())).not.toEqual(xs);
    expect(Array.from({ length: 5 }, () => d.nextU32())).not.toEqual(xs);
  });

  it('uniform has mean 1/2 and variance 1/12 within 5 standard errors', () => {
    const r = new Rng(1),
      n = 200_000;
    let s = 0,
      s2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      s2 += u * u;
    }
    const mean = s / n,
      v = s2 / n - mean * mean;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(v - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / n));
  });

  it('normal has mean 0, variance 1 and kurtosis 3 within 5 standard errors', () => {
    const r = new Rng(7),
      n = 200_000;
    let s = 0,
      s2 = 0,
      s4 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      s4 += z ** 4;
    }
    expect(Math.abs(s / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(s4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
  });
});
