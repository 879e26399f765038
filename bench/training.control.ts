// Worker entry of bench/training.ts's workload control: the 4-cell case's runs trained in a plain worker thread,
// outside the TF pool (no host, queue or messages per run). Started by `workloadControl`; waits for 'go' after its
// warm-up so that all copies start together, then posts the seconds its runs took.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../src-main/tf/backend';
import { tasks, type BenchTrainParams } from './training.task';

const runs = workerData as BenchTrainParams[];
const train = (r: BenchTrainParams) => tasks['bench-train'](r, {} as never);
await initBackend({ prefer: 'wasm' });
await train({ ...runs[0], depth: 2, steps: 1 });
parentPort!.postMessage('ready');
parentPort!.once('message', async () => {
  const t0 = performance.now();
  for (const r of runs) await train(r);
  parentPort!.postMessage((performance.now() - t0) / 1000);
});
