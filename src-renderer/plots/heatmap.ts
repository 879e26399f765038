// Heat-map raster: dispersion values → RGBA pixels through a log colour scale. Pure (no DOM), so the
// exact pixels can be tested; the plane puts the buffer into one ImageData per redraw.
import { interpolateViridis, rgb } from 'd3';

/** Cells whose value cannot be coloured (non-finite or ≤ 0 on a log scale): neutral grey, explained in the legend. */
export const INVALID_RGB = [150, 150, 150] as const;

export type Interpolator = (t: number) => string;
export const DEFAULT_INTERPOLATOR: Interpolator = interpolateViridis;

/** A colour ramp sampled at `size` points: t = k/(size−1) → rgb, packed [r,g,b, r,g,b, …]. */
export function colourLut(interpolator: Interpolator = DEFAULT_INTERPOLATOR, size = 256): Uint8Array {
  const lut = new Uint8Array(size * 3);
  for (let k = 0; k < size; k++) {
    const c = rgb(interpolator(k / (size - 1)));
    lut[3 * k] = c.r;
    lut[3 * k + 1] = c.g;
    lut[3 * k + 2] = c.b;
  }
  return lut;
}

/** [min, max] over the colourable values (finite, > 0); null if there are none. A flat field gets a ×1.01 span. */
export function logDomain(values: ArrayLike<number>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v) && v > 0) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(lo <= hi)) return null;
  if (hi / lo < 1.01) return [lo / Math.sqrt(1.01), hi * Math.sqrt(1.01)];
  return [lo, hi];
}

export interface PaintResult {
  /** Cells painted INVALID_RGB. */
  invalid: number;
}

/**
 * Paint a row-major grid (values[j·nx + i], j = 0 at the smallest λ) into RGBA pixels with the first row at the
 * top, i.e. row j lands at pixel row ny−1−j, so larger λ is drawn higher, as on the axes.
 */
export function paintHeatmap(
  values: ArrayLike<number>,
  nx: number,
  ny: number,
  domain: readonly [number, number],
  lut: Uint8Array,
  out: Uint8ClampedArray,
): PaintResult {
  if (values.length !== nx * ny) throw new RangeError(`grid has ${values.length} values, expected ${nx}×${ny}`);
  if (out.length !== nx * ny * 4) throw new RangeError(`pixel buffer has ${out.length} bytes, expected ${nx * ny * 4}`);
  const [lo, hi] = domain;
  if (!(lo > 0 && hi > lo && Number.isFinite(hi)))
    throw new RangeError(`log colour domain must satisfy 0 < lo < hi < ∞ (got [${lo}, ${hi}])`);
  const size = lut.length / 3;
  const logLo = Math.log(lo);
  const span = Math.log(hi) - logLo;
  let invalid = 0;
  for (let j = 0; j < ny; j++) {
    const row = ny - 1 - j;
    for (let i = 0; i < nx; i++) {
      const v = values[j * nx + i];
      const p = 4 * (row * nx + i);
      if (Number.isFinite(v) && v > 0) {
        const t = Math.min(1, Math.max(0, (Math.log(v) - logLo) / span));
        const k = 3 * Math.round(t * (size - 1));
        out[p] = lut[k];
        out[p + 1] = lut[k + 1];
        out[p + 2] = lut[k + 2];
      } else {
        invalid++;
        out[p] = INVALID_RGB[0];
        out[p + 1] = INVALID_RGB[1];
        out[p + 2] = INVALID_RGB[2];
      }
      out[p + 3] = 255;
    }
  }
  return { invalid };
}
