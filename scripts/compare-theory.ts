// Theory vs measurement across the plane (issue 3's scientific result): the exact sampler's dispersion against
// the exact finite-network moments (docs/exact-moments.md), Thm 3.2 (finite width, proof-consistent eq. 13) and
// Thm 3.1 (limit). Each point is measured with R independent
// seeds, so the spread of the estimate across seeds (an honest error bar even for heavy-tailed Θ) can be set
// beside the bootstrap SE that one run reports. Prints Markdown; docs/theory-vs-measurement.md discusses a run.
// Usage: npx tsx scripts/compare-theory.ts [--samples N] [--replicates R] [--seed s]
import { parseArgs } from 'node:util';
import { LabService } from '../src-main/service/lab-service';
import { predictPoint } from '../src-shared/theory';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '40000' },
    replicates: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1000' },
  },
});
const samples = Number(values.samples),
  replicates = Number(values.replicates),
  seed = Number(values.seed);
if (![samples, replicates, seed].every(Number.isInteger) || samples < 3 || replicates < 2 || seed < 0) {
  console.error('usage: compare-theory [--samples N ≥ 3] [--replicates R ≥ 2] [--seed s ≥ 0]');
  process.exit(2);
}

const widths = [100, 200, 500];
const sigmas = [1.5, 1.9, 2.0, 2.5];
const lambdas = [0.1, 0.25, 0.5, 1.0];
const fmt = (x: number) => x.toPrecision(4);

const service = new LabService();
await service.warmUp();
const t0 = performance.now();
console.log(
  '| M | σ_w² | L (λ) | mean of R estimates ± spread/√R | median bootstrap SE × √(1/R) | median of R | tail share | exact | Thm 3.2 | Thm 3.1 | (mean − exact)/(spread/√R) | Thm 3.2/exact − 1 |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const width of widths) {
  for (const sigmaW2 of sigmas) {
    for (const lambda of lambdas) {
      const depth = Math.max(1, Math.round(lambda * width));
      const est: number[] = [],
        se: number[] = [],
        tail: number[] = [];
      for (let r = 0; r < replicates; r++) {
        const res = await service.measure({
          sigmaW2,
          depth,
          width,
          inputDim: width,
          samples,
          seed: seed + r,
          method: 'exact',
        });
        est.push(res.dispersion.estimate);
        se.push(res.dispersion.stderr);
        tail.push(res.tailShare);
      }
      const mean = est.reduce((a, b) => a + b, 0) / replicates;
      const spread = Math.sqrt(est.reduce((a, b) => a + (b - mean) ** 2, 0) / (replicates - 1));
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const p = predictPoint({ sigmaW2, depth, width, inputDim: width });
      console.log(
        `| ${width} | ${sigmaW2} | ${depth} (${lambda}) | ${fmt(mean)} ± ${(spread / Math.sqrt(replicates)).toPrecision(2)} | ` +
          `${(median(se) / Math.sqrt(replicates)).toPrecision(2)} | ${fmt(median(est))} | ${median(tail).toFixed(2)} | ` +
          `${fmt(p.dispersion.exact)} | ${fmt(p.dispersion.finite)} | ${fmt(p.dispersion.limit)} | ` +
          `${((mean - p.dispersion.exact) / (spread / Math.sqrt(replicates))).toFixed(1)} | ${(100 * (p.dispersion.finite / p.dispersion.exact - 1)).toFixed(1)} % |`,
      );
    }
  }
}
console.log(
  `\nN = ${samples} networks per run, R = ${replicates} runs (seeds ${seed}…${seed + replicates - 1}) per point, α₀ = 1; ` +
    `${((performance.now() - t0) / 1000).toFixed(0)} s on ${service.info('in-process').workers} workers.`,
);
await service.close();
