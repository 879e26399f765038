// Bulk standard normals for the samplers that fill whole vectors per network (gd-step-exact-fast.ts,
// lazy-pair-fast.ts): each network seeds its own xoshiro128** stream from 4 words of the caller's Rng and fills
// vectors with the generator state in locals.
import type { Rng } from '../../src-shared/rng';
import * as zig from './gamma';

// ---- Bulk normals. The draws are the floor of this sampler (4 per hidden unit per layer). normalZiggurat(rng)
// costs ~3× a bulk loop here: each call round-trips the xoshiro state through the Rng's Int32Array, a store-to-load
// chain between consecutive draws. So each network seeds its own xoshiro128** stream from 4 words of the caller's
// Rng (through SplitMix32, as Rng does) and fills whole vectors with the state in locals. Same generator and the same
// exact ziggurat as src-main/engine/gamma.ts (Doornik 2005, 128 blocks; its tables): one 32-bit word per variate in ~99
// % of draws, wedges by exact rejection, tail by Marsaglia's method.
// local bindings: under tsx every access to an imported binding goes through an export getter (hot loops below)
const ZIG_BLOCKS = zig.ZIG_BLOCKS,
  ZIG_R = zig.ZIG_R,
  ZIG_X = zig.ZIG_X,
  ZIG_RATIO = zig.ZIG_RATIO;
const ZIG_F = zig.ZIG_F; // density at the block edges (unnormalized)
const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M32 = 2 ** -32;

/** SplitMix32 output for the state value z (src-shared/rng.ts's mixer). */
function splitmixOut(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return z ^ (z >>> 16);
}

/** Seeds the xoshiro128** state st[0..3] from 4 words of rng, each passed through SplitMix32 (never all zero). */
export function seedNormalStream(st: Int32Array, rng: Rng): void {
  let z = 0;
  for (let i = 0; i < 4; i++) {
    z = (z + 0x9e3779b9 + (rng.nextU32() | 0)) | 0;
    st[i] = splitmixOut(z);
  }
  if ((st[0] | st[1] | st[2] | st[3]) === 0) st[0] = 1;
}

/** One xoshiro128** word from st (the slow path's generator; same recurrence as Rng.nextU32). */
function nextU32(st: Int32Array): number {
  const a = st[0],
    b = st[1];
  const c = st[2] ^ a,
    d = st[3] ^ b;
  const m = Math.imul(b, 5);
  st[0] = a ^ d;
  st[1] = b ^ c;
  st[2] = c ^ (b << 9);
  st[3] = (d << 11) | (d >>> 21);
  return Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
}

/** The ~1 % of ziggurat draws in a wedge or the bottom block (gamma.ts normalZigguratEdge, on st). */
function zigEdge(st: Int32Array, u: number, i: number): number {
  for (;;) {
    if (i === 0) {
      // tail |Z| > R (Marsaglia 1964)
      let x: number, y: number;
      do {
        x = Math.log((nextU32(st) + 0.5) * TWO_POW_M32) / ZIG_R;
        y = Math.log((nextU32(st) + 0.5) * TWO_POW_M32);
      } while (-2 * y < x * x);
      return u < 0 ? x - ZIG_R : ZIG_R - x;
    }
    const x = u * ZIG_X[i];
    // wedge, exact rejection: accept when f(x_{i+1}) + U(f(x_i) − f(x_{i+1})) < f(x), f(t) = e^{−t²/2} (gamma.ts's
    // test divided through by f(x), with the block edges' f tabulated: one exp instead of two)
    const fi = ZIG_F[i],
      fi1 = ZIG_F[i + 1];
    if (fi1 + (nextU32(st) + 0.5) * TWO_POW_M32 * (fi - fi1) < Math.exp(-0.5 * x * x)) return x;
    const w = nextU32(st) | 0;
    i = w & (ZIG_BLOCKS - 1);
    u = ((w >> 7) + 0.5) * TWO_POW_M24;
    if (Math.abs(u) < ZIG_RATIO[i]) return u * ZIG_X[i];
  }
}

/** out[0..n) ← scale·N(0, 1) i.i.d. from the stream st (state kept in locals; the rare edge path goes through st). */
export function fillNormals(st: Int32Array, out: Float64Array, n: number, scale: number): void {
  let s0 = st[0],
    s1 = st[1],
    s2 = st[2],
    s3 = st[3];
  const X = ZIG_X,
    RATIO = ZIG_RATIO;
  for (let k = 0; k < n; k++) {
    // xoshiro128** (Blackman & Vigna), as Rng.nextU32
    const c = s2 ^ s0,
      d = s3 ^ s1,
      m = Math.imul(s1, 5);
    s2 = c ^ (s1 << 9);
    s0 = s0 ^ d;
    s1 = s1 ^ c;
    s3 = (d << 11) | (d >>> 21);
    const w = Math.imul((m << 7) | (m >>> 25), 9);
    const i = w & (ZIG_BLOCKS - 1);
    const u = ((w >> 7) + 0.5) * TWO_POW_M24; // uniform on (−1, 1) from the other 25 bits
    if (Math.abs(u) < RATIO[i]) out[k] = scale * (u * X[i]);
    else {
      st[0] = s0;
      st[1] = s1;
      st[2] = s2;
      st[3] = s3;
      out[k] = scale * zigEdge(st, u, i);
      s0 = st[0];
      s1 = st[1];
      s2 = st[2];
      s3 = st[3];
    }
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
}

/**
 * fillNormals(st, g, n, 1) with two dot products taken in the same loop (free beside the generator's dependency
 * chain): sums[0] = ⟨u, g⟩, sums[1] = ⟨w1 − w0, g⟩ (the difference formed per entry: no cancellation of two sums).
 */
export function fillNormalsDot(
  st: Int32Array,
  g: Float64Array,
  n: number,
  u: Float64Array,
  w1: Float64Array,
  w0: Float64Array,
  sums: Float64Array,
): void {
  let s0 = st[0],
    s1 = st[1],
    s2 = st[2],
    s3 = st[3];
  const X = ZIG_X,
    RATIO = ZIG_RATIO;
  let su = 0,
    sw = 0;
  for (let k = 0; k < n; k++) {
    const c = s2 ^ s0,
      d = s3 ^ s1,
      m = Math.imul(s1, 5);
    s2 = c ^ (s1 << 9);
    s0 = s0 ^ d;
    s1 = s1 ^ c;
    s3 = (d << 11) | (d >>> 21);
    const w = Math.imul((m << 7) | (m >>> 25), 9);
    const i = w & (ZIG_BLOCKS - 1);
    const v = ((w >> 7) + 0.5) * TWO_POW_M24;
    let z: number;
    if (Math.abs(v) < RATIO[i]) z = v * X[i];
    else {
      st[0] = s0;
      st[1] = s1;
      st[2] = s2;
      st[3] = s3;
      z = zigEdge(st, v, i);
      s0 = st[0];
      s1 = st[1];
      s2 = st[2];
      s3 = st[3];
    }
    g[k] = z;
    su += u[k] * z;
    sw += (w1[k] - w0[k]) * z;
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
  sums[0] = su;
  sums[1] = sw;
}
