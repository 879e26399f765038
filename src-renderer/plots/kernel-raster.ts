// The class-sorted NTK heat map's pixels (Seleznova & Kutyniok 2022, Fig. 4): a linear colour scale over the kernel's
// own [min, max]
// ("the colors correspond to different values for different epochs"; brighter = larger). Pure, so the exact pixels
// are testable; KernelHeatmaps puts the buffer into an ImageData.
import { INVALID_RGB } from './heatmap';

export interface KernelRange {
  min: number;
  max: number;
  /** Entries that could not be coloured (non-finite): painted INVALID_RGB. */
  invalid: number;
}

/** [min, max] over the finite entries; null if there are none. */
export function kernelRange(values: ArrayLike<number>): { min: number; max: number } | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? { min: lo, max: hi } : null;
}

/**
 * Paint a row-major n×n kernel into RGBA (row 0 at the top, as a matrix is read). Colour index
 * round((v − min)/(max − min)·(size − 1)) of `lut` (packed rgb); a constant kernel takes the middle colour.
 */
export function paintKernel(
  values: ArrayLike<number>,
  n: number,
  lut: Uint8Array,
  out: Uint8ClampedArray,
): KernelRange {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`kernel size must be a whole number ≥ 1 (got ${n})`);
  if (values.length !== n * n) throw new RangeError(`kernel has ${values.length} entries, expected ${n}×${n}`);
  if (out.length !== n * n * 4) throw new RangeError(`pixel buffer has ${out.length} bytes, expected ${n * n * 4}`);
  if (lut.length < 3 || lut.length % 3 !== 0)
    throw new RangeError(`colour table must hold rgb triples (got ${lut.length} bytes)`);
  const range = kernelRange(values);
  const size = lut.length / 3;
  const lo = range?.min ?? 0;
  const span = range ? range.max - range.min : 0;
  let invalid = 0;
  for (let i = 0; i < n * n; i++) {
    const v = values[i];
    const p = 4 * i;
    if (Number.isFinite(v)) {
      const t = span > 0 ? (v - lo) / span : 0.5;
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
  return { min: range?.min ?? Number.NaN, max: range?.max ?? Number.NaN, invalid };
}
