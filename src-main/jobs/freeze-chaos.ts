// freeze-chaos: the β line of Jacot et al. 2019 ("Freeze and Chaos for DNNs"). The job measures ϑ and Θ(x,x) on
// sampled finite networks per depth (the pool) and, optionally, the batch-norm Gram check of one network (Sec. 5.1);
// its `ntk-lab freeze-chaos` command prints the theory (r, phase, β*, Θ∞ and ϑ at depth L, App. B recursion) with
// those measurements. Without --width the job samples nothing and the command prints the theory alone.
// CLI JSON contract (add fields, never rename): activation, beta, nonlinearity, depth, cos, sigmaW2, sigmaB2, r,
// phase, betaStar, thetaDiag, theta, vartheta, weaklyFrozen, meanSlopeSquare, dualMethod; measured {vartheta,
// thetaDiag, samples, width, seed, seconds}; batchNorm {placement, points, width, depth, seed, nBeta2, rowSumMaxError,
// rayleigh, topEigenvalue, topOverlap, topOverMean, constantEigenvalue, constantOverlap, meanVartheta}.
import {
  BATCH_NORM_PLACEMENTS,
  FREEZE_CHAOS_LIMITS,
  type FreezeChaosParams,
} from '../../src-shared/contract/freeze-chaos';
import { freezeChaosKind } from '../../src-shared/contract/kinds/freeze-chaos';
import {
  NONLINEARITY_MODES,
  freezeChaosActivationNames,
  freezeChaosPoint,
  type NonlinearityMode,
} from '../../src-shared/theory/freeze-chaos/index';
import { EXIT_OK, UsageError } from '../cli/command';
import { choice, optionalString, parseFlags, parseInteger, parseNumber, requireString } from '../cli/args';
import { fmt, fmtEstimate, jsonLine, table } from '../cli/format';
import { checkFreezeChaos, runFreezeChaos, runFreezeChaosBatchNorm } from '../service/freeze-chaos-run';
import { defineJob, type CliJobRequest } from './define';
import { parseWorkers } from './measure';

const FLAGS = {
  activation: { type: 'string' },
  beta: { type: 'string' },
  nonlinearity: { type: 'string' },
  depth: { type: 'string' },
  cos: { type: 'string' },
  width: { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  'batch-norm': { type: 'string' },
  points: { type: 'string' },
  workers: { type: 'string' },
  json: { type: 'boolean' },
} as const;

// theory errors start with the field name ("beta: …"); report them under the flag the user typed
const FIELD_FLAGS = new Set(['activation', 'beta', 'nonlinearity', 'depth', 'cos']);

function asUsage<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof RangeError) {
      const m = /^([a-z]+): (.*)$/s.exec(err.message);
      if (m && FIELD_FLAGS.has(m[1])) throw new UsageError(`--${m[1]}: ${m[2]}`);
    }
    throw err;
  }
}

const DEFAULT_SAMPLES = 1000;
const DEFAULT_POINTS = 16;

function intIn(flag: string, text: string, min: number, max: number): number {
  const v = parseInteger(flag, text);
  if (v < min || v > max) throw new UsageError(`--${flag}: must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

function parseFreezeChaos(args: string[]): CliJobRequest<'freeze-chaos'> {
  const values = parseFlags(args, FLAGS);
  const activation = requireString(values, 'activation');
  if (!freezeChaosActivationNames().includes(activation))
    throw new UsageError(
      `--activation: unknown activation ${JSON.stringify(activation)}; known: ${freezeChaosActivationNames().join(', ')}`,
    );
  const beta = parseNumber('beta', requireString(values, 'beta'));
  const depth = parseInteger('depth', requireString(values, 'depth'));
  const cos = parseNumber('cos', requireString(values, 'cos'));
  const nonlinearity: NonlinearityMode =
    choice('nonlinearity', optionalString(values, 'nonlinearity'), NONLINEARITY_MODES) ?? 'standardized';
  const widthText = optionalString(values, 'width');
  const bn = choice('batch-norm', optionalString(values, 'batch-norm'), BATCH_NORM_PLACEMENTS);
  for (const flag of ['samples', 'seed', 'points'] as const)
    if (optionalString(values, flag) !== undefined && widthText === undefined)
      throw new UsageError(`--${flag} needs --width (it is about sampled networks)`);
  if (optionalString(values, 'points') !== undefined && bn === undefined)
    throw new UsageError('--points needs --batch-norm');
  if (bn !== undefined && widthText === undefined) throw new UsageError('--batch-norm needs --width');
  // the theory point validates φ, β, ρ and L (and E[σ̇²] finite) with messages naming the field
  asUsage(() => freezeChaosPoint({ activation, beta, nonlinearity }, depth, cos));
  const params: Record<string, unknown> = { activation, nonlinearity, beta, cos, depths: [depth] };
  if (widthText !== undefined) {
    params.width = intIn('width', widthText, 1, FREEZE_CHAOS_LIMITS.widthMax);
    const samplesText = optionalString(values, 'samples');
    params.samples =
      samplesText === undefined ? DEFAULT_SAMPLES : intIn('samples', samplesText, 2, FREEZE_CHAOS_LIMITS.samplesMax);
    const seedText = optionalString(values, 'seed');
    params.seed = seedText === undefined ? 1 : intIn('seed', seedText, 0, 0xffffffff);
  }
  if (bn !== undefined) {
    if (depth < 2 || depth > FREEZE_CHAOS_LIMITS.bnDepthMax)
      throw new UsageError(
        `--depth: batch norm needs a hidden layer, depth an integer in [2, ${FREEZE_CHAOS_LIMITS.bnDepthMax}], got ${depth}`,
      );
    const pointsText = optionalString(values, 'points');
    const points =
      pointsText === undefined ? DEFAULT_POINTS : intIn('points', pointsText, 2, FREEZE_CHAOS_LIMITS.bnPointsMax);
    params.batchNorm = { placement: bn, points };
  }
  const workers = parseWorkers(optionalString(values, 'workers'));
  return {
    params: params as CliJobRequest<'freeze-chaos'>['params'],
    service: { workers },
    json: values.json === true,
  };
}

export const freezeChaosJob = defineJob({
  contract: freezeChaosKind,
  title: 'freeze-chaos',
  check: checkFreezeChaos,
  runsOn: { engine: 'pool', work: 'freeze-chaos' },
  pausable: false,
  // one finished depth per progress output: each is delivered, none coalesced
  progress: 'record',
  summarize: (point: Parameters<Parameters<typeof runFreezeChaos>[2]>[0]) => ({ kind: 'freeze-chaos', point }),
  async run(params: FreezeChaosParams, env, emit, { signal }) {
    const points = await runFreezeChaos(env.pool, params, emit, signal);
    const batchNorm = runFreezeChaosBatchNorm(params);
    return { kind: 'freeze-chaos', points, ...(batchNorm ? { batchNorm } : {}) };
  },
  cli: {
    summary: 'freeze / chaos on the β line (Jacot et al. 2019): r, phase, β*, Θ∞ and ϑ; measured ϑ; batch norm',
    usage: `Usage: ntk-lab freeze-chaos --activation <φ> --beta <β> --depth <L> --cos <ρ>
         [--nonlinearity standardized|normalized] [--width <M> [--samples <N>] [--seed <s>]]
         [--batch-norm last|every --width <M> [--points <N>] [--seed <s>]] [--workers <k>] [--json]

Jacot, Gabriel, Ged, Hongler 2019, "Freeze and Chaos for DNNs": NTK parametrization with σ_w² = 1 − β², σ_b² = β²,
a standardized σ (E σ² = 1, Def. 1) or a normalized one (centred too, Sec. 5.2; what Layer Norm does at infinite
width, App. C), inputs on the √n₀-sphere with xᵀy/n₀ = ρ. r = (1 − β²)E[σ̇²] < 1 freeze (ϑ → 1), = 1 edge, > 1
chaos (ϑ → Kronecker δ); β* = √(1 − 1/E[σ̇²]) is where r = 1 (Prop. 1). A σ with a jump in σ′ (ReLU) is only
"weakly frozen" (ϑ → 1 at rate √r, Thm 3). Θ∞(x,x) = Σ_{ℓ=1}^L r^{L−ℓ}; ϑ = Θ∞(x,y)/Θ∞(x,x) (App. B recursion).

  --activation <φ>       one of: ${freezeChaosActivationNames().join(', ')}
  --beta <β>             in [0, 1]
  --nonlinearity <m>     standardized (default) or normalized
  --depth <L>            number of weight layers (integer ≥ 1)
  --cos <ρ>              cosine of the two inputs, in [−1, 1] (a negative value as --cos=-0.5)
  --width <M>            also measure ϑ and Θ(x,x) on sampled networks of hidden width M (mean ± SE), through the
                         lab service's worker pool: block b of networks uses its own seed stream (seed, b), so the
                         numbers do not depend on --workers
  --samples <N>          networks to sample (default ${DEFAULT_SAMPLES})
  --seed <s>             seed (default 1): same seed, same numbers
  --batch-norm <where>   post-nonlinearity batch norm over the training set after the last hidden layer ('last',
                         the setting of Lemma 1) or after every hidden layer ('every'): the Gram matrix of one
                         network of width --width (depth ≥ 2) on --points inputs equally spaced on a great circle
                         (default ${DEFAULT_POINTS}). Lemma 1 (with the factor N the printed statement misses):
                         Σ_i Θ(x_j, x_i) = Nβ² at any width, so 1 is an eigenvector with eigenvalue Nβ² — small for
                         small β, and training along the constant mode is slow: centre the labels (Sec. 5.1)
  --workers <k>          worker threads (default: one per core)
  --json                 one JSON object: activation, beta, nonlinearity, depth, cos, sigmaW2, sigmaB2, r, phase
                         ('freeze' | 'edge' | 'chaos'), betaStar (null where E[σ̇²] < 1), thetaDiag, theta, vartheta,
                         weaklyFrozen, meanSlopeSquare, dualMethod; with --width measured: {vartheta: {estimate,
                         stderr}, thetaDiag: {estimate, stderr}, samples, width, seed, seconds}; with --batch-norm
                         batchNorm: {placement, points, width, depth, seed, nBeta2, rowSumMaxError, rayleigh,
                         topEigenvalue, topOverlap, topOverMean, constantEigenvalue, constantOverlap, meanVartheta}`,
    parse: parseFreezeChaos,
    printer: ({ io, json, params }) => ({
      progress: () => undefined,
      done: (o) => {
        const { activation, beta, nonlinearity, cos } = params;
        const depth = params.depths[0];
        const point = freezeChaosPoint({ activation, beta, nonlinearity }, depth, cos);
        const result: Record<string, unknown> = { ...point };
        const m = o.points?.[0];
        if (m)
          result.measured = {
            vartheta: m.vartheta,
            thetaDiag: m.thetaDiag,
            samples: m.samples,
            width: m.width,
            seed: m.seed,
            seconds: m.seconds,
          };
        if (o.batchNorm) result.batchNorm = o.batchNorm;
        if (json) {
          io.stdout(jsonLine(result));
          return EXIT_OK;
        }
        const rows: [string, string][] = [
          ['σ_w², σ_b²', `${fmt(point.sigmaW2)}, ${fmt(point.sigmaB2)}`],
          ['E[σ̇²]', fmt(point.meanSlopeSquare)],
          ['r', fmt(point.r)],
          ['phase', point.phase + (point.weaklyFrozen ? ' (weakly frozen: ϑ → 1 at rate √r, Thm 3)' : '')],
          ['β* (Prop. 1)', point.betaStar === null ? '— (E[σ̇²] < 1: frozen at every β)' : fmt(point.betaStar)],
          ['Θ∞(x,x)', fmt(point.thetaDiag)],
          ['Θ∞(x,y)', fmt(point.theta)],
          ['ϑ(x,y)', fmt(point.vartheta)],
        ];
        if (m) {
          rows.push([`measured ϑ (M = ${m.width})`, fmtEstimate(m.vartheta)]);
          rows.push([`measured Θ(x,x) (M = ${m.width})`, fmtEstimate(m.thetaDiag)]);
        }
        const b = o.batchNorm;
        if (b) {
          rows.push([`BN (${b.placement}) Nβ²`, fmt(b.nBeta2)]);
          rows.push(['BN max |Σ_i Θ(x_j,x_i) − Nβ²|', fmt(b.rowSumMaxError)]);
          rows.push(['BN constant mode λ, overlap', `${fmt(b.constantEigenvalue)}, ${fmt(b.constantOverlap)}`]);
          rows.push(['BN top λ, overlap with 1', `${fmt(b.topEigenvalue)}, ${fmt(b.topOverlap)}`]);
          rows.push(['BN mean ϑ over the points', fmt(b.meanVartheta)]);
          rows.push(['note', 'the constant mode is learnt slowly (λ = Nβ²): centre the labels (Sec. 5.1)']);
        }
        io.stdout(
          table(
            `Freeze and chaos (Jacot et al. 2019): ${nonlinearity} ${activation}, β = ${fmt(beta)}, L = ${depth}, ` +
              `ρ = ${fmt(cos)}`,
            rows,
          ),
        );
        return EXIT_OK;
      },
    }),
  },
});
