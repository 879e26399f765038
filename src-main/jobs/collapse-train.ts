// collapse-train: the small real-network mode of the Neural collapse tab (issue 15 item 5; Seleznova 2024 thesis
// §3.3): train an MLP on MNIST with class-balanced batches, MSE + weight decay, and every k epochs record the
// per-output kernels' block averages (γ, κ), their alignment with YᵀY, NC1–NC3 and the invariant alignment.
// Qualitative (no MLP numbers in the thesis). Pausable: the task waits at its next step.
// CLI JSON contract (add fields, never rename): one line per record with the fields of collapseTrainRecordSchema
// (src-shared/contract/collapse-train.ts) plus "backend" (the tfjs backend name).
import { collapseTrainKind } from '../../src-shared/contract/kinds/collapse-train';
import {
  COLLAPSE_TRAIN_LIMITS,
  collapseTrainRecordSchema,
  collapseTrainSummarySchema,
  parseCollapseTrainParams,
  type CollapseTrainParams,
  type CollapseTrainParamsInput,
  type CollapseTrainRecord,
} from '../../src-shared/contract/collapse-train';
import { ACTIVATIONS } from '../../src-shared/contract/gd-step';
import type { BackendInfo } from '../tf/backend';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../cli/command';
import { choice, flagCopier, optionalString, parseFlags, parseIntegerList } from '../cli/args';
import { fmt, jsonLine } from '../cli/format';
import { defineJob, type CliJobRequest, type RunsOn, refuseOnError } from './define';
import { parseBackend } from './train-dynamics';

function checkCollapseTrain(params: unknown): CollapseTrainParams {
  return refuseOnError(() => parseCollapseTrainParams(params));
}

const FLAGS = {
  hidden: { type: 'string' },
  activation: { type: 'string' },
  'sigma-w2': { type: 'string' },
  'sigma-b2': { type: 'string' },
  'train-per-class': { type: 'string' },
  'batch-per-class': { type: 'string' },
  'test-size': { type: 'string' },
  epochs: { type: 'string' },
  'record-every': { type: 'string' },
  lr: { type: 'string' },
  momentum: { type: 'string' },
  'weight-decay': { type: 'string' },
  'kernel-per-class': { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The flag of a params field: trainPerClass → --train-per-class, sigmaW2 → --sigma-w2. */
const flagOf = (field: string): string => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function parse(args: string[]): CliJobRequest<'collapse-train'> {
  const v = parseFlags(args, FLAGS);
  const params: CollapseTrainParamsInput = {};
  const copy = flagCopier(v, params as Record<string, unknown>);
  const hidden = optionalString(v, 'hidden');
  if (hidden !== undefined) params.hidden = parseIntegerList('hidden', hidden);
  const activation = choice('activation', optionalString(v, 'activation'), ACTIVATIONS);
  if (activation !== undefined) params.activation = activation;
  for (const [flag, key] of [
    ['sigma-w2', 'sigmaW2'],
    ['sigma-b2', 'sigmaB2'],
    ['lr', 'lr'],
    ['momentum', 'momentum'],
    ['weight-decay', 'weightDecay'],
  ] as const)
    copy.number(flag, key);
  for (const [flag, key] of [
    ['train-per-class', 'trainPerClass'],
    ['batch-per-class', 'batchPerClass'],
    ['test-size', 'testSize'],
    ['epochs', 'epochs'],
    ['record-every', 'recordEvery'],
    ['kernel-per-class', 'kernelPerClass'],
    ['seed', 'seed'],
  ] as const)
    copy.number(flag, key, true);
  // checked here too, so that a bad value is reported by its flag (the service's check names the field)
  try {
    parseCollapseTrainParams(params);
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    // each problem starts with its field's name: report it by its flag
    const named = text
      .split('; ')
      // a list item's problem (`hidden.1: …`) names the item, 1-based, as train-dynamics does for --sigma-w2
      .map((part) =>
        part
          .replace(
            /^([a-zA-Z][a-zA-Z0-9]*)\.(\d+)/,
            (_m, f: string, k: string) => `${flagOf(f)} (item ${Number(k) + 1})`,
          )
          .replace(/^[a-zA-Z][a-zA-Z0-9]*/, flagOf),
      )
      .join('; ');
    throw new UsageError(named);
  }
  return { params, service: { tfBackend: parseBackend(optionalString(v, 'backend')) }, json: v.json === true };
}

const COLUMNS = ['epoch', 'loss', 'train acc', 'test acc', 'κc/κd', 'κn/κd', 'A(Θʰ,YᵀY)', 'NC1', 'NC2', 'NC3', 'inv'];

function humanRow(r: CollapseTrainRecord): string {
  const f = (x: number | null) => (x === null ? '—' : fmt(Number(x.toPrecision(3))));
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? null : a / b);
  const cells = [
    String(r.epoch),
    f(r.trainLoss),
    f(r.trainAccuracy),
    f(r.testAccuracy),
    f(ratio(r.kappa.c, r.kappa.d)),
    f(ratio(r.kappa.n, r.kappa.d)),
    f(r.thetaHAlignment),
    f(r.nc1),
    f(r.nc2),
    f(r.nc3),
    f(r.invariantAlignment),
  ];
  return `${cells.map((c) => c.padStart(11)).join('')}${r.diverged ? '   diverged' : ''}\n`;
}

/** One task in the TensorFlow.js worker (tf/tasks.ts). */
const runsOn = { engine: 'tf', task: 'collapse-train' } as const satisfies RunsOn;

export const collapseTrainJob = defineJob({
  contract: collapseTrainKind,
  title: 'collapse-train',
  check: checkCollapseTrain,
  runsOn,
  pausable: true,
  progress: 'record',
  summarize: (raw: unknown, env) => ({
    kind: 'collapse-train',
    backend: env.tf.label(),
    record: collapseTrainRecordSchema.parse(raw),
  }),
  async run(params, env, emit, { signal, pause }) {
    await env.tf.start();
    const summary = await env.tf.run<unknown>(runsOn.task, params, { signal, pause, onProgress: emit });
    return { kind: 'collapse-train', backend: env.tf.label(), summary: collapseTrainSummarySchema.parse(summary) };
  },
  cli: {
    summary: 'train an MLP on MNIST and stream kernel block averages and NC1–NC3 (thesis §3.3, qualitative)',
    usage: `Usage: ntk-lab collapse-train [--hidden <n1,n2,…>] [--epochs <E>] [--record-every <k>] [--lr <η>]
                              [--train-per-class <m>] [--kernel-per-class <q>] [--seed <s>] [--json]
                              [more flags below]

Neural (tangent kernel) collapse in a small real network (Seleznova 2024 thesis §3.3, Seleznova et al. 2023):
trains a fully-connected net 784 → hidden → 10 on MNIST digits (unit-norm inputs) with exactly class-balanced
batches, MSE (½‖f − y‖², one-hot y) plus weight decay on the weights, SGD with Nesterov momentum, and every k
epochs records
  γ = (γ_d, γ_c, γ_n), κ = (κ_d, κ_c, κ_n): block averages (Def. 3.1: diagonal, same class, different classes)
      of the per-output NTKs Θ_kk and of the last hidden layer's per-feature kernels Θʰ_kk, averaged over k,
      on q digits per class;
  A(Θ, YᵀY), A(Θʰ, YᵀY): alignment of the traced kernels with the labels (eq. 2.63);
  NC1 (within-class std), NC2 (distance to a simplex ETF), NC3 (classifier vs class means), ‖H₂‖, and the
      invariant alignment (eq. 26 with the measured κ) on all training digits.
Qualitative: the thesis reports these for VGG, ResNet and DenseNet, not for an MLP.
Default (CPU): 784 → 128 → 64 → 10 ReLU, 20 digits per class, 80 epochs, lr 0.2, a record every 5 epochs:
about a minute on a busy 2-core machine with tfjs-wasm.

  --hidden <list>          hidden widths (default 128,64; the last one is the feature count n > 10;
                           at most ${COLLAPSE_TRAIN_LIMITS.hiddenLayersMax} layers of ≤ ${COLLAPSE_TRAIN_LIMITS.widthMax})
  --activation <a>         ${ACTIVATIONS.join(', ')} (default relu)
  --sigma-w2 <v>           weight variance at init (default 2, He)
  --sigma-b2 <v>           bias variance at init (default 0)
  --train-per-class <m>    training digits per class (default 20, ≤ ${COLLAPSE_TRAIN_LIMITS.trainPerClassMax})
  --batch-per-class <b>    digits per class in each batch (default 4, ≤ m)
  --test-size <n>          test digits for the test accuracy (default 500)
  --epochs <E>             epochs (default 80)
  --record-every <k>       record at epochs 0, k, 2k, … and E (default 5)
  --lr <η>                 learning rate (default 0.2)
  --momentum <μ>           Nesterov momentum in [0, 1) (default 0.9; 0: plain SGD)
  --weight-decay <λ>       penalty ½λΣ‖W_l‖² on the weights (default 5e-4, as the thesis)
  --kernel-per-class <q>   digits per class for Θ and Θʰ (default 6; the thesis used 4 or 12; ≤ m)
  --seed <s>               seed of the init, the data and the batches (default 0)
  --backend <b>            auto (default), tensorflow-gpu, webgpu, tensorflow, wasm or cpu
  --json                   one JSON object per record: epoch, step, trainLoss, trainAccuracy, testAccuracy,
                           gamma {d, c, n}, kappa {d, c, n}, thetaAlignment, thetaHAlignment, nc1, nc2, nc3,
                           h2Norm, meanFeatureNorm, invariantAlignment, invariantRelative,
                           residual {global, class, single}, diverged, seconds, backend.
                           A diverged run ends with a record with diverged = true and nulls (exit code 1).

Ctrl-C stops the run after the current step.`,
    parse,
    printer: ({ io, json, params: p, tensorflow }) => {
      let info: BackendInfo;
      let diverged: CollapseTrainRecord | undefined;
      return {
        async start() {
          info = await tensorflow();
          if (!json)
            io.stdout(
              `Neural collapse in an MLP on MNIST (thesis §3.3, qualitative): 784 → ${p.hidden.join(' → ')} → 10 ` +
                `${p.activation}, ${p.trainPerClass} per class, batches of ${p.batchPerClass} per class, ` +
                `lr ${fmt(p.lr)}, momentum ${fmt(p.momentum)}, weight decay ${fmt(p.weightDecay)}, ` +
                `${p.epochs} epochs, seed ${p.seed}; backend ${info.name} (${info.device})\n` +
                `${COLUMNS.map((c) => c.padStart(11)).join('')}\n`,
            );
        },
        progress(o) {
          const r = o.record;
          if (!r) return;
          if (r.diverged) diverged = r;
          io.stdout(json ? jsonLine({ ...r, backend: info.name }) : humanRow(r));
        },
        done(o) {
          if (diverged) {
            io.stderr(
              `ntk-lab collapse-train: training diverged (non-finite loss or kernel) by epoch ${diverged.epoch}\n`,
            );
            return EXIT_FAILED;
          }
          if (o.summary?.stoppedEarly)
            io.stderr(`ntk-lab collapse-train: stopped early after ${o.summary.records} records\n`);
          return EXIT_OK;
        },
      };
    },
  },
});
