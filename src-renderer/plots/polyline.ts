// The SVG path of a curve sampled on a grid, optionally thinned to the points the eye can tell apart (issue 16, drag
// hitches: during a drag most of the page's allocation, and so of its garbage collections, was the slices' path
// strings; a smooth theory curve of 300 points is drawn within half a pixel by a few dozen of them).
import { pathRound } from 'd3';

export interface PolylineOptions {
  /**
   * Largest distance in px between a dropped point and the drawn polyline (Ramer–Douglas–Peucker); 0 draws every
   * point.
   */
  tolerance: number;
  /** Undefined points (NaN) are skipped and their neighbours joined, instead of breaking the line. */
  bridgeGaps?: boolean;
}

// Reused across calls (one curve at a time on the main thread): a drag allocates only the path string.
let runBuffer = new Int32Array(0);
let keepBuffer = new Uint8Array(0);
let stackBuffer = new Int32Array(0);

/**
 * Marks in `keep` the points of the run `run[0..m)` (indices into px/py) that Ramer–Douglas–Peucker keeps: every
 * dropped point lies within `tolerance` of the segment between the kept points around it. Iterative, on reused
 * buffers, so a drag allocates nothing here.
 */
function simplifyRun(px: ArrayLike<number>, py: ArrayLike<number>, run: Int32Array, m: number, tol2: number): void {
  const keep = keepBuffer;
  keep.fill(0, 0, m);
  keep[0] = 1;
  keep[m - 1] = 1;
  if (stackBuffer.length < 2 * m) stackBuffer = new Int32Array(2 * m);
  const stack = stackBuffer;
  let top = 0;
  stack[top++] = 0;
  stack[top++] = m - 1;
  while (top > 0) {
    const b = stack[--top];
    const a = stack[--top];
    const ax = px[run[a]];
    const ay = py[run[a]];
    const dx = px[run[b]] - ax;
    const dy = py[run[b]] - ay;
    const len2 = dx * dx + dy * dy;
    let worst = -1;
    let worstD = tol2;
    for (let k = a + 1; k < b; k++) {
      const i = run[k];
      // squared distance from point i to the segment a–b, written out: a call per point passed its coordinates
      // boxed (a drag's garbage)
      const t = len2 > 0 ? Math.max(0, Math.min(1, ((px[i] - ax) * dx + (py[i] - ay) * dy) / len2)) : 0;
      const ex = ax + t * dx - px[i];
      const ey = ay + t * dy - py[i];
      const d = ex * ex + ey * ey;
      if (d > worstD) {
        worstD = d;
        worst = k;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack[top++] = a;
      stack[top++] = worst;
      stack[top++] = worst;
      stack[top++] = b;
    }
  }
}

/**
 * The path through the screen points (px[k], py[k]) in order; a NaN coordinate marks an undefined point, which breaks
 * the line (or is skipped with `bridgeGaps`). With tolerance 0 it is the path d3.line() draws (three decimals).
 */
export function polylinePath(px: ArrayLike<number>, py: ArrayLike<number>, options: PolylineOptions): string {
  const n = px.length;
  if (py.length !== n) throw new RangeError(`polylinePath: ${n} x values but ${py.length} y values`);
  if (!(options.tolerance >= 0)) throw new RangeError(`polylinePath: tolerance must be ≥ 0 (got ${options.tolerance})`);
  const tol2 = options.tolerance * options.tolerance;
  const out = pathRound(3);
  if (runBuffer.length < n) {
    runBuffer = new Int32Array(n);
    keepBuffer = new Uint8Array(n);
  }
  const run = runBuffer;
  const flush = (m: number) => {
    if (m === 0) return;
    if (tol2 > 0 && m > 2) simplifyRun(px, py, run, m, tol2);
    else keepBuffer.fill(1, 0, m);
    out.moveTo(px[run[0]], py[run[0]]);
    // a lone point is closed, as d3.line's linear curve does
    if (m === 1) out.closePath();
    for (let k = 1; k < m; k++) if (keepBuffer[k]) out.lineTo(px[run[k]], py[run[k]]);
  };
  let m = 0;
  for (let k = 0; k < n; k++) {
    if (Number.isFinite(px[k]) && Number.isFinite(py[k])) run[m++] = k;
    else if (!options.bridgeGaps) {
      flush(m);
      m = 0;
    }
  }
  flush(m);
  return out.toString();
}

/**
 * Screen coordinates of `values` under a linear or logarithmic scale (d3's scaleLinear / scaleLog with the same
 * domain and range, unclamped) into `out`, without a call per point: calling the scale returned every coordinate boxed,
 * most of what a drag allocated. Values a log scale cannot place (≤ 0, not finite) give NaN.
 */
export function toScreen(
  values: ArrayLike<number>,
  out: Float64Array,
  domain: readonly [number, number],
  range: readonly [number, number],
  log: boolean,
): Float64Array {
  const d0 = log ? Math.log(domain[0]) : domain[0];
  const d1 = log ? Math.log(domain[1]) : domain[1];
  const [r0, r1] = range;
  const span = d1 - d0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    // d3: interpolateNumber(r0, r1)((v − d0) / (d1 − d0)); a one-point domain maps to the middle
    const t = span === 0 ? 0.5 : ((log ? (v > 0 && v < Infinity ? Math.log(v) : Number.NaN) : v) - d0) / span;
    out[k] = r0 * (1 - t) + r1 * t;
  }
  return out;
}
