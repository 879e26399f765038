// Collapse simulator benchmark (thesis §3.3 issue): one 400-time-unit run of the block-structured flow
// (C = 4, m = 6, n = 8, κ = (1, 0.6, 0.1), 100 trace points) from each start, against the 1 s target.
// Run alone: npx tsx bench/collapse.ts
import { pathToFileURL } from 'node:url';
import { simulateCollapse } from '../src-shared/theory/collapse/simulate';

const TARGET_MS = 1000;

export async function benchCollapse(): Promise<string[]> {
  const lines = [`collapse simulator: t ∈ [0, 400], C = 4, m = 6, n = 8 (target < ${TARGET_MS} ms per run)`];
  for (const init of ['aligned', 'random'] as const) {
    const params = { classes: 4, perClass: 6, features: 8, kappaD: 1, kappaC: 0.6, kappaN: 0.1, init, tMax: 400 };
    simulateCollapse({ ...params, tMax: 1 }); // warm the JIT
    const t0 = performance.now();
    const r = simulateCollapse(params);
    const ms = performance.now() - t0;
    const verdict =
      ms <= TARGET_MS ? `${(TARGET_MS / ms).toFixed(1)}× under target` : `${(ms / TARGET_MS).toFixed(1)}× OVER target`;
    lines.push(
      `  ${init.padEnd(7)} ${ms.toFixed(0)} ms → ${verdict} (${r.integrator.steps} steps, ${r.integrator.evaluations} ` +
        `evaluations; invariant drift ${r.final.invariantDrift.toExponential(1)}, NC2 ${r.final.nc2.toExponential(1)})`,
    );
  }
  return lines;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  for (const line of await benchCollapse()) console.log(line);
}
