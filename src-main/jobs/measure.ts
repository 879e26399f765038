// measure: Θ(x, x) (and Θ(x, x̃)) of N sampled networks at initialization, E[Θ] and the dispersion E[Θ²]/E[Θ]²
// with standard errors (Seleznova & Kutyniok 2022, eq. (19), Thm 3.2). Runs as blocks on the sampling pool; method
// 'dense' goes to TensorFlow.js when a native backend runs.
// CLI JSON contract (add fields, never rename): sigmaW2, depth, width, inputDim, samples, seed, method,
// meanTheta {estimate, stderr}, dispersion {estimate, stderr}, seconds; offDiagonal {meanRatio, dispersion} with
// --pair-cos; components {meanW, meanB, meanW2, meanB2, meanWB (each {estimate, stderr}), shares} with --components.
import { measureKind } from '../../src-shared/contract/kinds/measure';
import { MEASURE_METHODS, type MeasureParams, type MeasureResult } from '../../src-shared/contract/measure';
import { LIMITS, pairCosSchema, samplesSchema, seedSchema, sigmaB2Schema } from '../../src-shared/params';
import { checkFeasible } from '../engine/sample-block';
import { LabServiceError } from '../service/lab-error';
import { runMeasurement } from '../service/measure-run';
import { measureOnTf } from '../service/tf-runs';
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
import { defineJob, type CliJobRequest } from './define';

/** summarizeSamples (src-shared/stats/summary.ts) needs at least 3 samples for its standard errors. */
export const MIN_SAMPLES = 3;

/**
 * Throws LabServiceError: 'bad-request' for fewer than MIN_SAMPLES networks, 'refused' when the sampler cannot run
 * these parameters in bounded time and memory (its reason says why).
 */
function checkMeasure(params: MeasureParams): MeasureParams {
  if (params.samples < MIN_SAMPLES) {
    throw new LabServiceError(
      'bad-request',
      `samples: samples (N) must be ≥ ${MIN_SAMPLES}: standard errors need at least ${MIN_SAMPLES} networks`,
    );
  }
  const verdict = checkFeasible(params);
  if (!verdict.ok) throw new LabServiceError('refused', verdict.reason);
  return params;
}

const FLAGS = {
  ...NETWORK_FLAGS,
  'sigma-b2': { type: 'string' },
  'pair-cos': { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  method: { type: 'string' },
  workers: { type: 'string' },
  components: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** --workers: 1–256 threads (undefined: one per core). */
export function parseWorkers(text: string | undefined): number | undefined {
  const workers = text === undefined ? undefined : parseInteger('workers', text);
  if (workers !== undefined && (workers < 1 || workers > 256))
    throw new UsageError(`--workers: must be in 1–256 (got ${text})`);
  return workers;
}

function parseMeasure(args: string[]): CliJobRequest<'measure'> {
  const values = parseFlags(args, FLAGS);
  const network = parseNetwork(values);
  const samples = checked('samples', samplesSchema, parseInteger('samples', requireString(values, 'samples')));
  const seed = checked('seed', seedSchema, parseInteger('seed', requireString(values, 'seed')));
  const sigmaB2Text = optionalString(values, 'sigma-b2');
  const pairCosText = optionalString(values, 'pair-cos');
  const method = choice('method', optionalString(values, 'method'), MEASURE_METHODS) ?? 'exact';
  const workers = parseWorkers(optionalString(values, 'workers'));
  const params: CliJobRequest<'measure'>['params'] = { ...network, samples, seed, method };
  if (values.components === true) params.components = true;
  if (sigmaB2Text !== undefined)
    params.sigmaB2 = checked('sigma-b2', sigmaB2Schema, parseNumber('sigma-b2', sigmaB2Text));
  if (pairCosText !== undefined)
    params.pairCos = checked('pair-cos', pairCosSchema, parseNumber('pair-cos', pairCosText));
  return { params, service: { workers }, json: values.json === true };
}

function progressLine(r: MeasureResult): string {
  return `\r\x1b[2K  ${r.samples.toLocaleString('en-US')} / ${r.samplesRequested.toLocaleString('en-US')} networks   E[Θ] ≈ ${fmt(r.meanTheta.estimate)}   dispersion ≈ ${fmt(r.dispersion.estimate)}`;
}

function humanReport(r: MeasureResult, workers: number): string {
  const rows: [string, string][] = [
    ['E[Θ(x,x)]', fmtEstimate(r.meanTheta)],
    ['E[Θ²]/E[Θ]²', fmtEstimate(r.dispersion)],
    ['tail share (top 1%)', fmt(r.tailShare)],
  ];
  if (r.offDiagonal) {
    rows.push(['E[Θ(x,x̃)]/E[Θ(x,x)]', fmt(r.offDiagonal.meanRatio)]);
    rows.push(['E[Θ(x,x̃)²]/E[Θ(x,x̃)]²', fmtEstimate(r.offDiagonal.dispersion)]);
  }
  const c = r.components;
  if (c) {
    rows.push(['E[Θ_W] (weights)', fmtEstimate(c.meanW)]);
    rows.push(['E[Θ_b] (biases)', fmtEstimate(c.meanB)]);
    rows.push(['E[Θ_W²]', fmtEstimate(c.meanW2)]);
    rows.push(['E[Θ_b²]', fmtEstimate(c.meanB2)]);
    rows.push(['E[Θ_W Θ_b]', fmtEstimate(c.meanWB)]);
    rows.push(['E[Θ_W]/E[Θ]', fmtEstimate(c.shares.meanW)]);
    rows.push(['E[Θ_W²]/E[Θ²]', fmtEstimate(c.shares.secondW)]);
    rows.push(['E[Θ_b²]/E[Θ²]', fmtEstimate(c.shares.secondB)]);
    rows.push(['2E[Θ_W Θ_b]/E[Θ²]', fmtEstimate(c.shares.secondWB)]);
  }
  rows.push(['time', `${r.seconds.toFixed(3)} s on ${workers} worker${workers === 1 ? '' : 's'}`]);
  const title =
    `Measured NTK: σ_w² = ${fmt(r.sigmaW2)}, σ_b² = ${fmt(r.sigmaB2)}, L = ${r.depth}, M = ${r.width}, n₀ = ${r.inputDim}; ` +
    `N = ${r.samples} networks, seed ${r.seed}, method ${r.method}`;
  return table(title, rows);
}

export const measureJob = defineJob({
  contract: measureKind,
  title: 'measurement',
  check: checkMeasure,
  runsOn: { engine: 'pool', work: 'measure', tf: 'ntk' },
  pausable: false,
  progress: 'snapshot',
  summarize: (result: MeasureResult) => ({ kind: 'measure', result }),
  async run(params, env, emit, { signal }) {
    const result = env.denseOnTf(params.method)
      ? await measureOnTf(env.tf, params, signal)
      : await runMeasurement(env.pool, params, {
          onProgress: emit,
          signal,
          progressIntervalMs: env.progressIntervalMs,
          budget: env.progressBudget,
        });
    return { kind: 'measure', result };
  },
  cli: {
    summary: 'sample N networks and measure E[Θ] and the dispersion with standard errors',
    usage: `Usage: ntk-lab measure --sigma-w2 <v> --depth <L> --width <M> [--alpha0 <v> | --input-dim <n0>]
                       --samples <N> --seed <s> [--sigma-b2 <v>] [--pair-cos <c>] [--method exact|dense]
                       [--components] [--workers <k>] [--json]

Samples N independently initialized ReLU networks (standard parametrization, biases zero at init but trainable,
‖x⁰‖ = 1) and measures Θ(x,x) = Σ_l ‖δ_l‖²(‖x_{l−1}‖² + 1) (Seleznova & Kutyniok 2022, eq. (19)). Same seed and
flags give the same numbers whatever the number of workers.

${NETWORK_USAGE}
  --samples <N>      number of networks (integer ${MIN_SAMPLES}–${LIMITS.samplesMax})
  --seed <s>         random seed (integer in 0 … 2³²−1)
  --sigma-b2 <v>     bias variance σ_b² at init (≥ 0; default 0, as in the theorems)
  --pair-cos <c>     also measure Θ(x,x̃) for a second unit input with ⟨x⁰,x̃⁰⟩ = c ∈ [−1, 1]
  --method <m>       exact (default): exact distribution of the diagonal; dense: materialized weight matrices
  --components       also measure Θ_W and Θ_b (weight and bias parts of Θ): E[Θ_W], E[Θ_b], E[Θ_W²], E[Θ_b²],
                     E[Θ_WΘ_b] and their shares (exact sampler only: σ_b² = 0, no --pair-cos, method exact)
  --workers <k>      worker threads (default: one per core)
  --json             one JSON object on stdout: sigmaW2, depth, width, inputDim, samples, seed, method,
                     meanTheta {estimate, stderr}, dispersion {estimate, stderr}, seconds (+ sigmaB2,
                     samplesRequested, tailShare, offDiagonal {meanRatio, dispersion} with --pair-cos,
                     components {meanW, meanB, meanW2, meanB2, meanWB, shares} with --components)

Progress goes to stderr when it is a terminal.`,
    parse: parseMeasure,
    printer: ({ io, json, workers }) => ({
      progress: (o) => {
        if (io.stderrIsTTY) io.stderr(progressLine(o.result));
      },
      done: (o) => {
        if (io.stderrIsTTY) io.stderr('\r\x1b[2K');
        const { done: _done, ...out } = o.result;
        io.stdout(json ? jsonLine(out) : humanReport(o.result, workers));
        return EXIT_OK;
      },
      failed: () => {
        if (io.stderrIsTTY) io.stderr('\r\x1b[2K');
        return undefined;
      },
    }),
  },
});
