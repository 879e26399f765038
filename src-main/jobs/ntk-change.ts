// ntk-change: one cell of the NTK trust map (Seleznova 2024 thesis §3.1 = Seleznova & Kutyniok 2022a, §4): train a
// fully-connected net by full-batch GD with MSE on an MNIST subset in the TensorFlow.js worker and record the relative
// change of the empirical NTK Gram, ‖Θᵗ − Θ⁰‖_F/‖Θ⁰‖_F, with the loss, at chosen steps. Pausable.
// CLI JSON contract (--json; add fields, never rename): one line per recorded step
//   {"kind":"step", step, loss, relativeChange, minLoss, kernelNorm, final?, seconds, backend}
// (step 0 first; final: true on the step where training ended), then one line
//   {"kind":"summary", sigmaW2, depth, width, depthToWidth, stoppedAt, stop, minLoss, minLossStep, finalChange,
//    records, seconds, backend, device}.
import { ntkChangeKind } from '../../src-shared/contract/kinds/ntk-change';
import {
  NTK_CHANGE_LIMITS,
  NTK_CHANGE_PAPER_SIZE,
  ntkChangeRecordSchema,
  ntkChangeSummarySchema,
  resolveNtkChangeParams,
  type NtkChangeParams,
  type NtkChangeParamsInput,
  type NtkChangeRecord,
} from '../../src-shared/contract/ntk-change';
import { ACTIVATIONS } from '../../src-shared/contract/gd-step';
import { LIMITS } from '../../src-shared/params';
import type { BackendInfo } from '../tf/backend';
import { EXIT_FAILED, EXIT_OK } from '../cli/command';
import { choice, optionalString, parseFlags, parseInteger, parseIntegerList, parseNumber } from '../cli/args';
import { fmt, jsonLine } from '../cli/format';
import { defineJob, type CliJobRequest, type RunsOn, refuseOnError } from './define';
import { parseBackend } from './train-dynamics';

/** Refused above this estimated work (6 flops per parameter and digit per step): days on a CPU, hours on a GPU. */
export const NTK_CHANGE_FLOPS_MAX = 1e17;

/** Work of one cell at most (maxSteps full-batch steps), for the check and the trust map's cost estimate. */
export function ntkChangeFlops(p: { depth: number; width: number; maxSteps: number; trainSize: number }): number {
  const params = 785 * p.width + (p.depth - 2) * (p.width + 1) * p.width + (p.width + 1) * 10;
  return 6 * Math.max(params, 7850) * p.trainSize * p.maxSteps;
}

/** The resolved params (maxSteps set) that run; LabServiceError('refused') naming the field. */
export function checkNtkChange(raw: unknown): NtkChangeParams {
  return refuseOnError(() => {
    const p = resolveNtkChangeParams(raw as Parameters<typeof resolveNtkChangeParams>[0]);
    const flops = ntkChangeFlops(p);
    if (flops > NTK_CHANGE_FLOPS_MAX)
      throw new RangeError(
        `maxSteps: ${p.maxSteps} steps of a ${p.depth}-layer width-${p.width} net on ${p.trainSize} digits is about ` +
          `${flops.toExponential(1)} flops, above the limit ${NTK_CHANGE_FLOPS_MAX.toExponential(0)}`,
      );
    return p;
  });
}

const FLAGS = {
  'sigma-w2': { type: 'string' },
  'sigma-b2': { type: 'string' },
  depth: { type: 'string' },
  width: { type: 'string' },
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
  json: { type: 'boolean' },
} as const;

/** "10,100,1000" → [10, 100, 1000]; each entry a whole number (the kind's schema checks the order). */
export function parseStepList(flag: string, text: string): number[] {
  return parseIntegerList(flag, text);
}

function parse(args: string[]): CliJobRequest<'ntk-change'> {
  const v = parseFlags(args, FLAGS);
  const params: NtkChangeParamsInput =
    v['paper-size'] === true ? { ...NTK_CHANGE_PAPER_SIZE, steps: [...NTK_CHANGE_PAPER_SIZE.steps] } : {};
  const num = (flag: string) => {
    const t = optionalString(v, flag);
    return t === undefined ? undefined : parseNumber(flag, t);
  };
  const int = (flag: string) => {
    const t = optionalString(v, flag);
    return t === undefined ? undefined : parseInteger(flag, t);
  };
  const set = <K extends keyof NtkChangeParamsInput>(key: K, value: NtkChangeParamsInput[K] | undefined) => {
    if (value !== undefined) params[key] = value;
  };
  set('sigmaW2', num('sigma-w2'));
  set('sigmaB2', num('sigma-b2'));
  set('depth', int('depth'));
  set('width', int('width'));
  set('activation', choice('activation', optionalString(v, 'activation'), ACTIVATIONS));
  set('lr', num('lr'));
  const steps = optionalString(v, 'steps');
  if (steps !== undefined) params.steps = parseStepList('steps', steps);
  set('maxSteps', int('max-steps'));
  set('earlyStopDelta', num('early-stop-delta'));
  set('earlyStopWindow', int('early-stop-window'));
  set('trainSize', int('train-size'));
  set('seed', int('seed'));
  // the service checks the params (bad input: exit 2) before any backend is loaded
  return { params, service: { tfBackend: parseBackend(optionalString(v, 'backend')) }, json: v.json === true };
}

const COLUMNS = ['step', 'loss', 'min loss', '‖Θᵗ−Θ⁰‖/‖Θ⁰‖', 'seconds'];
const f4 = (x: number | null) => (x === null ? '—' : fmt(Number(x.toPrecision(4))));

function humanRow(r: NtkChangeRecord): string {
  const cells = [String(r.step), f4(r.loss), f4(r.minLoss), f4(r.relativeChange), r.seconds.toFixed(1)];
  return `${cells.map((c) => c.padStart(15)).join('')}${r.final ? '   (end of training)' : ''}\n`;
}

/** One task in the TensorFlow.js worker (tf/tasks.ts). */
const runsOn = { engine: 'tf', task: 'ntk-change' } as const satisfies RunsOn;

export const ntkChangeJob = defineJob({
  contract: ntkChangeKind,
  title: 'ntk-change',
  check: checkNtkChange,
  runsOn,
  pausable: true,
  progress: 'record',
  summarize: (raw: unknown, env) => ({
    kind: 'ntk-change',
    backend: env.tf.label(),
    record: ntkChangeRecordSchema.parse(raw),
  }),
  async run(params, env, emit, { signal, pause }) {
    await env.tf.start();
    const out = await env.tf.run<{ summary: unknown }>(runsOn.task, params, { signal, pause, onProgress: emit });
    return { kind: 'ntk-change', backend: env.tf.label(), summary: ntkChangeSummarySchema.parse(out.summary) };
  },
  cli: {
    summary: 'train one net by full-batch GD on MNIST and stream the NTK’s relative change (thesis §3.1)',
    usage: `Usage: ntk-lab ntk-change [--sigma-w2 <v>] [--depth <L>] [--width <M>] [--steps <a,b,…>]
                          [--max-steps <T>] [--lr <η>] [--paper-size] [--backend <b>] [--json] [more flags below]

One cell of the NTK trust map (Seleznova & Kutyniok 2022a, §4; Seleznova 2024 thesis §3.1, Figs. 3, 4, 8–11):
trains a fully-connected net (784 → M × (L−1) → 10, standard parametrization W ~ N(0, σ_w²/n), biases trained) by
full-batch gradient descent on the MSE ½‖f − y‖² (one-hot y, mean over the digits) on an MNIST subset, and records
at step 0, at the given steps and where training ends the relative change of the empirical NTK Gram on that subset,
‖Θᵗ − Θ⁰‖_F/‖Θ⁰‖_F (Θ = Σ_k Θ_kk over the 10 outputs), with the loss and the lowest loss so far.
Early stopping as in the paper: training ends when the loss fell by less than 1e−7 over 100 consecutive steps.

The CPU default records after 10, 10², 10³ steps and stops at 10³ (the paper: 10, 10², 10³, 10⁴ and at most
10⁵ steps); --paper-size sets the paper's size (M = 256, records 10,100,1000,10000, at most 100000 steps: hours
per cell on a CPU, meant for a GPU backend). Later flags override it.

  --sigma-w2 <v>           weight variance σ_w² (> 0, ≤ ${LIMITS.sigmaW2Max}; default 2: the ReLU edge of chaos)
  --sigma-b2 <v>           bias variance at init (≥ 0; default 0, as the dispersion theory; the paper's §3.1 does
                           not state it for this figure)
  --depth <L>              weight layers, 1–${NTK_CHANGE_LIMITS.depthMax} (default 4)
  --width <M>              hidden width, 1–${NTK_CHANGE_LIMITS.widthMax} (default 128; the paper: 128, 256, 512)
  --activation <a>         ${ACTIVATIONS.join(', ')} (default relu; the paper: relu and tanh)
  --lr <η>                 constant learning rate (> 0; default 1e-5, the paper's)
  --steps <a,b,…>          recorded steps, strictly increasing whole numbers ≥ 1 (default 10,100,1000)
  --max-steps <T>          training ends here at the latest (≥ the last recorded step; default: the last one)
  --early-stop-delta <d>   minimal loss decrease over the window (default 1e-7; 0: never stop early)
  --early-stop-window <w>  window in steps (default 100)
  --train-size <n>         MNIST digits trained on and probed (${NTK_CHANGE_LIMITS.trainSizeMin}–${NTK_CHANGE_LIMITS.trainSizeMax}, default 128: 10 per class, then
                           uniform; unit norm ‖x‖ = 1)
  --seed <s>               seed of the init and the digits (default 0)
  --paper-size             the paper's size (above)
  --backend <b>            auto (default), tensorflow-gpu, webgpu, tensorflow, wasm or cpu
  --json                   one line per recorded step {"kind":"step", step, loss, relativeChange, minLoss,
                           kernelNorm, final?, seconds, backend}, then {"kind":"summary", sigmaW2, depth, width,
                           depthToWidth, stoppedAt, stop, minLoss, minLossStep, finalChange, records, seconds,
                           backend, device}; stop is early-stop, max-steps, diverged or cancelled

Exit code 1 when training diverged (non-finite loss) or was stopped (Ctrl-C after the current step).`,
    parse,
    printer: ({ io, json, params: p, tensorflow }) => {
      let info: BackendInfo;
      return {
        async start() {
          info = await tensorflow();
          if (!json)
            io.stdout(
              `NTK change during GD (Seleznova & Kutyniok 2022a, §4): σ_w² = ${fmt(p.sigmaW2)}, σ_b² = ${fmt(p.sigmaB2)}, ` +
                `L = ${p.depth}, M = ${p.width}, ${p.activation}, lr ${fmt(p.lr)}, ${p.trainSize} digits, at most ` +
                `${p.maxSteps} steps, seed ${p.seed}; backend ${info.name} (${info.device})\n` +
                `${COLUMNS.map((c) => c.padStart(15)).join('')}\n`,
            );
        },
        progress(o) {
          const r = o.record;
          if (!r) return;
          io.stdout(json ? jsonLine({ kind: 'step', ...r, backend: info.name }) : humanRow(r));
        },
        done(o) {
          const s = o.summary!;
          if (json)
            io.stdout(
              jsonLine({
                kind: 'summary',
                sigmaW2: p.sigmaW2,
                depth: p.depth,
                width: p.width,
                depthToWidth: p.depth / p.width,
                ...s,
                backend: info.name,
                device: info.device,
              }),
            );
          else
            io.stdout(
              `Training ended at step ${s.stoppedAt} (${s.stop}); minimum loss ${f4(s.minLoss)} at step ${s.minLossStep}; ` +
                `final relative change ${f4(s.finalChange)} (${s.seconds.toFixed(1)} s)\n`,
            );
          if (s.stop === 'diverged' || s.stop === 'cancelled') {
            io.stderr(`ntk-lab ntk-change: training ${s.stop} at step ${s.stoppedAt}\n`);
            return EXIT_FAILED;
          }
          return EXIT_OK;
        },
      };
    },
  },
});
