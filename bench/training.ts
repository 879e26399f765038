// Training throughput on the TF worker pool (issue 11): ms per SGD step and samples/s for each available backend,
// with 1 worker and with one per core, side by side, and the lab / PyTorch ratio when python3-torch is installed.
//   4-cell trainability case: MLP 784 → 128 × (L − 1) → 10, L ∈ {8, 16} × σ_w² ∈ {0.5, 4}, ReLU, NTK
//     parametrization, MSE, plain SGD, 100 steps of batch 128 on MNIST: the cells of ../shared/peers/
//     peer_train_torch.py (args 128 8,16 2 100 128), which this bench runs too.
//   train-dynamics reduced default: L = 20, M = 100, standard parametrization, Adam η = 1e-4, batch 100, one run
//     per σ_w² ∈ {1, 2, 2.2} (Seleznova & Kutyniok 2022, Fig. 4's values), 100 steps each (the default run has 300 and
// records Θ).
// Wall times include the pool's dispatch; each worker has loaded its data and run one warm-up step before.
// Run alone: npx tsx bench/training.ts
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BackendName } from '../src-main/tf/backend';
import { TfPool } from '../src-main/tf/tf-pool';
import { longestFirst } from '../src-shared/shard';
import { spawnWorker } from '../src-main/engine/spawn-worker';
import type { BenchTrainParams } from './training.task';

const TASKS = new URL('./training.task.ts', import.meta.url);
const CONTROL = new URL('./training.control.ts', import.meta.url);
// the repository's sibling ../shared (override: NTK_LAB_PEER_SCRIPT, e.g. from a git worktree)
const PEER =
  process.env.NTK_LAB_PEER_SCRIPT ?? fileURLToPath(new URL('../../shared/peers/peer_train_torch.py', import.meta.url));
const PEER_ARGS = ['128', '8,16', '2', '100', '128'];

interface Case {
  name: string;
  runs: BenchTrainParams[];
}

const CASES: Case[] = [
  {
    name: '4-cell trainability (L = 8, 16; M = 128; B = 128; 100 SGD steps)',
    runs: [0.5, 4].flatMap((sigmaW2) =>
      [8, 16].map((depth) => ({
        depth,
        width: 128,
        sigmaW2,
        sigmaB2: 0.185,
        parametrization: 'ntk' as const,
        optimizer: 'sgd' as const,
        lr: 1e-3,
        batch: 128,
        steps: 100,
      })),
    ),
  },
  {
    name: 'train-dynamics reduced default (L = 20, M = 100, B = 100, Adam; σ_w² = 1, 2, 2.2; 100 steps)',
    runs: [1, 2, 2.2].map((sigmaW2) => ({
      depth: 20,
      width: 100,
      sigmaW2,
      sigmaB2: 0,
      parametrization: 'standard' as const,
      optimizer: 'adam' as const,
      lr: 1e-4,
      batch: 100,
      steps: 100,
    })),
  },
];

interface Measured {
  wall: number;
  /** Each run's own seconds on its worker, in submission order. */
  runSeconds: number[];
  /** CPU time of this process (all worker threads) per step: per-core cost, little affected by other jobs. */
  cpuMsPerStep: number;
  samplesPerSecond: number;
  msPerStep: number;
  rss: number;
}

async function measure(pool: TfPool, c: Case): Promise<Measured> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // submitted as the sweeps submit their cells: costliest first (parallel.ts runCells)
  const runs = longestFirst(c.runs, (r) => r.depth * r.steps);
  const out = await Promise.all(runs.map((r) => pool.run<{ seconds: number; rss: number }>('bench-train', r)));
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const steps = c.runs.reduce((n, r) => n + r.steps, 0);
  const samples = c.runs.reduce((n, r) => n + r.steps * r.batch, 0);
  const busy = out.reduce((s, o) => s + o.seconds, 0);
  return {
    wall,
    runSeconds: out.map((o) => o.seconds),
    cpuMsPerStep: (cpu.user + cpu.system) / 1000 / steps,
    samplesPerSecond: samples / wall,
    msPerStep: (busy * 1000) / steps,
    rss: Math.max(...out.map((o) => o.rss)),
  };
}

/**
 * The best any pool of `workers` can do with these runs, from the 1-worker run's own times: the sum over the greedy
 * makespan of the same submission order (three equal runs on two workers: 1.5×, not 2×).
 */
function schedulingCeiling(runSeconds: number[], workers: number): number {
  const free = new Array<number>(workers).fill(0);
  for (const s of runSeconds) free[free.indexOf(Math.min(...free))] += s;
  return runSeconds.reduce((a, b) => a + b, 0) / Math.max(...free);
}

/** Every worker loads its data and runs one tiny step, so the timed runs see warm workers. */
async function warm(pool: TfPool, workers: number): Promise<void> {
  const tiny: BenchTrainParams = { ...CASES[0].runs[0], depth: 2, steps: 1 };
  await Promise.all(Array.from({ length: workers }, () => pool.run('bench-train', tiny)));
}

/** The first Python with torch: python3 on PATH, else the system's (Debian's python3-torch installs there). */
async function pythonWithTorch(): Promise<string | undefined> {
  for (const py of ['python3', '/usr/bin/python3']) {
    const ok = await new Promise<boolean>((resolve) => execFile(py, ['-c', 'import torch'], (err) => resolve(!err)));
    if (ok) return py;
  }
  return undefined;
}

async function peerSeconds(): Promise<{ seconds: number; threads: number } | string> {
  if (!existsSync(PEER)) return `peer script ${PEER} not found (set NTK_LAB_PEER_SCRIPT)`;
  const py = await pythonWithTorch();
  if (!py) return 'python3-torch is not installed (apt-get install python3-torch): no PyTorch ratio';
  return new Promise((resolve) => {
    execFile(py, [PEER, ...PEER_ARGS], { timeout: 300_000 }, (e, out) => {
      if (e) return resolve(`the PyTorch peer failed: ${e.message}`);
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as { seconds: number; threads: number });
    });
  });
}

/**
 * Control for the worker ratios: the same fixed busy loop in 1 and in `n` plain worker threads. On an idle machine
 * with n cores n threads give ≈ n× the throughput; when other processes hold the cores the pool cannot beat this.
 */
async function threadControl(n: number): Promise<number> {
  const code =
    "const { parentPort } = require('node:worker_threads'); let x = 0;" +
    'for (let i = 0; i < 2e8; i++) x += i % 7; parentPort.postMessage(x);';
  const wall = async (k: number) => {
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: k }, () => new Promise((res) => new Worker(code, { eval: true }).once('message', res))),
    );
    return performance.now() - t0;
  };
  const one = await wall(1);
  return (n * one) / (await wall(n));
}

/**
 * Control for the 4-cell case: the same runs trained in 1 and in `n` plain worker threads outside the pool (each
 * thread its share, dealt as the pool deals them), so what two cores give for this very work — shared caches, memory
 * bandwidth and clock included — is measured beside the pool's ratio. Returns the wall-time ratio.
 */
async function workloadControl(runs: BenchTrainParams[], n: number): Promise<number> {
  const wall = async (k: number) => {
    const shares = Array.from({ length: k }, (_, i) => runs.filter((_, j) => j % k === i));
    const workers = shares.map((share) => spawnWorker(CONTROL, share, 'ntk-lab-bench-control'));
    try {
      await Promise.all(workers.map((w) => new Promise((res, rej) => w.once('message', res).once('error', rej))));
      const t0 = performance.now();
      await Promise.all(
        workers.map((w) => {
          const done = new Promise((res, rej) => w.once('message', res).once('error', rej));
          w.postMessage('go');
          return done;
        }),
      );
      return performance.now() - t0;
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  };
  return (await wall(1)) / (await wall(n));
}

export async function benchTraining(): Promise<string[]> {
  const cores = availableParallelism();
  const lines = [`training on the TF worker pool, ${cores} cores; load average ${loadavg()[0].toFixed(2)}`];
  if (cores > 1)
    lines.push(
      `  control: a busy loop in ${cores} threads gives ${(await threadControl(cores)).toFixed(2)}× the throughput of 1 ` +
        `thread right now (the ceiling for any worker ratio below)`,
    );
  const best: Record<string, number> = {}; // case → best wall time of any backend / worker count
  const candidates: BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm'];
  for (const name of candidates) {
    const probe = new TfPool({ backend: name, workers: 1, taskModule: TASKS });
    let device: string;
    try {
      const info = await probe.backend();
      if (info.adapter?.software) {
        lines.push(`  ${name}: skipped — ${info.device} emulates the GPU on the CPU (slower than wasm)`);
        continue;
      }
      device = info.device;
    } catch (err) {
      lines.push(`  ${name}: not available — ${(err instanceof Error ? err.message : String(err)).split(' (')[0]}`);
      continue;
    } finally {
      await probe.close();
    }
    const counts = name === 'wasm' ? [...new Set([1, cores])] : [1];
    lines.push(`  ${name} · ${device}`);
    if (name === 'wasm' && cores > 1)
      lines.push(
        `    workload control: the 4-cell runs in ${cores} plain threads outside the pool give ` +
          `${(
            await workloadControl(
              longestFirst(CASES[0].runs, (r) => r.depth * r.steps),
              cores,
            )
          ).toFixed(2)}× ` +
          `the throughput of 1 thread (what ${cores} cores give for this work on this machine)`,
      );
    for (const c of CASES) {
      const row: Measured[] = [];
      for (const workers of counts) {
        const pool = new TfPool({ backend: name, workers, taskModule: TASKS });
        try {
          await pool.backend();
          await warm(pool, pool.size);
          row.push(await measure(pool, c));
        } finally {
          await pool.close();
        }
      }
      best[c.name] = Math.min(best[c.name] ?? Infinity, ...row.map((m) => m.wall));
      lines.push(`    ${c.name}`);
      row.forEach((m, i) =>
        lines.push(
          `      ${String(counts[i]).padStart(2)} worker${counts[i] > 1 ? 's' : ' '}: ${m.wall.toFixed(2)} s wall, ` +
            `${m.samplesPerSecond.toFixed(0)} samples/s, ${m.msPerStep.toFixed(1)} ms/step per worker ` +
            `(${m.cpuMsPerStep.toFixed(1)} ms CPU), ` +
            `process RSS ${(m.rss / 2 ** 20).toFixed(0)} MiB`,
        ),
      );
      if (row.length > 1)
        lines.push(
          `      ${counts.at(-1)} workers / 1 worker: ${(row[0].wall / row.at(-1)!.wall).toFixed(2)}× the throughput ` +
            `(ceiling for these runs on ${counts.at(-1)} workers: ` +
            `${schedulingCeiling(row[0].runSeconds, counts.at(-1)!).toFixed(2)}×; issue target ≥ 1.8× on 2 cores)`,
        );
    }
  }
  const peer = await peerSeconds();
  if (typeof peer === 'string') lines.push(`  PyTorch: skipped — ${peer}`);
  else {
    const lab = best[CASES[0].name];
    lines.push(
      `  PyTorch ${PEER_ARGS.join(' ')} (${peer.threads} thread${peer.threads > 1 ? 's' : ''}): ${peer.seconds.toFixed(2)} s; ` +
        `lab best ${lab.toFixed(2)} s → lab / PyTorch throughput ${(peer.seconds / lab).toFixed(2)}× (target ≥ 0.5×)`,
    );
  }
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await benchTraining()) console.log(line);
}
