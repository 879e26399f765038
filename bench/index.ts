// `npm run bench`: every performance target of the issues, measured side by side in one run, printed as ratios.
import { loadavg } from 'node:os';
import { benchPlane } from './plane';
import { benchSamplers } from './samplers';
import { benchLive } from './live';
import { benchPresets } from './presets';
import { benchDenseNtk } from './dense-ntk';
import { benchGdStep } from './gd-step';
import { benchMeanfield } from './meanfield';
import { benchTrainability } from './trainability';
import { benchFreezeChaos } from './freeze-chaos';
import { benchDks } from './dks';
import { benchCollapse } from './collapse';
import { benchTraining } from './training';
import { benchConcurrent } from './concurrent';
import { benchTrustMap } from './trust-map';
import { benchBrowser } from './browser';

console.log(
  `NTK Phase Lab benchmarks — ${new Date().toISOString()}, load average ${loadavg()[0].toFixed(2)} (figures degrade under load)\n`,
);
const sections: ReadonlyArray<[string, () => Promise<string[]>]> = [
  ['plane re-render', benchPlane],
  ['samplers', benchSamplers],
  ['live cursor', benchLive],
  ['concurrent jobs', benchConcurrent],
  ['Explore in the browser (step latency, drag long tasks)', benchBrowser],
  ['paper-figure presets', benchPresets],
  ['dense NTK per backend', benchDenseNtk],
  ['first GD step', benchGdStep],
  ['mean-field theory', () => benchMeanfield()],
  ['training throughput', benchTrainability],
  ['freeze and chaos', benchFreezeChaos],
  ['deep kernel shaping', benchDks],
  ['collapse simulator', benchCollapse],
  ['training on the worker pool, per backend, vs PyTorch', benchTraining],
  ['NTK trust map, CPU default', benchTrustMap],
];
// `npm run bench -- trust GD`: only the sections whose name contains one of the words (case-insensitive)
const only = process.argv.slice(2).map((w) => w.toLowerCase());
const chosen = sections.filter(([name]) => only.length === 0 || only.some((w) => name.toLowerCase().includes(w)));
if (chosen.length === 0) throw new Error(`no bench section matches ${only.join(', ')}`);
for (const [name, run] of chosen) {
  const t0 = performance.now();
  for (const line of await run()) console.log(line);
  console.log(`  (${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}
