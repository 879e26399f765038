import { describe, expect, it } from 'vitest';
import {
  fileNumber,
  formatEstimate,
  formatFromLn,
  formatMeanTheta,
  formatNumber,
  formatSeconds,
  superscript,
} from './format';

describe('formatNumber', () => {
  it('uses plain notation in [1e-3, 1e6) and × 10ⁿ outside', () => {
    expect(formatNumber(3.854712)).toBe('3.855');
    expect(formatNumber(1)).toBe('1');
    expect(formatNumber(123456.7)).toBe('123500');
    expect(formatNumber(1234567)).toBe('1.235 × 10⁶');
    expect(formatNumber(0.000123)).toBe('1.23 × 10⁻⁴');
    expect(formatNumber(-2.5)).toBe('−2.5');
    expect(formatNumber(9.99996e9)).toBe('1 × 10¹⁰'); // mantissa rounding carries into the exponent
  });
  it('never prints NaN or Infinity', () => {
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatNumber(Infinity)).toBe('—');
  });
});

describe('formatMeanTheta', () => {
  it('shows a finite E[Θ] directly', () => {
    expect(formatMeanTheta(200.5, Math.log(200.5))).toBe('200.5');
  });
  it('rebuilds an overflowing E[Θ] from its natural log', () => {
    expect(formatMeanTheta(Infinity, 1000 * Math.LN10)).toBe('1 × 10¹⁰⁰⁰');
    expect(formatMeanTheta(Infinity, Math.log(3.5) + 400 * Math.LN10)).toBe('3.5 × 10⁴⁰⁰');
    expect(formatFromLn(Math.log(42))).toBe('42');
    expect(formatFromLn(Number.NaN)).toBe('—');
  });
});

describe('formatEstimate', () => {
  it('rounds the estimate to two significant digits of its standard error', () => {
    expect(formatEstimate(3.8547, 0.0213)).toBe('3.855 ± 0.021');
    expect(formatEstimate(22.557, 1.43)).toBe('22.6 ± 1.4');
    expect(formatEstimate(1.1193, 0.00042)).toBe('1.11930 ± 0.00042');
    expect(formatEstimate(152.3, 12)).toBe('152 ± 12');
  });
  it('shares a power of ten for large values', () => {
    expect(formatEstimate(1.2345e7, 3.4e5)).toBe('(1.234 ± 0.034) × 10⁷');
  });
  it('marks a missing standard error instead of inventing one', () => {
    expect(formatEstimate(2, Number.NaN)).toBe('2 ± ?');
    expect(formatEstimate(Number.NaN, 1)).toBe('—');
  });
});

describe('small helpers', () => {
  it('formats superscripts, seconds and file numbers', () => {
    expect(superscript(-12)).toBe('⁻¹²');
    expect(formatSeconds(0.0421)).toBe('42 ms');
    expect(formatSeconds(3.21)).toBe('3.2 s');
    expect(formatSeconds(125)).toBe('2 min 5 s');
    expect(fileNumber(200)).toBe('200');
    expect(fileNumber(0.1 + 0.2)).toBe('0.3');
  });
});
