// dks-measure: q_l and c_l of sampled networks with the DKS-transformed φ̂ (or φ itself) against the Q/C maps'
// prediction, per width and layer, ± SE (Martens et al. 2021 (DKS), Sec. 6–7; issue 14, item 3). One pool job per
// (width, layer), widths outer.
// CLI JSON contract (add fields, never rename): {"kind":"setup", psi, transform}, then one line per point
// {"kind":"point", width, layer, q {estimate, stderr}, c {estimate, stderr}, predicted {q, c}, samples, seconds},
// with --ntk one line per width {"kind":"ntk", width, depth, theta, dispersion, predicted {theta, dispersion}, samples,
// seconds}, then {"kind":"summary", points, seconds, params}.
import { dksMeasureKind } from '../../src-shared/contract/kinds/dks-measure';
import {
  DKS_MEASURE_LIMITS,
  dksMeasureParamsSchema,
  type DksMeasureNtkPoint,
  type DksMeasurePoint,
} from '../../src-shared/contract/dks-measure';
import { dksActivationNames } from '../../src-shared/theory/dks';
import { checkDksMeasure, runDksMeasure, runDksMeasureNtk, type DksMeasureChecked } from '../service/dks-measure-run';
import { EXIT_OK } from '../cli/command';
import { checked, choice, flagCopier, optionalString, parseFlags, parseIntegerList, requireString } from '../cli/args';
import { fmt, fmtEstimate, jsonLine } from '../cli/format';
import { defineJob, type CliJobRequest } from './define';
import { parseWorkers } from './measure';

const FLAGS = {
  activation: { type: 'string' },
  zeta: { type: 'string' },
  depth: { type: 'string' },
  transform: { type: 'string' },
  widths: { type: 'string' },
  layers: { type: 'string' },
  cos: { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  workers: { type: 'string' },
  ntk: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const FIELDS = [
  ['zeta', 'zeta'],
  ['depth', 'depth'],
  ['widths', 'widths'],
  ['layers', 'layers'],
  ['cos', 'cos'],
  ['samples', 'samples'],
  ['seed', 'seed'],
] as const satisfies [string, keyof typeof dksMeasureParamsSchema.shape][];

function parseDksMeasure(args: string[]): CliJobRequest<'dks-measure'> {
  const v = parseFlags(args, FLAGS);
  const raw: Record<string, unknown> = {};
  const { number: num } = flagCopier(v, raw);
  const activation = choice('activation', optionalString(v, 'activation'), dksActivationNames());
  if (activation !== undefined) raw.activation = activation;
  const transform = choice('transform', optionalString(v, 'transform'), ['dks', 'none'] as const);
  if (transform !== undefined) raw.transform = transform;
  num('zeta', 'zeta');
  num('depth', 'depth', true);
  raw.widths = parseIntegerList('widths', requireString(v, 'widths'));
  raw.layers = parseIntegerList('layers', requireString(v, 'layers'));
  num('cos', 'cos');
  num('samples', 'samples', true);
  num('seed', 'seed', true);
  if (v.ntk === true) raw.ntk = true;
  // each flag against its field's schema, so that a bad value is reported under the flag's name
  for (const [flag, key] of FIELDS) {
    if (raw[key] !== undefined) raw[key] = checked<unknown>(flag, dksMeasureParamsSchema.shape[key], raw[key]);
  }
  const workers = parseWorkers(optionalString(v, 'workers'));
  return { params: raw as CliJobRequest<'dks-measure'>['params'], service: { workers }, json: v.json === true };
}

function pointLine(p: DksMeasurePoint): string {
  return (
    `  M = ${p.width}, l = ${p.layer}: c = ${fmtEstimate(p.c)} (maps ${fmt(p.predicted.c)}), ` +
    `q = ${fmtEstimate(p.q)} (maps ${fmt(p.predicted.q)})  (${p.samples} networks, ${p.seconds.toFixed(2)} s)\n`
  );
}

type Partial = { point: DksMeasurePoint } | { ntkPoint: DksMeasureNtkPoint } | { setup: DksMeasureChecked['setup'] };

function ntkLine(p: DksMeasureNtkPoint): string {
  return (
    `  NTK, M = ${p.width}, D = ${p.depth}: E[Θ²]/E[Θ]² = ${fmtEstimate(p.dispersion)} (M → ∞: 1), ` +
    `E[Θ] = ${fmtEstimate(p.theta)} (M → ∞: ${fmt(p.predicted.theta)})  (${p.samples} networks, ` +
    `${p.seconds.toFixed(2)} s)\n`
  );
}

export const dksMeasureJob = defineJob({
  contract: dksMeasureKind,
  title: 'measured DKS maps',
  check: checkDksMeasure,
  runsOn: { engine: 'pool', work: 'dks-chain' },
  pausable: false,
  // a setup line, then points / records: each is delivered, none coalesced
  progress: 'record',
  summarize: (partial: Partial) => ({ kind: 'dks-measure', ...partial }),
  async run(params, env, emit, { signal }) {
    emit({ setup: params.setup });
    const points = await runDksMeasure(env.pool, params, (point) => emit({ point }), signal);
    if (!params.ntk) return { kind: 'dks-measure', points, setup: params.setup };
    const ntkPoints = await runDksMeasureNtk(env.pool, params, (ntkPoint) => emit({ ntkPoint }), signal);
    return { kind: 'dks-measure', points, setup: params.setup, ntkPoints };
  },
  cli: {
    summary: 'measured q_l, c_l of networks with the DKS-transformed activation vs the Q/C maps, ± SE, per width',
    usage: `Usage: ntk-lab dks-measure --widths <M1,M2,…> --layers <l1,l2,…> [--activation <φ>] [--zeta <ζ>]
                           [--depth <D>] [--transform dks|none] [--cos <c₀>] [--samples <N>] [--seed <s>]
                           [--ntk] [--workers <k>] [--json]

Samples N chains of D combined layers z_l = φ̂(W_l z_{l−1}) (W_l iid N(0, 1/k), zero biases) on two inputs with
q = 1 and cosine c₀, and reports q_l = ‖z_l‖²/M and c_l (the outputs' cosine) at each listed layer and width, ± SE,
next to the Q and C maps' prediction q_l = Q(q_{l−1}), c_l = C(c_{l−1}; q_{l−1}) (Martens et al. 2021 (DKS),
Sec. 6–7). φ̂ is the DKS transform of φ for ζ and a plain chain of depth D (the first root of \`ntk-lab dks\`), or φ
itself with --transform none. The lazy-Gaussian sampler draws each layer's pre-activations from their exact law
given the previous layer (O(M) per layer). With --ntk, also Θ(x, x) of the D-layer chain with a linear readout
(every weight trained, NTK parametrization) per width: E[Θ] and the dispersion E[Θ²]/E[Θ]² ± SE against the
infinite-width NTK recursion with φ̂ (Σ_{j ≤ D} ψ^j for the DKS φ̂; dispersion → 1 as M → ∞).

  --widths <list>    widths M, comma-separated (1–${DKS_MEASURE_LIMITS.widthMax}, at most ${DKS_MEASURE_LIMITS.widthsMax})
  --layers <list>    layers l at which to record, comma-separated (each ≤ D, at most ${DKS_MEASURE_LIMITS.layersMax})
  --activation <φ>   ${dksActivationNames().join(' | ')} (default softplus)
  --zeta <ζ>         global C′(1) the transform is solved for (> 1, default 1.5)
  --depth <D>        depth the transform is solved for (1–${DKS_MEASURE_LIMITS.depthMax}, default 100)
  --transform <t>    dks (φ̂, default) or none (φ with weights 1/k)
  --cos <c₀>         cosine of the two inputs (in [−1, 1], default 0.5)
  --samples <N>      networks per (width, layer) (≥ 2, default 200)
  --seed <s>         random seed (integer in 0 … 2³²−1, default 1)
  --ntk              also the NTK's mean and dispersion per width (N ≥ 3)
  --workers <k>      worker threads (default: one per core)
  --json             {"kind":"setup", psi, transform}, one line per point {"kind":"point", width, layer, q, c
                     {estimate, stderr}, predicted {q, c}, samples, seconds}, with --ntk one line per width
                     {"kind":"ntk", width, depth, theta, dispersion {estimate, stderr}, predicted {theta,
                     dispersion}, samples, seconds}, then {"kind":"summary", points, seconds, params}

Same seed and flags give the same numbers whatever the number of workers.`,
    parse: parseDksMeasure,
    printer: ({ io, json, params }) => {
      const t0 = performance.now();
      return {
        start: () => {
          if (!json)
            io.stdout(
              `Measured DKS maps: ${params.activation}${params.transform === 'dks' ? '^' : ''}, ζ = ${fmt(params.zeta)}, ` +
                `D = ${params.depth}, c₀ = ${fmt(params.cos)}; N = ${params.samples} per point, seed ${params.seed}\n`,
            );
        },
        progress: (o) => {
          if (o.setup) {
            const t = o.setup.transform;
            io.stdout(
              json
                ? jsonLine({ kind: 'setup', ...o.setup })
                : `  ψ = ${fmt(o.setup.psi)}` +
                    (t ? `, (α, β, γ, δ) = (${[t.alpha, t.beta, t.gamma, t.delta].map(fmt).join(', ')})\n` : '\n'),
            );
          }
          if (o.point) io.stdout(json ? jsonLine({ kind: 'point', ...o.point }) : pointLine(o.point));
          if (o.ntkPoint) io.stdout(json ? jsonLine({ kind: 'ntk', ...o.ntkPoint }) : ntkLine(o.ntkPoint));
        },
        done: (o) => {
          const seconds = (performance.now() - t0) / 1000;
          const { setup: _setup, predictedQ: _q, predictedC: _c, predictedTheta: _t, ...shown } = params;
          if (json) io.stdout(jsonLine({ kind: 'summary', points: o.points?.length ?? 0, seconds, params: shown }));
          return EXIT_OK;
        },
      };
    },
  },
});
