// trust-map: the NTK trust map (Seleznova 2024 thesis §3.1 = Seleznova & Kutyniok 2022a, §4, Figs. 3, 4, 8–11): one
// ntk-change cell (full-batch GD on an MNIST subset, the NTK's relative change at recorded steps, the minimum loss)
// per (σ_w², L, M) of a grid, on the TF worker pool (one `ntk-change` task per cell), into a resumable store
// (<dataDir>/sweeps/<identity>; the CLI's --out). Not pausable: a stopped sweep resumes from its store.
// CLI JSON contract (--json; add fields, never rename): one line per cell finished by this run
//   {"kind":"cell", sigmaW2, depth, width, depthToWidth, changes: [{step, loss, relativeChange}], final: {step, loss,
//    relativeChange}, stop, minLoss, minLossStep, seconds}
// then {"kind":"summary", dir, identity, total, done, resumed, trained, diverged, status, seconds, backend, device,
// shard?}.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { trustMapKind } from '../../src-shared/contract/kinds/trust-map';
import {
  parseTrustMapParams,
  TRUST_MAP_CPU_GRID,
  TRUST_MAP_LIMITS,
  trustCellKey,
  trustMapJobParamsSchema,
  trustMapProgressSchema,
  trustMapSummarySchema,
  type TrustMapParams,
  type TrustMapProgress,
} from '../../src-shared/contract/trust-map';
import { NTK_CHANGE_LIMITS } from '../../src-shared/contract/ntk-change';
import { ACTIVATIONS } from '../../src-shared/contract/gd-step';
import { LIMITS } from '../../src-shared/params';
import { recordStoreIdentity } from '../tf/sweep/record-store';
import { readShardFile, SWEEP_FILE } from '../tf/sweep/store';
import {
  openTrustMapStore,
  runTrustMapParallel,
  TRUST_MAP_STORE,
  trustMapRunCells,
  type NtkChangeRunner,
} from '../tf/sweep/trust-map';
import type { BackendInfo } from '../tf/backend';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../cli/command';
import {
  checkOutDir,
  flagCopier,
  optionalString,
  parseFlags,
  parseNumberList,
  parseTfWorkersFlag,
  requireString,
} from '../cli/args';
import { fmt, jsonLine } from '../cli/format';
import { LabServiceError } from '../service/lab-error';
import { defineJob, type CliJobRequest, type LocalCheck, type RunsOn, refuseOnError } from './define';
import { NTK_CHANGE_FLOPS_MAX, ntkChangeFlops, parseStepList } from './ntk-change';
import { parseBackend } from './train-dynamics';
import { parseShardFlag } from './trainability';

/** What runs: the resolved params (the store's identity) and, to continue a stored map, its folder. */
type TrustMapRun = TrustMapParams & { resumeDir?: string };

/** The resolved params; LabServiceError('refused') naming the field, also for a run above the work limit. */
function checkTrustMap(raw: unknown, local?: LocalCheck): TrustMapRun {
  const resumeDir = trustMapJobParamsSchema.shape.resumeDir.safeParse((raw as { resumeDir?: unknown })?.resumeDir);
  if (!resumeDir.success) throw new LabServiceError('bad-request', `resumeDir: ${resumeDir.error.issues[0].message}`);
  const dir = resumeDir.data;
  if (dir !== undefined && !isAbsolute(dir) && dir.split(/[\\/]/).includes('..'))
    throw new LabServiceError(
      'bad-request',
      `resumeDir: a relative path may not contain '..' (got ${JSON.stringify(dir)})`,
    );
  return refuseOnError(() => {
    const p = parseTrustMapParams(raw);
    const flops = trustMapRunCells(p, local?.shard).reduce((s, c) => s + ntkChangeFlops({ ...c, ...p }), 0);
    if (flops > 100 * NTK_CHANGE_FLOPS_MAX)
      throw new RangeError(
        `grid: about ${flops.toExponential(1)} flops in all (maxSteps ${p.maxSteps}), above the limit ` +
          `${(100 * NTK_CHANGE_FLOPS_MAX).toExponential(0)}; shard it (--shard i/n) or use a coarser grid`,
      );
    return dir === undefined ? p : { ...p, resumeDir: dir };
  });
}

const FLAGS = {
  out: { type: 'string' },
  'sigma-w2': { type: 'string' },
  depth: { type: 'string' },
  width: { type: 'string' },
  'sigma-b2': { type: 'string' },
  activation: { type: 'string' },
  lr: { type: 'string' },
  steps: { type: 'string' },
  'max-steps': { type: 'string' },
  'early-stop-delta': { type: 'string' },
  'early-stop-window': { type: 'string' },
  'train-size': { type: 'string' },
  seed: { type: 'string' },
  'paper-size': { type: 'boolean' },
  backend: { type: 'string' },
  workers: { type: 'string' },
  shard: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function parseCommand(args: string[]): CliJobRequest<'trust-map'> {
  const v = parseFlags(args, FLAGS);
  const dir = checkOutDir('out', requireString(v, 'out'));
  const params: Record<string, unknown> = {};
  const { text: str, number: num } = flagCopier(v, params);
  num('sigma-b2', 'sigmaB2');
  str('activation', 'activation');
  num('lr', 'lr');
  num('max-steps', 'maxSteps', true);
  num('early-stop-delta', 'earlyStopDelta');
  num('early-stop-window', 'earlyStopWindow', true);
  num('train-size', 'trainSize', true);
  num('seed', 'seed', true);
  const steps = optionalString(v, 'steps');
  if (steps !== undefined) params.steps = parseStepList('steps', steps);
  if (v['paper-size'] === true) params.paperSize = true;
  const sw = optionalString(v, 'sigma-w2');
  const depth = optionalString(v, 'depth');
  const width = optionalString(v, 'width');
  if (sw !== undefined || depth !== undefined || width !== undefined) {
    // a partial grid keeps the CPU default of the other axes
    params.grid = {
      sigmaW2: sw !== undefined ? parseNumberList('sigma-w2', sw) : [...TRUST_MAP_CPU_GRID.sigmaW2],
      depth: depth !== undefined ? parseNumberList('depth', depth) : [...TRUST_MAP_CPU_GRID.depth],
      width: width !== undefined ? parseNumberList('width', width) : [...TRUST_MAP_CPU_GRID.width],
    };
  }
  const tfBackend = parseBackend(optionalString(v, 'backend'));
  const tfWorkers = parseTfWorkersFlag(v);
  const shard = parseShardFlag(optionalString(v, 'shard'));
  return { params, storeDir: dir, shard, service: { tfBackend, tfWorkers }, json: v.json === true };
}

const f3 = (x: number | null) => (x === null ? '—' : fmt(Number(x.toPrecision(3))));

function cellLine(p: TrustMapProgress): string {
  const c = p.cell;
  const changes = c.changes
    .filter((x) => x.step > 0)
    .map((x) => `${x.step}: ${f3(x.relativeChange)}`)
    .join(', ');
  return (
    `  [${p.done}/${p.total}] σ_w² = ${fmt(c.sigmaW2)}, L = ${c.depth}, M = ${c.width}: ΔΘ/Θ ${changes}; ` +
    `end ${c.final.step} (${c.stop}) ${f3(c.final.relativeChange)}; min loss ${f3(c.minLoss)}  (${c.seconds.toFixed(1)} s)\n`
  );
}

/** One `ntk-change` task per cell (tf/tasks.ts), many at once on the TF worker pool. */
const runsOn = { engine: 'tf', task: 'ntk-change', cells: true } as const satisfies RunsOn;

export const trustMapJob = defineJob({
  contract: trustMapKind,
  title: 'trust-map',
  check: checkTrustMap,
  runsOn,
  pausable: false,
  progress: 'record',
  summarize: (raw: unknown, env) => ({
    kind: 'trust-map',
    backend: env.tf.label(),
    progress: trustMapProgressSchema.parse(raw),
  }),
  /** First every cell of this run already in the store (marked `stored`), then one progress per finished cell. */
  async run(checked, env, emit, { signal, storeDir, shard: localShard }) {
    const { resumeDir, ...params } = checked;
    let shard = localShard;
    let dir = storeDir ?? join(env.dataDir, 'sweeps', recordStoreIdentity(TRUST_MAP_STORE.format, params).slice(0, 16));
    if (resumeDir !== undefined) {
      // continue a stored map in its own folder (and its shard, if it is one): never start a new store there
      dir = isAbsolute(resumeDir) ? resolve(resumeDir) : resolve(join(env.dataDir, 'sweeps', resumeDir));
      if (!existsSync(join(dir, SWEEP_FILE)))
        throw new LabServiceError('bad-request', `resumeDir: ${dir} holds no stored map (no ${SWEEP_FILE})`);
      const s = readShardFile(dir);
      if (s && !shard) shard = { index: s.index, count: s.count };
    }
    await env.tf.start();
    // throws SweepStoreError on a damaged store or other params in it: reported, nothing overwritten
    const store = openTrustMapStore(params, dir, shard);
    const cells = trustMapRunCells(params, shard);
    let done = 0;
    for (const c of cells) {
      const cell = store.get(trustCellKey(c));
      if (cell) emit({ cell, done: ++done, total: cells.length, stored: true });
    }
    const run: NtkChangeRunner = (p, o) => env.tf.run(runsOn.task, p, o);
    const summary = await runTrustMapParallel(params, store, run, emit, { signal, shard });
    return { kind: 'trust-map', backend: env.tf.label(), summary: trustMapSummarySchema.parse(summary) };
  },
  cli: {
    summary: 'the NTK trust map: the NTK’s change during GD over a (σ_w², L, M) grid (thesis §3.1; resumable)',
    usage: `Usage: ntk-lab trust-map --out <dir> [--sigma-w2 <a,b,…>] [--depth <a,b,…>] [--width <a,b,…>]
                         [--steps <a,b,…>] [--max-steps <T>] [--lr <η>] [--paper-size] [--backend <b>]
                         [--workers <n>] [--shard <i/n>] [--json] [more flags below]

The NTK trust map (Seleznova & Kutyniok 2022a, §4; Seleznova 2024 thesis §3.1, Figs. 3, 4, 8–11): one ntk-change
run per grid cell (see ntk-lab ntk-change --help: full-batch GD, MSE, an MNIST subset of 128 digits, the relative
change ‖Θᵗ − Θ⁰‖_F/‖Θ⁰‖_F of the NTK Gram on it at the recorded steps and at the end of training, the minimum loss).
Every finished cell is appended to <dir>/cells.jsonl (fsynced); <dir>/sweep.json holds the params. Re-running the
same command resumes; other params in the same <dir> are refused. Ctrl-C keeps every finished cell.

CPU default (reduced, stated): σ_w² ∈ {1, 1.5, 2, 2.5, 3} × L ∈ {2, 6, 12} at M = 128, records after 10,
100, 1000 steps, at most 1000 steps, lr 1e−5 and the paper's early stopping (npm run bench times it with 1 and 2
workers). --paper-size: σ_w² 0.5…4 (step 0.5) × L ∈ {1, 2, 5, 10, 15, 20, 25, 30} × M ∈ {128, 256, 512}, records
after 10, 10², 10³, 10⁴ steps, at most 10⁵ steps: for a GPU backend (or shards on a cluster). Explicit flags still win.

  --out <dir>              store directory (created if missing)
  --sigma-w2 <a,b,…>       σ_w² values, each in (0, ${LIMITS.sigmaW2Max}]
  --depth <a,b,…>          depths L, whole numbers 1–${NTK_CHANGE_LIMITS.depthMax}
  --width <a,b,…>          hidden widths M, 1–${NTK_CHANGE_LIMITS.widthMax} (the paper: 128, 256, 512); at most
                           ${TRUST_MAP_LIMITS.axisMax} values per axis and ${TRUST_MAP_LIMITS.cellsMax} cells
  --steps <a,b,…>          recorded steps, strictly increasing (default 10,100,1000)
  --max-steps <T>          training ends here at the latest (default: the last recorded step)
  --lr <η>                 constant learning rate (default 1e-5, the paper's)
  --early-stop-delta <d>   early stopping: minimal loss decrease over the window (default 1e-7; 0: never)
  --early-stop-window <w>  the window in steps (default 100)
  --sigma-b2 <v>           bias variance (default 0); --activation <a> ${ACTIVATIONS.join(', ')} (default relu)
  --train-size <n>         MNIST digits (default 128); --seed <s> init and digits (default 0)
  --paper-size             the paper's size (above)
  --backend <b>            auto (default), tensorflow-gpu, webgpu, tensorflow, wasm or cpu
  --workers <n>            TensorFlow.js workers training cells in parallel (default: one per core); the cells do
                           not depend on it
  --shard <i/n>            train only shard i of n (a fixed split balanced by cost); give each its own --out and
                           combine them with ntk-lab merge
  --json                   one line per cell finished by this run {"kind":"cell", sigmaW2, depth, width,
                           depthToWidth, changes: [{step, loss, relativeChange}], final, stop, minLoss,
                           minLossStep, seconds}, then {"kind":"summary", dir, identity, total, done, resumed,
                           trained, diverged, status, seconds, backend, device, shard?}

Exit code 1 when stopped early (the store stays resumable).`,
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
          if (!p || p.stored) return;
          io.stdout(json ? jsonLine({ kind: 'cell', ...p.cell }) : cellLine(p));
        },
        done(o) {
          const s = o.summary!;
          if (json) io.stdout(jsonLine({ kind: 'summary', ...s, backend: info.name, device: info.device }));
          else
            io.stdout(
              `Trust map${s.shard ? ` shard ${s.shard.index}/${s.shard.count}` : ''} in ${s.dir}: ${s.done} of ${s.total} ` +
                `cells stored (${s.resumed} found at start, ${s.trained} trained now, ${s.diverged} diverged) in ` +
                `${s.seconds.toFixed(1)} s\n`,
            );
          if (s.status === 'cancelled') {
            io.stderr(
              `ntk-lab trust-map: stopped; ${s.done} finished cells are kept in ${s.dir}. Run again to resume.\n`,
            );
            return EXIT_FAILED;
          }
          return EXIT_OK;
        },
        failed(e) {
          if (!(e.cause instanceof Error && e.cause.name === 'SweepStoreError')) return undefined;
          io.stderr(`ntk-lab trust-map: ${e.message}\n(see ntk-lab trust-map --help)\n`);
          return EXIT_USAGE;
        },
      };
    },
  },
});
