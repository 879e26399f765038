// Freeze-and-chaos benchmark (issue 13 targets): theory curves for any activation in < 50 ms per plot, and the
// measured ϑ at M = 256, L = 20, N = 2,000 networks in < 2 s on 2 cores: the closed-form sampler (freeze-chaos-fast.ts)
// on one thread beside the generic lazy sampler it replaced (ratio from the same run), then the job as the lab runs
// it, runFreezeChaos on a 2-worker pool (wall time; CPU time is printed for the one-thread runs since load inflates
// wall time). Plots: the kernel on the circle at L = 6
// (181 angles), mean ϑ over the circle vs depth 1..100 (256 angles, Fig. 1 right), and the (β, L) plane at ρ = 0
// (100 β × depths 1..50). Activations without a closed form build their Chebyshev table on first use (one-time,
// reported separately). Run alone: npx tsx bench/freeze-chaos.ts
import { pathToFileURL } from 'node:url';
import { cpuUsage } from 'node:process';
import {
  circleMeanVartheta,
  freezeChaosModel,
  ntkRecursion,
  varthetaVsAngle,
  type NonlinearityMode,
} from '../src-shared/theory/freeze-chaos/index';
import { FreezeChaosPairSampler, measureFreezeChaos } from '../src-main/engine/freeze-chaos-sampler';
import { FreezeChaosFastSampler, inlineFor } from '../src-main/engine/freeze-chaos-fast';
import { WorkerPool } from '../src-main/engine/worker-pool';
import { runFreezeChaos } from '../src-main/service/freeze-chaos-run';

const PLOT_TARGET_MS = 50;
const MEASURED_TARGET_MS = 2000;

function timed<T>(run: () => T): { ms: number; cpuMs: number; value: T } {
  const c0 = cpuUsage();
  const t0 = performance.now();
  const value = run();
  const c = cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, value };
}

const vs = (ms: number, target: number) =>
  ms <= target ? `${(target / ms).toFixed(1)}× under target` : `${(ms / target).toFixed(1)}× OVER target`;

export async function benchFreezeChaos(): Promise<string[]> {
  const lines = [
    `freeze and chaos: theory plots (target < ${PLOT_TARGET_MS} ms each), measured ϑ (target < ${MEASURED_TARGET_MS} ms)`,
  ];
  const cosines = Float64Array.from({ length: 181 }, (_, i) => Math.cos((Math.PI * i) / 180));
  const betas = Float64Array.from({ length: 100 }, (_, i) => (i + 0.5) / 100);
  for (const activation of ['relu', 'erf', 'tanh', 'gelu', 'selu', 'sigmoid', 'elu', 'softplus']) {
    const mode: NonlinearityMode = 'normalized';
    const build = timed(() => freezeChaosModel({ activation, nonlinearity: mode, beta: 0.1 }).dual.R(0.5));
    const model = freezeChaosModel({ activation, nonlinearity: mode, beta: 0.1 });
    const circle = timed(() => varthetaVsAngle(model, cosines, 6));
    const mean = timed(() => circleMeanVartheta(model, 100, 256));
    const plane = timed(() => {
      let s = 0;
      for (const beta of betas)
        s += ntkRecursion(freezeChaosModel({ activation, nonlinearity: mode, beta }), 0, 50).vartheta[49];
      return s;
    });
    const worst = Math.max(circle.ms, mean.ms, plane.ms);
    lines.push(
      `  ${activation.padEnd(8)} (${model.dual.method}) circle ${circle.ms.toFixed(1)} ms, mean-vs-depth ${mean.ms.toFixed(1)} ms, (β, L) plane ${plane.ms.toFixed(1)} ms → ${vs(worst, PLOT_TARGET_MS)}; one-time table ${build.ms.toFixed(0)} ms`,
    );
  }
  const pool = new WorkerPool({ workers: 2 });
  try {
    // start both workers before timing (a worker's start-up is not the sampler's cost)
    const warm = { activation: 'relu', nonlinearity: 'normalized' as const, beta: 0.3, cos: 0.5, width: 8, seed: 1 };
    await runFreezeChaos(pool, { ...warm, depths: [2], samples: 2000 }, () => {});
    for (const activation of ['relu', 'tanh', 'erf'] as const) {
      const { nl } = freezeChaosModel({ activation, nonlinearity: 'normalized', beta: 0.3 });
      const net = {
        sigma: nl.sigma,
        dsigma: nl.dsigma,
        sigmaDsigma: nl.sigmaDsigma,
        inline: inlineFor(nl),
        beta: 0.3,
        depth: 20,
        width: 256,
        cos: 0.5,
      };
      // the generic sampler on 500 networks (scaled to 2000: its cost is linear in N), the new one on 2000
      const old = timed(() => measureFreezeChaos(net, 500, 1, (n, r) => new FreezeChaosPairSampler(n, r)));
      const fast = timed(() => measureFreezeChaos(net, 2000, 1, (n, r) => new FreezeChaosFastSampler(n, r)));
      const oldCpu = 4 * old.cpuMs;
      const params = {
        activation,
        nonlinearity: 'normalized' as const,
        beta: 0.3,
        depths: [20],
        cos: 0.5,
        width: 256,
        samples: 2000,
        seed: 1,
      };
      const t0 = performance.now();
      const [pt] = await runFreezeChaos(pool, params, () => {});
      const poolMs = performance.now() - t0;
      lines.push(
        `  measured ϑ, normalized ${activation}, M = 256, L = 20, N = 2000: one thread ${fast.cpuMs.toFixed(0)} ms CPU` +
          ` vs generic lazy sampler ${oldCpu.toFixed(0)} ms CPU (${(oldCpu / fast.cpuMs).toFixed(1)}× faster);` +
          ` 2-worker pool ${poolMs.toFixed(0)} ms wall → ${vs(poolMs, MEASURED_TARGET_MS)};` +
          ` ϑ = ${pt.vartheta.estimate.toFixed(4)} ± ${pt.vartheta.stderr.toFixed(4)}`,
      );
    }
  } finally {
    await pool.close();
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await benchFreezeChaos()) console.log(line);
}
