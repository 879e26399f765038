import { describe, expect, it } from 'vitest';
import { depthScales } from './depth-scales';
import { fixedPoint } from './fixed-point';
import { MAP_STATUS, depthOverXiMap, xiMap } from './map';

const grid = (n: number, a: number, b: number) =>
  Float64Array.from({ length: n }, (_, i) => a + ((i + 0.5) * (b - a)) / n);

/** The cell as computed from scratch (no warm start, no series). */
function reference(name: string, sw: number, sb: number): { status: number; xi: number } {
  const ds = depthScales(fixedPoint({ activation: name, sigmaW2: sw, sigmaB2: sb }));
  if (ds.phase === null) return { status: MAP_STATUS.none, xi: 0 };
  if (ds.phase === 'ordered') return { status: MAP_STATUS.ordered, xi: ds.xi1 ?? 0 };
  if (ds.phase === 'chaotic')
    return ds.xiStar === null ? { status: MAP_STATUS.none, xi: 0 } : { status: MAP_STATUS.chaotic, xi: ds.xiStar };
  return { status: MAP_STATUS.critical, xi: 0 };
}

describe('ξ map over (σ_w², σ_b²)', () => {
  it('erf: every cell equals the cold point solve (warm starts change nothing), both phases present', () => {
    const sw = grid(16, 0.5, 4);
    const sb = grid(4, 0, 0.5);
    const m = xiMap('erf', sw, sb);
    const seen = new Set<number>();
    for (let j = 0; j < sb.length; j++) {
      for (let i = 0; i < sw.length; i++) {
        const k = j * sw.length + i;
        const ref = reference('erf', sw[i], sb[j]);
        expect(m.status[k]).toBe(ref.status);
        expect(Math.abs(m.xi[k] - ref.xi)).toBeLessThan(1e-9 * Math.max(1, ref.xi));
        seen.add(m.status[k]);
      }
    }
    expect(seen).toEqual(new Set([MAP_STATUS.ordered, MAP_STATUS.chaotic]));
    expect([...m.xi].every(Number.isFinite)).toBe(true);
  });

  it('tanh: chaotic cells from the Mehler series agree with direct quadrature to 1e-8 relative', () => {
    const sw = Float64Array.from([1.2, 2.4, 3.6]);
    const sb = Float64Array.from([0.05]);
    const m = xiMap('tanh', sw, sb);
    for (let i = 0; i < sw.length; i++) {
      const ref = reference('tanh', sw[i], 0.05);
      expect(m.status[i]).toBe(ref.status);
      expect(Math.abs(m.xi[i] - ref.xi)).toBeLessThan(1e-8 * Math.max(1, ref.xi));
    }
  });

  it('ReLU: ordered left of σ_w² = 2, "no fixed point" right of it (σ_b² > 0), never a value there', () => {
    const m = xiMap('relu', Float64Array.from([1, 1.9, 2.1, 3]), Float64Array.from([0.1]));
    expect([...m.status]).toEqual([MAP_STATUS.ordered, MAP_STATUS.ordered, MAP_STATUS.none, MAP_STATUS.none]);
    expect(m.xi[2]).toBe(0);
    expect(m.chi1[3]).toBe(1.5);
  });

  it('the (σ_w², depth) plane gives l/ξ, so the contour l = c·ξ is the level set c', () => {
    const sw = grid(8, 0.5, 4);
    const depths = [10, 50];
    const d = depthOverXiMap('erf', sw, 0.05, depths);
    for (let i = 0; i < sw.length; i++) {
      const ref = reference('erf', sw[i], 0.05);
      for (let j = 0; j < depths.length; j++)
        expect(d.ratio[j * sw.length + i]).toBeCloseTo(ref.xi > 0 ? depths[j] / ref.xi : 0, 9);
    }
  });

  it('bad grids throw RangeError', () => {
    expect(() => xiMap('erf', [], [0])).toThrow(RangeError);
    expect(() => xiMap('erf', [1, NaN], [0])).toThrow(RangeError);
    expect(() => xiMap('erf', [1], [-0.1])).toThrow(RangeError);
    expect(() => depthOverXiMap('erf', [1], 0, [-1])).toThrow(RangeError);
  });
});
