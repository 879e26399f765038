// `ntk-lab lr-sweep`: the learning-rate sweep (seed 001 §5, Fig. 2) run headless: for each depth, one network per
// ρ trained with SGD at η = ρ·η_theory, η_theory = 2B/λ_max of the infinite-width NTK on the first batch.
// JSON contract (--json; add fields, never rename): one line per finished point
//   {"kind":"point", depth, rho, lr, etaTheory, trainAccuracy, testAccuracy, trainLoss, diverged, seconds}
// (src-shared/contract/lr-sweep.ts lrSweepPointSchema), then one summary line
//   {"kind":"summary", status, points, diverged, seconds, backend, device, params}.
import { parseLrSweepParams, type LrSweepPoint } from '../../../src-shared/contract/lr-sweep';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliCommand, type CliIo } from '../command';
import { flagCopier, optionalString, parseFlags, parseInteger, parseNumber, parseTfWorkersFlag } from '../args';
import { fmt, jsonLine } from '../format';

const FLAGS = {
  activation: { type: 'string' },
  'sigma-w2': { type: 'string' },
  'sigma-b2': { type: 'string' },
  width: { type: 'string' },
  depths: { type: 'string' },
  rhos: { type: 'string' },
  steps: { type: 'string' },
  'batch-size': { type: 'string' },
  dataset: { type: 'string' },
  'train-size': { type: 'string' },
  'test-size': { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  workers: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** "v1,v2,…" as numbers (integers for depths). */
function parseList(flag: string, text: string, integer: boolean): number[] {
  return text.split(',').map((t) => (integer ? parseInteger(flag, t.trim()) : parseNumber(flag, t.trim())));
}

function parseCommand(args: string[]): {
  sweep: Record<string, unknown>;
  backend: string;
  workers?: number;
  json: boolean;
} {
  const v = parseFlags(args, FLAGS);
  const sweep: Record<string, unknown> = {};
  const { text: str, number: num } = flagCopier(v, sweep);
  str('activation', 'activation');
  str('dataset', 'dataset');
  num('sigma-w2', 'sigmaW2');
  num('sigma-b2', 'sigmaB2');
  num('width', 'width', true);
  num('steps', 'steps', true);
  num('batch-size', 'batchSize', true);
  num('train-size', 'trainSize', true);
  num('test-size', 'testSize', true);
  num('seed', 'seed', true);
  const depths = optionalString(v, 'depths');
  if (depths !== undefined) sweep.depths = parseList('depths', depths, true);
  const rhos = optionalString(v, 'rhos');
  if (rhos !== undefined) sweep.rhos = parseList('rhos', rhos, false);
  const backend = optionalString(v, 'backend') ?? 'auto';
  return { sweep, backend, workers: parseTfWorkersFlag(v), json: v.json === true };
}

function pointLine(p: LrSweepPoint): string {
  const acc = p.diverged
    ? 'diverged'
    : `train ${(100 * p.trainAccuracy).toFixed(1)} %  test ${(100 * p.testAccuracy).toFixed(1)} %`;
  return `  L = ${p.depth}, ρ = ${fmt(p.rho)} (η = ${fmt(p.lr)}): ${acc}  (${p.seconds.toFixed(1)} s)\n`;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { sweep: raw, backend, workers, json } = parseCommand(args);
  let params;
  try {
    params = parseLrSweepParams(raw);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  // loaded here so that --help and the other commands do not load TensorFlow.js
  const { isBackendChoice, BACKEND_CHOICES_TEXT } = await import('../../tf/backend');
  const { TfPool } = await import('../../tf/tf-pool');
  const { runLrSweepParallel } = await import('../../tf/sweep/parallel');
  if (!isBackendChoice(backend))
    throw new UsageError(`--backend: expected ${BACKEND_CHOICES_TEXT}, got ${JSON.stringify(backend)}`);
  // the (depth, ρ) points train in parallel on TF worker threads (one per core on wasm)
  const pool = new TfPool({ backend, workers });
  let info;
  try {
    info = await pool.backend();
  } catch (err) {
    io.stderr(`ntk-lab lr-sweep: ${(err as Error).message}\n`);
    await pool.close();
    return EXIT_FAILED;
  }
  io.stderr(`backend: ${info.name} — ${info.device}; ${pool.size} worker${pool.size > 1 ? 's' : ''}\n`);
  const t0 = performance.now();
  let result;
  try {
    result = await runLrSweepParallel(
      params,
      (p, o) => pool.run('train-cell', p, o),
      (p) => io.stdout(json ? jsonLine({ kind: 'point', ...p }) : pointLine(p)),
      { signal: io.signal },
    );
  } catch (err) {
    io.stderr(`ntk-lab lr-sweep: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILED;
  } finally {
    await pool.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const diverged = result.points.filter((p) => p.diverged).length;
  if (json)
    io.stdout(
      jsonLine({
        kind: 'summary',
        status: result.status,
        points: result.points.length,
        diverged,
        seconds,
        backend: info.name,
        device: info.device,
        ...(info.adapter ? { adapter: info.adapter } : {}), // webgpu: vendor, architecture, description
        params,
      }),
    );
  else {
    const total = params.depths.length * params.rhos.length;
    io.stdout(
      `Learning-rate sweep: ${result.points.length} of ${total} networks trained (${diverged} diverged) in ${seconds.toFixed(1)} s\n`,
    );
  }
  if (result.status === 'cancelled') {
    io.stderr(
      `ntk-lab lr-sweep: stopped after ${result.points.length} networks (nothing is stored: run the command again)\n`,
    );
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

export const command: CliCommand = {
  name: 'lr-sweep',
  summary: 'train networks at η = ρ·η_theory over depths and ρ, and print train/test accuracy (seed 001 Fig. 2)',
  usage: `Usage: ntk-lab lr-sweep [--activation <φ>] [--sigma-w2 <v>] [--sigma-b2 <v>] [--width <M>]
                        [--depths <L1,L2,…>] [--rhos <ρ1,ρ2,…>] [--steps <T>] [--batch-size <B>]
                        [--dataset mnist|synthetic] [--train-size <n>] [--test-size <n>] [--seed <s>]
                        [--backend <b>] [--json]

Seed 001 §5 ("Maximum learning rates", Fig. 2): for each depth L and each ρ (ascending), trains one fully connected
network (L weight layers of width M, NTK parametrization, 10 outputs, MSE on one-hot targets) with plain SGD at
η = ρ·η_theory, η_theory = 2B/λ_max of the infinite-width NTK of the first batch, and prints its final train and test
accuracy (seed 001 reports the best during training). ρ = 1 is the theory's largest convergent rate. The defaults
are a reduced-size replica (erf, σ_w² = 1.5, σ_b² = 0.185, M = 128, L ∈ {2, 8, 16}, 7 values of ρ, 100 steps on
1,000 MNIST digits) that takes under a minute on a 2-core CPU. Ctrl-C stops after the current SGD step.

  --activation <φ>     erf (default), relu, tanh, gelu, linear
  --sigma-w2 <v>       weight variance σ_w² (default 1.5)
  --sigma-b2 <v>       bias variance σ_b² (default 0.185)
  --width <M>          hidden width (default 128)
  --depths <list>      depths L, comma-separated (default 2,8,16)
  --rhos <list>        ρ = η/η_theory values, comma-separated (default 0.1,0.3,1,2,3,5,10)
  --steps <T>          SGD steps per network (default 100)
  --batch-size <B>     minibatch size (default 128)
  --dataset <d>        mnist (default; the mnist package, split by seed) or synthetic (10-class Gaussian mixture)
  --train-size <n>     training samples (default 1000); --test-size <n> test samples (default 500)
  --seed <s>           seed of data split, init and minibatch order (default 0)
  --backend <b>        auto (default: tfjs-node-gpu → webgpu (a hardware GPU) → tfjs-node →
                       wasm → cpu), or one of them (webgpu also on a software adapter)
  --workers <n>        TensorFlow.js workers training networks in parallel (default: one per core; 1 on a
                       native or GPU backend, which uses the whole device itself)
  --json               one JSON line per network {"kind":"point", depth, rho, lr, etaTheory, trainAccuracy,
                       testAccuracy, trainLoss, diverged, seconds}, then {"kind":"summary", status, points,
                       diverged, seconds, backend, device, params} (+ adapter on webgpu)

The backend is printed on stderr. Exit code 1 when stopped early.`,
  run,
};
