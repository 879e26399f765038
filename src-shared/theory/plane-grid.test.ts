import { describe, expect, it } from 'vitest';
import { dispersionGrid, gridDepth, gridDepths, gridInputDim } from './plane-grid';
import { reluFiniteMomentsConstant } from './relu-finite';
import { limitDispersion } from './relu-limit';

const linspace = (a: number, b: number, n: number) => Array.from({ length: n }, (_, k) => a + ((b - a) * k) / (n - 1));

describe('dispersionGrid', () => {
  it('equals the per-point functions cell by cell (rows in any order, repeated depths)', () => {
    const sigmaW2 = [0.5, 1.7, 2, 2.3, 4];
    const depthToWidth = [1.5, 0, 0.3, 0.301, 1e-3, 0.75, 0.3]; // unsorted; 0.3 and 0.301 share L at M = 40
    for (const [width, alpha0] of [
      [40, 1],
      [7, 0.1],
      [300, 2.5],
    ]) {
      for (const kind of ['finite', 'limit'] as const) {
        const out = dispersionGrid({ sigmaW2, depthToWidth, width, alpha0, kind });
        expect(out.length).toBe(sigmaW2.length * depthToWidth.length);
        depthToWidth.forEach((lam, j) =>
          sigmaW2.forEach((s, i) => {
            const want =
              kind === 'finite'
                ? reluFiniteMomentsConstant(
                    s,
                    Math.max(1, Math.round(lam * width)),
                    width,
                    Math.max(1, Math.round(alpha0 * width)),
                  ).dispersion
                : limitDispersion(s, lam, alpha0);
            expect(out[j * sigmaW2.length + i]).toBe(want);
          }),
        );
      }
    }
    expect(Array.from(gridDepths([0, 0.3, 1.5], 40))).toEqual([1, 12, 60]);
    expect(gridDepth(0.0001, 10)).toBe(1);
    expect(gridInputDim(0.01, 10)).toBe(1);
  });

  it('is finite everywhere on σ_w² ∈ [0.5, 4] × λ ∈ [0, 1.5] for M ∈ {1, 10, 500, 10⁴}, α₀ ∈ {0.1, 1, 10}', () => {
    const sigmaW2 = [...linspace(0.5, 4, 36), 2]; // include the exact EOC column
    const depthToWidth = linspace(0, 1.5, 31);
    let lo = Infinity,
      hi = -Infinity,
      cells = 0;
    for (const width of [1, 10, 500, 10_000]) {
      for (const alpha0 of [0.1, 1, 10]) {
        for (const kind of ['finite', 'limit'] as const) {
          for (const v of dispersionGrid({ sigmaW2, depthToWidth, width, alpha0, kind })) {
            lo = Math.min(lo, v); // NaN makes these NaN, which fails below
            hi = Math.max(hi, v);
            cells++;
          }
        }
      }
    }
    expect(cells).toBe(37 * 31 * 4 * 3 * 2);
    expect(lo).toBeGreaterThanOrEqual(1 - 1e-12); // E[Θ²] ≥ E[Θ]²
    expect(hi).toBeLessThan(1e4); // finite; the largest limit value here is ≈ 503 (chaotic, λ = 1.5)
  });

  it('takes the UI’s full 200 × 150 grid (λ ≤ 1.5) at M = 500 and 10⁴ (its time: npm run bench, plane re-render)', () => {
    const sigmaW2 = linspace(0.5, 4, 200),
      depthToWidth = linspace(0, 1.5, 150);
    for (const width of [500, 10_000])
      for (const kind of ['finite', 'limit'] as const) {
        const out = dispersionGrid({ sigmaW2, depthToWidth, width, alpha0: 1, kind });
        expect(out.length).toBe(200 * 150);
        for (const v of out) if (!(v >= 1 - 1e-12 && v < 1e4)) throw new Error(`M = ${width} ${kind}: ${v}`);
      }
  });

  it('rejects bad input with RangeError', () => {
    const ok = { sigmaW2: [1, 2], depthToWidth: [0, 1], width: 10, alpha0: 1, kind: 'finite' as const };
    expect(() => dispersionGrid({ ...ok, width: 0 })).toThrow(/width/);
    expect(() => dispersionGrid({ ...ok, width: 2.5 })).toThrow(RangeError);
    expect(() => dispersionGrid({ ...ok, alpha0: Number.NaN })).toThrow(/alpha0/);
    expect(() => dispersionGrid({ ...ok, sigmaW2: [1, -2] })).toThrow(/sigmaW2/);
    expect(() => dispersionGrid({ ...ok, depthToWidth: [0, Infinity] })).toThrow(/depthToWidth\[1\]/);
    expect(() => dispersionGrid({ ...ok, kind: 'other' as 'finite' })).toThrow(/kind/);
    expect(() => dispersionGrid({ ...ok, width: 1_000_000, depthToWidth: [1.5] })).toThrow(/depth/);
    expect(() =>
      dispersionGrid({ ...ok, sigmaW2: new Float64Array(3000).fill(1), depthToWidth: new Float64Array(3000) }),
    ).toThrow(/cells/);
  });
});
