// Sampler benchmark: the exact O(L) NTK-diagonal sampler against the dense reference at the same configuration,
// the exact sampler's throughput across widths (it should not depend on M), a full N = 10⁴ run, and the two-input
// closed-form sampler against the generic lazy-matrix one.
// Single-threaded; each figure is the best of a few repeats (the least disturbed by other load on the machine).
// Run alone: npx tsx bench/samplers.ts
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Rng } from '../src-shared/rng';
import { denseCost, sampleDense } from '../src-main/engine/dense';
import { EXACT_KERNEL, sampleExactDiagonal } from '../src-main/engine/exact-diagonal';
import { LAZY_PAIR_KERNEL, sampleLazyGaussian, type LazySpec } from '../src-main/engine/lazy-gaussian';

const REPEATS = 3;

function constantWidths(depth: number, width: number, inputDim = width): number[] {
  return [inputDim, ...new Array<number>(depth - 1).fill(width)];
}

/** Best (smallest) wall time in seconds of `run` over REPEATS calls. */
function bestSeconds(run: () => void): number {
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

function exactRate(sigmaW2: number, widths: number[], n: number): number {
  const out = new Float64Array(n);
  sampleExactDiagonal(sigmaW2, widths, Math.min(n, 2000), new Rng(1, 0), out); // warm up the JIT
  return n / bestSeconds(() => sampleExactDiagonal(sigmaW2, widths, n, new Rng(2, 0), out));
}

const fmt = (x: number, digits = 3) => x.toPrecision(digits);

function drawWords(rng: Rng, n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x ^= rng.nextU32();
  return x;
}

export async function benchSamplers(): Promise<string[]> {
  const lines: string[] = [];
  const load = loadavg()[0];
  lines.push(
    `samplers: single thread, best of ${REPEATS}; load average ${load.toFixed(2)} (figures scale down under load)`,
  );

  // machine calibration: raw generator speed (the exact sampler draws ~5 words per layer)
  const words = 5_000_000;
  const wordSeconds = bestSeconds(() => {
    if (drawWords(new Rng(3, 0), words) < 0) lines.push('unreachable');
  });
  lines.push(`  rng: xoshiro128** ${fmt((wordSeconds / words) * 1e9)} ns per 32-bit word`);

  // exact vs dense at M = 200, L = 100 (σ_w² = 2, α₀ = 1)
  {
    const widths = constantWidths(100, 200);
    const exact = exactRate(2, widths, 20_000);
    const denseN = 3;
    sampleDense({ sigmaW2: 2, sigmaB2: 0, widths }, 1, new Rng(4, 0));
    const denseSeconds = bestSeconds(() => sampleDense({ sigmaW2: 2, sigmaB2: 0, widths }, denseN, new Rng(5, 0)));
    const dense = denseN / denseSeconds;
    const cost = denseCost(widths);
    lines.push(
      `  M = 200, L = 100: exact ${fmt(exact)} networks/s, dense ${fmt(dense)} networks/s (${denseN} networks timed; ` +
        `${fmt(cost.flopsPerNetwork / (denseSeconds / denseN) / 1e9)} Gflop/s by denseCost) → ratio ${fmt(exact / dense)}× (target ≥ 1e4×)`,
    );
  }

  // exact throughput vs width at L = 100
  {
    const rates: number[] = [];
    for (const M of [100, 1_000, 10_000, 100_000]) {
      const r = exactRate(2, constantWidths(100, M), 20_000);
      rates.push(r);
      lines.push(`  exact, L = 100, M = ${M}: ${fmt(r)} networks/s (${fmt(1e9 / (r * 100))} ns per layer)`);
    }
    lines.push(
      `  exact flatness in M: slowest/fastest = ${fmt(Math.min(...rates) / Math.max(...rates))} (target ≥ 1e5 networks/s per core)`,
    );
  }

  // a full measurement's worth: N = 10⁴ at M = 200, L = 200
  {
    const widths = constantWidths(200, 200);
    const out = new Float64Array(10_000);
    sampleExactDiagonal(2, widths, 1000, new Rng(6, 0), out);
    const s = bestSeconds(() => sampleExactDiagonal(2, widths, 10_000, new Rng(7, 0), out));
    lines.push(`  exact, N = 10⁴ at M = 200, L = 200: ${fmt(s)} s (${fmt((s / 2e6) * 1e9)} ns per layer)`);
    // the fused kernel (RNG state in locals, draws inlined; WebAssembly, and its JavaScript original) against the plain
    // per-layer passes they reproduce bit for bit
    const timeWith = (kernel: { fused: boolean; wasm: boolean }): number => {
      try {
        Object.assign(EXACT_KERNEL, kernel);
        sampleExactDiagonal(2, widths, 1000, new Rng(6, 0), out);
        return bestSeconds(() => sampleExactDiagonal(2, widths, 10_000, new Rng(7, 0), out));
      } finally {
        Object.assign(EXACT_KERNEL, { fused: true, wasm: true });
      }
    };
    const fusedJs = timeWith({ fused: true, wasm: false });
    const plain = timeWith({ fused: false, wasm: false });
    lines.push(
      `  exact, same in JavaScript: fused ${fmt(fusedJs)} s, plain per-layer passes ${fmt(plain)} s → WebAssembly ${fmt(fusedJs / s)}× the fused JavaScript, ${fmt(plain / s)}× the plain passes`,
    );
  }

  // the closed-form two-input sampler (lazy-pair-fast.ts) against the generic lazy-matrix sampler it replaced for
  // x̃ ≠ x, at M = 100, L = 30 (ReLU, cos = 0.5); a ratio near 1 means a regression to the generic path
  {
    const spec: LazySpec = { sigmaW2: 2, sigmaB2: 0, widths: constantWidths(30, 100), pairCos: 0.5 };
    const timePair = (fast: boolean): number => {
      try {
        LAZY_PAIR_KERNEL.fast = fast;
        sampleLazyGaussian(spec, 50, new Rng(1, 0)); // warm up the JIT
        return bestSeconds(() => sampleLazyGaussian(spec, 200, new Rng(2, 0)));
      } finally {
        LAZY_PAIR_KERNEL.fast = true;
      }
    };
    const closed = timePair(true);
    const generic = timePair(false);
    lines.push(
      `  two inputs, M = 100, L = 30: closed form ${fmt(200 / closed)} networks/s, generic lazy matrices ${fmt(200 / generic)} networks/s → ratio ${fmt(generic / closed)}× (a regression to the generic path gives ~1×)`,
    );
  }
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await benchSamplers()) console.log(line);
}
