// Training throughput of the trainability sweeps (issue 5, performance): samples/s of one SGD step on a batch for
// each available tfjs backend (native tfjs-node / tfjs-node-gpu when installed, wasm, cpu) beside the plain
// typed-array float64 reference of the same step (src-main/tf/sweep/reference-sgd.ts), in the same run.
// Network: the default sweep's middle cell — MNIST-sized input n₀ = 784, M = 128, L = 8, 10 outputs, erf,
// σ_w² = 1.76, σ_b² = 0.185, NTK parametrization, batch B = 128. Each figure is the best of a few repeats.
// Run alone: npx tsx bench/trainability.ts
import * as tf from '@tensorflow/tfjs-core';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Rng } from '../src-shared/rng';
import { initBackend, type BackendName } from '../src-main/tf/backend';
import { makeOptimizer, Mlp } from '../src-main/tf/train/mlp';
import { referenceSgdStep, type ReferenceNet } from '../src-main/tf/sweep/reference-sgd';

const N0 = 784,
  M = 128,
  L = 8,
  B = 128,
  OUT = 10,
  LR = 1e-3;
const SPEC = { activation: 'erf' as const, sigmaW2: 1.76, sigmaB2: 0.185 };
const widths = [N0, ...new Array<number>(L - 1).fill(M), OUT];
const REPEATS = 3;

function batch(): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(1, 9);
  const x = new Float32Array(B * N0);
  rng.fillNormal(x, 1);
  const y = new Float32Array(B * OUT);
  for (let r = 0; r < B; r++) y[r * OUT + Math.floor(rng.uniform() * OUT)] = 1;
  return { x, y };
}

/** Best seconds per step over REPEATS runs of `steps` steps (a step that returns a promise is awaited). */
async function bestPerStep(step: () => unknown, steps: number): Promise<number> {
  await step(); // warm up (JIT, kernel compilation)
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) await step();
    best = Math.min(best, (performance.now() - t0) / 1000 / steps);
  }
  return best;
}

async function tfSecondsPerStep(x: Float32Array, y: Float32Array, steps: number): Promise<number> {
  const net = new Mlp({ widths, ...SPEC, parametrization: 'ntk', seed: 1 });
  const opt = makeOptimizer('sgd', LR);
  const xt = tf.tensor2d(x, [B, N0]);
  const yt = tf.tensor2d(y, [B, OUT]);
  try {
    // the step resolves with its loss read back: the timing includes the read, as the sweeps' steps do
    return await bestPerStep(() => net.trainStep(opt, xt, yt, 'mse'), steps);
  } finally {
    tf.dispose([xt, yt]);
    opt.dispose();
    net.dispose();
  }
}

function referenceSecondsPerStep(x: Float32Array, y: Float32Array): Promise<number> {
  const rng = new Rng(1, 0);
  const net: ReferenceNet = { widths, ...SPEC, V: [], beta: [] };
  for (let l = 1; l < widths.length; l++) {
    const v = new Float64Array(widths[l] * widths[l - 1]);
    rng.fillNormal(v, 1);
    const b = new Float64Array(widths[l]);
    rng.fillNormal(b, 1);
    net.V.push(v);
    net.beta.push(b);
  }
  return bestPerStep(() => void referenceSgdStep(net, x, y, B, LR), 1);
}

export async function benchTrainability(): Promise<string[]> {
  const lines: string[] = [];
  lines.push(
    `trainability: one SGD step, n₀ = ${N0}, M = ${M}, L = ${L}, B = ${B}, erf; best of ${REPEATS}; load average ${loadavg()[0].toFixed(2)}`,
  );
  const { x, y } = batch();
  const refSeconds = await referenceSecondsPerStep(x, y);
  lines.push(
    `  float64 typed-array reference: ${(B / refSeconds).toFixed(0)} samples/s (${(refSeconds * 1e3).toFixed(1)} ms/step)`,
  );
  const candidates: BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
  for (const name of candidates) {
    try {
      const info = await initBackend({ prefer: name });
      const seconds = await tfSecondsPerStep(x, y, name === 'cpu' ? 2 : 10);
      lines.push(
        `  ${name.padEnd(14)} ${info.device}: ${(B / seconds).toFixed(0)} samples/s (${(seconds * 1e3).toFixed(1)} ms/step) → ${(refSeconds / seconds).toFixed(2)}× the reference`,
      );
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).split('(')[0].trim();
      lines.push(`  ${name.padEnd(14)} not available: ${reason}`);
    }
  }
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await benchTrainability()) console.log(line);
}
