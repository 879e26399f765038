import { line, scaleLinear, scaleLog } from 'd3';
import { describe, expect, it } from 'vitest';
import { polylinePath, toScreen } from './polyline';

/** The subpaths of an M/L path (a trailing Z of a lone point is ignored). */
function subpaths(d: string): [number, number][][] {
  return d
    .split('M')
    .filter((s) => s !== '')
    .map((s) =>
      s
        .replace(/Z$/, '')
        .split('L')
        .map((p) => p.split(',').map(Number) as [number, number]),
    );
}

function distanceToPolyline(x: number, y: number, pts: [number, number][]): number {
  if (pts.length === 1) return Math.hypot(x - pts[0][0], y - pts[0][1]);
  let best = Infinity;
  for (let k = 1; k < pts.length; k++) {
    const [ax, ay] = pts[k - 1];
    const [bx, by] = pts[k];
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
    best = Math.min(best, Math.hypot(ax + t * dx - x, ay + t * dy - y));
  }
  return best;
}

/** A slice-like curve on screen: 301 points over 400 px, y a smooth log-shaped rise with a kink. */
function smoothCurve(n = 301): { px: Float64Array; py: Float64Array } {
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const t = k / (n - 1);
    px[k] = 54 + 400 * t;
    py[k] = 180 - (150 * Math.log1p(9 * t * t)) / Math.log(10) + (t > 0.6 ? 40 * (t - 0.6) : 0);
  }
  return { px, py };
}

/** Deterministic jagged data (a fixed hash, no RNG state): the worst case for thinning. */
function jaggedCurve(n = 200): { px: Float64Array; py: Float64Array } {
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const h = Math.sin(k * 12.9898) * 43758.5453;
    px[k] = 10 + 2 * k;
    py[k] = 100 + 30 * (h - Math.floor(h) - 0.5) + 20 * Math.sin(k / 9);
  }
  return { px, py };
}

const withGaps = (c: { px: Float64Array; py: Float64Array }, gaps: number[]) => {
  const py = Float64Array.from(c.py);
  for (const k of gaps) py[k] = Number.NaN;
  return { px: c.px, py };
};

describe('polylinePath', () => {
  it('with tolerance 0 draws exactly what d3.line draws, gaps and lone points included', () => {
    for (const c of [smoothCurve(), jaggedCurve(), withGaps(jaggedCurve(), [0, 5, 7, 8, 50, 198])]) {
      const all = Array.from(c.px.keys());
      const ok = (k: number) => Number.isFinite(c.py[k]);
      const broken = line<number>()
        .defined(ok)
        .x((k) => c.px[k])
        .y((k) => c.py[k])(all);
      expect(polylinePath(c.px, c.py, { tolerance: 0 })).toBe(broken);
      const bridged = line<number>()
        .x((k) => c.px[k])
        .y((k) => c.py[k])(all.filter(ok));
      expect(polylinePath(c.px, c.py, { tolerance: 0, bridgeGaps: true })).toBe(bridged);
    }
  });

  it('keeps every dropped point within the tolerance of the drawn line, and each run’s ends', () => {
    for (const tolerance of [0.25, 0.5, 2]) {
      for (const c of [smoothCurve(), jaggedCurve(), withGaps(jaggedCurve(), [3, 4, 90, 91, 92, 150])]) {
        const d = polylinePath(c.px, c.py, { tolerance });
        const drawn = subpaths(d);
        // the runs of defined points, in order
        const runs: number[][] = [[]];
        for (let k = 0; k < c.px.length; k++) {
          if (Number.isFinite(c.py[k])) runs[runs.length - 1].push(k);
          else if (runs[runs.length - 1].length > 0) runs.push([]);
        }
        const nonEmpty = runs.filter((r) => r.length > 0);
        expect(drawn.length).toBe(nonEmpty.length);
        nonEmpty.forEach((run, r) => {
          const pts = drawn[r];
          const first = run[0];
          const last = run[run.length - 1];
          expect(pts[0][0]).toBeCloseTo(c.px[first], 3);
          expect(pts[0][1]).toBeCloseTo(c.py[first], 3);
          expect(pts[pts.length - 1][0]).toBeCloseTo(c.px[last], 3);
          expect(pts[pts.length - 1][1]).toBeCloseTo(c.py[last], 3);
          // the path's points are original points (three decimals), in order
          let from = 0;
          for (const [x, y] of pts) {
            const near = (k: number) => Math.abs(c.px[k] - x) < 6e-4 && Math.abs(c.py[k] - y) < 6e-4;
            const at = run.findIndex((k, j) => j >= from && near(k));
            expect(at).toBeGreaterThanOrEqual(from);
            from = at + 1;
          }
          for (const k of run) expect(distanceToPolyline(c.px[k], c.py[k], pts)).toBeLessThanOrEqual(tolerance + 1e-3);
        });
      }
    }
  });

  it('thins a smooth slice curve to a fraction of its points at half a pixel, but not jagged data', () => {
    const count = (d: string) => subpaths(d).reduce((s, p) => s + p.length, 0);
    const smooth = smoothCurve();
    const thin = count(polylinePath(smooth.px, smooth.py, { tolerance: 0.5 }));
    expect(thin).toBeLessThan(301 / 4);
    expect(thin).toBeGreaterThan(3); // the kink and the bend stay
    const jagged = jaggedCurve();
    expect(count(polylinePath(jagged.px, jagged.py, { tolerance: 0.5 }))).toBeGreaterThan(150);
  });

  it('rejects mismatched lengths and a negative or NaN tolerance', () => {
    const c = smoothCurve(10);
    expect(() => polylinePath(c.px, c.py.subarray(0, 9), { tolerance: 0 })).toThrow(/10 x values but 9/);
    expect(() => polylinePath(c.px, c.py, { tolerance: -1 })).toThrow(/tolerance/);
    expect(() => polylinePath(c.px, c.py, { tolerance: Number.NaN })).toThrow(/tolerance/);
  });

  it('toScreen places points as d3 scaleLinear and scaleLog do, NaN where a log axis cannot', () => {
    const xs = Float64Array.from({ length: 41 }, (_, k) => 0.5 + (3.5 * k) / 40);
    const lin = scaleLinear().domain([0.5, 4]).range([52, 610]);
    const px = toScreen(xs, new Float64Array(xs.length), [0.5, 4], [52, 610], false);
    xs.forEach((v, k) => expect(px[k]).toBeCloseTo(lin(v), 9));
    // a log axis drawn upwards (range reversed), values over eight decades and outside the domain
    const ys = Float64Array.from({ length: 41 }, (_, k) => 10 ** (-1 + (9 * k) / 40));
    const log = scaleLog().domain([1, 1e6]).range([180, 12]);
    const py = toScreen(ys, new Float64Array(ys.length), [1, 1e6], [180, 12], true);
    ys.forEach((v, k) => expect(py[k]).toBeCloseTo(log(v), 9));
    const bad = toScreen([0, -2, Number.NaN, Infinity], new Float64Array(4), [1, 1e6], [180, 12], true);
    expect([...bad].every(Number.isNaN)).toBe(true);
    // a one-point domain maps to the middle of the range, as d3 does
    expect(toScreen([3], new Float64Array(1), [3, 3], [0, 100], false)[0]).toBe(
      scaleLinear().domain([3, 3]).range([0, 100])(3),
    );
  });
});
