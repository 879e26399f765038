// AssemblyScript source of the sampling pool's hot loops, compiled to WebAssembly by scripts/build-wasm.ts (npm run
// build:wasm; the binary is embedded in kernels-binary.ts and kernels.test.ts checks the two agree). Each function
// mirrors a JavaScript reference operation for operation, so its output is bit-identical to it (tested):
//  - exactDiagonal: the fused exact-diagonal sampler of exact-diagonal.ts (sampleFused), docs/exact-sampler.md;
//  - bootstrapDispersion: the dispersion bootstrap of src-shared/stats (bootstrap.ts resampleInto + ratio-estimator.ts
//    dispersionOfNormalized), Seleznova & Kutyniok 2022, App. C.3;
//  - gdStepRelu: one network of gd-step-exact-fast.ts (one input, ReLU), docs/gd-step.md;
//  - pairRelu: one network of lazy-pair-fast.ts (two inputs, ReLU), docs/lazy-gaussian.md.
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

// gamma.ts chiSquaredInt: χ²_k by Marsaglia–Tsang with the tabulated c (squeeze inline, the rest out of line).
// The generator state stays in the globals here: keeping it in the kernel's locals, with this written out twice as in
// the JavaScript fused kernel, measured within ~5 %.
@inline function chiSq(k: i32): f64 {
  if (k < 3 || k >= CHI_MAX) return chiSqSlow(k);
  const wi = <i32>nextU32();
  const zi = wi & 127;
  const zu = (<f64>(wi >> 7) + 0.5) * TWO_POW_M24;
  const x = Math.abs(zu) < load<f64>(ZR + (<usize>zi << 3)) ? zu * load<f64>(ZX + (<usize>zi << 3)) : zigEdge(zu, zi);
  const d = 0.5 * <f64>k - 1.0 / 3;
  const cc = load<f64>(CHIC + (<usize>k << 3));
  const v = 1 + cc * x;
  const u = (<f64>nextU32() + 0.5) * TWO_POW_M32;
  const x2 = x * x;
  if (v > 0 && u < 1 - 0.0331 * x2 * x2) return 2 * d * (v * v * v);
  return 2 * mtSlow(d, cc, x, v, u);
}

// Networks [0, n) of exact-diagonal.ts sampleFused (the same draws, in the same order): writes Θ/S to theta;
// returns 0, or i + 1 of the network whose Θ/S left float64 (its value stored in theta[i]; the caller throws).
// Tables as in exact-diagonal.ts FusedTables (int32), the f64 per-layer arrays twoOverN, w, bias, ratioX, xhat
// (xhat[0] = 1) and the int32 active counts.
export function exactDiagonal(
  L: i32, n: i32, off: usize, shift: usize, mask: usize, threshold: usize, keepK: usize, aliasK: usize,
  twoOverN: usize, w: usize, bias: usize, active: usize, ratioX: usize, xhat: usize, theta: usize,
): i32 {
  const wL = load<f64>(w + (<usize>L << 3)), bL = load<f64>(bias + (<usize>L << 3));
  for (let i = 0; i < n; i++) {
    let xh: f64 = 1;
    let dead = false;
    for (let l = 1; l < L; l++) {
      const word = <i32>nextU32();
      const lo = <usize>l << 2;
      const j = load<i32>(off + lo) + <i32>(<u32>word >> load<u32>(shift + lo));
      const jo = <usize>j << 2;
      const K = (word & load<i32>(mask + lo)) < load<i32>(threshold + jo) ? load<i32>(keepK + jo) : load<i32>(aliasK + jo);
      if (K == 0) { dead = true; break; }
      store<i32>(active + lo, K);
      const lf = <usize>l << 3;
      const r = load<f64>(twoOverN + lf) * chiSq(K);
      store<f64>(ratioX + lf, r);
      xh *= r;
      store<f64>(xhat + lf, xh);
    }
    if (dead) { store<f64>(theta + (<usize>i << 3), bL); continue; }
    const z = normalZ();
    const z2 = z * z;
    let dd: f64 = 1;
    let acc = wL * load<f64>(xhat + (<usize>(L - 1) << 3)) + bL;
    let ratioTop: f64 = 1;
    for (let l = L - 1; l >= 1; l--) {
      const chi = chiSq(load<i32>(active + (<usize>l << 2)) - 1);
      const lf = <usize>l << 3;
      const tw = load<f64>(twoOverN + lf);
      dd = tw * (z2 * ratioTop + dd * chi);
      acc += dd * (load<f64>(w + lf) * load<f64>(xhat + (<usize>(l - 1) << 3)) + load<f64>(bias + lf));
      ratioTop *= load<f64>(ratioX + lf);
    }
    if (!(acc <= F64.MAX_VALUE)) {
      store<f64>(theta + (<usize>i << 3), acc);
      return i + 1;
    }
    store<f64>(theta + (<usize>i << 3), acc);
  }
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

// ---- The one-input exact GD-step sampler for ReLU (gd-step-exact-fast.ts GdStepFastSampler.sample and its per-layer
// passes, operation for operation). One call runs one network on the normal stream in g0..g3, already seeded by the
// caller. Per-layer vectors come from a pointer table (TB): row l holds the f64 arrays h, x, δ, b, h′, x′, δ′, A₁,
// C₁, A₂, R of layer l; per-layer scalars are f64 arrays indexed by l.

@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function sto(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline function fin(v: f64): bool { return v - v == 0; }

const T_H = 0, T_X = 1, T_D = 2, T_B = 3, T_HA = 4, T_XA = 5, T_DA = 6, T_A1 = 7, T_C1 = 8, T_A2 = 9, T_R = 10, T_COLS = 11;
let TB: usize = 0;
@inline function vec(l: i32, k: i32): usize { return <usize>load<u32>(TB + (<usize>(l * T_COLS + k) << 2)); }

let ZF: usize = 0;
export function setGdTables(zf: usize): void { ZF = zf; }
// the scan results of a pass (the JavaScript's sums[0], sums[1])
let S0: f64 = 0, S1: f64 = 0;
// the generic sampler's "already in the span" threshold, squared (lazy-matrix.ts LAZY_SPAN_TOLERANCE²), set by the caller
let TOL2_: f64 = 0;
export function setTolerance2(t: f64): void { TOL2_ = t; }

function gdZigEdge(u: f64, i: i32): f64 {
  for (;;) {
    if (i == 0) {
      let x: f64, y: f64;
      do {
        x = mlog((<f64>nextU32() + 0.5) * TWO_POW_M32) / ZIG_R;
        y = mlog((<f64>nextU32() + 0.5) * TWO_POW_M32);
      } while (-2 * y < x * x);
      return u < 0 ? x - ZIG_R : ZIG_R - x;
    }
    const x = u * ld(ZX, i);
    const fi = ld(ZF, i), fi1 = ld(ZF, i + 1);
    if (fi1 + (<f64>nextU32() + 0.5) * TWO_POW_M32 * (fi - fi1) < mexp(-0.5 * x * x)) return x;
    const w = <i32>nextU32();
    i = w & 127;
    u = (<f64>(w >> 7) + 0.5) * TWO_POW_M24;
    if (Math.abs(u) < ld(ZR, i)) return u * ld(ZX, i);
  }
  return 0;
}

// One N(0, 1) by the ziggurat with this sampler's wedge test (gdZigEdge).
@inline function gdNormal(): f64 {
  const w = <i32>nextU32();
  const i = w & 127;
  const u = (<f64>(w >> 7) + 0.5) * TWO_POW_M24;
  return Math.abs(u) < ld(ZR, i) ? u * ld(ZX, i) : gdZigEdge(u, i);
}

function fillNormals(out: usize, n: i32, scale: f64): void {
  for (let k = 0; k < n; k++) sto(out, k, scale * gdNormal());
}

// fillNormalsDot(st, g, n, u, w1, w0, sums) with w1 − w0 = w (wp = 0: the second sum is not needed)
function fillNormalsDot(gp: usize, n: i32, u: usize, wp: usize): void {
  let su: f64 = 0, sw: f64 = 0;
  for (let k = 0; k < n; k++) {
    const z = gdNormal();
    sto(gp, k, z);
    su += ld(u, k) * z;
    if (wp) sw += ld(wp, k) * z;
  }
  S0 = su;
  S1 = sw;
}

function dot(n: i32, a: usize, b: usize): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) s += ld(a, i) * ld(b, i);
  return s;
}

function forward(n: i32, c: f64, A: usize, b: usize, bs: f64, h: usize, x: usize): f64 {
  let nx2: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = c * ld(A, i) + bs * ld(b, i);
    sto(h, i, v);
    const xi = 0.5 * (v + Math.abs(v));
    sto(x, i, xi);
    nx2 += xi * xi;
  }
  return nx2;
}

function topDelta(m: i32, w: usize, ws: f64, c: f64, x: usize, h: usize, out: usize, a: usize): f64 {
  let n2: f64 = 0, cross: f64 = 0;
  for (let j = 0; j < m; j++) {
    const dv = <f64>(ld(h, j) > 0) * (ws * ld(w, j) - c * ld(x, j));
    sto(out, j, dv);
    n2 += dv * dv;
    cross += ld(a, j) * dv;
  }
  S0 = cross;
  return n2;
}

function backwardBefore(m: i32, s: f64, k: f64, invNx: f64, nd: f64, x: usize, C1: usize, h: usize, out: usize, a: usize): f64 {
  const kq = k * invNx;
  let n2: f64 = 0, ad: f64 = 0;
  for (let j = 0; j < m; j++) {
    const c = kq * ld(x, j) + s * ld(C1, j);
    sto(C1, j, c);
    const dv = <f64>(ld(h, j) > 0) * nd * c;
    sto(out, j, dv);
    n2 += dv * dv;
    ad += ld(a, j) * dv;
  }
  S0 = ad;
  return n2;
}

function forwardAfterFirst(n: i32, h: usize, hs: f64, cEps: f64, delta: usize, x: usize, hA: usize, xA: usize): f64 {
  let n2: f64 = 0, cross: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = hs * ld(h, i) - cEps * ld(delta, i);
    sto(hA, i, v);
    const xi = 0.5 * (v + Math.abs(v));
    sto(xA, i, xi);
    n2 += xi * xi;
    cross += ld(x, i) * xi;
  }
  S0 = cross;
  return n2;
}

// remainder1 (b = 0) and remainder2 of the JavaScript
function remainder(m: i32, u0: usize, u1: usize, kappa: f64, r: usize, a: usize, b: usize): f64 {
  let n2: f64 = 0, sa: f64 = 0, sb: f64 = 0;
  for (let j = 0; j < m; j++) {
    const v = ld(u1, j) - kappa * ld(u0, j);
    sto(r, j, v);
    n2 += v * v;
    sa += ld(a, j) * v;
    if (b) sb += ld(b, j) * v;
  }
  S0 = sa;
  S1 = sb;
  return n2;
}

function forwardAfterHidden(
  n: i32, s: f64, k: f64, invNd: f64, delta: usize, A1: usize, A2: usize, c1: f64, rho: f64, b: usize, bs: f64,
  cEps: f64, x: usize, hA: usize, xA: usize,
): f64 {
  const kp = k * invNd;
  let n2: f64 = 0, cross: f64 = 0;
  for (let i = 0; i < n; i++) {
    const d = ld(delta, i);
    const a2 = kp * d + s * ld(A2, i);
    sto(A2, i, a2);
    const v = c1 * ld(A1, i) + rho * a2 + bs * ld(b, i) - cEps * d;
    sto(hA, i, v);
    const xi = 0.5 * (v + Math.abs(v));
    sto(xA, i, xi);
    n2 += xi * xi;
    cross += ld(x, i) * xi;
  }
  S0 = cross;
  return n2;
}

function backwardAfter(
  m: i32, s: f64, d1: f64, tau: f64, k1: f64, k2: f64, invNx: f64, invRho: f64, cEpsX: f64,
  x: usize, r: usize, C1: usize, g: usize, hA: usize, delta: usize, out: usize,
): f64 {
  const cx = tau * k1 * invNx - cEpsX, cr = tau * k2 * invRho, cg = tau * s;
  let n2: f64 = 0, cross: f64 = 0;
  for (let j = 0; j < m; j++) {
    const dv = <f64>(ld(hA, j) > 0) * (d1 * ld(C1, j) + cx * ld(x, j) + cr * ld(r, j) + cg * ld(g, j));
    sto(out, j, dv);
    n2 += dv * dv;
    cross += ld(delta, j) * dv;
  }
  S0 = cross;
  return n2;
}

// ---- Power-of-two rescaling (gd-step-fast-passes.ts pow2, exponentOf, rescaleBy, scaleBy, ScaledSum): vectors are
// mantissa·2^exponent, the exponents of x_l, δ_l, x′_l, δ′_l in the i32 arrays EX, ED, EXA, EDA.

@inline function pow2(k: i32): f64 {
  if (k == 0) return 1;
  if (k > 1023) return Infinity;
  if (k < -1022) return 0;
  return reinterpret<f64>(<i64>(k + 1023) << 52);
}

@inline function exponentOf(v: f64): i32 { return <i32>((reinterpret<u64>(v) >> 52) & 0x7ff) - 1023; }

function rescaleBy(n2: f64, e: i32, limit: f64): i32 {
  if (n2 == 0) return -e;
  if (!(n2 > limit || (n2 < 1 / limit && e > 0 && n2 > 0)) || n2 == Infinity) return 0;
  let k = exponentOf(n2) >> 1;
  if (k < -e) k = -e;
  if (k < -511) k = -511;
  return k > 511 ? 511 : k;
}

function scaleBy(n: i32, v: usize, s: f64): void {
  for (let i = 0; i < n; i++) sto(v, i, ld(v, i) * s);
}

let EX: usize = 0, ED: usize = 0, EXA: usize = 0, EDA: usize = 0;
@inline function lde(p: usize, l: i32): i32 { return load<i32>(p + (<usize>l << 2)); }
@inline function ste(p: usize, l: i32, v: i32): void { store<i32>(p + (<usize>l << 2), v); }

let SM: f64 = 0, SE: i32 = 0; // the kernel sum (ScaledSum)
function sumAdd(t: f64, f: i32): void {
  if (f == SE) SM += t;
  else if (t == 0) return;
  else if (f > SE) {
    SM = SM * pow2(SE - f) + t;
    SE = f;
  } else SM += t * pow2(f - SE);
}

let LIMIT: f64 = 0, NW: usize = 0;
@inline function width(l: i32): i32 { return load<i32>(NW + (<usize>l << 2)); }

// GdStepFastSampler.shrinkDelta: rescales δ_l (squared norm in nd2[l]); returns cross·2^−k
function shrinkDelta(l: i32, nd2: usize, cross: f64): f64 {
  const v = ld(nd2, l);
  const k = rescaleBy(v, lde(ED, l), LIMIT);
  if (k == 0) return cross;
  ste(ED, l, lde(ED, l) + k);
  if (v == 0) return cross;
  scaleBy(width(l), vec(l, T_D), pow2(-k));
  sto(nd2, l, v * pow2(-2 * k));
  return cross * pow2(-k);
}

// GdStepFastSampler.shrinkForward: rescales x′_l, h′_l (squared norm in nxA2[l]); returns cross·2^−k
function shrinkForward(l: i32, nxA2: usize, cross: f64): f64 {
  const v = ld(nxA2, l);
  const k = rescaleBy(v, lde(EXA, l), LIMIT);
  if (k == 0) return cross;
  if (v == 0) {
    ste(EXA, l, lde(EXA, l) + k);
    return cross;
  }
  const s = pow2(-k);
  scaleBy(width(l), vec(l, T_XA), s);
  scaleBy(width(l), vec(l, T_HA), s);
  sto(nxA2, l, v * pow2(-2 * k));
  ste(EXA, l, lde(EXA, l) + k);
  return cross * s;
}

// GdStepFastSampler.sample for ReLU and L ≥ 2 after seedNormalStream: returns 1 and writes the mantissas of Θ, Θ′,
// f, f′ (of the α-rescaled model) to out[0..3] and their binary exponents to out[4..7], or 0 where the JavaScript
// returns false (a mantissa not finite). exps holds 4(L + 1) i32: the exponents of x, δ, x′, δ′ per layer.
export function gdStepRelu(
  L: i32, table: usize, nw: usize, cW: usize, cB: usize, sd: usize, nx2: usize, nd2: usize, nxA2: usize, rho: usize,
  wTop: usize, g: usize, rRows: usize, one: usize, out: usize, exps: usize,
  sdB: f64, inputNorm: f64, lr: f64, target: f64, scale: f64, limit: f64,
): i32 {
  TB = table;
  NW = nw;
  LIMIT = limit;
  EX = exps;
  ED = exps + (<usize>(L + 1) << 2);
  EXA = exps + (<usize>(L + 1) << 3);
  EDA = exps + <usize>(L + 1) * 12;
  const r2 = inputNorm * inputNorm;
  sto(nx2, 0, r2);
  ste(EX, 0, 0);
  if (sdB > 0) for (let l = 1; l < L; l++) fillNormals(vec(l, T_B), width(l), sdB);
  fillNormals(one, 1, sdB);
  const bL = ld(one, 0);

  // before the step: forward, query 1
  for (let l = 1; l < L; l++) {
    const nl = width(l);
    fillNormals(vec(l, T_A1), nl, ld(sd, l));
    const e = lde(EX, l - 1);
    let v = forward(nl, Math.sqrt(ld(nx2, l - 1)), vec(l, T_A1), vec(l, T_B), pow2(-e), vec(l, T_H), vec(l, T_X));
    if (!fin(v)) return 0;
    const k = rescaleBy(v, e, limit);
    if (k != 0 && v != 0) {
      const s = pow2(-k);
      scaleBy(nl, vec(l, T_X), s);
      scaleBy(nl, vec(l, T_H), s);
      v *= pow2(-2 * k);
    }
    sto(nx2, l, v);
    ste(EX, l, e + k);
  }
  const nTop = width(L - 1);
  fillNormals(wTop, nTop, ld(sd, L));
  const ef = lde(EX, L - 1);
  const f = dot(nTop, wTop, vec(L - 1, T_X)) + bL * pow2(-ef);
  // backward, query 2
  SM = ld(cW, L) * ld(nx2, L - 1) + ld(cB, L) * pow2(-2 * ef);
  SE = 2 * ef;
  {
    const top = L - 1;
    ste(ED, top, 0);
    sto(nd2, top, topDelta(nTop, wTop, 1, 0, vec(top, T_X), vec(top, T_H), vec(top, T_D), top >= 2 ? vec(top, T_A1) : vec(top, T_D)));
    let a1d = shrinkDelta(top, nd2, S0);
    for (let l = L - 1; l >= 1; l--) {
      const exl = lde(EX, l - 1);
      sumAdd(ld(nd2, l) * (ld(cW, l) * ld(nx2, l - 1) + ld(cB, l) * pow2(-2 * exl)), 2 * (lde(ED, l) + exl));
      if (!fin(SM)) return 0;
      if (l == 1) break;
      const m = width(l - 1), nd = Math.sqrt(ld(nd2, l)), nx = Math.sqrt(ld(nx2, l - 1));
      const invNd = nd > 0 ? 1 / nd : 0, invNx = nx > 0 ? 1 / nx : 0;
      const xp = vec(l - 1, T_X);
      fillNormalsDot(vec(l, T_C1), m, xp, 0);
      const qg = S0 * invNx;
      const o = vec(l - 1, T_D);
      const sdl = ld(sd, l);
      sto(nd2, l - 1, backwardBefore(m, sdl, a1d * invNd - sdl * qg, invNx, nd, xp, vec(l, T_C1), vec(l - 1, T_H), o, l - 1 >= 2 ? vec(l - 1, T_A1) : o));
      ste(ED, l - 1, lde(ED, l));
      a1d = shrinkDelta(l - 1, nd2, S0);
    }
  }
  if (!(fin(SM) && fin(f))) return 0;
  const thetaM = SM, thetaE = SE;

  let eps = (lr * (f - target * pow2(-ef))) / (scale * scale);
  if (!fin(eps)) return 0;
  let ee = ef;
  {
    const k = eps * eps == Infinity ? exponentOf(eps) : rescaleBy(eps * eps, ee, limit);
    if (eps != 0) eps *= pow2(-k);
    ee += k;
  }

  // after the step: forward, query 3 (the exponent of x′_l is the largest of its terms')
  sto(nxA2, 0, ld(nx2, 0));
  ste(EXA, 0, 0);
  let cross: f64;
  {
    const n1 = width(1), ex1 = lde(EX, 1), ed1 = lde(ED, 1);
    const E = ex1 > ee + ed1 ? ex1 : ee + ed1;
    const v = forwardAfterFirst(n1, vec(1, T_H), pow2(ex1 - E), eps * (ld(cW, 1) * ld(nx2, 0) + ld(cB, 1)) * pow2(ee + ed1 - E), vec(1, T_D), vec(1, T_X), vec(1, T_HA), vec(1, T_XA));
    sto(nxA2, 1, v);
    ste(EXA, 1, E);
    cross = shrinkForward(1, nxA2, S0);
    if (!fin(ld(nxA2, 1))) return 0;
  }
  for (let l = 2; l < L; l++) {
    const m = width(l - 1), nl = width(l);
    const nx = Math.sqrt(ld(nx2, l - 1)), nd = Math.sqrt(ld(nd2, l));
    const invNx = nx > 0 ? 1 / nx : 0, invNd = nd > 0 ? 1 / nd : 0;
    const r2l = remainder(m, vec(l - 1, T_X), vec(l - 1, T_XA), cross * invNx * invNx, vec(l, T_R), vec(l, T_C1), 0);
    const c1 = cross * invNx;
    let rh: f64 = 0, invRho: f64 = 0;
    if (r2l > TOL2_ * ld(nxA2, l - 1)) {
      rh = Math.sqrt(r2l);
      invRho = 1 / rh;
    }
    sto(rho, l, rh);
    const cq2 = S0 * invRho;
    fillNormalsDot(vec(l, T_A2), nl, vec(l, T_D), 0);
    const pg = S0 * invNd;
    const exaP = lde(EXA, l - 1);
    const eX = lde(EX, l - 1) + exaP;
    const cEps = eps * (ld(cW, l) * cross + ld(cB, l) * pow2(-eX));
    const eD = ee + eX + lde(ED, l);
    const E = exaP > eD ? exaP : eD;
    const sU = pow2(exaP - E);
    const sdl = ld(sd, l);
    const v = forwardAfterHidden(nl, sdl, cq2 - sdl * pg, invNd, vec(l, T_D), vec(l, T_A1), vec(l, T_A2), c1 * sU, rh * sU, vec(l, T_B), pow2(-E), cEps * pow2(eD - E), vec(l, T_X), vec(l, T_HA), vec(l, T_XA));
    sto(nxA2, l, v);
    ste(EXA, l, E);
    cross = shrinkForward(l, nxA2, S0);
    if (!fin(ld(nxA2, l))) return 0;
  }
  let outA: f64, outAE: i32;
  {
    const exaT = lde(EXA, L - 1);
    const eX = lde(EX, L - 1) + exaT;
    const Ef = exaT > ee + eX ? exaT : ee + eX;
    outA =
      dot(nTop, wTop, vec(L - 1, T_XA)) * pow2(exaT - Ef) +
      bL * pow2(-Ef) -
      eps * (ld(cW, L) * cross + ld(cB, L) * pow2(-eX)) * pow2(ee + eX - Ef);
    outAE = Ef;
  }
  // backward, query 4
  {
    const exaT = lde(EXA, L - 1);
    SM = ld(cW, L) * ld(nxA2, L - 1) + ld(cB, L) * pow2(-2 * exaT);
    SE = 2 * exaT;
  }
  let E = ee + lde(EX, L - 1);
  let ndA2 = topDelta(nTop, wTop, pow2(-E), eps * ld(cW, L), vec(L - 1, T_X), vec(L - 1, T_HA), vec(L - 1, T_DA), vec(L - 1, T_D));
  ste(EDA, L - 1, E);
  let dCross = S0;
  for (let l = L - 1; l >= 1; l--) {
    const k = rescaleBy(ndA2, lde(EDA, l), limit);
    if (k != 0 && ndA2 == 0) ste(EDA, l, lde(EDA, l) + k);
    else if (k != 0) {
      scaleBy(width(l), vec(l, T_DA), pow2(-k));
      ndA2 *= pow2(-2 * k);
      dCross *= pow2(-k);
      ste(EDA, l, lde(EDA, l) + k);
    }
    const exaP = lde(EXA, l - 1);
    sumAdd(ndA2 * (ld(cW, l) * ld(nxA2, l - 1) + ld(cB, l) * pow2(-2 * exaP)), 2 * (lde(EDA, l) + exaP));
    if (!fin(SM)) return 0;
    if (l == 1) break;
    const nl = width(l), m = width(l - 1);
    const nd = Math.sqrt(ld(nd2, l)), nx = Math.sqrt(ld(nx2, l - 1));
    const invNd = nd > 0 ? 1 / nd : 0, invNx = nx > 0 ? 1 / nx : 0;
    const t2 = remainder(nl, vec(l, T_D), vec(l, T_DA), dCross * invNd * invNd, rRows, vec(l, T_A1), vec(l, T_A2));
    let tau: f64 = 0, invTau: f64 = 0;
    if (t2 > TOL2_ * ndA2) {
      tau = Math.sqrt(t2);
      invTau = 1 / tau;
    }
    const a1p = S0 * invTau, a2p = S1 * invTau;
    const rl = ld(rho, l);
    const invRho = rl > 0 ? 1 / rl : 0;
    fillNormalsDot(g, m, vec(l - 1, T_X), vec(l, T_R));
    const sdl = ld(sd, l);
    const k1 = a1p - sdl * S0 * invNx, k2 = a2p - sdl * S1 * invRho;
    const edaL = lde(EDA, l);
    E = edaL + ee + lde(ED, l) + lde(EX, l - 1);
    const sV = pow2(edaL - E);
    ndA2 = backwardAfter(m, sdl, dCross * invNd * sV, tau * sV, k1, k2, invNx, invRho, eps * ld(cW, l) * dCross, vec(l - 1, T_X), vec(l, T_R), vec(l, T_C1), g, vec(l - 1, T_HA), vec(l - 1, T_D), vec(l - 1, T_DA));
    ste(EDA, l - 1, E);
    dCross = S0;
  }
  const a2 = scale * scale;
  const th = thetaM * a2, thA = SM * a2, fo = f * scale, foA = outA * scale;
  sto(out, 0, th);
  sto(out, 1, thA);
  sto(out, 2, fo);
  sto(out, 3, foA);
  sto(out, 4, <f64>thetaE);
  sto(out, 5, <f64>SE);
  sto(out, 6, <f64>ef);
  sto(out, 7, <f64>outAE);
  return fin(th) && fin(thA) && fin(fo) && fin(foA) ? 1 : 0;
}

// ---- The two-input exact NTK sampler for ReLU (lazy-pair-fast.ts LazyPairFastSampler.sample, operation for
// operation), one network per call on the normal stream in g0..g3 (seeded by the caller). Pointer table rows: the
// f64 arrays h, h̃, x, x̃, δ, δ̃, b, A₁, A₂, R of layer l.

const P_H = 0, P_HT = 1, P_X = 2, P_XT = 3, P_D = 4, P_DT = 5, P_B = 6, P_A1 = 7, P_A2 = 8, P_R = 9, P_COLS = 10;
@inline function pvec(l: i32, k: i32): usize { return <usize>load<u32>(TB + (<usize>(l * P_COLS + k) << 2)); }

// forward(n, c₁, A₁, ρ, A₂, b, h, x, y): h = c₁A₁ + ρA₂ + b, x = ReLU(h); returns ‖x‖², S0 = ⟨y, x⟩ (y = 0: none)
function pairForward(n: i32, c1: f64, A1: usize, rho: f64, A2: usize, b: usize, h: usize, x: usize, y: usize): f64 {
  let n2: f64 = 0, cross: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = c1 * ld(A1, i) + rho * ld(A2, i) + ld(b, i);
    sto(h, i, v);
    const xi = 0.5 * (v + Math.abs(v));
    sto(x, i, xi);
    n2 += xi * xi;
    if (y) cross += ld(y, i) * xi;
  }
  S0 = cross;
  return n2;
}

function pairRemainder(m: i32, u1: usize, u2: usize, kappa: f64, r: usize): f64 {
  let n2: f64 = 0;
  for (let j = 0; j < m; j++) {
    const v = ld(u2, j) - kappa * ld(u1, j);
    sto(r, j, v);
    n2 += v * v;
  }
  return n2;
}

// returns 0 and writes Θ(x, x), Θ(x̃, x̃), Θ(x, x̃) to out[0..2]; 1000 + l when ‖x_l‖² or ‖x̃_l‖² left float64,
// 2000 + l when Θ did (summed down to layer l): the caller throws LazyPairFastSampler's RangeError
export function pairRelu(
  L: i32, table: usize, nw: usize, sd: usize, termW: usize, termB: usize, gram: usize, nx: usize, rho: usize,
  wTop: usize, g: usize, g4: usize, t: usize, one: usize, out: usize, sdB: f64, cosX: f64, sinX: f64,
): i32 {
  TB = table;
  if (sdB > 0) for (let l = 1; l < L; l++) fillNormals(pvec(l, P_B), load<i32>(nw + (<usize>l << 2)), sdB);
  fillNormals(one, 1, sdB);
  sto(gram, 0, 1);
  sto(gram, 1, 1);
  sto(gram, 2, cosX);
  sto(nx, 0, 1);
  for (let l = 1; l < L; l++) {
    const nl = load<i32>(nw + (<usize>l << 2)), m = load<i32>(nw + (<usize>(l - 1) << 2));
    const A1 = pvec(l, P_A1), A2 = pvec(l, P_A2), b = pvec(l, P_B);
    fillNormals(A1, nl, ld(sd, l));
    fillNormals(A2, nl, ld(sd, l));
    let c1: f64, rh: f64;
    if (l == 1) {
      sto(gram, 3, pairForward(nl, 1, A1, 0, A2, b, pvec(1, P_H), pvec(1, P_X), 0));
      c1 = cosX;
      rh = sinX;
    } else {
      const nrm = ld(nx, l - 1), inv = nrm > 0 ? 1 / nrm : 0;
      sto(gram, 3 * l, pairForward(nl, nrm, A1, 0, A2, b, pvec(l, P_H), pvec(l, P_X), 0));
      c1 = ld(gram, 3 * (l - 1) + 2) * inv;
      const r2 = pairRemainder(m, pvec(l - 1, P_X), pvec(l - 1, P_XT), c1 * inv, pvec(l, P_R));
      rh = r2 > TOL2_ * ld(gram, 3 * (l - 1) + 1) ? Math.sqrt(r2) : 0;
    }
    sto(rho, l, rh);
    sto(gram, 3 * l + 1, pairForward(nl, c1, A1, rh, A2, b, pvec(l, P_HT), pvec(l, P_XT), pvec(l, P_X)));
    sto(gram, 3 * l + 2, S0);
    sto(nx, l, Math.sqrt(ld(gram, 3 * l)));
    if (!(fin(ld(gram, 3 * l)) && fin(ld(gram, 3 * l + 1)))) return 1000 + l;
  }
  const mTop = load<i32>(nw + (<usize>(L - 1) << 2));
  fillNormals(wTop, mTop, ld(sd, L));
  const top = 3 * (L - 1);
  let tXX = ld(termW, L) * ld(gram, top) + ld(termB, L);
  let tYY = ld(termW, L) * ld(gram, top + 1) + ld(termB, L);
  let tXY = ld(termW, L) * ld(gram, top + 2) + ld(termB, L);
  {
    const hx = pvec(L - 1, P_H), hy = pvec(L - 1, P_HT), dx = pvec(L - 1, P_D), dy = pvec(L - 1, P_DT);
    for (let j = 0; j < mTop; j++) {
      const w = ld(wTop, j);
      sto(dx, j, <f64>(ld(hx, j) > 0) * w);
      sto(dy, j, <f64>(ld(hy, j) > 0) * w);
    }
  }
  for (let l = L - 1; l >= 1; l--) {
    const nl = load<i32>(nw + (<usize>l << 2)), dx = pvec(l, P_D), dy = pvec(l, P_DT), A1 = pvec(l, P_A1), A2 = pvec(l, P_A2);
    // dots5
    let dxx: f64 = 0, dyy: f64 = 0, dxy: f64 = 0, ax: f64 = 0, bx: f64 = 0;
    for (let i = 0; i < nl; i++) {
      const u = ld(dx, i), v = ld(dy, i);
      dxx += u * u;
      dyy += v * v;
      dxy += u * v;
      ax += ld(A1, i) * u;
      bx += ld(A2, i) * u;
    }
    const gi = 3 * (l - 1);
    tXX += dxx * (ld(termW, l) * ld(gram, gi) + ld(termB, l));
    tYY += dyy * (ld(termW, l) * ld(gram, gi + 1) + ld(termB, l));
    tXY += dxy * (ld(termW, l) * ld(gram, gi + 2) + ld(termB, l));
    if (!(fin(tXX) && fin(tYY))) return 2000 + l;
    if (l == 1) break;
    const m = load<i32>(nw + (<usize>(l - 1) << 2)), s = ld(sd, l);
    const xPrev = pvec(l - 1, P_X), r = pvec(l, P_R);
    const nrm = ld(nx, l - 1), invNx = nrm > 0 ? 1 / nrm : 0, rh = ld(rho, l), invRho = rh > 0 ? 1 / rh : 0;
    const nd = Math.sqrt(dxx), invNd = nd > 0 ? 1 / nd : 0;
    const a1p = ax * invNd, a2p = bx * invNd;
    fillNormalsDot(g, m, xPrev, r);
    const k1 = (a1p - s * S0 * invNx) * invNx, k2 = (a2p - s * S1 * invRho) * invRho;
    const d1 = dxy * invNd;
    // remainderDots: t = dy − κ·dx, ⟨A₁, t⟩, ⟨A₂, t⟩
    const kappa = d1 * invNd;
    let t2: f64 = 0, sa: f64 = 0, sb: f64 = 0;
    for (let i = 0; i < nl; i++) {
      const v = ld(dy, i) - kappa * ld(dx, i);
      sto(t, i, v);
      t2 += v * v;
      sa += ld(A1, i) * v;
      sb += ld(A2, i) * v;
    }
    const tau = t2 > TOL2_ * dyy ? Math.sqrt(t2) : 0, invTau = tau > 0 ? 1 / tau : 0;
    const a1q = sa * invTau, a2q = sb * invTau;
    fillNormalsDot(g4, m, xPrev, r);
    const beta = tau * (a1q - s * S0 * invNx) * invNx, gamma = tau * (a2q - s * S1 * invRho) * invRho;
    const tauS = tau * s;
    const h = pvec(l - 1, P_H), hT = pvec(l - 1, P_HT), o = pvec(l - 1, P_D), oT = pvec(l - 1, P_DT);
    for (let j = 0; j < m; j++) {
      const xj = ld(xPrev, j), rj = ld(r, j);
      const c = k1 * xj + k2 * rj + s * ld(g, j);
      sto(o, j, <f64>(ld(h, j) > 0) * nd * c);
      sto(oT, j, <f64>(ld(hT, j) > 0) * (d1 * c + beta * xj + gamma * rj + tauS * ld(g4, j)));
    }
  }
  sto(out, 0, tXX);
  sto(out, 1, tYY);
  sto(out, 2, tXY);
  return 0;
}
