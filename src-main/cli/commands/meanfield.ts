// `ntk-lab meanfield`: signal-propagation theory at one (φ, σ_w², σ_b²) (Xiao et al. 2020, §2, §4; Poole et al. 2016).
// JSON contract (src-shared/contract/meanfield.ts; add fields, never rename): qStar, chi1, cStar, chiC, xi1, xiC,
// xiStar, phase, plus activation, sigmaW2, sigmaB2, fixedPoint, reasons. Undefined quantities are null with a reason.
import { meanfieldParamsSchema } from '../../../src-shared/contract/meanfield';
import { activationNames } from '../../../src-shared/network/activations';
import { meanfieldPoint } from '../../../src-shared/theory/meanfield/point';
import { EXIT_OK, type CliCommand } from '../command';
import { checked, parseFlags, parseNumber, requireString } from '../args';
import { fmt, jsonLine, table } from '../format';

const FLAGS = {
  activation: { type: 'string' },
  'sigma-w2': { type: 'string' },
  'sigma-b2': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const show = (v: number | null, reason?: string) => (v === null ? `— (${reason ?? 'undefined'})` : fmt(v));

export const command: CliCommand = {
  name: 'meanfield',
  summary: 'mean-field fixed point q*, c*, χ₁, χ_c* and depth scales ξ₁, ξ_c*, ξ* for any activation',
  usage: `Usage: ntk-lab meanfield --activation <φ> --sigma-w2 <v> --sigma-b2 <v> [--json]

Signal-propagation theory of a deep fully-connected network at infinite width (Xiao et al. 2020, §2, §4; Poole et al. 2016):
the fixed point q* of the length map q ↦ σ_w²E[φ(√q z)²] + σ_b² (reached from q⁰ = 1), χ₁ = σ_w²E[φ′(√q* z)²],
the correlation fixed point c* and χ_c*, the depth scales ξ₁ = −1/log χ₁, ξ_c* = −1/log χ_c*,
ξ* = −1/(log χ_c* − log χ₁), and the phase (χ₁ < 1 ordered, = 1 critical, > 1 chaotic).

  --activation <φ>   one of: ${activationNames().join(', ')}
  --sigma-w2 <v>     weight variance σ_w² (> 0, ≤ 1e6)
  --sigma-b2 <v>     bias variance σ_b² (≥ 0)
  --json             one JSON object on stdout: qStar, chi1, cStar, chiC, xi1, xiC, xiStar, phase, plus
                     activation, sigmaW2, sigmaB2, fixedPoint ('finite' | 'none') and reasons {field: why null};
                     a quantity that does not exist (e.g. q* of ReLU above σ_w² = 2) is null, never NaN`,

  async run(args, io) {
    const values = parseFlags(args, FLAGS);
    const params = {
      activation: requireString(values, 'activation'),
      sigmaW2: parseNumber('sigma-w2', requireString(values, 'sigma-w2')),
      sigmaB2: parseNumber('sigma-b2', requireString(values, 'sigma-b2')),
    };
    checked('activation', meanfieldParamsSchema.shape.activation, params.activation);
    checked('sigma-w2', meanfieldParamsSchema.shape.sigmaW2, params.sigmaW2);
    checked('sigma-b2', meanfieldParamsSchema.shape.sigmaB2, params.sigmaB2);
    const r = meanfieldPoint(params.activation, params.sigmaW2, params.sigmaB2);
    if (values.json) {
      io.stdout(jsonLine(r));
      return EXIT_OK;
    }
    const rows: [string, string][] = [
      ['fixed point', r.fixedPoint === 'finite' ? 'finite' : `none (${r.reasons.qStar ?? ''})`],
      ['phase', r.phase ?? `— (${r.reasons.phase ?? 'undefined'})`],
      ['q*', show(r.qStar, r.reasons.qStar)],
      ['χ₁', show(r.chi1, r.reasons.chi1)],
      ['c*', show(r.cStar, r.reasons.cStar)],
      ['χ_c*', show(r.chiC, r.reasons.chiC)],
      ['ξ₁', show(r.xi1, r.reasons.xi1)],
      ['ξ_c*', show(r.xiC, r.reasons.xiC)],
      ['ξ*', show(r.xiStar, r.reasons.xiStar)],
    ];
    if (r.reasons.note) rows.push(['note', r.reasons.note]);
    io.stdout(
      table(
        `Mean-field theory (Xiao et al. 2020): φ = ${r.activation}, σ_w² = ${fmt(r.sigmaW2)}, σ_b² = ${fmt(r.sigmaB2)}`,
        rows,
      ),
    );
    return EXIT_OK;
  },
};
