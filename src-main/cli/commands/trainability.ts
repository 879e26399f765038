// `ntk-lab trainability`: a trainability sweep (seed 001 Fig. 3 top) run headless into a resumable store directory.
// JSON contract (--json; add fields, never rename): one line per cell finished by this run,
//   {"kind":"cell", sigmaW2, depth, depthToWidth, width, lr, etaTheory, trainAccuracy, testAccuracy, trainLoss, steps,
// diverged, seconds}
// then one summary line
//   {"kind":"summary", dir, identity, total, done, resumed, trained, diverged, status, seconds, backend, device}.
import {
  parseTrainabilityParams,
  type AxisSpec,
  type TrainabilityProgress,
  type TrainabilitySummary,
} from '../../../src-shared/contract/trainability';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliCommand, type CliIo } from '../command';
import {
  flagCopier,
  optionalString,
  parseFlags,
  parseInteger,
  parseNumber,
  parseTfWorkersFlag as parseWorkersFlag,
  requireString,
} from '../args';
import { fmt, jsonLine } from '../format';

const FLAGS = {
  out: { type: 'string' },
  activation: { type: 'string' },
  width: { type: 'string' },
  'sigma-w2': { type: 'string' },
  depth: { type: 'string' },
  'depth-to-width': { type: 'string' },
  steps: { type: 'string' },
  'batch-size': { type: 'string' },
  'sigma-b2': { type: 'string' },
  rho: { type: 'string' },
  dataset: { type: 'string' },
  'train-size': { type: 'string' },
  'test-size': { type: 'string' },
  seed: { type: 'string' },
  'paper-size': { type: 'boolean' },
  backend: { type: 'string' },
  workers: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** "min:max:count" (count evenly spaced values, ends included) or "v1,v2,…". */
export function parseAxis(flag: string, text: string): AxisSpec {
  if (text.includes(':')) {
    const parts = text.split(':');
    if (parts.length !== 3)
      throw new UsageError(`--${flag}: expected min:max:count or a comma list, got ${JSON.stringify(text)}`);
    return { min: parseNumber(flag, parts[0]), max: parseNumber(flag, parts[1]), count: parseInteger(flag, parts[2]) };
  }
  return { values: text.split(',').map((v) => parseNumber(flag, v.trim())) };
}

function parseCommand(args: string[]): {
  sweep: Record<string, unknown>;
  dir: string;
  backend: string;
  workers?: number;
  json: boolean;
} {
  const v = parseFlags(args, FLAGS);
  const dir = requireString(v, 'out');
  const sweep: Record<string, unknown> = {};
  const { text: str, number: num } = flagCopier(v, sweep);
  str('activation', 'activation');
  str('dataset', 'dataset');
  num('width', 'width', true);
  num('steps', 'steps', true);
  num('batch-size', 'batchSize', true);
  num('sigma-b2', 'sigmaB2');
  num('rho', 'rho');
  num('train-size', 'trainSize', true);
  num('test-size', 'testSize', true);
  num('seed', 'seed', true);
  if (v['paper-size'] === true) sweep.paperSize = true;
  const sw = optionalString(v, 'sigma-w2');
  const depth = optionalString(v, 'depth');
  const lambda = optionalString(v, 'depth-to-width');
  if (depth !== undefined && lambda !== undefined)
    throw new UsageError('--depth and --depth-to-width both set the y axis: give one of them');
  if (sw !== undefined || depth !== undefined || lambda !== undefined) {
    // a partial grid keeps the default of the other axis
    const grid: Record<string, AxisSpec> = {};
    grid.sigmaW2 = sw !== undefined ? parseAxis('sigma-w2', sw) : { min: 0.5, max: 4, count: 8 };
    if (lambda !== undefined) grid.depthToWidth = parseAxis('depth-to-width', lambda);
    else grid.depth = depth !== undefined ? parseAxis('depth', depth) : { values: [2, 4, 8, 16, 24, 32] };
    if (sweep.paperSize === true && (sw === undefined || (depth === undefined && lambda === undefined))) {
      throw new UsageError(
        '--paper-size with a partial grid: give both --sigma-w2 and --depth (or --depth-to-width), or neither',
      );
    }
    sweep.grid = grid;
  }
  const backend = optionalString(v, 'backend') ?? 'auto';
  return { sweep, dir, backend, workers: parseWorkersFlag(v), json: v.json === true };
}

function cellLine(p: TrainabilityProgress): string {
  const c = p.cell;
  const acc = c.diverged
    ? 'diverged'
    : `train ${(100 * c.trainAccuracy).toFixed(1)} %  test ${(100 * c.testAccuracy).toFixed(1)} %`;
  return `  [${p.done}/${p.total}] σ_w² = ${fmt(c.sigmaW2)}, L = ${c.depth}: ${acc}  (η = ${fmt(c.lr)}, ${c.seconds.toFixed(1)} s)\n`;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { sweep: raw, dir, backend, workers, json } = parseCommand(args);
  let params;
  try {
    params = parseTrainabilityParams(raw);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  // loaded here so that --help and the other commands do not load TensorFlow.js
  const { isBackendChoice, BACKEND_CHOICES_TEXT } = await import('../../tf/backend');
  const { TfPool } = await import('../../tf/tf-pool');
  const { runSweepParallel } = await import('../../tf/sweep/parallel');
  const { checkedSweepGrid } = await import('../../tf/sweep/grid');
  if (!isBackendChoice(backend))
    throw new UsageError(`--backend: expected ${BACKEND_CHOICES_TEXT}, got ${JSON.stringify(backend)}`);
  try {
    checkedSweepGrid(params);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  // the cells train in parallel on TF worker threads (one per core on wasm); this process writes the store
  const pool = new TfPool({ backend, workers });
  let info;
  try {
    info = await pool.backend();
  } catch (err) {
    io.stderr(`ntk-lab trainability: ${(err as Error).message}\n`);
    await pool.close();
    return EXIT_FAILED;
  }
  io.stderr(`backend: ${info.name} — ${info.device}; ${pool.size} worker${pool.size > 1 ? 's' : ''}\n`);
  let summary: TrainabilitySummary;
  try {
    summary = await runSweepParallel(
      params,
      dir,
      (p, o) => pool.run('train-cell', p, o),
      (p) => (json ? io.stdout(jsonLine({ kind: 'cell', ...p.cell })) : io.stdout(cellLine(p))),
      { signal: io.signal },
    );
  } catch (err) {
    // bad grid sizes, or another sweep's params in this directory (SweepStoreError): the user's input
    if (err instanceof RangeError || (err instanceof Error && err.name === 'SweepStoreError'))
      throw new UsageError(err.message);
    io.stderr(`ntk-lab trainability: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILED;
  } finally {
    await pool.close();
  }
  if (json) {
    const adapter = info.adapter ? { adapter: info.adapter } : {}; // webgpu: vendor, architecture, description
    io.stdout(jsonLine({ kind: 'summary', ...summary, backend: info.name, device: info.device, ...adapter }));
  } else {
    io.stdout(
      `Trainability sweep in ${summary.dir}: ${summary.done} of ${summary.total} cells stored (${summary.resumed} found at start, ` +
        `${summary.trained} trained now, ${summary.diverged} diverged) in ${summary.seconds.toFixed(1)} s\n`,
    );
  }
  if (summary.status === 'cancelled') {
    io.stderr(
      `ntk-lab trainability: stopped; ${summary.done} finished cells are kept in ${dir}. Run the same command again to resume.\n`,
    );
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

export const command: CliCommand = {
  name: 'trainability',
  summary: 'train networks over a (σ_w², depth) grid and store train/test accuracy per cell (resumable)',
  usage: `Usage: ntk-lab trainability --out <dir> [--activation <φ>] [--width <M>] [--sigma-w2 <axis>]
                            [--depth <axis> | --depth-to-width <axis>] [--steps <T>] [--batch-size <B>]
                            [--sigma-b2 <v>] [--rho <r>] [--dataset mnist|synthetic] [--train-size <n>]
                            [--test-size <n>] [--seed <s>] [--paper-size] [--backend <b>] [--json]

Trains one network per grid cell (seed 001 §5, Fig. 3 top): fully connected, L weight layers of width M, NTK
parametrization, 10 outputs, MSE on one-hot targets, plain SGD at η = ρ·η_theory with η_theory = 2B/λ_max of the
infinite-width NTK of the batch; records train and test accuracy. Cells run coarse grid first. Every finished cell is
appended to <dir>/cells.jsonl (fsynced); <dir>/sweep.json holds the params. Re-running the same command resumes
(finished cells are skipped); other params in the same <dir> are refused. Ctrl-C stops after the current SGD step
and keeps every finished cell. The defaults are a reduced-size replica that takes about 10 minutes on a 2-core CPU.

  --out <dir>              store directory (created if missing)
  --activation <φ>         erf (default, as seed 001 Fig. 1), relu, tanh, gelu, linear
  --width <M>              hidden width (default 128)
  --sigma-w2 <axis>        σ_w² values (default 0.5:4:8)
  --depth <axis>           depths L (default 2,4,8,16,24,32)
  --depth-to-width <axis>  instead of --depth: λ = L/M values, L = round(λM)
                           <axis> is min:max:count (count evenly spaced values, ends included) or v1,v2,…
  --steps <T>              SGD steps per cell (default 200)
  --batch-size <B>         minibatch size (default 128)
  --sigma-b2 <v>           bias variance σ_b² (default 0.185, i.e. σ_b = 0.43 as seed 001 Fig. 2)
  --rho <r>                η = ρ·η_theory (default 0.3, as seed 001 Fig. 3)
  --dataset <d>            mnist (default; the mnist package, split by seed) or synthetic (10-class Gaussian
                           mixture in 32 dimensions)
  --train-size <n>         training samples (default 2000); --test-size <n> test samples (default 1000)
  --seed <s>               seed of data split, init and minibatch order (default 0)
  --paper-size             seed 001 Fig. 3 sizes for a GPU: 20×20 grid, M = 1024, batch 1024, 2,000 steps,
                           9,000/1,000 digits (explicit flags still win)
  --backend <b>            auto (default: tfjs-node-gpu → webgpu (a hardware GPU) → tfjs-node →
                           wasm → cpu), or one of them (webgpu also on a software adapter)
  --workers <n>            TensorFlow.js workers training cells in parallel (default: one per core; 1 on a
                           native or GPU backend, which uses the whole device itself)
  --json                   one JSON line per cell finished by this run {"kind":"cell", sigmaW2, depth,
                           depthToWidth, width, lr, etaTheory, trainAccuracy, testAccuracy, trainLoss, steps,
                           diverged, seconds}, then {"kind":"summary", dir, identity, total, done, resumed,
                           trained, diverged, status, seconds, backend, device} (+ adapter on webgpu)

The backend is printed on stderr. Exit code 1 when stopped early (the store stays resumable).`,
  run,
};
