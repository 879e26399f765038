// `ntk-lab measure`: sample N networks on the worker pool and report E[Θ] and the dispersion E[Θ²]/E[Θ]² with
// standard errors. JSON contract (add fields, never rename): sigmaW2, depth, width, inputDim, samples, seed, method,
// meanTheta {estimate, stderr}, dispersion {estimate, stderr}, seconds; offDiagonal {meanRatio, dispersion} with
// --pair-cos.
import { MEASURE_METHODS, type MeasureParamsInput, type MeasureResult } from '../../../src-shared/contract/measure';
import { pairCosSchema, samplesSchema, seedSchema, sigmaB2Schema } from '../../../src-shared/params';
import type { LabService } from '../../service/lab-service';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type CliCommand, type CliIo } from '../command';
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
} from '../args';
import { fmt, fmtEstimate, jsonLine, table } from '../format';

const FLAGS = {
  ...NETWORK_FLAGS,
  'sigma-b2': { type: 'string' },
  'pair-cos': { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  method: { type: 'string' },
  workers: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function parseMeasure(args: string[]): { params: MeasureParamsInput; workers?: number; json: boolean } {
  const values = parseFlags(args, FLAGS);
  const network = parseNetwork(values);
  const samples = checked('samples', samplesSchema, parseInteger('samples', requireString(values, 'samples')));
  const seed = checked('seed', seedSchema, parseInteger('seed', requireString(values, 'seed')));
  const sigmaB2Text = optionalString(values, 'sigma-b2');
  const pairCosText = optionalString(values, 'pair-cos');
  const method = choice('method', optionalString(values, 'method'), MEASURE_METHODS) ?? 'exact';
  const workersText = optionalString(values, 'workers');
  const workers = workersText === undefined ? undefined : parseInteger('workers', workersText);
  if (workers !== undefined && (workers < 1 || workers > 256))
    throw new UsageError(`--workers: must be in 1–256 (got ${workersText})`);
  const params: MeasureParamsInput = { ...network, samples, seed, method };
  if (sigmaB2Text !== undefined)
    params.sigmaB2 = checked('sigma-b2', sigmaB2Schema, parseNumber('sigma-b2', sigmaB2Text));
  if (pairCosText !== undefined)
    params.pairCos = checked('pair-cos', pairCosSchema, parseNumber('pair-cos', pairCosText));
  return { params, workers, json: values.json === true };
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
  rows.push(['time', `${r.seconds.toFixed(3)} s on ${workers} worker${workers === 1 ? '' : 's'}`]);
  const title =
    `Measured NTK: σ_w² = ${fmt(r.sigmaW2)}, σ_b² = ${fmt(r.sigmaB2)}, L = ${r.depth}, M = ${r.width}, n₀ = ${r.inputDim}; ` +
    `N = ${r.samples} networks, seed ${r.seed}, method ${r.method}`;
  return table(title, rows);
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { params, workers, json } = parseMeasure(args);
  // loaded here, not at the top, so that other commands and --help do not start the engine's imports
  const { LabService: Service, LabServiceError } = await import('../../service/lab-service');
  const service: LabService = new Service({ workers });
  const showProgress = io.stderrIsTTY;
  try {
    const result = await service.measure(
      params,
      showProgress ? (r) => io.stderr(progressLine(r)) : undefined,
      io.signal,
    );
    if (showProgress) io.stderr('\r\x1b[2K');
    const { done: _done, ...out } = result;
    io.stdout(json ? jsonLine(out) : humanReport(result, service.info('in-process').workers));
    return EXIT_OK;
  } catch (err) {
    if (showProgress) io.stderr('\r\x1b[2K');
    if (err instanceof LabServiceError && (err.code === 'bad-request' || err.code === 'refused')) {
      io.stderr(`ntk-lab measure: ${err.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`ntk-lab measure: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILED;
  } finally {
    await service.close();
  }
}

export const command: CliCommand = {
  name: 'measure',
  summary: 'sample N networks and measure E[Θ] and the dispersion with standard errors',
  usage: `Usage: ntk-lab measure --sigma-w2 <v> --depth <L> --width <M> [--alpha0 <v> | --input-dim <n0>]
                       --samples <N> --seed <s> [--sigma-b2 <v>] [--pair-cos <c>] [--method exact|dense]
                       [--workers <k>] [--json]

Samples N independently initialized ReLU networks (standard parametrization, biases zero at init but trainable,
‖x⁰‖ = 1) and measures Θ(x,x) = Σ_l ‖δ_l‖²(‖x_{l−1}‖² + 1) (seed 004, eq. 19). Same seed and flags give the
same numbers whatever the number of workers.

${NETWORK_USAGE}
  --samples <N>      number of networks (integer ≥ 1)
  --seed <s>         random seed (integer in 0 … 2³²−1)
  --sigma-b2 <v>     bias variance σ_b² at init (default 0, as in the theorems)
  --pair-cos <c>     also measure Θ(x,x̃) for a second unit input with ⟨x⁰,x̃⁰⟩ = c ∈ [−1, 1]
  --method <m>       exact (default): exact distribution of the diagonal; dense: materialized weight matrices
  --workers <k>      worker threads (default: one per core)
  --json             one JSON object on stdout: sigmaW2, depth, width, inputDim, samples, seed, method,
                     meanTheta {estimate, stderr}, dispersion {estimate, stderr}, seconds (+ sigmaB2,
                     samplesRequested, tailShare, offDiagonal {meanRatio, dispersion} with --pair-cos)

Progress goes to stderr when it is a terminal.`,
  run,
};
