// Collapse simulator benchmark (thesis §3.3 issue): one 400-time-unit run of the block-structured flow
// (C = 4, m = 6, n = 8, κ = (1, 0.6, 0.1), 100 trace points) from each start, against the 1 s target. The default
// integrator (Rodas5P) runs side by side with the explicit ODEX it replaced, alternating, so the ratio holds under
// load even when the absolute times do not. Run alone: npx tsx bench/collapse.ts
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { CollapseSimResult } from '../src-shared/contract/collapse-sim';
import { simulateCollapse, type CollapseIntegratorChoice } from '../src-shared/theory/collapse/simulate';

const TARGET_MS = 1000;
/** Alternating rounds per start; the median of each integrator's times is reported. */
const ROUNDS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchCollapse(): Promise<string[]> {
  const lines = [
    `collapse simulator: t ∈ [0, 400], C = 4, m = 6, n = 8 (target < ${TARGET_MS} ms per run; ` +
      `load average ${loadavg()[0].toFixed(2)}; median of ${ROUNDS} alternating runs)`,
  ];
  for (const init of ['random', 'aligned'] as const) {
    const params = { classes: 4, perClass: 6, features: 8, kappaD: 1, kappaC: 0.6, kappaN: 0.1, init, tMax: 400 };
    const choices: CollapseIntegratorChoice[] = ['auto', 'odex'];
    const times = new Map<CollapseIntegratorChoice, number[]>(choices.map((c) => [c, []]));
    const results = new Map<CollapseIntegratorChoice, CollapseSimResult>();
    for (const c of choices) simulateCollapse({ ...params, tMax: 1 }, c); // warm the JIT
    for (let round = 0; round < ROUNDS; round++)
      for (const c of choices) {
        const t0 = performance.now();
        results.set(c, simulateCollapse(params, c));
        times.get(c)!.push(performance.now() - t0);
      }
    const ms = median(times.get('auto')!),
      odexMs = median(times.get('odex')!);
    const r = results.get('auto')!,
      o = results.get('odex')!;
    const verdict =
      ms <= TARGET_MS ? `${(TARGET_MS / ms).toFixed(1)}× under target` : `${(ms / TARGET_MS).toFixed(1)}× OVER target`;
    lines.push(
      `  ${init.padEnd(7)} ${r.integrator.method.split(' ')[0]} ${ms.toFixed(0)} ms → ${verdict}; ` +
        `${(odexMs / ms).toFixed(1)}× faster than ODEX (${odexMs.toFixed(0)} ms)`,
      `          ${r.integrator.steps} vs ${o.integrator.steps} steps, ${r.integrator.evaluations} vs ` +
        `${o.integrator.evaluations} evaluations; invariant drift ${r.final.invariantDrift.toExponential(1)} vs ` +
        `${o.final.invariantDrift.toExponential(1)}; NC2 ${r.final.nc2.toExponential(2)} vs ${o.final.nc2.toExponential(2)}`,
    );
  }
  return lines;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  for (const line of await benchCollapse()) console.log(line);
}
