import { describe, expect, it } from 'vitest';
import { logTicks, powerLabel } from './ticks';

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
