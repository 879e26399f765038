// `ntk-lab dks`: the deep-kernel-shaping transform of an activation (Martens et al. 2021 (DKS), Sec. 17–18).
// JSON contract (src-shared/contract/dks.ts; add fields, never rename): activation, zeta, depth, psi, alpha, beta,
// gamma, delta, residuals {q1, qPrime1, c0, cPrime1}, roots [{alpha, beta, gamma, delta}…], localCPrime1,
// globalCPrime1, plus architecture, skipWeight, conditions, note, localCPrime1Untransformed.
import { dksActivationNames } from '../../../src-shared/theory/dks/activations';
import { dksPoint } from '../../../src-shared/theory/dks/point';
import { validateArchitecture } from '../../../src-shared/theory/dks/slope';
import { DksNoRootError } from '../../../src-shared/theory/dks/solver';
import { EXIT_OK, UsageError, type CliCommand } from '../command';
import { choice, optionalString, parseFlags, parseInteger, parseNumber, requireString } from '../args';
import { fmt, jsonLine, table } from '../format';

const FLAGS = {
  activation: { type: 'string' },
  zeta: { type: 'string' },
  depth: { type: 'string' },
  architecture: { type: 'string' },
  'skip-weight': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const command: CliCommand = {
  name: 'dks',
  summary: 'deep kernel shaping: the transform φ̂ = γ(φ(αx + β) + δ) with Q(1) = 1, Q′(1) = 1, C(0) = 0, C′(1) = ψ',
  usage: `Usage: ntk-lab dks --activation <φ> --zeta <ζ> --depth <D> [--architecture chain|resnet --skip-weight <w>] [--json]

Deep kernel shaping (Martens et al. 2021, Sec. 17–18): ψ = μ⁻¹(ζ) from the architecture's maximal slope function,
then δ = −E[φ(αx+β)], γ = Var[φ(αx+β)]^(−1/2) and (α, β) solving Q′(1) = 1, C′(1) = ψ (damped Newton from the
paper's restart guesses; every root found is listed). Positively homogeneous φ (relu): Q′(1) = 1 is dropped and
β is fixed at 1 (Sec. 18.6).

  --activation <φ>        one of: ${dksActivationNames().join(', ')}
  --zeta <ζ>              global slope bound ζ > 1 (the paper's default 1.5)
  --depth <D>             chain: number of nonlinear layers (μ = ψ^D); resnet: the ResNet depth of eq. (20)
                          (14, 17, 20, …: 50, 101, 152)
  --architecture <a>      chain (default) or resnet (normalized block sums w·residual + √(1 − w²)·shortcut)
  --skip-weight <w>       resnet only: the residual-branch weight w ∈ [0, 1] (the paper's default w² = 0.05)
  --json                  one JSON object on stdout (see src-shared/contract/dks.ts)

Exit 2 when ζ ≤ 1, D is not allowed, or no root exists (the message gives the best residual).`,

  async run(args, io) {
    const values = parseFlags(args, FLAGS);
    const activation = requireString(values, 'activation');
    if (!dksActivationNames().includes(activation))
      throw new UsageError(
        `--activation: unknown activation ${JSON.stringify(activation)}; known: ${dksActivationNames().join(', ')}`,
      );
    const zeta = parseNumber('zeta', requireString(values, 'zeta'));
    if (!(zeta > 1)) throw new UsageError(`--zeta: ζ must be > 1 (the global slope bound), got ${zeta}`);
    const depth = parseInteger('depth', requireString(values, 'depth'));
    if (depth < 1) throw new UsageError(`--depth: must be an integer ≥ 1, got ${depth}`);
    const architecture = choice('architecture', optionalString(values, 'architecture'), ['chain', 'resnet']) ?? 'chain';
    const wText = optionalString(values, 'skip-weight');
    if (architecture === 'chain' && wText !== undefined)
      throw new UsageError('--skip-weight: only with --architecture resnet (a plain chain has no sums)');
    if (architecture === 'resnet' && wText === undefined)
      throw new UsageError('--skip-weight is required with --architecture resnet');
    const skipWeight = wText === undefined ? undefined : parseNumber('skip-weight', wText);
    if (skipWeight !== undefined && !(skipWeight >= 0 && skipWeight <= 1))
      throw new UsageError(`--skip-weight: w must be in [0, 1], got ${skipWeight}`);
    try {
      validateArchitecture(
        architecture === 'chain' ? { kind: 'chain', depth } : { kind: 'resnet', depth, w: skipWeight ?? 0 },
      );
    } catch (err) {
      throw new UsageError(`--depth: ${(err as Error).message}`);
    }
    let r;
    try {
      r = dksPoint({ activation, zeta, depth, architecture, skipWeight });
    } catch (err) {
      if (err instanceof DksNoRootError) throw new UsageError(`--activation: ${err.message}`);
      throw err;
    }
    if (values.json) {
      io.stdout(jsonLine(r));
      return EXIT_OK;
    }
    const rows: [string, string][] = [
      ['ψ = μ⁻¹(ζ)', fmt(r.psi)],
      ['α, β, γ, δ', [r.alpha, r.beta, r.gamma, r.delta].map(fmt).join(', ')],
      [
        'residuals',
        `Q(1)−1 ${fmt(r.residuals.q1)}, Q′(1)−1 ${fmt(r.residuals.qPrime1)}, C(0) ${fmt(r.residuals.c0)}, ` +
          `C′(1)−ψ ${fmt(r.residuals.cPrime1)}`,
      ],
      ['local C′(1)', `${fmt(r.localCPrime1)} (untransformed ${fmt(r.localCPrime1Untransformed)})`],
      ['global C′(1)', fmt(r.globalCPrime1)],
    ];
    r.roots.slice(1).forEach((root, i) => {
      rows.push([`other root ${i + 1}`, [root.alpha, root.beta, root.gamma, root.delta].map(fmt).join(', ')]);
    });
    if (r.note) rows.push(['note', r.note]);
    const archText = r.architecture === 'chain' ? 'chain' : `resnet, w = ${fmt(r.skipWeight ?? 0)}`;
    io.stdout(
      table(`DKS (Martens et al. 2021): φ = ${r.activation}, ζ = ${fmt(r.zeta)}, D = ${r.depth}, ${archText}`, rows),
    );
    return EXIT_OK;
  },
};
