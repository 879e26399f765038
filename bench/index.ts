// `npm run bench`: every performance target of the issues, measured side by side in one run, printed as ratios.
import { loadavg } from 'node:os';
import { existsSync } from 'node:fs';
import { benchPlane } from './plane';
import { benchSamplers } from './samplers';
import { benchLive } from './live';

console.log(`NTK Phase Lab benchmarks — ${new Date().toISOString()}, load average ${loadavg()[0].toFixed(2)} (figures degrade under load)\n`);
const sections: Array<[string, () => Promise<string[]>]> = [
  ['plane re-render', benchPlane],
  ['samplers', benchSamplers],
  ['live cursor', benchLive],
];
// The paper-figure presets benchmark lands with the presets panel.
if (existsSync(new URL('./presets.ts', import.meta.url))) {
  const { benchPresets } = (await import('./presets')) as { benchPresets: () => Promise<string[]> };
  sections.push(['paper-figure presets', benchPresets]);
}
for (const [name, run] of sections) {
  const t0 = performance.now();
  for (const line of await run()) console.log(line);
  console.log(`  (${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}
