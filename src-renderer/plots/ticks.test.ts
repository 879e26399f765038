import { describe, expect, it } from 'vitest';
import { followLogDomain, logTicks, powerLabel, snappedLogDomain } from './ticks';

const labelled = (t: { values: number[]; labels: string[] }) => t.values.filter((_, k) => t.labels[k] !== '');

describe('logTicks', () => {
  it('uses readable linear ticks inside one decade', () => {
    const t = logTicks(1, 4);
    expect(labelled(t)).toEqual(t.values);
    expect(t.values[0]).toBe(1);
    expect(t.values).toContain(2);
    expect(t.values).toContain(3);
    expect(t.values.every((v) => v >= 1 && v <= 4)).toBe(true);
    expect(logTicks(0.96, 7.3, 3).values).toEqual([1, 2, 4, 6]); // the floor 1 is always shown when in view
  });

  it('labels 1-2-5 per decade over a few decades and only powers of ten over many', () => {
    const few = logTicks(1, 300, 8);
    expect(labelled(few)).toEqual([1, 2, 5, 10, 20, 50, 100, 200]);
    expect(labelled(logTicks(1, 300, 6))).toEqual([1, 3, 10, 30, 100, 300]); // fewer labels allowed → 1-3
    expect(few.values.length).toBeGreaterThan(labelled(few).length); // minor ticks stay, unlabelled
    const many = logTicks(1, 1e5);
    expect(labelled(many)).toEqual([1, 10, 100, 1000, 10000, 100000]);
    const huge = logTicks(1, 1e12);
    expect(labelled(huge).length).toBeLessThanOrEqual(7);
    expect(labelled(huge)).toContain(1);
  });

  it('writes every label of a log axis over decades as a superscript power of ten', () => {
    expect([1e-8, 1e-6, 1, 10, 1e9].map(powerLabel)).toEqual(['10⁻⁸', '10⁻⁶', '10⁰', '10¹', '10⁹']);
    expect([2e-6, 5e3, 3].map(powerLabel)).toEqual(['2×10⁻⁶', '5×10³', '3×10⁰']);
    const t = logTicks(1e-8, 1e9);
    const labels = t.labels.filter((l) => l !== '');
    expect(labels.length).toBeGreaterThan(2);
    for (const l of labels) expect(l).toMatch(/^(\d×)?10[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+$/);
    // the labels say exactly the tick values
    t.values.forEach((v, k) => {
      if (t.labels[k] === '') return;
      const [m, e] = t.labels[k].includes('×') ? t.labels[k].split('×10') : ['1', t.labels[k].slice(2)];
      const exp = Number([...e].map((c) => ('⁰¹²³⁴⁵⁶⁷⁸⁹'.indexOf(c) >= 0 ? '⁰¹²³⁴⁵⁶⁷⁸⁹'.indexOf(c) : '-')).join(''));
      expect(Number(m) * 10 ** exp).toBeCloseTo(v, 12 - Math.max(0, Math.log10(v)));
    });
  });

  it('rejects an invalid domain', () => {
    expect(() => logTicks(0, 10)).toThrow(RangeError);
    expect(() => logTicks(5, 5)).toThrow(RangeError);
    expect(() => logTicks(1, Infinity)).toThrow(RangeError);
  });
});

describe('snappedLogDomain', () => {
  it('holds the data with the padding and ends on the grid of 20 steps per decade', () => {
    for (const [lo, hi] of [
      [1, 1.3],
      [1.7, 4.2],
      [3e-7, 2e5],
      [0.999, 1.001],
    ]) {
      const [a, b] = snappedLogDomain(lo, hi);
      expect(a).toBeLessThanOrEqual(lo / 1.04);
      expect(b).toBeGreaterThanOrEqual(hi * 1.12 * (1 - 1e-12));
      // within one grid step (a factor 10^(1/20)) of the padded data
      expect(lo / 1.04 / a).toBeLessThan(10 ** (1 / 20) * (1 + 1e-12));
      expect(b / (hi * 1.12)).toBeLessThan(10 ** (1 / 20) * (1 + 1e-12));
      for (const end of [a, b]) {
        expect(Math.abs(Math.log10(end) * 20 - Math.round(Math.log10(end) * 20))).toBeLessThan(1e-9);
      }
    }
  });

  it('stays put while the data move inside one grid step, and follows them across it', () => {
    const base = snappedLogDomain(2.05, 30.5);
    expect(snappedLogDomain(2.06, 30.4)).toEqual(base);
    expect(snappedLogDomain(2.07, 30.9)).toEqual(base);
    const moved = snappedLogDomain(1.5, 30.5);
    expect(moved[0]).toBeLessThan(base[0]);
    expect(moved[1]).toBe(base[1]);
  });

  it('names the bad range', () => {
    expect(() => snappedLogDomain(0, 1)).toThrow(/0 < lo ≤ hi/);
    expect(() => snappedLogDomain(2, 1)).toThrow(/got \[2, 1\]/);
    expect(() => snappedLogDomain(1, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('followLogDomain', () => {
  const decades = (d: readonly [number, number]) => Math.log10(d[1] / d[0]);

  it('starts from the fresh fit and keeps it while the data stay inside', () => {
    const first = followLogDomain(null, 2, 30);
    expect(first).toEqual(snappedLogDomain(2, 30));
    expect(followLogDomain(first, 2.2, 26)).toEqual(first);
  });

  it('keeps a domain that holds the data until it is more than `slack` times a fresh fit', () => {
    const wide: [number, number] = [1, 1000]; // 3 decades
    // a fresh fit of [5, 100] spans 1.4 decades: 3 > 1.5 × 1.4, so it refits; with slack 2.5 it keeps [1, 1000]
    expect(followLogDomain(wide, 5, 100)).toEqual(snappedLogDomain(5, 100));
    expect(followLogDomain(wide, 5, 100, { slack: 2.5 })).toEqual(wide);
  });

  it('leaves headroom on the side the data left by, so a steady sweep rescales seldom', () => {
    let d: [number, number] = followLogDomain(null, 1, 10);
    let rescales = 0;
    // the upper end grows by 1/40 decade per frame for 120 frames (a drag towards the chaotic phase)
    for (let k = 1; k <= 120; k++) {
      const hi = 10 * 10 ** (k / 40);
      const next = followLogDomain(d, 1, hi);
      if (next[0] !== d[0] || next[1] !== d[1]) rescales++;
      expect(next[0]).toBeLessThanOrEqual(1 / 1.04);
      expect(next[1]).toBeGreaterThanOrEqual(hi * 1.12 * (1 - 1e-12));
      expect(decades(next)).toBeLessThanOrEqual(1.5 * decades(snappedLogDomain(1, hi)) + 1e-9);
      d = next;
    }
    // snapping alone would rescale at every 1/20-decade step: 60 times
    expect(rescales).toBeLessThan(25);
    expect(rescales).toBeGreaterThan(2);
  });
});
