import { describe, expect, it } from 'vitest';
import { interpolateViridis } from 'd3';
import { colourLut, INVALID_RGB } from './heatmap';
import { kernelRange, paintKernel } from './kernel-raster';

const lut = colourLut(interpolateViridis, 256);
const colour = (k: number) => Array.from(lut.slice(3 * k, 3 * k + 3));
const px = (out: Uint8ClampedArray, i: number) => Array.from(out.slice(4 * i, 4 * i + 3));

describe('paintKernel', () => {
  it('maps each kernel’s own min..max linearly onto the colour table, row 0 at the top', () => {
    // 2×2 kernel, values -1, 1, 3 and 0.5: min → first colour, max → last, (0.5+1)/4 = 0.375 → index round(0.375·255)
    const out = new Uint8ClampedArray(16);
    const r = paintKernel([-1, 1, 3, 0.5], 2, lut, out);
    expect(r).toEqual({ min: -1, max: 3, invalid: 0 });
    expect(px(out, 0)).toEqual(colour(0));
    expect(px(out, 1)).toEqual(colour(Math.round(0.5 * 255)));
    expect(px(out, 2)).toEqual(colour(255));
    expect(px(out, 3)).toEqual(colour(Math.round(0.375 * 255)));
    expect(out[3]).toBe(255);
    // the same pattern scaled by 1000 gives the same picture: the range is per kernel (Fig. 4 caption)
    const scaled = new Uint8ClampedArray(16);
    paintKernel([-1000, 1000, 3000, 500], 2, lut, scaled);
    expect(Array.from(scaled)).toEqual(Array.from(out));
  });
  it('paints non-finite entries grey and a constant kernel in the middle colour', () => {
    const out = new Uint8ClampedArray(16);
    const r = paintKernel([2, Number.NaN, 2, Infinity], 2, lut, out);
    expect(r).toEqual({ min: 2, max: 2, invalid: 2 });
    expect(px(out, 0)).toEqual(colour(Math.round(0.5 * 255)));
    expect(px(out, 1)).toEqual([...INVALID_RGB]);
    expect(px(out, 3)).toEqual([...INVALID_RGB]);
    expect(kernelRange([Number.NaN])).toBeNull();
  });
  it('refuses mismatched sizes', () => {
    expect(() => paintKernel([1, 2, 3], 2, lut, new Uint8ClampedArray(16))).toThrow(RangeError);
    expect(() => paintKernel([1, 2, 3, 4], 2, lut, new Uint8ClampedArray(8))).toThrow(RangeError);
    expect(() => paintKernel([1], 0, lut, new Uint8ClampedArray(0))).toThrow(RangeError);
  });
});
