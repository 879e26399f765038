import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/rng';
import { bootstrapReplicates } from '../../../src-shared/stats/bootstrap';
import { dispersionOfNormalized } from '../../../src-shared/stats/ratio-estimator';
import { binaryModule, compileKernels } from '../../../scripts/build-wasm';
import { binomialHalfSampler } from '../binomial';
import { KERNELS_WASM_BASE64 } from './kernels-binary';
import { wasmKernels } from './kernels';

const state = (rng: Rng): Int32Array => (rng as unknown as { s: Int32Array }).s;

describe('WebAssembly kernels', () => {
  it('the embedded binary is what the AssemblyScript source compiles to', async () => {
    const binary = await compileKernels();
    expect(Buffer.from(binary).toString('base64')).toBe(KERNELS_WASM_BASE64);
    expect(binaryModule(binary)).toContain(KERNELS_WASM_BASE64.slice(0, 100));
  }, 60_000);

  it('load in this thread', () => {
    expect(wasmKernels()).not.toBeNull();
  });

  // exact-diagonal.test.ts checks the sampler bit for bit against the JavaScript; here the failure path.
  it('exactDiagonal reports the first network whose Θ/S leaves float64, with its value, and stops there', () => {
    const k = wasmKernels()!;
    const L = 4,
      M = 100;
    const t = binomialHalfSampler(M).oneWordTable()!;
    const tables = {
      off: new Int32Array(L),
      shift: new Int32Array(L).fill(t.shift),
      mask: new Int32Array(L).fill(t.coinMask),
      threshold: t.threshold,
      keepK: t.keepK,
      aliasK: t.aliasK,
    };
    const twoOverN = new Float64Array(L).fill(2 / M);
    const bias = new Float64Array(L + 1).fill(1);
    const theta = new Float64Array(10).fill(-1);
    const finite = k.exactDiagonal(
      L,
      10,
      tables,
      twoOverN,
      new Float64Array(L + 1).fill(1),
      bias,
      theta,
      state(new Rng(1)),
    );
    expect(finite).toBe(-1);
    expect(theta.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    theta.fill(-1);
    const failed = k.exactDiagonal(
      L,
      10,
      tables,
      twoOverN,
      new Float64Array(L + 1).fill(1e308),
      bias,
      theta,
      state(new Rng(1)),
    );
    expect(failed).toBe(0);
    expect(theta[0]).toBe(Infinity);
    expect(theta[1]).toBe(-1);
  });

  for (const n of [3, 1000, 70_000]) {
    it(`bootstrapDispersion is bit-identical to bootstrapReplicates with dispersionOfNormalized (N = ${n})`, () => {
      const r = new Rng(9, n);
      const t = new Float64Array(n);
      for (let i = 0; i < n; i++) t[i] = Math.exp(r.normal()) / 30;
      const a = new Rng(5, 1),
        b = new Rng(5, 1);
      const js = bootstrapReplicates(t, dispersionOfNormalized, 25, a);
      const wasm = wasmKernels()!.bootstrapDispersion(t, 25, state(b));
      expect(wasm).toBeInstanceOf(Float64Array);
      expect(Array.from(wasm as Float64Array)).toEqual(Array.from(js));
      expect(b.nextU32()).toBe(a.nextU32());
    });
  }

  it('bootstrapDispersion returns code 1 where the JavaScript statistic throws (mean too close to 0)', () => {
    const t = Float64Array.from({ length: 50 }, (_, i) => (i % 2 ? 1 : -1));
    expect(() => bootstrapReplicates(t, dispersionOfNormalized, 5, new Rng(1))).toThrow(/leave-one-out/);
    expect(wasmKernels()!.bootstrapDispersion(t, 5, state(new Rng(1)))).toBe(1);
  });
});
