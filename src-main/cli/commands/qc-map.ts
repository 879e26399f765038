// `ntk-lab qc-map`: the local Q and C maps of an activation, optionally DKS-transformed (Martens et al. 2021 (DKS),
// eqs. (5), (7), (11), (14)). JSON contract (src-shared/contract/dks.ts; add fields, never rename): Q, QPrime, C,
// CPrime, C0, CPrime1, plus activation, transform, q, c, CPrime0.
import { dksActivationNames } from '../../../src-shared/theory/dks/activations';
import { qcMapPoint } from '../../../src-shared/theory/dks/point';
import type { DksTransform } from '../../../src-shared/theory/dks/activations';
import { EXIT_OK, UsageError, type CliCommand } from '../command';
import { optionalString, parseFlags, parseNumber, requireString } from '../args';
import { fmt, jsonLine, table } from '../format';

const FLAGS = {
  activation: { type: 'string' },
  transform: { type: 'string' },
  q: { type: 'string' },
  c: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function parseTransform(text: string): DksTransform {
  const parts = text.split(',');
  if (parts.length !== 4)
    throw new UsageError(`--transform: expected four numbers α,β,γ,δ, got ${JSON.stringify(text)}`);
  const [alpha, beta, gamma, delta] = parts.map((p) => parseNumber('transform', p.trim()));
  if (alpha === 0) throw new UsageError('--transform: α must be ≠ 0 (φ̂ would be constant)');
  return { alpha, beta, gamma, delta };
}

export const command: CliCommand = {
  name: 'qc-map',
  summary: 'local Q and C maps of φ or φ̂ = γ(φ(αx + β) + δ): Q, Q′, C(c), C′(c), C(0), C′(1) at q',
  usage: `Usage: ntk-lab qc-map --activation <φ> [--transform α,β,γ,δ] --q <q> --c <c> [--json]

The local maps of a combined layer (Martens et al. 2021, Sec. 6 and 8) at input q values q₁ = q₂ = q:
Q(q) = E[φ(√q x)²], Q′(q), C(c; q) = E[φ(√q x)φ(√q(cx + √(1−c²)y))]/Q(q), C′(c; q), C(0), C′(1) (and C′(0)),
by Gauss–Legendre quadrature split at the kinks.

  --activation <φ>        one of: ${dksActivationNames().join(', ')}
  --transform α,β,γ,δ     apply φ̂(u) = γ(φ(αu + β) + δ) first (e.g. the output of ntk-lab dks)
  --q <q>                 input q value (> 0)
  --c <c>                 input cosine similarity c ∈ [−1, 1]
  --json                  one JSON object on stdout (see src-shared/contract/dks.ts)`,

  async run(args, io) {
    const values = parseFlags(args, FLAGS);
    const activation = requireString(values, 'activation');
    if (!dksActivationNames().includes(activation))
      throw new UsageError(
        `--activation: unknown activation ${JSON.stringify(activation)}; known: ${dksActivationNames().join(', ')}`,
      );
    const tText = optionalString(values, 'transform');
    const transform = tText === undefined ? undefined : parseTransform(tText);
    const q = parseNumber('q', requireString(values, 'q'));
    if (!(q > 0)) throw new UsageError(`--q: must be > 0, got ${q}`);
    const c = parseNumber('c', requireString(values, 'c'));
    if (!(c >= -1 && c <= 1)) throw new UsageError(`--c: must be in [−1, 1], got ${c}`);
    let r;
    try {
      r = qcMapPoint(activation, q, c, transform);
    } catch (err) {
      // Q(q) = 0: φ̂(√q x) vanishes (γ = 0 or φ constant where it is evaluated), so C is undefined
      if (err instanceof RangeError && /Q\(q\)/.test(err.message))
        throw new UsageError(`${transform ? '--transform' : '--activation'}: ${err.message}`);
      throw err;
    }
    if (values.json) {
      io.stdout(jsonLine(r));
      return EXIT_OK;
    }
    const name = transform ? `φ̂ (${r.activation}; α, β, γ, δ = ${tText})` : r.activation;
    io.stdout(
      table(`Local Q/C maps (Martens et al. 2021): φ = ${name}, q = ${fmt(q)}, c = ${fmt(c)}`, [
        ['Q(q)', fmt(r.Q)],
        ["Q'(q)", fmt(r.QPrime)],
        ['C(c)', fmt(r.C)],
        ["C'(c)", fmt(r.CPrime)],
        ['C(0)', fmt(r.C0)],
        ["C'(0)", fmt(r.CPrime0)],
        ["C'(1)", fmt(r.CPrime1)],
      ]),
    );
    return EXIT_OK;
  },
};
