// dks-train: "Does it train?" (issue 14, item 4) — a deep plain MLP on MNIST under EOC φ, SELU, φ with Layer Norm
// and the DKS φ̂ at several ζ (Martens et al. 2021 (DKS)), trained in turn in the TensorFlow.js worker; train/test
// accuracy vs steps. The paper's ImageNet / K-FAC results are cited, not re-run. Pausable: the task waits at its next
// step. CLI JSON contract (add fields, never rename): {"kind":"config", index, type (eoc | selu | layernorm | dks),
// label, activation, sigmaW2, sigmaB2, transform, zeta} per configuration, then one line per record
// {"kind":"record", config, label, step, trainLoss, trainAccuracy, testAccuracy, diverged, seconds}.
import { dksTrainKind } from '../../src-shared/contract/kinds/dks-train';
import {
  DKS_TRAIN_ACTIVATIONS,
  DKS_TRAIN_LIMITS,
  EOC_SIGMA_B2,
  dksTrainParamsSchema,
  dksTrainRecordSchema,
  type DksTrainConfig,
  type DksTrainParams,
  type DksTrainRecord,
} from '../../src-shared/contract/dks-train';
import { TRAIN_OPTIMIZERS } from '../../src-shared/contract/train-dynamics';
import { DksNoRootError, dksEocPoint, getDksActivation, solveDks } from '../../src-shared/theory/dks';
import { LabServiceError } from '../service/lab-error';
import type { DksTrainTaskParams } from '../tf/train/dks-train';
import { EXIT_OK } from '../cli/command';
import { checked, choice, flagCopier, optionalString, parseFlags, parseNumberList } from '../cli/args';
import { fmt, jsonLine } from '../cli/format';
import { defineJob, type CliJobRequest, type RunsOn } from './define';
import { parseBackend } from './train-dynamics';

/** The σ_w² on the critical line χ₁ = 1 at σ_b² = EOC_SIGMA_B2 (Poole et al. 2016; meanfield/critical-curve.ts). */
function eocSigmaW2(activation: string): number {
  const p = dksEocPoint(activation, EOC_SIGMA_B2);
  if (p.kind === 'none')
    throw new LabServiceError(
      'bad-request',
      `no edge-of-chaos initialization for ${activation}: ${p.reason} (leave EOC out: --skip-eoc)`,
    );
  return p.sigmaW2;
}

function dksTrainConfigs(p: DksTrainParams): DksTrainConfig[] {
  const configs: DksTrainConfig[] = [];
  if (p.eoc)
    configs.push({
      label: `EOC ${p.activation}`,
      kind: 'eoc',
      activation: p.activation,
      sigmaW2: eocSigmaW2(p.activation),
      sigmaB2: EOC_SIGMA_B2,
      transform: null,
      zeta: null,
    });
  // SELU's self-normalizing initialization (Klambauer et al. 2017): weights N(0, 1/k), zero biases
  if (p.selu)
    configs.push({
      label: 'SELU',
      kind: 'selu',
      activation: 'selu',
      sigmaW2: 1,
      sigmaB2: 0,
      transform: null,
      zeta: null,
    });
  // Layer Norm (Ba et al. 2016) before every hidden φ, no learned gain or bias: the pre-activations' scale is
  // normalized away, so σ_w² = 1, σ_b² = 0 (Martens et al. 2021 (DKS) compare against normalized networks)
  if (p.layerNorm)
    configs.push({
      label: `Layer Norm ${p.activation}`,
      kind: 'layernorm',
      activation: p.activation,
      sigmaW2: 1,
      sigmaB2: 0,
      transform: null,
      zeta: null,
    });
  for (const zeta of p.zetas) {
    let root;
    try {
      root = solveDks(getDksActivation(p.activation), zeta ** (1 / p.depth)).roots[0];
    } catch (err) {
      if (err instanceof DksNoRootError) throw new LabServiceError('bad-request', `ζ = ${zeta}: ${err.message}`);
      throw err;
    }
    configs.push({
      label: `DKS ${p.activation} ζ = ${zeta}`,
      kind: 'dks',
      activation: p.activation,
      sigmaW2: 1,
      sigmaB2: 0,
      transform: { alpha: root.alpha, beta: root.beta, gamma: root.gamma, delta: root.delta },
      zeta,
    });
  }
  if (configs.length === 0)
    throw new LabServiceError('bad-request', 'nothing to train: no EOC, no SELU, no Layer Norm and no ζ');
  return configs;
}

function checkDksTrain(p: DksTrainParams): DksTrainTaskParams {
  if (p.trainSize + p.testSize > 10_000)
    throw new LabServiceError('bad-request', `trainSize + testSize must be ≤ 10000, got ${p.trainSize + p.testSize}`);
  const configs = dksTrainConfigs(p);
  const perSample = p.depth * p.width * p.width + (784 + 10) * p.width;
  const records = Math.floor(p.steps / p.recordEvery) + 2;
  const flops = configs.length * 2 * perSample * (3 * p.steps * p.batchSize + records * (p.trainSize + p.testSize));
  if (flops > DKS_TRAIN_LIMITS.flopsMax)
    throw new LabServiceError(
      'refused',
      `about ${flops.toExponential(1)} floating-point operations (limit ${DKS_TRAIN_LIMITS.flopsMax.toExponential(0)}, ` +
        '~10 min of one CPU core): use fewer steps, layers, width or configurations',
    );
  return { ...p, configs };
}

const runsOn = { engine: 'tf', task: 'dks-train' } as const satisfies RunsOn;

type Partial = { configs: DksTrainConfig[] } | { record: unknown };

const FLAGS = {
  activation: { type: 'string' },
  zetas: { type: 'string' },
  'skip-eoc': { type: 'boolean' },
  'skip-selu': { type: 'boolean' },
  'skip-layer-norm': { type: 'boolean' },
  depth: { type: 'string' },
  width: { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  'batch-size': { type: 'string' },
  steps: { type: 'string' },
  'record-every': { type: 'string' },
  'train-size': { type: 'string' },
  'test-size': { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const FIELDS = [
  ['zetas', 'zetas'],
  ['depth', 'depth'],
  ['width', 'width'],
  ['lr', 'lr'],
  ['batch-size', 'batchSize'],
  ['steps', 'steps'],
  ['record-every', 'recordEvery'],
  ['train-size', 'trainSize'],
  ['test-size', 'testSize'],
  ['seed', 'seed'],
] as const satisfies [string, keyof typeof dksTrainParamsSchema.shape][];

function parse(args: string[]): CliJobRequest<'dks-train'> {
  const v = parseFlags(args, FLAGS);
  const raw: Record<string, unknown> = {};
  const { number: num } = flagCopier(v, raw);
  const activation = choice('activation', optionalString(v, 'activation'), DKS_TRAIN_ACTIVATIONS);
  if (activation !== undefined) raw.activation = activation;
  const optimizer = choice('optimizer', optionalString(v, 'optimizer'), TRAIN_OPTIMIZERS);
  if (optimizer !== undefined) raw.optimizer = optimizer;
  const zetas = optionalString(v, 'zetas');
  if (zetas !== undefined) raw.zetas = zetas.trim() === '' ? [] : parseNumberList('zetas', zetas);
  if (v['skip-eoc'] === true) raw.eoc = false;
  if (v['skip-selu'] === true) raw.selu = false;
  if (v['skip-layer-norm'] === true) raw.layerNorm = false;
  num('depth', 'depth', true);
  num('width', 'width', true);
  num('lr', 'lr');
  num('batch-size', 'batchSize', true);
  num('steps', 'steps', true);
  num('record-every', 'recordEvery', true);
  num('train-size', 'trainSize', true);
  num('test-size', 'testSize', true);
  num('seed', 'seed', true);
  for (const [flag, key] of FIELDS) {
    if (raw[key] !== undefined) raw[key] = checked<unknown>(flag, dksTrainParamsSchema.shape[key], raw[key]);
  }
  return {
    params: raw as CliJobRequest<'dks-train'>['params'],
    service: { tfBackend: parseBackend(optionalString(v, 'backend')) },
    json: v.json === true,
  };
}

const pct = (a: number | null) => (a === null ? '   —  ' : `${(100 * a).toFixed(1).padStart(5)}%`);

export const dksTrainJob = defineJob({
  contract: dksTrainKind,
  title: 'DKS training comparison',
  check: checkDksTrain,
  runsOn,
  pausable: true,
  // a setup line, then points / records: each is delivered, none coalesced
  progress: 'record',
  summarize: (partial: Partial) =>
    'configs' in partial
      ? { kind: 'dks-train', configs: partial.configs }
      : { kind: 'dks-train', record: dksTrainRecordSchema.parse(partial.record) },
  async run(params, env, emit, { signal, pause }) {
    emit({ configs: params.configs });
    const records: DksTrainRecord[] = [];
    await env.tf.start();
    const out = await env.tf.run<{ stoppedEarly: boolean }>(runsOn.task, params, {
      signal,
      pause,
      onProgress: (r) => {
        records.push(dksTrainRecordSchema.parse(r));
        emit({ record: r });
      },
    });
    return { kind: 'dks-train', configs: params.configs, records, stoppedEarly: out.stoppedEarly };
  },
  cli: {
    summary: 'does it train? MNIST accuracy of a deep MLP under EOC, SELU and DKS at several ζ (Martens et al. 2021)',
    usage: `Usage: ntk-lab dks-train [--activation <φ>] [--zetas <ζ1,ζ2,…>] [--skip-eoc] [--skip-selu]
                         [--skip-layer-norm] [--depth <D>] [--width <M>] [--steps <T>] [--record-every <k>] [--lr <η>] [--optimizer adam|sgd]
                         [--batch-size <b>] [--train-size <n>] [--test-size <n>] [--seed <s>] [--backend <b>]
                         [--json]

Trains a plain MLP (784 → M × D → 10: D nonlinear layers, linear readout, softmax cross-entropy) on MNIST digits
scaled to ‖x‖² = 784 (q = 1), once per configuration, with the same data, initialization seed and minibatches:
  EOC φ     σ_w² on the critical line χ₁ = 1 at σ_b² = ${EOC_SIGMA_B2} (Poole et al. 2016)
  SELU      σ_w² = 1, σ_b² = 0 (Klambauer et al. 2017)
  LN φ      Layer Norm on every hidden layer's pre-activations (per sample, over units; no learned gain or
            bias; ε = 1e-5), then φ; σ_w² = 1, σ_b² = 0 (Ba et al. 2016)
  DKS φ̂     φ̂(u) = γ(φ(αu + β) + δ) for ψ = ζ^(1/D), σ_w² = 1, σ_b² = 0 (Martens et al. 2021, Sec. 18)
The paper's ImageNet / K-FAC results are cited, not re-run: this is a CPU-sized check (defaults: D = 50, M = 64,
200 Adam steps at lr 1e-3, batch 64, 2000 train / 1000 test digits; six configurations).

  --activation <φ>     ${DKS_TRAIN_ACTIVATIONS.join(' | ')} (default tanh): φ of EOC and DKS
  --zetas <list>       ζ values for DKS, comma-separated (each > 1; default 1.1,1.5,10; empty for none)
  --skip-eoc           leave out the EOC configuration
  --skip-selu          leave out SELU
  --skip-layer-norm    leave out φ with Layer Norm
  --depth <D>          nonlinear layers (default 50)
  --width <M>          hidden width (default 64)
  --steps <T>          optimizer steps (default 200)
  --record-every <k>   record train/test accuracy at 0, k, 2k, …, T (default 25)
  --lr <η>             learning rate (default 1e-3)
  --optimizer <o>      adam (default) or sgd
  --batch-size <b>     minibatch size (default 64)
  --train-size <n>     training digits (default 2000)
  --test-size <n>      test digits (default 1000; train + test ≤ 10000)
  --seed <s>           seed of the init, the data split and the batches (default 1)
  --backend <b>        auto (default), tensorflow-gpu, webgpu, tensorflow, wasm or cpu
  --json               {"kind":"config", index, type, label, activation, sigmaW2, sigmaB2, transform, zeta} per
                       configuration, then {"kind":"record", config, label, step, trainLoss, trainAccuracy,
                       testAccuracy, diverged, seconds} per record`,
    parse,
    printer: ({ io, json, params }) => ({
      start: () => {
        if (!json)
          io.stdout(
            `Does it train? MNIST, D = ${params.depth}, M = ${params.width}, ${params.optimizer} lr ${fmt(params.lr)}, ` +
              `${params.steps} steps of ${params.batchSize}; seed ${params.seed}\n`,
          );
      },
      progress: (o) => {
        if (o.configs)
          o.configs.forEach((c, index) =>
            io.stdout(
              json
                ? jsonLine({ ...c, kind: 'config', type: c.kind, index })
                : `  [${index}] ${c.label}: σ_w² = ${fmt(c.sigmaW2)}, σ_b² = ${fmt(c.sigmaB2)}` +
                    (c.transform
                      ? `, (α, β, γ, δ) = (${[c.transform.alpha, c.transform.beta, c.transform.gamma, c.transform.delta].map(fmt).join(', ')})\n`
                      : '\n'),
            ),
          );
        const r = o.record;
        if (r)
          io.stdout(
            json
              ? jsonLine({ kind: 'record', ...r })
              : `  [${r.config}] step ${String(r.step).padStart(5)}: train ${pct(r.trainAccuracy)}, test ${pct(r.testAccuracy)}` +
                  `${r.diverged ? '  diverged' : ''}\n`,
          );
      },
      done: () => EXIT_OK,
    }),
  },
});
