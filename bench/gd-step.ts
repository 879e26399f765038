// First-GD-step benchmark (issue 4): the exact lazy-Gaussian step sampler against the dense float64 reference at
// M = 200, L = 50 (σ_w² = 2, α₀ = 1, one input) in the same run; target exact ≥ 100× dense. Both exact paths are
// timed: the one-input closed form (gd-step-exact-fast.ts, what sampleGdStepExact runs without a pair; its ReLU loop
// in WebAssembly, also timed in its JavaScript original) and the
// generic LazyGaussianMatrix sampler (GdStepExactSampler, what pairs use), and chaotic cells (one input, a pair) whose
// Θ′ leaves float64.
// Single-threaded; each figure is the best of a few repeats, in wall time and in this process's CPU time (the CPU
// figure is less sensitive to other processes on a loaded machine). Run alone: npx tsx bench/gd-step.ts
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Rng } from '../src-shared/rng';
import { sampleGdStepDense } from '../src-main/engine/gd-step-dense';
import { GD_STEP_KERNEL } from '../src-main/engine/gd-step-exact-fast';
import { sampleGdStepExact, type GdStepSpec } from '../src-main/engine/gd-step-exact';
import { GdStepExactSampler } from '../src-main/engine/gd-step-exact-sampler';

const REPEATS = 3;

interface Timing {
  wall: number;
  cpu: number;
}

function best(run: () => void, repeats = REPEATS): Timing {
  let wall = Infinity,
    cpu = Infinity;
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    wall = Math.min(wall, (performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
  }
  return { wall, cpu };
}

const per = (t: Timing, n: number): Timing => ({ wall: t.wall / n, cpu: t.cpu / n });
const fmt = (x: number, digits = 3) => x.toPrecision(digits);
const ms = (t: Timing) => `${fmt(t.wall * 1e3)} ms (cpu ${fmt(t.cpu * 1e3)})`;
const ratio = (slow: Timing, fast: Timing) => `${fmt(slow.wall / fast.wall)}× (cpu ${fmt(slow.cpu / fast.cpu)}×)`;

/** The generic lazy-matrix sampler on one input (sampleGdStepExact would take the closed-form path). */
function runGeneric(spec: GdStepSpec, n: number, rng: Rng): void {
  const s = new GdStepExactSampler(spec);
  for (let i = 0; i < n; i++) s.sample(rng);
}

export async function benchGdStep(): Promise<string[]> {
  const lines: string[] = [];
  lines.push(
    `gd-step: single thread, best of ${REPEATS}; load average ${loadavg()[0].toFixed(2)} (figures scale down under load)`,
  );
  const M = 200,
    L = 50,
    N = 8;
  const spec: GdStepSpec = {
    sigmaW2: 2,
    sigmaB2: 0,
    widths: [M, ...new Array<number>(L - 1).fill(M)],
    lr: 1e-3,
    target: 0,
  };
  sampleGdStepExact(spec, 400, new Rng(1, 0)); // warm up the JIT
  runGeneric(spec, 200, new Rng(1, 2));
  sampleGdStepDense(spec, 1, new Rng(1, 1));
  const fastN = 1000,
    genericN = 400;
  const fast = per(
    best(() => sampleGdStepExact(spec, fastN, new Rng(2, 0))),
    fastN,
  );
  const generic = per(
    best(() => runGeneric(spec, genericN, new Rng(2, 2))),
    genericN,
  );
  const dense = per(
    best(() => sampleGdStepDense(spec, N, new Rng(2, 1))),
    N,
  );
  lines.push(`  M = ${M}, L = ${L}, one input: dense ${ms(dense)}/network (${N} timed)`);
  lines.push(
    `    exact, closed-form k = 1 path: ${ms(fast)}/network (${fastN} timed) → ${ratio(dense, fast)} faster than dense (target ≥ 100×)`,
  );
  lines.push(
    `    exact, generic lazy-matrix:    ${ms(generic)}/network (${genericN} timed) → ${ratio(dense, generic)}; closed form ${ratio(generic, fast)} faster`,
  );
  {
    // the closed form's ReLU loop runs in WebAssembly (bit-identical); its JavaScript original for comparison
    let js: Timing;
    try {
      GD_STEP_KERNEL.wasm = false;
      sampleGdStepExact(spec, 200, new Rng(1, 0));
      js = per(
        best(() => sampleGdStepExact(spec, fastN, new Rng(2, 0))),
        fastN,
      );
    } finally {
      GD_STEP_KERNEL.wasm = true;
    }
    lines.push(
      `    closed form in JavaScript:     ${ms(js)}/network → ${ratio(dense, js)} faster than dense; WebAssembly ${ratio(js, fast)} faster`,
    );
  }
  // the ratio grows ∝ M: dense draws M² normals per layer, exact 4M (plus O(M) projections)
  {
    const M2 = 800,
      L2 = 10,
      N2 = 2;
    const wide: GdStepSpec = { ...spec, widths: [M2, ...new Array<number>(L2 - 1).fill(M2)] };
    sampleGdStepExact(wide, 50, new Rng(4, 0));
    runGeneric(wide, 20, new Rng(4, 3));
    const e = per(
      best(() => sampleGdStepExact(wide, 200, new Rng(4, 1))),
      200,
    );
    const g = per(
      best(() => runGeneric(wide, 100, new Rng(4, 4))),
      100,
    );
    const d = per(
      best(() => sampleGdStepDense(wide, N2, new Rng(4, 2))),
      N2,
    );
    lines.push(
      `  M = ${M2}, L = ${L2}: closed form ${ms(e)}, generic ${ms(g)}, dense ${ms(d)}/network → ${ratio(d, e)} / ${ratio(d, g)}`,
    );
  }
  {
    // deep chaotic phase: every Θ′ leaves float64 and the vectors are rescaled by powers of two
    // (gd-step-fast-passes.ts); the cost per layer should stay that of the EOC cell above
    const Lc = 2 * L;
    const chaotic: GdStepSpec = { ...spec, sigmaW2: 3.5, widths: [M, ...new Array<number>(Lc - 1).fill(M)] };
    const probe = sampleGdStepExact(chaotic, 20, new Rng(5, 0));
    const beyond = probe.thetaAfter.filter((v) => v === Infinity).length;
    const c = per(
      best(() => sampleGdStepExact(chaotic, fastN / 2, new Rng(5, 1))),
      fastN / 2,
    );
    const perLayer = (t: Timing, layers: number) => `${fmt((t.cpu / layers) * 1e6)} µs cpu`;
    lines.push(
      `  chaotic σ_w² = 3.5, L = ${Lc} (Θ′ beyond float64 in ${beyond} of 20): closed form ${ms(c)}/network, ` +
        `${perLayer(c, Lc)}/layer vs ${perLayer(fast, L)}/layer at the EOC cell`,
    );
  }
  const pairSpec: GdStepSpec = { ...spec, pairCos: 0.5 };
  sampleGdStepExact(pairSpec, 100, new Rng(3, 0));
  const pair = per(
    best(() => sampleGdStepExact(pairSpec, genericN, new Rng(3, 1))),
    genericN,
  );
  lines.push(`  with x̃ (pairCos 0.5, generic sampler): exact ${ms(pair)}/network`);
  {
    // the same pair deep in the chaotic phase: Θ′ beyond float64, every vector and input rescaled by powers of two
    // (gd-step-exact-sampler.ts); the cost per layer should stay that of the EOC pair
    const Lc = 2 * L;
    const chaoticPair: GdStepSpec = { ...pairSpec, sigmaW2: 3.5, widths: [M, ...new Array<number>(Lc - 1).fill(M)] };
    const probe = sampleGdStepExact(chaoticPair, 20, new Rng(6, 0));
    const beyond = probe.thetaAfter.filter((v) => v === Infinity).length;
    const c = per(
      best(() => sampleGdStepExact(chaoticPair, genericN / 2, new Rng(6, 1))),
      genericN / 2,
    );
    const perLayer = (t: Timing, layers: number) => `${fmt((t.cpu / layers) * 1e6)} µs cpu`;
    lines.push(
      `  chaotic pair σ_w² = 3.5, L = ${Lc} (Θ′ beyond float64 in ${beyond} of 20, kept ${probe.theta.length}): ` +
        `${ms(c)}/network, ${perLayer(c, Lc)}/layer vs ${perLayer(pair, L)}/layer at the EOC pair`,
    );
  }
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await benchGdStep()) console.log(line);
}
