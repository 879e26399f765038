// Exact sampler of the NTK diagonal Θ(x, x) of a fully-connected ReLU network with σ_b = 0 (biases zero at init,
// trainable), any widths, O(L) per network. Derivation: docs/exact-sampler.md. Per hidden layer l, with K_l active
// units, N_x^l := ‖x_l‖²/‖x_{l−1}‖² = (σ_w²/n_{l−1})·χ²_{K_l}, the output f ~ N(0, σ_w²‖x_{L−1}‖²/n_{L−1}), δ_L = 1
// and,
// conditioning W_{l+1} on the product W_{l+1}x_l it revealed, ‖δ_l‖² = f²/‖x_l‖² + (σ_w²‖δ_{l+1}‖²/n_l)·χ²_{K_l−1}
// (h_l·δ_l = f at every layer). Then Θ(x, x) = Σ_l ‖δ_l‖²(‖x_{l−1}‖² + 1) (Seleznova & Kutyniok 2022, eq. 19).
//
// Scale: ‖x_l‖² ~ a^l and ‖δ_l‖² ~ a^{L−l} over- or underflow for deep nets, so the recursion runs on normalized
// quantities x̂_l = ‖x_l‖²/E‖x_l‖², d̂_l = ‖δ_l‖²/a^{L−l} (both mean 1, products of O(1) factors) and returns
// Θ/S with the deterministic S = E[Θ] (Seleznova & Kutyniok 2022, eqs. 11–12) as a shared log offset.
import type { Rng } from '../../src-shared/rng';
import { BinomialSampler, binomialHalfSampler, type OneWordAliasTable } from './binomial';
import {
  CHI_C,
  CHI_C_MAX,
  ZIG_RATIO,
  ZIG_X,
  chiSquaredInt,
  gammaMarsagliaTsangSlow,
  normalZiggurat,
  normalZigguratEdge,
} from './gamma';
import { rngWords, wasmKernels } from './wasm/kernels';

/** Widths above this are refused (active counts are kept in an Int32Array). */
const EXACT_MAX_WIDTH = 2 ** 30;
const LOG_MAX_VALUE = Math.log(Number.MAX_VALUE);
// Local bindings: under tsx (CommonJS interop) every call of an imported function goes through an export getter,
// which cost ~13 % of the sampler's time in a CPU profile.
const chiSq = chiSquaredInt;
const normal = normalZiggurat;
const zigEdge = normalZigguratEdge;
const mtSlow = gammaMarsagliaTsangSlow;
const ZIG_X_ = ZIG_X,
  ZIG_RATIO_ = ZIG_RATIO,
  CHI_C_ = CHI_C,
  CHI_MAX = CHI_C_MAX;
const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M32 = 2 ** -32;

function checkInputs(sigmaW2: number, widths: ArrayLike<number>): void {
  if (!(sigmaW2 > 0) || !Number.isFinite(sigmaW2))
    throw new RangeError(`sigmaW2 (σ_w²) must be a finite number > 0 (got ${sigmaW2})`);
  if (!widths || widths.length < 1)
    throw new RangeError('widths must list at least the input dimension n₀ (widths = [n₀, n₁, …, n_{L−1}])');
  for (let l = 0; l < widths.length; l++) {
    const w = widths[l];
    if (!Number.isInteger(w) || w < 1 || w > EXACT_MAX_WIDTH)
      throw new RangeError(`widths[${l}] must be an integer in [1, ${EXACT_MAX_WIDTH}] (got ${w})`);
  }
}

/** log(eˣ − 1) for x > 0 without overflow. */
function logExpm1(x: number): number {
  return x > 30 ? x + Math.log1p(-Math.exp(-x)) : Math.log(Math.expm1(x));
}

/** log Σ_{j=0}^{L−1} a^j, the bias part E[Θ_b] of Seleznova & Kutyniok 2022, eq. (12), computed without overflow. */
function logGeometricSum(logA: number, L: number): number {
  if (logA === 0) return Math.log(L);
  if (logA < 0) return Math.log(Math.expm1(L * logA) / Math.expm1(logA));
  return logExpm1(L * logA) - logExpm1(logA);
}

/**
 * log E[Θ(x, x)] for ‖x⁰‖ = 1, σ_b = 0 (Seleznova & Kutyniok 2022, Thm 3.2 eqs. 11–12; exact up to dead layers,
 * probability 2^{−n}
 * per layer, which eq. 12 ignores — see docs/exact-moments.md; used here as a normalization):
 * E[Θ] = a^{L−1} Σ_{l=1}^{L} n_{l−1}/n₀ + Σ_{l=1}^{L} a^{L−l}, a = σ_w²/2. widths = [n₀, …, n_{L−1}].
 */
export function logMeanTheta(sigmaW2: number, widths: ArrayLike<number>): number {
  checkInputs(sigmaW2, widths);
  const L = widths.length;
  const logA = Math.log(sigmaW2 / 2);
  let widthSum = 0;
  for (let l = 0; l < L; l++) widthSum += widths[l] / widths[0];
  const logW = (L - 1) * logA + Math.log(widthSum);
  const logB = logGeometricSum(logA, L);
  const hi = Math.max(logW, logB);
  return hi + Math.log(Math.exp(logW - hi) + Math.exp(logB - hi));
}

export interface ExactDiagonalScaled {
  /** Θ(x, x)/S per network. */
  theta: Float64Array;
  /** log S, S = E[Θ] (eqs. 11–12): Θ = theta·e^{logScale}. */
  logScale: number;
}

// The two passes are separate functions, called once per network, so V8 inlines the per-layer draws (binomial,
// χ², ziggurat, generator) into each within its inlining budget; in one fused loop they stayed out of line (CPU
// profile), returning boxed doubles.

/**
 * Forward pass of one network: K_l ~ Binomial(n_l, ½), ‖x_l‖² = (σ_w²/n_{l−1})‖x_{l−1}‖²χ²_{K_l}; false if a layer
 * died.
 */
function forwardPass(
  L: number,
  binom: BinomialSampler[],
  twoOverN: Float64Array,
  active: Int32Array,
  ratioX: Float64Array,
  xhat: Float64Array,
  rng: Rng,
): boolean {
  let xh = 1;
  for (let l = 1; l < L; l++) {
    const K = binom[l].sample(rng);
    if (K === 0) return false; // x_l = 0, so h = 0 and φ'(0) = 0 above: all later layers are dead too
    active[l] = K;
    const r = twoOverN[l] * chiSq(K, rng);
    ratioX[l] = r;
    xh *= r;
    xhat[l] = xh;
  }
  return true;
}

/**
 * Backward pass of one live network, returning Θ/S: d̂_L = 1; d̂_l = (2/n_l)(Z²·x̂_{L−1}/x̂_l + d̂_{l+1}·χ²_{K_l−1}),
 * with f² = (σ_w²/n_{L−1})‖x_{L−1}‖²Z², z2 = Z².
 */
function backwardPass(
  L: number,
  twoOverN: Float64Array,
  active: Int32Array,
  ratioX: Float64Array,
  xhat: Float64Array,
  w: Float64Array,
  bias: Float64Array,
  z2: number,
  rng: Rng,
): number {
  let d = 1;
  let acc = w[L] * xhat[L - 1] + bias[L];
  let ratioTop = 1; // x̂_{L−1}/x̂_l as a product (never divides by an underflowed x̂_l)
  for (let l = L - 1; l >= 1; l--) {
    d = twoOverN[l] * (z2 * ratioTop + d * chiSq(active[l] - 1, rng));
    acc += d * (w[l] * xhat[l - 1] + bias[l]);
    ratioTop *= ratioX[l];
  }
  return acc;
}

// ---- Fused kernel: the same draws as forwardPass/backwardPass, word for word, with the xoshiro128** state in local
// variables and the binomial, ziggurat and Marsaglia–Tsang fast paths written out inline. The rare slow paths (χ² with
// K < 3, ziggurat edges, the M–T log test: ~3 % of draws) store the state back and call the shared functions. Output
// is bit-identical to the plain passes (exact-diagonal.test.ts checks it); it applies when every hidden layer's
// binomial draws from one 32-bit word (BinomialSampler.oneWordTable, 65 ≤ n_l ≲ 10⁵).

/** The per-layer binomial alias tables of the fused kernels (this file's and wasm/kernels.as.ts exactDiagonal). */
export interface FusedTables {
  off: Int32Array; // per hidden layer: offset of its alias table in the concatenated arrays
  shift: Int32Array;
  mask: Int32Array;
  threshold: Int32Array;
  keepK: Int32Array;
  aliasK: Int32Array;
}

function fusedTables(binom: BinomialSampler[], L: number): FusedTables | null {
  const off = new Int32Array(L),
    shift = new Int32Array(L),
    mask = new Int32Array(L);
  const seen = new Map<BinomialSampler, number>();
  const parts: OneWordAliasTable[] = [];
  let total = 0;
  for (let l = 1; l < L; l++) {
    const t = binom[l].oneWordTable();
    if (!t) return null;
    let o = seen.get(binom[l]);
    if (o === undefined) {
      o = total;
      seen.set(binom[l], o);
      parts.push(t);
      total += t.threshold.length;
    }
    off[l] = o;
    shift[l] = t.shift;
    mask[l] = t.coinMask;
  }
  const threshold = new Int32Array(total),
    keepK = new Int32Array(total),
    aliasK = new Int32Array(total);
  let o = 0;
  for (const t of parts) {
    threshold.set(t.threshold, o);
    keepK.set(t.keepK, o);
    aliasK.set(t.aliasK, o);
    o += t.threshold.length;
  }
  return { off, shift, mask, threshold, keepK, aliasK };
}

/**
 * Networks [0, n) by the fused kernel; writes Θ/S into theta. Mirrors sampleExactDiagonalScaled's loop (forwardPass,
 * normal draw, backwardPass) draw for draw. Each `// word` block is xoshiro128** nextU32 (src-shared/rng.ts) on the
 * local state; `sync` stores it back before a call that draws from rng, `load` picks it up again.
 */
function sampleFused(
  L: number,
  n: number,
  T: FusedTables,
  twoOverN: Float64Array,
  w: Float64Array,
  bias: Float64Array,
  active: Int32Array,
  ratioX: Float64Array,
  xhat: Float64Array,
  theta: Float64Array,
  rng: Rng,
  st: Int32Array,
  sigmaW2: number,
): void {
  let s0 = st[0],
    s1 = st[1],
    s2 = st[2],
    s3 = st[3];
  const off = T.off,
    shift = T.shift,
    mask = T.mask,
    threshold = T.threshold,
    keepK = T.keepK,
    aliasK = T.aliasK;
  const zx = ZIG_X_,
    zr = ZIG_RATIO_,
    chiC = CHI_C_;
  // Hoisted out of the hot loop on purpose (one set of locals for V8); their first values are never read.
  /* eslint-disable no-useless-assignment */
  let t = 0,
    m = 0,
    c = 0,
    e = 0,
    word = 0,
    wi = 0,
    zi = 0,
    zu = 0;
  let x = 0,
    v = 0,
    u = 0,
    x2 = 0,
    d = 0,
    cc = 0,
    chi = 0;
  /* eslint-enable no-useless-assignment */
  for (let i = 0; i < n; i++) {
    // forward pass (forwardPass): K_l, then χ²_{K_l}
    let xh = 1;
    let dead = false;
    for (let l = 1; l < L; l++) {
      t = s1;
      m = Math.imul(t, 5);
      c = s2 ^ s0;
      e = s3 ^ t; // word
      s0 ^= e;
      s1 = t ^ c;
      s2 = c ^ (t << 9);
      s3 = (e << 11) | (e >>> 21);
      word = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const j = off[l] + (word >>> shift[l]);
      const K = (word & mask[l]) < threshold[j] ? keepK[j] : aliasK[j];
      if (K === 0) {
        dead = true;
        break;
      }
      active[l] = K;
      if (K < 3 || K >= CHI_MAX) {
        st[0] = s0;
        st[1] = s1;
        st[2] = s2;
        st[3] = s3; // sync
        chi = chiSq(K, rng);
        s0 = st[0];
        s1 = st[1];
        s2 = st[2];
        s3 = st[3]; // load
      } else {
        t = s1;
        m = Math.imul(t, 5);
        c = s2 ^ s0;
        e = s3 ^ t; // word (ziggurat)
        s0 ^= e;
        s1 = t ^ c;
        s2 = c ^ (t << 9);
        s3 = (e << 11) | (e >>> 21);
        wi = Math.imul((m << 7) | (m >>> 25), 9) | 0;
        zi = wi & 127;
        zu = ((wi >> 7) + 0.5) * TWO_POW_M24;
        if (Math.abs(zu) < zr[zi]) x = zu * zx[zi];
        else {
          st[0] = s0;
          st[1] = s1;
          st[2] = s2;
          st[3] = s3; // sync
          x = zigEdge(rng, zu, zi);
          s0 = st[0];
          s1 = st[1];
          s2 = st[2];
          s3 = st[3]; // load
        }
        d = 0.5 * K - 1 / 3;
        cc = chiC[K];
        v = 1 + cc * x;
        t = s1;
        m = Math.imul(t, 5);
        c = s2 ^ s0;
        e = s3 ^ t; // word (M–T uniform)
        s0 ^= e;
        s1 = t ^ c;
        s2 = c ^ (t << 9);
        s3 = (e << 11) | (e >>> 21);
        u = ((Math.imul((m << 7) | (m >>> 25), 9) >>> 0) + 0.5) * TWO_POW_M32;
        x2 = x * x;
        if (v > 0 && u < 1 - 0.0331 * x2 * x2) chi = 2 * d * (v * v * v);
        else {
          st[0] = s0;
          st[1] = s1;
          st[2] = s2;
          st[3] = s3; // sync
          chi = 2 * mtSlow(d, cc, x, v, u, rng);
          s0 = st[0];
          s1 = st[1];
          s2 = st[2];
          s3 = st[3]; // load
        }
      }
      const r = twoOverN[l] * chi;
      ratioX[l] = r;
      xh *= r;
      xhat[l] = xh;
    }
    if (dead) {
      theta[i] = bias[L];
      continue;
    }
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = s3; // sync
    const z = normal(rng);
    s0 = st[0];
    s1 = st[1];
    s2 = st[2];
    s3 = st[3]; // load
    const z2 = z * z;
    // backward pass (backwardPass): χ²_{K_l − 1}
    let dd = 1;
    let acc = w[L] * xhat[L - 1] + bias[L];
    let ratioTop = 1;
    for (let l = L - 1; l >= 1; l--) {
      const k = active[l] - 1;
      if (k < 3 || k >= CHI_MAX) {
        st[0] = s0;
        st[1] = s1;
        st[2] = s2;
        st[3] = s3; // sync
        chi = chiSq(k, rng);
        s0 = st[0];
        s1 = st[1];
        s2 = st[2];
        s3 = st[3]; // load
      } else {
        t = s1;
        m = Math.imul(t, 5);
        c = s2 ^ s0;
        e = s3 ^ t; // word (ziggurat)
        s0 ^= e;
        s1 = t ^ c;
        s2 = c ^ (t << 9);
        s3 = (e << 11) | (e >>> 21);
        wi = Math.imul((m << 7) | (m >>> 25), 9) | 0;
        zi = wi & 127;
        zu = ((wi >> 7) + 0.5) * TWO_POW_M24;
        if (Math.abs(zu) < zr[zi]) x = zu * zx[zi];
        else {
          st[0] = s0;
          st[1] = s1;
          st[2] = s2;
          st[3] = s3; // sync
          x = zigEdge(rng, zu, zi);
          s0 = st[0];
          s1 = st[1];
          s2 = st[2];
          s3 = st[3]; // load
        }
        d = 0.5 * k - 1 / 3;
        cc = chiC[k];
        v = 1 + cc * x;
        t = s1;
        m = Math.imul(t, 5);
        c = s2 ^ s0;
        e = s3 ^ t; // word (M–T uniform)
        s0 ^= e;
        s1 = t ^ c;
        s2 = c ^ (t << 9);
        s3 = (e << 11) | (e >>> 21);
        u = ((Math.imul((m << 7) | (m >>> 25), 9) >>> 0) + 0.5) * TWO_POW_M32;
        x2 = x * x;
        if (v > 0 && u < 1 - 0.0331 * x2 * x2) chi = 2 * d * (v * v * v);
        else {
          st[0] = s0;
          st[1] = s1;
          st[2] = s2;
          st[3] = s3; // sync
          chi = 2 * mtSlow(d, cc, x, v, u, rng);
          s0 = st[0];
          s1 = st[1];
          s2 = st[2];
          s3 = st[3]; // load
        }
      }
      dd = twoOverN[l] * (z2 * ratioTop + dd * chi);
      acc += dd * (w[l] * xhat[l - 1] + bias[l]);
      ratioTop *= ratioX[l];
    }
    if (!(acc <= Number.MAX_VALUE)) {
      st[0] = s0;
      st[1] = s1;
      st[2] = s2;
      st[3] = s3;
      throw new RangeError(`exact sampler: Θ/E[Θ] left float64 (${acc}) at σ_w² = ${sigmaW2}, L = ${L}`);
    }
    theta[i] = acc;
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3; // sync
}

/** Tests and benchmarks only: `fused = false` forces the plain per-layer passes, the reference the fused kernels
 *  reproduce bit for bit; `wasm = false` runs the fused kernel in JavaScript instead of its WebAssembly copy
 *  (wasm/kernels.as.ts, used whenever it loads). */
export const EXACT_KERNEL = { fused: true, wasm: true };

/**
 * n i.i.d. samples of Θ(x, x)/E[Θ] for ReLU, σ_b = 0, widths = [n₀, n₁, …, n_{L−1}] (L = widths.length weight layers,
 * scalar output). Values below 1e-308·E[Θ] flush to 0 (e.g. Θ = 1 of a network with a dead layer when E[Θ] > 1e308).
 */
export function sampleExactDiagonalScaled(
  sigmaW2: number,
  widths: ArrayLike<number>,
  n: number,
  rng: Rng,
  out?: Float64Array,
): ExactDiagonalScaled {
  checkInputs(sigmaW2, widths);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`number of networks must be an integer ≥ 0 (got ${n})`);
  if (out && out.length < n) throw new RangeError(`out has length ${out.length} < ${n}`);
  const theta = out ?? new Float64Array(n);
  const L = widths.length;
  const logA = Math.log(sigmaW2 / 2);
  const logS = logMeanTheta(sigmaW2, widths);

  // Deterministic per-layer weights (index l = 1..L): Θ/S = Σ_l d̂_l·(w_l·x̂_{l−1} + b_l), since
  // ‖δ_l‖²‖x_{l−1}‖² = d̂_l x̂_{l−1}·a^{L−1} n_{l−1}/n₀ and ‖δ_l‖² = d̂_l·a^{L−l}.
  const w = new Float64Array(L + 1);
  const bias = new Float64Array(L + 1);
  const twoOverN = new Float64Array(L); // 2/n_l for hidden layers l = 1..L−1
  const binom: BinomialSampler[] = new Array(L);
  for (let l = 1; l <= L; l++) {
    w[l] = Math.exp((L - 1) * logA + Math.log(widths[l - 1] / widths[0]) - logS);
    bias[l] = Math.exp((L - l) * logA - logS);
  }
  for (let l = 1; l < L; l++) {
    const nl = widths[l];
    twoOverN[l] = 2 / nl;
    binom[l] = binomialHalfSampler(nl);
  }
  binom[0] = binom[1] ?? binomialHalfSampler(1); // keep the array dense (slot 0 is unused)

  const active = new Int32Array(L); // K_l
  const ratioX = new Float64Array(L); // N̂_x^l = N_x^l / E[N_x^l] = 2χ²_{K_l}/n_l
  const xhat = new Float64Array(L); // x̂_l = Π_{k ≤ l} N̂_x^k, x̂_0 = 1
  xhat[0] = 1;

  const state = EXACT_KERNEL.fused ? rngWords(rng) : null;
  const fused = state ? fusedTables(binom, L) : null;
  if (state && fused) {
    const wasm = EXACT_KERNEL.wasm ? wasmKernels() : null;
    if (wasm) {
      const failed = wasm.exactDiagonal(L, n, fused, twoOverN, w, bias, theta, state);
      if (failed >= 0)
        throw new RangeError(`exact sampler: Θ/E[Θ] left float64 (${theta[failed]}) at σ_w² = ${sigmaW2}, L = ${L}`);
    } else sampleFused(L, n, fused, twoOverN, w, bias, active, ratioX, xhat, theta, rng, state, sigmaW2);
    return { theta, logScale: logS };
  }
  for (let i = 0; i < n; i++) {
    if (!forwardPass(L, binom, twoOverN, active, ratioX, xhat, rng)) {
      // δ_l = 0 for l < L and x_{L−1} = 0: only the output bias gradient remains, Θ = ‖δ_L‖²·(0 + 1) = 1
      theta[i] = bias[L];
      continue;
    }
    const z = normal(rng); // f = z·√(σ_w²‖x_{L−1}‖²/n_{L−1}); drawn here to spare backwardPass's inlining budget
    const acc = backwardPass(L, twoOverN, active, ratioX, xhat, w, bias, z * z, rng);
    if (!(acc <= Number.MAX_VALUE))
      throw new RangeError(`exact sampler: Θ/E[Θ] left float64 (${acc}) at σ_w² = ${sigmaW2}, L = ${L}`);
    theta[i] = acc;
  }
  return { theta, logScale: logS };
}

/**
 * n i.i.d. samples of the NTK diagonal Θ(x, x), ‖x⁰‖ = 1, for a ReLU network with σ_b = 0 and
 * widths = [n₀, n₁, …, n_{L−1}] (L = widths.length). Exact in distribution; O(L) per network, independent of width.
 * Throws a RangeError if E[Θ] is not representable in float64 (use sampleExactDiagonalScaled there).
 */
export function sampleExactDiagonal(
  sigmaW2: number,
  widths: ArrayLike<number>,
  n: number,
  rng: Rng,
  out?: Float64Array,
): Float64Array {
  const logS = logMeanTheta(sigmaW2, widths);
  if (logS > LOG_MAX_VALUE - 1) {
    throw new RangeError(
      `E[Θ] ≈ 1e${Math.floor(logS / Math.LN10)} at σ_w² = ${sigmaW2}, L = ${widths.length} exceeds float64; use sampleExactDiagonalScaled (Θ/E[Θ] with a log offset)`,
    );
  }
  const { theta } = sampleExactDiagonalScaled(sigmaW2, widths, n, rng, out);
  const s = Math.exp(logS);
  for (let i = 0; i < n; i++) {
    const v = theta[i] * s;
    if (!(v <= Number.MAX_VALUE))
      throw new RangeError(
        `exact sampler: a sample of Θ (${theta[i]}·E[Θ]) exceeds float64 at σ_w² = ${sigmaW2}, L = ${widths.length}`,
      );
    theta[i] = v;
  }
  return theta;
}
