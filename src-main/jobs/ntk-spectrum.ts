// ntk-spectrum: the NTK Gram matrix of finite random networks on m inputs with pairwise cosine c (NTK
// parametrization, n₀ = M), E[λ_max], E[bulk] and κ = E[λ_max]/E[bulk] per depth (Xiao et al. 2020, Fig. 1 on
// finite networks). One pool job per depth, in the order given.
// CLI JSON contract (add fields, never rename): one line per depth {"kind":"point", depth, lambdaMax {estimate,
// stderr}, bulk {estimate, stderr}, kappa {estimate, stderr}, samples, seconds}, then {"kind":"summary", points,
// seconds, params}.
import { ACTIVATIONS } from '../../src-shared/contract/gd-step';
import { LIMITS } from '../../src-shared/params';
import { ntkSpectrumKind } from '../../src-shared/contract/kinds/ntk-spectrum';
import {
  ntkSpectrumParamsSchema,
  SPECTRUM_LIMITS,
  type NtkSpectrumParams,
  type SpectrumPoint,
} from '../../src-shared/contract/ntk-spectrum';
import { LabServiceError } from '../service/lab-error';
import { checkSpectrumFeasible, runSpectrum } from '../service/spectrum-run';
import { EXIT_OK } from '../cli/command';
import { checked, choice, flagCopier, optionalString, parseFlags, parseInteger, requireString } from '../cli/args';
import { fmt, fmtEstimate, jsonLine } from '../cli/format';
import { defineJob, type CliJobRequest } from './define';
import { parseWorkers } from './measure';

/** Dimensions the m inputs with pairwise cosine c span: m, or m − 1 at c = −1/(m−1) (their sum is then 0). */
export function inputRank(inputs: number, inputCos: number): number {
  return Math.abs(inputCos * (inputs - 1) + 1) < 1e-12 ? inputs - 1 : inputs;
}

function checkSpectrum(params: NtkSpectrumParams): NtkSpectrumParams {
  // n₀ = M: the inputs must fit in the input space, else the sampler fails on its first block
  const rank = inputRank(params.inputs, params.inputCos);
  if (params.width < rank)
    throw new LabServiceError(
      'bad-request',
      `width: width (M) must be ≥ ${rank}: the ${params.inputs} inputs at cosine ${params.inputCos} span ${rank} dimensions ` +
        `and the input dimension n₀ is the width (got width ${params.width})`,
    );
  const verdict = checkSpectrumFeasible(params);
  if (!verdict.ok) throw new LabServiceError('refused', verdict.reason);
  return params;
}

const FLAGS = {
  activation: { type: 'string' },
  'sigma-w2': { type: 'string' },
  'sigma-b2': { type: 'string' },
  width: { type: 'string' },
  depths: { type: 'string' },
  inputs: { type: 'string' },
  'input-cos': { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  workers: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const FIELDS = [
  ['sigma-w2', 'sigmaW2'],
  ['sigma-b2', 'sigmaB2'],
  ['width', 'width'],
  ['depths', 'depths'],
  ['inputs', 'inputs'],
  ['input-cos', 'inputCos'],
  ['samples', 'samples'],
  ['seed', 'seed'],
] as const satisfies [string, keyof typeof ntkSpectrumParamsSchema.shape][];

function parseSpectrum(args: string[]): CliJobRequest<'ntk-spectrum'> {
  const v = parseFlags(args, FLAGS);
  const raw: Record<string, unknown> = {};
  const { number: num } = flagCopier(v, raw);
  const activation = choice('activation', optionalString(v, 'activation'), ACTIVATIONS);
  if (activation !== undefined) raw.activation = activation;
  requireString(v, 'sigma-w2');
  requireString(v, 'width');
  num('sigma-w2', 'sigmaW2');
  num('sigma-b2', 'sigmaB2');
  num('width', 'width', true);
  raw.depths = requireString(v, 'depths')
    .split(',')
    .map((t) => parseInteger('depths', t.trim()));
  num('inputs', 'inputs', true);
  num('input-cos', 'inputCos');
  num('samples', 'samples', true);
  num('seed', 'seed', true);
  // each flag against its field's schema, so that a bad value is reported under the flag's name
  for (const [flag, key] of FIELDS) {
    if (raw[key] !== undefined) raw[key] = checked<unknown>(flag, ntkSpectrumParamsSchema.shape[key], raw[key]);
  }
  const workers = parseWorkers(optionalString(v, 'workers'));
  return { params: raw as CliJobRequest<'ntk-spectrum'>['params'], service: { workers }, json: v.json === true };
}

function pointLine(p: SpectrumPoint): string {
  return (
    `  L = ${p.depth}: E[λ_max] = ${fmtEstimate(p.lambdaMax)}, E[bulk] = ${fmtEstimate(p.bulk)}, ` +
    `κ = ${fmtEstimate(p.kappa)}  (${p.samples} networks, ${p.seconds.toFixed(2)} s)\n`
  );
}

export const ntkSpectrumJob = defineJob({
  contract: ntkSpectrumKind,
  title: 'NTK-spectrum',
  check: checkSpectrum,
  runsOn: { engine: 'pool', work: 'ntk-gram' },
  pausable: false,
  progress: 'record',
  summarize: (point: SpectrumPoint) => ({ kind: 'ntk-spectrum', point }),
  async run(params, env, emit, { signal }) {
    const points = await runSpectrum(env.pool, params, emit, signal);
    return { kind: 'ntk-spectrum', points };
  },
  cli: {
    summary: 'NTK Gram spectrum of finite networks vs depth: E[λ_max], E[bulk], κ with standard errors',
    usage: `Usage: ntk-lab ntk-spectrum --sigma-w2 <v> --width <M> --depths <L1,L2,…> [--activation <φ>]
                            [--sigma-b2 <v>] [--inputs <m>] [--input-cos <c>] [--samples <N>] [--seed <s>]
                            [--workers <k>] [--json]

For each depth L, samples N networks (L weight layers of width M, n₀ = M, NTK parametrization, scalar output) and
computes the NTK Gram matrix Θ on m inputs with ‖x‖² = n₀ and pairwise cosine c: its largest eigenvalue λ_max, the
mean of the other m − 1 (the bulk) and κ = E[λ_max]/E[bulk] (delta-method SE of a ratio of means over the same
networks). Xiao et al. 2020 (Fig. 1): in the ordered phase κ grows with depth, at the critical line it stays bounded.

  --sigma-w2 <v>     weight variance σ_w² (> 0, ≤ ${LIMITS.sigmaW2Max})
  --width <M>        hidden width (1–${SPECTRUM_LIMITS.widthMax}; ≥ the inputs' dimension: m, or m − 1 at c = −1/(m−1))
  --depths <list>    depths L, comma-separated (each 1–${SPECTRUM_LIMITS.depthMax}; at most ${SPECTRUM_LIMITS.depthsMax})
  --activation <φ>   ${ACTIVATIONS.join(' | ')} (default relu)
  --sigma-b2 <v>     bias variance σ_b² (≥ 0; default 0)
  --inputs <m>       number of inputs (2–${SPECTRUM_LIMITS.inputsMax}, default 8)
  --input-cos <c>    pairwise cosine of the inputs (in (−1, 1), ≥ −1/(m−1); default 0.5)
  --samples <N>      networks per depth (3–${SPECTRUM_LIMITS.samplesMax}, default 200)
  --seed <s>         random seed (integer in 0 … 2³²−1, default 1)
  --workers <k>      worker threads (default: one per core)
  --json             one JSON line per depth {"kind":"point", depth, lambdaMax {estimate, stderr}, bulk {estimate,
                     stderr}, kappa {estimate, stderr}, samples, seconds}, then {"kind":"summary", points, seconds,
                     params}

Same seed and flags give the same numbers whatever the number of workers.`,
    parse: parseSpectrum,
    printer: ({ io, json, params }) => {
      const t0 = performance.now();
      return {
        start: () => {
          if (!json)
            io.stdout(
              `NTK spectrum: ${params.activation}, σ_w² = ${fmt(params.sigmaW2)}, σ_b² = ${fmt(params.sigmaB2)}, ` +
                `M = ${params.width}, m = ${params.inputs} inputs at cosine ${fmt(params.inputCos)}; ` +
                `N = ${params.samples} per depth, seed ${params.seed}\n`,
            );
        },
        progress: (o) => {
          if (o.point) io.stdout(json ? jsonLine({ kind: 'point', ...o.point }) : pointLine(o.point));
        },
        done: (o) => {
          const seconds = (performance.now() - t0) / 1000;
          if (json) io.stdout(jsonLine({ kind: 'summary', points: o.points?.length ?? 0, seconds, params }));
          return EXIT_OK;
        },
      };
    },
  },
});
