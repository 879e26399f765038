import { describe, expect, it } from 'vitest';
import { interpolateViridis, rgb } from 'd3';
import { colourLut, INVALID_RGB, logDomain, paintHeatmap } from './heatmap';

const px = (out: Uint8ClampedArray, nx: number, row: number, col: number) =>
  Array.from(out.slice(4 * (row * nx + col), 4 * (row * nx + col) + 4));

describe('colourLut', () => {
  it('samples the interpolator at both ends', () => {
    const lut = colourLut(interpolateViridis, 256);
    const first = rgb(interpolateViridis(0));
    const last = rgb(interpolateViridis(1));
    expect(Array.from(lut.slice(0, 3))).toEqual([first.r, first.g, first.b]);
    expect(Array.from(lut.slice(765, 768))).toEqual([last.r, last.g, last.b]);
  });
});

describe('logDomain', () => {
  it('spans the finite positive values only', () => {
    expect(logDomain([1, 3, Number.NaN, Infinity, -2, 0, 50])).toEqual([1, 50]);
    expect(logDomain([Number.NaN, 0])).toBeNull();
  });
  it('widens a flat field so the log scale stays defined', () => {
    const [lo, hi] = logDomain([1, 1, 1])!;
    expect(lo).toBeLessThan(1);
    expect(hi).toBeGreaterThan(1);
    expect(hi / lo).toBeCloseTo(1.01, 12);
  });
});

describe('paintHeatmap', () => {
  const lut = colourLut(interpolateViridis, 256);
  const nx = 3;
  const ny = 2;
  // row j = 0 (small λ): 1, 10, NaN; row j = 1: 100, Infinity, 0
  const values = [1, 10, Number.NaN, 100, Infinity, 0];

  it('puts λ = min at the bottom pixel row and maps the log domain onto the ramp ends', () => {
    const out = new Uint8ClampedArray(nx * ny * 4);
    const { invalid } = paintHeatmap(values, nx, ny, [1, 100], lut, out);
    expect(invalid).toBe(3);
    expect(px(out, nx, 1, 0)).toEqual([lut[0], lut[1], lut[2], 255]); // value 1 = domain min, bottom row
    expect(px(out, nx, 0, 0)).toEqual([lut[765], lut[766], lut[767], 255]); // value 100 = domain max, top row
    const mid = 3 * Math.round(0.5 * 255); // log10(10) is halfway between log10(1) and log10(100)
    expect(px(out, nx, 1, 1)).toEqual([lut[mid], lut[mid + 1], lut[mid + 2], 255]);
  });

  it('never turns a non-finite or non-positive value into a colour', () => {
    const out = new Uint8ClampedArray(nx * ny * 4);
    paintHeatmap(values, nx, ny, [1, 100], lut, out);
    const grey = [...INVALID_RGB, 255];
    expect(px(out, nx, 1, 2)).toEqual(grey); // NaN
    expect(px(out, nx, 0, 1)).toEqual(grey); // Infinity
    expect(px(out, nx, 0, 2)).toEqual(grey); // 0 has no logarithm
  });

  it('rejects mismatched sizes and a bad domain', () => {
    expect(() => paintHeatmap(values, 2, 2, [1, 100], lut, new Uint8ClampedArray(16))).toThrow(RangeError);
    expect(() => paintHeatmap(values, nx, ny, [0, 100], lut, new Uint8ClampedArray(24))).toThrow(RangeError);
    expect(() => paintHeatmap(values, nx, ny, [5, 5], lut, new Uint8ClampedArray(24))).toThrow(RangeError);
  });
});
