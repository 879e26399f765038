// The WebAssembly kernels (kernels.as.ts, embedded by scripts/build-wasm.mts) behind typed-array wrappers. They give
// bit-identical output to the JavaScript they mirror (kernels.test.ts) at 1.3–1.8× its speed (bench/samplers.ts), so
// callers use them when they load and fall back to the JavaScript otherwise. One instance per thread, loaded on
// first use; its memory holds the constant tables once, then a scratch arena that each call lays out afresh.
import type { Rng } from '../../../src-shared/rng';
import { CHI_C, ZIG_RATIO, ZIG_X } from '../gamma';
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
    L: number, n: number, off: number, shift: number, mask: number, threshold: number, keepK: number, aliasK: number,
    twoOverN: number, w: number, bias: number, active: number, ratioX: number, xhat: number, theta: number,
  ): number;
  bootstrapDispersion(t: number, n: number, R: number, scratch: number, out: number): number;
}

/** The exact-diagonal kernel's alias tables (exact-diagonal.ts FusedTables). */
export interface WasmFusedTables {
  off: Int32Array;
  shift: Int32Array;
  mask: Int32Array;
  threshold: Int32Array;
  keepK: Int32Array;
  aliasK: Int32Array;
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

export class WasmKernels {
  private readonly x: KernelExports;
  private readonly arena: number;
  private top = 0;

  constructor(x: KernelExports) {
    this.x = x;
    this.top = align(x.heapBase());
    const zx = this.put(ZIG_X), zr = this.put(ZIG_RATIO), chic = this.put(CHI_C);
    x.setTables(zx, zr, chic);
    this.arena = this.top;
  }

  /**
   * exact-diagonal.ts sampleFused on the generator state st (updated in place): Θ/S of networks [0, n) into theta.
   * Returns −1, or the index of a network whose Θ/S left float64 (its value is in theta[i]).
   */
  exactDiagonal(L: number, n: number, T: WasmFusedTables, twoOverN: Float64Array, w: Float64Array, bias: Float64Array, theta: Float64Array, st: Int32Array): number {
    this.top = this.arena;
    const pOff = this.put(T.off), pShift = this.put(T.shift), pMask = this.put(T.mask);
    const pThr = this.put(T.threshold), pKeep = this.put(T.keepK), pAlias = this.put(T.aliasK);
    const pTwo = this.put(twoOverN), pW = this.put(w), pBias = this.put(bias);
    const pActive = this.reserve(4 * L), pRatio = this.reserve(8 * L), pXhat = this.reserve(8 * L);
    const chunk = Math.min(n, NETWORKS_PER_CALL);
    const pTheta = this.reserve(8 * chunk);
    new Float64Array(this.x.memory.buffer, pXhat, 1)[0] = 1;
    this.x.setState(st[0], st[1], st[2], st[3]);
    let failed = -1;
    for (let start = 0; start < n && failed < 0; start += chunk) {
      const count = Math.min(chunk, n - start);
      const rc = this.x.exactDiagonal(L, count, pOff, pShift, pMask, pThr, pKeep, pAlias, pTwo, pW, pBias, pActive, pRatio, pXhat, pTheta);
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
    const pT = this.put(t), pScratch = this.reserve(8 * n), pOut = this.reserve(8 * R);
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

let instance: WasmKernels | null | undefined;
let failure = '';

/** This thread's kernels, or null when WebAssembly is unavailable or the module fails to load (wasmKernelsFailure says why). */
export function wasmKernels(): WasmKernels | null {
  if (instance !== undefined) return instance;
  try {
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (!api) throw new Error('WebAssembly is not available in this runtime');
    const module = new api.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
    const inst = new api.Instance(module, { env: { log: Math.log, exp: Math.exp } });
    instance = new WasmKernels(inst.exports as unknown as KernelExports);
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
    instance = null;
  }
  return instance;
}

/** Why wasmKernels() returned null ('' if it did not). */
export function wasmKernelsFailure(): string {
  return failure;
}
