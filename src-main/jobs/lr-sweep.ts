// lr-sweep: for each depth, one network per ρ trained with SGD at η = ρ·η_theory, η_theory = 2B/λ_max of the
// infinite-width NTK on the first batch (Xiao et al. 2020, §5, Fig. 2), one `train-cell` task per (depth, ρ) point, in
// parallel on the TF worker pool (tf/sweep/parallel.ts: points are streamed in sweep order, the same for any worker
// count). Nothing is stored unless --out (tf/sweep/lr-store.ts; --shard i/n runs one shard's points). Pausable:
// every running point waits at its next SGD step.
// CLI JSON contract (--json; add fields, never rename): one line per finished point
//   {"kind":"point", depth, rho, lr, etaTheory, trainAccuracy, testAccuracy, trainLoss, diverged, seconds, failed?}
// (src-shared/contract/lr-sweep.ts lrSweepPointSchema), then one summary line
//   {"kind":"summary", status, points, diverged, seconds, backend, device, params, failed, adapter?}
// (adapter: the GPU adapter on webgpu {vendor, architecture, device, description, software}; with --out also
// dir, identity, total, resumed, trained and with --shard shard {index, count}).
import { lrSweepKind } from '../../src-shared/contract/kinds/lr-sweep';
import { TRAINABILITY_LIMITS } from '../../src-shared/contract/trainability';
import {
  lrSweepPointSchema,
  LR_SWEEP_LIMITS,
  parseLrSweepParams,
  type LrSweepParams,
  type LrSweepPoint,
} from '../../src-shared/contract/lr-sweep';
import type { BackendInfo } from '../tf/backend';
import { runLrSweepParallel, type CellRunner } from '../tf/sweep/parallel';
import { LrSweepStore, lrSweepPoints, shardLrPoints } from '../tf/sweep/lr-store';
import { recordShard } from '../tf/sweep/store';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from '../cli/command';
import {
  checkOutDir,
  flagCopier,
  optionalString,
  parseFlags,
  parseIntegerList,
  parseNumberList,
  parseTfWorkersFlag,
} from '../cli/args';
import { parseShardFlag } from './trainability';
import { fmt, jsonLine } from '../cli/format';
import { defineJob, type CliJobRequest, type RunsOn, refuseOnError } from './define';
import { parseBackend } from './train-dynamics';

/** The resolved params; LabServiceError('refused') with every problem (and for too much work). */
function checkLrSweep(raw: unknown): LrSweepParams {
  return refuseOnError(() => {
    return parseLrSweepParams(raw);
  });
}

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
  out: { type: 'string' },
  shard: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** "v1,v2,…" as numbers (integers for depths). */
function parseList(flag: string, text: string, integer: boolean): number[] {
  return integer ? parseIntegerList(flag, text) : parseNumberList(flag, text);
}

function parseCommand(args: string[]): CliJobRequest<'lr-sweep'> {
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
  const tfBackend = parseBackend(optionalString(v, 'backend'));
  const shard = parseShardFlag(optionalString(v, 'shard'));
  const out = optionalString(v, 'out');
  if (shard && out === undefined) throw new UsageError('--shard needs --out <dir>: each shard writes its own store');
  const storeDir = out === undefined ? undefined : checkOutDir('out', out);
  return {
    params: sweep,
    storeDir,
    shard,
    service: { tfBackend, tfWorkers: parseTfWorkersFlag(v) },
    json: v.json === true,
  };
}

function pointLine(p: LrSweepPoint): string {
  const acc = p.failed
    ? `failed: ${p.failed}`
    : p.diverged
      ? 'diverged'
      : `train ${(100 * p.trainAccuracy).toFixed(1)} %  test ${(100 * p.testAccuracy).toFixed(1)} %`;
  return `  L = ${p.depth}, ρ = ${fmt(p.rho)} (η = ${fmt(p.lr)}): ${acc}  (${p.seconds.toFixed(1)} s)\n`;
}

/** One `train-cell` task per (depth, ρ) point (tf/tasks.ts), many at once on the TF worker pool. */
const runsOn = { engine: 'tf', task: 'train-cell', cells: true } as const satisfies RunsOn;

export const lrSweepJob = defineJob({
  contract: lrSweepKind,
  title: 'learning-rate sweep',
  check: checkLrSweep,
  runsOn,
  pausable: true,
  progress: 'record',
  summarize: (raw: unknown, env) => ({
    kind: 'lr-sweep',
    backend: env.tf.label(),
    point: lrSweepPointSchema.parse(raw),
  }),
  async run(params, env, emit, { signal, pause, storeDir, shard }) {
    await env.tf.start();
    // throws SweepStoreError for a damaged store, another sweep in it, or another shard's store
    const store = storeDir === undefined ? undefined : LrSweepStore.open(storeDir, params);
    if (store && shard) recordShard(store.dir, store.identity, shard);
    const run: CellRunner = (p, o) => env.tf.run(runsOn.task, p, o);
    const result = await runLrSweepParallel(params, run, emit, { signal, pause, shard }, store);
    return {
      kind: 'lr-sweep',
      backend: env.tf.label(),
      points: result.points.map((p) => lrSweepPointSchema.parse(p)),
      status: result.status,
      ...(store
        ? {
            store: {
              dir: store.dir,
              identity: store.identity,
              total: (shard ? shardLrPoints(params, shard) : lrSweepPoints(params)).length,
              resumed: result.resumed,
              trained: result.trained,
              ...(shard ? { shard: { index: shard.index, count: shard.count } } : {}),
            },
          }
        : {}),
    };
  },
  cli: {
    summary: 'train networks at η = ρ·η_theory over depths and ρ, and print train/test accuracy (Xiao et al. 2020)',
    usage: `Usage: ntk-lab lr-sweep [--activation <φ>] [--sigma-w2 <v>] [--sigma-b2 <v>] [--width <M>]
                        [--depths <L1,L2,…>] [--rhos <ρ1,ρ2,…>] [--steps <T>] [--batch-size <B>]
                        [--dataset mnist|synthetic] [--train-size <n>] [--test-size <n>] [--seed <s>]
                        [--backend <b>] [--workers <n>] [--out <dir> [--shard <i/n>]] [--json]

Xiao et al. 2020, §5 ("Maximum learning rates", Fig. 2): for each depth L and each ρ (ascending), trains one fully connected
network (L weight layers of width M, NTK parametrization, 10 outputs, MSE on one-hot targets) with plain SGD at
η = ρ·η_theory, η_theory = 2B/λ_max of the infinite-width NTK of the first batch, and prints its final train and test
accuracy (the paper reports the best during training). ρ = 1 is the theory's largest convergent rate. The defaults
are a reduced-size replica (erf, σ_w² = 1.5, σ_b² = 0.185, M = 128, L ∈ {2, 8, 16}, 7 values of ρ, 100 steps on
1,000 MNIST digits) that takes under a minute on a 2-core CPU. Ctrl-C stops after the current SGD step.

  --activation <φ>     erf (default), relu, tanh, gelu, linear
  --sigma-w2 <v>       weight variance σ_w² (> 0, ≤ 16; default 1.5)
  --sigma-b2 <v>       bias variance σ_b² (0–16, default 0.185)
  --width <M>          hidden width (1–${TRAINABILITY_LIMITS.widthMax}, default 128)
  --depths <list>      depths L, comma-separated, distinct (each 1–${TRAINABILITY_LIMITS.depthMax}, at most ${LR_SWEEP_LIMITS.depthsMax};
                       default 2,8,16)
  --rhos <list>        ρ = η/η_theory values, comma-separated, distinct (each ${LR_SWEEP_LIMITS.rhoMin}–${LR_SWEEP_LIMITS.rhoMax}, at most
                       ${LR_SWEEP_LIMITS.rhosMax}; default 0.1,0.3,1,2,3,5,10)
  --steps <T>          SGD steps per network (1–${TRAINABILITY_LIMITS.stepsMax}, default 100)
  --batch-size <B>     minibatch size (≤ --train-size; default 128)
  --dataset <d>        mnist (default; the mnist package, split by seed) or synthetic (10-class Gaussian mixture)
  --train-size <n>     training samples (default 1000); --test-size <n> test samples (default 500)
  --seed <s>           seed of data split, init and minibatch order (default 0)
  --backend <b>        auto (default: tfjs-node-gpu → webgpu (a hardware GPU) → tfjs-node →
                       wasm → cpu), or one of them (webgpu also on a software adapter)
  --workers <n>        TensorFlow.js workers training networks in parallel (default: one per core; 1 on a
                       native or GPU backend, which uses the whole device itself); the points do not depend on it
  --out <dir>          store the points in <dir> (sweep.json, points.jsonl appended and fsynced per point):
                       re-running the same command resumes (only missing points train, only they are printed);
                       other params in <dir> are refused
  --shard <i/n>        with --out: train only shard i of n (0 ≤ i < n), a fixed split of the (L, ρ) points
                       balanced by cost (∝ L), the same in every process; each point's numbers are those of the
                       whole run. Combine the shards with ntk-lab merge (docs/slurm.md)
  --json               one JSON line per network {"kind":"point", depth, rho, lr, etaTheory, trainAccuracy,
                       testAccuracy, trainLoss, diverged, seconds, failed?}, then {"kind":"summary", status,
                       points, diverged, seconds, backend, device, params, failed} (+ adapter on webgpu; with
                       --out also dir, identity, total, resumed, trained, shard?)

A network with no finite η_theory in float64 (Θ over- or underflows at that depth) is not trained: its point has
failed: <reason> (accuracies at chance) and the sweep goes on.

The backend and the worker count are printed on stderr. Exit code 1 when stopped early.`,
    parse: parseCommand,
    printer: ({ io, json, params, tensorflow, tfWorkers }) => {
      let info: BackendInfo;
      let t0 = 0;
      return {
        async start() {
          info = await tensorflow();
          const n = tfWorkers();
          io.stderr(`backend: ${info.name} — ${info.device}; ${n} worker${n > 1 ? 's' : ''}\n`);
          t0 = performance.now();
        },
        progress(o) {
          if (o.point) io.stdout(json ? jsonLine({ kind: 'point', ...o.point }) : pointLine(o.point));
        },
        done(o) {
          const points: LrSweepPoint[] = o.points ?? [];
          const seconds = (performance.now() - t0) / 1000;
          const diverged = points.filter((p) => p.diverged).length;
          const st = o.store;
          const failed = points.filter((p) => p.failed !== undefined).length;
          if (json)
            io.stdout(
              jsonLine({
                kind: 'summary',
                status: o.status ?? 'complete',
                points: points.length,
                diverged,
                seconds,
                backend: info.name,
                device: info.device,
                params,
                failed,
                ...(st ? { dir: st.dir, identity: st.identity, total: st.total, resumed: st.resumed } : {}),
                ...(st ? { trained: st.trained, ...(st.shard ? { shard: st.shard } : {}) } : {}),
                ...(info.adapter ? { adapter: info.adapter } : {}), // webgpu: vendor, architecture, description
              }),
            );
          else {
            const total = st ? st.total : params.depths.length * params.rhos.length;
            const where = st
              ? ` in ${st.dir}${st.shard ? ` (shard ${st.shard.index}/${st.shard.count})` : ''}, ${st.resumed} found at start`
              : '';
            io.stdout(
              `Learning-rate sweep${where}: ${points.length} of ${total} networks trained (${diverged} diverged, ${failed} not trainable) in ${seconds.toFixed(1)} s\n`,
            );
          }
          if (o.status === 'cancelled') {
            io.stderr(
              st
                ? `ntk-lab lr-sweep: stopped; the finished points are kept in ${st.dir}. Run the same command again to resume.\n`
                : `ntk-lab lr-sweep: stopped after ${points.length} networks (nothing is stored: run the command again)\n`,
            );
            return EXIT_FAILED;
          }
          return EXIT_OK;
        },
        failed(e) {
          // other params in the --out directory, a damaged store or another shard's store: the user's input
          if (!(e.cause instanceof Error && e.cause.name === 'SweepStoreError')) return undefined;
          io.stderr(`ntk-lab lr-sweep: ${e.message}\n(see ntk-lab lr-sweep --help)\n`);
          return EXIT_USAGE;
        },
      };
    },
  },
});
