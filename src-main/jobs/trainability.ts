// trainability: one trained network per (σ_w², depth) cell, train/test accuracy per cell (Xiao et al. 2020, §5,
// Fig. 3 top), on the TensorFlow.js workers, into a resumable store (<dataDir>/sweeps/<identity>; the CLI's --out).
// Not pausable as such: a paused sweep is a cancelled one, and starting the same params again resumes from the store.
// CLI JSON contract (--json; add fields, never rename): one line per cell finished by this run,
//   {"kind":"cell", sigmaW2, depth, depthToWidth, width, lr, etaTheory, trainAccuracy, testAccuracy, trainLoss, steps,
// diverged, seconds, failed?}   (failed: why the cell could not be trained; the sweep records it and goes on)
// then one summary line
//   {"kind":"summary", dir, identity, total, done, resumed, trained, diverged, failed, status, seconds, backend,
// device, shard?, adapter?}   (adapter: the GPU adapter on webgpu {vendor, architecture, device, description,
// software}).
// The cells train in parallel on the TF worker pool (tf/sweep/parallel.ts, one `train-cell` task each); this process
// is the store's one writer, and any worker count gives the same records (per-cell seeds).
import { join } from 'node:path';
import { trainabilityKind } from '../../src-shared/contract/kinds/trainability';
import {
  parseTrainabilityParams,
  TRAINABILITY_LIMITS,
  trainabilityProgressSchema,
  trainabilitySummarySchema,
  type AxisSpec,
  type TrainabilityParams,
  type TrainabilityProgress,
} from '../../src-shared/contract/trainability';
import { cellKey, checkedSweepGrid, shardCells, sweepGrid } from '../tf/sweep/grid';
import { runSweepParallel, type CellRunner } from '../tf/sweep/parallel';
import { recordShard, SweepStore, sweepIdentity } from '../tf/sweep/store';
import type { BackendInfo } from '../tf/backend';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from '../cli/command';
import {
  checkOutDir,
  flagCopier,
  optionalString,
  parseFlags,
  parseInteger,
  parseNumber,
  parseNumberList,
  parseTfWorkersFlag,
  requireString,
} from '../cli/args';
import { fmt, jsonLine } from '../cli/format';
import { parseShardSpec, type ShardSpec } from '../../src-shared/shard';
import { defineJob, type CliJobRequest, type LocalCheck, type RunsOn, refuseOnError } from './define';
import { parseBackend } from './train-dynamics';

/** The sweep's resolved params (defaults, paper size) and its grid; LabServiceError('refused') with every problem. */
function checkTrainability(raw: unknown, local?: LocalCheck): TrainabilityParams {
  return refuseOnError(() => {
    const p = parseTrainabilityParams(raw);
    checkedSweepGrid(p, local?.shard);
    return p;
  });
}

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
  shard: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** --shard i/n, or a UsageError naming the flag ("3/2", "-1/2", "a/b" are refused). */
export function parseShardFlag(text: string | undefined): ShardSpec | undefined {
  if (text === undefined) return undefined;
  try {
    return parseShardSpec(text);
  } catch (err) {
    throw new UsageError(`--shard: ${(err as Error).message}`);
  }
}

/** "min:max:count" (count evenly spaced values, ends included) or "v1,v2,…". */
function parseAxis(flag: string, text: string): AxisSpec {
  if (text.includes(':')) {
    const parts = text.split(':');
    if (parts.length !== 3)
      throw new UsageError(`--${flag}: expected min:max:count or a comma list, got ${JSON.stringify(text)}`);
    return { min: parseNumber(flag, parts[0]), max: parseNumber(flag, parts[1]), count: parseInteger(flag, parts[2]) };
  }
  return { values: parseNumberList(flag, text) };
}

function parseCommand(args: string[]): CliJobRequest<'trainability'> {
  const v = parseFlags(args, FLAGS);
  const dir = checkOutDir('out', requireString(v, 'out'));
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
  const tfBackend = parseBackend(optionalString(v, 'backend'));
  const tfWorkers = parseTfWorkersFlag(v);
  const shard = parseShardFlag(optionalString(v, 'shard'));
  return { params: sweep, storeDir: dir, shard, service: { tfBackend, tfWorkers }, json: v.json === true };
}

function cellLine(p: TrainabilityProgress): string {
  const c = p.cell;
  const acc = c.failed
    ? `failed: ${c.failed}`
    : c.diverged
      ? 'diverged'
      : `train ${(100 * c.trainAccuracy).toFixed(1)} %  test ${(100 * c.testAccuracy).toFixed(1)} %`;
  return `  [${p.done}/${p.total}] σ_w² = ${fmt(c.sigmaW2)}, L = ${c.depth}: ${acc}  (η = ${fmt(c.lr)}, ${c.seconds.toFixed(1)} s)\n`;
}

/** One `train-cell` task per cell (tf/tasks.ts), many at once on the TF worker pool. */
const runsOn = { engine: 'tf', task: 'train-cell', cells: true } as const satisfies RunsOn;

export const trainabilityJob = defineJob({
  contract: trainabilityKind,
  title: 'trainability',
  check: checkTrainability,
  runsOn,
  pausable: false,
  progress: 'record',
  summarize: (raw: unknown, env) => ({
    kind: 'trainability',
    backend: env.tf.label(),
    progress: trainabilityProgressSchema.parse(raw),
  }),
  /**
   * First every cell already in the store for these params is emitted (marked `stored`: a restarted sweep shows
   * them at once and skips them), then one progress per newly finished cell.
   */
  async run(params, env, emit, { signal, storeDir, shard }) {
    await env.tf.start();
    // the store's directory name: the first 16 hex digits of the params' sha256 (store.ts sweepIdentity)
    const dir = storeDir ?? join(env.dataDir, 'sweeps', sweepIdentity(params).slice(0, 16));
    // throws SweepStoreError on a damaged store or other params in it: reported, nothing overwritten
    const store = SweepStore.open(dir, params);
    // a store holding another shard: refused here, as the user's input (SweepStoreError)
    if (shard) recordShard(dir, store.identity, shard);
    const grid = sweepGrid(params);
    // a shard run counts (and lists) its own cells only
    const cells = shard ? shardCells(params, grid, shard) : grid.cells;
    const keys = new Set(cells.map((c) => cellKey(c.sigmaW2, c.depth)));
    const total = cells.length;
    let done = 0;
    for (const cell of store.cells())
      if (keys.has(cellKey(cell.sigmaW2, cell.depth))) emit({ cell, done: ++done, total, stored: true });
    // the pending cells on every TF worker; this process appends each finished one to the store (its one writer)
    const run: CellRunner = (p, o) => env.tf.run(runsOn.task, p, o);
    const summary = await runSweepParallel(params, dir, run, emit, { signal, shard });
    return { kind: 'trainability', backend: env.tf.label(), summary: trainabilitySummarySchema.parse(summary) };
  },
  cli: {
    summary: 'train networks over a (σ_w², depth) grid and store train/test accuracy per cell (resumable)',
    usage: `Usage: ntk-lab trainability --out <dir> [--activation <φ>] [--width <M>] [--sigma-w2 <axis>]
                            [--depth <axis> | --depth-to-width <axis>] [--steps <T>] [--batch-size <B>]
                            [--sigma-b2 <v>] [--rho <r>] [--dataset mnist|synthetic] [--train-size <n>]
                            [--test-size <n>] [--seed <s>] [--paper-size] [--backend <b>] [--workers <n>]
                            [--shard <i/n>] [--json]

Trains one network per grid cell (Xiao et al. 2020, §5, Fig. 3 top): fully connected, L weight layers of width M, NTK
parametrization, 10 outputs, MSE on one-hot targets, plain SGD at η = ρ·η_theory with η_theory = 2B/λ_max of the
infinite-width NTK of the batch; records train and test accuracy. Cells run coarse grid first. Every finished cell is
appended to <dir>/cells.jsonl (fsynced); <dir>/sweep.json holds the params. Re-running the same command resumes
(finished cells are skipped); other params in the same <dir> are refused. Ctrl-C stops after the current SGD step
and keeps every finished cell. The defaults are a reduced-size replica that takes about 10 minutes on a 2-core CPU.

  --out <dir>              store directory (created if missing)
  --activation <φ>         erf (default, as Xiao et al. 2020, Fig. 1), relu, tanh, gelu, linear
  --width <M>              hidden width (1–${TRAINABILITY_LIMITS.widthMax}, default 128)
  --sigma-w2 <axis>        σ_w² values, each in (0, 16] (default 0.5:4:8)
  --depth <axis>           depths L, whole numbers 1–${TRAINABILITY_LIMITS.depthMax} (default 2,4,8,16,24,32; min:max:count needs a
                           whole step)
  --depth-to-width <axis>  instead of --depth: λ = L/M values (> 0), L = round(λM) ≤ ${TRAINABILITY_LIMITS.depthMax}
                           <axis> is min:max:count (count evenly spaced values, ends included) or v1,v2,…; at most
                           ${TRAINABILITY_LIMITS.gridAxisMax} values per axis and ${TRAINABILITY_LIMITS.cellsMax} cells
  --steps <T>              SGD steps per cell (1–${TRAINABILITY_LIMITS.stepsMax}, default 200)
  --batch-size <B>         minibatch size (default 128)
  --sigma-b2 <v>           bias variance σ_b² (0–16; default 0.185, i.e. σ_b = 0.43 as Xiao et al. 2020, Fig. 2)
  --rho <r>                η = ρ·η_theory (0 < ρ ≤ ${TRAINABILITY_LIMITS.rhoMax}; default 0.3, as Xiao et al. 2020, Fig. 3)
  --dataset <d>            mnist (default; the mnist package, split by seed) or synthetic (10-class Gaussian
                           mixture in 32 dimensions)
  --train-size <n>         training samples (default 2000); --test-size <n> test samples (default 1000)
  --seed <s>               seed of data split, init and minibatch order (default 0)
  --paper-size             Xiao et al. 2020, Fig. 3 sizes for a GPU: 20×20 grid, M = 1024, batch 1024, 2,000 steps,
                           9,000/1,000 digits (explicit flags still win)
  --backend <b>            auto (default: tfjs-node-gpu → webgpu (a hardware GPU) → tfjs-node →
                           wasm → cpu), or one of them (webgpu also on a software adapter)
  --workers <n>            TensorFlow.js workers training cells in parallel (default: one per core; 1 on a
                           native or GPU backend, which uses the whole device itself); the cells do not depend on it
  --shard <i/n>            train only shard i of n (0 ≤ i < n): a fixed split of the cells balanced by their
                           estimated cost, the same in every process; each cell's numbers are those of the whole
                           run. Give each shard its own --out; combine them with ntk-lab merge (docs/slurm.md;
                           ntk-lab slurm writes the Slurm job array). The summary then counts the shard's cells
                           and has shard: {index, count}
  --json                   one JSON line per cell finished by this run {"kind":"cell", sigmaW2, depth,
                           depthToWidth, width, lr, etaTheory, trainAccuracy, testAccuracy, trainLoss, steps,
                           diverged, seconds, failed?}, then {"kind":"summary", dir, identity, total, done,
                           resumed, trained, diverged, failed, status, seconds, backend, device, shard?} (+ adapter
                           on webgpu)

A cell with no finite η_theory in float64 (Θ over- or underflows at that depth, e.g. tanh with σ_b² = 0 and tiny
σ_w²) is not trained: it is stored as failed with the reason (accuracies at chance) and the sweep goes on.

The backend and the worker count are printed on stderr. Exit code 1 when stopped early (the store stays resumable).`,
    parse: parseCommand,
    printer: ({ io, json, tensorflow, tfWorkers }) => {
      let info: BackendInfo;
      return {
        async start() {
          info = await tensorflow();
          const n = tfWorkers();
          io.stderr(`backend: ${info.name} — ${info.device}; ${n} worker${n > 1 ? 's' : ''}\n`);
        },
        progress(o) {
          const p = o.progress;
          if (!p || p.stored) return; // the CLI lists the cells this run finished
          io.stdout(json ? jsonLine({ kind: 'cell', ...p.cell }) : cellLine(p));
        },
        done(o) {
          const summary = o.summary!;
          if (json) {
            const adapter = info.adapter ? { adapter: info.adapter } : {}; // webgpu: vendor, architecture, description
            io.stdout(jsonLine({ kind: 'summary', ...summary, backend: info.name, device: info.device, ...adapter }));
          } else
            io.stdout(
              `Trainability sweep${summary.shard ? ` shard ${summary.shard.index}/${summary.shard.count}` : ''} in ${summary.dir}: ${summary.done} of ${summary.total} cells stored (${summary.resumed} found at start, ` +
                `${summary.trained} trained now, ${summary.diverged} diverged, ${summary.failed} failed) in ${summary.seconds.toFixed(1)} s\n`,
            );
          if (summary.status === 'cancelled') {
            io.stderr(
              `ntk-lab trainability: stopped; ${summary.done} finished cells are kept in ${summary.dir}. Run the same command again to resume.\n`,
            );
            return EXIT_FAILED;
          }
          return EXIT_OK;
        },
        failed(e) {
          // other params in this directory, or a damaged store: the user's input
          if (!(e.cause instanceof Error && e.cause.name === 'SweepStoreError')) return undefined;
          io.stderr(`ntk-lab trainability: ${e.message}\n(see ntk-lab trainability --help)\n`);
          return EXIT_USAGE;
        },
      };
    },
  },
});
