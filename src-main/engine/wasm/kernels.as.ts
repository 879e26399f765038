// AssemblyScript source of the sampling pool's two hot loops, compiled to WebAssembly by scripts/build-wasm.mts
// (the binary is embedded in kernels-binary.ts; kernels.test.ts checks the two agree). Each function mirrors a
// JavaScript reference operation for operation, so its output is bit-identical to it (tested):
//  - exactDiagonal: the fused exact-diagonal sampler of exact-diagonal.ts (sampleFused), docs/exact-sampler.md;
//  - bootstrapDispersion: the dispersion bootstrap of src-shared/stats (bootstrap.ts resampleInto + ratio-estimator.ts
//    dispersionOfNormalized), seed 004 App. C.3.
// The generator is xoshiro128** (src-shared/rng.ts) with its state in g0..g3; log and exp are imported from
// JavaScript's Math (V8 calls the same ieee754 routines for both). Memory is laid out by the caller (kernels.ts):
// every pointer argument is a byte offset into this module's memory.
@external("env", "log") declare function mlog(x: f64): f64;
@external("env", "exp") declare function mexp(x: f64): f64;

export function heapBase(): usize {
  return __heap_base;
}

let g0: i32 = 0, g1: i32 = 0, g2: i32 = 0, g3: i32 = 0;
export function setState(a: i32, b: i32, c: i32, d: i32): void { g0 = a; g1 = b; g2 = c; g3 = d; }
export function getState(i: i32): i32 { return i == 0 ? g0 : i == 1 ? g1 : i == 2 ? g2 : g3; }

@inline function rotl(x: i32, k: i32): i32 { return (x << k) | (<i32>(<u32>x >> (32 - k))); }

function nextU32(): u32 {
  const t = g1; const m = t * 5; const c = g2 ^ g0; const e = g3 ^ t;
  g0 ^= e; g1 = t ^ c; g2 = c ^ (t << 9); g3 = rotl(e, 11);
  return <u32>(rotl(m, 7) * 9);
}

const TWO_POW_M24: f64 = 5.9604644775390625e-8;
const TWO_POW_M32: f64 = 2.3283064365386963e-10;
const ZIG_R: f64 = 3.442619855899;

let ZX: usize = 0, ZR: usize = 0, CHIC: usize = 0;
const CHI_MAX: i32 = 1 << 17;
export function setTables(zx: usize, zr: usize, chic: usize): void { ZX = zx; ZR = zr; CHIC = chic; }

function uniformOpen(): f64 { return (<f64>nextU32() + 0.5) * TWO_POW_M32; }

function normalTail(negative: bool): f64 {
  let x: f64, y: f64;
  do {
    x = mlog(uniformOpen()) / ZIG_R;
    y = mlog(uniformOpen());
  } while (-2 * y < x * x);
  return negative ? x - ZIG_R : ZIG_R - x;
}

function zigEdge(u: f64, i: i32): f64 {
  for (;;) {
    if (i == 0) return normalTail(u < 0);
    const xi = load<f64>(ZX + (<usize>i << 3)), xi1 = load<f64>(ZX + (<usize>(i + 1) << 3));
    const x = u * xi;
    const f0 = mexp(-0.5 * (xi * xi - x * x));
    const f1 = mexp(-0.5 * (xi1 * xi1 - x * x));
    if (f1 + (<f64>nextU32() + 0.5) * TWO_POW_M32 * (f0 - f1) < 1) return x;
    const w = <i32>nextU32();
    i = w & 127;
    u = (<f64>(w >> 7) + 0.5) * TWO_POW_M24;
    if (Math.abs(u) < load<f64>(ZR + (<usize>i << 3))) return u * load<f64>(ZX + (<usize>i << 3));
  }
  return 0;
}

function normalZ(): f64 {
  const w = <i32>nextU32();
  const i = w & 127;
  const u = (<f64>(w >> 7) + 0.5) * TWO_POW_M24;
  if (Math.abs(u) < load<f64>(ZR + (<usize>i << 3))) return u * load<f64>(ZX + (<usize>i << 3));
  return zigEdge(u, i);
}

function mtSlow(d: f64, c: f64, x: f64, v: f64, u: f64): f64 {
  for (;;) {
    if (v > 0) {
      const v3 = v * v * v;
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v3;
      const t = c * x, r = t / v, t4 = t * t * t * t;
      const rem = t < 0 ? (r * r * r * r * r) / 5 : 0;
      if (u - 1 < d * (3 * rem - 0.75 * t4) - 1e-12) return d * v3;
      if (mlog(u) < 0.5 * x2 + d * (1 - v3 + mlog(v3))) return d * v3;
    }
    x = normalZ();
    v = 1 + c * x;
    u = (<f64>nextU32() + 0.5) * TWO_POW_M32;
  }
  return 0;
}

function gammaMT(shape: f64): f64 {
  const d = shape - 1.0 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const x = normalZ();
  const v = 1 + c * x;
  const v3 = v * v * v;
  const u = (<f64>nextU32() + 0.5) * TWO_POW_M32;
  const x2 = x * x;
  if (v > 0 && u < 1 - 0.0331 * x2 * x2) return d * v3;
  return mtSlow(d, c, x, v, u);
}

function chiSqSlow(k: i32): f64 {
  if (k >= CHI_MAX) return 2 * gammaMT(0.5 * <f64>k);
  if (k == 2) return -2 * mlog(uniformOpen());
  if (k == 1) { const z = normalZ(); return z * z; }
  return 0;
}

// Networks [0, n) of exact-diagonal.ts sampleFused: writes Θ/S to theta; returns 0, or i + 1 of the network
// whose Θ/S left float64 (its value stored in theta[i]; the caller throws). Tables as in exact-diagonal.ts FusedTables (int32) and the f64
// per-layer arrays twoOverN, w, bias, ratioX, xhat (xhat[0] = 1) and int32 active.
export function exactDiagonal(
  L: i32, n: i32, off: usize, shift: usize, mask: usize, threshold: usize, keepK: usize, aliasK: usize,
  twoOverN: usize, w: usize, bias: usize, active: usize, ratioX: usize, xhat: usize, theta: usize,
): i32 {
  let s0 = g0, s1 = g1, s2 = g2, s3 = g3;
  const zx = ZX, zr = ZR, chiC = CHIC;
  const wL = load<f64>(w + (<usize>L << 3)), bL = load<f64>(bias + (<usize>L << 3));
  for (let i = 0; i < n; i++) {
    let xh: f64 = 1;
    let dead = false;
    for (let l = 1; l < L; l++) {
      let t = s1, m = t * 5, c = s2 ^ s0, e = s3 ^ t;
      s0 ^= e; s1 = t ^ c; s2 = c ^ (t << 9); s3 = rotl(e, 11);
      const word = rotl(m, 7) * 9;
      const lo = <usize>l << 2;
      const j = load<i32>(off + lo) + <i32>(<u32>word >> load<u32>(shift + lo));
      const jo = <usize>j << 2;
      const K = (word & load<i32>(mask + lo)) < load<i32>(threshold + jo) ? load<i32>(keepK + jo) : load<i32>(aliasK + jo);
      if (K == 0) { dead = true; break; }
      store<i32>(active + lo, K);
      let chi: f64;
      if (K < 3 || K >= CHI_MAX) {
        g0 = s0; g1 = s1; g2 = s2; g3 = s3;
        chi = chiSqSlow(K);
        s0 = g0; s1 = g1; s2 = g2; s3 = g3;
      } else {
        t = s1; m = t * 5; c = s2 ^ s0; e = s3 ^ t;
        s0 ^= e; s1 = t ^ c; s2 = c ^ (t << 9); s3 = rotl(e, 11);
        const wi = rotl(m, 7) * 9;
        const zi = <usize>(wi & 127) << 3;
        const zu = (<f64>(wi >> 7) + 0.5) * TWO_POW_M24;
        let x: f64;
        if (Math.abs(zu) < load<f64>(zr + zi)) x = zu * load<f64>(zx + zi);
        else {
          g0 = s0; g1 = s1; g2 = s2; g3 = s3;
          x = zigEdge(zu, wi & 127);
          s0 = g0; s1 = g1; s2 = g2; s3 = g3;
        }
        const d = 0.5 * <f64>K - 1.0 / 3;
        const cc = load<f64>(chiC + (<usize>K << 3));
        const v = 1 + cc * x;
        t = s1; m = t * 5; c = s2 ^ s0; e = s3 ^ t;
        s0 ^= e; s1 = t ^ c; s2 = c ^ (t << 9); s3 = rotl(e, 11);
        const u = (<f64><u32>(rotl(m, 7) * 9) + 0.5) * TWO_POW_M32;
        const x2 = x * x;
        if (v > 0 && u < 1 - 0.0331 * x2 * x2) chi = 2 * d * (v * v * v);
        else {
          g0 = s0; g1 = s1; g2 = s2; g3 = s3;
          chi = 2 * mtSlow(d, cc, x, v, u);
          s0 = g0; s1 = g1; s2 = g2; s3 = g3;
        }
      }
      const lf = <usize>l << 3;
      const r = load<f64>(twoOverN + lf) * chi;
      store<f64>(ratioX + lf, r);
      xh *= r;
      store<f64>(xhat + lf, xh);
    }
    if (dead) { store<f64>(theta + (<usize>i << 3), bL); continue; }
    g0 = s0; g1 = s1; g2 = s2; g3 = s3;
    const z = normalZ();
    s0 = g0; s1 = g1; s2 = g2; s3 = g3;
    const z2 = z * z;
    let dd: f64 = 1;
    let acc = wL * load<f64>(xhat + (<usize>(L - 1) << 3)) + bL;
    let ratioTop: f64 = 1;
    for (let l = L - 1; l >= 1; l--) {
      const k = load<i32>(active + (<usize>l << 2)) - 1;
      let chi: f64;
      if (k < 3 || k >= CHI_MAX) {
        g0 = s0; g1 = s1; g2 = s2; g3 = s3;
        chi = chiSqSlow(k);
        s0 = g0; s1 = g1; s2 = g2; s3 = g3;
      } else {
        let t = s1, m = t * 5, c = s2 ^ s0, e = s3 ^ t;
        s0 ^= e; s1 = t ^ c; s2 = c ^ (t << 9); s3 = rotl(e, 11);
        const wi = rotl(m, 7) * 9;
        const zi = <usize>(wi & 127) << 3;
        const zu = (<f64>(wi >> 7) + 0.5) * TWO_POW_M24;
        let x: f64;
        if (Math.abs(zu) < load<f64>(zr + zi)) x = zu * load<f64>(zx + zi);
        else {
          g0 = s0; g1 = s1; g2 = s2; g3 = s3;
          x = zigEdge(zu, wi & 127);
          s0 = g0; s1 = g1; s2 = g2; s3 = g3;
        }
        const d = 0.5 * <f64>k - 1.0 / 3;
        const cc = load<f64>(chiC + (<usize>k << 3));
        const v = 1 + cc * x;
        t = s1; m = t * 5; c = s2 ^ s0; e = s3 ^ t;
        s0 ^= e; s1 = t ^ c; s2 = c ^ (t << 9); s3 = rotl(e, 11);
        const u = (<f64><u32>(rotl(m, 7) * 9) + 0.5) * TWO_POW_M32;
        const x2 = x * x;
        if (v > 0 && u < 1 - 0.0331 * x2 * x2) chi = 2 * d * (v * v * v);
        else {
          g0 = s0; g1 = s1; g2 = s2; g3 = s3;
          chi = 2 * mtSlow(d, cc, x, v, u);
          s0 = g0; s1 = g1; s2 = g2; s3 = g3;
        }
      }
      const lf = <usize>l << 3;
      const tw = load<f64>(twoOverN + lf);
      dd = tw * (z2 * ratioTop + dd * chi);
      acc += dd * (load<f64>(w + lf) * load<f64>(xhat + (<usize>(l - 1) << 3)) + load<f64>(bias + lf));
      ratioTop *= load<f64>(ratioX + lf);
    }
    if (!(acc <= F64.MAX_VALUE)) {
      store<f64>(theta + (<usize>i << 3), acc);
      g0 = s0; g1 = s1; g2 = s2; g3 = s3;
      return i + 1;
    }
    store<f64>(theta + (<usize>i << 3), acc);
  }
  g0 = s0; g1 = s1; g2 = s2; g3 = s3;
  return 0;
}

// bootstrap.ts resampleInto: out[i] = t[J_i], J_i uniform on {0, …, n−1}; two indices per word (Lemire) for n ≤ 2¹⁶.
function resampleInto(t: usize, n: i32, out: usize): void {
  if (n <= 0x10000) {
    const reject = <u32>((0x10000 - n) % n);
    let i = 0;
    while (i < n) {
      const w = nextU32();
      let m = (w & 0xffff) * <u32>n;
      if ((m & 0xffff) >= reject) { store<f64>(out + (<usize>i << 3), load<f64>(t + (<usize>(m >> 16) << 3))); i++; }
      if (i < n) {
        m = (w >> 16) * <u32>n;
        if ((m & 0xffff) >= reject) { store<f64>(out + (<usize>i << 3), load<f64>(t + (<usize>(m >> 16) << 3))); i++; }
      }
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const j = <i32>Math.floor(<f64>nextU32() * <f64>n * TWO_POW_M32);
    store<f64>(out + (<usize>i << 3), load<f64>(t + (<usize>j << 3)));
  }
}

// ratio-estimator.ts dispersionOfNormalized on n values at x; −1 (it is never negative) when a leave-one-out
// denominator is ≤ 0.
function dispersionOf(x: usize, n: i32): f64 {
  let s: f64 = 0, q: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    s += v;
    q += v * v;
  }
  let sum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    const rest = s - v;
    const d = rest * rest - (q - v * v);
    if (!(d > 0)) return -1;
    sum += (v * v) / d;
  }
  return (sum * (<f64>(n - 1) * <f64>(n - 2))) / <f64>n;
}

// bootstrap.ts bootstrapReplicates(t, dispersionOfNormalized, R, rng): R replicate values to out, resampling into
// `scratch` (n f64). Returns 0, 1 if a leave-one-out denominator was ≤ 0, 2 if a replicate was not finite.
export function bootstrapDispersion(t: usize, n: i32, R: i32, scratch: usize, out: usize): i32 {
  for (let r = 0; r < R; r++) {
    resampleInto(t, n, scratch);
    const v = dispersionOf(scratch, n);
    if (v == -1) return 1;
    if (!isFinite(v)) return 2;
    store<f64>(out + (<usize>r << 3), v);
  }
  return 0;
}
