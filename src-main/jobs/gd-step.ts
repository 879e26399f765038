// gd-step: one gradient-descent step on a single sample (x, y) for N random networks and the relative change of the
// NTK, E[ΔΘ(x,x)]/E[Θ(x,x)] and E[|ΔΘ|]/E[Θ] with standard errors (Seleznova & Kutyniok 2022, Thm 4.1, App. A.3).
// Runs as blocks on the sampling pool; method 'dense' goes to TensorFlow.js when a native backend runs or when
// --backend names one (the CLI then sets the service's denseEngine to 'tfjs').
// CLI JSON contract (add fields, never rename): the inputs, backend, relativeChange {estimate, stderr},
// absRelativeChange {estimate, stderr}, seconds (+ meanTheta, diverged, offDiagonal with --pair-cos; log forms
// logRelativeChange, logAbsRelativeChange, logMeanTheta where Θ′ leaves float64).
import { gdStepKind } from '../../src-shared/contract/kinds/gd-step';
import {
  ACTIVATIONS,
  GD_STEP_METHODS,
  type GdStepParams,
  type GdStepResult,
  type LogEstimate,
} from '../../src-shared/contract/gd-step';
import { formatLogEstimate, saturatedEstimate } from '../../src-shared/stats/log-space';
import { HEAVY_TAIL_SHARE } from '../../src-shared/stats/adaptive-samples';
import { LIMITS, pairCosSchema, samplesSchema, seedSchema, sigmaB2Schema } from '../../src-shared/params';
import { checkGdStepFeasible } from '../engine/gd-step-block';
import { LabServiceError } from '../service/lab-error';
import { runGdStep } from '../service/gd-step-run';
import { gdStepOnTf } from '../service/tf-runs';
import { EXIT_OK, UsageError } from '../cli/command';
import {
  checked,
  choice,
  NETWORK_FLAGS,
  NETWORK_USAGE,
  optionalString,
  parseFlags,
  parseInteger,
  parseNetwork,
  parseNumber,
  requireString,
} from '../cli/args';
import { fmt, fmtEstimate, jsonLine, table } from '../cli/format';
import { BACKEND_CHOICES_TEXT } from '../tf/backend-names';
import { defineJob, type CliJobRequest } from './define';
import { parseWorkers } from './measure';
import { parseBackend } from './train-dynamics';

function checkGdStep(params: GdStepParams): GdStepParams {
  const verdict = checkGdStepFeasible(params);
  if (!verdict.ok) throw new LabServiceError('refused', verdict.reason);
  return params;
}

const FLAGS = {
  ...NETWORK_FLAGS,
  lr: { type: 'string' },
  target: { type: 'string' },
  scale: { type: 'string' },
  'input-norm': { type: 'string' },
  'sigma-b2': { type: 'string' },
  activation: { type: 'string' },
  'pair-cos': { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  method: { type: 'string' },
  workers: { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function parseGdStep(args: string[]): CliJobRequest<'gd-step'> {
  const values = parseFlags(args, FLAGS);
  const network = parseNetwork(values);
  const lr = parseNumber('lr', requireString(values, 'lr'));
  if (!(lr > 0)) throw new UsageError(`--lr: the learning rate η must be > 0 (got ${String(values.lr)})`);
  const samples = checked('samples', samplesSchema, parseInteger('samples', requireString(values, 'samples')));
  const seed = checked('seed', seedSchema, parseInteger('seed', requireString(values, 'seed')));
  const params: CliJobRequest<'gd-step'>['params'] = {
    ...network,
    lr,
    samples,
    seed,
    method: choice('method', optionalString(values, 'method'), GD_STEP_METHODS) ?? 'exact',
    activation: choice('activation', optionalString(values, 'activation'), ACTIVATIONS) ?? 'relu',
  };
  const num = (flag: string): number | undefined => {
    const text = optionalString(values, flag);
    return text === undefined ? undefined : parseNumber(flag, text);
  };
  const target = num('target');
  if (target !== undefined) params.target = target;
  const scale = num('scale');
  if (scale !== undefined) {
    if (!(scale > 0)) throw new UsageError(`--scale: α must be > 0 (got ${scale})`);
    params.scale = scale;
  }
  const inputNorm = num('input-norm');
  if (inputNorm !== undefined) {
    if (!(inputNorm > 0)) throw new UsageError(`--input-norm: ‖x‖ must be > 0 (got ${inputNorm})`);
    params.inputNorm = inputNorm;
  }
  const sigmaB2 = num('sigma-b2');
  if (sigmaB2 !== undefined) params.sigmaB2 = checked('sigma-b2', sigmaB2Schema, sigmaB2);
  const pairCos = num('pair-cos');
  if (pairCos !== undefined) params.pairCos = checked('pair-cos', pairCosSchema, pairCos);
  const workers = parseWorkers(optionalString(values, 'workers'));
  const backendText = optionalString(values, 'backend');
  if (backendText === undefined) return { params, service: { workers }, json: values.json === true };
  const tfBackend = parseBackend(backendText);
  if (params.method !== 'dense')
    throw new UsageError(
      `--backend: only --method dense runs on TensorFlow.js; method ${params.method} runs on the float64 sampler ` +
        '(add --method dense, or drop --backend)',
    );
  // an explicit backend runs the dense networks on it; 'auto' keeps the service's choice (TensorFlow.js only on a
  // native or hardware-GPU backend, else the float64 pool)
  const service = tfBackend === 'auto' ? { workers, tfBackend } : { workers, tfBackend, denseEngine: 'tfjs' as const };
  return { params, service, json: values.json === true };
}

/**
 * value ± SE, or the log form (src-shared/stats/log-space.ts) where the plain value or its SE saturated at float64's
 * largest number (a kernel left float64).
 */
function estimateText(e: { estimate: number; stderr: number }, log?: LogEstimate): string {
  return log && saturatedEstimate(e) ? formatLogEstimate(log) : fmtEstimate(e);
}

function humanReport(r: GdStepResult): string {
  const rows: [string, string][] = [
    ['E[ΔΘ(x,x)]/E[Θ(x,x)]', estimateText(r.relativeChange, r.logRelativeChange)],
    ['E[|ΔΘ(x,x)|]/E[Θ(x,x)]', estimateText(r.absRelativeChange, r.logAbsRelativeChange)],
    [
      'E[Θ(x,x)] before',
      estimateText(
        r.meanTheta,
        r.logMeanTheta && { logAbs: r.logMeanTheta.logMean, sign: 1, relStderr: r.logMeanTheta.relStderr },
      ),
    ],
  ];
  if (r.offDiagonal) {
    const o = r.offDiagonal;
    rows.push(['E[ΔΘ(x,x̃)]/E[Θ(x,x̃)]', estimateText(o.relativeChange, o.logRelativeChange)]);
    rows.push(['E[|ΔΘ(x,x̃)|]/E[Θ(x,x̃)]', estimateText(o.absRelativeChange, o.logAbsRelativeChange)]);
  }
  if (r.tailShare !== undefined)
    rows.push([
      'tail share',
      `top 1% of networks carry ${(100 * r.tailShare).toFixed(0)}% of Σ ΔΘ²` +
        (r.tailShare > HEAVY_TAIL_SHARE ? ': heavy-tailed, the SE cannot be trusted (raise N)' : ''),
    ]);
  if (r.diverged > 0)
    rows.push(['diverged steps', `${r.diverged} of ${r.samplesRequested} (overflow; left out of the estimates)`]);
  rows.push(['backend', r.backend]);
  rows.push(['time', `${r.seconds.toFixed(3)} s`]);
  const title =
    `First GD step: σ_w² = ${fmt(r.sigmaW2)}, σ_b² = ${fmt(r.sigmaB2)}, ${r.activation}, L = ${r.depth}, M = ${r.width}, n₀ = ${r.inputDim}; ` +
    `η = ${fmt(r.lr)}, y = ${fmt(r.target)}, α = ${fmt(r.scale)}, ‖x‖ = ${fmt(r.inputNorm)}; N = ${r.samples}, seed ${r.seed}, method ${r.method}`;
  return table(title, rows);
}

function progressLine(r: GdStepResult): string {
  return `\r\x1b[2K  ${r.samples.toLocaleString('en-US')} / ${r.samplesRequested.toLocaleString('en-US')} networks   E[ΔΘ]/E[Θ] ≈ ${fmt(r.relativeChange.estimate)}`;
}

export const gdStepJob = defineJob({
  contract: gdStepKind,
  title: 'GD-step',
  check: checkGdStep,
  runsOn: { engine: 'pool', work: 'gd-step', tf: 'gd-step' },
  pausable: false,
  progress: 'snapshot',
  summarize: (result: GdStepResult) => ({ kind: 'gd-step', result }),
  async run(params, env, emit, { signal }) {
    const result = env.denseOnTf(params.method)
      ? await gdStepOnTf(env.tf, params, signal)
      : await runGdStep(env.pool, params, {
          onProgress: emit,
          signal,
          progressIntervalMs: env.progressIntervalMs,
          budget: env.progressBudget,
        });
    return { kind: 'gd-step', result };
  },
  cli: {
    summary: 'one GD step on (x, y) for N networks: relative change of the NTK with standard errors',
    usage: `Usage: ntk-lab gd-step --sigma-w2 <v> --depth <L> --width <M> [--alpha0 <v> | --input-dim <n0>] --lr <η>
                       [--target <y>] [--scale <α>] [--input-norm <r>] [--sigma-b2 <v>] [--activation <φ>]
                       [--pair-cos <c>] --samples <N> --seed <s> [--method exact|dense] [--backend <b>] [--workers <k>]
                       [--json]

Each of N random networks (standard parametrization, Seleznova & Kutyniok 2022, eq. (6); biases start at σ_b and are trained) takes one
gradient-descent step on one sample (x, y), loss ½(f(x) − y)², learning rate η, all weights and biases trained.
Reports E[ΔΘ(x,x)]/E[Θ(x,x)] and E[|ΔΘ(x,x)|]/E[Θ(x,x)] with standard errors (Seleznova & Kutyniok 2022, Thm 4.1: → ∞ in the chaotic
phase at fixed η, → 0 in the ordered phase, as depth and width grow together).

${NETWORK_USAGE}
  --lr <η>           learning rate (> 0)
  --target <y>       the sample's target (default 0)
  --scale <α>        lazy-training rescale α of Seleznova & Kutyniok 2022, App. B.3 (default 1; relative change ∝ 1/α²)
  --input-norm <r>   ‖x‖ (default 1)
  --sigma-b2 <v>     bias variance at init (≥ 0; default 0)
  --activation <φ>   ${ACTIVATIONS.join(' | ')} (default relu, the theorem's setting)
  --pair-cos <c>     also report the change of Θ(x,x̃) for a second input with cosine c to x
  --samples <N>      number of networks (integer 3–${LIMITS.samplesMax})
  --seed <s>         random seed (integer in 0 … 2³²−1)
  --method <m>       exact (default): lazily revealed Gaussian weights carried across the step (O(L·M) per network);
                     dense: materialized float64 weight matrices (a reference; O(L·M²))
  --backend <b>      with --method dense: run the networks on this TensorFlow.js backend (float32):
                     ${BACKEND_CHOICES_TEXT}; auto (default) uses TensorFlow.js only on a native or hardware-GPU
                     backend, else the float64 pool; "backend" in the output says which ran (e.g. "tfjs webgpu · …")
  --workers <k>      worker threads (default: one per core)
  --json             one JSON object: the inputs, backend, relativeChange {estimate, stderr},
                     absRelativeChange {estimate, stderr}, seconds (+ meanTheta, diverged, samplesRequested,
                     offDiagonal {relativeChange, absRelativeChange} with --pair-cos; logRelativeChange,
                     logAbsRelativeChange {logAbs, sign, relStderr} and logMeanTheta {logMean, relStderr} where
                     Θ′ leaves float64: relativeChange then saturates at ±1.8e308; offDiagonal gains its own
                     logRelativeChange, logAbsRelativeChange)

With the exact method (one input or a pair, every activation) Θ and Θ′ beyond float64 are carried as
mantissa·2^exponent and summarized in log space. With --method dense, steps that overflow float64 are counted in
"diverged" and left out of the estimates, never averaged in as NaN.`,
    parse: parseGdStep,
    printer: ({ io, json }) => ({
      progress: (o) => {
        if (io.stderrIsTTY) io.stderr(progressLine(o.result));
      },
      done: (o) => {
        if (io.stderrIsTTY) io.stderr('\r\x1b[2K');
        const { done: _done, ...out } = o.result;
        io.stdout(json ? jsonLine(out) : humanReport(o.result));
        return EXIT_OK;
      },
      failed: () => {
        if (io.stderrIsTTY) io.stderr('\r\x1b[2K');
        return undefined;
      },
    }),
  },
});
