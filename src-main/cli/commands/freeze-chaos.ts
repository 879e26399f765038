// `ntk-lab freeze-chaos`: the β line of Jacot et al. 2019 ("Freeze and Chaos for DNNs"): r = (1 − β²)E[σ̇²], the
// phase, β* (Prop. 1), Θ∞(x,x), Θ∞(x,y) and ϑ at depth L (App. B recursion); with --width the same measured on
// finite networks (± SE); with --batch-norm the Gram matrix of one network with post-nonlinearity batch norm
// (Sec. 5.1): Lemma 1's row sums Nβ² and the constant mode.
// JSON contract (add fields, never rename): activation, beta, nonlinearity, depth, cos, sigmaW2, sigmaB2, r, phase,
// betaStar, thetaDiag, theta, vartheta, weaklyFrozen, meanSlopeSquare, dualMethod; measured {vartheta, thetaDiag,
// samples, width, seed}; batchNorm {...}.
import { Rng } from '../../../src-shared/rng';
import {
  NONLINEARITY_MODES,
  constantMode,
  freezeChaosActivationNames,
  freezeChaosModel,
  freezeChaosPoint,
  type NonlinearityMode,
} from '../../../src-shared/theory/freeze-chaos/index';
import { BATCH_NORM_PLACEMENTS, batchNormGram, circleInputs } from '../../engine/freeze-chaos-batchnorm';
import { measureFreezeChaos } from '../../engine/freeze-chaos-sampler';
import { EXIT_OK, UsageError, type CliCommand } from '../command';
import { choice, optionalString, parseFlags, parseInteger, parseNumber, requireString } from '../args';
import { fmt, fmtEstimate, jsonLine, table } from '../format';

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
  json: { type: 'boolean' },
} as const;

// theory and engine errors start with the field name ("beta: …"); report them under the flag the user typed
const FIELD_FLAGS: Record<string, string> = {
  activation: 'activation',
  beta: 'beta',
  nonlinearity: 'nonlinearity',
  depth: 'depth',
  cos: 'cos',
  width: 'width',
  samples: 'samples',
  seed: 'seed',
  points: 'points',
};

function asUsage<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof RangeError) {
      const m = /^([a-z]+): (.*)$/s.exec(err.message);
      if (m && FIELD_FLAGS[m[1]]) throw new UsageError(`--${FIELD_FLAGS[m[1]]}: ${m[2]}`);
    }
    throw err;
  }
}

const DEFAULT_SAMPLES = 1000;
const DEFAULT_POINTS = 16;

export const command: CliCommand = {
  name: 'freeze-chaos',
  summary: 'freeze / chaos on the β line (Jacot et al. 2019): r, phase, β*, Θ∞ and ϑ; measured ϑ; batch norm',
  usage: `Usage: ntk-lab freeze-chaos --activation <φ> --beta <β> --depth <L> --cos <ρ>
         [--nonlinearity standardized|normalized] [--width <M> [--samples <N>] [--seed <s>]]
         [--batch-norm last|every --width <M> [--points <N>] [--seed <s>]] [--json]

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
  --width <M>            also measure ϑ and Θ(x,x) on sampled networks of hidden width M (mean ± SE)
  --samples <N>          networks to sample (default ${DEFAULT_SAMPLES})
  --seed <s>             seed (default 1): same seed, same numbers
  --batch-norm <where>   post-nonlinearity batch norm over the training set after the last hidden layer ('last',
                         the setting of Lemma 1) or after every hidden layer ('every'): the Gram matrix of one
                         network of width --width (depth ≥ 2) on --points inputs equally spaced on a great circle
                         (default ${DEFAULT_POINTS}). Lemma 1 (with the factor N the printed statement misses):
                         Σ_i Θ(x_j, x_i) = Nβ² at any width, so 1 is an eigenvector with eigenvalue Nβ² — small for
                         small β, and training along the constant mode is slow: centre the labels (Sec. 5.1)
  --json                 one JSON object: activation, beta, nonlinearity, depth, cos, sigmaW2, sigmaB2, r, phase
                         ('freeze' | 'edge' | 'chaos'), betaStar (null where E[σ̇²] < 1), thetaDiag, theta, vartheta,
                         weaklyFrozen, meanSlopeSquare, dualMethod; with --width measured: {vartheta: {estimate,
                         stderr}, thetaDiag: {estimate, stderr}, samples, width, seed}; with --batch-norm
                         batchNorm: {placement, points, width, seed, nBeta2, rowSumMaxError, rayleigh, topEigenvalue,
                         topOverlap, topOverMean, constantEigenvalue, constantOverlap, meanVartheta}`,

  async run(args, io) {
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
    const spec = { activation, beta, nonlinearity };
    const point = asUsage(() => freezeChaosPoint(spec, depth, cos));
    const result: Record<string, unknown> = { ...point };

    const width = widthText === undefined ? undefined : parseInteger('width', widthText);
    const seedText = optionalString(values, 'seed');
    const seed = seedText === undefined ? 1 : parseInteger('seed', seedText);
    const model = freezeChaosModel(spec);
    if (width !== undefined) {
      const samplesText = optionalString(values, 'samples');
      const samples = samplesText === undefined ? DEFAULT_SAMPLES : parseInteger('samples', samplesText);
      const { sigma, dsigma, sigmaDsigma } = model.nl;
      const net = { sigma, dsigma, sigmaDsigma, beta, depth, width, cos };
      const m = asUsage(() => measureFreezeChaos(net, samples, seed));
      result.measured = { vartheta: m.vartheta, thetaDiag: m.thetaDiag, samples, width, seed };
    }
    if (bn !== undefined && width !== undefined) {
      const pointsText = optionalString(values, 'points');
      const points = pointsText === undefined ? DEFAULT_POINTS : parseInteger('points', pointsText);
      const net = { sigma: model.nl.sigma, dsigma: model.nl.dsigma, beta, depth, width, placement: bn };
      const gram = asUsage(() => batchNormGram(net, circleInputs(points), 2, new Rng(seed)));
      const cm = constantMode(gram, points);
      const nBeta2 = points * beta * beta;
      let meanVartheta = 0;
      for (let i = 0; i < points; i++)
        for (let j = 0; j < points; j++)
          meanVartheta += gram[i * points + j] / Math.sqrt(gram[i * points + i] * gram[j * points + j]);
      result.batchNorm = {
        placement: bn,
        points,
        width,
        seed,
        nBeta2,
        rowSumMaxError: Math.max(...cm.rowSums.map((s) => Math.abs(s - nBeta2))),
        rayleigh: cm.rayleigh,
        topEigenvalue: cm.topEigenvalue,
        topOverlap: cm.topOverlap,
        topOverMean: cm.topOverMean,
        constantEigenvalue: cm.constantEigenvalue,
        constantOverlap: cm.constantOverlap,
        meanVartheta: meanVartheta / (points * points),
      };
    }
    if (values.json) {
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
    const measured = result.measured as
      { vartheta: { estimate: number; stderr: number }; thetaDiag: { estimate: number; stderr: number } } | undefined;
    if (measured) {
      rows.push([`measured ϑ (M = ${width})`, fmtEstimate(measured.vartheta)]);
      rows.push([`measured Θ(x,x) (M = ${width})`, fmtEstimate(measured.thetaDiag)]);
    }
    const b = result.batchNorm as Record<string, number> | undefined;
    if (b) {
      rows.push([`BN (${bn}) Nβ²`, fmt(b.nBeta2)]);
      rows.push(['BN max |Σ_i Θ(x_j,x_i) − Nβ²|', fmt(b.rowSumMaxError)]);
      rows.push(['BN constant mode λ, overlap', `${fmt(b.constantEigenvalue)}, ${fmt(b.constantOverlap)}`]);
      rows.push(['BN top λ, overlap with 1', `${fmt(b.topEigenvalue)}, ${fmt(b.topOverlap)}`]);
      rows.push(['BN mean ϑ over the points', fmt(b.meanVartheta)]);
      rows.push(['note', 'the constant mode is learnt slowly (λ = Nβ²): centre the labels (Sec. 5.1)']);
    }
    io.stdout(
      table(
        `Freeze and chaos (Jacot et al. 2019): ${nonlinearity} ${activation}, β = ${fmt(beta)}, L = ${depth}, ρ = ${fmt(cos)}`,
        rows,
      ),
    );
    return EXIT_OK;
  },
};
