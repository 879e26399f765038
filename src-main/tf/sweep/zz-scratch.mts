import { initBackend } from '../backend';
import { loadSweepData } from './datasets';
import { trainCell } from './train-cell';
await initBackend({ prefer: 'wasm' });
const ds = process.argv[2] ?? 'synthetic';
const d = ds === 'mnist' ? loadSweepData('mnist', 2000, 500, 7) : loadSweepData('synthetic', 512, 256, 7);
const act = (process.argv[3] ?? 'erf') as any;
const b2 = Number(process.argv[4] ?? 0.185);
for (const [s, L, rho] of [[1.5, 2, 0.3], [1.0, 40, 0.3], [1.76, 40, 0.3], [4, 40, 0.3], [4, 10, 0.3], [0.5, 10, 0.3], [2, 3, 20], [2, 3, 0.9], [1.5, 2, 5]]) {
  const r = await trainCell({ activation: act, sigmaB2: b2, width: 32, steps: 100, batchSize: 64, rho, seed: 7, sigmaW2: s, depth: L }, d);
  console.log(s, L, rho, r!.trainAccuracy.toFixed(3), r!.testAccuracy.toFixed(3), r!.trainLoss, r!.diverged, r!.steps, r!.etaTheory.toExponential(2), r!.seconds.toFixed(1));
}
