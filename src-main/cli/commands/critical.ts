// `ntk-lab critical`: the σ_w² of the order-to-chaos transition χ₁ = 1 for an activation and σ_b² (Xiao et al. 2020,
// §2).
// JSON contract (src-shared/contract/meanfield.ts; add fields, never rename): sigmaW2 (null + reason when there is
// no transition), plus activation, sigmaB2, qStar, note.
import { criticalParamsSchema } from '../../../src-shared/contract/meanfield';
import { activationNames } from '../../../src-shared/network/activations';
import { criticalPoint } from '../../../src-shared/theory/meanfield/point';
import { EXIT_OK, type CliCommand } from '../command';
import { checked, parseFlags, parseNumber, requireString } from '../args';
import { fmt, jsonLine, table } from '../format';

const FLAGS = { activation: { type: 'string' }, 'sigma-b2': { type: 'string' }, json: { type: 'boolean' } } as const;

export const command: CliCommand = {
  name: 'critical',
  summary: 'the critical σ_w² (χ₁ = 1, edge of chaos) of an activation at a given σ_b²',
  usage: `Usage: ntk-lab critical --activation <φ> --sigma-b2 <v> [--json]

The σ_w² where χ₁ = σ_w²E[φ′(√q* z)²] = 1 (Xiao et al. 2020, §2), found by root finding to |χ₁ − 1| < 1e-9, scanning
σ_w² ≤ 16. ReLU and linear: χ₁ does not depend on q, so σ_w² = 2 (ReLU) / 1 (linear) for every σ_b²; with σ_b² > 0
q* is infinite there (q grows linearly with depth), which qStar = null and the note say.

  --activation <φ>   one of: ${activationNames().join(', ')}
  --sigma-b2 <v>     bias variance σ_b² (≥ 0)
  --json             one JSON object on stdout: sigmaW2 (null if there is no transition, with reason),
                     activation, sigmaB2, qStar (null if infinite), note`,

  async run(args, io) {
    const values = parseFlags(args, FLAGS);
    const activation = requireString(values, 'activation');
    const sigmaB2 = parseNumber('sigma-b2', requireString(values, 'sigma-b2'));
    checked('activation', criticalParamsSchema.shape.activation, activation);
    checked('sigma-b2', criticalParamsSchema.shape.sigmaB2, sigmaB2);
    const r = criticalPoint(activation, sigmaB2);
    if (values.json) {
      io.stdout(jsonLine(r));
      return EXIT_OK;
    }
    const rows: [string, string][] = [
      ['critical σ_w²', r.sigmaW2 === null ? `none (${r.reason ?? ''})` : fmt(r.sigmaW2)],
      ['q* there', r.qStar === null ? '∞ / undefined' : fmt(r.qStar)],
    ];
    if (r.note) rows.push(['note', r.note]);
    io.stdout(table(`Critical line χ₁ = 1 (Xiao et al. 2020): φ = ${r.activation}, σ_b² = ${fmt(r.sigmaB2)}`, rows));
    return EXIT_OK;
  },
};
