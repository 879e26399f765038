import { describe, expect, it } from 'vitest';
import { parseField, type FieldRule } from './fields';

const width: FieldRule = { label: 'Width M', min: 1, max: 10_000, integer: true };
const sigma: FieldRule = { label: 'σ_w²', min: 0, max: 4, minExclusive: true, maxReason: 'the plotted range' };

describe('parseField', () => {
  it('accepts plain and scientific decimals', () => {
    expect(parseField('200', width)).toEqual({ ok: true, value: 200 });
    expect(parseField(' 1e4 ', width)).toEqual({ ok: true, value: 10_000 });
    expect(parseField('.5', sigma)).toEqual({ ok: true, value: 0.5 });
    expect(parseField('2.25', sigma)).toEqual({ ok: true, value: 2.25 });
  });

  it.each([
    ['', 'is required'],
    ['abc', 'must be a number'],
    ['0x10', 'must be a number'],
    ['Infinity', 'must be a number'],
    ['NaN', 'must be a number'],
    ['1e400', 'must be a finite number'],
    ['2.5', 'whole number'],
    ['-5', 'must be ≥ 1'],
    ['0', 'must be ≥ 1'],
    ['10001', 'must be ≤ 10000'],
  ])('rejects width %j with a message containing %j', (text, msg) => {
    const r = parseField(text, width);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContain(msg);
      expect(r.error.startsWith('Width M')).toBe(true);
    }
  });

  it('honours exclusive minima and explains the maximum', () => {
    const zero = parseField('0', sigma);
    expect(zero.ok).toBe(false);
    if (!zero.ok) expect(zero.error).toBe('σ_w² must be > 0');
    const big = parseField('4.5', sigma);
    expect(big.ok).toBe(false);
    if (!big.ok) expect(big.error).toBe('σ_w² must be ≤ 4 (the plotted range)');
    expect(parseField('−1', sigma).ok).toBe(false); // typographic minus is parsed, then rejected by the range
  });
});
