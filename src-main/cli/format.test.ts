// Numbers for people in the CLI's tables: no 20-digit integers for large float64 values, SEs to 2 digits.
import { describe, expect, it } from 'vitest';
import { fmt, fmtEstimate } from './format';

describe('fmt / fmtEstimate', () => {
  it('prints exact integers as such, and large or tiny values in exponent form', () => {
    expect(fmt(1_000_000)).toBe('1000000'); // a count
    expect(fmt(2 ** 53 - 1)).toBe('9007199254740991');
    expect(fmt(28737805555890030000)).toBe('2.87378e+19'); // E[Θ] deep in the chaotic phase (every such float is an integer)
    expect(fmt(0.123456789)).toBe('0.123457');
    expect(fmt(1.5e-7)).toBe('1.50000e-7');
    expect(fmt(Infinity)).toBe('∞ (overflows float64)');
  });

  it('gives the SE 2 significant digits, in exponent form where the value needs it', () => {
    expect(fmtEstimate({ estimate: 28737805555890030000, stderr: 17000000000000000000 })).toBe('2.87378e+19 ± 1.7e+19');
    expect(fmtEstimate({ estimate: 1.5, stderr: 0.01234 })).toBe('1.5 ± 0.012');
    expect(fmtEstimate({ estimate: 3e-6, stderr: 1.234e-7 })).toBe('3.00000e-6 ± 1.2e-7');
    expect(fmtEstimate({ estimate: 2, stderr: 0 })).toBe('2 ± 0');
  });
});
