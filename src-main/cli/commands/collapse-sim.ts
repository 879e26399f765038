// `ntk-lab collapse-sim`: the block-structured gradient flow of Seleznova et al. 2023 (Neural (Tangent Kernel)
// Collapse; Seleznova 2024 thesis §3.3), Theorem 4.1 eq. (19), integrated with Rodas5P (ODEX for large sizes);
// the invariant E of eq. (26) and the neural-collapse metrics NC1–NC3 along the way.
// JSON contract: src-shared/contract/collapse-sim.ts.
import {
  collapseSimParamsSchema,
  type CollapseSimParams,
  type CollapseSimResult,
} from '../../../src-shared/contract/collapse-sim';
import { simulateCollapseParsed } from '../../../src-shared/theory/collapse/simulate';
import { choice, flagCopier, parseFlags } from '../args';
import { EXIT_OK, UsageError, type CliCommand } from '../command';
import { fmt, jsonLine, table } from '../format';

const FLAGS = {
  classes: { type: 'string' },
  'per-class': { type: 'string' },
  features: { type: 'string' },
  'kappa-d': { type: 'string' },
  'kappa-c': { type: 'string' },
  'kappa-n': { type: 'string' },
  init: { type: 'string' },
  't-max': { type: 'string' },
  seed: { type: 'string' },
  'trace-points': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Contract field → the flag as typed. */
const FLAG_OF: Record<keyof CollapseSimParams, string> = {
  classes: 'classes',
  perClass: 'per-class',
  features: 'features',
  kappaD: 'kappa-d',
  kappaC: 'kappa-c',
  kappaN: 'kappa-n',
  init: 'init',
  tMax: 't-max',
  seed: 'seed',
  tracePoints: 'trace-points',
};

const REQUIRED: (keyof CollapseSimParams)[] = ['classes', 'perClass', 'features', 'kappaD', 'kappaC', 'kappaN', 'tMax'];

function parseParams(args: string[]): { params: CollapseSimParams; json: boolean } {
  const values = parseFlags(args, FLAGS);
  const raw: Record<string, unknown> = {};
  const copy = flagCopier(values, raw);
  for (const key of ['classes', 'perClass', 'features', 'seed', 'tracePoints'] as const)
    copy.number(FLAG_OF[key], key, true);
  for (const key of ['kappaD', 'kappaC', 'kappaN', 'tMax'] as const) copy.number(FLAG_OF[key], key);
  const init = choice('init', typeof values.init === 'string' ? values.init : undefined, ['random', 'aligned']);
  if (init) raw.init = init;
  for (const key of REQUIRED) if (raw[key] === undefined) throw new UsageError(`--${FLAG_OF[key]} is required`);
  const parsed = collapseSimParamsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = FLAG_OF[issue.path[0] as keyof CollapseSimParams] ?? String(issue.path[0]);
    throw new UsageError(`--${flag}: ${issue.message}`);
  }
  return { params: parsed.data, json: values.json === true };
}

function human(r: CollapseSimResult): string {
  const f = r.final;
  return table(
    `Collapse simulator (Seleznova et al. 2023, eq. 19): C = ${r.classes}, m = ${r.perClass}, n = ${r.features}, ` +
      `κ = (${fmt(r.kappaD)}, ${fmt(r.kappaC)}, ${fmt(r.kappaN)}), ${r.init} start, t ∈ [0, ${fmt(r.tMax)}]`,
    [
      [
        'μ_single, μ_class, μ_global',
        `${fmt(r.eigenvalues.single)}, ${fmt(r.eigenvalues.class)}, ${fmt(r.eigenvalues.global)}`,
      ],
      ['α (eq. 26)', fmt(r.alpha)],
      ['‖E(0)‖_F', fmt(r.invariantNorm0)],
      ['max_t ‖E(t) − E(0)‖_F', fmt(f.invariantDrift)],
      ['NC1 (within-class std)', fmt(f.nc1)],
      ['NC2 (distance to simplex ETF)', fmt(f.nc2)],
      ['NC3 (means vs classifier)', fmt(f.nc3)],
      ['‖H₂‖_F', fmt(f.h2Norm)],
      [
        'residual global / class / single',
        `${fmt(f.residual.global)} / ${fmt(f.residual.class)} / ${fmt(f.residual.single)}`,
      ],
      ['integrator', `${r.integrator.method}, tol ${fmt(r.integrator.tolerance)}, ${r.integrator.steps} steps`],
    ],
  );
}

export const command: CliCommand = {
  name: 'collapse-sim',
  summary: 'neural (tangent kernel) collapse: block-structured gradient flow, its invariant and NC1–NC3',
  usage: `Usage: ntk-lab collapse-sim --classes C --per-class m --features n --kappa-d v --kappa-c v --kappa-n v
                            --t-max T [--init random|aligned] [--seed s] [--trace-points P] [--json]

Integrates the gradient flow of the features H (n×N) and the last layer (W, b) under a block-structured feature
kernel (Seleznova et al. 2023, Theorem 4.1, eq. 19): κ_d on the diagonal, κ_c within a class, κ_n across classes.
Reports the invariant E of eq. (26) (how far it drifts measures the integration error), NC1–NC3 as the thesis code
computes them, ‖H₂‖ (within-class variation) and the residual split into global, class and single-sample parts.
An aligned start (E = 0, centred features, b = 1/C) collapses (Theorem 5.2); a random start in general does not.

  --classes C        number of classes (2 … 100)
  --per-class m      samples per class (2 … 1000)
  --features n       feature dimension (n > C, ≤ 1000; n·C·m ≤ 200000)
  --kappa-d v        Θ^h diagonal value κ_d (> κ_c)
  --kappa-c v        Θ^h same-class value κ_c (≥ κ_n)
  --kappa-n v        Θ^h other-class value κ_n (≥ 0)
  --t-max T          integrate over t ∈ [0, T] (0 < T ≤ 1e6)
  --init <start>     random (default): features N(0, 1), W N(0, 1/n), b = 0; aligned: E = 0, ⟨h⟩ = 0, b = 1/C
  --seed s           random seed (integer in [0, 2³²), default 1)
  --trace-points P   trace length, t = 0 then log-spaced up to T (2 … 10000, default 100)
  --json             one JSON object: the params, eigenvalues {single, class, global}, alpha, invariantNorm0,
                     final {t, invariantDrift, nc1, nc2, nc3, h2Norm, residual {global, class, single}, loss,
                     meanFeatureNorm, invariantAlignment}, trace [{t, nc1, nc2, nc3, h2Norm, invariantDrift, …}],
                     integrator {method, tolerance, steps, rejected, evaluations, jacobians?, factorizations?}`,

  async run(args, io) {
    const { params, json } = parseParams(args);
    const result = simulateCollapseParsed(params);
    io.stdout(json ? jsonLine(result) : human(result));
    return EXIT_OK;
  },
};
