// The WebAssembly kernels (kernels.as.ts, embedded by scripts/build-wasm.ts) behind typed-array wrappers. They give
// bit-identical output to the JavaScript they mirror (exact-diagonal, gd-step-exact-fast, lazy-pair-fast and kernels
// tests) at 1.4–2.6× its speed (npm run bench), so callers use them when they load and fall back to the JavaScript
// otherwise. The module is compiled once per thread. wasmKernels() is the thread's shared instance (exact diagonal,
// bootstrap): its memory holds the constant tables, then a scratch arena each call lays out afresh. The per-network
// samplers (GD step, pairs) get an instance of their own whose memory holds their vectors for their lifetime.
import type { Rng } from '../../../src-shared/rng';
import type { FusedTables } from '../exact-diagonal';
import { CHI_C, ZIG_F, ZIG_RATIO, ZIG_X } from '../gamma';
import { KERNELS_WASM_BASE64 } from './kernels-binary';

/** The part of the WebAssembly JS API used here (lib ES2022 has no WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
  setState(a: number, b: number, c: number, d: number): void;
  getState(i: number): number;
  setTables(zx: number, zr: number, chic: number): void;
  exactDiagonal(
    L: number,
    n: number,
    off: number,
    shift: number,
    mask: number,
    threshold: number,
    keepK: number,
    aliasK: number,
    twoOverN: number,
    w: number,
    bias: number,
    active: number,
    ratioX: number,
    xhat: number,
    theta: number,
  ): number;
  bootstrapDispersion(t: number, n: number, R: number, scratch: number, out: number): number;
  setGdTables(zf: number): void;
  setTolerance2(t: number): void;
  gdStepRelu(
    L: number,
    table: number,
    nw: number,
    cW: number,
    cB: number,
    sd: number,
    nx2: number,
    nd2: number,
    nxA2: number,
    rho: number,
    wTop: number,
    g: number,
    rRows: number,
    one: number,
    out: number,
    exps: number,
    sdB: number,
    inputNorm: number,
    lr: number,
    target: number,
    scale: number,
    limit: number,
  ): number;
  pairRelu(
    L: number,
    table: number,
    nw: number,
    sd: number,
    termW: number,
    termB: number,
    gram: number,
    nx: number,
    rho: number,
    wTop: number,
    g: number,
    g4: number,
    t: number,
    one: number,
    out: number,
    sdB: number,
    cos: number,
    sin: number,
  ): number;
}

/**
 * The generator's state words, which kernels that run the generator themselves read and write back: src-shared/rng.ts
 * keeps xoshiro128** words a, b, c, d in a private Int32Array `s` (null if that ever changes: callers then draw
 * through rng).
 */
export function rngWords(rng: Rng): Int32Array | null {
  const s = (rng as unknown as { s?: unknown }).s;
  return s instanceof Int32Array && s.length === 4 ? s : null;
}

/** Networks per kernel call: bounds the arena (8 bytes each) whatever n a caller asks for. */
const NETWORKS_PER_CALL = 1 << 16;

class WasmKernels {
  private readonly x: KernelExports;
  private readonly arena: number;
  private top = 0;

  constructor(x: KernelExports) {
    this.x = x;
    this.top = align(x.heapBase());
    const zx = this.put(ZIG_X),
      zr = this.put(ZIG_RATIO),
      chic = this.put(CHI_C);
    x.setTables(zx, zr, chic);
    this.arena = this.top;
  }

  /**
   * exact-diagonal.ts sampleFused on the generator state st (updated in place): Θ/S of networks [0, n) into theta.
   * Returns −1, or the index of a network whose Θ/S left float64 (its value is in theta[i]).
   */
  exactDiagonal(
    L: number,
    n: number,
    T: FusedTables,
    twoOverN: Float64Array,
    w: Float64Array,
    bias: Float64Array,
    theta: Float64Array,
    st: Int32Array,
  ): number {
    this.top = this.arena;
    const pOff = this.put(T.off),
      pShift = this.put(T.shift),
      pMask = this.put(T.mask);
    const pThr = this.put(T.threshold),
      pKeep = this.put(T.keepK),
      pAlias = this.put(T.aliasK);
    const pTwo = this.put(twoOverN),
      pW = this.put(w),
      pBias = this.put(bias);
    const pActive = this.reserve(4 * L),
      pRatio = this.reserve(8 * L),
      pXhat = this.reserve(8 * L);
    const chunk = Math.min(n, NETWORKS_PER_CALL);
    const pTheta = this.reserve(8 * chunk);
    new Float64Array(this.x.memory.buffer, pXhat, 1)[0] = 1;
    this.x.setState(st[0], st[1], st[2], st[3]);
    let failed = -1;
    for (let start = 0; start < n && failed < 0; start += chunk) {
      const count = Math.min(chunk, n - start);
      const rc = this.x.exactDiagonal(
        L,
        count,
        pOff,
        pShift,
        pMask,
        pThr,
        pKeep,
        pAlias,
        pTwo,
        pW,
        pBias,
        pActive,
        pRatio,
        pXhat,
        pTheta,
      );
      const done = rc === 0 ? count : rc;
      theta.set(new Float64Array(this.x.memory.buffer, pTheta, done), start);
      if (rc !== 0) failed = start + rc - 1;
    }
    for (let i = 0; i < 4; i++) st[i] = this.x.getState(i);
    return failed;
  }

  /**
   * bootstrap.ts bootstrapReplicates(t, dispersionOfNormalized, R, rng) on the generator state st (updated in place),
   * for 3 ≤ t.length ≤ 2²¹: R replicate values, or the error code (1: a leave-one-out denominator ≤ 0; 2: a
   * replicate not finite) of the first replicate that failed.
   */
  bootstrapDispersion(t: Float64Array, R: number, st: Int32Array): Float64Array | 1 | 2 {
    this.top = this.arena;
    const n = t.length;
    const pT = this.put(t),
      pScratch = this.reserve(8 * n),
      pOut = this.reserve(8 * R);
    this.x.setState(st[0], st[1], st[2], st[3]);
    const rc = this.x.bootstrapDispersion(pT, n, R, pScratch, pOut);
    for (let i = 0; i < 4; i++) st[i] = this.x.getState(i);
    if (rc === 1 || rc === 2) return rc;
    return new Float64Array(this.x.memory.buffer, pOut, R).slice();
  }

  /** Bytes [top, top + bytes) of the arena, growing the memory when needed (earlier views may detach). */
  private reserve(bytes: number): number {
    const p = this.top;
    this.top = align(p + bytes);
    const need = this.top - this.x.memory.buffer.byteLength;
    if (need > 0) this.x.memory.grow(Math.ceil(need / 65536));
    return p;
  }

  private put(a: Float64Array | Int32Array): number {
    const p = this.reserve(a.byteLength);
    new Uint8Array(this.x.memory.buffer, p, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return p;
  }
}

function align(p: number): number {
  return (p + 7) & ~7;
}

const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let compiled: object | null | undefined;

/** The compiled module (once per thread), or null when WebAssembly is unavailable or the module does not compile. */
function compiledModule(): object | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = wasmApi ? new wasmApi.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64')) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Whether the kernels run as WebAssembly in this runtime (compiles the module once; no instance is made). */
export function wasmAvailable(): boolean {
  return compiledModule() !== null;
}

/** A fresh instance of the kernels module (its own memory), or null when WebAssembly is unavailable or fails. */
function instantiate(): KernelExports | null {
  const module = compiledModule();
  if (!module || !wasmApi) return null;
  try {
    return new wasmApi.Instance(module, { env: { log: Math.log, exp: Math.exp } }).exports as unknown as KernelExports;
  } catch {
    return null;
  }
}

let instance: WasmKernels | null | undefined;

/** This thread's kernels, or null when WebAssembly is unavailable or the module fails to load. */
export function wasmKernels(): WasmKernels | null {
  if (instance !== undefined) return instance;
  const x = instantiate();
  instance = x && new WasmKernels(x);
  return instance;
}

/**
 * The memory of a per-network sampler's own instance, laid out once: the ziggurat tables, a per-layer pointer table
 * and whatever the sampler reserves. seal() grows the memory once and writes the queued values, so views taken
 * after it stay attached for the sampler's lifetime.
 */
class SamplerMemory {
  private top: number;
  private readonly writes: Array<(buf: ArrayBuffer) => void> = [];
  private readonly zf: number;
  private readonly zx: number;
  private readonly zr: number;

  constructor(
    private readonly x: KernelExports,
    private readonly tol2: number,
  ) {
    this.top = align(x.heapBase());
    this.zf = this.f64(ZIG_F);
    this.zx = this.f64(ZIG_X);
    this.zr = this.f64(ZIG_RATIO);
  }

  reserve(bytes: number): number {
    const p = this.top;
    this.top = align(p + bytes);
    return p;
  }

  /** Reserve and fill with values. */
  f64(values: ArrayLike<number>): number {
    const p = this.reserve(8 * values.length);
    this.writes.push((buf) => new Float64Array(buf, p, values.length).set(values));
    return p;
  }

  i32(values: ArrayLike<number>): number {
    const p = this.reserve(4 * values.length);
    this.writes.push((buf) => new Int32Array(buf, p, values.length).set(values));
    return p;
  }

  /** A per-layer value v[l], l = 1..L (index 0 = 0). */
  layerValues(v: ArrayLike<number>, L: number): number {
    const a = new Float64Array(L + 1);
    for (let l = 1; l <= L; l++) a[l] = v[l];
    return this.f64(a);
  }

  /** Rows l = 1..L−1 of `cols` f64 vectors each, of length len(l, k) (0: none, a null pointer); the table's pointer. */
  table(L: number, cols: number, len: (l: number, k: number) => number): number {
    const cells = new Array<number>(cols * L).fill(0);
    for (let l = 1; l < L; l++)
      for (let k = 0; k < cols; k++) {
        const n = len(l, k);
        if (n > 0) cells[l * cols + k] = this.reserve(8 * n);
      }
    return this.i32(cells);
  }

  seal(): ArrayBuffer {
    const need = this.top - this.x.memory.buffer.byteLength;
    if (need > 0) this.x.memory.grow(Math.ceil(need / 65536));
    const buf = this.x.memory.buffer;
    for (const w of this.writes) w(buf);
    this.x.setTables(this.zx, this.zr, 0);
    this.x.setGdTables(this.zf);
    this.x.setTolerance2(this.tol2);
    return buf;
  }
}

/** What the one-input ReLU GD-step kernel needs of gd-step-exact.ts GdStepSetup (L ≥ 2). */
export interface GdStepReluSpec {
  /** Number of weight layers L ≥ 2. */
  depth: number;
  /** n₀, n₁, …, n_{L−1} (more entries are ignored). */
  widths: ArrayLike<number>;
  /** Per layer l = 1..L (index 0 unused): c_W, c_B of the parametrization, and the weight sd √(σ_w²/n_{l−1}). */
  cW: ArrayLike<number>;
  cB: ArrayLike<number>;
  sd: ArrayLike<number>;
  sdB: number;
  inputNorm: number;
  lr: number;
  target: number;
  scale: number;
  /** lazy-matrix.ts LAZY_SPAN_TOLERANCE². */
  tol2: number;
  /** Squared norms above 2^rescaleLimit are rescaled by a power of two (gd-step-fast-passes.ts). */
  rescaleLimit: number;
}

/**
 * gd-step-exact-fast.ts GdStepFastSampler.sample for ReLU in WebAssembly, on an instance of its own whose memory holds
 * the sampler's vectors (laid out once here). run(st) takes the network's normal stream as seeded by
 * seedNormalStream; bit-identical to the JavaScript (gd-step-exact-fast.test.ts).
 */
export class WasmGdStepRelu {
  /**
   * Θ(x, x), Θ′(x, x), f(x), f′(x) of the last network that run() accepted as mantissas m (result[0..3]) and binary
   * exponents e (result[4..7]): the value is m·2^e (gd-step-fast-passes.ts).
   */
  readonly result = new Float64Array(8);
  private readonly x: KernelExports;
  private readonly args: number[];
  private readonly spec: GdStepReluSpec;
  private readonly out: Float64Array;
  private readonly limit: number;

  constructor(x: KernelExports, spec: GdStepReluSpec) {
    this.x = x;
    this.spec = spec;
    const n = spec.widths,
      L = spec.depth;
    if (!(L >= 2 && n.length >= L)) throw new RangeError('the GD-step kernel needs L ≥ 2 and L widths');
    let maxW = 1;
    for (let l = 1; l < L; l++) maxW = Math.max(maxW, n[l]);
    const mem = new SamplerMemory(x, spec.tol2);
    // h, x, δ, b, h′, x′, δ′, A₁ (n_l); C₁ (n_{l−1}), A₂ (n_l), R (n_{l−1}) from layer 2 (kernels.as.ts T_*)
    const table = mem.table(L, 11, (l, k) => (k < 8 ? n[l] : l < 2 ? 0 : k === 9 ? n[l] : n[l - 1]));
    const nw = mem.i32(Array.from(n).slice(0, L));
    const cW = mem.layerValues(spec.cW, L),
      cB = mem.layerValues(spec.cB, L),
      sd = mem.layerValues(spec.sd, L);
    const nx2 = mem.reserve(8 * (L + 1)),
      nd2 = mem.reserve(8 * (L + 1)),
      nxA2 = mem.reserve(8 * (L + 1)),
      rho = mem.reserve(8 * (L + 1));
    const wTop = mem.reserve(8 * n[L - 1]),
      g = mem.reserve(8 * maxW),
      rRows = mem.reserve(8 * maxW),
      one = mem.reserve(8),
      out = mem.reserve(64),
      exps = mem.reserve(16 * (L + 1)); // i32 exponents of x, δ, x′, δ′ per layer
    const buf = mem.seal(); // no growth after this: the view below stays attached
    this.out = new Float64Array(buf, out, 8);
    this.args = [L, table, nw, cW, cB, sd, nx2, nd2, nxA2, rho, wTop, g, rRows, one, out, exps];
    this.limit = 2 ** spec.rescaleLimit;
  }

  /** One network on the stream st (seeded by the caller); false where the JavaScript sample() returns false. */
  run(st: Int32Array): boolean {
    const x = this.x,
      a = this.args,
      s = this.spec;
    x.setState(st[0], st[1], st[2], st[3]);
    const ok = x.gdStepRelu(
      a[0],
      a[1],
      a[2],
      a[3],
      a[4],
      a[5],
      a[6],
      a[7],
      a[8],
      a[9],
      a[10],
      a[11],
      a[12],
      a[13],
      a[14],
      a[15],
      s.sdB,
      s.inputNorm,
      s.lr,
      s.target,
      s.scale,
      this.limit,
    );
    if (ok !== 1) return false;
    this.result.set(this.out);
    return true;
  }
}

/** A GD-step kernel for spec, or null when WebAssembly is unavailable. */
export function wasmGdStepRelu(spec: GdStepReluSpec): WasmGdStepRelu | null {
  const x = instantiate();
  return x && new WasmGdStepRelu(x, spec);
}

/** What the two-input ReLU kernel needs of lazy-pair-fast.ts LazyPairFastSampler (L ≥ 2). */
export interface PairReluSpec {
  /** n₀, n₁, …, n_{L−1}. */
  widths: readonly number[];
  /** Per layer l = 1..L (index 0 unused): weight sd √(σ_w²/n_{l−1}) and the kernel's factors c_W, c_B. */
  sd: ArrayLike<number>;
  termW: ArrayLike<number>;
  termB: ArrayLike<number>;
  sdB: number;
  cos: number;
  sin: number;
  /** lazy-matrix.ts LAZY_SPAN_TOLERANCE². */
  tol2: number;
}

/**
 * lazy-pair-fast.ts LazyPairFastSampler.sample for ReLU in WebAssembly, on an instance of its own whose memory holds
 * the
 * sampler's vectors (laid out once here). run(st) takes the network's normal stream as seeded by seedNormalStream;
 * bit-identical to the JavaScript (lazy-pair-fast.test.ts).
 */
export class WasmPairRelu {
  /** Θ(x, x), Θ(x̃, x̃), Θ(x, x̃) of the last network run() completed. */
  readonly result = new Float64Array(3);
  private readonly x: KernelExports;
  private readonly args: number[];
  private readonly spec: PairReluSpec;
  private readonly out: Float64Array;

  constructor(x: KernelExports, spec: PairReluSpec) {
    this.x = x;
    this.spec = spec;
    const n = spec.widths,
      L = n.length;
    if (L < 2) throw new RangeError('the pair kernel needs L ≥ 2');
    let maxW = 1;
    for (let l = 1; l < L; l++) maxW = Math.max(maxW, n[l]);
    const mem = new SamplerMemory(x, spec.tol2);
    // h, h̃, x, x̃, δ, δ̃, b, A₁, A₂ (n_l); R (n_{l−1}) from layer 2 (kernels.as.ts P_*)
    const table = mem.table(L, 10, (l, k) => (k < 9 ? n[l] : l < 2 ? 0 : n[l - 1]));
    const nw = mem.i32(n);
    const sd = mem.layerValues(spec.sd, L),
      termW = mem.layerValues(spec.termW, L),
      termB = mem.layerValues(spec.termB, L);
    const gram = mem.reserve(8 * 3 * (L + 1)),
      nx = mem.reserve(8 * (L + 1)),
      rho = mem.reserve(8 * (L + 1));
    const wTop = mem.reserve(8 * n[L - 1]),
      g = mem.reserve(8 * maxW),
      g4 = mem.reserve(8 * maxW),
      t = mem.reserve(8 * maxW),
      one = mem.reserve(8),
      out = mem.reserve(24);
    const buf = mem.seal(); // no growth after this: the view below stays attached
    this.out = new Float64Array(buf, out, 3);
    this.args = [L, table, nw, sd, termW, termB, gram, nx, rho, wTop, g, g4, t, one, out];
  }

  /** One network on the stream st: 0, or the kernel's overflow code (1000 + l: forward at layer l; 2000 + l: Θ). */
  run(st: Int32Array): number {
    const x = this.x,
      a = this.args,
      s = this.spec;
    x.setState(st[0], st[1], st[2], st[3]);
    const code = x.pairRelu(
      a[0],
      a[1],
      a[2],
      a[3],
      a[4],
      a[5],
      a[6],
      a[7],
      a[8],
      a[9],
      a[10],
      a[11],
      a[12],
      a[13],
      a[14],
      s.sdB,
      s.cos,
      s.sin,
    );
    if (code === 0) this.result.set(this.out);
    return code;
  }
}

/** A two-input ReLU kernel for spec, or null when WebAssembly is unavailable. */
export function wasmPairRelu(spec: PairReluSpec): WasmPairRelu | null {
  const x = instantiate();
  return x && new WasmPairRelu(x, spec);
}
