import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { glyphHeaderBox, glyphOutlines } from './font-outline';

const SANS = new Uint8Array(readFileSync(new URL('../public/fonts/DejaVuSans.ttf', import.meta.url)));
const outlines = glyphOutlines(SANS);

/** Bounding box of every point (on and off the curve), as the glyph header states it. */
function box(points: { x: number; y: number }[]): [number, number, number, number] {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

describe('glyphOutlines', () => {
  it('reads each glyph to the bounding box its header states (simple and composite glyphs)', () => {
    expect(outlines.unitsPerEm).toBe(2048);
    for (const ch of 'σλΘ0123456789.−+=aeOw²₁é×|') {
      const g = outlines.glyphOf(ch.codePointAt(0)!);
      expect(g, ch).toBeGreaterThan(0);
      const contours = outlines.contours(g);
      expect(contours.length, ch).toBeGreaterThan(0);
      const stated = glyphHeaderBox(SANS, g)!;
      const got = box(contours.flat());
      for (let k = 0; k < 4; k++) expect(Math.abs(got[k] - stated[k]), `${ch} ${k}`).toBeLessThanOrEqual(1);
    }
    // contours of O: two closed loops (outer, inner); of 0 in DejaVu: outer, inner
    expect(outlines.contours(outlines.glyphOf(0x4f))).toHaveLength(2);
    expect(outlines.glyphOf(0x10ffff)).toBe(0);
    expect(outlines.contours(outlines.glyphOf(0x20))).toEqual([]); // space: no outline
  });

  it('draws a path at the size and origin asked for: one subpath per contour, inside the scaled box, y down', () => {
    const g = outlines.glyphOf('σ'.codePointAt(0)!);
    const [x0, y0, x1, y1] = glyphHeaderBox(SANS, g)!;
    const size = 20;
    const k = size / 2048;
    const d = outlines.path(g, 100, 50, size);
    expect(d.match(/M/g)).toHaveLength(outlines.contours(g).length);
    expect(d.match(/Z/g)).toHaveLength(outlines.contours(g).length);
    expect(d).toMatch(/^M[\d.]+ [\d.]+/);
    const nums = [...d.matchAll(/-?[\d.]+/g)].map((m) => Number(m[0]));
    const xs = nums.filter((_, i) => i % 2 === 0);
    const ys = nums.filter((_, i) => i % 2 === 1);
    expect(Math.min(...xs)).toBeCloseTo(100 + x0 * k, 1);
    expect(Math.max(...xs)).toBeCloseTo(100 + x1 * k, 1);
    // the baseline at y = 50, the glyph above it (SVG y grows downwards)
    expect(Math.min(...ys)).toBeCloseTo(50 - y1 * k, 1);
    expect(Math.max(...ys)).toBeCloseTo(50 - y0 * k, 1);
  });
});
