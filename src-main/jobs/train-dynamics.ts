// train-dynamics: train a fully-connected net on MNIST in the TensorFlow.js worker and record the NTK's
// label-awareness Θd, Θc, Θn (Seleznova & Kutyniok 2022, eq. (23)) with train/test loss at chosen steps (Fig. 4).
// Pausable: the task waits at its next step.
// CLI JSON contract (add fields, never rename): one line per recorded step with the fields of
// trainDynamicsRecordSchema (src-shared/contract/train-dynamics.ts) plus "backend" (the tfjs backend name) on every
// line; "kernel" (100×100, class-sorted, 7 significant digits) only with --kernel; "sigmaW2" (the run's σ_w²) on
// every line. A σ_w² list (--sigma-w2 a,b,c) runs one network per value (tf/sweep/td-list.ts); with --out DIR the
// runs are stored (tf/sweep/td-store.ts; --shard i/n: one shard's runs) and one last line
//   {"kind":"summary", dir, identity, total, resumed, trained, diverged, records, status, shard?}
// follows the records.
import { trainDynamicsKind } from '../../src-shared/contract/kinds/train-dynamics';
import {
  PAPER_SIZE,
  TRAIN_LIMITS,
  TRAIN_LOSSES,
  TRAIN_NORMALIZATIONS,
  TRAIN_OPTIMIZERS,
  TRAIN_PARAMETRIZATIONS,
  parseTrainDynamicsParams,
  trainDynamicsRecordSchema,
  trainDynamicsSummarySchema,
  type TrainDynamicsParams,
  type TrainDynamicsParamsInput,
  type TrainDynamicsRecord,
} from '../../src-shared/contract/train-dynamics';
import { ACTIVATIONS } from '../../src-shared/contract/gd-step';
import { LIMITS, sigmaW2Schema } from '../../src-shared/params';
import type { BackendInfo } from '../tf/backend';
import { BACKEND_CHOICES_TEXT, isBackendChoice, type BackendChoice } from '../tf/backend-names';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from '../cli/command';
import {
  checkOutDir,
  choice,
  optionalString,
  parseFlags,
  parseInteger,
  parseIntegerList,
  parseNumber,
  parseNumberList,
} from '../cli/args';
import { fmt, jsonLine } from '../cli/format';
import { fieldsAsFlags } from '../cli/flag-names';
import { runTdList } from '../tf/sweep/td-list';
import { shardTdRuns, TdStore } from '../tf/sweep/td-store';
import { recordShard } from '../tf/sweep/store';
import { parseShardSpec, type ShardSpec } from '../../src-shared/shard';
import { defineJob, type CliJobRequest, type LocalCheck, type RunsOn, refuseOnError } from './define';

/** --backend: which TensorFlow.js backend (default auto). */
export function parseBackend(text: string | undefined): BackendChoice {
  if (text === undefined) return 'auto';
  if (!isBackendChoice(text))
    throw new UsageError(`--backend: expected ${BACKEND_CHOICES_TEXT}, got ${JSON.stringify(text)}`);
  return text;
}

/**
 * Step lists, sizes against the data, memory and time estimates (for a σ_w² list: of the runs this process makes,
 * with --shard the shard's); the resolved params (recordAt) run.
 */
function checkTrainDynamics(params: unknown, local?: LocalCheck): TrainDynamicsParams {
  return refuseOnError(() => {
    if (!local?.shard) return parseTrainDynamicsParams(params);
    const runs = shardTdRuns(parseTrainDynamicsParams(params, 0), local.shard).length;
    return parseTrainDynamicsParams(params, runs);
  });
}

const FLAGS = {
  'sigma-w2': { type: 'string' },
  'sigma-b2': { type: 'string' },
  depth: { type: 'string' },
  width: { type: 'string' },
  activation: { type: 'string' },
  parametrization: { type: 'string' },
  loss: { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  'batch-size': { type: 'string' },
  steps: { type: 'string' },
  'record-every': { type: 'string' },
  'record-at': { type: 'string' },
  seed: { type: 'string' },
  'train-size': { type: 'string' },
  'test-size': { type: 'string' },
  normalization: { type: 'string' },
  'paper-size': { type: 'boolean' },
  kernel: { type: 'boolean' },
  backend: { type: 'string' },
  out: { type: 'string' },
  shard: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** --shard i/n (or a UsageError naming the flag: "3/2", "-1/2", "a/b" are refused). */
function parseShard(text: string | undefined): ShardSpec | undefined {
  if (text === undefined) return undefined;
  try {
    return parseShardSpec(text);
  } catch (err) {
    throw new UsageError(`--shard: ${(err as Error).message}`);
  }
}

function parse(args: string[]): CliJobRequest<'train-dynamics'> {
  const v = parseFlags(args, FLAGS);
  const params: TrainDynamicsParamsInput = v['paper-size'] === true ? { ...PAPER_SIZE } : {};
  const num = (flag: string) => {
    const t = optionalString(v, flag);
    return t === undefined ? undefined : parseNumber(flag, t);
  };
  const int = (flag: string) => {
    const t = optionalString(v, flag);
    return t === undefined ? undefined : parseInteger(flag, t);
  };
  const set = <K extends keyof TrainDynamicsParamsInput>(key: K, value: TrainDynamicsParamsInput[K] | undefined) => {
    if (value !== undefined) params[key] = value;
  };
  const sigmaText = optionalString(v, 'sigma-w2');
  const out = optionalString(v, 'out');
  const shard = parseShard(optionalString(v, 'shard'));
  if (shard && out === undefined) throw new UsageError('--shard needs --out <dir>: each shard writes its own store');
  if (sigmaText !== undefined && sigmaText.includes(',')) {
    const list = parseNumberList('sigma-w2', sigmaText);
    list.forEach((value, k) => {
      const r = sigmaW2Schema.safeParse(value);
      if (!r.success)
        throw new UsageError(`--sigma-w2 (item ${k + 1}): ${fieldsAsFlags(r.error.issues[0].message, () => false)}`);
    });
    if (new Set(list).size !== list.length) throw new UsageError('--sigma-w2: the values of the list must be distinct');
    if (list.length > TRAIN_LIMITS.sigmaW2ListMax)
      throw new UsageError(`--sigma-w2: at most ${TRAIN_LIMITS.sigmaW2ListMax} values, got ${list.length}`);
    params.sigmaW2List = list;
  } else {
    set('sigmaW2', num('sigma-w2'));
    // a stored run is a list of one
    if (out !== undefined) params.sigmaW2List = [params.sigmaW2 ?? parseTrainDynamicsParams({}).sigmaW2];
  }
  set('sigmaB2', num('sigma-b2'));
  set('depth', int('depth'));
  set('width', int('width'));
  set('activation', choice('activation', optionalString(v, 'activation'), ACTIVATIONS));
  set('parametrization', choice('parametrization', optionalString(v, 'parametrization'), TRAIN_PARAMETRIZATIONS));
  set('loss', choice('loss', optionalString(v, 'loss'), TRAIN_LOSSES));
  set('optimizer', choice('optimizer', optionalString(v, 'optimizer'), TRAIN_OPTIMIZERS));
  set('lr', num('lr'));
  set('batchSize', int('batch-size'));
  set('steps', int('steps'));
  set('seed', int('seed'));
  set('trainSize', int('train-size'));
  set('testSize', int('test-size'));
  set('normalization', choice('normalization', optionalString(v, 'normalization'), TRAIN_NORMALIZATIONS));
  params.kernel = v.kernel === true;
  const every = int('record-every');
  const atText = optionalString(v, 'record-at');
  if (every !== undefined && atText !== undefined)
    throw new UsageError('--record-every and --record-at both choose the recorded steps: give one of them');
  if (atText !== undefined) {
    params.recordAt = parseIntegerList('record-at', atText);
  } else if (every !== undefined) {
    if (every < 1) throw new UsageError(`--record-every: must be ≥ 1 (got ${every})`);
    const steps = params.steps ?? parseTrainDynamicsParams({ ...params, recordAt: [0] }).steps;
    if (steps / every + 2 > TRAIN_LIMITS.recordsMax)
      throw new UsageError(
        `--record-every ${every} gives more than ${TRAIN_LIMITS.recordsMax} records for ${steps} steps`,
      );
    const at: number[] = [];
    for (let s = 0; s <= steps; s += every) at.push(s);
    if (at[at.length - 1] !== steps) at.push(steps);
    params.recordAt = at;
  }
  // the service checks the params (bad input: exit 2) before any backend is loaded
  return {
    params,
    service: { tfBackend: parseBackend(optionalString(v, 'backend')) },
    json: v.json === true,
    storeDir: out === undefined ? undefined : checkOutDir('out', out),
    shard,
  };
}

function jsonRecord(r: TrainDynamicsRecord, backend: string): string {
  const { kernel, ...rest } = r;
  const out: Record<string, unknown> = { ...rest, backend };
  if (kernel) out.kernel = Array.from(kernel, (x) => Number(x.toPrecision(7)));
  return jsonLine(out);
}

const COLUMNS = ['step', 'train loss', 'test loss', 'test acc', 'Θd', 'Θc/Θd', 'Θn/Θd', 'seconds'];

function humanRow(r: TrainDynamicsRecord): string {
  const f = (x: number | null) => (x === null ? '—' : fmt(Number(x.toPrecision(4))));
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? null : a / b);
  const cells = [
    String(r.step),
    f(r.trainLoss),
    f(r.testLoss),
    f(r.testAccuracy),
    f(r.thetaD),
    f(ratio(r.thetaC, r.thetaD)),
    f(ratio(r.thetaN, r.thetaD)),
    r.seconds.toFixed(1),
  ];
  return `${cells.map((c) => c.padStart(11)).join('')}${r.diverged ? '   diverged' : ''}\n`;
}

/** One task in the TensorFlow.js worker (tf/tasks.ts). */
const runsOn = { engine: 'tf', task: 'train-dynamics' } as const satisfies RunsOn;

export const trainDynamicsJob = defineJob({
  contract: trainDynamicsKind,
  title: 'training-dynamics',
  check: checkTrainDynamics,
  runsOn,
  pausable: true,
  progress: 'record',
  // one recorded step; the kernel as a plain array, so that it survives JSON
  // one recorded step (td-list.ts tagRecord: the kernel as a plain array, so that it survives JSON, and its σ_w²)
  summarize: (raw: unknown, env) => ({
    kind: 'train-dynamics',
    backend: env.tf.label(),
    record: trainDynamicsRecordSchema.parse(raw),
  }),
  async run(params, env, emit, { signal, pause, storeDir, shard }) {
    await env.tf.start();
    // throws SweepStoreError for a damaged store, another list in it, or another shard's store
    const store = storeDir === undefined ? undefined : TdStore.open(storeDir, params);
    if (store && shard) recordShard(store.dir, store.identity, shard);
    const r = await runTdList(
      params,
      async (p, o) => trainDynamicsSummarySchema.parse(await env.tf.run<unknown>(runsOn.task, p, o)),
      emit,
      { signal, pause, shard },
      store,
    );
    const list = params.sigmaW2List !== undefined;
    return {
      kind: 'train-dynamics',
      backend: env.tf.label(),
      summary: {
        records: r.records,
        stoppedEarly: r.stoppedEarly,
        ...(list ? { diverged: r.diverged } : {}),
        ...(store
          ? {
              store: {
                dir: store.dir,
                identity: store.identity,
                total: r.total,
                resumed: r.resumed,
                trained: r.trained,
                ...(shard ? { shard: { index: shard.index, count: shard.count } } : {}),
              },
            }
          : {}),
      },
    };
  },
  cli: {
    summary: 'train on MNIST and stream the NTK structure Θd, Θc, Θn (Seleznova & Kutyniok 2022, Fig. 4)',
    usage: `Usage: ntk-lab train-dynamics [--sigma-w2 <v>] [--depth <L>] [--width <M>] [--steps <T>]
                              [--record-every <k> | --record-at <a,b,c>] [--lr <η>] [--optimizer adam|sgd]
                              [--seed <s>] [--paper-size] [--kernel] [--out <dir> [--shard <i/n>]] [--json]
                              [more flags below]

Trains a fully-connected net (784 → M × (L−1) → 10, biases zero at init but trained) on MNIST digits from the
mnist package and records, at the chosen steps, train/test loss (batch mean of ½‖f − y‖², one-hot y) and accuracy,
and the label-awareness of the NTK on 100 training digits (10 per class), Seleznova & Kutyniok 2022, eq. (23):
Θd = mean diagonal, Θc = mean same-class off-diagonal, Θn = mean different-class value, with Θ = Σ_k Θ_kk
(trace over the 10 outputs). Runs in this process on the fastest TensorFlow.js backend available.

Defaults are reduced for a CPU (L = 20 as in the paper, M = 100, batch 100 of 2,000 digits, 300 Adam steps at
lr 1e−4, records at 0, 1, 2, 5, 10, 20, 50, 100, 200, 300): about 17 s on an idle 2-core machine with tfjs-wasm,
1–1.5 minutes when it is busy.
--paper-size sets the paper's sizes (L = 20, M = 300, Adam lr 1e−5, full batch, 3,000 steps; 9,000 train digits,
as the package has 10k): hours on CPU, meant for a GPU (tfjs-node-gpu or webgpu). Later flags override it.

  --sigma-w2 <v>       weight variance σ_w² (> 0, ≤ ${LIMITS.sigmaW2Max}; default 2: edge of chaos; the paper uses 1.0,
                       2.0, 2.2), or a list a,b,c (distinct, at most ${TRAIN_LIMITS.sigmaW2ListMax}): one run per σ_w², one
                       after the other, each with the same seed (its records equal the single run's)
  --sigma-b2 <v>       bias variance at init (≥ 0; default 0)
  --depth <L>          number of weight layers, 1–${TRAIN_LIMITS.depthMax} (default 20)
  --width <M>          hidden width, 1–${TRAIN_LIMITS.widthMax} (default 100)
  --activation <a>     ${ACTIVATIONS.join(', ')} (default relu)
  --parametrization <p> standard (default, W ~ N(0, σ_w²/n)) or ntk (W = σ_w/√n · V)
  --loss <l>           mse (default, ½‖f − y‖²) or cross-entropy
  --optimizer <o>      adam (default) or sgd
  --lr <η>             learning rate (> 0, ≤ ${TRAIN_LIMITS.lrMax}; default 1e-4)
  --batch-size <b>     minibatch size (default 100; = train size for full batch)
  --steps <T>          optimizer steps (0–${TRAIN_LIMITS.stepsMax}, default 300)
  --record-every <k>   record at 0, k, 2k, …, and the last step
  --record-at <list>   record at these steps (comma-separated, ≤ T, at most ${TRAIN_LIMITS.recordsMax}; default 0, 1, 2, 5,
                       10, 20, 50, …, T)
  --seed <s>           seed of the init, the data split and the batches (default 0)
  --train-size <n>     training digits (default 2000; ≥ 100, they include the NTK subset)
  --test-size <n>      test digits (default 1000; train + test ≤ 10000)
  --normalization <n>  unit (default, ‖x⁰‖ = 1 as in the theory) or pixel (intensities in [0, 1])
  --kernel             also output the 100×100 class-sorted NTK (the heat map) in each record
  --backend <b>        auto (default), tensorflow-gpu, webgpu, tensorflow, wasm or cpu
  --out <dir>          store the runs in <dir> (sweep.json, runs.jsonl: one finished run per line, appended and
                       fsynced): re-running the same command resumes (only missing σ_w² run); other params in
                       <dir> are refused. A single σ_w² is a list of one
  --shard <i/n>        with --out: run only shard i of n (0 ≤ i < n) of the σ_w² list, a fixed split balanced by
                       cost; combine the shards with ntk-lab merge (docs/slurm.md)
  --json               one JSON object per recorded step: step, epoch, trainLoss, testLoss, trainAccuracy,
                       testAccuracy, thetaD, thetaC, thetaN, diverged, seconds, sigmaW2, backend (+ kernel with
                       --kernel); with --out then {"kind":"summary", dir, identity, total, resumed, trained,
                       diverged, records, status, shard?}.
                       A diverged run ends with a record with diverged = true and nulls (exit code 1 for a single
                       σ_w²; in a list it is that run's result and the list goes on).

Ctrl-C stops the run after the current step.`,
    parse,
    printer: ({ io, json, params: p, tensorflow }) => {
      let info: BackendInfo;
      let diverged: TrainDynamicsRecord | undefined;
      let current: number | undefined;
      const list = p.sigmaW2List !== undefined;
      let header = '';
      // written before the first output, not in start(): a --out store that cannot be opened (another list, a
      // damaged file) fails the run before anything is trained, and then only the error is printed
      const printHeader = () => {
        if (header !== '') io.stdout(header);
        header = '';
      };
      return {
        async start() {
          info = await tensorflow();
          const sigmas = list ? `σ_w² ∈ {${p.sigmaW2List!.map(fmt).join(', ')}}` : `σ_w² = ${fmt(p.sigmaW2)}`;
          if (!json)
            header =
              `Training dynamics on MNIST (Seleznova & Kutyniok 2022, Fig. 4): ${sigmas}, L = ${p.depth}, M = ${p.width}, ${p.activation}, ` +
              `${p.optimizer} lr ${fmt(p.lr)}, batch ${p.batchSize} of ${p.trainSize}, ${p.steps} steps, seed ${p.seed}; backend ${info.name} (${info.device})\n` +
              (list ? '' : `${COLUMNS.map((c) => c.padStart(11)).join('')}\n`);
        },
        progress(o) {
          const r = o.record;
          if (!r) return;
          printHeader();
          if (r.diverged) diverged = r;
          if (list && !json && r.sigmaW2 !== current) {
            current = r.sigmaW2;
            io.stdout(`σ_w² = ${fmt(r.sigmaW2 ?? p.sigmaW2)}\n${COLUMNS.map((c) => c.padStart(11)).join('')}\n`);
          }
          io.stdout(json ? jsonRecord(r, info.name) : humanRow(r));
        },
        done(o) {
          printHeader();
          const s = o.summary;
          const st = s?.store;
          if (st && json)
            io.stdout(
              jsonLine({
                kind: 'summary',
                dir: st.dir,
                identity: st.identity,
                total: st.total,
                resumed: st.resumed,
                trained: st.trained,
                diverged: s.diverged ?? 0,
                records: s.records,
                status: s.stoppedEarly ? 'cancelled' : 'complete',
                ...(st.shard ? { shard: st.shard } : {}),
              }),
            );
          else if (st)
            io.stdout(
              `Stored in ${st.dir}${st.shard ? ` (shard ${st.shard.index}/${st.shard.count})` : ''}: ` +
                `${st.resumed + st.trained} of ${st.total} runs (${st.resumed} found at start, ${st.trained} now, ` +
                `${s.diverged ?? 0} diverged)\n`,
            );
          if (s?.stoppedEarly) {
            io.stderr(
              st
                ? `ntk-lab train-dynamics: stopped; the finished runs are kept in ${st.dir}. Run the same command again to resume.\n`
                : `ntk-lab train-dynamics: stopped early after ${s.records} records\n`,
            );
            // a single run's records so far are its result; a list's unfinished runs are not
            if (list) return EXIT_FAILED;
          }
          if (diverged) {
            io.stderr(
              `ntk-lab train-dynamics: training diverged (non-finite loss or kernel) by step ${diverged.step}` +
                `${list ? ` at σ_w² = ${fmt(diverged.sigmaW2 ?? p.sigmaW2)}` : ''}\n`,
            );
            // in a list a diverged run is one of its results (stored; the other runs went on)
            return list ? EXIT_OK : EXIT_FAILED;
          }
          return EXIT_OK;
        },
        failed(e) {
          // another list in the --out directory, a damaged store or another shard's store: the user's input
          if (!(e.cause instanceof Error && e.cause.name === 'SweepStoreError')) return undefined;
          io.stderr(`ntk-lab train-dynamics: ${e.message}\n(see ntk-lab train-dynamics --help)\n`);
          return EXIT_USAGE;
        },
      };
    },
  },
});
