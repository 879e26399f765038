// First-GD-step benchmark (issue 4): the exact lazy-Gaussian step sampler against the dense float64 reference at
// M = 200, L = 50 (σ_w² = 2, α₀ = 1, one input) on the same number of networks; target exact ≥ 100× dense.
// Single-threaded; each figure is the best of a few repeats. Run alone: npx tsx bench/gd-step.ts
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Rng } from '../src-shared/rng';
import { sampleGdStepDense } from '../src-main/engine/gd-step-dense';
import { sampleGdStepExact, type GdStepSpec } from '../src-main/engine/gd-step-exact';

const REPEATS = 3;

function bestSeconds(run: () => void): number {
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

const fmt = (x: number, digits = 3) => x.toPrecision(digits);

export async function benchGdStep(): Promise<string[]> {
  const lines: string[] = [];
  lines.push(`gd-step: single thread, best of ${REPEATS}; load average ${loadavg()[0].toFixed(2)} (figures scale down under load)`);
  const M = 200, L = 50, N = 8;
  const spec: GdStepSpec = { sigmaW2: 2, sigmaB2: 0, widths: [M, ...new Array<number>(L - 1).fill(M)], lr: 1e-3, target: 0 };
  sampleGdStepExact(spec, 200, new Rng(1, 0)); // warm up the JIT
  sampleGdStepDense(spec, 1, new Rng(1, 1));
  const exactN = 400;
  const exactSeconds = bestSeconds(() => sampleGdStepExact(spec, exactN, new Rng(2, 0)));
  const denseSeconds = bestSeconds(() => sampleGdStepDense(spec, N, new Rng(2, 1)));
  const exactPer = exactSeconds / exactN, densePer = denseSeconds / N;
  lines.push(
    `  M = ${M}, L = ${L}: exact ${fmt(exactPer * 1e3)} ms/network (${exactN} timed), dense ${fmt(densePer * 1e3)} ms/network (${N} timed) ` +
      `→ exact ${fmt(densePer / exactPer)}× faster (target ≥ 100×)`,
  );
  // the ratio grows ∝ M: dense draws M² normals per layer, exact ~4M (plus O(M) Gram–Schmidt passes)
  {
    const M2 = 800, L2 = 10, N2 = 2;
    const wide: GdStepSpec = { ...spec, widths: [M2, ...new Array<number>(L2 - 1).fill(M2)] };
    sampleGdStepExact(wide, 20, new Rng(4, 0));
    const e = bestSeconds(() => sampleGdStepExact(wide, 100, new Rng(4, 1))) / 100;
    const d = bestSeconds(() => sampleGdStepDense(wide, N2, new Rng(4, 2))) / N2;
    lines.push(`  M = ${M2}, L = ${L2}: exact ${fmt(e * 1e3)} ms/network, dense ${fmt(d * 1e3)} ms/network → ${fmt(d / e)}×`);
  }
  const pairSpec: GdStepSpec = { ...spec, pairCos: 0.5 };
  sampleGdStepExact(pairSpec, 100, new Rng(3, 0));
  const pairSeconds = bestSeconds(() => sampleGdStepExact(pairSpec, exactN, new Rng(3, 1)));
  lines.push(`  with x̃ (pairCos 0.5): exact ${fmt((pairSeconds / exactN) * 1e3)} ms/network`);
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await benchGdStep()) console.log(line);
}
